package ingest

import (
	"math/rand/v2"
	"testing"
)

// TestKeyLines checks the table against a map: the previous line of every
// key, through growth, clustered hashes and the hash 0.
func TestKeyLines(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var kl keyLines
	want := map[uint64]int{}
	hashes := []uint64{0, 1, 1 << 63, 1023, 1024, 2048} // 0 shares 1's slot
	for range 20000 {
		hashes = append(hashes, rng.Uint64())
	}
	// Keys that collide in the low bits: long probe runs, wrapping.
	for i := range uint64(300) {
		hashes = append(hashes, i<<40|1023)
	}
	for line := 1; line <= 60000; line++ {
		h := hashes[rng.IntN(len(hashes))]
		k := max(h, 1)
		if got := kl.put(h, line); got != want[k] {
			t.Fatalf("line %d: put(%#x) = %d, want %d", line, h, got, want[k])
		}
		want[k] = line
	}
	if kl.n != len(want) {
		t.Fatalf("n = %d, want %d", kl.n, len(want))
	}
	if kl.n*4 > len(kl.slots)*3 {
		t.Fatalf("%d keys in %d slots: over three quarters", kl.n, len(kl.slots))
	}
}

func BenchmarkKeyLines1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	hs := make([]uint64, 1<<20)
	for i := range hs {
		hs[i] = rng.Uint64()
	}
	b.Run("table", func(b *testing.B) {
		for b.Loop() {
			var kl keyLines
			for i, h := range hs {
				kl.put(h, i+1)
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			m := map[uint64]int{}
			for i, h := range hs {
				if _, ok := m[h]; ok {
					b.Fatal("repeated")
				}
				m[h] = i + 1
			}
		}
	})
}
