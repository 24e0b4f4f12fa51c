package models

import "time"

// ImportCounts is what one batch of an import did.
type ImportCounts struct {
	Inserted, Updated, Unchanged int
	// Unassigned counts the dossiers of the batch whose handler or unit is
	// empty or unknown (stored, flagged unassigned).
	Unassigned int
}

// Add adds o to c.
func (c *ImportCounts) Add(o ImportCounts) {
	c.Inserted += o.Inserted
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
	c.Unassigned += o.Unassigned
}

// ImportOptions configure an import session (the store's BeginImport).
type ImportOptions struct {
	// Atomic runs the whole import in one transaction: Commit stores
	// everything, Rollback nothing. Otherwise each batch commits on its own.
	Atomic bool
	// Bulk lets a first import take the fast path on Postgres: when the
	// table it fills (dossiers, or steps) is empty, the whole import is one
	// transaction that drops the table's secondary indexes, copies the rows
	// straight in and rebuilds the indexes before it commits; other
	// sessions wait for it to end. Only for a session that writes one kind
	// through WriteDossiers or WriteSteps (a file import), since its other
	// writes would wait for the bulk transaction.
	Bulk bool
	// Rows is how many rows the import expects (0: not known), an
	// estimate from the file's size: a re-import of a large file into a
	// large table reads the stored rows' hashes at once rather than batch
	// by batch.
	Rows int64
	// Now stamps updated_at (nil: time.Now).
	Now func() time.Time
}
