package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dondoc/dondoc/models"
)

// Import is one import session: batches of one kind written by natural
// key, counting what was inserted, updated and left unchanged. Rows whose
// content is unchanged are not rewritten. Dossiers on Postgres go through
// COPY into a temporary staging table. An Import is used by one goroutine,
// except PrepareDossiers, which may run beside the writes, and
// WriteDossiers, which may take as many batches at once as Writers says.
type Import struct {
	s        *Store
	opt      models.ImportOptions
	tx       *gorm.DB // Atomic on the gorm path
	officers map[string]struct{}
	units    map[string]struct{}
	pg       *pgImport // dossiers on Postgres
	// known is pg's scan of the stored rows once made (see knownRows),
	// for PrepareDossiers.
	known atomic.Pointer[knownRows]
	cur   knownCursor // PrepareDossiers' place in known
	done  bool
}

// BatchRows is the rows per batch of an import of a file of kind fit for
// the database (0: ingest's default, 10,000 dossiers or steps). On SQLite
// a batch is one transaction, and 5,000 dossiers or steps cost no more
// time than 10,000 where the three batches in flight of an import (read,
// prepared, written) took 50 MB more: a first import of 100,000 dossiers
// peaked at 209 MB, 159 MB with 5,000. Dossiers go by 5,000 on Postgres
// too: a re-import writes two batches at once (Import.Writers), and with
// 10,000 the batch more in flight held the heap at the import's memory
// limit, where the collector took 3 s more CPU than the second lane saved
// (1M province, 10 % changed: 15.0–15.4 s; by 5,000, 13.4–14.3 s, against
// 15.7–15.8 s for one lane; a first import the same within the noise,
// 15 MB less at its peak).
func (s *Store) BatchRows(kind string) int {
	if kind == "dossiers" || (s.dialect == DialectSQLite && kind == "steps") {
		return 5000
	}
	return 0
}

// BeginImport starts an import session. Close it with Commit or Rollback.
func (s *Store) BeginImport(ctx context.Context, opt models.ImportOptions) (*Import, error) {
	if opt.Now == nil {
		opt.Now = s.clock.Now
	}
	im := &Import{s: s, opt: opt}
	var err error
	if im.officers, err = s.codeSet(ctx, "officers"); err != nil {
		return nil, err
	}
	if im.units, err = s.codeSet(ctx, "units"); err != nil {
		return nil, err
	}
	return im, nil
}

func (s *Store) codeSet(ctx context.Context, table string) (map[string]struct{}, error) {
	var codes []string
	if err := s.db.WithContext(ctx).Table(table).Pluck("code", &codes).Error; err != nil {
		return nil, fmt.Errorf("store: import: %s: %w", table, err)
	}
	out := make(map[string]struct{}, len(codes))
	for _, c := range codes {
		out[c] = struct{}{}
	}
	return out, nil
}

// Commit ends the session, keeping what it wrote.
func (im *Import) Commit(ctx context.Context) error { return im.end(ctx, true) }

// Rollback ends the session; in an Atomic session nothing is kept. It does
// nothing after Commit.
func (im *Import) Rollback(ctx context.Context) error { return im.end(ctx, false) }

func (im *Import) end(ctx context.Context, commit bool) error {
	if im.done {
		return nil
	}
	im.done = true
	var err error
	if im.tx != nil {
		if commit {
			err = im.tx.Commit().Error
		} else if err = im.tx.Rollback().Error; errors.Is(err, sql.ErrTxDone) {
			err = nil // rolled back already, when its context ended
		}
	}
	if im.pg != nil {
		if perr := im.pg.end(ctx, commit); err == nil {
			err = perr
		}
	}
	if err != nil {
		return fmt.Errorf("store: import: end: %w", err)
	}
	return nil
}

// inTx runs fn in the session's transaction (Atomic, begun on first use),
// or in a new one per batch.
func (im *Import) inTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if !im.opt.Atomic {
		return im.s.db.WithContext(ctx).Transaction(fn)
	}
	if im.tx == nil {
		im.tx = im.s.db.WithContext(ctx).Begin()
		if err := im.tx.Error; err != nil {
			im.tx = nil
			return err
		}
	}
	return fn(im.tx.WithContext(ctx))
}

// Kept reports whether every batch written so far is stored already,
// whatever ends the session: false in an Atomic session, and in a bulk one
// (see models.ImportOptions.Bulk), which Rollback undoes whole.
func (im *Import) Kept() bool {
	if im.pg != nil {
		return im.pg.tx == nil
	}
	return !im.opt.Atomic
}

// OfficerKnown reports whether the officer existed when the session began.
func (im *Import) OfficerKnown(code string) bool { _, ok := im.officers[models.NFC(code)]; return ok }

// UnitKnown reports whether the unit existed when the session began.
func (im *Import) UnitKnown(code string) bool { _, ok := im.units[models.NFC(code)]; return ok }

// Unassigned reports whether the dossier at i of b is stored as
// unassigned (an empty or unknown handler or unit).
func (im *Import) Unassigned(b *DossierBatch, i int) bool { return b.unassigned[i] }

// DossierBatch is a batch of dossiers converted for the store, with their
// hashes and unassigned flags (see PrepareDossiers).
type DossierBatch struct {
	// rows are the rows to write, found through slot as stored and facts.
	rows []dossierRow
	// codes[i] and unassigned[i] are the code and the unassigned flag of
	// the batch's dossier at i, seen or not.
	codes      []string
	unassigned []bool
	// stored are the dossiers as the rows store them (the first supplement
	// wait only: a rewritten dossier's later waits are reset), and facts
	// their facts without steps (computed here, beside the parsing), which
	// WriteDossiers writes.
	stored []models.Dossier
	facts  factSet
	// again[i] tells whether rows[i]'s code came in an earlier batch of the
	// session (ingest.ReadBatches knows it); nil: not known. A session
	// gives it for every batch or for none.
	again []bool
	// slot[i] is where the batch's dossier at i is in rows, stored and
	// facts; nil: at i, every row computed. It is -1 for a row seen: found
	// unchanged by the session's scan of the stored rows (its code not
	// come before in the file), for which nothing was kept but its
	// unassigned flag, and which the writes skip. In a session that holds
	// the scan, rows, stored and facts hold the rows computed alone: a
	// re-import of the daily export, a tenth of it changed, allocated a
	// place in each for every row (1 GB of its 2.5 GB for the 1M province,
	// the collector's work with it).
	slot []int32
}

// seen reports whether the dossier at i was found unchanged (see slot).
func (b *DossierBatch) seen(i int) bool { return b.slot != nil && b.slot[i] < 0 }

// row is the row of the dossier at i; i must not be a seen row.
func (b *DossierBatch) row(i int) *dossierRow { return &b.rows[b.slotOf(i)] }

// Len returns the number of dossiers in the batch.
func (b *DossierBatch) Len() int { return len(b.codes) }

// Code returns the code of the batch's dossier at i.
func (b *DossierBatch) Code(i int) string { return b.codes[i] }

// PrepareDossiers converts a batch for WriteDossiers (again: see
// DossierBatch): DossierHash, and the
// unassigned flag from the officers and units known when the session
// began. The codes must be unique within the batch and the text NFC, as
// ingest.ReadBatches hands them over (text is not normalised again: that
// scan was a quarter of an import's CPU). It may run in another goroutine
// than the writes, so that parsing and writing overlap.
func (im *Import) PrepareDossiers(ds []*models.Dossier, again []bool) *DossierBatch {
	now := im.opt.Now()
	b := &DossierBatch{codes: make([]string, len(ds)), unassigned: make([]bool, len(ds)), again: again}
	known := im.known.Load()
	// Rows may be seen (found unchanged) only when the session holds the
	// scan and knows which codes came before: then rows, stored and facts
	// take the rows computed alone, found through slot.
	compact := known != nil && again != nil
	if compact {
		b.slot = make([]int32, len(ds))
	} else {
		b.rows = make([]dossierRow, 0, len(ds))
		b.stored = make([]models.Dossier, 0, len(ds))
		b.facts.grow(len(ds))
	}
	for i, d := range ds {
		if i%256 == 255 {
			runtime.Gosched() // as ingest.ReadBatches: let the writes in
		}
		r := dossierToRowNFC(d, now, asIs)
		_, okO := im.officers[r.HandlerCode]
		_, okU := im.units[r.UnitCode]
		r.Unassigned = r.HandlerCode == "" || r.UnitCode == "" || !okO || !okU
		b.codes[i], b.unassigned[i] = r.Code, r.Unassigned
		// A row stored as it is, whose code the session has not written
		// (it did not come before in the file), will not be written:
		// its facts are not needed.
		if compact && !again[i] && known.scanned(&im.cur, r.Code, r.RowHash, r.Unassigned) {
			b.slot[i] = -1
			continue
		}
		k := len(b.stored)
		if compact {
			b.slot[i] = int32(k)
		}
		b.stored = append(b.stored, r.model())
		b.facts.add(im.s.rules, &b.stored[k], nil, r.Unassigned)
		r.Deadline = tstamp(time.Time(b.facts.rows[k].Deadline))
		b.rows = append(b.rows, r)
	}
	return b
}

// slotOf is where the dossier of rows[i] is in b.stored and b.facts (see
// DossierBatch.slot); i must not be a seen row.
func (b *DossierBatch) slotOf(i int) int {
	if b.slot == nil {
		return i
	}
	return int(b.slot[i])
}

// slots maps indices of rows to their places in b.stored and b.facts.
func (b *DossierBatch) slots(idx []int) []int {
	if b.slot == nil {
		return idx
	}
	out := make([]int, len(idx))
	for k, i := range idx {
		out[k] = int(b.slot[i])
	}
	return out
}

func asIs(s string) string { return s }

// Writers is how many batches WriteDossiers can take at once, from as many
// goroutines, holding no code in common: two in a session on Postgres that
// commits batch by batch once it has scanned the stored rows (see
// pgImport.writers), one otherwise. Ask it while no batch is being
// written.
func (im *Import) Writers() int {
	if im.pg == nil {
		return 1
	}
	return im.pg.writers()
}

// WriteDossiers stores a prepared batch: new dossiers are inserted, changed
// ones (another hash or unassigned flag) replaced with their supplement
// waits reset, unchanged ones left alone.
func (im *Import) WriteDossiers(ctx context.Context, b *DossierBatch) (models.ImportCounts, error) {
	var c models.ImportCounts
	for _, u := range b.unassigned {
		if u {
			c.Unassigned++
		}
	}
	if b.Len() == 0 {
		return c, nil
	}
	if im.s.dialect == DialectPostgres {
		if im.pg == nil {
			pg, err := im.s.beginPgImport(ctx, im.opt.Atomic, im.opt.Rows, im.bulkTables("dossiers"))
			if err != nil {
				return c, err
			}
			im.pg = pg
		}
		lane, err := im.pg.acquire(ctx)
		if err != nil {
			return c, fmt.Errorf("store: import dossiers: %w", err)
		}
		n, err := lane.write(ctx, b, im.s.rules)
		im.pg.release(lane)
		if err != nil {
			return c, fmt.Errorf("store: import dossiers: %w", err)
		}
		if im.pg.known != nil && im.known.Load() == nil {
			im.known.Store(im.pg.known)
		}
		n.Unassigned = c.Unassigned
		return n, nil
	}
	err := im.inTx(ctx, func(tx *gorm.DB) error {
		n, written, changed, err := sqliteWriteDossiers(ctx, tx.Statement.ConnPool, b.rows)
		n.Unassigned = c.Unassigned
		c = n
		if err != nil {
			return err
		}
		return im.s.writeBatchFacts(tx, b, written, changed)
	})
	if err != nil {
		return models.ImportCounts{}, fmt.Errorf("store: import %d dossiers: %w", b.Len(), err)
	}
	return c, nil
}

// sqliteDossierCols are the dossier columns in sqliteUpsertDossier order.
var sqliteDossierCols = append([]string{"code"}, append(append([]string(nil), dossierUpdateColumns...), "unassigned")...)

// SQLite statements are parsed at every execution by the pure-Go driver,
// and its binding time grows with the square of the parameters: lookups
// and upserts go by chunks of moderate size.
const (
	sqliteLookupChunk = 250
	sqliteUpsertRows  = 25
)

// sqliteWriteDossiers compares the batch with the stored hashes, then
// upserts the new and changed rows.
//
// It returns the indices in rows of the rows it wrote, and the codes of
// those that replaced a stored dossier.
func sqliteWriteDossiers(ctx context.Context, db gorm.ConnPool, rows []dossierRow) (c models.ImportCounts, written []int, changedCodes []string, err error) {
	// The default 2 MB page cache thrashes on the dossiers' five indexes,
	// and each multi-row statement keeps a statement journal: in memory,
	// not in a temporary file.
	for _, p := range []string{"PRAGMA cache_size = -32768", "PRAGMA temp_store = MEMORY"} {
		if _, err := db.ExecContext(ctx, p); err != nil {
			return c, nil, nil, err
		}
	}
	type stored struct {
		hash string
		flag bool
	}
	have := make(map[string]stored, len(rows))
	for start := 0; start < len(rows); start += sqliteLookupChunk {
		part := rows[start:min(start+sqliteLookupChunk, len(rows))]
		args := make([]any, len(part))
		for i := range part {
			args[i] = part[i].Code
		}
		q := "SELECT code, row_hash, unassigned FROM dossiers WHERE code IN (?" + strings.Repeat(", ?", len(part)-1) + ")"
		res, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			return c, nil, nil, err
		}
		for res.Next() {
			var code string
			var st stored
			if err := res.Scan(&code, &st.hash, &st.flag); err != nil {
				res.Close()
				return c, nil, nil, err
			}
			have[code] = st
		}
		res.Close()
		if err := res.Err(); err != nil {
			return c, nil, nil, err
		}
	}
	var write []*dossierRow
	var updated []any
	for i := range rows {
		r := &rows[i]
		old, ok := have[r.Code]
		switch {
		case !ok:
			c.Inserted++
		case old.hash != r.RowHash || old.flag != r.Unassigned:
			c.Updated++
			updated = append(updated, r.Code)
			changedCodes = append(changedCodes, r.Code)
		default:
			c.Unchanged++
			continue
		}
		write = append(write, r)
		written = append(written, i)
	}
	for start := 0; start < len(updated); start += sqliteLookupChunk {
		part := updated[start:min(start+sqliteLookupChunk, len(updated))]
		q := "DELETE FROM dossier_supplements WHERE dossier_code IN (?" + strings.Repeat(", ?", len(part)-1) + ")"
		if _, err := db.ExecContext(ctx, q, part...); err != nil {
			return c, nil, nil, err
		}
	}
	// New rows go by INSERT OR IGNORE: a multi-row statement that cannot
	// abort needs no statement journal (a copy of every page it touches,
	// most of the time spent on a first import). They are known to be
	// absent (SQLite has one writer); a row the database would ignore
	// (a broken constraint) is reported rather than lost.
	var fresh, changed []*dossierRow
	for _, r := range write {
		if _, ok := have[r.Code]; ok {
			changed = append(changed, r)
		} else {
			fresh = append(fresh, r)
		}
	}
	args := make([]any, 0, sqliteUpsertRows*len(sqliteDossierCols))
	for _, set := range []struct {
		rows []*dossierRow
		sql  *[sqliteUpsertRows + 1]string
	}{{fresh, &sqliteInserts}, {changed, &sqliteUpserts}} {
		for start := 0; start < len(set.rows); start += sqliteUpsertRows {
			part := set.rows[start:min(start+sqliteUpsertRows, len(set.rows))]
			args = args[:0]
			for _, r := range part {
				args = append(args, r.Code, r.ProcedureCode, r.ProcedureName, r.Field, r.UnitCode, r.HandlerCode,
					r.ReceivedAt, r.DueAt, r.FinishedAt, r.SystemFinishedAt, r.ReturnedAt, r.Status, r.Channel,
					r.SupplementCount, r.SupplementRequestedAt, r.SupplementDoneAt, r.ApplicantName, r.RowHash, r.UpdatedAt,
					r.OriginalDueAt, r.ExtendedDueAt, r.ExtensionCount, r.Deadline, r.Unassigned)
			}
			res, err := db.ExecContext(ctx, set.sql[len(part)], args...)
			if err != nil {
				return c, nil, nil, err
			}
			if n, err := res.RowsAffected(); err == nil && n != int64(len(part)) {
				return c, nil, nil, fmt.Errorf("%d of %d dossiers from %s were refused by the database's constraints", int64(len(part))-n, len(part), part[0].Code)
			}
		}
	}
	return c, written, changedCodes, nil
}

// sqliteUpserts[n] upserts n dossiers; sqliteInserts[n] inserts n new ones.
var sqliteUpserts, sqliteInserts = func() (up, in [sqliteUpsertRows + 1]string) {
	for n := 1; n <= sqliteUpsertRows; n++ {
		up[n], in[n] = buildSQLiteUpsert(n)
	}
	return up, in
}()

func buildSQLiteUpsert(n int) (upsert, insert string) {
	tuple := "(?" + strings.Repeat(", ?", len(sqliteDossierCols)-1) + ")"
	values := " (" + strings.Join(sqliteDossierCols, ", ") + ") VALUES " + tuple + strings.Repeat(", "+tuple, n-1)
	insert = "INSERT OR IGNORE INTO dossiers" + values
	q := "INSERT INTO dossiers" + values + " ON CONFLICT (code) DO UPDATE SET "
	for i, c := range sqliteDossierCols[1:] {
		if i > 0 {
			q += ", "
		}
		q += c + " = excluded." + c
	}
	return q, insert
}

// writeChanged classifies rows against the stored ones (by key, equal
// content), then upserts only the new and changed ones.
func writeChanged[T any, K comparable](ctx context.Context, im *Import, what string, rows []T, key func(*T) K,
	keyCols []string, load func(tx *gorm.DB, keys []K) ([]T, error), equal func(a, b *T) bool, update []string) (models.ImportCounts, error) {
	var c models.ImportCounts
	rows = dedupe(rows, key)
	if len(rows) == 0 {
		return c, nil
	}
	keys := make([]K, len(rows))
	for i := range rows {
		keys[i] = key(&rows[i])
	}
	err := im.inTx(ctx, func(tx *gorm.DB) error {
		have := make(map[K]*T, len(rows))
		for _, chunk := range chunks(keys, im.s.maxParams()/len(keyCols)) {
			got, err := load(tx, chunk)
			if err != nil {
				return err
			}
			for i := range got {
				have[key(&got[i])] = &got[i]
			}
		}
		var write []T
		for i := range rows {
			old, ok := have[key(&rows[i])]
			switch {
			case !ok:
				c.Inserted++
			case !equal(old, &rows[i]):
				c.Updated++
			default:
				c.Unchanged++
				continue
			}
			write = append(write, rows[i])
		}
		if len(write) == 0 {
			return nil
		}
		cols := make([]clause.Column, len(keyCols))
		for i, k := range keyCols {
			cols[i] = clause.Column{Name: k}
		}
		return tx.Clauses(clause.OnConflict{Columns: cols, DoUpdates: clause.AssignmentColumns(update)}).
			CreateInBatches(write, im.s.batchSize(len(keyCols)+len(update))).Error
	})
	if err != nil {
		return models.ImportCounts{}, fmt.Errorf("store: import %s: %w", what, err)
	}
	return c, nil
}

// writeChangedByCode is writeChanged for a table keyed by its code column.
func writeChangedByCode[T any](ctx context.Context, im *Import, what string, rows []T, code func(*T) string,
	equal func(a, b *T) bool, update []string) (models.ImportCounts, error) {
	return writeChanged(ctx, im, what, rows, code, []string{"code"},
		func(tx *gorm.DB, keys []string) (out []T, err error) {
			return out, tx.Where("code IN ?", keys).Find(&out).Error
		},
		equal, update)
}

// WriteUnits stores units by code. Call RefreshUnassigned after the last
// batch: dossiers may have become assigned.
func (im *Import) WriteUnits(ctx context.Context, units []models.Unit) (models.ImportCounts, error) {
	return writeChangedByCode(ctx, im, "units", unitRows(units), func(r *unitRow) string { return r.Code },
		func(a, b *unitRow) bool { return *a == *b }, unitColumns)
}

// WriteOfficers stores officers by code (a new one is active). Call
// RefreshUnassigned after the last batch.
func (im *Import) WriteOfficers(ctx context.Context, officers []models.Officer) (models.ImportCounts, error) {
	return writeChangedByCode(ctx, im, "officers", officerRows(officers), func(r *officerRow) string { return r.Code },
		func(a, b *officerRow) bool { return *a == *b }, officerColumns)
}

// WriteHolidays stores official day overrides by date.
func (im *Import) WriteHolidays(ctx context.Context, hs []models.Holiday) (models.ImportCounts, error) {
	rows := make([]holidayRow, 0, len(hs))
	for _, h := range hs {
		if h.Date == models.NoDate {
			continue
		}
		kind := h.Kind
		if kind == "" {
			kind = models.DayOff
		}
		rows = append(rows, holidayRow{Date: civil(h.Date), Kind: string(kind), Name: models.NFC(h.Name), Source: models.NFC(h.Source)})
	}
	return writeChanged(ctx, im, "holidays", rows, func(r *holidayRow) civil { return r.Date }, []string{"date"},
		func(tx *gorm.DB, keys []civil) (out []holidayRow, err error) {
			vals := make([]any, len(keys))
			for i, k := range keys {
				vals[i] = k
			}
			return out, tx.Where("date IN ?", vals).Find(&out).Error
		},
		func(a, b *holidayRow) bool { return *a == *b },
		[]string{"kind", "name", "source"})
}

// WriteSteps stores steps by (dossier, step number). Steps of dossiers the
// store does not have are not written: their indices in steps are returned
// in missing.
func (im *Import) WriteSteps(ctx context.Context, steps []models.Step) (c models.ImportCounts, missing []int, err error) {
	if im.s.dialect == DialectPostgres {
		if im.pg == nil {
			if im.pg, err = im.s.beginPgImport(ctx, im.opt.Atomic, im.opt.Rows, im.bulkTables("steps")); err != nil {
				return c, nil, fmt.Errorf("store: import steps: %w", err)
			}
		}
		c, missing, err = im.pg.writeSteps(ctx, steps, im.s.rules)
		if err != nil {
			return c, missing, fmt.Errorf("store: import steps: %w", err)
		}
		return c, missing, nil
	}
	codes := make([]string, 0, len(steps))
	for _, st := range steps {
		codes = append(codes, models.NFC(st.DossierCode))
	}
	known := make(map[string]bool, len(codes))
	err = im.inTx(ctx, func(tx *gorm.DB) error {
		for _, chunk := range chunks(codes, im.s.maxParams()) {
			var got []string
			if err := tx.Table("dossiers").Where("code IN ?", chunk).Pluck("code", &got).Error; err != nil {
				return err
			}
			for _, g := range got {
				known[g] = true
			}
		}
		return nil
	})
	if err != nil {
		return c, nil, fmt.Errorf("store: import steps: %w", err)
	}
	rows, missing := stepRowsOf(steps, codes, known)
	c, err = writeChanged(ctx, im, "steps", rows, func(r *stepRow) stepKey { return stepKey{r.DossierCode, r.Seq} },
		[]string{"dossier_code", "seq"},
		func(tx *gorm.DB, keys []stepKey) (out []stepRow, err error) {
			byCode := map[string]bool{}
			var cs []string
			for _, k := range keys {
				if !byCode[k.code] {
					byCode[k.code] = true
					cs = append(cs, k.code)
				}
			}
			return out, tx.Where("dossier_code IN ?", cs).Find(&out).Error
		},
		sameStep, []string{"name", "officer_code", "started_at", "due_at", "finished_at"})
	if err != nil || c.Inserted+c.Updated == 0 {
		return c, missing, err
	}
	// The steps' facts (and so their dossiers') follow the steps.
	if err := im.inTx(ctx, func(tx *gorm.DB) error { return im.s.refreshStepFacts(tx, distinctCodes(rows)) }); err != nil {
		return c, missing, fmt.Errorf("store: import steps: %w", err)
	}
	return c, missing, nil
}

// stepKey is a step's key: its dossier and number.
type stepKey struct {
	code string
	seq  int
}

// stepRowsOf converts the steps whose dossier (codes[i], NFC) is known,
// one per (dossier, step number): the last wins. It returns the indices of
// the others in missing.
func stepRowsOf(steps []models.Step, codes []string, known map[string]bool) (rows []stepRow, missing []int) {
	rows = make([]stepRow, 0, len(steps))
	for i, st := range steps {
		if !known[codes[i]] {
			missing = append(missing, i)
			continue
		}
		rows = append(rows, stepRow{DossierCode: codes[i], Seq: st.Seq, Name: models.NFC(st.Name),
			OfficerCode: models.NFC(st.OfficerCode), StartedAt: tstamp(utcMicro(st.StartedAt)), DueAt: tstamp(utcMicro(st.DueAt)),
			FinishedAt: tstamp(utcMicro(st.FinishedAt))})
	}
	return dedupe(rows, func(r *stepRow) stepKey { return stepKey{r.DossierCode, r.Seq} }), missing
}

// bulkTables returns the tables a bulk session for kind takes (see
// models.ImportOptions.Bulk), nil when the session is not one.
func (im *Import) bulkTables(kind string) []string {
	if !im.opt.Bulk {
		return nil
	}
	if kind == "steps" {
		return []string{"steps"}
	}
	return []string{"dossiers", "dossier_facts", "dossier_fact_waits", "step_facts"}
}

func utcMicro(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

func sameTime(a, b tstamp) bool { return utcMicro(a.time()).Equal(utcMicro(b.time())) }

// pinnedConn returns a connection of the pool for the caller alone.
func (s *Store) pinnedConn(ctx context.Context) (*sql.Conn, error) { return s.sqlDB.Conn(ctx) }

// WriteSupplementWaits replaces the stored supplement waits after the first
// (Supplements[1:], kept beside the dossier row, which holds the first) of
// ds, dossiers already written by WriteDossiers: exports carry one wait per
// row, so file imports never need it; sources that know a dossier's every
// wait (and test fixtures) do. It returns how many waits it stored.
func (im *Import) WriteSupplementWaits(ctx context.Context, ds []*models.Dossier) (int, error) {
	codes := make([]string, 0, len(ds))
	var extras []supplementRow
	for _, d := range ds {
		code := models.NFC(d.Code)
		codes = append(codes, code)
		for j, iv := range d.Supplements {
			if j > 0 {
				extras = append(extras, supplementRow{DossierCode: code, Seq: j + 1, RequestedAt: tstamp(iv.Start), DoneAt: tstamp(iv.End)})
			}
		}
	}
	if len(codes) == 0 {
		return 0, nil
	}
	err := im.inTx(ctx, func(tx *gorm.DB) error {
		for _, chunk := range chunks(codes, im.s.maxParams()) {
			if err := tx.Where("dossier_code IN ?", chunk).Delete(&supplementRow{}).Error; err != nil {
				return err
			}
		}
		if len(extras) > 0 {
			if err := tx.CreateInBatches(extras, im.s.batchSize(4)).Error; err != nil {
				return err
			}
		}
		return im.s.refreshFacts(tx, codes)
	})
	if err != nil {
		return 0, fmt.Errorf("store: import supplement waits: %w", err)
	}
	return len(extras), nil
}
