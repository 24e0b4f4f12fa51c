package ingest

// keyLines maps the 64-bit hashes of the keys read to the line each was
// last read on (Reader.Next warns of a key read again). It is an
// open-addressing table probed linearly, a slot the hash and the line side
// by side: a lookup among the million keys of a province's export is one
// cache miss, where a Go map of the same took two or three (6 % of a
// re-import's CPU). The hash 0 marks an empty slot: a key hashing to it is
// kept as 1, which two keys share with the odds of any two hashes.
type keyLines struct {
	slots []keySlot // a power of two, at most three quarters full
	n     int
}

type keySlot struct {
	hash uint64
	line int
}

// put records that the key with hash h is on line, and returns the line
// it was on before (0: not read before).
func (t *keyLines) put(h uint64, line int) (prev int) {
	if h == 0 {
		h = 1
	}
	if (t.n+1)*4 > len(t.slots)*3 {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		switch s.hash {
		case h:
			prev, s.line = s.line, line
			return prev
		case 0:
			s.hash, s.line = h, line
			t.n++
			return 0
		}
	}
}

// grow doubles the table (the first: 1,024 slots).
func (t *keyLines) grow() {
	old := t.slots
	t.slots = make([]keySlot, max(1024, 2*len(old)))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.hash == 0 {
			continue
		}
		i := s.hash & mask
		for t.slots[i].hash != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}
