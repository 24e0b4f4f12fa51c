package models

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

// genDossier makes a random dossier around March–April 2026: every field
// the rules read, with instants often on exact boundaries (midnight, the
// end of a day, a period's first instant) where off-by-one errors live.
func genDossier(rng *rand.Rand, i int) (Dossier, []Step) {
	base := time.Date(2026, time.February, 1, 0, 0, 0, 0, testLoc)
	inst := func() time.Time {
		day := rng.IntN(120)
		switch rng.IntN(4) {
		case 0: // a day's first instant (a period start when the 1st)
			return base.AddDate(0, 0, day).UTC()
		case 1: // a due date's end of day
			return NewDate(2026, time.February, 1+day).End(testLoc).UTC()
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
	d := Dossier{Code: fmt.Sprintf("H%d", i), HandlerCode: fmt.Sprintf("CB%d", rng.IntN(4)),
		Status: Status(1 + rng.IntN(10))}
	if rng.IntN(50) != 0 {
		d.ReceivedAt = inst()
	}
	recv := d.ReceivedAt
	if recv.IsZero() {
		recv = base.UTC()
	}
	if rng.IntN(30) != 0 {
		d.DueAt = after(recv, 25)
	}
	if !d.DueAt.IsZero() && rng.IntN(4) == 0 { // an apology letter
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
		d.FinishedAt = after(recv, 40)
	case 1:
		d.ReturnedAt = after(recv, 40)
	}
	if rng.IntN(3) == 0 {
		d.SystemFinishedAt = after(recv, 45)
	}
	n := rng.IntN(4)
	if rng.IntN(2) == 0 {
		n = 0
	}
	t := recv
	for k := 0; k < n; k++ {
		var iv Interval
		if rng.IntN(15) != 0 {
			iv.Start = after(t, 12)
			if rng.IntN(5) == 0 && k > 0 {
				iv.Start = after(recv, 20) // may overlap an earlier wait
			}
		}
		if rng.IntN(5) != 0 {
			iv.End = after(iv.Start, 10)
			if iv.Start.IsZero() {
				iv.End = after(recv, 10)
			}
			t = iv.End
		}
		d.Supplements = append(d.Supplements, iv)
	}
	if rng.IntN(6) == 0 {
		d.SupplementCount = rng.IntN(4)
	}
	var steps []Step
	if rng.IntN(2) == 0 {
		st := recv
		for k := 1; k <= 1+rng.IntN(3); k++ {
			s := Step{DossierCode: d.Code, Seq: k, OfficerCode: fmt.Sprintf("CB%d", rng.IntN(4))}
			if rng.IntN(10) == 0 {
				s.OfficerCode = ""
			}
			if rng.IntN(5) != 0 {
				s.StartedAt = st
			}
			if rng.IntN(10) != 0 {
				s.DueAt = after(st, 8)
			}
			if rng.IntN(3) != 0 {
				s.FinishedAt = after(st, 10)
				st = s.FinishedAt
			}
			steps = append(steps, s)
		}
		if rng.IntN(8) == 0 {
			steps = append(steps, Step{DossierCode: "OTHER", Seq: 9, OfficerCode: "CB9", DueAt: recv})
		}
	}
	return d, steps
}

type officerSum map[string]OfficerCounts

func collect(m officerSum) func(string, OfficerCounts) {
	return func(o string, c OfficerCounts) {
		x := m[o]
		x.Add(c)
		m[o] = x
	}
}

// TestTallyFromFactsEqualsTally is the proof the follow-up's SQL GROUP BY
// rests on: for thousands of generated dossiers, several seeds and both
// SUPPLEMENT_CLOCK modes, the figures computed from the facts alone equal
// the Go reference, for months, a quarter, and a running period judged at
// instants inside it.
func TestTallyFromFactsEqualsTally(t *testing.T) {
	periods := []Period{
		MonthPeriod(2026, time.February, testLoc), MonthPeriod(2026, time.March, testLoc),
		MonthPeriod(2026, time.April, testLoc), QuarterPeriod(2026, 2, testLoc),
	}
	for _, clock := range []SupplementClock{ClockPause, ClockReset} {
		r := testRules()
		r.Clock = clock
		for seed := uint64(1); seed <= 4; seed++ {
			rng := rand.New(rand.NewPCG(seed, 766))
			inScope := 0
			for i := 0; i < 1500; i++ {
				d, steps := genDossier(rng, i)
				f := r.FactsOf(&d)
				sf := r.StepFactsOf(&d, steps)
				for _, p := range periods {
					ats := []time.Time{p.Last(), p.Start.Add(time.Duration(rng.IntN(40*24)) * time.Hour), p.Start}
					for _, at := range ats {
						want, wok := r.TallyAt(&d, p, at)
						got, gok := f.Tally(p, at)
						if want != got || wok != gok {
							t.Fatalf("%s seed %d dossier %+v\nperiod %s at %v:\nTallyAt %+v %v\nfacts   %+v %v\nfacts: %+v",
								clock, seed, d, p.Label(), at, want, wok, got, gok, f)
						}
						if wok {
							inScope++
						}
						wo, go_ := officerSum{}, officerSum{}
						r.OfficerTallyAt(&d, steps, p, at, collect(wo))
						OfficerTallyFacts(&f, d.HandlerCode, sf, p, at, collect(go_))
						if fmt.Sprint(wo) != fmt.Sprint(go_) {
							t.Fatalf("%s seed %d dossier %+v steps %+v\nperiod %s at %v: officers\nref   %v\nfacts %v",
								clock, seed, d, steps, p.Label(), at, wo, go_)
						}
					}
				}
			}
			if inScope < 1000 {
				t.Errorf("%s seed %d: only %d in-scope tallies: the generator misses the periods", clock, seed, inScope)
			}
		}
	}
}

// TestTallyOpenMatchesClassify: an open dossier's count at the
// judged instant is Classify's class then.
func TestTallyOpenMatchesClassify(t *testing.T) {
	r := testRules()
	rng := rand.New(rand.NewPCG(9, 9))
	for i := 0; i < 3000; i++ {
		d, _ := genDossier(rng, i)
		if d.Status.IsPaused() || closed(&d) || d.Status == StatusRegistered {
			continue
		}
		c, ok := r.Tally(&d, march)
		if !ok || c.Paused == 1 {
			continue
		}
		cls := r.Classify(&d, march.Last())
		if (cls.Class == ClassOverdue) != (c.OpenOverdue == 1) {
			t.Fatalf("dossier %+v: Classify %v, Tally %+v", d, cls.Class, c)
		}
	}
}

// BenchmarkFactsOf1M is the import-time cost of computing the facts of 1M
// dossiers (done once per dossier, not per report).
func BenchmarkFactsOf1M(b *testing.B) {
	ds := benchDossiers()
	r := testRules()
	var n int
	b.ReportAllocs()
	for b.Loop() {
		for i := range ds {
			if r.FactsOf(&ds[i]).InScope {
				n++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ds)), "ns/dossier")
}

// BenchmarkFactsTally1M is a month's figures over 1M precomputed facts:
// what a GROUP BY over a facts table does, in Go.
func BenchmarkFactsTally1M(b *testing.B) {
	ds := benchDossiers()
	r := testRules()
	fs := make([]Facts, len(ds))
	for i := range ds {
		fs[i] = r.FactsOf(&ds[i])
	}
	p := MonthPeriod(2026, time.June, testLoc)
	var total Counts
	b.ReportAllocs()
	for b.Loop() {
		total = Counts{}
		for i := range fs {
			if c, ok := fs[i].Tally(p, p.Last()); ok {
				total.Add(c)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ds)), "ns/dossier")
	b.ReportMetric(float64(total.InScope), "in_scope")
}

// TestSameStepFacts: a change that leaves a dossier's step context as it
// was gives its steps the same facts (the import then does not read them
// back), and each change of that context is seen.
func TestSameStepFacts(t *testing.T) {
	loc := DefaultLocation()
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, loc) }
	base := Dossier{Code: "H01.X01-261102-000001", ProcedureName: "Cấp bản sao trích lục hộ tịch", Field: "Hộ tịch",
		UnitCode: "H01.X01", HandlerCode: "an.nv", Status: StatusAccepted, ReceivedAt: at(2, 9), DueAt: at(6, 17),
		Supplements: []Interval{{Start: at(3, 9), End: at(4, 9)}}}
	steps := []Step{
		{Seq: 1, OfficerCode: "an.nv", StartedAt: at(2, 9), DueAt: at(3, 17), FinishedAt: at(3, 10)},
		{Seq: 2, OfficerCode: "binh.tt"},                  // no start, no due, not finished: the dossier's
		{Seq: 3, OfficerCode: "chi.lt", DueAt: at(9, 17)}, // not finished: ends when the dossier closes
		{Seq: 4, DossierCode: "H01.X99-261102-000009"},    // another dossier's
	}
	cases := []struct {
		name   string
		change func(d *Dossier)
		same   bool
	}{
		{"labels", func(d *Dossier) {
			d.ProcedureName, d.Field, d.ApplicantName, d.Channel = "Khác", "Chứng thực", "Lê Văn Bình", ChannelOnline
		}, true},
		{"handler and unit", func(d *Dossier) { d.HandlerCode, d.UnitCode = "binh.tt", "H01.X02" }, true},
		{"open to processing", func(d *Dossier) { d.Status = StatusProcessing }, true},
		{"extension count", func(d *Dossier) { d.ExtensionCount = 1 }, true},
		{"finished", func(d *Dossier) { d.Status, d.FinishedAt = StatusFinished, at(5, 10) }, false},
		{"finished at another time", func(d *Dossier) { d.Status, d.FinishedAt = StatusFinished, at(5, 11) }, false},
		{"due date", func(d *Dossier) { d.DueAt = at(7, 17) }, false},
		{"received", func(d *Dossier) { d.ReceivedAt = at(2, 10) }, false},
		{"supplement answered later", func(d *Dossier) { d.Supplements = []Interval{{Start: at(3, 9), End: at(5, 9)}} }, false},
		{"second supplement", func(d *Dossier) { d.Supplements = append(slices.Clone(d.Supplements), Interval{Start: at(5, 9)}) }, false},
		{"another code", func(d *Dossier) { d.Code = "H01.X99-261102-000009" }, false},
	}
	for _, clock := range []SupplementClock{ClockPause, ClockReset} {
		r := &Rules{Cal: NewCalendar(CalendarConfig{Location: loc}), Clock: clock}
		for _, tc := range cases {
			d := base
			tc.change(&d)
			if got := SameStepFacts(&base, &d); got != tc.same {
				t.Errorf("%s: SameStepFacts = %v, want %v", tc.name, got, tc.same)
			}
			if tc.same && !reflect.DeepEqual(r.StepFactsOf(&base, steps), r.StepFactsOf(&d, steps)) {
				t.Errorf("%s (%s): same step context, other step facts:\n%+v\n%+v", tc.name, clock, r.StepFactsOf(&base, steps), r.StepFactsOf(&d, steps))
			}
		}
	}
	// Times are compared as instants: the same wait read back in UTC.
	d := base
	d.ReceivedAt, d.DueAt = base.ReceivedAt.UTC(), base.DueAt.UTC()
	d.Supplements = []Interval{{Start: at(3, 9).UTC(), End: at(4, 9).UTC()}}
	if !SameStepFacts(&base, &d) {
		t.Error("the same instants in another location are another step context")
	}
}

// TestSameStepFactsRandom: dossiers made of two random ones, field by
// field (every field of Dossier, those added later too), give their steps
// the same facts whenever SameStepFacts says so.
func TestSameStepFactsRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	rules := bothClocks()
	same := 0
	for i := range 4000 {
		a, b, steps := mixedPair(rng, i)
		if !SameStepFacts(&a, &b) {
			continue
		}
		same++
		for _, r := range rules {
			if x, y := r.StepFactsOf(&a, steps), r.StepFactsOf(&b, steps); !reflect.DeepEqual(x, y) {
				t.Fatalf("dossier %d: same step context, other step facts (%s):\n%+v\n%+v\n%+v\n%+v", i, r.Clock, a, b, x, y)
			}
		}
	}
	if same < 500 {
		t.Fatalf("only %d of 4000 pairs kept their step context: the test compares too little", same)
	}
}

// bothClocks are the rules under each supplement clock.
func bothClocks() []*Rules {
	return []*Rules{{Cal: NewCalendar(CalendarConfig{Location: testLoc}), Clock: ClockPause},
		{Cal: NewCalendar(CalendarConfig{Location: testLoc}), Clock: ClockReset}}
}

// mixedPair returns a random dossier a with its steps, and b: a with each
// field (every field of Dossier, those added later too), one in eight,
// taken from another random dossier.
func mixedPair(rng *rand.Rand, i int) (a, b Dossier, steps []Step) {
	a, steps = genDossier(rng, i)
	b = a
	other, _ := genDossier(rng, i)
	vb, vo := reflect.ValueOf(&b).Elem(), reflect.ValueOf(other)
	for f := range vb.NumField() {
		if rng.IntN(8) == 0 {
			vb.Field(f).Set(vo.Field(f))
		}
	}
	return a, b, steps
}

// TestSameStepFactsButDueRandom: for pairs of dossiers whose step contexts
// differ at most in the due date, the step facts are the same but for the
// Deadline of the steps without their own due date; and those steps alone
// give their facts but for Last.
func TestSameStepFactsButDueRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 17))
	rules := bothClocks()
	dueOnly := 0
	for i := range 4000 {
		a, b, steps := mixedPair(rng, i)
		for k := range steps {
			if rng.IntN(2) == 0 {
				steps[k].DueAt = time.Time{} // judged against the dossier's due date
			}
		}
		if rng.IntN(2) == 0 {
			b.DueAt = a.DueAt.Add(time.Duration(1+rng.IntN(240)) * time.Hour)
		}
		if !SameStepFactsButDue(&a, &b) {
			continue
		}
		if !SameStepFacts(&a, &b) {
			dueOnly++
		}
		var own []Step // the steps without a due date of their own
		for _, s := range steps {
			if s.DueAt.IsZero() {
				own = append(own, s)
			}
		}
		for _, r := range rules {
			x, y := r.StepFactsOf(&a, steps), r.StepFactsOf(&b, steps)
			if len(x) != len(y) {
				t.Fatalf("dossier %d: %d step facts, then %d", i, len(x), len(y))
			}
			byseq := map[int]StepFacts{}
			for k := range x {
				xd, yd := x[k], y[k]
				byseq[yd.Seq] = yd
				if steps[k].DueAt.IsZero() {
					xd.Deadline, yd.Deadline = time.Time{}, time.Time{}
				}
				if !reflect.DeepEqual(xd, yd) {
					t.Fatalf("dossier %d step %d (%s): %+v, then %+v", i, k, r.Clock, x[k], y[k])
				}
			}
			for _, f := range r.StepFactsOf(&b, own) {
				want := byseq[f.Seq]
				f.Last = want.Last
				if !reflect.DeepEqual(f, want) {
					t.Fatalf("dossier %d: step %d alone %+v, among all %+v", i, f.Seq, f, want)
				}
			}
		}
	}
	if dueOnly < 300 {
		t.Fatalf("only %d of 4000 pairs changed only their due date: the test compares too little", dueOnly)
	}
}
