package store

import (
	"fmt"
	"hash/maphash"
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
		k.index()
		// In the scan's order (the cursor finds each next), backwards
		// (never), and with every other row changed.
		for _, order := range []string{"forwards", "backwards", "changed"} {
			var cur, other knownCursor
			for j := range n {
				i := j
				if order == "backwards" {
					i = n - 1 - j
				}
				code, hash := fmt.Sprint("H", i), fmt.Sprint("hash", i)
				if order == "changed" && i%2 == 1 {
					hash += "x"
				}
				if want := order != "changed" || i%2 == 0; k.unchanged(&cur, code, hash, i%7 == 0) != want || k.scanned(&other, code, hash, i%7 == 0) != want {
					t.Fatalf("n=%d, %s: %s found: %v, want %v", n, order, code, !want, want)
				}
				if k.unchanged(&cur, code, hash+"y", i%7 == 0) || k.unchanged(&cur, code, hash, i%7 != 0) {
					t.Fatalf("n=%d, %s: %s found with another hash or flag", n, order, code)
				}
			}
		}
		var cur knownCursor
		if k.unchanged(&cur, "H-none", "hash0", false) {
			t.Fatalf("n=%d: an unknown code found", n)
		}
		if n > 0 {
			if !k.unchanged(&cur, "H0", "hash0", true) || k.ents[cur.alt-1] != k.ent("H0", "hash0", true) {
				t.Fatalf("n=%d: the cursor is not after H0 once found", n)
			}
			k.wrote("H0", "new", false)
			if k.unchanged(&cur, "H0", "hash0", true) || !k.unchanged(&cur, "H0", "new", false) || !k.scanned(&cur, "H0", "hash0", true) {
				t.Fatalf("n=%d: the session's write does not win over the scan (or changed the scan)", n)
			}
		}
	}
}
