package models

import (
	"fmt"
	"math/rand/v2"
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
