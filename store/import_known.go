package store

import (
	"cmp"
	"context"
	"hash/maphash"
	"math/bits"
	"slices"

	"github.com/jackc/pgx/v5"
)

// knownRows is what an import session on Postgres knows of the stored
// dossiers: for each code, its row hash and unassigned flag, as 64-bit
// hashes (16 bytes a dossier, and a byte of index), read by one scan of the table once the
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
	ents []knownEnt // sorted by key
	// dir[b] is the first entry whose key's top bits (key >> shift) are
	// b or more: a bucket per four entries or so (a byte an entry).
	dir     []uint32
	shift   uint
	written map[uint64]knownEnt // by code (key without its flag)
}

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

// knownMaxRows bounds the scan (17 bytes a stored dossier: 136 MB at the
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
func (k *knownRows) unchanged(code, hash string, unassigned bool) bool {
	e := k.ent(code, hash, unassigned)
	if w, ok := k.written[e.key&^1]; ok {
		return w == e
	}
	return k.has(e)
}

// scanned reports whether the scan found the dossier with this row hash
// and unassigned flag. It reads only what the scan built, never written:
// PrepareDossiers calls it beside the writes.
func (k *knownRows) scanned(code, hash string, unassigned bool) bool {
	return k.has(k.ent(code, hash, unassigned))
}

// has looks e up: the keys are hashes, spread evenly, so the directory's
// bucket of the key's top bits holds it among three or four others (one
// or two cache lines).
func (k *knownRows) has(e knownEnt) bool {
	if len(k.ents) == 0 {
		return false
	}
	b := e.key >> k.shift
	for _, x := range k.ents[k.dir[b]:k.dir[b+1]] {
		if x == e {
			return true
		}
	}
	return false
}

// wrote records a dossier the session stored.
func (k *knownRows) wrote(code, hash string, unassigned bool) {
	e := k.ent(code, hash, unassigned)
	k.written[e.key&^1] = e
}

// loadKnownRows scans the stored dossiers' codes, row hashes and
// unassigned flags in tx; the table holds about stored rows.
func loadKnownRows(ctx context.Context, tx pgx.Tx, stored int64) (*knownRows, error) {
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
	slices.SortFunc(k.ents, func(a, b knownEnt) int { return cmp.Compare(a.key, b.key) })
	k.index()
	return k, nil
}

// index builds the directory of the sorted entries.
func (k *knownRows) index() {
	k.shift = uint(64 - max(bits.Len(uint(len(k.ents)))-2, 0))
	k.dir = make([]uint32, 1<<(64-k.shift)+1)
	i := 0
	for b := range k.dir {
		for i < len(k.ents) && k.ents[i].key>>k.shift < uint64(b) {
			i++
		}
		k.dir[b] = uint32(i)
	}
}
