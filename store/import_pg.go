package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/dondoc/dondoc/models"
)

// pgImport writes dossier batches on Postgres through one pinned pgx
// connection: COPY into a temporary staging table (no WAL, no index), then
// one INSERT … SELECT … ON CONFLICT per batch. Before copying, the codes
// and hashes of the batch are compared with the stored ones in one query,
// so that unchanged rows are neither copied nor touched; while batches are
// mostly new that check is skipped (it would find nothing to skip).
type pgImport struct {
	conn   *sql.Conn
	pgc    *pgx.Conn
	atomic bool
	tx     pgx.Tx // atomic: the whole import
	// newShare is the share of new or changed rows in the last batch.
	newShare float64
	// known holds the stored rows once their scan pays (see knownRows);
	// seen counts the rows compared so far, stored estimates the table's.
	known *knownRows
	cur   knownCursor // the writes' place in known
	// scan is the scan begun with the session on a connection of its own
	// (see scanEarly), until known takes its result; early are the rows
	// written meanwhile, which the scan may not see.
	scan   *earlyScan
	early  []knownWrite
	seen   int64
	stored int64
	rows   int64   // expected (models.ImportOptions.Rows)
	bulk   *pgBulk // a first import into empty tables (in tx)
	rules  *models.Rules
	log    *slog.Logger
	clock  clockwork.Clock
	began  time.Time
	buf    copyBuf
	// cmpOld, cmpA and cmpB are sameFacts' scratch space.
	cmpOld     factSet
	cmpA, cmpB copyBuf
	// s makes the second lane's connection.
	s *Store
	// lanes hands out the session's lanes once it writes two batches at
	// once (see writers): the session itself, and a second session on a
	// connection of its own sharing known (nil until first taken, then
	// extra, closed by end).
	lanes chan *pgImport
	extra *pgImport
	// async is set once a batch committed without waiting for the disk
	// (see batchTx).
	async bool
}

const pgStage = "dondoc_import_dossiers"

var pgStageColumns = []string{"code", "procedure_code", "procedure_name", "field", "unit_code", "handler_code",
	"received_at", "due_at", "finished_at", "system_finished_at", "returned_at", "status", "channel",
	"supplement_count", "supplement_requested_at", "supplement_done_at", "applicant_name", "unassigned",
	"row_hash", "updated_at", "original_due_at", "extended_due_at", "extension_count", "deadline"}

func (s *Store) beginPgImport(ctx context.Context, atomic bool, rows int64, bulk []string) (*pgImport, error) {
	conn, pgc, err := s.importConn(ctx)
	if err != nil {
		return nil, err
	}
	p := &pgImport{conn: conn, pgc: pgc, atomic: atomic, stored: -1, rows: rows, rules: s.rules, log: s.log, clock: s.clock, began: s.clock.Now(), s: s}
	if atomic || bulk != nil {
		p.tx, err = p.pgc.Begin(ctx)
	}
	if err == nil && bulk != nil {
		p.bulk, err = beginPgBulk(ctx, p.tx, bulk...)
		if err == nil && p.bulk == nil && !atomic {
			err = p.tx.Rollback(ctx)
			p.tx = nil
		}
	}
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("staging: %w", err)
	}
	if p.bulk == nil {
		p.scanEarly(ctx, s)
	}
	return p, nil
}

// importConn pins a connection for an import session, with its staging
// tables.
func (s *Store) importConn(ctx context.Context) (*sql.Conn, *pgx.Conn, error) {
	conn, err := s.pinnedConn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("connection: %w", err)
	}
	var pgc *pgx.Conn
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		pgc = sc.Conn()
		return nil
	})
	for _, st := range pgStages {
		if err == nil {
			_, err = pgc.Exec(ctx, "CREATE TEMP TABLE IF NOT EXISTS "+st.name+" (LIKE "+st.like+" INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
		}
	}
	if err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("staging: %w", err)
	}
	return conn, pgc, nil
}

// writers is how many batches the session can write at once: two once it
// holds the scan of the stored rows (known), when each batch is a
// transaction of its own (not in an atomic or bulk session, one
// transaction on one connection). A re-import waits on Postgres for nine
// tenths of its time, and Postgres works a batch on one core: with two
// lanes the other core works too (a 10 % changed re-import of the 1M
// province took 14.5–15.2 s, two halves at once 13.0 s). The batches
// written at once hold no code in common (ingest.Run sees to it), so that
// the lanes never wait for each other's rows. It is asked while no batch
// is being written, and stays two once it is.
func (p *pgImport) writers() int {
	if p.lanes != nil {
		return 2
	}
	if p.tx != nil || p.bulk != nil || p.known == nil || p.scan != nil {
		return 1
	}
	p.lanes = make(chan *pgImport, 2)
	p.lanes <- p
	p.lanes <- nil
	return 2
}

// acquire takes a lane for a batch (see writers): the session itself
// while it writes one batch at a time. Give it back with release.
func (p *pgImport) acquire(ctx context.Context) (*pgImport, error) {
	if p.lanes == nil {
		return p, nil
	}
	var l *pgImport
	select {
	case l = <-p.lanes:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if l != nil {
		return l, nil
	}
	conn, pgc, err := p.s.importConn(ctx)
	if err != nil {
		p.lanes <- nil
		return nil, err
	}
	// Of p, only what no write changes any more: the first lane is
	// writing meanwhile.
	l = &pgImport{conn: conn, pgc: pgc, stored: p.stored, rows: p.rows, known: p.known,
		rules: p.rules, log: p.log, clock: p.clock, began: p.began, s: p.s}
	p.extra = l
	return l, nil
}

func (p *pgImport) release(l *pgImport) {
	if p.lanes != nil {
		p.lanes <- l
	}
}

// pgStoredEstimateSQL is the planner's estimate of the stored dossiers
// (-1: the table was never analysed).
const pgStoredEstimateSQL = "SELECT reltuples::bigint FROM pg_class WHERE oid = 'dossiers'::regclass"

// earlyScanGate, when set (tests), holds the early scans until closed.
var earlyScanGate chan struct{}

// earlyScan is a scan of the stored rows running beside the first batches.
type earlyScan struct {
	done   chan struct{}
	known  *knownRows
	err    error
	cancel context.CancelFunc
}

// knownWrite is a row written before the session took the scan's result.
type knownWrite struct {
	code, hash string
	unassigned bool
}

// scanEarly begins the scan of the stored rows (see knownRows) at once, on
// another connection, when the file is expected to be large enough for it
// to pay: the batches written meanwhile are compared in Postgres, and the
// file's reading goes on, where the first batch used to wait a second for
// the scan.
func (p *pgImport) scanEarly(ctx context.Context, s *Store) {
	if p.rows <= 0 {
		return
	}
	err := p.pgc.QueryRow(ctx, pgStoredEstimateSQL).Scan(&p.stored)
	if err != nil || !knownPays(p.stored, 0, p.rows) {
		return
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	sc := &earlyScan{done: make(chan struct{}), cancel: cancel}
	p.scan = sc
	gate := earlyScanGate
	go func() {
		defer close(sc.done)
		if gate != nil {
			<-gate
		}
		conn, err := s.pinnedConn(sctx)
		if err != nil {
			sc.err = err
			return
		}
		defer conn.Close()
		sc.err = conn.Raw(func(dc any) error {
			pc, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("unexpected driver connection %T", dc)
			}
			sc.known, err = loadKnownRows(sctx, pc.Conn(), p.stored)
			return err
		})
	}()
}

// takeScan makes the early scan's result the session's if it is done.
func (p *pgImport) takeScan() {
	if p.scan == nil {
		return
	}
	select {
	case <-p.scan.done:
	default:
		return
	}
	sc := p.scan
	p.scan = nil
	sc.cancel()
	if sc.err != nil {
		p.log.Warn("store: import: scan of stored rows", "err", sc.err)
		return
	}
	for _, w := range p.early {
		sc.known.wrote(w.code, w.hash, w.unassigned)
	}
	p.known, p.early = sc.known, nil
	p.log.Debug("store: import: stored rows scanned beside the first batches", "rows", len(sc.known.ents))
}

// batchTx begins the transaction of one batch of a session that commits
// batch by batch. Its commit does not wait for the WAL to reach the disk:
// each of 200 batches of a re-import of the 1M province waited a few
// milliseconds on its own, and the session's end (see durable) waits once
// for all of them. Should the server crash meanwhile, the import fails
// (its connection lost) and what it wrote is that of a prefix of its
// batches, as a crash between two batches leaves it.
func (p *pgImport) batchTx(ctx context.Context) (pgx.Tx, error) {
	tx, err := p.pgc.Begin(ctx)
	if err == nil {
		if _, err = tx.Exec(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
			tx.Rollback(context.WithoutCancel(ctx))
			return nil, err
		}
		p.async = true
	}
	return tx, err
}

// durable waits until the batches committed by batchTx, on either lane,
// are on disk: the commit of a transaction with an id waits for the WAL up
// to its own record, which follows theirs.
func (p *pgImport) durable(ctx context.Context) error {
	return pgx.BeginFunc(ctx, p.pgc, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "SELECT txid_current()")
		return err
	})
}

func (p *pgImport) end(ctx context.Context, commit bool) error {
	if p.scan != nil {
		p.scan.cancel()
		<-p.scan.done
		p.scan = nil
	}
	var err error
	if p.async || (p.extra != nil && p.extra.async) {
		// Also when the session failed: what it reports as written is.
		err = p.durable(context.WithoutCancel(ctx))
	}
	if p.tx != nil {
		if commit && p.bulk != nil {
			t0 := p.clock.Now()
			err = p.bulk.finish(ctx, p.tx)
			t1 := p.clock.Now()
			if err == nil && p.bulkOf("steps") != nil {
				err = p.finishSteps(ctx, p.tx, p.rules)
			}
			p.log.Info("store: bulk import", "tables", p.bulk.tables, "rows", p.bulk.rows,
				"copy", t0.Sub(p.began), "indexes", t1.Sub(t0), "facts", p.clock.Since(t1), "err", err)
		}
		if commit && err == nil {
			err = p.tx.Commit(ctx)
		} else if commit {
			err = errors.Join(err, p.tx.Rollback(context.WithoutCancel(ctx)))
		} else {
			err = p.tx.Rollback(context.WithoutCancel(ctx))
		}
	}
	if p.extra != nil {
		if cerr := p.extra.conn.Close(); err == nil && !errors.Is(cerr, sql.ErrConnDone) {
			err = cerr
		}
	}
	if cerr := p.conn.Close(); err == nil && !errors.Is(cerr, sql.ErrConnDone) {
		err = cerr
	}
	return err
}

// bulkOf returns the session's bulk state when it is a bulk import of
// table (its first table), else nil.
func (p *pgImport) bulkOf(table string) *pgBulk {
	if p.bulk != nil && p.bulk.tables[0] == table {
		return p.bulk
	}
	return nil
}

const pgChangedSQL = `SELECT s.code FROM unnest($1::text[], $2::text[], $3::bool[]) AS s(code, row_hash, unassigned)
LEFT JOIN dossiers d ON d.code = s.code
WHERE d.code IS NULL OR d.row_hash <> s.row_hash OR d.unassigned <> s.unassigned`

var pgUpsertSQL = func() string {
	cols, sets := "", ""
	for i, c := range pgStageColumns {
		if i > 0 {
			cols += ", "
		}
		cols += c
		if c != "code" {
			if sets != "" {
				sets += ", "
			}
			sets += c + " = excluded." + c
		}
	}
	return "INSERT INTO dossiers (" + cols + ") SELECT " + cols + " FROM " + pgStage +
		" ON CONFLICT (code) DO UPDATE SET " + sets +
		" WHERE dossiers.row_hash IS DISTINCT FROM excluded.row_hash OR dossiers.unassigned IS DISTINCT FROM excluded.unassigned" +
		" RETURNING code, (xmax = 0)"
}()

func (p *pgImport) write(ctx context.Context, b *DossierBatch, rules *models.Rules) (models.ImportCounts, error) {
	var c models.ImportCounts
	tx := p.tx
	if tx == nil {
		var err error
		if tx, err = p.batchTx(ctx); err != nil {
			return c, err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
	}
	var sel []int // the batch's dossiers still to write (see DossierBatch.row); nil: all
	if bulk := p.bulkOf("dossiers"); bulk != nil {
		fresh, again := bulk.split(b.again, b.Len(), b.Code)
		if err := pgCopyDossiers(ctx, tx, &p.buf, "dossiers", b, fresh); err != nil {
			return c, err
		}
		if err := p.writeFacts(ctx, tx, b, fresh, nil, nil, rules); err != nil {
			return c, fmt.Errorf("facts: %w", err)
		}
		c.Inserted = len(fresh)
		if sel = again; len(sel) == 0 {
			return c, nil
		}
		if err := bulk.restoreKeys(ctx, tx); err != nil {
			return c, err
		}
	}
	n, err := p.upsert(ctx, tx, b, sel, rules)
	if err != nil {
		return c, err
	}
	c.Add(n)
	c.Unchanged = b.Len() - c.Inserted - c.Updated
	if p.tx == nil {
		if err := tx.Commit(ctx); err != nil {
			return models.ImportCounts{}, err
		}
	}
	return c, nil
}

// upsert writes the rows of b at indices sel (nil: all) that are new or
// changed through the staging table, and their facts.
func (p *pgImport) upsert(ctx context.Context, tx pgx.Tx, b *DossierBatch, sel []int, rules *models.Rules) (models.ImportCounts, error) {
	var c models.ImportCounts
	if sel == nil {
		sel = make([]int, b.Len())
		for i := range sel {
			sel[i] = i
		}
	}
	todo := sel
	if err := p.loadKnown(ctx, tx, len(sel)); err != nil {
		return c, fmt.Errorf("stored rows: %w", err)
	}
	switch {
	case p.known != nil:
		todo = make([]int, 0, len(sel))
		for _, i := range sel {
			if b.seen(i) {
				continue // found unchanged by PrepareDossiers
			}
			if r := b.row(i); !p.known.unchanged(&p.cur, r.Code, r.RowHash, r.Unassigned) {
				todo = append(todo, i)
			}
		}
	case p.newShare < 0.5 || p.bulkOf("dossiers") != nil:
		codes := make([]string, len(sel))
		hashes := make([]string, len(sel))
		flags := make([]bool, len(sel))
		for k, i := range sel {
			r := b.row(i)
			codes[k], hashes[k], flags[k] = r.Code, r.RowHash, r.Unassigned
		}
		changed, err := pgCollect(ctx, tx, pgChangedSQL, codes, hashes, flags)
		if err != nil {
			return c, err
		}
		if len(changed) < len(sel) {
			set := make(map[string]bool, len(changed))
			for _, code := range changed {
				set[code] = true
			}
			todo = make([]int, 0, len(changed))
			for _, i := range sel {
				if set[b.Code(i)] {
					todo = append(todo, i)
				}
			}
		}
	}
	p.newShare = float64(len(todo)) / float64(len(sel))
	if len(todo) == 0 {
		return c, nil
	}
	if err := p.emptyStages(ctx, tx, pgStage); err != nil {
		return c, err
	}
	if err := pgCopyDossiers(ctx, tx, &p.buf, pgStage, b, todo); err != nil {
		return c, err
	}
	// The stored versions of the rows about to replace them: what their
	// facts were computed from (see writeFacts).
	codes := make([]string, len(todo))
	for k, i := range todo {
		codes[k] = b.Code(i)
	}
	// One round trip for the stored versions and the upsert. The stored
	// versions are locked as they are read: the facts of a dossier another
	// writer changed between the two would otherwise be compared with
	// those of a version no longer stored (see writeFacts).
	var batch pgx.Batch
	queueLoadDossiers(&batch, codes, true)
	batch.Queue(pgUpsertSQL)
	br := tx.SendBatch(ctx, &batch)
	if afterStoredRead != nil {
		afterStoredRead()
	}
	old, updated, written, err := readUpsert(br, &c, len(todo))
	if err = errors.Join(err, br.Close()); err != nil {
		return c, err
	}
	var idx []int
	for _, i := range todo {
		if r := b.row(i); written[r.Code] {
			idx = append(idx, i)
			if p.known != nil {
				p.known.wrote(r.Code, r.RowHash, r.Unassigned)
			} else if p.scan != nil {
				p.early = append(p.early, knownWrite{r.Code, r.RowHash, r.Unassigned})
			}
		}
	}
	if err := p.writeFacts(ctx, tx, b, idx, updated, old, rules); err != nil {
		return c, fmt.Errorf("facts: %w", err)
	}
	return c, nil
}

// afterStoredRead, when set (tests), runs once upsert has sent its batch
// (the stored versions read and locked, the upsert perhaps not yet run).
var afterStoredRead func()

// readUpsert reads the results of upsert's batch: the stored versions of
// the rows (by code), then the codes the upsert wrote, counted in c.
func readUpsert(br pgx.BatchResults, c *models.ImportCounts, n int) (old map[string]storedDossier, updated []string, written map[string]bool, err error) {
	ods, oflags, err := readLoadDossiers(br)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("stored versions: %w", err)
	}
	old = make(map[string]storedDossier, len(ods))
	for i := range ods {
		old[ods[i].Code] = storedDossier{&ods[i], oflags[i]}
	}
	res, err := br.Query()
	if err != nil {
		return nil, nil, nil, err
	}
	defer res.Close()
	written = make(map[string]bool, n)
	for res.Next() {
		var code string
		var inserted bool
		if err := res.Scan(&code, &inserted); err != nil {
			return nil, nil, nil, err
		}
		written[code] = true
		if inserted {
			c.Inserted++
		} else {
			c.Updated++
			updated = append(updated, code)
		}
	}
	return old, updated, written, res.Err()
}

// storedDossier is a dossier as stored before a batch replaced it, with
// its unassigned flag.
type storedDossier struct {
	d          *models.Dossier
	unassigned bool
}

// loadKnown scans the stored rows (see knownRows) once a session that is
// not a bulk one has compared enough rows for it to pay, n more now.
func (p *pgImport) loadKnown(ctx context.Context, tx pgx.Tx, n int) error {
	p.seen += int64(n)
	p.takeScan()
	if p.known != nil || p.bulk != nil || p.scan != nil {
		return nil
	}
	if p.stored < 0 {
		// The planner's estimate; a table never analysed (-1) is counted.
		err := tx.QueryRow(ctx, pgStoredEstimateSQL).Scan(&p.stored)
		if err == nil && p.stored < 0 {
			err = tx.QueryRow(ctx, "SELECT count(*) FROM dossiers").Scan(&p.stored)
		}
		if err != nil {
			return err
		}
	}
	if !knownPays(p.stored, p.seen, p.rows) {
		return nil
	}
	t0 := p.clock.Now()
	k, err := loadKnownRows(ctx, tx, p.stored)
	if err != nil {
		return err
	}
	p.known = k
	p.log.Debug("store: import: stored rows scanned", "rows", len(k.ents), "took", p.clock.Since(t0))
	return nil
}

// pgCopyDossiers copies the rows at indices idx into table (dossiers or
// the staging table), in pgStageColumns.
func pgCopyDossiers(ctx context.Context, tx pgx.Tx, buf *copyBuf, table string, b *DossierBatch, idx []int) error {
	err := buf.copyRows(ctx, tx, table, pgStageColumns, len(idx), func(k int) {
		r := b.row(idx[k])
		for _, t := range [...]string{r.Code, r.ProcedureCode, r.ProcedureName, r.Field, r.UnitCode, r.HandlerCode} {
			buf.text(t)
		}
		for _, t := range [...]tstamp{r.ReceivedAt, r.DueAt, r.FinishedAt, r.SystemFinishedAt, r.ReturnedAt} {
			buf.tstamp(t)
		}
		buf.int16(r.Status)
		buf.text(r.Channel)
		buf.int32(int32(r.SupplementCount))
		buf.tstamp(r.SupplementRequestedAt)
		buf.tstamp(r.SupplementDoneAt)
		buf.text(r.ApplicantName)
		buf.boolean(r.Unassigned)
		buf.text(r.RowHash)
		for _, t := range [...]tstamp{r.UpdatedAt, r.OriginalDueAt, r.ExtendedDueAt} {
			buf.tstamp(t)
		}
		buf.int32(int32(r.ExtensionCount))
		buf.tstamp(r.Deadline)
	})
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	return nil
}

// writeFacts writes the facts of the rows of b at indices idx in tx.
// Those of the dossiers updated (codes updated; old holds their stored
// versions) are compared first with the facts of their stored versions,
// which the stored facts were computed from: a dossier whose facts and
// step context (models.SameStepFacts) did not change is not written at
// all, and its steps are read back only when its step context changed.
// Most changes of an export leave one or both as they were (a field, a
// name, a handler, a status from received to processing), and writing
// the facts of every updated dossier was half of a re-import. What is
// written replaces the stored facts through staging tables, where only the
// rows that differ are rewritten. The updated dossiers' supplement waits
// are reset with them (see WriteDossiers).
func (p *pgImport) writeFacts(ctx context.Context, tx pgx.Tx, b *DossierBatch, idx []int, updated []string, old map[string]storedDossier, rules *models.Rules) error {
	buf := &p.buf
	// Of the updated dossiers: factCodes have other facts (and noRow the
	// same ones: only their step facts may be written), stepCodes another
	// step context (their steps are read back), dueCodes only another due
	// date (their steps without a due date of their own are read back);
	// keep are those whose step count stays as stored.
	var factCodes, stepCodes, dueCodes []string
	var keep, noRow map[string]bool
	if len(updated) > 0 {
		upd := make(map[string]bool, len(updated))
		for _, code := range updated {
			upd[code] = true
		}
		keep, noRow = map[string]bool{}, map[string]bool{}
		kept := idx[:0:0]
		for _, i := range idx {
			code := b.Code(i)
			if !upd[code] {
				kept = append(kept, i) // inserted
				continue
			}
			o, ok := old[code]
			k := b.slotOf(i)
			sameSteps := ok && models.SameStepFacts(o.d, &b.stored[k])
			sameFacts := ok && p.sameFacts(rules, o, &b.facts, k)
			if sameSteps && sameFacts {
				continue
			}
			kept = append(kept, i)
			if sameFacts {
				noRow[code] = true
			} else {
				factCodes = append(factCodes, code)
			}
			switch {
			case sameSteps:
				keep[code] = true
			case ok && models.SameStepFactsButDue(o.d, &b.stored[k]):
				keep[code] = true
				dueCodes = append(dueCodes, code)
			default:
				stepCodes = append(stepCodes, code)
			}
		}
		idx = kept
	}
	var steps map[string][]models.Step
	var stepFacts map[stepKey]stepFactRow
	if len(stepCodes)+len(dueCodes) > 0 {
		var err error
		if steps, stepFacts, err = pgLoadStepsAndFacts(ctx, tx, stepCodes, dueCodes); err != nil {
			return err
		}
	}
	fs := b.facts.subset(rules, b.slots(idx), b.stored, steps)
	for k := range fs.rows {
		if keep[fs.rows[k].Code] {
			fs.rows[k].Steps = keepSteps
		}
	}
	// Those whose step context changed but not their facts need no facts
	// row: their step count is that of their stored steps, as before.
	if len(noRow) > 0 {
		fs = fs.without(noRow)
	}
	if len(stepFacts) > 0 {
		// The step facts recomputed of updated dossiers are those of all
		// their stored steps, which had theirs, or of those of dueCodes'
		// steps that have no due date of their own, whose Last (decided by
		// all the steps, which did not change) stays: only those that
		// differ are written, and none is left to delete.
		kept := fs.steps[:0]
		for _, st := range fs.steps {
			old, ok := stepFacts[stepKey{st.Code, st.Seq}]
			if ok && keep[st.Code] {
				st.Last = old.Last
			}
			if !ok || !p.sameStepFact(&old, &st) {
				kept = append(kept, st)
			}
		}
		fs.steps = kept
	}
	// Whatever is written of an updated dossier replaces stored rows.
	merge := len(factCodes)+len(stepCodes)+len(dueCodes) > 0
	tables := factTables
	if merge {
		tables = stagedFactTables
		if err := p.emptyStages(ctx, tx, stagedFactTables[:]...); err != nil {
			return err
		}
	}
	err := buf.copyRows(ctx, tx, tables[0], factsColumns, len(fs.rows), func(i int) { buf.factsRow(&fs.rows[i]) })
	if err == nil {
		err = buf.copyRows(ctx, tx, tables[1], factWaitColumns, len(fs.waits), func(i int) { buf.factWait(&fs.waits[i]) })
	}
	if err == nil {
		err = buf.copyRows(ctx, tx, tables[2], stepFactsColumns, len(fs.steps), func(i int) { buf.stepFact(&fs.steps[i]) })
	}
	if err != nil || len(updated) == 0 {
		return err
	}
	// One round trip: each is a wait for the network.
	var batch pgx.Batch
	if merge {
		for _, q := range factMergeSQL {
			switch {
			case !q.codes:
				batch.Queue(q.sql)
			case len(factCodes) > 0:
				batch.Queue(q.sql, factCodes)
			}
		}
	}
	batch.Queue("DELETE FROM dossier_supplements WHERE dossier_code = ANY($1)", updated)
	return tx.SendBatch(ctx, &batch).Close()
}

// sameStepFact reports whether two step facts rows would be copied the
// same.
func (p *pgImport) sameStepFact(x, y *stepFactRow) bool {
	a, b := &p.cmpA, &p.cmpB
	a.b, b.b = a.b[:0], b.b[:0]
	a.stepFact(x)
	b.stepFact(y)
	return bytes.Equal(a.b, b.b)
}

// keepSteps in a staged dossier_facts row keeps the stored step count
// (its step facts were not recomputed).
const keepSteps = -1

// sameFacts reports whether the facts of b's dossier at i (without its
// step count) are those of its stored version o: compared as they would
// be copied to Postgres, so that every column counts.
func (p *pgImport) sameFacts(rules *models.Rules, o storedDossier, fs *factSet, i int) bool {
	p.cmpOld.reset()
	p.cmpOld.add(rules, o.d, nil, o.unassigned)
	x, y := p.cmpOld.rows[0], fs.rows[i]
	x.Steps, y.Steps = 0, 0
	start := 0
	if i > 0 {
		start = fs.waitEnd[i-1]
	}
	waits := fs.waits[start:fs.waitEnd[i]]
	if len(waits) != len(p.cmpOld.waits) {
		return false
	}
	a, bb := &p.cmpA, &p.cmpB
	a.b, bb.b = a.b[:0], bb.b[:0]
	a.factsRow(&x)
	bb.factsRow(&y)
	for k := range waits {
		a.factWait(&p.cmpOld.waits[k])
		bb.factWait(&waits[k])
	}
	return bytes.Equal(a.b, bb.b)
}

// factsRow writes the fields of a dossier_facts row, in factsColumns.
func (c *copyBuf) factsRow(r *factsRow) {
	for _, t := range [...]string{r.Code, r.UnitCode, r.HandlerCode} {
		c.text(t)
	}
	c.boolean(r.Unassigned)
	c.boolean(r.InScope)
	c.tstamp(r.ReceivedAt)
	c.boolean(r.Closed)
	c.tstamp(r.StopAt)
	c.text(r.Class)
	for _, v := range [...]bool{r.LateOnSystem, r.EndedOnTime, r.Closed766, r.ClosedExcess} {
		c.boolean(v)
	}
	for _, t := range [...]instant{r.Deadline, r.Deadline766, r.SecondRequestAt} {
		c.instant(time.Time(t))
	}
	c.boolean(r.Paused)
	c.instant(time.Time(r.PausedFrom))
	c.boolean(r.SecondExtension)
	c.int32(int32(r.Waits))
	c.int32(int32(r.Steps))
}

// factWait writes the fields of a dossier_fact_waits row, in factWaitColumns.
func (c *copyBuf) factWait(w *factWaitRow) {
	c.text(w.Code)
	c.int32(int32(w.Seq))
	c.instant(time.Time(w.StartAt))
	c.instant(time.Time(w.EndAt))
}

// factTables are the facts tables, in writeFacts' order; their staging
// tables (temporary, emptied at commit) are named after them.
var factTables = [...]string{"dossier_facts", "dossier_fact_waits", "step_facts"}

var stagedFactTables = func() (t [len(factTables)]string) {
	for i, name := range factTables {
		t[i] = "dondoc_stage_" + name
	}
	return t
}()

// pgStages are the staging tables of an import session: temporary, made
// once a connection, emptied at each commit.
var pgStages = func() []struct{ name, like string } {
	out := []struct{ name, like string }{{pgStage, "dossiers"}, {pgStepStage, "steps"}}
	for i, t := range factTables {
		out = append(out, struct{ name, like string }{stagedFactTables[i], t})
	}
	return out
}()

// emptyStages empties staging tables before a batch uses them. Each batch
// of an ordinary session commits, which empties them; an atomic or bulk
// session is one transaction, in which they serve batch after batch (a
// DELETE, in one round trip: a TRUNCATE a batch cost more than the rows).
func (p *pgImport) emptyStages(ctx context.Context, tx pgx.Tx, names ...string) error {
	if p.tx == nil {
		return nil
	}
	var batch pgx.Batch
	for _, t := range names {
		batch.Queue("DELETE FROM " + t)
	}
	return tx.SendBatch(ctx, &batch).Close()
}

// factMerge is a statement of factMergeSQL; with codes, it takes the codes
// of the dossiers whose facts changed as $1.
type factMerge struct {
	sql   string
	codes bool
}

// factMergeSQL merge the staged facts of the dossiers written: the waits
// they no longer have deleted (the statement takes the codes of the
// dossiers whose facts changed as $1), then each row inserted, or updated
// when it differs. Step facts are never left to delete: those staged are
// among the recomputed ones of all the dossier's steps (see writeFacts).
// A staged dossier_facts row whose steps is keepSteps keeps the stored
// count.
var factMergeSQL = func() []factMerge {
	cols := [...][]string{factsColumns, factWaitColumns, stepFactsColumns}
	keys := [...][]string{{"code"}, {"code", "seq"}, {"code", "seq"}}
	var out []factMerge
	for i, t := range factTables {
		stage := stagedFactTables[i]
		if t == "dossier_fact_waits" {
			out = append(out, factMerge{"DELETE FROM " + t + " t WHERE t.code = ANY($1) AND NOT EXISTS (SELECT 1 FROM " + stage +
				" s WHERE s.code = t.code AND s.seq = t.seq)", true})
		}
		var sets, olds, news []string
		for _, c := range cols[i] {
			if slices.Contains(keys[i], c) {
				continue
			}
			v := "excluded." + c
			if t == "dossier_facts" && c == "steps" {
				v = "CASE WHEN excluded.steps = " + strconv.Itoa(keepSteps) + " THEN " + t + ".steps ELSE excluded.steps END"
			}
			sets = append(sets, c+" = "+v)
			olds = append(olds, t+"."+c)
			news = append(news, v)
		}
		list := strings.Join(cols[i], ", ")
		out = append(out, factMerge{sql: "INSERT INTO " + t + " (" + list + ") SELECT " + list + " FROM " + stage +
			" ON CONFLICT (" + strings.Join(keys[i], ", ") + ") DO UPDATE SET " + strings.Join(sets, ", ") +
			" WHERE (" + strings.Join(olds, ", ") + ") IS DISTINCT FROM (" + strings.Join(news, ", ") + ")"})
	}
	return out
}()

// factsColumns are the dossier_facts columns in COPY order.
var factsColumns = []string{"code", "unit_code", "handler_code", "unassigned", "in_scope", "received_at", "closed",
	"stop_at", "class", "late_on_system", "ended_on_time", "closed_766", "closed_excess", "deadline", "deadline_766",
	"second_request_at", "paused", "paused_from", "second_extension", "waits", "steps"}

// factWaitColumns are the dossier_fact_waits columns in COPY order.
var factWaitColumns = []string{"code", "seq", "start_at", "end_at"}

// stepFact writes the fields of a step_facts row, in stepFactsColumns.
func (c *copyBuf) stepFact(st *stepFactRow) {
	c.text(st.Code)
	c.int32(int32(st.Seq))
	c.text(st.OfficerCode)
	c.instant(time.Time(st.StartAt))
	c.tstamp(st.EndAt)
	c.instant(time.Time(st.Deadline))
	c.boolean(st.Last)
}

// stepFactsColumns are the step_facts columns in COPY order.
var stepFactsColumns = []string{"code", "seq", "officer_code", "start_at", "end_at", "deadline", "last"}

func pgCollect(ctx context.Context, tx pgx.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
