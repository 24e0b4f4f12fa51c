package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/dondoc/dondoc/models"
)

// MonthFigures computes the figures of q.Period with SQL aggregates grouped
// by unit code and by officer — no dossier is loaded into memory — then
// folds the units merged into successors (UnitTree.Resolve on the last day
// of the period).
//
// It mirrors models.Rules.Tally and OfficerTally exactly: the stop time
// fallback (finished_at, returned_at, system_finished_at, received_at);
// indicator 766 judged at system_finished_at when later; supplement waits
// subtracted; more than one supplement request counted late (the exported
// count wins when larger than the recorded waits); paused at the end of
// the period when a recorded wait covers that moment, or the status is
// paused and its open wait began by then (or none is recorded); officers
// answer for steps where the dossier has any, else the handler. Instants
// are compared at the store's microsecond precision, the period's last
// moment being End minus one microsecond. On SQLite the local date uses the
// location's fixed offset at the start of the period (exact for zones
// without daylight saving, such as Asia/Ho_Chi_Minh); on Postgres it uses
// AT TIME ZONE with the location's name.
func (s *Store) MonthFigures(ctx context.Context, q models.FiguresQuery) (*models.Figures, error) {
	p := q.Period
	if p.Start.IsZero() || !p.End.After(p.Start) {
		return nil, fmt.Errorf("store: figures: empty period %v – %v", p.Start, p.End)
	}
	loc := q.Location
	if loc == nil {
		loc = p.Start.Location()
	}
	tree := q.Tree
	if tree == nil {
		units, err := s.Units(ctx)
		if err != nil {
			return nil, err
		}
		if tree, err = models.NewUnitTree(units); err != nil {
			return nil, fmt.Errorf("store: figures: %w", err)
		}
	}
	sqlText := figuresSQL(s.dialect, loc, p.Start)
	args := map[string]any{
		"s": SQLTime(p.Start), "e": SQLTime(p.End), "l": SQLTime(p.End.Add(-time.Microsecond)),
	}
	if s.dialect == DialectPostgres {
		args["tz"] = pgZone(loc, p.Start)
	}
	last := models.DateOf(p.Last(), p.Start.Location())
	f := &models.Figures{Own: map[string]models.Counts{}, Officers: map[string]models.OfficerCounts{}, UnassignedByUnit: map[string]int{}}
	query := func(tx *gorm.DB) error {
		rows, err := tx.Raw(sqlText, args).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		return scanFigures(f, rows, tree, last)
	}
	var err error
	if s.dialect == DialectPostgres {
		// The plan's cost is far above jit_above_cost, and compiling it
		// takes longer (~2 s) than running it: JIT off for this query.
		err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SET LOCAL jit = off").Error; err != nil {
				return err
			}
			return query(tx)
		}, &sql.TxOptions{ReadOnly: true})
	} else {
		// No transaction: SQLite's begin immediately would hold off writers.
		err = query(s.db.WithContext(ctx))
	}
	if err != nil {
		return nil, fmt.Errorf("store: figures %s: %w", p.Label(), err)
	}
	return f, nil
}

// scanFigures adds up the rows of figuresSQL into f.
func scanFigures(f *models.Figures, rows *sql.Rows, tree *models.UnitTree, last models.Date) error {
	for rows.Next() {
		var (
			kind, key string
			v         [14]int64
		)
		dest := []any{&kind, &key}
		for i := range v {
			dest = append(dest, &v[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		n := func(i int) int { return int(v[i]) }
		switch kind {
		case "u":
			code := tree.Resolve(key, last)
			c := f.Own[code]
			c.Add(models.Counts{
				InScope: n(0), Received: n(1), FinishedEarly: n(2), FinishedOnTime: n(3), FinishedLate: n(4),
				LateOnSystem: n(5), Ended: n(6), EndedOnTime: n(7), OpenInTime: n(8), OpenOverdue: n(9),
				Paused: n(10), OnTime766: n(11), SupplementExcess: n(12),
			})
			f.Own[code] = c
			if n(13) > 0 {
				f.UnassignedByUnit[code] += n(13)
				f.Unassigned += n(13)
			}
		case "o":
			c := f.Officers[key]
			c.Add(models.OfficerCounts{
				Handled: n(0), Finished: n(1), Late: n(2), LateOnSystem: n(3), OverdueOpen: n(4), FinishedOnTime: n(5),
			})
			f.Officers[key] = c
		}
	}
	return rows.Err()
}

// pgZone names loc for Postgres AT TIME ZONE: its IANA name, else a POSIX
// offset ("Local" and fixed zones have no name Postgres knows).
func pgZone(loc *time.Location, at time.Time) string {
	name := loc.String()
	if name != "Local" && name != "" {
		if _, err := time.LoadLocation(name); err == nil {
			return name
		}
	}
	_, off := at.In(loc).Zone()
	// POSIX offsets count west of UTC: UTC+07:00 is "<+0700>-07:00".
	sign, west := "+", "-"
	if off < 0 {
		sign, west, off = "-", "+", -off
	}
	hm := fmt.Sprintf("%02d%02d", off/3600, off%3600/60)
	return "<" + sign + hm + ">" + west + hm[:2] + ":" + hm[2:]
}

// figuresSQL returns the statement: one row per stored unit code (kind
// "u": the 13 Counts then the unassigned count) and one per officer (kind
// "o": the 6 OfficerCounts, zero-padded).
func figuresSQL(dialect string, loc *time.Location, at time.Time) string {
	var (
		ts      string              // a timestamp parameter
		us      func(string) string // an instant in integer microseconds
		localDt func(string) string // the local civil date of an instant
		isTrue  string              // the unassigned column as 0/1
	)
	if dialect == DialectPostgres {
		ts = "CAST(@%s AS timestamptz)"
		us = func(x string) string { return "CAST(EXTRACT(EPOCH FROM " + x + ") * 1000000 AS bigint)" }
		localDt = func(x string) string { return "CAST((" + x + ") AT TIME ZONE @tz AS date)" }
		isTrue = "CASE WHEN unassigned THEN 1 ELSE 0 END"
	} else {
		ts = "@%s"
		// Stored form: "2006-01-02 15:04:05[.ffffff]+00:00", always UTC.
		// SQLite's date functions round fractions to the millisecond
		// (23:59:59.999999 would become the next day): whole seconds go
		// through them, the fraction is added as an integer.
		us = func(x string) string {
			return "(CAST(strftime('%s', substr(" + x + ", 1, 19)) AS INTEGER) * 1000000 + CASE WHEN substr(" + x + ", 20, 1) = '.' THEN " +
				"CAST(substr(substr(" + x + ", 21, instr(" + x + ", '+') - 21) || '000000', 1, 6) AS INTEGER) ELSE 0 END)"
		}
		_, off := at.In(loc).Zone()
		localDt = func(x string) string { return fmt.Sprintf("date(substr(%s, 1, 19), '%+d seconds')", x, off) }
		isTrue = "CASE WHEN unassigned <> 0 THEN 1 ELSE 0 END"
	}
	S, E, L := fmt.Sprintf(ts, "s"), fmt.Sprintf(ts, "e"), fmt.Sprintf(ts, "l")
	b := func(cond string) string { return "CASE WHEN " + cond + " THEN 1 ELSE 0 END" }
	// judged is the moment Tally judges at: the stop (or later system
	// finish) of a dossier closed within the period, else the period's last
	// moment, End − 1µs at the store's precision (x ≤ End − 1µs ⇔ x < End).
	// jw is the same but End for an open dossier: the 766 test
	// "judged − waits ≤ due" with Go's End − 1ns equals "End − waits ≤ due"
	// on whole microseconds (a wait still running at the end counts up to
	// the judged moment on both sides; two such waits mean two requests,
	// late anyway).
	// wait(start, end): the part of [start, end) before jw, in µs.
	wait := func(start, end string) string {
		stop := "CASE WHEN " + end + " IS NOT NULL AND " + end + " < jw THEN " + end + " ELSE jw END"
		return "CASE WHEN " + start + " IS NOT NULL AND " + start + " < jw AND " + stop + " > " + start +
			" THEN " + us(stop) + " - " + us(start) + " ELSE 0 END"
	}
	// judgedOf(t, open): see judged above, from the columns of t (with
	// stop computed as in base), open for a dossier not closed in the period.
	judgedOf := func(t, open string) string {
		stop := "CASE WHEN " + t + ".status IN (" + sqlClosed + ") THEN COALESCE(" + t + ".finished_at, " + t + ".returned_at, " +
			t + ".system_finished_at, " + t + ".received_at) END"
		sfa := t + ".system_finished_at"
		if t == "base" {
			stop, sfa = "stop", "sfa"
		}
		return "CASE WHEN " + stop + " IS NOT NULL AND " + stop + " < {E} THEN CASE WHEN " + t + ".status IN (" + sqlFinished + ") AND " +
			sfa + " IS NOT NULL AND " + sfa + " > " + stop + " THEN " + sfa + " ELSE " + stop + " END ELSE " + open + " END"
	}
	r := strings.NewReplacer("{S}", S, "{E}", E, "{L}", L)
	exCols := "COUNT(*) AS n,\n" +
		"    SUM(" + b("x.requested_at IS NULL OR x.requested_at <= j.judged") + ") AS req_by,\n" +
		"    SUM(" + strings.ReplaceAll(wait("x.requested_at", "x.done_at"), "jw", "j.jw") + ") AS waited,\n" +
		"    MAX(" + b("x.requested_at IS NOT NULL AND x.requested_at < {E} AND x.done_at IS NOT NULL AND x.done_at >= {E}") + ") AS covers,\n" +
		"    MAX(" + b("x.requested_at IS NOT NULL AND x.requested_at < {E} AND x.done_at IS NULL") + ") AS open_begun,\n" +
		"    MAX(" + b("x.requested_at IS NOT NULL AND x.done_at IS NULL") + ") AS open_any\n"
	q := `WITH base AS (
  SELECT code, unit_code, handler_code, ` + isTrue + ` AS unassigned, status, received_at, due_at,
    system_finished_at AS sfa, supplement_count AS sc, supplement_requested_at AS r1, supplement_done_at AS d1,
    CASE WHEN status IN (` + sqlClosed + `) THEN COALESCE(finished_at, returned_at, system_finished_at, received_at) END AS stop
  FROM dossiers
  WHERE received_at < {E}
    AND (status IN (` + sqlOpen + `)
      OR (status IN (` + sqlClosed + `) AND COALESCE(finished_at, returned_at, system_finished_at, received_at) >= {S}))
), j AS (
  SELECT base.*,
    ` + b("stop IS NOT NULL AND stop < {E}") + ` AS done_in,
    ` + judgedOf("base", "{L}") + ` AS judged,
    ` + judgedOf("base", "{L}") + ` AS jw
  FROM base
), ex AS (
  -- The waits after the first (few dossiers), judged as in j.
  SELECT x.dossier_code AS code, {EXCOLS}  FROM dossier_supplements x JOIN (
    SELECT code, ` + judgedOf("dossiers", "{L}") + ` AS judged, ` + judgedOf("dossiers", "{L}") + ` AS jw
    FROM dossiers) j ON j.code = x.dossier_code
  GROUP BY x.dossier_code
), k AS (
  SELECT j.*,
    ` + b("r1 IS NOT NULL OR d1 IS NOT NULL") + ` + COALESCE(ex.n, 0) AS nint,
    ` + b("(r1 IS NOT NULL OR d1 IS NOT NULL) AND (r1 IS NULL OR r1 <= judged)") + ` + COALESCE(ex.req_by, 0) AS req_recorded,
    ` + wait("r1", "d1") + ` + COALESCE(ex.waited, 0) AS waited,
    ` + b(`(r1 IS NOT NULL AND r1 < {E} AND d1 IS NOT NULL AND d1 >= {E}) OR COALESCE(ex.covers, 0) = 1
      OR (status IN (`+sqlPaused+`) AND ((r1 IS NOT NULL AND r1 < {E} AND d1 IS NULL) OR COALESCE(ex.open_begun, 0) = 1
        OR NOT ((r1 IS NOT NULL AND d1 IS NULL) OR COALESCE(ex.open_any, 0) = 1)))`) + ` AS paused_end,
    ` + b("status IN ("+sqlFinished+") AND stop > due_at") + ` AS late_any,
    ` + b("status IN ("+sqlFinished+") AND "+localDt("stop")+" < "+localDt("due_at")) + ` AS early_day
  FROM {EXJOIN}
), g AS (
  SELECT code, unit_code, handler_code, unassigned, due_at, stop, received_at,
    ` + b("done_in = 1 AND status IN ("+sqlFinished+") AND late_any = 0 AND early_day = 1") + ` AS early,
    ` + b("done_in = 1 AND status IN ("+sqlFinished+") AND late_any = 0 AND early_day = 0") + ` AS ontime,
    ` + b("done_in = 1 AND status IN ("+sqlFinished+") AND late_any = 1") + ` AS late,
    ` + b("done_in = 1 AND status IN ("+sqlFinished+") AND late_any = 0 AND sfa IS NOT NULL AND sfa > due_at") + ` AS los,
    ` + b("done_in = 1 AND status IN ("+sqlEnded+")") + ` AS ended,
    ` + b("done_in = 1 AND status IN ("+sqlEnded+") AND stop <= due_at") + ` AS ended_ontime,
    ` + b("done_in = 0 AND paused_end = 0 AND NOT due_at < {L}") + ` AS open_intime,
    ` + b("done_in = 0 AND paused_end = 0 AND due_at < {L}") + ` AS open_overdue,
    ` + b("done_in = 0 AND paused_end = 1") + ` AS paused,
    paused_end,
    ` + b("received_at >= {S}") + ` AS received,
    CASE WHEN sc > nint THEN sc ELSE req_recorded END AS reqs,
    ` + b("(CASE WHEN sc > nint THEN sc ELSE req_recorded END) <= 1 AND "+
		"(CASE WHEN waited = 0 THEN "+b("jw <= due_at")+" ELSE "+b(us("jw")+" - waited <= "+us("due_at"))+" END) = 1") + ` AS ot766
  FROM k
), st AS (
  SELECT g.code, g.handler_code, g.early, g.ontime, g.late, g.los, g.open_overdue, g.paused_end,
    x.seq, x.officer_code, COALESCE(x.due_at, g.due_at) AS sdue, COALESCE(x.finished_at, g.stop) AS send,
    COALESCE(x.started_at, g.received_at) AS sstart
  FROM steps x JOIN g ON g.code = x.dossier_code
)
SELECT 'u' AS kind, unit_code AS k, COUNT(*), SUM(received), SUM(early), SUM(ontime), SUM(late), SUM(los),
  SUM(ended), SUM(ended_ontime), SUM(open_intime), SUM(open_overdue), SUM(paused), SUM(ot766),
  SUM(` + b("reqs > 1") + `), SUM(unassigned)
FROM g GROUP BY unit_code
UNION ALL
SELECT 'o', who, COUNT(*), SUM(f), SUM(lt), SUM(ls), SUM(od), SUM(ok), 0, 0, 0, 0, 0, 0, 0, 0
FROM (
  -- A dossier without steps: its handler answers for its class.
  SELECT handler_code AS who, early + ontime + late AS f, late AS lt, los AS ls, open_overdue AS od, early + ontime AS ok
  FROM g
  WHERE handler_code <> '' AND NOT EXISTS (SELECT 1 FROM st WHERE st.code = g.code)
  UNION ALL
  -- Else each step that overlaps the period, against its own deadline.
  SELECT officer_code,
    ` + b("send IS NOT NULL AND send < {E}") + `,
    ` + b("send IS NOT NULL AND send < {E} AND send > sdue") + `,
    -- Late on the system goes to the last step (rare: looked up only then).
    CASE WHEN los = 1 AND NOT EXISTS (SELECT 1 FROM steps y WHERE y.dossier_code = st.code AND y.seq > st.seq) THEN 1 ELSE 0 END,
    ` + b("NOT (send IS NOT NULL AND send < {E}) AND paused_end = 0 AND sdue < {L}") + `,
    ` + b("send IS NOT NULL AND send < {E} AND NOT send > sdue") + `
  FROM st
  WHERE officer_code <> '' AND sstart < {E} AND (send IS NULL OR send >= {S})
) o
GROUP BY who`
	q = strings.NewReplacer("{EXCOLS}", exCols, "{EXJOIN}", "j LEFT JOIN ex ON ex.code = j.code").Replace(q)
	return r.Replace(q)
}
