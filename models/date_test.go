package models

import (
	"testing"
	"time"
)

func TestDateAgreesWithTimePackage(t *testing.T) {
	start := time.Date(1899, 12, 25, 0, 0, 0, 0, time.UTC)
	prev := NoDate
	for i := 0; i < 80000; i++ {
		tt := start.AddDate(0, 0, i)
		d := NewDate(tt.Year(), tt.Month(), tt.Day())
		if prev != NoDate && d != prev+1 {
			t.Fatalf("%s: not consecutive", tt.Format(time.DateOnly))
		}
		prev = d
		y, m, dd := d.YMD()
		if y != tt.Year() || m != tt.Month() || dd != tt.Day() {
			t.Fatalf("%s: YMD gives %d-%d-%d", tt.Format(time.DateOnly), y, m, dd)
		}
		if d.Weekday() != tt.Weekday() {
			t.Fatalf("%s: weekday %v, want %v", tt.Format(time.DateOnly), d.Weekday(), tt.Weekday())
		}
		if d.String() != tt.Format(time.DateOnly) {
			t.Fatalf("String %s", d)
		}
	}
}

func TestDateNormalisesLikeTimeDate(t *testing.T) {
	for _, c := range []struct {
		y    int
		m    time.Month
		d    int
		want string
	}{
		{2026, 13, 1, "2027-01-01"}, {2026, 0, 1, "2025-12-01"}, {2026, 4, 31, "2026-05-01"}, {2024, 2, 29, "2024-02-29"}, {2026, 1, 0, "2025-12-31"},
	} {
		if got := NewDate(c.y, c.m, c.d).String(); got != c.want {
			t.Errorf("NewDate(%d,%d,%d) = %s, want %s", c.y, c.m, c.d, got, c.want)
		}
	}
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Error("2026-02-30 parsed")
	}
}

func TestCalendarArithmeticMatchesSlowPath(t *testing.T) {
	// Weekends only (no built-in holidays), so the overrides are the sole exceptions.
	noRules := func(int) []Holiday { return nil }
	cal := NewCalendar(CalendarConfig{FirstYear: 2020, LastYear: 2030, Rules: noRules, Overrides: []Holiday{
		{Date: NewDate(2026, 2, 16), Kind: DayOff}, {Date: NewDate(2026, 2, 28), Kind: DayWorking},
	}})
	slowAdd := func(d Date, n int) Date {
		step := Date(1)
		if n < 0 {
			step, n = -1, -n
		}
		for n > 0 {
			d += step
			if cal.IsWorkingDay(d) {
				n--
			}
		}
		return d
	}
	base := NewDate(2026, 1, 1)
	for i := 0; i < 120; i++ {
		d := base + Date(i)
		for _, n := range []int{-7, -3, -1, 0, 1, 2, 5, 20} {
			if got, want := cal.AddWorkingDays(d, n), slowAdd(d, n); got != want {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, want %s", d, n, got, want)
			}
		}
	}
	if got := cal.WorkingDaysBetween(NewDate(2026, 2, 1), NewDate(2026, 2, 28)); got != 20 {
		t.Errorf("workdays Feb 2026 = %d, want 20 (20 weekdays - 16/2 + Sat 28/2)", got)
	}
}
