package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// seedStored stores units, officers, dossiers and steps, in that order.
func seedStored(ctx context.Context, t *testing.T, s *store.Store, units []models.Unit, officers []models.Officer, ds []models.Dossier, steps []models.Step) {
	t.Helper()
	if err := s.UpsertUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	if err := s.UpsertOfficers(ctx, officers); err != nil {
		t.Fatal(err)
	}
	if err := storetest.SeedDossiers(ctx, s, ds); err != nil {
		t.Fatal(err)
	}
	if err := storetest.SeedSteps(ctx, s, steps); err != nil {
		t.Fatal(err)
	}
}

// stepsByDossier groups steps by their dossier's code, in their order.
func stepsByDossier(steps []models.Step) map[string][]models.Step {
	by := map[string][]models.Step{}
	for _, st := range steps {
		by[st.DossierCode] = append(by[st.DossierCode], st)
	}
	return by
}

// genStored makes n random dossiers (with steps) around February–May 2026
// that the store can hold (a received and a due date; steps with a due
// date): every field the rules read, instants often on exact boundaries,
// several supplement waits, apology extensions, status 1.
func genStored(rng *rand.Rand, n int, units, officers []string) ([]models.Dossier, []models.Step) {
	loc := vnLoc()
	base := time.Date(2026, time.February, 1, 0, 0, 0, 0, loc)
	inst := func() time.Time {
		day := rng.IntN(110)
		switch rng.IntN(4) {
		case 0:
			return base.AddDate(0, 0, day).UTC()
		case 1:
			return models.NewDate(2026, time.February, 1+day).End(loc).UTC()
		default:
			return base.AddDate(0, 0, day).Add(time.Duration(rng.IntN(24*60)) * time.Minute).UTC()
		}
	}
	after := func(t time.Time, maxDays int) time.Time {
		if rng.IntN(6) == 0 {
			return t
		}
		return t.Add(time.Duration(rng.IntN(maxDays*24*60)+1) * time.Minute)
	}
	var ds []models.Dossier
	var steps []models.Step
	for i := 0; i < n; i++ {
		d := models.Dossier{Code: fmt.Sprintf("G%05d", i), ProcedureCode: "P", UnitCode: units[rng.IntN(len(units))],
			HandlerCode: officers[rng.IntN(len(officers))], Status: models.Status(1 + rng.IntN(10))}
		d.ReceivedAt = inst()
		d.DueAt = after(d.ReceivedAt, 25)
		if rng.IntN(4) == 0 { // an apology letter
			d.OriginalDueAt = d.DueAt
			d.DueAt = after(d.DueAt, 10)
			if rng.IntN(3) == 0 {
				d.ExtendedDueAt = d.DueAt
				d.DueAt = after(d.DueAt, 5)
			}
			if rng.IntN(10) == 0 {
				d.ExtensionCount = rng.IntN(3)
			}
		}
		switch rng.IntN(4) {
		case 0:
			d.FinishedAt = after(d.ReceivedAt, 40)
		case 1:
			d.ReturnedAt = after(d.ReceivedAt, 40)
		}
		if rng.IntN(3) == 0 {
			d.SystemFinishedAt = after(d.ReceivedAt, 45)
		}
		k := 0
		if rng.IntN(2) == 0 {
			k = rng.IntN(4)
		}
		t := d.ReceivedAt
		for j := 0; j < k; j++ {
			var iv models.Interval
			if rng.IntN(15) != 0 {
				iv.Start = after(t, 12)
				if rng.IntN(5) == 0 && j > 0 {
					iv.Start = after(d.ReceivedAt, 20) // may overlap an earlier wait
				}
			}
			if rng.IntN(5) != 0 {
				iv.End = after(iv.Start, 10)
				if iv.Start.IsZero() {
					iv.End = after(d.ReceivedAt, 10)
				}
				t = iv.End
			}
			if iv.Start.IsZero() && iv.End.IsZero() {
				iv.End = after(d.ReceivedAt, 10) // the store keeps no empty wait
			}
			d.Supplements = append(d.Supplements, iv)
		}
		if rng.IntN(6) == 0 {
			d.SupplementCount = rng.IntN(4)
		}
		if rng.IntN(2) == 0 {
			st := d.ReceivedAt
			for seq := 1; seq <= 1+rng.IntN(3); seq++ {
				s := models.Step{DossierCode: d.Code, Seq: seq, OfficerCode: officers[rng.IntN(len(officers))]}
				if rng.IntN(10) == 0 {
					s.OfficerCode = ""
				}
				if rng.IntN(5) != 0 {
					s.StartedAt = st
				}
				s.DueAt = after(st, 8)
				if rng.IntN(3) != 0 {
					s.FinishedAt = after(st, 10)
					st = s.FinishedAt
				}
				steps = append(steps, s)
			}
		}
		ds = append(ds, d)
	}
	return ds, steps
}

// referenceAt is reference judged at at (Rules.TallyAt, OfficerTallyAt).
func referenceAt(rules *models.Rules, ds []models.Dossier, steps map[string][]models.Step, p models.Period, at time.Time) *models.Figures {
	f := newFigures()
	for i := range ds {
		d := &ds[i]
		c, ok := rules.TallyAt(d, p, at)
		if !ok {
			continue
		}
		addOwn(f, d.UnitCode, c)
		rules.OfficerTallyAt(d, steps[d.Code], p, at, officerAdder(f))
	}
	return f
}

// TestFiguresFromFactsEqualGo is issue #9's proof that the report's one
// GROUP BY over the stored facts is the 766 rule in models: on five
// generated seeds, both SUPPLEMENT_CLOCK modes, SQLite and Postgres, the
// store's figures equal Rules.TallyAt and OfficerTallyAt unit by unit and
// officer by officer, for months, a quarter and running periods judged at
// an instant inside them. It then switches the store's rules and checks
// that EnsureFacts recomputes the facts to the other mode's figures.
func TestFiguresFromFactsEqualGo(t *testing.T) {
	ctx := context.Background()
	loc := vnLoc()
	unitCodes := []string{"U1", "U2", "U3"}
	officerCodes := []string{"O1", "O2", "O3", "O4", "O5"}
	var units []models.Unit
	for _, u := range unitCodes {
		units = append(units, models.Unit{Code: u, Name: "Đơn vị " + u})
	}
	var officers []models.Officer
	for i, o := range officerCodes {
		officers = append(officers, models.Officer{Code: o, Name: "Cán bộ " + o, UnitCode: unitCodes[i%len(unitCodes)],
			Role: models.RoleOfficer, Active: true})
	}
	type judged struct {
		p  models.Period
		at time.Time
	}
	mid := time.Date(2026, time.April, 15, 10, 30, 0, 0, loc)
	var cases []judged
	for _, p := range []models.Period{models.MonthPeriod(2026, time.February, loc), models.MonthPeriod(2026, time.March, loc),
		models.MonthPeriod(2026, time.April, loc), models.QuarterPeriod(2026, 2, loc)} {
		cases = append(cases, judged{p, p.Last()})
		if p.Contains(mid) {
			cases = append(cases, judged{p, mid}, judged{p, p.Start}, judged{p, p.Start.Add(-time.Hour)})
		}
	}
	check := func(t *testing.T, s *store.Store, rules *models.Rules, ds []models.Dossier, byDossier map[string][]models.Step) {
		t.Helper()
		for _, c := range cases {
			want := referenceAt(rules, ds, byDossier, c.p, c.at)
			got, err := s.MonthFigures(ctx, models.FiguresQuery{Period: c.p, At: c.at})
			if err != nil {
				t.Fatal(err)
			}
			if t.Failed() {
				return
			}
			t.Run(c.p.Label()+" at "+c.at.In(loc).Format("02/01 15:04"), func(t *testing.T) {
				got.Unassigned, got.UnassignedByUnit = 0, map[string]int{}
				compareFigures(t, got, want)
				if c.at.After(c.p.Start) && len(want.Officers) == 0 {
					t.Error("reference is empty: the test proves nothing")
				}
			})
		}
	}
	for _, clock := range []models.SupplementClock{models.ClockPause, models.ClockReset} {
		other := models.ClockReset
		if clock == models.ClockReset {
			other = models.ClockPause
		}
		for seed := uint64(1); seed <= 5; seed++ {
			ds, steps := genStored(rand.New(rand.NewPCG(seed, 14)), 600, unitCodes, officerCodes)
			byDossier := stepsByDossier(steps)
			t.Run(fmt.Sprintf("%s/seed%d", clock, seed), func(t *testing.T) {
				storetest.ForEachWith(t, []store.Option{store.WithRules(clock, loc)}, func(t *testing.T, s *store.Store) {
					seedStored(ctx, t, s, units, officers, ds, steps)
					rules := &models.Rules{Cal: models.NewCalendar(models.CalendarConfig{Location: loc}), Clock: clock}
					check(t, s, rules, ds, byDossier)
					if seed != 1 {
						return
					}
					// Rewriting every dossier (another hash) keeps the facts
					// in step with what is stored.
					re := make([]models.Dossier, len(ds))
					for i, d := range ds {
						d.Channel = "bưu chính"
						re[i] = d
					}
					if err := storetest.SeedDossiers(ctx, s, re); err != nil {
						t.Fatal(err)
					}
					check(t, s, rules, re, byDossier)
					// SUPPLEMENT_CLOCK changes: EnsureFacts recomputes.
					store.SetRules(s, other, loc)
					if ok, err := s.FactsCurrent(ctx); err != nil || ok {
						t.Fatalf("FactsCurrent after a mode change = %v, %v", ok, err)
					}
					if n, err := s.EnsureFacts(ctx); err != nil || n != len(ds) {
						t.Fatalf("EnsureFacts = %d, %v; want %d", n, err, len(ds))
					}
					if n, err := s.EnsureFacts(ctx); err != nil || n != 0 {
						t.Fatalf("EnsureFacts again = %d, %v; want 0", n, err)
					}
					check(t, s, &models.Rules{Cal: rules.Cal, Clock: other}, re, byDossier)
				})
			})
		}
		// SUPPLEMENT_EXCESS=waiting (the formula text's reading): the same
		// equality on two seeds, and the facts follow a switch of the rule.
		for seed := uint64(6); seed <= 7; seed++ {
			ds, steps := genStored(rand.New(rand.NewPCG(seed, 14)), 600, unitCodes, officerCodes)
			byDossier := stepsByDossier(steps)
			t.Run(fmt.Sprintf("%s/excess-waiting/seed%d", clock, seed), func(t *testing.T) {
				opts := []store.Option{store.WithRules(clock, loc), store.WithExcess(models.ExcessWaiting)}
				storetest.ForEachWith(t, opts, func(t *testing.T, s *store.Store) {
					seedStored(ctx, t, s, units, officers, ds, steps)
					cal := models.NewCalendar(models.CalendarConfig{Location: loc})
					waiting := &models.Rules{Cal: cal, Clock: clock, Excess: models.ExcessWaiting}
					all := &models.Rules{Cal: cal, Clock: clock, Excess: models.ExcessAll}
					if a, w := totals766(all, ds, cases[0].p), totals766(waiting, ds, cases[0].p); a == w {
						t.Fatalf("seed %d: the two readings give the same 766 count (%d): the test proves nothing", seed, a)
					}
					check(t, s, waiting, ds, byDossier)
					store.SetExcess(s, models.ExcessAll)
					if n, err := s.EnsureFacts(ctx); err != nil || n != len(ds) {
						t.Fatalf("EnsureFacts after the switch = %d, %v; want %d", n, err, len(ds))
					}
					check(t, s, all, ds, byDossier)
				})
			})
		}
	}
}

// totals766 is the number of dossiers on time by indicator 2.1 in p.
func totals766(r *models.Rules, ds []models.Dossier, p models.Period) int {
	n := 0
	for i := range ds {
		if c, ok := r.TallyAt(&ds[i], p, p.Last()); ok {
			n += c.OnTime766
		}
	}
	return n
}
