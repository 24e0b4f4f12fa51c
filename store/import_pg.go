package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
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
	known  *knownRows
	seen   int64
	stored int64
	rows   int64   // expected (models.ImportOptions.Rows)
	bulk   *pgBulk // a first import into empty tables (in tx)
	rules  *models.Rules
	log    *slog.Logger
	clock  clockwork.Clock
	began  time.Time
	buf    copyBuf
}

const pgStage = "dondoc_import_dossiers"

var pgStageColumns = []string{"code", "procedure_code", "procedure_name", "field", "unit_code", "handler_code",
	"received_at", "due_at", "finished_at", "system_finished_at", "returned_at", "status", "channel",
	"supplement_count", "supplement_requested_at", "supplement_done_at", "applicant_name", "unassigned",
	"row_hash", "updated_at", "original_due_at", "extended_due_at", "extension_count", "deadline"}

func (s *Store) beginPgImport(ctx context.Context, atomic bool, rows int64, bulk []string) (*pgImport, error) {
	conn, err := s.pinnedConn(ctx)
	if err != nil {
		return nil, fmt.Errorf("connection: %w", err)
	}
	p := &pgImport{conn: conn, atomic: atomic, stored: -1, rows: rows, rules: s.rules, log: s.log, clock: s.clock, began: s.clock.Now()}
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		p.pgc = sc.Conn()
		return nil
	})
	for _, st := range pgStages {
		if err == nil {
			_, err = p.pgc.Exec(ctx, "CREATE TEMP TABLE IF NOT EXISTS "+st.name+" (LIKE "+st.like+" INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
		}
	}
	if err == nil && (atomic || bulk != nil) {
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
	return p, nil
}

func (p *pgImport) end(ctx context.Context, commit bool) error {
	var err error
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
		if tx, err = p.pgc.Begin(ctx); err != nil {
			return c, err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
	}
	var sel []int // indices in b.rows still to write; nil: all
	if bulk := p.bulkOf("dossiers"); bulk != nil {
		fresh, again := bulk.split(b.again, len(b.rows), func(i int) string { return b.rows[i].Code })
		if err := pgCopyDossiers(ctx, tx, &p.buf, "dossiers", b.rows, fresh); err != nil {
			return c, err
		}
		if err := p.writeFacts(ctx, tx, b, fresh, nil, rules); err != nil {
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
	c.Unchanged = len(b.rows) - c.Inserted - c.Updated
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
		sel = make([]int, len(b.rows))
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
			if b.seen != nil && b.seen[i] {
				continue // found unchanged by PrepareDossiers
			}
			if r := &b.rows[i]; !p.known.unchanged(r.Code, r.RowHash, r.Unassigned) {
				todo = append(todo, i)
			}
		}
	case p.newShare < 0.5 || p.bulkOf("dossiers") != nil:
		codes := make([]string, len(sel))
		hashes := make([]string, len(sel))
		flags := make([]bool, len(sel))
		for k, i := range sel {
			r := &b.rows[i]
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
				if set[b.rows[i].Code] {
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
	if err := pgCopyDossiers(ctx, tx, &p.buf, pgStage, b.rows, todo); err != nil {
		return c, err
	}
	res, err := tx.Query(ctx, pgUpsertSQL)
	if err != nil {
		return c, err
	}
	var updated []string
	written := make(map[string]bool, len(todo))
	for res.Next() {
		var code string
		var inserted bool
		if err := res.Scan(&code, &inserted); err != nil {
			res.Close()
			return c, err
		}
		written[code] = true
		if inserted {
			c.Inserted++
		} else {
			c.Updated++
			updated = append(updated, code)
		}
	}
	res.Close()
	if err := res.Err(); err != nil {
		return c, err
	}
	var idx []int
	for _, i := range todo {
		if r := &b.rows[i]; written[r.Code] {
			idx = append(idx, i)
			if p.known != nil {
				p.known.wrote(r.Code, r.RowHash, r.Unassigned)
			}
		}
	}
	if err := p.writeFacts(ctx, tx, b, idx, updated, rules); err != nil {
		return c, fmt.Errorf("facts: %w", err)
	}
	return c, nil
}

// loadKnown scans the stored rows (see knownRows) once a session that is
// not a bulk one has compared enough rows for it to pay, n more now.
func (p *pgImport) loadKnown(ctx context.Context, tx pgx.Tx, n int) error {
	p.seen += int64(n)
	if p.known != nil || p.bulk != nil {
		return nil
	}
	if p.stored < 0 {
		// The planner's estimate; a table never analysed (-1) is counted.
		err := tx.QueryRow(ctx, "SELECT reltuples::bigint FROM pg_class WHERE oid = 'dossiers'::regclass").Scan(&p.stored)
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
func pgCopyDossiers(ctx context.Context, tx pgx.Tx, buf *copyBuf, table string, rows []dossierRow, idx []int) error {
	err := buf.copyRows(ctx, tx, table, pgStageColumns, len(idx), func(k int) {
		r := &rows[idx[k]]
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
// Those of the dossiers updated (whose steps are read back) replace the
// stored ones through staging tables, where only the facts that differ are
// rewritten: most changes of an export (a field, a name) leave a dossier's
// facts as they were, and rewriting them all was a third of a re-import.
// The updated dossiers' supplement waits are reset with them (see
// WriteDossiers).
func (p *pgImport) writeFacts(ctx context.Context, tx pgx.Tx, b *DossierBatch, idx []int, updated []string, rules *models.Rules) error {
	buf := &p.buf
	var steps map[string][]models.Step
	if len(updated) > 0 {
		var err error
		if steps, err = pgLoadSteps(ctx, tx, updated); err != nil {
			return err
		}
	}
	fs := b.facts.subset(rules, idx, b.stored, steps)
	tables := factTables
	if len(updated) > 0 {
		tables = stagedFactTables
		if err := p.emptyStages(ctx, tx, stagedFactTables[:]...); err != nil {
			return err
		}
	}
	err := buf.copyRows(ctx, tx, tables[0], factsColumns, len(fs.rows), func(i int) {
		r := &fs.rows[i]
		for _, t := range [...]string{r.Code, r.UnitCode, r.HandlerCode} {
			buf.text(t)
		}
		buf.boolean(r.Unassigned)
		buf.boolean(r.InScope)
		buf.tstamp(r.ReceivedAt)
		buf.boolean(r.Closed)
		buf.tstamp(r.StopAt)
		buf.text(r.Class)
		for _, v := range [...]bool{r.LateOnSystem, r.EndedOnTime, r.Closed766, r.ClosedExcess} {
			buf.boolean(v)
		}
		for _, t := range [...]instant{r.Deadline, r.Deadline766, r.SecondRequestAt} {
			buf.instant(time.Time(t))
		}
		buf.boolean(r.Paused)
		buf.instant(time.Time(r.PausedFrom))
		buf.boolean(r.SecondExtension)
		buf.int32(int32(r.Waits))
		buf.int32(int32(r.Steps))
	})
	if err == nil {
		err = buf.copyRows(ctx, tx, tables[1], factWaitColumns, len(fs.waits), func(i int) {
			w := &fs.waits[i]
			buf.text(w.Code)
			buf.int32(int32(w.Seq))
			buf.instant(time.Time(w.StartAt))
			buf.instant(time.Time(w.EndAt))
		})
	}
	if err == nil {
		err = buf.copyRows(ctx, tx, tables[2], stepFactsColumns, len(fs.steps), func(i int) { buf.stepFact(&fs.steps[i]) })
	}
	if err != nil || len(updated) == 0 {
		return err
	}
	// One round trip: each is a wait for the network.
	var batch pgx.Batch
	for _, q := range factMergeSQL {
		var args []any
		if q.codes {
			args = append(args, updated)
		}
		batch.Queue(q.sql, args...)
	}
	batch.Queue("DELETE FROM dossier_supplements WHERE dossier_code = ANY($1)", updated)
	return tx.SendBatch(ctx, &batch).Close()
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

// factMerge is a statement of factMergeSQL.
type factMerge struct {
	sql   string
	codes bool
}

// factMergeSQL merge the staged facts of the dossiers updated (all their
// facts): the waits and step facts they no longer have deleted (codes:
// the statement takes the dossiers' codes as $1), then each row inserted,
// or updated when it differs.
var factMergeSQL = func() []factMerge {
	cols := [...][]string{factsColumns, factWaitColumns, stepFactsColumns}
	keys := [...][]string{{"code"}, {"code", "seq"}, {"code", "seq"}}
	var out []factMerge
	for i, t := range factTables {
		stage := stagedFactTables[i]
		if len(keys[i]) > 1 {
			out = append(out, factMerge{"DELETE FROM " + t + " t WHERE t.code = ANY($1) AND NOT EXISTS (SELECT 1 FROM " + stage +
				" s WHERE s.code = t.code AND s.seq = t.seq)", true})
		}
		var sets, olds, news []string
		for _, c := range cols[i] {
			if !slices.Contains(keys[i], c) {
				sets = append(sets, c+" = excluded."+c)
				olds = append(olds, t+"."+c)
				news = append(news, "excluded."+c)
			}
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
