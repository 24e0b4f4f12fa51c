package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/dondoc/dondoc/models"
)

// Steps on Postgres (issue #14 item 2): through the import's pinned
// connection, as the dossiers. Per batch, one query finds the dossiers the
// steps belong to and one reads their stored steps; only new and changed
// steps are copied (binary COPY) into a staging table and upserted, and
// the step facts of the dossiers touched are recomputed from the dossiers,
// their waits and all their steps as the transaction sees them. A first
// import into an empty steps table goes in bulk (pgBulk): the steps are
// copied straight in and the facts of every dossier with steps computed
// once, after the keys are rebuilt.

const pgStepStage = "dondoc_import_steps"

var stepColumns = []string{"dossier_code", "seq", "name", "officer_code", "started_at", "due_at", "finished_at"}

var pgStepUpsertSQL = "INSERT INTO steps SELECT * FROM " + pgStepStage +
	" ON CONFLICT (dossier_code, seq) DO UPDATE SET name = excluded.name, officer_code = excluded.officer_code," +
	" started_at = excluded.started_at, due_at = excluded.due_at, finished_at = excluded.finished_at"

// writeSteps stores the steps of known dossiers and returns what it did,
// and the indices in steps of those whose dossier is not stored.
func (p *pgImport) writeSteps(ctx context.Context, steps []models.Step, rules *models.Rules) (c models.ImportCounts, missing []int, err error) {
	tx := p.tx
	if tx == nil {
		if tx, err = p.batchTx(ctx); err != nil {
			return c, nil, err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
	}
	codes := make([]string, len(steps))
	for i := range steps {
		codes[i] = models.NFC(steps[i].DossierCode)
	}
	known, err := pgKnownCodes(ctx, tx, codes)
	if err != nil {
		return c, nil, err
	}
	rows, missing := stepRowsOf(steps, codes, known)
	c, err = p.storeSteps(ctx, tx, rows, rules)
	if err == nil && p.tx == nil {
		err = tx.Commit(ctx)
	}
	if err != nil {
		return models.ImportCounts{}, missing, err
	}
	return c, missing, nil
}

// storeSteps writes rows (known dossiers, one per key) in tx.
func (p *pgImport) storeSteps(ctx context.Context, tx pgx.Tx, rows []stepRow, rules *models.Rules) (models.ImportCounts, error) {
	var c models.ImportCounts
	sel := rows
	bulk := p.bulkOf("steps")
	if bulk != nil {
		fresh, again := bulk.fresh(len(rows), func(i int) string {
			return rows[i].DossierCode + "\x00" + strconv.Itoa(rows[i].Seq)
		})
		if err := p.copySteps(ctx, tx, "steps", rows, fresh); err != nil {
			return c, err
		}
		c.Inserted = len(fresh)
		if len(again) == 0 {
			return c, nil // the facts follow at the end (finishSteps)
		}
		if err := bulk.restoreKeys(ctx, tx); err != nil {
			return c, err
		}
		sel = make([]stepRow, len(again))
		for k, i := range again {
			sel[k] = rows[i]
		}
	}
	n, touched, err := p.upsertSteps(ctx, tx, sel)
	if err != nil {
		return c, err
	}
	c.Add(n)
	if bulk == nil { // a bulk import computes them all at the end
		if err := p.refreshStepFacts(ctx, tx, touched, rules); err != nil {
			return c, fmt.Errorf("step facts: %w", err)
		}
	}
	return c, nil
}

// upsertSteps compares rows with the stored steps of their dossiers and
// upserts the new and changed ones; it returns the dossiers touched.
func (p *pgImport) upsertSteps(ctx context.Context, tx pgx.Tx, rows []stepRow) (models.ImportCounts, []string, error) {
	var c models.ImportCounts
	codes := distinctCodes(rows)
	stored, err := tx.Query(ctx, "SELECT "+strings.Join(stepColumns, ", ")+" FROM steps WHERE dossier_code = ANY($1)", codes)
	if err != nil {
		return c, nil, err
	}
	have := map[stepKey]stepRow{}
	for stored.Next() {
		r, err := scanStep(stored)
		if err != nil {
			stored.Close()
			return c, nil, err
		}
		have[stepKey{r.DossierCode, r.Seq}] = r
	}
	stored.Close()
	if err := stored.Err(); err != nil {
		return c, nil, err
	}
	var write []int
	seen := map[string]bool{}
	var touched []string
	for i := range rows {
		r := &rows[i]
		old, ok := have[stepKey{r.DossierCode, r.Seq}]
		switch {
		case !ok:
			c.Inserted++
		case !sameStep(&old, r):
			c.Updated++
		default:
			c.Unchanged++
			continue
		}
		write = append(write, i)
		if !seen[r.DossierCode] {
			seen[r.DossierCode] = true
			touched = append(touched, r.DossierCode)
		}
	}
	if len(write) == 0 {
		return c, nil, nil
	}
	if err := p.emptyStages(ctx, tx, pgStepStage); err != nil {
		return c, nil, err
	}
	if err := p.copySteps(ctx, tx, pgStepStage, rows, write); err != nil {
		return c, nil, err
	}
	if _, err := tx.Exec(ctx, pgStepUpsertSQL); err != nil {
		return c, nil, err
	}
	return c, touched, nil
}

func sameStep(a, b *stepRow) bool {
	return a.Name == b.Name && a.OfficerCode == b.OfficerCode && sameTime(a.StartedAt, b.StartedAt) &&
		sameTime(a.DueAt, b.DueAt) && sameTime(a.FinishedAt, b.FinishedAt)
}

// copySteps copies the rows at indices idx into table, in stepColumns.
func (p *pgImport) copySteps(ctx context.Context, tx pgx.Tx, table string, rows []stepRow, idx []int) error {
	buf := &p.buf
	err := buf.copyRows(ctx, tx, table, stepColumns, len(idx), func(k int) {
		r := &rows[idx[k]]
		buf.text(r.DossierCode)
		buf.int32(int32(r.Seq))
		for _, t := range [...]string{r.Name, r.OfficerCode} {
			buf.text(t)
		}
		for _, t := range [...]tstamp{r.StartedAt, r.DueAt, r.FinishedAt} {
			buf.tstamp(t)
		}
	})
	if err != nil {
		return fmt.Errorf("copy steps: %w", err)
	}
	return nil
}

// pgKnownCodes returns which of codes are stored dossiers.
func pgKnownCodes(ctx context.Context, tx pgx.Tx, codes []string) (map[string]bool, error) {
	got, err := pgCollect(ctx, tx, "SELECT code FROM dossiers WHERE code = ANY($1)", codes)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(got))
	for _, c := range got {
		known[c] = true
	}
	return known, nil
}

// refreshStepFacts recomputes the step facts of the dossiers with codes
// from what tx holds, and their step counts in dossier_facts.
func (p *pgImport) refreshStepFacts(ctx context.Context, tx pgx.Tx, codes []string, rules *models.Rules) error {
	if len(codes) == 0 {
		return nil
	}
	ds, err := pgLoadDossiers(ctx, tx, codes)
	if err != nil {
		return err
	}
	steps, err := pgLoadSteps(ctx, tx, codes)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM step_facts WHERE code = ANY($1)", codes); err != nil {
		return err
	}
	buf := &p.buf
	buf.start()
	counts := make([]int32, len(ds))
	dcodes := make([]string, len(ds))
	n := 0
	for i := range ds {
		d := &ds[i]
		dcodes[i] = d.Code
		for _, sf := range rules.StepFactsOf(d, steps[d.Code]) {
			buf.row(len(stepFactsColumns))
			row := stepFactRowOf(d.Code, &sf)
			buf.stepFact(&row)
			counts[i]++
			n++
		}
	}
	if n > 0 {
		if err := buf.send(ctx, tx, "step_facts", stepFactsColumns); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, `UPDATE dossier_facts f SET steps = c.n FROM unnest($1::text[], $2::int[]) AS c(code, n)
WHERE f.code = c.code AND f.steps <> c.n`, dcodes, counts)
	return err
}

// pgLoadSteps reads the steps of the dossiers with codes, in order.
func pgLoadSteps(ctx context.Context, tx pgx.Tx, codes []string) (map[string][]models.Step, error) {
	res, err := tx.Query(ctx, "SELECT "+strings.Join(stepColumns, ", ")+" FROM steps WHERE dossier_code = ANY($1) ORDER BY dossier_code, seq", codes)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	steps := map[string][]models.Step{}
	for res.Next() {
		r, err := scanStep(res)
		if err != nil {
			return nil, err
		}
		steps[r.DossierCode] = append(steps[r.DossierCode], r.model())
	}
	return steps, res.Err()
}

// pgLoadStepsAndFacts reads the steps of the dossiers with codes, and
// those without a due date of their own of the dossiers with dueCodes, in
// order, and the stored facts of each step (the step facts of a dossier
// are those of its stored steps: steps are never deleted but with their
// dossier, and each has its facts), by dossier code and seq.
func pgLoadStepsAndFacts(ctx context.Context, tx pgx.Tx, codes, dueCodes []string) (map[string][]models.Step, map[stepKey]stepFactRow, error) {
	cols := "s." + strings.Join(stepColumns, ", s.")
	res, err := tx.Query(ctx, "SELECT "+cols+", f.seq IS NOT NULL, f.officer_code, f.start_at, f.end_at, f.deadline, f.last"+
		" FROM steps s LEFT JOIN step_facts f ON f.code = s.dossier_code AND f.seq = s.seq"+
		" WHERE s.dossier_code = ANY($1) OR (s.dossier_code = ANY($2) AND s.due_at IS NULL)"+
		" ORDER BY s.dossier_code, s.seq", codes, dueCodes)
	if err != nil {
		return nil, nil, err
	}
	defer res.Close()
	steps := map[string][]models.Step{}
	facts := map[stepKey]stepFactRow{}
	for res.Next() {
		var r stepRow
		var has bool
		var officer *string
		var last *bool
		var f stepFactRow
		if err := res.Scan(&r.DossierCode, &r.Seq, &r.Name, &r.OfficerCode, &r.StartedAt, &r.DueAt, &r.FinishedAt,
			&has, &officer, &f.StartAt, &f.EndAt, &f.Deadline, &last); err != nil {
			return nil, nil, err
		}
		steps[r.DossierCode] = append(steps[r.DossierCode], r.model())
		if has {
			f.Code, f.Seq, f.OfficerCode, f.Last = r.DossierCode, r.Seq, *officer, *last
			facts[stepKey{r.DossierCode, r.Seq}] = f
		}
	}
	return steps, facts, res.Err()
}

// scanStep reads a row of stepColumns.
func scanStep(rows pgx.Rows) (r stepRow, err error) {
	err = rows.Scan(&r.DossierCode, &r.Seq, &r.Name, &r.OfficerCode, &r.StartedAt, &r.DueAt, &r.FinishedAt)
	return r, err
}

// pgLoadDossiers reads the dossiers with codes as stored (every supplement
// wait), for their facts.
func pgLoadDossiers(ctx context.Context, tx pgx.Tx, codes []string) ([]models.Dossier, error) {
	var batch pgx.Batch
	queueLoadDossiers(&batch, codes, false)
	br := tx.SendBatch(ctx, &batch)
	ds, _, err := readLoadDossiers(br)
	return ds, errors.Join(err, br.Close())
}

// queueLoadDossiers queues pgLoadDossiers' queries, whose results
// readLoadDossiers reads; with lock, the dossiers are locked as an update
// would (no other writer changes them before the transaction ends).
func queueLoadDossiers(batch *pgx.Batch, codes []string, lock bool) {
	q := "SELECT " + strings.Join(pgStageColumns, ", ") + " FROM dossiers WHERE code = ANY($1) ORDER BY code"
	if lock {
		q += " FOR NO KEY UPDATE"
	}
	batch.Queue(q, codes)
	batch.Queue("SELECT dossier_code, requested_at, done_at FROM dossier_supplements WHERE dossier_code = ANY($1) ORDER BY dossier_code, seq", codes)
}

// readLoadDossiers reads the results of queueLoadDossiers: the dossiers
// and their unassigned flags.
func readLoadDossiers(br pgx.BatchResults) ([]models.Dossier, []bool, error) {
	res, err := br.Query()
	if err != nil {
		return nil, nil, err
	}
	var ds []models.Dossier
	var flags []bool
	idx := map[string]int{}
	for res.Next() {
		var r dossierRow
		if err := res.Scan(&r.Code, &r.ProcedureCode, &r.ProcedureName, &r.Field, &r.UnitCode, &r.HandlerCode,
			&r.ReceivedAt, &r.DueAt, &r.FinishedAt, &r.SystemFinishedAt, &r.ReturnedAt, &r.Status, &r.Channel,
			&r.SupplementCount, &r.SupplementRequestedAt, &r.SupplementDoneAt, &r.ApplicantName, &r.Unassigned,
			&r.RowHash, &r.UpdatedAt, &r.OriginalDueAt, &r.ExtendedDueAt, &r.ExtensionCount, &r.Deadline); err != nil {
			res.Close()
			return nil, nil, err
		}
		idx[r.Code] = len(ds)
		ds = append(ds, r.model())
		flags = append(flags, r.Unassigned)
	}
	res.Close()
	if err := res.Err(); err != nil {
		return nil, nil, err
	}
	sups, err := br.Query()
	if err != nil {
		return nil, nil, err
	}
	defer sups.Close()
	for sups.Next() {
		var code string
		var req, done tstamp
		if err := sups.Scan(&code, &req, &done); err != nil {
			return nil, nil, err
		}
		if i, ok := idx[code]; ok {
			ds[i].Supplements = append(ds[i].Supplements, models.Interval{Start: req.time(), End: done.time()})
		}
	}
	return ds, flags, sups.Err()
}

// finishSteps computes, at the end of a bulk steps import (keys rebuilt),
// the step facts of every dossier with steps, a chunk of dossiers at a
// time.
func (p *pgImport) finishSteps(ctx context.Context, tx pgx.Tx, rules *models.Rules) error {
	const chunk = 5000
	after := ""
	for {
		codes, err := pgCollect(ctx, tx, "SELECT DISTINCT dossier_code FROM steps WHERE dossier_code > $1 ORDER BY 1 LIMIT "+strconv.Itoa(chunk), after)
		if err != nil || len(codes) == 0 {
			return err
		}
		if err := p.refreshStepFacts(ctx, tx, codes, rules); err != nil {
			return fmt.Errorf("step facts: %w", err)
		}
		after = codes[len(codes)-1]
	}
}

func distinctCodes(rows []stepRow) []string {
	seen := map[string]bool{}
	var out []string
	for i := range rows {
		if c := rows[i].DossierCode; !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}
