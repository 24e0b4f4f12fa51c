package store

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// pgBulk is a first import into empty tables on Postgres (issue #14 item
// 2): the import is one transaction that takes the tables, drops their
// keys, their other indexes and the foreign keys from and to them,
// copies the rows straight in (no staging table, no ON CONFLICT) and
// rebuilds all of it, each index by one sort, just before it commits. A
// crash or an error rolls everything back — the tables empty, every index
// and constraint as it was — and the next import takes this path again.
// Other sessions wait for the import to end.
type pgBulk struct {
	tables []string
	keys   []tableDDL // primary keys and unique constraints of tables
	fkeys  []tableDDL // foreign keys of tables and that reference them
	// indexes are the CREATE INDEX statements of the other indexes.
	indexes []string
	// keyless is true while the keys are dropped; a key seen again (a
	// row repeated in a later batch, or a hash collision) restores them,
	// and it goes through the upsert.
	keyless bool
	seen    map[uint64]struct{} // hashes of the keys copied so far (see split)
	rows    int                 // rows copied
	seed    maphash.Seed
}

// tableDDL is a constraint or an index of a table, to drop and add back.
type tableDDL struct{ table, name, def string }

func (d tableDDL) drop() string {
	return "ALTER TABLE " + d.table + " DROP CONSTRAINT " + pgx.Identifier{d.name}.Sanitize()
}

func (d tableDDL) add() string {
	return "ALTER TABLE " + d.table + " ADD CONSTRAINT " + pgx.Identifier{d.name}.Sanitize() + " " + d.def
}

// bulkLockTimeout bounds the wait for the tables: a session holding them
// longer sends the import down the ordinary path instead.
const bulkLockTimeout = "3s"

// beginPgBulk takes the tables for a bulk import in tx, if they are all
// empty and their locks come within bulkLockTimeout. It returns nil, and
// tx as it was, when the bulk path does not apply.
func beginPgBulk(ctx context.Context, tx pgx.Tx, tables ...string) (*pgBulk, error) {
	sp, err := tx.Begin(ctx) // a savepoint: a lock timeout must not abort tx
	if err != nil {
		return nil, err
	}
	b, err := prepareBulk(ctx, sp, tables)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available
		return nil, sp.Rollback(ctx)
	}
	if err != nil || b == nil {
		return nil, errors.Join(err, sp.Rollback(ctx))
	}
	if err := sp.Commit(ctx); err != nil { // releases the savepoint into tx
		return nil, err
	}
	return b, nil
}

const (
	bulkKeysSQL = `SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = ANY($1::regclass[]) AND contype IN ('p', 'u') ORDER BY 1, 2`
	bulkForeignSQL = `SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE (confrelid = ANY($1::regclass[]) OR conrelid = ANY($1::regclass[])) AND contype = 'f' ORDER BY 1, 2`
	bulkIndexesSQL = `SELECT x.indrelid::regclass::text, i.relname, pg_get_indexdef(i.oid) FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
WHERE x.indrelid = ANY($1::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
ORDER BY 1`
)

func prepareBulk(ctx context.Context, tx pgx.Tx, tables []string) (*pgBulk, error) {
	if _, err := tx.Exec(ctx, "SET LOCAL lock_timeout = '"+bulkLockTimeout+"'"); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE "+strings.Join(tables, ", ")+" IN ACCESS EXCLUSIVE MODE"); err != nil {
		return nil, err
	}
	q := make([]string, len(tables))
	for i, t := range tables {
		q[i] = "NOT EXISTS (SELECT 1 FROM " + t + ")"
	}
	var empty bool
	if err := tx.QueryRow(ctx, "SELECT "+strings.Join(q, " AND ")).Scan(&empty); err != nil || !empty {
		return nil, err
	}
	b := &pgBulk{tables: tables, keyless: true, seed: maphash.MakeSeed()}
	var err error
	if b.keys, err = collectDDL(ctx, tx, bulkKeysSQL, tables); err != nil {
		return nil, err
	}
	if b.fkeys, err = collectDDL(ctx, tx, bulkForeignSQL, tables); err != nil {
		return nil, err
	}
	idx, err := collectDDL(ctx, tx, bulkIndexesSQL, tables)
	if err != nil {
		return nil, err
	}
	// Foreign keys first (they need the keys), then keys, then indexes.
	for _, d := range b.fkeys {
		if _, err := tx.Exec(ctx, d.drop()); err != nil {
			return nil, err
		}
	}
	for _, d := range b.keys {
		if _, err := tx.Exec(ctx, d.drop()); err != nil {
			return nil, err
		}
	}
	for _, d := range idx {
		if _, err := tx.Exec(ctx, "DROP INDEX "+pgx.Identifier{d.name}.Sanitize()); err != nil {
			return nil, err
		}
		b.indexes = append(b.indexes, d.def)
	}
	_, err = tx.Exec(ctx, "SET LOCAL lock_timeout = DEFAULT")
	return b, err
}

// collectDDL reads the table, name and definition of constraints or
// indexes (sql selects them for tables).
func collectDDL(ctx context.Context, tx pgx.Tx, sql string, tables []string) ([]tableDDL, error) {
	rows, err := tx.Query(ctx, sql, tables)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (d tableDDL, err error) {
		return d, r.Scan(&d.table, &d.name, &d.def)
	})
}

// split splits the rows at indices 0..n-1 into those whose key is new to
// the import and the others: by seen, when the caller knows (ingest's
// reader keeps every key of the file already), else by the hashes of the
// keys copied so far (key(i)).
func (b *pgBulk) split(seen []bool, n int, key func(i int) string) (fresh, again []int) {
	if seen == nil {
		return b.fresh(n, key)
	}
	fresh = make([]int, 0, n)
	for i := range n {
		if seen[i] {
			again = append(again, i)
		} else {
			fresh = append(fresh, i)
		}
	}
	b.rows += len(fresh)
	return fresh, again
}

// fresh splits the keys at indices 0..n-1 (key(i)) into those not seen
// before in this import, which it records, and the others.
func (b *pgBulk) fresh(n int, key func(i int) string) (fresh, again []int) {
	if b.seen == nil {
		b.seen = map[uint64]struct{}{}
	}
	fresh = make([]int, 0, n)
	for i := range n {
		h := maphash.String(b.seed, key(i))
		if _, ok := b.seen[h]; ok {
			again = append(again, i)
			continue
		}
		b.seen[h] = struct{}{}
		fresh = append(fresh, i)
	}
	b.rows += len(fresh)
	return fresh, again
}

// restoreKeys adds the keys back (the rows copied so far are distinct by
// key), so that the upsert's ON CONFLICT can find them.
func (b *pgBulk) restoreKeys(ctx context.Context, tx pgx.Tx) error {
	if !b.keyless {
		return nil
	}
	if _, err := tx.Exec(ctx, "SET LOCAL maintenance_work_mem = '256MB'"); err != nil {
		return err
	}
	for _, d := range b.keys {
		if _, err := tx.Exec(ctx, d.add()); err != nil {
			return fmt.Errorf("restore key %s: %w", d.name, err)
		}
	}
	b.keyless = false
	return nil
}

// finish rebuilds the keys, indexes and foreign keys dropped and refreshes
// the planner's statistics of the tables, in tx, before the commit.
func (b *pgBulk) finish(ctx context.Context, tx pgx.Tx) error {
	if err := b.restoreKeys(ctx, tx); err != nil {
		return err
	}
	for _, def := range b.indexes {
		if _, err := tx.Exec(ctx, def); err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
	}
	for _, d := range b.fkeys {
		if _, err := tx.Exec(ctx, d.add()); err != nil {
			return fmt.Errorf("restore foreign key %s: %w", d.name, err)
		}
	}
	_, err := tx.Exec(ctx, "ANALYZE "+strings.Join(b.tables, ", "))
	return err
}
