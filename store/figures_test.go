package store_test

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// figuresNow is the sample's "now": the district's history runs to it.
var figuresNow = time.Date(2026, time.November, 12, 10, 30, 0, 0, vnLoc())

func vnLoc() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// edgeDossiers are hand-made dossiers on the boundaries of October 2026
// (in a unit of the sample) that the sample may not produce.
func edgeDossiers(unit, officer, other string) ([]models.Dossier, []models.Step) {
	loc := vnLoc()
	at := func(m time.Month, d, h, mi int) time.Time { return time.Date(2026, m, d, h, mi, 0, 0, loc).UTC() }
	oct, nov := time.October, time.November
	startNov := at(nov, 1, 0, 0)
	us := time.Microsecond
	d := func(code string, st models.Status, recv, due time.Time) models.Dossier {
		return models.Dossier{Code: "EDGE-" + code, ProcedureCode: "X", UnitCode: unit, HandlerCode: officer,
			ReceivedAt: recv, DueAt: due, Status: st}
	}
	var ds []models.Dossier
	add := func(x models.Dossier, f func(*models.Dossier)) {
		if f != nil {
			f(&x)
		}
		ds = append(ds, x)
	}
	add(d("RETURNED-ONLY", 10, at(oct, 1, 8, 0), at(oct, 10, 17, 0)), func(x *models.Dossier) { x.ReturnedAt = at(oct, 9, 9, 0) })
	add(d("SYSTEM-ONLY", 9, at(oct, 1, 8, 0), at(oct, 10, 17, 0)), func(x *models.Dossier) { x.SystemFinishedAt = at(oct, 12, 9, 0) })
	add(d("NO-END", 9, at(oct, 2, 8, 0), at(oct, 10, 17, 0)), nil) // stops at received_at
	add(d("LATE-ON-SYSTEM", 9, at(oct, 1, 8, 0), at(oct, 10, 17, 0)), func(x *models.Dossier) {
		x.FinishedAt, x.SystemFinishedAt = at(oct, 10, 16, 0), at(oct, 13, 8, 0)
	})
	add(d("EARLY-MIDNIGHT", 9, at(oct, 1, 8, 0), at(oct, 10, 17, 0)), func(x *models.Dossier) { x.FinishedAt = at(oct, 9, 23, 59) })
	add(d("ONTIME-MIDNIGHT", 9, at(oct, 1, 8, 0), at(oct, 10, 17, 0)), func(x *models.Dossier) { x.FinishedAt = at(oct, 10, 0, 0) })
	add(d("LATE-1US", 9, at(oct, 1, 8, 0), at(oct, 10, 17, 0)), func(x *models.Dossier) { x.FinishedAt = at(oct, 10, 17, 0).Add(us) })
	add(d("AT-END", 9, at(oct, 1, 8, 0), at(oct, 20, 17, 0)), func(x *models.Dossier) { x.FinishedAt = startNov })
	add(d("BEFORE-END", 9, at(oct, 1, 8, 0), at(oct, 20, 17, 0)), func(x *models.Dossier) { x.FinishedAt = startNov.Add(-us) })
	add(d("RECEIVED-AT-END", 1, startNov, at(nov, 5, 17, 0)), nil)
	add(d("DUE-AT-END", 2, at(oct, 20, 8, 0), startNov), nil)
	add(d("DUE-BEFORE-END", 2, at(oct, 20, 8, 0), startNov.Add(-us)), nil)
	add(d("ENDED-LATE", 7, at(sep(), 20, 8, 0), at(oct, 5, 17, 0)), func(x *models.Dossier) { x.ReturnedAt = at(oct, 6, 8, 0) })
	add(d("ENDED-ONTIME", 3, at(oct, 2, 8, 0), at(oct, 5, 17, 0)), func(x *models.Dossier) { x.FinishedAt = at(oct, 5, 17, 0) })
	add(d("ENDED-BEFORE", 8, at(sep(), 2, 8, 0), at(sep(), 5, 17, 0)), func(x *models.Dossier) { x.FinishedAt = at(sep(), 30, 23, 0) })
	add(d("PAUSED-OPEN-WAIT", 5, at(oct, 1, 8, 0), at(oct, 15, 17, 0)), func(x *models.Dossier) {
		x.SupplementCount = 1
		x.Supplements = []models.Interval{{Start: at(oct, 14, 9, 0)}}
	})
	add(d("PAUSED-LATER-WAIT", 5, at(oct, 1, 8, 0), at(oct, 15, 17, 0)), func(x *models.Dossier) {
		x.SupplementCount = 1
		x.Supplements = []models.Interval{{Start: at(nov, 3, 9, 0)}}
	})
	add(d("PAUSED-NO-WAIT", 6, at(oct, 1, 8, 0), at(oct, 15, 17, 0)), nil)
	add(d("PAUSED-AFTER-DUE", 5, at(oct, 1, 8, 0), at(oct, 10, 17, 0)), func(x *models.Dossier) {
		x.SupplementCount = 1
		x.Supplements = []models.Interval{{Start: at(oct, 12, 9, 0)}}
	})
	add(d("WAIT-COVERS-END", 9, at(oct, 1, 8, 0), at(oct, 20, 17, 0)), func(x *models.Dossier) {
		x.FinishedAt = at(nov, 10, 9, 0)
		x.SupplementCount = 1
		x.Supplements = []models.Interval{{Start: at(oct, 30, 9, 0), End: at(nov, 2, 9, 0).Add(123 * us)}}
	})
	add(d("THREE-WAITS", 9, at(oct, 1, 8, 0), at(oct, 10, 17, 0)), func(x *models.Dossier) {
		x.FinishedAt = at(oct, 20, 9, 0)
		x.SupplementCount = 3
		x.Supplements = []models.Interval{
			{Start: at(oct, 2, 9, 0), End: at(oct, 4, 9, 0)},
			{Start: at(oct, 6, 9, 0), End: at(oct, 8, 9, 0).Add(7 * us)},
			{Start: at(nov, 6, 9, 0), End: at(nov, 8, 9, 0)},
		}
	})
	add(d("ONE-WAIT-SAVES", 9, at(oct, 1, 8, 0), at(oct, 10, 17, 0)), func(x *models.Dossier) {
		x.FinishedAt = at(oct, 14, 17, 0)
		x.SupplementCount = 1
		x.Supplements = []models.Interval{{Start: at(oct, 3, 17, 0), End: at(oct, 7, 17, 0)}}
	})
	add(d("COUNT-EXCEEDS", 2, at(oct, 1, 8, 0), at(dec(), 10, 17, 0)), func(x *models.Dossier) {
		x.SupplementCount = 3
		x.Supplements = []models.Interval{{Start: at(oct, 3, 17, 0), End: at(oct, 7, 17, 0)}}
	})
	add(d("NO-HANDLER", 2, at(oct, 1, 8, 0), at(oct, 10, 17, 0)), func(x *models.Dossier) { x.HandlerCode = "" })
	add(d("UNKNOWN-HANDLER", 2, at(oct, 1, 8, 0), at(oct, 10, 17, 0)), func(x *models.Dossier) { x.HandlerCode = "NOBODY" })
	add(d("UNKNOWN-UNIT", 2, at(oct, 1, 8, 0), at(oct, 10, 17, 0)), func(x *models.Dossier) { x.UnitCode = "GONE" })
	add(d("STEPS", 9, at(oct, 1, 8, 0), at(oct, 20, 17, 0)), func(x *models.Dossier) {
		x.FinishedAt, x.SystemFinishedAt = at(oct, 20, 16, 0), at(oct, 22, 8, 0)
	})
	add(d("STEPS-OPEN", 4, at(oct, 1, 8, 0), at(oct, 20, 17, 0)), nil)
	add(d("STEPS-PAUSED", 5, at(oct, 1, 8, 0), at(oct, 20, 17, 0)), nil)
	add(d("STEPS-BLANK-LAST", 10, at(oct, 1, 8, 0), at(oct, 20, 17, 0)), func(x *models.Dossier) {
		x.FinishedAt, x.SystemFinishedAt = at(oct, 20, 16, 0), at(oct, 22, 8, 0)
	})
	steps := []models.Step{
		{DossierCode: "EDGE-STEPS", Seq: 1, OfficerCode: officer, DueAt: at(oct, 3, 17, 0), FinishedAt: at(oct, 4, 9, 0)},
		{DossierCode: "EDGE-STEPS", Seq: 2, OfficerCode: other, StartedAt: at(oct, 4, 9, 0), DueAt: at(oct, 15, 17, 0)},
		{DossierCode: "EDGE-STEPS", Seq: 3, OfficerCode: officer, StartedAt: at(oct, 15, 9, 0), DueAt: at(oct, 20, 17, 0), FinishedAt: at(oct, 20, 16, 0)},
		{DossierCode: "EDGE-STEPS-OPEN", Seq: 1, OfficerCode: officer, DueAt: at(oct, 3, 17, 0), FinishedAt: at(sep(), 30, 9, 0)},
		{DossierCode: "EDGE-STEPS-OPEN", Seq: 2, OfficerCode: other, StartedAt: at(oct, 4, 9, 0), DueAt: at(oct, 15, 17, 0)},
		{DossierCode: "EDGE-STEPS-OPEN", Seq: 3, OfficerCode: officer, StartedAt: startNov, DueAt: at(nov, 20, 17, 0)},
		{DossierCode: "EDGE-STEPS-PAUSED", Seq: 1, OfficerCode: other, StartedAt: at(oct, 4, 9, 0), DueAt: at(oct, 15, 17, 0)},
		{DossierCode: "EDGE-STEPS-BLANK-LAST", Seq: 1, OfficerCode: other, DueAt: at(oct, 15, 17, 0)},
		{DossierCode: "EDGE-STEPS-BLANK-LAST", Seq: 2, OfficerCode: "", DueAt: at(oct, 20, 17, 0)},
	}
	return ds, steps
}

func us(t time.Time) time.Time { return t.Truncate(time.Microsecond) }

func truncateDossier(d *models.Dossier) {
	d.ReceivedAt, d.DueAt, d.FinishedAt = us(d.ReceivedAt), us(d.DueAt), us(d.FinishedAt)
	d.SystemFinishedAt, d.ReturnedAt = us(d.SystemFinishedAt), us(d.ReturnedAt)
	sups := make([]models.Interval, len(d.Supplements))
	for i, iv := range d.Supplements {
		sups[i] = models.Interval{Start: us(iv.Start), End: us(iv.End)}
	}
	d.Supplements = sups
}

func sep() time.Month { return time.September }
func dec() time.Month { return time.December }

// newFigures returns empty figures to add counts to.
func newFigures() *models.Figures {
	return &models.Figures{Own: map[string]models.Counts{}, Officers: map[string]models.OfficerCounts{}, UnassignedByUnit: map[string]int{}}
}

// addOwn adds c to the own counts of unit code.
func addOwn(f *models.Figures, code string, c models.Counts) {
	x := f.Own[code]
	x.Add(c)
	f.Own[code] = x
}

// officerAdder is an OfficerTally callback adding each officer's counts
// to f.
func officerAdder(f *models.Figures) func(o string, oc models.OfficerCounts) {
	return func(o string, oc models.OfficerCounts) {
		x := f.Officers[o]
		x.Add(oc)
		f.Officers[o] = x
	}
}

// reference computes the figures with the Go rules over dossiers in memory.
func reference(rules *models.Rules, tree *models.UnitTree, ds []models.Dossier, steps map[string][]models.Step,
	officers, units map[string]bool, p models.Period) *models.Figures {
	f := newFigures()
	last := models.DateOf(p.Last(), p.Start.Location())
	for i := range ds {
		d := &ds[i]
		c, ok := rules.Tally(d, p)
		if !ok {
			continue
		}
		code := tree.Resolve(d.UnitCode, last)
		addOwn(f, code, c)
		if d.HandlerCode == "" || d.UnitCode == "" || !officers[d.HandlerCode] || !units[d.UnitCode] {
			f.UnassignedByUnit[code]++
			f.Unassigned++
		}
		rules.OfficerTally(d, steps[d.Code], p, officerAdder(f))
	}
	return f
}

func TestMonthFiguresMatchRules(t *testing.T) {
	ctx := context.Background()
	loc := vnLoc()
	cal := models.NewCalendar(models.CalendarConfig{Location: loc})
	data := storetest.District(t, figuresNow)
	// A unit of 2026 (the sample's first dossiers are of units ended in 2025).
	unit, officer, other := data.Dossiers[len(data.Dossiers)-1].UnitCode, "", ""
	for _, o := range data.Officers {
		if o.UnitCode == unit && officer == "" {
			officer = o.Code
		} else if o.UnitCode == unit && other == "" {
			other = o.Code
		}
	}
	eds, esteps := edgeDossiers(unit, officer, other)
	// Dossiers of a commune merged on 1 July 2025 add up under its successor.
	merged := 0
	for _, u := range data.Units {
		if u.SuccessorCode != "" {
			for i, x := range eds[:3] {
				x.Code, x.UnitCode = fmt.Sprintf("OLD-%s-%d", u.Code, i), u.Code
				eds = append(eds, x)
				merged++
			}
		}
	}
	if merged == 0 {
		t.Fatal("the sample has no merged unit")
	}
	dossiers := append(slices.Clip(data.Dossiers), eds...)
	allSteps := append(slices.Clip(data.Steps), esteps...)
	// The store keeps microseconds: the reference judges the dossiers as
	// stored (a no-op since instants are kept to the microsecond).
	for i := range dossiers {
		truncateDossier(&dossiers[i])
	}
	for i := range allSteps {
		st := &allSteps[i]
		st.StartedAt, st.DueAt, st.FinishedAt = us(st.StartedAt), us(st.DueAt), us(st.FinishedAt)
	}
	byDossier := map[string][]models.Step{}
	for _, s := range allSteps {
		byDossier[s.DossierCode] = append(byDossier[s.DossierCode], s)
	}
	officers, units := map[string]bool{}, map[string]bool{}
	for _, o := range data.Officers {
		officers[o.Code] = true
	}
	for _, u := range data.Units {
		units[u.Code] = true
	}
	tree, err := models.NewUnitTree(data.Units)
	if err != nil {
		t.Fatal(err)
	}
	rules := &models.Rules{Cal: cal, DueSoonDays: 2}

	months := []models.Period{}
	for k := -4; k <= 0; k++ {
		m := figuresNow.AddDate(0, k, -figuresNow.Day()+1)
		months = append(months, models.MonthPeriod(m.Year(), m.Month(), loc))
	}

	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		if err := s.UpsertUnits(ctx, data.Units); err != nil {
			t.Fatal(err)
		}
		if err := s.UpsertOfficers(ctx, data.Officers); err != nil {
			t.Fatal(err)
		}
		if err := s.UpsertProcedures(ctx, data.Procedures); err != nil {
			t.Fatal(err)
		}
		if err := storetest.SeedDossiers(ctx, s, dossiers); err != nil {
			t.Fatal(err)
		}
		if err := storetest.SeedSteps(ctx, s, allSteps); err != nil {
			t.Fatal(err)
		}
		for _, p := range months {
			t.Run(p.Label(), func(t *testing.T) {
				want := reference(rules, tree, dossiers, byDossier, officers, units, p)
				got, err := s.MonthFigures(ctx, models.FiguresQuery{Period: p, Location: loc})
				if err != nil {
					t.Fatal(err)
				}
				compareFigures(t, got, want)
				if want.Own[unit].InScope == 0 || len(want.Officers) == 0 {
					t.Errorf("reference is empty for %s: the test proves nothing", p.Label())
				}
			})
		}
	})
}

// TestMonthFiguresEdgeCases checks a few hand-computed figures of the
// edge-case dossiers alone (the reference and SQL could share a mistake).
func TestMonthFiguresEdgeCases(t *testing.T) {
	ctx := context.Background()
	loc := vnLoc()
	unitsList := []models.Unit{{Code: "U", Name: "UBND xã A"}}
	ofs := []models.Officer{{Code: "O1", Name: "Cán bộ 1", UnitCode: "U", Role: models.RoleOfficer, Active: true},
		{Code: "O2", Name: "Cán bộ 2", UnitCode: "U", Role: models.RoleOfficer, Active: true}}
	ds, steps := edgeDossiers("U", "O1", "O2")
	p := models.MonthPeriod(2026, time.October, loc)
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		seedStored(ctx, t, s, unitsList, ofs, ds, steps)
		got, err := s.MonthFigures(ctx, models.FiguresQuery{Period: p, Location: loc})
		if err != nil {
			t.Fatal(err)
		}
		// A fixed zone (no name Postgres knows) gives the same figures.
		fixed, err := s.MonthFigures(ctx, models.FiguresQuery{Period: p, Location: time.FixedZone("ICT", 7*3600)})
		if err != nil {
			t.Fatal(err)
		}
		compareFigures(t, fixed, got)
		c := got.Own["U"]
		// Hand count, October 2026 (see edgeDossiers).
		checks := []struct {
			name      string
			got, want int
		}{
			// Early: RETURNED-ONLY, NO-END (stops when received), EARLY-MIDNIGHT
			// (23:59 local the day before); on time: LATE-ON-SYSTEM,
			// ONTIME-MIDNIGHT (00:00 local on the due day), STEPS,
			// STEPS-BLANK-LAST, ONE-WAIT-SAVES (its 4-day wait moves the
			// effective deadline to 14/10 17:00, when it finished); late:
			// SYSTEM-ONLY, LATE-1US, BEFORE-END, THREE-WAITS.
			{"early", c.FinishedEarly, 3},
			{"on time", c.FinishedOnTime, 5},
			{"late", c.FinishedLate, 4},
			{"late on system", c.LateOnSystem, 3}, // LATE-ON-SYSTEM, STEPS, STEPS-BLANK-LAST
			{"ended", c.Ended, 2},
			{"ended on time", c.EndedOnTime, 1},
			// PAUSED-OPEN-WAIT, PAUSED-NO-WAIT, PAUSED-AFTER-DUE, WAIT-COVERS-END,
			// STEPS-PAUSED; not PAUSED-LATER-WAIT (its wait begins in November).
			{"paused", c.Paused, 5},
			{"supplement excess", c.SupplementExcess, 2},
			{"unknown unit kept apart", got.Own["GONE"].InScope, 1},
			{"unassigned", got.Unassigned, 3}, // NO-HANDLER, UNKNOWN-HANDLER, UNKNOWN-UNIT
			// O2 held step 2 of EDGE-STEPS past its deadline (closed when the
			// dossier finished), steps of STEPS-OPEN (overdue) and
			// STEPS-PAUSED (paused: not overdue), and step 1 of
			// STEPS-BLANK-LAST; the blank last step takes its late-on-system.
			{"O2 handled", got.Officers["O2"].Handled, 4},
			{"O2 late", got.Officers["O2"].Late, 2}, // EDGE-STEPS 2, STEPS-BLANK-LAST 1
			{"O2 overdue", got.Officers["O2"].OverdueOpen, 1},
			{"O2 late on system", got.Officers["O2"].LateOnSystem, 0},
		}
		for _, k := range checks {
			if k.got != k.want {
				t.Errorf("%s: got %d, want %d", k.name, k.got, k.want)
			}
		}
	})
}

// TestUnassignedCodesInFigures (issue #11 item 5): asked for them, the
// month's figures list the codes of the in-scope dossiers marked
// unassigned, by unit (an ended unit's under its successor), in code order
// and bounded; a dossier out of the period's scope is not listed; not
// asked, none are read. SQLite and Postgres.
func TestUnassignedCodesInFigures(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		must(t, s.UpsertUnits(ctx, []models.Unit{{Code: "U1", Name: "Đơn vị 1"},
			{Code: "OLD", Name: "Đơn vị cũ", ValidTo: models.NewDate(2026, 3, 31), SuccessorCode: "U1"}}))
		must(t, s.UpsertOfficers(ctx, []models.Officer{{Code: "cb01", Name: "A", UnitCode: "U1", Role: models.RoleOfficer}}))
		mk := func(code, unit, handler string, rec time.Time) models.Dossier {
			return models.Dossier{Code: code, HandlerCode: handler, UnitCode: unit, ReceivedAt: rec,
				DueAt: rec.Add(72 * time.Hour), Status: models.StatusProcessing}
		}
		must(t, storetest.SeedDossiers(ctx, s, []models.Dossier{
			mk("A", "U1", "cb01", at(2026, 4, 1, 8, 0)),   // assigned
			mk("C", "U1", "cb99", at(2026, 4, 2, 8, 0)),   // unknown handler
			mk("B", "U1", "", at(2026, 4, 3, 8, 0)),       // no handler
			mk("D", "OLD", "", at(2026, 3, 20, 8, 0)),     // carried over from an ended unit
			mk("E", "U1", "", at(2026, 5, 4, 8, 0)),       // received after April
			mk("F", "NOPE", "cb01", at(2026, 4, 6, 8, 0)), // unknown unit
		}))
		april := models.MonthPeriod(2026, time.April, vnLoc())
		figs := func(n int) *models.Figures {
			f, err := s.MonthFigures(ctx, models.FiguresQuery{Period: april, UnassignedCodes: n})
			must(t, err)
			return f
		}
		f := figs(10)
		want := map[string][]string{"U1": {"B", "C", "D"}, "NOPE": {"F"}}
		if !reflect.DeepEqual(f.UnassignedCodes, want) || f.Unassigned != 4 {
			t.Errorf("codes %v (%d unassigned), want %v (4)", f.UnassignedCodes, f.Unassigned, want)
		}
		if f := figs(2); !reflect.DeepEqual(f.UnassignedCodes, map[string][]string{"U1": {"B", "C"}}) || f.Unassigned != 4 {
			t.Errorf("at most 2: codes %v (%d unassigned)", f.UnassignedCodes, f.Unassigned)
		}
		if f := figs(0); f.UnassignedCodes != nil {
			t.Errorf("not asked: codes %v", f.UnassignedCodes)
		}
	})
}

func compareFigures(t *testing.T, got, want *models.Figures) {
	t.Helper()
	for _, k := range union(got.Own, want.Own) {
		if got.Own[k] != want.Own[k] {
			t.Errorf("unit %s:\n got %+v\nwant %+v", k, got.Own[k], want.Own[k])
		}
	}
	for _, k := range union(got.Officers, want.Officers) {
		if got.Officers[k] != want.Officers[k] {
			t.Errorf("officer %s:\n got %+v\nwant %+v", k, got.Officers[k], want.Officers[k])
		}
	}
	if got.Unassigned != want.Unassigned || fmt.Sprint(got.UnassignedByUnit) != fmt.Sprint(want.UnassignedByUnit) {
		t.Errorf("unassigned: got %d %v, want %d %v", got.Unassigned, got.UnassignedByUnit, want.Unassigned, want.UnassignedByUnit)
	}
}

func union[V any](a, b map[string]V) []string {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
