package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

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
}

const pgStage = "dondoc_import_dossiers"

var pgStageColumns = []string{"code", "procedure_code", "procedure_name", "field", "unit_code", "handler_code",
	"received_at", "due_at", "finished_at", "system_finished_at", "returned_at", "status", "channel",
	"supplement_count", "supplement_requested_at", "supplement_done_at", "applicant_name", "unassigned",
	"row_hash", "updated_at", "original_due_at", "extended_due_at", "extension_count", "deadline"}

func (s *Store) beginPgImport(ctx context.Context, atomic bool) (*pgImport, error) {
	conn, err := s.pinnedConn(ctx)
	if err != nil {
		return nil, fmt.Errorf("connection: %w", err)
	}
	p := &pgImport{conn: conn, atomic: atomic}
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		p.pgc = sc.Conn()
		return nil
	})
	if err == nil {
		_, err = p.pgc.Exec(ctx, "CREATE TEMP TABLE IF NOT EXISTS "+pgStage+
			" (LIKE dossiers INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
	}
	if err == nil && atomic {
		p.tx, err = p.pgc.Begin(ctx)
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
		if commit {
			err = p.tx.Commit(ctx)
		} else {
			err = p.tx.Rollback(context.WithoutCancel(ctx))
		}
	}
	if cerr := p.conn.Close(); err == nil && !errors.Is(cerr, sql.ErrConnDone) {
		err = cerr
	}
	return err
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
	rows := b.rows
	tx := p.tx
	if tx == nil {
		var err error
		if tx, err = p.pgc.Begin(ctx); err != nil {
			return c, err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
	} else if _, err := tx.Exec(ctx, "TRUNCATE "+pgStage); err != nil {
		return c, err
	}
	todo := rows
	var todoIdx []int // indices in rows of todo; nil: all
	if p.newShare < 0.5 {
		codes := make([]string, len(rows))
		hashes := make([]string, len(rows))
		flags := make([]bool, len(rows))
		for i := range rows {
			codes[i], hashes[i], flags[i] = rows[i].Code, rows[i].RowHash, rows[i].Unassigned
		}
		changed, err := pgCollect(ctx, tx, pgChangedSQL, codes, hashes, flags)
		if err != nil {
			return c, err
		}
		if len(changed) < len(rows) {
			set := make(map[string]bool, len(changed))
			for _, code := range changed {
				set[code] = true
			}
			todo = make([]dossierRow, 0, len(changed))
			todoIdx = make([]int, 0, len(changed))
			for i := range rows {
				if set[rows[i].Code] {
					todo = append(todo, rows[i])
					todoIdx = append(todoIdx, i)
				}
			}
		}
	}
	p.newShare = float64(len(todo)) / float64(len(rows))
	if len(todo) > 0 {
		src := pgx.CopyFromSlice(len(todo), func(i int) ([]any, error) {
			r := &todo[i]
			return []any{r.Code, r.ProcedureCode, r.ProcedureName, r.Field, r.UnitCode, r.HandlerCode,
				pgTime(r.ReceivedAt), pgTime(r.DueAt), pgTime(r.FinishedAt), pgTime(r.SystemFinishedAt), pgTime(r.ReturnedAt),
				r.Status, r.Channel, int32(r.SupplementCount), pgTime(r.SupplementRequestedAt), pgTime(r.SupplementDoneAt),
				r.ApplicantName, r.Unassigned, r.RowHash, pgTime(r.UpdatedAt), pgTime(r.OriginalDueAt), pgTime(r.ExtendedDueAt),
				int32(r.ExtensionCount), pgTime(r.Deadline)}, nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{pgStage}, pgStageColumns, src); err != nil {
			return c, fmt.Errorf("copy: %w", err)
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
		for k := range todo {
			i := k
			if todoIdx != nil {
				i = todoIdx[k]
			}
			if written[rows[i].Code] {
				idx = append(idx, i)
			}
		}
		if err := pgWriteFacts(ctx, tx, b, idx, updated, rules); err != nil {
			return c, fmt.Errorf("facts: %w", err)
		}
		if c.Updated > 0 {
			_, err := tx.Exec(ctx, "DELETE FROM dossier_supplements x USING "+pgStage+" s WHERE x.dossier_code = s.code")
			if err != nil {
				return c, err
			}
		}
	}
	c.Unchanged = len(rows) - c.Inserted - c.Updated
	if p.tx == nil {
		if err := tx.Commit(ctx); err != nil {
			return models.ImportCounts{}, err
		}
	}
	return c, nil
}

// pgWriteFacts writes the facts of the rows of b at indices idx in tx,
// replacing those of the dossiers updated (whose steps are read back).
func pgWriteFacts(ctx context.Context, tx pgx.Tx, b *DossierBatch, idx []int, updated []string, rules *models.Rules) error {
	steps := map[string][]models.Step{}
	if len(updated) > 0 {
		for _, t := range []string{"dossier_facts", "dossier_fact_waits", "step_facts"} {
			if _, err := tx.Exec(ctx, "DELETE FROM "+t+" WHERE code = ANY($1)", updated); err != nil {
				return err
			}
		}
		res, err := tx.Query(ctx, "SELECT dossier_code, seq, officer_code, started_at, due_at, finished_at FROM steps WHERE dossier_code = ANY($1) ORDER BY dossier_code, seq", updated)
		if err != nil {
			return err
		}
		for res.Next() {
			var st models.Step
			var start, due, fin *time.Time
			if err := res.Scan(&st.DossierCode, &st.Seq, &st.OfficerCode, &start, &due, &fin); err != nil {
				res.Close()
				return err
			}
			for _, x := range []struct {
				p   *time.Time
				dst *time.Time
			}{{start, &st.StartedAt}, {due, &st.DueAt}, {fin, &st.FinishedAt}} {
				if x.p != nil {
					*x.dst = x.p.UTC()
				}
			}
			steps[st.DossierCode] = append(steps[st.DossierCode], st)
		}
		res.Close()
		if err := res.Err(); err != nil {
			return err
		}
	}
	fs := b.facts.subset(rules, idx, b.stored, steps)
	if len(fs.rows) > 0 {
		src := pgx.CopyFromSlice(len(fs.rows), func(i int) ([]any, error) {
			r := &fs.rows[i]
			return []any{r.Code, r.UnitCode, r.HandlerCode, r.Unassigned, r.InScope, pgTime(r.ReceivedAt), r.Closed,
				pgTime(r.StopAt), r.Class, r.LateOnSystem, r.EndedOnTime, r.Closed766, r.ClosedExcess,
				pgInstant(r.Deadline), pgInstant(r.Deadline766), pgInstant(r.SecondRequestAt), r.Paused,
				pgInstant(r.PausedFrom), r.SecondExtension, int32(r.Waits), int32(r.Steps)}, nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"dossier_facts"}, factsColumns, src); err != nil {
			return err
		}
	}
	if len(fs.waits) > 0 {
		src := pgx.CopyFromSlice(len(fs.waits), func(i int) ([]any, error) {
			w := &fs.waits[i]
			return []any{w.Code, int32(w.Seq), pgInstant(w.StartAt), pgInstant(w.EndAt)}, nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"dossier_fact_waits"}, []string{"code", "seq", "start_at", "end_at"}, src); err != nil {
			return err
		}
	}
	if len(fs.steps) > 0 {
		src := pgx.CopyFromSlice(len(fs.steps), func(i int) ([]any, error) {
			st := &fs.steps[i]
			return []any{st.Code, int32(st.Seq), st.OfficerCode, pgInstant(st.StartAt), pgTime(st.EndAt), pgInstant(st.Deadline), st.Last}, nil
		})
		cols := []string{"code", "seq", "officer_code", "start_at", "end_at", "deadline", "last"}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"step_facts"}, cols, src); err != nil {
			return err
		}
	}
	return nil
}

// factsColumns are the dossier_facts columns in COPY order.
var factsColumns = []string{"code", "unit_code", "handler_code", "unassigned", "in_scope", "received_at", "closed",
	"stop_at", "class", "late_on_system", "ended_on_time", "closed_766", "closed_excess", "deadline", "deadline_766",
	"second_request_at", "paused", "paused_from", "second_extension", "waits", "steps"}

// pgInstant is an instant for COPY, the zero time as 0001-01-01.
func pgInstant(t instant) any { return time.Time(t).UTC().Truncate(time.Microsecond) }

func pgCollect(ctx context.Context, tx pgx.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// pgTime is an instant for COPY: nil when absent.
func pgTime(t tstamp) any {
	tt := time.Time(t)
	if tt.IsZero() {
		return nil
	}
	return tt.UTC().Truncate(time.Microsecond)
}
