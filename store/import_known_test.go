package store

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"slices"
	"testing"
)

// TestKnownRows: the directory finds every stored row (keys sharing a
// bucket, and a key stored twice), and nothing else; what the session
// wrote wins over the scan.
func TestKnownRows(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 1000, 4097} {
		k := &knownRows{seed: maphash.MakeSeed(), written: map[uint64]knownEnt{}}
		for i := range n {
			k.ents = append(k.ents, k.ent(fmt.Sprint("H", i), fmt.Sprint("hash", i), i%7 == 0))
		}
		if n > 0 {
			k.ents = append(k.ents, knownEnt{key: k.ents[0].key, val: 42}) // a colliding key
		}
		slices.SortFunc(k.ents, func(a, b knownEnt) int { return cmp.Compare(a.key, b.key) })
		k.index()
		for i := range n {
			code, hash := fmt.Sprint("H", i), fmt.Sprint("hash", i)
			if !k.unchanged(code, hash, i%7 == 0) || !k.scanned(code, hash, i%7 == 0) {
				t.Fatalf("n=%d: %s not found", n, code)
			}
			if k.unchanged(code, hash+"x", i%7 == 0) || k.unchanged(code, hash, i%7 != 0) {
				t.Fatalf("n=%d: %s found with another hash or flag", n, code)
			}
		}
		if k.unchanged("H-none", "hash0", false) {
			t.Fatalf("n=%d: an unknown code found", n)
		}
		if n > 0 {
			k.wrote("H0", "new", false)
			if k.unchanged("H0", "hash0", true) || !k.unchanged("H0", "new", false) || !k.scanned("H0", "hash0", true) {
				t.Fatalf("n=%d: the session's write does not win over the scan (or changed the scan)", n)
			}
		}
	}
}
