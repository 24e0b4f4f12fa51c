package models

import (
	"math"
	"testing"
	"time"
)

func TestPeriod(t *testing.T) {
	p := MonthPeriod(2026, time.October, testLoc)
	if !p.Start.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, testLoc)) || !p.End.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, testLoc)) {
		t.Errorf("MonthPeriod = %v – %v", p.Start, p.End)
	}
	dec := MonthPeriod(2026, time.December, testLoc)
	if !dec.End.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, testLoc)) {
		t.Errorf("December ends %v", dec.End)
	}
	if !p.Contains(p.Start) || p.Contains(p.End) || !p.Contains(p.Last()) {
		t.Error("Contains: start included, end excluded, last included")
	}
	for _, tc := range []struct {
		p    Period
		want string
	}{
		{p, "tháng 10/2026"},
		{MonthPeriod(2026, time.March, testLoc), "tháng 3/2026"},
		{QuarterPeriod(2026, 4, testLoc), "quý IV/2026"},
		{QuarterPeriod(2026, 1, testLoc), "quý I/2026"},
		{YearPeriod(2026, testLoc), "năm 2026"},
		{Period{Start: time.Date(2026, 10, 5, 0, 0, 0, 0, testLoc), End: time.Date(2026, 10, 21, 0, 0, 0, 0, testLoc)}, "từ 05/10/2026 đến 20/10/2026"},
		{Period{Start: time.Date(2026, 2, 1, 0, 0, 0, 0, testLoc), End: time.Date(2026, 4, 1, 0, 0, 0, 0, testLoc)}, "từ 01/02/2026 đến 31/03/2026"},
	} {
		if got := tc.p.Label(); got != tc.want {
			t.Errorf("Label = %q, want %q", got, tc.want)
		}
	}
}

// march is the period most tally tests use: March 2026 (Sat 7/3 is a
// làm bù working day in testCal).
var march = MonthPeriod(2026, time.March, testLoc)

func TestTally(t *testing.T) {
	r := testRules()
	cases := []struct {
		name    string
		d       Dossier
		inScope bool
		want    Counts
	}{
		{"carried over from February, finished in March on time",
			Dossier{Status: StatusFinished, ReceivedAt: at(2, 25, 9, 0), DueAt: endOf(3, 3), FinishedAt: at(3, 3, 10, 0)},
			true, Counts{InScope: 1, FinishedOnTime: 1, OnTime766: 1}},
		{"carried over from February, finished in February: out of scope",
			Dossier{Status: StatusFinished, ReceivedAt: at(2, 2, 9, 0), DueAt: endOf(2, 27), FinishedAt: at(2, 27, 10, 0)},
			false, Counts{}},
		{"finished at the last instant of February: out of scope",
			Dossier{Status: StatusFinished, ReceivedAt: at(2, 2, 9, 0), DueAt: endOf(2, 27), FinishedAt: march.Start.Add(-time.Nanosecond)},
			false, Counts{}},
		{"finished at the first instant of March: in scope, late",
			Dossier{Status: StatusFinished, ReceivedAt: at(2, 2, 9, 0), DueAt: endOf(2, 27), FinishedAt: march.Start},
			true, Counts{InScope: 1, FinishedLate: 1}},
		{"carried over, still open at the end and overdue",
			Dossier{Status: StatusProcessing, ReceivedAt: at(2, 10, 9, 0), DueAt: endOf(3, 20)},
			true, Counts{InScope: 1, OpenOverdue: 1}},
		{"received at the first instant of March, still open, due in April",
			Dossier{Status: StatusProcessing, ReceivedAt: march.Start, DueAt: endOf(4, 3)},
			true, Counts{InScope: 1, Received: 1, OpenInTime: 1, OnTime766: 1}},
		{"due on the last day of March, still open: in time at the end",
			Dossier{Status: StatusProcessing, ReceivedAt: at(3, 20, 9, 0), DueAt: endOf(3, 31)},
			true, Counts{InScope: 1, Received: 1, OpenInTime: 1, OnTime766: 1}},
		{"received in March, finished in April after its March due date: open and overdue at the end",
			Dossier{Status: StatusFinished, ReceivedAt: at(3, 16, 9, 0), DueAt: endOf(3, 27), FinishedAt: at(4, 2, 9, 0)},
			true, Counts{InScope: 1, Received: 1, OpenOverdue: 1}},
		{"received in March, finished in April on time: open and in time at the end",
			Dossier{Status: StatusFinished, ReceivedAt: at(3, 26, 9, 0), DueAt: endOf(4, 6), FinishedAt: at(4, 2, 9, 0)},
			true, Counts{InScope: 1, Received: 1, OpenInTime: 1, OnTime766: 1}},
		{"received at the end of March (exclusive): out of scope",
			Dossier{Status: StatusProcessing, ReceivedAt: march.End, DueAt: endOf(4, 6)},
			false, Counts{}},
		{"finished early",
			Dossier{Status: StatusReturned, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(3, 12), ReturnedAt: at(3, 10, 9, 0)},
			true, Counts{InScope: 1, Received: 1, FinishedEarly: 1, OnTime766: 1}},
		// The supplement waits (2 days) move the deadline to 22/3, so the
		// dossier finished on 20/3 is early (domain.md "Effective deadline").
		{"two supplement requests: early by the effective deadline, late for 766",
			Dossier{Status: StatusFinished, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(3, 20), FinishedAt: at(3, 20, 9, 0),
				Supplements: []Interval{{at(3, 4, 9, 0), at(3, 5, 9, 0)}, {at(3, 9, 9, 0), at(3, 10, 9, 0)}}},
			true, Counts{InScope: 1, Received: 1, FinishedEarly: 1, SupplementExcess: 1}},
		{"two supplement requests known only by their count",
			Dossier{Status: StatusFinished, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(3, 20), FinishedAt: at(3, 19, 9, 0), SupplementCount: 2},
			true, Counts{InScope: 1, Received: 1, FinishedEarly: 1, SupplementExcess: 1}},
		// The 5-day wait moves the deadline from 12/3 to 17/3: early, not
		// late (domain.md: "Every rule below compares with the effective deadline").
		{"late by the due date, early by the effective deadline, on time for 766",
			Dossier{Status: StatusFinished, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(3, 12), FinishedAt: at(3, 16, 9, 0),
				Supplements: []Interval{{at(3, 4, 9, 0), at(3, 9, 9, 0)}}},
			true, Counts{InScope: 1, Received: 1, FinishedEarly: 1, OnTime766: 1}},
		{"finished on time, late on the system: late for 766",
			Dossier{Status: StatusFinished, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(3, 12), FinishedAt: at(3, 12, 9, 0), SystemFinishedAt: at(3, 13, 9, 0)},
			true, Counts{InScope: 1, Received: 1, FinishedOnTime: 1, LateOnSystem: 1}},
		{"withdrawn before due",
			Dossier{Status: StatusWithdrawn, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(3, 12), FinishedAt: at(3, 5, 9, 0)},
			true, Counts{InScope: 1, Received: 1, Ended: 1, EndedOnTime: 1, OnTime766: 1}},
		{"stopped after due",
			Dossier{Status: StatusStopped, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(3, 12), FinishedAt: at(3, 13, 9, 0)},
			true, Counts{InScope: 1, Received: 1, Ended: 1}},
		{"stopped in April: open at the end of March",
			Dossier{Status: StatusStopped, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(4, 12), FinishedAt: at(4, 3, 9, 0)},
			true, Counts{InScope: 1, Received: 1, OpenInTime: 1, OnTime766: 1}},
		{"paused at the end, pause began before due: paused, on time for 766",
			Dossier{Status: StatusSupplement, ReceivedAt: at(3, 12, 9, 0), DueAt: endOf(3, 27),
				Supplements: []Interval{{Start: at(3, 23, 9, 0)}}},
			true, Counts{InScope: 1, Received: 1, Paused: 1, OnTime766: 1}},
		{"paused at the end, pause began after due: paused, late for 766",
			Dossier{Status: StatusSupplement, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(3, 10),
				Supplements: []Interval{{Start: at(3, 16, 9, 0)}}},
			true, Counts{InScope: 1, Received: 1, Paused: 1}},
		{"status 6 with no recorded wait: paused at the end",
			Dossier{Status: StatusFinancialDuty, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(4, 10)},
			true, Counts{InScope: 1, Received: 1, Paused: 1, OnTime766: 1}},
		{"paused now, but the pause began in April: running and overdue at the end of March",
			Dossier{Status: StatusSupplement, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(3, 20),
				Supplements: []Interval{{Start: at(4, 5, 9, 0)}}},
			true, Counts{InScope: 1, Received: 1, OpenOverdue: 1}},
		{"finished in April, in a supplement wait over the end of March: paused at the end",
			Dossier{Status: StatusFinished, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(3, 31), FinishedAt: at(4, 10, 9, 0),
				Supplements: []Interval{{at(3, 30, 9, 0), at(4, 6, 9, 0)}}},
			true, Counts{InScope: 1, Received: 1, Paused: 1, OnTime766: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := r.Tally(&tc.d, march)
			if ok != tc.inScope || got != tc.want {
				t.Errorf("Tally = %+v, %v\nwant    %+v, %v", got, ok, tc.want, tc.inScope)
			}
		})
	}
}

// sample is a small month of dossiers whose figures are worked out by hand
// in TestRates.
func sample() []Dossier {
	return []Dossier{
		// D1 carried over, finished early (A).
		{Code: "D1", HandlerCode: "A", Status: StatusFinished, ReceivedAt: at(2, 26, 9, 0), DueAt: endOf(3, 12), FinishedAt: at(3, 10, 9, 0)},
		// D2 finished on the due day (A).
		{Code: "D2", HandlerCode: "A", Status: StatusFinished, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(3, 16), FinishedAt: at(3, 16, 15, 0)},
		// D3 finished late (A).
		{Code: "D3", HandlerCode: "A", Status: StatusFinished, ReceivedAt: at(3, 3, 9, 0), DueAt: endOf(3, 17), FinishedAt: at(3, 20, 9, 0)},
		// D4 finished on time, late on the system (B).
		{Code: "D4", HandlerCode: "B", Status: StatusReturned, ReceivedAt: at(3, 5, 9, 0), DueAt: endOf(3, 18), FinishedAt: at(3, 18, 10, 0), SystemFinishedAt: at(3, 19, 8, 0)},
		// D5 open, due in April (B).
		{Code: "D5", HandlerCode: "B", Status: StatusProcessing, ReceivedAt: at(3, 9, 9, 0), DueAt: endOf(4, 3)},
		// D6 open, overdue at the end (B).
		{Code: "D6", HandlerCode: "B", Status: StatusProcessing, ReceivedAt: at(3, 10, 9, 0), DueAt: endOf(3, 25)},
		// D7 stopped before due (C).
		{Code: "D7", HandlerCode: "C", Status: StatusStopped, ReceivedAt: at(3, 11, 9, 0), DueAt: endOf(3, 20), FinishedAt: at(3, 13, 9, 0)},
		// D8 paused since before its due date (C).
		{Code: "D8", HandlerCode: "C", Status: StatusSupplement, ReceivedAt: at(3, 12, 9, 0), DueAt: endOf(3, 27), Supplements: []Interval{{Start: at(3, 23, 9, 0)}}},
		// D9 finished in February: out of scope (C).
		{Code: "D9", HandlerCode: "C", Status: StatusFinished, ReceivedAt: at(2, 2, 9, 0), DueAt: endOf(2, 27), FinishedAt: at(2, 27, 9, 0)},
		// D10 finished early after two supplement requests (C).
		{Code: "D10", HandlerCode: "C", Status: StatusFinished, ReceivedAt: at(3, 16, 9, 0), DueAt: endOf(3, 27), FinishedAt: at(3, 26, 9, 0), SupplementCount: 2},
	}
}

func TestRates(t *testing.T) {
	r := testRules()
	var total Counts
	officers := map[string]OfficerCounts{}
	for _, d := range sample() {
		if c, ok := r.Tally(&d, march); ok {
			total.Add(c)
		}
		r.OfficerTally(&d, nil, march, func(o string, c OfficerCounts) {
			x := officers[o]
			x.Add(c)
			officers[o] = x
		})
	}
	// By hand: in scope D1–D8, D10 (9); received in March: all but D1 and
	// D9 (8); early D1, D10; on time D2, D4; late D3; late on the system
	// D4; ended D7 (on time); open D5 in time, D6 overdue, D8 paused; 766
	// on time D1, D2, D5, D7, D8 (5: D3 late, D4 late on the system, D6
	// overdue, D10 two requests); supplement excess D10.
	want := Counts{InScope: 9, Received: 8, FinishedEarly: 2, FinishedOnTime: 2, FinishedLate: 1, LateOnSystem: 1,
		Ended: 1, EndedOnTime: 1, OpenInTime: 1, OpenOverdue: 1, Paused: 1, OnTime766: 5, SupplementExcess: 1}
	if total != want {
		t.Fatalf("totals = %+v\nwant     %+v", total, want)
	}
	approx := func(name string, got, want float64) {
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	approx("OnTimeRate", total.OnTimeRate(), 4.0/5)
	approx("Rate766", total.Rate766(), 5.0/9)
	approx("Score766", total.Score766(), 100.0/9)
	approx("OverdueShare", total.OverdueShare(), 2.0/9)

	// By hand: A handled D1–D3, finished 3, 2 on time, 1 late; B handled
	// D4–D6, finished D4 on time but late on the system, D6 overdue; C
	// handled D7, D8, D10 (D9 out of scope), finished D10 on time.
	wantOfficers := map[string]OfficerCounts{
		"A": {Handled: 3, Finished: 3, Late: 1, FinishedOnTime: 2},
		"B": {Handled: 3, Finished: 1, LateOnSystem: 1, OverdueOpen: 1, FinishedOnTime: 1},
		"C": {Handled: 3, Finished: 1, FinishedOnTime: 1},
	}
	if len(officers) != len(wantOfficers) {
		t.Errorf("officers = %+v", officers)
	}
	for o, w := range wantOfficers {
		if officers[o] != w {
			t.Errorf("officer %s = %+v, want %+v", o, officers[o], w)
		}
	}
	approx("A.OnTimeRate", officers["A"].OnTimeRate(), 2.0/3)
	if !officers["A"].Slow() || !officers["B"].Slow() || officers["C"].Slow() {
		t.Errorf("Slow: A and B belong on the list, C does not")
	}
}

func TestOfficerTallySteps(t *testing.T) {
	r := testRules()
	d := Dossier{Code: "HS1", HandlerCode: "cb3", Status: StatusFinished, ReceivedAt: at(2, 25, 8, 0), DueAt: endOf(3, 12),
		FinishedAt: at(3, 12, 10, 0), SystemFinishedAt: at(3, 13, 8, 0)}
	steps := []Step{
		// Finished in February: not in March's figures.
		{DossierCode: "HS1", Seq: 1, OfficerCode: "cb1", StartedAt: at(2, 25, 8, 0), DueAt: endOf(2, 26), FinishedAt: at(2, 27, 10, 0)},
		// Finished late in March.
		{DossierCode: "HS1", Seq: 2, OfficerCode: "cb2", StartedAt: at(2, 27, 10, 0), DueAt: endOf(3, 3), FinishedAt: at(3, 4, 9, 0)},
		// Left open in the data: closes with the dossier, on time; the last
		// step answers for the system's delay.
		{DossierCode: "HS1", Seq: 3, OfficerCode: "cb3", StartedAt: at(3, 4, 9, 0), DueAt: endOf(3, 12)},
	}
	got := map[string]OfficerCounts{}
	calls := 0
	r.OfficerTally(&d, steps, march, func(o string, c OfficerCounts) {
		calls++
		x := got[o]
		x.Add(c)
		got[o] = x
	})
	want := map[string]OfficerCounts{
		"cb2": {Handled: 1, Finished: 1, Late: 1},
		"cb3": {Handled: 1, Finished: 1, FinishedOnTime: 1, LateOnSystem: 1},
	}
	if calls != 2 || len(got) != 2 || got["cb2"] != want["cb2"] || got["cb3"] != want["cb3"] {
		t.Errorf("OfficerTally = %+v (%d calls), want %+v", got, calls, want)
	}

	// Open at the end of March with an overdue open step; February's
	// late step is out, a paused dossier's open step is not overdue.
	open := Dossier{Code: "HS2", Status: StatusProcessing, ReceivedAt: at(3, 2, 8, 0), DueAt: endOf(4, 10)}
	ss := []Step{{DossierCode: "HS2", Seq: 1, OfficerCode: "cb4", StartedAt: at(3, 2, 8, 0), DueAt: endOf(3, 20)}}
	var c4 OfficerCounts
	r.OfficerTally(&open, ss, march, func(_ string, c OfficerCounts) { c4.Add(c) })
	if c4 != (OfficerCounts{Handled: 1, OverdueOpen: 1}) {
		t.Errorf("open step: %+v", c4)
	}
	open.Status = StatusSupplement
	c4 = OfficerCounts{}
	r.OfficerTally(&open, ss, march, func(_ string, c OfficerCounts) { c4.Add(c) })
	if c4 != (OfficerCounts{Handled: 1}) {
		t.Errorf("open step of a paused dossier: %+v", c4)
	}
}

func BenchmarkTally1M(b *testing.B) {
	ds := benchDossiers()
	r := testRules()
	p := MonthPeriod(2026, time.June, testLoc)
	var total Counts
	b.ReportAllocs()
	for b.Loop() {
		total = Counts{}
		for i := range ds {
			if c, ok := r.Tally(&ds[i], p); ok {
				total.Add(c)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ds)), "ns/dossier")
	b.ReportMetric(float64(total.InScope), "in_scope")
}
