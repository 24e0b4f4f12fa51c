package models

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// testLoc is Vietnam's zone; the tests do not depend on the zone database.
var testLoc = time.FixedZone("ICT", 7*3600)

// testCal is a calendar built from explicit overrides only (no built-in
// rules): Tết 2026 as notice 9441/TB-BNV set it (off Sat 14/2 – Sun 22/2),
// 1/1/2026, and Sat 7/3/2026 as a make-up working day (làm bù; invented for
// the tests).
func testCal() *Calendar {
	var over []Holiday
	for d := NewDate(2026, 2, 14); d <= NewDate(2026, 2, 22); d++ {
		over = append(over, Holiday{Date: d, Kind: DayOff, Name: "Tết Nguyên Đán", Source: "9441/TB-BNV"})
	}
	over = append(over,
		Holiday{Date: NewDate(2026, 1, 1), Kind: DayOff, Name: "Tết Dương lịch"},
		Holiday{Date: NewDate(2026, 3, 7), Kind: DayWorking, Name: "làm bù (test)"},
	)
	return NewCalendar(CalendarConfig{Location: testLoc, Rules: func(int) []Holiday { return nil }, Overrides: over})
}

func testRules() *Rules { return &Rules{Cal: testCal(), DueSoonDays: 2} }

// at returns the instant d/m/2026 hh:mm local, in UTC as dossiers store it.
func at(m time.Month, d, hh, mm int) time.Time {
	return time.Date(2026, m, d, hh, mm, 0, 0, testLoc).UTC()
}

// endOf returns the last instant of d/m/2026 local (a due date given as a day).
func endOf(m time.Month, d int) time.Time { return NewDate(2026, m, d).End(testLoc).UTC() }

func TestCalendarSetup(t *testing.T) {
	c := testCal()
	cases := []struct {
		name     string
		received time.Time
		limit    int
		want     time.Time
	}{
		{"same day, before the cut-off", at(2, 13, 14, 0), 0, endOf(2, 13)},
		{"same day, after 15:00 before Tết: next working day is after Tết", at(2, 13, 15, 30), 0, endOf(2, 23)},
		{"3 days across Tết", at(2, 12, 9, 0), 3, endOf(2, 24)},
		{"same day, after 15:00 on Friday, làm bù Saturday", at(3, 6, 16, 0), 0, endOf(3, 7)},
		{"received on Sunday counts from Monday", at(3, 1, 10, 0), 1, endOf(3, 3)},
	}
	for _, tc := range cases {
		if got := c.DueDate(tc.received, tc.limit); !got.Equal(tc.want) {
			t.Errorf("%s: DueDate = %v, want %v", tc.name, got.In(testLoc), tc.want.In(testLoc))
		}
	}
}

func TestClassify(t *testing.T) {
	r := testRules()
	cal := r.Cal
	sameDayLate := cal.DueDate(at(2, 13, 15, 30), 0) // received after 15:00: due Mon 23/2
	cases := []struct {
		name string
		d    Dossier
		now  time.Time
		want Classification
	}{
		// Finished dossiers.
		{"finished on the due day, due at the end of it: on time, not early",
			Dossier{Status: StatusFinished, DueAt: endOf(3, 4), FinishedAt: at(3, 4, 16, 0)}, at(3, 10, 8, 0),
			Classification{Class: ClassOnTime}},
		{"finished exactly at due_at: on time",
			Dossier{Status: StatusFinished, DueAt: at(3, 4, 17, 0), FinishedAt: at(3, 4, 17, 0)}, at(3, 10, 8, 0),
			Classification{Class: ClassOnTime}},
		{"finished one second after due_at: late",
			Dossier{Status: StatusFinished, DueAt: at(3, 4, 17, 0), FinishedAt: at(3, 4, 17, 0).Add(time.Second)}, at(3, 10, 8, 0),
			Classification{Class: ClassLate}},
		{"finished one second after the end of the due day: late",
			Dossier{Status: StatusFinished, DueAt: endOf(3, 4), FinishedAt: endOf(3, 4).Add(time.Second)}, at(3, 10, 8, 0),
			Classification{Class: ClassLate}},
		{"finished the day before: early",
			Dossier{Status: StatusFinished, DueAt: endOf(3, 4), FinishedAt: at(3, 3, 23, 59)}, at(3, 10, 8, 0),
			Classification{Class: ClassEarly}},
		{"finished hours before due_at on the due day: on time, not early",
			Dossier{Status: StatusFinished, DueAt: at(3, 4, 8, 0), FinishedAt: at(3, 4, 6, 30)}, at(3, 10, 8, 0),
			Classification{Class: ClassOnTime}},
		{"local dates decide: 23:30 on 3/3 vs 06:00 on 4/3 (one UTC date): early",
			Dossier{Status: StatusFinished, DueAt: at(3, 4, 6, 0), FinishedAt: at(3, 3, 23, 30)}, at(3, 10, 8, 0),
			Classification{Class: ClassEarly}},
		{"received after 15:00 before Tết, finished the first day after Tết: on time",
			Dossier{Status: StatusFinished, DueAt: sameDayLate, FinishedAt: at(2, 23, 10, 0)}, at(3, 10, 8, 0),
			Classification{Class: ClassOnTime}},
		{"received after 15:00, finished that evening: early",
			Dossier{Status: StatusFinished, DueAt: sameDayLate, FinishedAt: at(2, 13, 16, 0)}, at(3, 10, 8, 0),
			Classification{Class: ClassEarly}},
		{"returned, no finished_at: judged on returned_at",
			Dossier{Status: StatusReturned, DueAt: endOf(3, 4), ReturnedAt: at(3, 5, 9, 0)}, at(3, 10, 8, 0),
			Classification{Class: ClassLate}},
		{"finished on time, late on the system",
			Dossier{Status: StatusFinished, DueAt: endOf(3, 4), FinishedAt: at(3, 4, 10, 0), SystemFinishedAt: at(3, 5, 8, 0)}, at(3, 10, 8, 0),
			Classification{Class: ClassOnTime, LateOnSystem: true}},
		{"finished early, system on the due day: not late on the system",
			Dossier{Status: StatusFinished, DueAt: endOf(3, 4), FinishedAt: at(3, 3, 10, 0), SystemFinishedAt: at(3, 4, 20, 0)}, at(3, 10, 8, 0),
			Classification{Class: ClassEarly}},
		{"finished late: late, not also late on the system",
			Dossier{Status: StatusFinished, DueAt: endOf(3, 4), FinishedAt: at(3, 5, 10, 0), SystemFinishedAt: at(3, 6, 8, 0)}, at(3, 10, 8, 0),
			Classification{Class: ClassLate}},
		// Ended without result.
		{"withdrawn before due: ended on time",
			Dossier{Status: StatusWithdrawn, DueAt: endOf(3, 4), FinishedAt: at(3, 2, 10, 0)}, at(3, 10, 8, 0),
			Classification{Class: ClassEnded, EndedOnTime: true}},
		{"stopped after due: ended, not on time",
			Dossier{Status: StatusStopped, DueAt: endOf(3, 4), FinishedAt: at(3, 6, 10, 0)}, at(3, 10, 8, 0),
			Classification{Class: ClassEnded}},
		{"rejected with no stop date: stops at reception",
			Dossier{Status: StatusRejected, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(3, 4)}, at(3, 10, 8, 0),
			Classification{Class: ClassEnded, EndedOnTime: true}},
		// Open dossiers.
		{"paused past due: paused, never overdue",
			Dossier{Status: StatusSupplement, DueAt: endOf(3, 4)}, at(3, 10, 8, 0),
			Classification{Class: ClassPaused}},
		{"financial duty past due: paused",
			Dossier{Status: StatusFinancialDuty, DueAt: endOf(3, 4)}, at(3, 10, 8, 0),
			Classification{Class: ClassPaused}},
		{"now exactly at due_at: due today, not overdue",
			Dossier{Status: StatusProcessing, DueAt: at(3, 4, 17, 0)}, at(3, 4, 17, 0),
			Classification{Class: ClassDueToday, NeedsApology: true}},
		{"one second past due_at the same day: overdue 1",
			Dossier{Status: StatusProcessing, DueAt: at(3, 4, 17, 0)}, at(3, 4, 17, 0).Add(time.Second),
			Classification{Class: ClassOverdue, WorkingDaysOverdue: 1}},
		{"due Friday, now Saturday: overdue at least 1",
			Dossier{Status: StatusProcessing, DueAt: endOf(2, 27)}, at(2, 28, 9, 0),
			Classification{Class: ClassOverdue, WorkingDaysOverdue: 1}},
		{"due Friday, now Monday: overdue 1 (weekend not counted)",
			Dossier{Status: StatusProcessing, DueAt: endOf(2, 27)}, at(3, 2, 9, 0),
			Classification{Class: ClassOverdue, WorkingDaysOverdue: 1}},
		{"due Friday, now Tuesday: overdue 2",
			Dossier{Status: StatusAccepted, DueAt: endOf(2, 27)}, at(3, 3, 9, 0),
			Classification{Class: ClassOverdue, WorkingDaysOverdue: 2}},
		{"due before Tết, now the first day after: overdue 1",
			Dossier{Status: StatusProcessing, DueAt: endOf(2, 13)}, at(2, 23, 9, 0),
			Classification{Class: ClassOverdue, WorkingDaysOverdue: 1}},
		{"due before Tết, now in Tết: overdue 1",
			Dossier{Status: StatusProcessing, DueAt: endOf(2, 13)}, at(2, 18, 9, 0),
			Classification{Class: ClassOverdue, WorkingDaysOverdue: 1}},
		{"due Friday, now the làm bù Saturday: overdue 1",
			Dossier{Status: StatusProcessing, DueAt: endOf(3, 6)}, at(3, 7, 9, 0),
			Classification{Class: ClassOverdue, WorkingDaysOverdue: 1}},
		{"due Friday, now Monday after a làm bù Saturday: overdue 2",
			Dossier{Status: StatusProcessing, DueAt: endOf(3, 6)}, at(3, 9, 9, 0),
			Classification{Class: ClassOverdue, WorkingDaysOverdue: 2}},
		{"due today",
			Dossier{Status: StatusProcessing, DueAt: endOf(3, 4)}, at(3, 4, 8, 0),
			Classification{Class: ClassDueToday, NeedsApology: true}},
		{"due tomorrow: due soon, apology needed today",
			Dossier{Status: StatusProcessing, DueAt: endOf(3, 5)}, at(3, 4, 8, 0),
			Classification{Class: ClassDueSoon, WorkingDaysLeft: 1, NeedsApology: true}},
		{"due in 2 working days: due soon",
			Dossier{Status: StatusProcessing, DueAt: endOf(3, 6)}, at(3, 4, 8, 0),
			Classification{Class: ClassDueSoon, WorkingDaysLeft: 2}},
		{"due Monday from Wednesday with a làm bù Saturday: 4 working days, in time",
			Dossier{Status: StatusProcessing, DueAt: endOf(3, 9)}, at(3, 4, 8, 0),
			Classification{Class: ClassInTime, WorkingDaysLeft: 4}},
		{"due Monday from Friday: 1 working day, due soon",
			Dossier{Status: StatusProcessing, DueAt: endOf(3, 2)}, at(2, 27, 8, 0),
			Classification{Class: ClassDueSoon, WorkingDaysLeft: 1, NeedsApology: true}},
		{"due the first day after Tết, now the day before Tết: 2 working days",
			Dossier{Status: StatusProcessing, DueAt: endOf(2, 23)}, at(2, 12, 8, 0),
			Classification{Class: ClassDueSoon, WorkingDaysLeft: 2}},
		{"due Tuesday from Wednesday with a làm bù Saturday: 5 working days",
			Dossier{Status: StatusProcessing, DueAt: endOf(3, 10)}, at(3, 4, 8, 0),
			Classification{Class: ClassInTime, WorkingDaysLeft: 5}},
		{"no due date: in time",
			Dossier{Status: StatusProcessing}, at(3, 4, 8, 0),
			Classification{Class: ClassInTime}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := r.Classify(&tc.d, tc.now)
			got.Deadline = time.Time{} // checked in TestEffectiveDeadline
			if got != tc.want {
				t.Errorf("Classify = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestClassifyDueSoonDays(t *testing.T) {
	d := Dossier{Status: StatusProcessing, DueAt: endOf(3, 5)}
	now := at(3, 4, 8, 0)
	for _, tc := range []struct {
		n    int
		want Class
	}{{0, ClassInTime}, {-1, ClassInTime}, {1, ClassDueSoon}, {5, ClassDueSoon}} {
		r := &Rules{Cal: testCal(), DueSoonDays: tc.n}
		if got := r.Classify(&d, now).Class; got != tc.want {
			t.Errorf("DueSoonDays %d: %s, want %s", tc.n, got, tc.want)
		}
	}
}

func TestClassLabel(t *testing.T) {
	want := map[Class]string{
		ClassEarly: "trước hạn", ClassOnTime: "đúng hạn", ClassLate: "quá hạn", ClassOverdue: "quá hạn",
		ClassDueToday: "đến hạn hôm nay", ClassDueSoon: "sắp đến hạn", ClassInTime: "trong hạn",
		ClassPaused: "tạm dừng", ClassEnded: "dừng/không có kết quả",
	}
	for c, w := range want {
		if got := c.Label(); got != w || got != NFC(got) {
			t.Errorf("%s.Label() = %q, want %q (NFC)", c, got, w)
		}
	}
}

func TestClassifyDoesNotAllocate(t *testing.T) {
	r := testRules()
	ds := []Dossier{
		{Status: StatusProcessing, DueAt: endOf(2, 27)},
		{Status: StatusProcessing, DueAt: endOf(3, 9)},
		{Status: StatusFinished, DueAt: endOf(3, 4), FinishedAt: at(3, 4, 10, 0), SystemFinishedAt: at(3, 5, 8, 0)},
		{Status: StatusStopped, DueAt: endOf(3, 4), FinishedAt: at(3, 6, 10, 0)},
	}
	now := at(3, 4, 8, 0)
	p := MonthPeriod(2026, time.March, testLoc)
	n := testing.AllocsPerRun(100, func() {
		for i := range ds {
			r.Classify(&ds[i], now)
			r.Tally(&ds[i], p)
		}
	})
	if n != 0 {
		t.Errorf("Classify and Tally allocate %v times per run", n)
	}
}

func TestResponsible(t *testing.T) {
	r := testRules()
	now := at(3, 10, 9, 0)
	d := Dossier{Code: "HS1", HandlerCode: "cb3", Status: StatusProcessing, ReceivedAt: at(3, 2, 8, 0), DueAt: endOf(3, 12)}
	steps := []Step{
		{DossierCode: "HS1", Seq: 1, OfficerCode: "cb1", StartedAt: at(3, 2, 8, 0), DueAt: endOf(3, 3), FinishedAt: at(3, 3, 10, 0)},
		{DossierCode: "HS1", Seq: 2, OfficerCode: "cb2", StartedAt: at(3, 3, 10, 0), DueAt: endOf(3, 5), FinishedAt: at(3, 6, 9, 0)},
		{DossierCode: "HS1", Seq: 3, OfficerCode: "cb3", StartedAt: at(3, 6, 9, 0), DueAt: endOf(3, 9)},
		{DossierCode: "OTHER", Seq: 1, OfficerCode: "cbx", DueAt: endOf(3, 1)},
	}
	got := r.Responsible(&d, steps, now)
	want := []Responsibility{
		{OfficerCode: "cb1", StepSeq: 1},
		{OfficerCode: "cb2", StepSeq: 2, Late: true},
		{OfficerCode: "cb3", StepSeq: 3, Overdue: true},
	}
	if len(got) != len(want) {
		t.Fatalf("Responsible = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("step %d: %+v, want %+v", i, got[i], want[i])
		}
	}

	// Paused: the open step is not overdue.
	d.Status = StatusSupplement
	if got := r.Responsible(&d, steps, now); got[2].Overdue {
		t.Errorf("paused dossier: open step overdue: %+v", got[2])
	}

	// Finished on time, late on the system: the open step closes with the
	// dossier, and the last step's officer answers for the system.
	d.Status, d.FinishedAt, d.SystemFinishedAt = StatusFinished, at(3, 9, 16, 0), at(3, 13, 8, 0)
	got = r.Responsible(&d, steps, now)
	if w := (Responsibility{OfficerCode: "cb3", StepSeq: 3, LateOnSystem: true}); got[2] != w {
		t.Errorf("last step: %+v, want %+v", got[2], w)
	}

	// No steps: the handler answers for the dossier's class.
	for _, tc := range []struct {
		d    Dossier
		want []Responsibility
	}{
		{Dossier{Code: "HS2", HandlerCode: "cb9", Status: StatusProcessing, DueAt: endOf(3, 5)}, []Responsibility{{OfficerCode: "cb9", Overdue: true}}},
		{Dossier{Code: "HS2", HandlerCode: "cb9", Status: StatusFinished, DueAt: endOf(3, 5), FinishedAt: at(3, 6, 8, 0)}, []Responsibility{{OfficerCode: "cb9", Late: true}}},
		{Dossier{Code: "HS2", HandlerCode: "cb9", Status: StatusFinished, DueAt: endOf(3, 5), FinishedAt: at(3, 5, 8, 0), SystemFinishedAt: at(3, 6, 8, 0)}, []Responsibility{{OfficerCode: "cb9", LateOnSystem: true}}},
		{Dossier{Code: "HS2", HandlerCode: "cb9", Status: StatusSupplement, DueAt: endOf(3, 5)}, []Responsibility{{OfficerCode: "cb9"}}},
		{Dossier{Code: "HS2", Status: StatusProcessing, DueAt: endOf(3, 5)}, nil},
	} {
		got := r.Responsible(&tc.d, steps, now)
		if len(got) != len(tc.want) || (len(got) == 1 && got[0] != tc.want[0]) {
			t.Errorf("%+v: Responsible = %+v, want %+v", tc.d, got, tc.want)
		}
	}
}

// benchDossiers is a million varied dossiers of 2026, generated once.
var benchDossiers = sync.OnceValue(func() []Dossier {
	return genDossiers(1_000_000, testCal())
})

// genDossiers makes n dossiers from a fixed seed: every status, limits of
// 0–20 working days, finishes early and late, late records on the system,
// supplement waits (some dossiers with two).
func genDossiers(n int, cal *Calendar) []Dossier {
	rng := rand.New(rand.NewPCG(766, 2026))
	loc := cal.Location()
	yearStart := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	statuses := []Status{2, 4, 4, 4, 5, 6, 9, 9, 9, 10, 10, 10, 3, 7, 8}
	ds := make([]Dossier, n)
	for i := range ds {
		d := &ds[i]
		d.Code = "HS"
		d.HandlerCode = "cb"
		d.ReceivedAt = yearStart.Add(time.Duration(rng.Int64N(int64(300 * 24 * time.Hour)))).UTC()
		limit := rng.IntN(21)
		d.DueAt = cal.DueDate(d.ReceivedAt, limit).UTC()
		d.Status = statuses[rng.IntN(len(statuses))]
		span := d.DueAt.Sub(d.ReceivedAt)
		if rng.IntN(10) == 0 {
			w := time.Duration(rng.Int64N(int64(5 * 24 * time.Hour)))
			s := d.ReceivedAt.Add(span / 3)
			d.Supplements = []Interval{{s, s.Add(w)}}
			if rng.IntN(3) == 0 {
				d.Supplements = append(d.Supplements, Interval{s.Add(2 * w), s.Add(3 * w)})
			}
			if d.Status.IsPaused() {
				d.Supplements[len(d.Supplements)-1].End = time.Time{}
			}
		}
		if d.Status.IsFinished() || d.Status.IsEndedWithoutResult() {
			d.FinishedAt = d.ReceivedAt.Add(time.Duration(rng.Float64() * 1.3 * float64(span+time.Hour)))
			if rng.IntN(8) == 0 {
				d.SystemFinishedAt = d.FinishedAt.Add(time.Duration(rng.Int64N(int64(72 * time.Hour))))
			}
		}
	}
	return ds
}

func BenchmarkClassify1M(b *testing.B) {
	ds := benchDossiers()
	r := testRules()
	now := at(10, 15, 9, 0)
	var by [16]int
	b.ReportAllocs()
	for b.Loop() {
		for i := range ds {
			by[len(r.Classify(&ds[i], now).Class)]++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ds)), "ns/dossier")
	if by[0] != 0 {
		b.Fatal("unclassified dossiers")
	}
}

// A step without a step deadline (vendors' exports) answers to the
// dossier's deadline, in Responsible and in the step facts alike.
func TestStepWithoutDeadline(t *testing.T) {
	r := testRules()
	d := Dossier{Code: "HS1", HandlerCode: "cb9", Status: StatusProcessing, ReceivedAt: at(3, 2, 8, 0), DueAt: endOf(3, 12)}
	cases := []struct {
		name string
		step Step
		now  time.Time
		want Responsibility
	}{
		{"finished before the dossier's deadline", Step{Seq: 1, OfficerCode: "cb1", FinishedAt: at(3, 11, 9, 0)}, at(3, 20, 9, 0),
			Responsibility{OfficerCode: "cb1", StepSeq: 1}},
		{"finished after it", Step{Seq: 1, OfficerCode: "cb1", FinishedAt: at(3, 13, 9, 0)}, at(3, 20, 9, 0),
			Responsibility{OfficerCode: "cb1", StepSeq: 1, Late: true}},
		{"open, dossier not due yet", Step{Seq: 1, OfficerCode: "cb1"}, at(3, 12, 9, 0),
			Responsibility{OfficerCode: "cb1", StepSeq: 1}},
		{"open past the dossier's deadline", Step{Seq: 1, OfficerCode: "cb1"}, at(3, 13, 9, 0),
			Responsibility{OfficerCode: "cb1", StepSeq: 1, Overdue: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := r.Responsible(&d, []Step{c.step}, c.now)
			if len(got) != 1 || got[0] != c.want {
				t.Errorf("Responsible = %+v, want %+v", got, c.want)
			}
			if sf := r.StepFactsOf(&d, []Step{c.step}); len(sf) != 1 || !sf[0].Deadline.Equal(r.Deadline(&d)) {
				t.Errorf("step facts deadline %v, want the dossier's %v", sf, r.Deadline(&d))
			}
		})
	}
	if err := (&Step{DossierCode: "HS1", Seq: 1, OfficerCode: "cb1"}).Validate(); err != nil {
		t.Errorf("a step without a deadline is valid: %v", err)
	}
}
