package store

import (
	"context"
	"hash/maphash"
	"math/bits"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"
)

// knownRows is what an import session on Postgres knows of the stored
// dossiers: for each code, its row hash and unassigned flag, as 64-bit
// hashes (21 bytes a dossier with their index), read by one scan of the table once the
// session has read enough rows for the scan to pay (see knownPays). A row
// of a later batch whose code and hashes it holds is unchanged: it is
// neither sent to Postgres nor written, where each batch would otherwise
// be looked up by code (a re-import of the 1M province spent 4.5 s of
// Postgres' CPU on those lookups, the scan 0.6 s).
//
// What the session writes is kept beside the scan (written), so that a
// code repeated later in the file is compared with what the session stored
// rather than with the table as it was. A dossier changed by another
// writer during the import may be seen as unchanged when the file holds
// what the table held at the scan: the file did not change it then, and
// the other writer's version stays. A 64-bit collision could hide a change
// with odds of about 2⁻⁶⁴ a changed row.
type knownRows struct {
	seed maphash.Seed
	ents []knownEnt // in the order of the scan
	// idx holds the positions in ents grouped by their key's top bits
	// (key >> shift); dir[b] is where the group of b begins: about four
	// entries a group (a byte an entry, with idx's four).
	idx   []uint32
	dir   []uint32
	shift uint
	// written is guarded by mu: a session's two lanes (see
	// pgImport.writers) write beside each other.
	mu      sync.Mutex
	written map[uint64]knownEnt // by code (key without its flag)
}

// knownCursor is where a reader of the file is in the scan: the entry
// after the last one it found in sequence. An export comes back in the
// order it came first, which is the order the first import stored and the
// scan returns; a lookup then mostly finds the next entry there, one
// sequential read, where a lookup by key is two cache misses (0.4 s of
// CPU per million rows). A dossier updated since was moved by Postgres:
// found elsewhere, it leaves next where it was (the following row is
// there), and a run of rows found after it (the file's order changed)
// continues from alt. Each goroutine has its own.
type knownCursor struct{ next, alt int }

// knownEnt is one stored dossier: key hashes the code (its lowest bit is
// the unassigned flag), val the row hash.
type knownEnt struct{ key, val uint64 }

// knownPays tells whether a scan of stored rows pays for a session that
// has read seen rows and expects rows in all (0: not known): the scan
// costs about as much as looking up a ninth of its rows by code, batch by
// batch (measured on the 1M province), so it pays once the file has shown
// or is expected to hold an eighth as many rows — a file of a few thousand
// rows into a large table never scans it, nor does a session into a table
// of more than knownMaxRows.
func knownPays(stored, seen, rows int64) bool {
	return stored > 0 && stored <= knownMaxRows && max(seen, rows)*8 >= stored
}

// knownMaxRows bounds the scan (21 bytes a stored dossier: 168 MB at the
// bound); a larger table is compared batch by batch in Postgres.
const knownMaxRows = 8 << 20

func (k *knownRows) ent(code, hash string, unassigned bool) knownEnt {
	e := knownEnt{key: maphash.String(k.seed, code) &^ 1, val: maphash.String(k.seed, hash)}
	if unassigned {
		e.key |= 1
	}
	return e
}

// unchanged reports whether the dossier is stored with this row hash and
// unassigned flag, as the session wrote it or else as the scan found it.
func (k *knownRows) unchanged(cur *knownCursor, code, hash string, unassigned bool) bool {
	e := k.ent(code, hash, unassigned)
	k.mu.Lock()
	w, ok := k.written[e.key&^1]
	k.mu.Unlock()
	if ok {
		return w == e
	}
	return k.has(cur, e)
}

// scanned reports whether the scan found the dossier with this row hash
// and unassigned flag. It reads only what the scan built, never written:
// PrepareDossiers calls it beside the writes.
func (k *knownRows) scanned(cur *knownCursor, code, hash string, unassigned bool) bool {
	return k.has(cur, k.ent(code, hash, unassigned))
}

// has looks e up: first where cur is, then among the entries whose key
// has e's top bits (the keys are hashes, spread evenly: three or four).
func (k *knownRows) has(cur *knownCursor, e knownEnt) bool {
	for _, c := range [...]int{cur.next, cur.alt} {
		if c < len(k.ents) && k.ents[c] == e {
			cur.next, cur.alt = c+1, c+1
			return true
		}
	}
	if len(k.ents) == 0 {
		return false
	}
	b := e.key >> k.shift
	for _, p := range k.idx[k.dir[b]:k.dir[b+1]] {
		if k.ents[p] == e {
			cur.alt = int(p) + 1
			return true
		}
	}
	return false
}

// wrote records a dossier the session stored.
func (k *knownRows) wrote(code, hash string, unassigned bool) {
	e := k.ent(code, hash, unassigned)
	k.mu.Lock()
	k.written[e.key&^1] = e
	k.mu.Unlock()
}

// loadKnownRows scans the stored dossiers' codes, row hashes and
// unassigned flags in tx (or on a connection); the table holds about
// stored rows.
func loadKnownRows(ctx context.Context, tx interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, stored int64) (*knownRows, error) {
	k := &knownRows{seed: maphash.MakeSeed(), written: make(map[uint64]knownEnt)}
	k.ents = make([]knownEnt, 0, stored+stored/8)
	rows, err := tx.Query(ctx, "SELECT code, row_hash, unassigned FROM dossiers")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		v := rows.RawValues() // text, text, bool: their bytes as sent
		e := knownEnt{key: maphash.Bytes(k.seed, v[0]) &^ 1, val: maphash.Bytes(k.seed, v[1])}
		if len(v[2]) == 1 && (v[2][0] == 1 || v[2][0] == 't') {
			e.key |= 1
		}
		k.ents = append(k.ents, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	k.index()
	return k, nil
}

// index groups the entries' positions by their keys' top bits (a
// counting sort: the order within a group does not matter).
func (k *knownRows) index() {
	k.shift = uint(64 - max(bits.Len(uint(len(k.ents)))-2, 0))
	groups := 1 << (64 - k.shift)
	k.dir = make([]uint32, groups+1)
	for _, e := range k.ents {
		k.dir[e.key>>k.shift+1]++
	}
	for b := 1; b <= groups; b++ {
		k.dir[b] += k.dir[b-1]
	}
	next := slices.Clone(k.dir[:groups])
	k.idx = make([]uint32, len(k.ents))
	for p, e := range k.ents {
		b := e.key >> k.shift
		k.idx[next[b]] = uint32(p)
		next[b]++
	}
}
