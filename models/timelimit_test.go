package models

import (
	"testing"
	"time"
)

func TestDueDateFor(t *testing.T) {
	cal := NewVietnamCalendar(UTC7, 15, 0)
	at := func(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, UTC7) }
	end := func(y int, m time.Month, d int) time.Time { return NewDate(y, m, d).End(UTC7) }
	cut := func(h, m int) *int { v := h*60 + m; return &v }
	cases := []struct {
		name     string
		received time.Time
		limit    TimeLimit
		cutoff   *int
		want     time.Time
	}{
		{"working days over Tết", at(2026, 2, 13, 9, 0), TimeLimit{N: 1}, nil, end(2026, 2, 23)},
		{"same day before the cut-off", at(2026, 3, 2, 14, 59), TimeLimit{}, nil, end(2026, 3, 2)},
		{"same day after the global cut-off", at(2026, 3, 2, 15, 1), TimeLimit{}, nil, end(2026, 3, 3)},
		{"same day, the procedure's 16:30 cut-off", at(2026, 3, 2, 16, 0), TimeLimit{}, cut(16, 30), end(2026, 3, 2)},
		{"same day, the procedure's 11:00 cut-off", at(2026, 3, 2, 11, 30), TimeLimit{}, cut(11, 0), end(2026, 3, 3)},
		{"calendar days ending on a Saturday", at(2026, 3, 2, 9, 0), TimeLimit{N: 5, Unit: UnitCalendarDays}, nil, end(2026, 3, 9)},
		{"calendar days ending on a weekday", at(2026, 3, 2, 9, 0), TimeLimit{N: 3, Unit: UnitCalendarDays}, nil, end(2026, 3, 5)},
		{"working hours within the morning", at(2026, 3, 2, 8, 0), TimeLimit{N: 2, Unit: UnitWorkingHours}, nil, at(2026, 3, 2, 10, 0)},
		{"working hours across lunch", at(2026, 3, 2, 10, 30), TimeLimit{N: 4, Unit: UnitWorkingHours}, nil, at(2026, 3, 2, 16, 0)},
		{"working hours over a weekend", at(2026, 3, 6, 16, 0), TimeLimit{N: 4, Unit: UnitWorkingHours}, nil, at(2026, 3, 9, 10, 30)},
		{"working hours received at night", at(2026, 3, 2, 20, 0), TimeLimit{N: 8, Unit: UnitWorkingHours}, nil, at(2026, 3, 3, 17, 0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := cal.DueDateFor(c.received, c.limit, c.cutoff); !got.Equal(c.want) {
				t.Errorf("got %v, want %v", got.In(UTC7), c.want)
			}
		})
	}
	if got := cal.DueDate(at(2026, 3, 2, 15, 1), 0); !got.Equal(end(2026, 3, 3)) {
		t.Errorf("DueDate keeps the global cut-off: %v", got)
	}
}

func TestParseLimitUnit(t *testing.T) {
	for in, want := range map[string]LimitUnit{"": UnitWorkingDays, "Ngày làm việc": UnitWorkingDays, "giờ làm việc": UnitWorkingHours,
		"Ngày": UnitCalendarDays, "calendar_days": UnitCalendarDays} {
		if got, err := ParseLimitUnit(in); err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	if _, err := ParseLimitUnit("tuần"); err == nil {
		t.Error("tuần: want an error")
	}
}

func TestCalendarConfirmedAndReplace(t *testing.T) {
	cal := NewVietnamCalendar(UTC7, 15, 0)
	for y, want := range map[int]bool{2025: true, 2026: true, 2027: false} {
		if cal.Confirmed(y) != want || cal.TetConfirmed(y) != want {
			t.Errorf("%d: confirmed %v, Tết confirmed %v, want %v", y, cal.Confirmed(y), cal.TetConfirmed(y), want)
		}
	}
	// On 1/12/2026 the rule puts Tết 2027 at 5–11/2/2027 (with the weekend).
	for _, h := range cal.Exceptions(2027) {
		if h.Name == NameTet && h.Origin != OriginRule {
			t.Errorf("Tết 2027 %v: origin %v", h.Date, h.Origin)
		}
	}
	if cal.IsWorkingDay(NewDate(2027, 2, 5)) || cal.IsWorkingDay(NewDate(2027, 2, 11)) || !cal.IsWorkingDay(NewDate(2027, 2, 12)) {
		t.Error("the rule's Tết 2027 is not 5–11/2/2027")
	}
	// An import of a 2027 schedule replaces the table under every holder.
	next := NewVietnamCalendar(UTC7, 15, 0, Holiday{Date: NewDate(2027, 2, 12), Kind: DayOff, Name: NameTet, Source: "Thông báo x/TB-BNV"})
	before := cal.WorkingDaysBetween(NewDate(2027, 2, 1), NewDate(2027, 2, 28))
	cal.Replace(next)
	if got := cal.WorkingDaysBetween(NewDate(2027, 2, 1), NewDate(2027, 2, 28)); got != before-1 {
		t.Errorf("after Replace: %d working days, want %d", got, before-1)
	}
	if !cal.TetConfirmed(2027) {
		t.Error("Tết 2027 not confirmed by the import")
	}
	if h, ok := cal.Named(NewDate(2027, 2, 12)); !ok || h.Origin != OriginImported || h.Source != "Thông báo x/TB-BNV" {
		t.Errorf("named %+v", h)
	}
}

func TestNextTetWarning(t *testing.T) {
	cal := NewVietnamCalendar(UTC7, 15, 0)
	cases := []struct {
		day  Date
		ok   bool
		from Date
		to   Date
	}{
		{NewDate(2026, 9, 30), false, 0, 0},
		{NewDate(2026, 10, 1), true, NewDate(2027, 2, 5), NewDate(2027, 2, 11)},
		{NewDate(2026, 12, 1), true, NewDate(2027, 2, 5), NewDate(2027, 2, 11)},
		{NewDate(2025, 12, 1), false, 0, 0}, // Tết 2026 is official
	}
	for _, c := range cases {
		w, ok := NextTetWarning(cal, c.day)
		if ok != c.ok || (ok && (w.Year != c.day.Year()+1 || w.From != c.from || w.To != c.to)) {
			t.Errorf("%s: %+v %v, want %v %s–%s", c.day, w, ok, c.ok, c.from, c.to)
		}
	}
	off := NewVietnamCalendar(UTC7, 15, 0, Holiday{Date: NewDate(2027, 2, 4), Kind: DayOff, Name: NameTet})
	if _, ok := NextTetWarning(off, NewDate(2026, 12, 1)); ok {
		t.Error("warned although Tết 2027 was imported")
	}
	for d, want := range map[Date]bool{NewDate(2026, 11, 30): true, NewDate(2026, 12, 1): false,
		NewDate(2026, 2, 23): true /* Monday after Tết */, NewDate(2026, 1, 5): true, NewDate(2026, 1, 10): false /* làm bù Saturday */} {
		if got := FirstWorkingDayOfWeek(cal, d); got != want {
			t.Errorf("FirstWorkingDayOfWeek(%s) = %v", d, got)
		}
	}
}
