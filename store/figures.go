package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/dondoc/dondoc/models"
)

// MonthFigures computes the figures of q.Period judged at q.At (zero: the
// period's last moment) as one GROUP BY over the dossiers' facts
// (dossier_facts, dossier_fact_waits, step_facts: what models.Rules.FactsOf
// computed when each dossier was written, see facts.go) by unit code and by
// officer — no dossier is loaded into memory — then folds the units merged
// into successors (UnitTree.Resolve on the last day of the period).
//
// The predicates are those of the models.Facts doc comment, so the figures
// equal models.Facts.Tally and OfficerTallyFacts, hence Rules.TallyAt and
// OfficerTallyAt, under the store's rules (WithRules: SUPPLEMENT_CLOCK and
// the local time of early vs on time, which the facts were computed with;
// q.Location is not read). Instants are compared at the store's
// microsecond precision.
func (s *Store) MonthFigures(ctx context.Context, q models.FiguresQuery) (*models.Figures, error) {
	p := q.Period
	if p.Start.IsZero() || !p.End.After(p.Start) {
		return nil, fmt.Errorf("store: figures: empty period %v – %v", p.Start, p.End)
	}
	tree := q.Tree
	if tree == nil {
		var err error
		if tree, err = s.UnitTree(ctx); err != nil {
			return nil, fmt.Errorf("store: figures: %w", err)
		}
	}
	at := q.At
	if at.IsZero() || at.After(p.Last()) {
		at = p.Last()
	}
	end := p.End
	if e := at.Add(models.Resolution); e.Before(end) {
		end = e
	}
	sqlText := figuresSQL(s.dialect)
	args := map[string]any{"s": SQLTime(p.Start), "e": SQLTime(end), "j": SQLTime(end.Add(-models.Resolution))}
	last := models.DateOf(p.Last(), p.Start.Location())
	key := figuresKey(p.Start, end)
	f := &models.Figures{Own: map[string]models.Counts{}, Officers: map[string]models.OfficerCounts{}, UnassignedByUnit: map[string]int{}}
	var (
		rows []figuresRow
		keep = int64(-1) // the generation to keep rows at; -1: do not keep
	)
	query := func(tx *gorm.DB) error {
		gen, err := s.factsGeneration(tx)
		if err != nil {
			return err
		}
		if q.UnassignedCodes > 0 { // a list, not kept: read each time
			if err := unassignedCodes(tx, f, s.dialect, args, q.UnassignedCodes, tree, last); err != nil {
				return err
			}
		}
		if cached, ok := s.cachedFigures(tx, key, gen); ok {
			rows = cached
			return nil
		}
		if rows, err = queryFigures(tx, sqlText, args); err != nil {
			return err
		}
		// Kept only for a period judged at its end (a running month is
		// judged at a new instant each time: kept, it would only pile up),
		// and only when no writer committed facts while the query ran:
		// then its snapshot is the state at gen.
		if !end.Equal(p.End) {
			return nil
		}
		if after, err := s.factsGeneration(tx); err == nil && after == gen {
			keep = gen
		}
		return nil
	}
	if err := s.figuresTx(ctx, query); err != nil {
		return nil, fmt.Errorf("store: figures %s: %w", p.Label(), err)
	}
	if keep >= 0 {
		s.keepFigures(s.db.WithContext(ctx), key, keep, rows)
	}
	addFigures(f, rows, tree, last)
	return f, nil
}

// figuresTx runs fn as the figures' query runs: on Postgres in a read-only
// transaction with JIT off (compiling took longer than running the plan)
// and 64 MB of work_mem (the sorts and hashes of a province spilled to disk
// under the default 4 MB); on SQLite without a transaction (its begin
// immediately would hold off writers).
func (s *Store) figuresTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	db := s.db.WithContext(ctx)
	if s.dialect != DialectPostgres {
		return fn(db)
	}
	return db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL jit = off").Error; err != nil {
			return err
		}
		if err := tx.Exec("SET LOCAL work_mem = '64MB'").Error; err != nil {
			return err
		}
		return fn(tx)
	}, &sql.TxOptions{ReadOnly: true})
}

// unassignedCodes fills f.UnassignedCodes with the codes of at most limit
// in-scope dossiers marked unassigned (the scope of figuresSQL's f).
func unassignedCodes(tx *gorm.DB, f *models.Figures, dialect string, args map[string]any, limit int,
	tree *models.UnitTree, last models.Date) error {
	ts, flag := "@%s", "unassigned <> 0"
	if dialect == DialectPostgres {
		ts, flag = "CAST(@%s AS timestamptz)", "unassigned"
	}
	q := strings.NewReplacer("{S}", fmt.Sprintf(ts, "s"), "{E}", fmt.Sprintf(ts, "e"), "{U}", flag).Replace(
		`SELECT unit_code, code FROM dossier_facts
WHERE in_scope AND {U} AND received_at < {E} AND (NOT closed OR stop_at >= {S})
ORDER BY code LIMIT ` + strconv.Itoa(limit))
	rows, err := tx.Raw(q, args).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	f.UnassignedCodes = map[string][]string{}
	for rows.Next() {
		var unit, code string
		if err := rows.Scan(&unit, &code); err != nil {
			return err
		}
		u := tree.Resolve(unit, last)
		f.UnassignedCodes[u] = append(f.UnassignedCodes[u], code)
	}
	return rows.Err()
}

// queryFigures runs figuresSQL and returns its rows.
func queryFigures(tx *gorm.DB, sqlText string, args map[string]any) ([]figuresRow, error) {
	rs, err := tx.Raw(sqlText, args).Rows()
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []figuresRow
	for rs.Next() {
		var r figuresRow
		dest := []any{&r.Kind, &r.Key}
		for i := range r.V {
			dest = append(dest, &r.V[i])
		}
		if err := rs.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// addFigures adds up the rows of figuresSQL into f, folding each stored
// unit code into the unit that carries it on the period's last day.
func addFigures(f *models.Figures, rows []figuresRow, tree *models.UnitTree, last models.Date) {
	for _, r := range rows {
		v := r.V
		n := func(i int) int { return int(v[i]) }
		switch r.Kind {
		case "u":
			code := tree.Resolve(r.Key, last)
			c := f.Own[code]
			c.Add(models.Counts{
				InScope: n(0), Received: n(1), FinishedEarly: n(2), FinishedOnTime: n(3), FinishedLate: n(4),
				FinishedLateApology: n(5), LateOnSystem: n(6), Ended: n(7), EndedOnTime: n(8), OpenInTime: n(9),
				OpenOverdue: n(10), Paused: n(11), OnTime766: n(12), SupplementExcess: n(13), SecondExtension: n(14),
			})
			f.Own[code] = c
			if n(15) > 0 {
				f.UnassignedByUnit[code] += n(15)
				f.Unassigned += n(15)
			}
		case "o":
			c := f.Officers[r.Key]
			c.Add(models.OfficerCounts{
				Handled: n(0), Finished: n(1), Late: n(2), LateApology: n(3), LateOnSystem: n(4), OverdueOpen: n(5),
				FinishedOnTime: n(6),
			})
			f.Officers[r.Key] = c
		}
	}
}

// figuresSQL returns the statement: one row per stored unit code (kind
// "u": the 15 Counts then the unassigned count) and one per officer (kind
// "o": the 7 OfficerCounts, zero-padded). Parameters: @s the period's
// start, @e its end cut at the judged instant (exclusive), @j the judged
// moment (@e − 1µs). See the models.Facts doc comment for each predicate.
func figuresSQL(dialect string) string {
	ts, flag := "@%s", func(c string) string { return c + " <> 0" }
	if dialect == DialectPostgres {
		ts, flag = "CAST(@%s AS timestamptz)", func(c string) string { return c }
	}
	b := func(cond string) string { return "CASE WHEN " + cond + " THEN 1 ELSE 0 END" }
	q := `WITH f AS (
  SELECT code, unit_code, handler_code, {UNASSIGNED} AS unassigned, steps, received_at, class, late_on_system,
    ended_on_time, closed_766, closed_excess, deadline, deadline_766, second_request_at, second_extension,
    ` + b("closed AND stop_at < {E}") + ` AS shut,
    ` + b("(paused AND paused_from <= {J}) OR (waits > 0 AND EXISTS (SELECT 1 FROM dossier_fact_waits w "+
		"WHERE w.code = dossier_facts.code AND w.start_at <= {J} AND {J} < w.end_at))") + ` AS pz
  FROM dossier_facts
  WHERE in_scope AND received_at < {E} AND (NOT closed OR stop_at >= {S})
), g AS (
  SELECT code, unit_code, handler_code, unassigned, steps, shut, pz,
    ` + b("received_at >= {S}") + ` AS received,
    ` + b("shut = 1 AND class = 'early'") + ` AS early,
    ` + b("shut = 1 AND class = 'on_time'") + ` AS ontime,
    ` + b("shut = 1 AND class = 'late'") + ` AS late,
    ` + b("shut = 1 AND class = 'late_apology'") + ` AS lateap,
    ` + b("shut = 1 AND late_on_system") + ` AS los,
    ` + b("shut = 1 AND class = 'ended'") + ` AS ended,
    ` + b("shut = 1 AND class = 'ended' AND ended_on_time") + ` AS ended_ok,
    ` + b("shut = 0 AND pz = 0 AND NOT {J} > deadline") + ` AS intime,
    ` + b("shut = 0 AND pz = 0 AND {J} > deadline") + ` AS overdue,
    ` + b("shut = 0 AND pz = 1") + ` AS paused,
    CASE WHEN shut = 1 THEN ` + b("closed_766") + ` ELSE ` + b("{J} <= deadline_766 AND {J} < second_request_at") + ` END AS ot766,
    CASE WHEN shut = 1 THEN ` + b("closed_excess") + ` ELSE ` + b("{J} >= second_request_at") + ` END AS excess,
    ` + b("second_extension") + ` AS secext
  FROM f
)
SELECT 'u' AS kind, unit_code AS k, COUNT(*), SUM(received), SUM(early), SUM(ontime), SUM(late), SUM(lateap), SUM(los),
  SUM(ended), SUM(ended_ok), SUM(intime), SUM(overdue), SUM(paused), SUM(ot766), SUM(excess), SUM(secext), SUM(unassigned)
FROM g GROUP BY unit_code
UNION ALL
SELECT 'o', who, COUNT(*), SUM(fin), SUM(lt), SUM(la), SUM(ls), SUM(od), SUM(ok), 0, 0, 0, 0, 0, 0, 0, 0, 0
FROM (
  -- A dossier without steps: its handler answers for its class.
  SELECT handler_code AS who, early + ontime + late + lateap AS fin, late AS lt, lateap AS la, los AS ls,
    overdue AS od, early + ontime AS ok
  FROM g
  WHERE steps = 0 AND handler_code <> ''
  UNION ALL
  -- Else each step that overlaps the period, against its own deadline;
  -- late on the system goes to the last step.
  SELECT x.officer_code,
    ` + b("x.end_at IS NOT NULL AND x.end_at < {E}") + `,
    ` + b("x.end_at IS NOT NULL AND x.end_at < {E} AND x.end_at > x.deadline") + `,
    0,
    ` + b("{LAST} AND g.los = 1") + `,
    ` + b("NOT (x.end_at IS NOT NULL AND x.end_at < {E}) AND g.pz = 0 AND {J} > x.deadline") + `,
    ` + b("x.end_at IS NOT NULL AND x.end_at < {E} AND NOT x.end_at > x.deadline") + `
  FROM step_facts x JOIN g ON g.code = x.code
  WHERE g.steps > 0 AND x.officer_code <> '' AND x.start_at < {E} AND (x.end_at IS NULL OR x.end_at >= {S})
) o
GROUP BY who`
	return strings.NewReplacer("{S}", fmt.Sprintf(ts, "s"), "{E}", fmt.Sprintf(ts, "e"), "{J}", fmt.Sprintf(ts, "j"),
		"{UNASSIGNED}", b(flag("unassigned")), "{LAST}", flag("x.last")).Replace(q)
}
