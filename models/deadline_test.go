package models

import (
	"testing"
	"time"
)

func TestParseSupplementClock(t *testing.T) {
	for in, want := range map[string]SupplementClock{"": ClockPause, "pause": ClockPause, " Reset ": ClockReset} {
		if got, err := ParseSupplementClock(in); err != nil || got != want {
			t.Errorf("%q: %q, %v", in, got, err)
		}
	}
	if _, err := ParseSupplementClock("stop"); err == nil {
		t.Error("stop: no error")
	}
}

// TestEffectiveDeadline is the one table for the effective deadline, both
// SUPPLEMENT_CLOCK modes (domain.md "Effective deadline").
func TestEffectiveDeadline(t *testing.T) {
	due := endOf(11, 16)
	day := 24 * time.Hour
	cases := []struct {
		name        string
		waits       []Interval
		base        time.Time
		pause, rset time.Time
	}{
		{"no wait", nil, due, due, due},
		{"issue #11: waited 12/11→23/11 (11 days) before a 16/11 due date",
			[]Interval{{at(11, 12, 8, 0), at(11, 23, 8, 0)}}, due, due.Add(11 * day), due},
		{"a wait that began after the due date adds nothing",
			[]Interval{{at(11, 18, 8, 0), at(11, 20, 8, 0)}}, due, due, due},
		{"a wait begun within the time an earlier wait added counts too",
			[]Interval{{at(11, 18, 8, 0), at(11, 19, 8, 0)}, {at(11, 10, 8, 0), at(11, 13, 8, 0)}}, due,
			due.Add(4 * day), due},
		{"overlapping waits count once",
			[]Interval{{at(11, 10, 8, 0), at(11, 13, 8, 0)}, {at(11, 12, 8, 0), at(11, 14, 8, 0)}}, due,
			due.Add(4 * day), due},
		{"an open wait begun before the due date: no deadline yet",
			[]Interval{{Start: at(11, 14, 8, 0)}}, due, Forever, due},
		{"an open wait begun after the due date: the due date",
			[]Interval{{Start: at(11, 17, 8, 0)}}, due, due, due},
		{"a wait without a start is left out",
			[]Interval{{End: at(11, 14, 8, 0)}}, due, due, due},
		{"no due date: never late", nil, time.Time{}, Forever, Forever},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := Dossier{DueAt: tc.base, Supplements: tc.waits}
			for _, m := range []struct {
				clock SupplementClock
				want  time.Time
			}{{"", tc.pause}, {ClockPause, tc.pause}, {ClockReset, tc.rset}} {
				r := testRules()
				r.Clock = m.clock
				if got := r.EffectiveDeadline(&d, tc.base); !got.Equal(m.want) {
					t.Errorf("%q: %v, want %v", m.clock, got, m.want)
				}
			}
		})
	}
}

// TestSupplementWaitMovesEveryClass: the dossier, due 16/11, waited
// 12/11→23/11, finished 25/11: early in pause mode (deadline 27/11), late in
// reset mode (the export's 16/11 is already the moved date); while open on
// 24/11 it was not overdue; its step deadline moves too.
func TestSupplementWaitMovesEveryClass(t *testing.T) {
	waits := []Interval{{at(11, 12, 8, 0), at(11, 23, 8, 0)}}
	d := Dossier{Code: "HS", HandlerCode: "cb", Status: StatusFinished, ReceivedAt: at(11, 2, 8, 0),
		DueAt: endOf(11, 16), FinishedAt: at(11, 25, 9, 0), Supplements: waits}
	open := d
	open.Status, open.FinishedAt = StatusProcessing, time.Time{}
	steps := []Step{{DossierCode: "HS", Seq: 1, OfficerCode: "cb", StartedAt: at(11, 2, 8, 0), DueAt: endOf(11, 16), FinishedAt: at(11, 25, 9, 0)}}
	cases := []struct {
		clock    SupplementClock
		finished Class
		open     Class
		stepLate bool
	}{
		{ClockPause, ClassEarly, ClassInTime, false},
		{ClockReset, ClassLate, ClassOverdue, true},
	}
	for _, tc := range cases {
		r := testRules()
		r.Clock = tc.clock
		if got := r.Classify(&d, at(12, 1, 8, 0)); got.Class != tc.finished {
			t.Errorf("%s finished: %+v, want %s", tc.clock, got, tc.finished)
		}
		if got := r.Classify(&open, at(11, 24, 8, 0)); got.Class != tc.open {
			t.Errorf("%s open on 24/11: %+v, want %s", tc.clock, got, tc.open)
		}
		if got := r.Responsible(&d, steps, at(12, 1, 8, 0)); len(got) != 1 || got[0].Late != tc.stepLate {
			t.Errorf("%s step: %+v, want late %v", tc.clock, got, tc.stepLate)
		}
		// The 766 judgement subtracts the wait only in pause mode.
		c, _ := r.Tally(&d, MonthPeriod(2026, time.November, testLoc))
		if want := tc.clock == ClockPause; (c.OnTime766 == 1) != want {
			t.Errorf("%s 766: %+v", tc.clock, c)
		}
	}
}

func TestApologyAndExtension(t *testing.T) {
	r := testRules()
	base := Dossier{Status: StatusFinished, ReceivedAt: at(3, 2, 8, 0), OriginalDueAt: endOf(3, 10), DueAt: endOf(3, 17)}
	cases := []struct {
		name     string
		finished time.Time
		extended time.Time // ngày gia hạn
		count    int
		want     Class
		second   bool
	}{
		{"finished by the original date: early", at(3, 9, 9, 0), time.Time{}, 0, ClassEarly, false},
		{"finished on the original date: on time", at(3, 10, 9, 0), time.Time{}, 0, ClassOnTime, false},
		{"finished after the original date, by the extended one: late with apology", at(3, 12, 9, 0), time.Time{}, 0, ClassLateApology, false},
		{"finished after the extended date: late", at(3, 18, 9, 0), time.Time{}, 0, ClassLate, false},
		{"moved again after ngày gia hạn: second extension flagged", at(3, 16, 9, 0), endOf(3, 13), 0, ClassLateApology, true},
		{"ngày gia hạn is the current date: one extension", at(3, 16, 9, 0), endOf(3, 17), 0, ClassLateApology, false},
		{"exported extension count 2: flagged", at(3, 16, 9, 0), time.Time{}, 2, ClassLateApology, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := base
			d.FinishedAt, d.ExtendedDueAt, d.ExtensionCount = tc.finished, tc.extended, tc.count
			got := r.Classify(&d, at(4, 1, 8, 0))
			if got.Class != tc.want || got.SecondExtension != tc.second {
				t.Errorf("Classify = %+v, want %s second %v", got, tc.want, tc.second)
			}
			c, _ := r.Tally(&d, march)
			if c.SecondExtension != b2i(tc.second) || c.FinishedOnTime+c.FinishedEarly+c.FinishedLate+c.FinishedLateApology != 1 {
				t.Errorf("Tally = %+v", c)
			}
			if tc.want == ClassLateApology {
				if c.FinishedLateApology != 1 || c.Overdue() != 1 {
					t.Errorf("Tally = %+v: late with apology is late, apart", c)
				}
				var oc OfficerCounts
				d.HandlerCode = "cb"
				r.OfficerTally(&d, nil, march, func(_ string, x OfficerCounts) { oc.Add(x) })
				if oc.LateApology != 1 || oc.Late != 0 || oc.FinishedOnTime != 0 || !oc.Slow() {
					t.Errorf("officer = %+v", oc)
				}
			}
		})
	}
	// Without the columns nothing changes.
	plain := Dossier{Status: StatusFinished, ReceivedAt: at(3, 2, 8, 0), DueAt: endOf(3, 17), FinishedAt: at(3, 12, 9, 0)}
	if got := r.Classify(&plain, at(4, 1, 8, 0)); got.Class != ClassEarly || got.SecondExtension {
		t.Errorf("no extension columns: %+v", got)
	}
	if ClassLateApology.Label() != "quá hạn, đã xin lỗi" || !ClassLateApology.IsFinished() || !ClassLateApology.IsLate() {
		t.Error("ClassLateApology label or kind")
	}
}

func TestRunningPeriodJudgedAtNow(t *testing.T) {
	r := testRules()
	now := at(3, 15, 10, 0)
	atNow, prov := march.JudgedAt(now)
	if !prov || !atNow.Equal(now) {
		t.Fatalf("JudgedAt(%v) = %v, %v", now, atNow, prov)
	}
	if a, p := march.JudgedAt(at(4, 2, 8, 0)); p || !a.Equal(march.Last()) {
		t.Errorf("ended period: %v, %v", a, p)
	}
	cases := []struct {
		name string
		d    Dossier
		want Counts
	}{
		{"due 20/3, open on 15/3: in time now (overdue only at the end of March)",
			Dossier{Status: StatusProcessing, ReceivedAt: at(3, 2, 8, 0), DueAt: endOf(3, 20)},
			Counts{InScope: 1, Received: 1, OpenInTime: 1, OnTime766: 1}},
		{"due 12/3, open on 15/3: overdue now",
			Dossier{Status: StatusProcessing, ReceivedAt: at(3, 2, 8, 0), DueAt: endOf(3, 12)},
			Counts{InScope: 1, Received: 1, OpenOverdue: 1}},
		{"finished 14/3: finished",
			Dossier{Status: StatusFinished, ReceivedAt: at(3, 2, 8, 0), DueAt: endOf(3, 20), FinishedAt: at(3, 14, 8, 0)},
			Counts{InScope: 1, Received: 1, FinishedEarly: 1, OnTime766: 1}},
	}
	for _, tc := range cases {
		got, ok := r.TallyAt(&tc.d, march, atNow)
		if !ok || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v", tc.name, got, ok, tc.want)
		}
	}
	later := Dossier{Status: StatusProcessing, ReceivedAt: at(3, 20, 8, 0), DueAt: endOf(3, 30)}
	if _, ok := r.TallyAt(&later, march, atNow); ok {
		t.Error("a dossier received after now is in scope")
	}
}

func TestNothingToJudgeIsNotFull(t *testing.T) {
	r := testRules()
	reg := Dossier{Status: StatusRegistered, ReceivedAt: at(3, 2, 8, 0), DueAt: endOf(3, 5)}
	if c, ok := r.Tally(&reg, march); ok || c != (Counts{}) {
		t.Errorf("status 1 in scope: %+v", c)
	}
	if f := r.FactsOf(&reg); f.InScope {
		t.Error("status 1 facts in scope")
	}
	var c Counts
	if _, ok := c.Rate766OK(); ok {
		t.Error("Rate766OK with nothing in scope")
	}
	if _, ok := c.Score766OK(); ok {
		t.Error("Score766OK with nothing in scope")
	}
	if _, ok := c.OnTimeRateOK(); ok {
		t.Error("OnTimeRateOK with nothing finished")
	}
	if _, ok := (OfficerCounts{Handled: 2}).OnTimeRateOK(); ok {
		t.Error("officer OnTimeRateOK with nothing finished")
	}
	c = Counts{InScope: 4, OnTime766: 3, FinishedEarly: 1, FinishedLateApology: 1}
	if v, ok := c.Rate766OK(); !ok || v != 0.75 {
		t.Errorf("Rate766OK = %v, %v", v, ok)
	}
	if v, ok := c.Score766OK(); !ok || v != 15 {
		t.Errorf("Score766OK = %v, %v", v, ok)
	}
	if v, ok := c.OnTimeRateOK(); !ok || v != 0.5 {
		t.Errorf("OnTimeRateOK = %v, %v (late with apology is not on time)", v, ok)
	}
}
