package models

import (
	"strings"
	"testing"
	"time"
)

// excLines renders exceptions as lines: "2026-02-16 nghỉ Tết Nguyên Đán".
func excLines(hs []Holiday) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.Date.String() + " " + h.Kind.Label() + " " + h.Name
	}
	return out
}

func assertLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestOfficialSchedules(t *testing.T) {
	cal := NewVietnamCalendar(UTC7, 15, 0)
	assertLines(t, "2025", excLines(cal.Exceptions(2025)), []string{
		"2025-01-01 nghỉ Tết Dương lịch",
		"2025-01-27 nghỉ Tết Nguyên Đán",
		"2025-01-28 nghỉ Tết Nguyên Đán",
		"2025-01-29 nghỉ Tết Nguyên Đán",
		"2025-01-30 nghỉ Tết Nguyên Đán",
		"2025-01-31 nghỉ Tết Nguyên Đán",
		"2025-04-07 nghỉ Giỗ Tổ Hùng Vương",
		"2025-04-26 làm bù Làm bù cho thứ Sáu 2/5/2025",
		"2025-04-30 nghỉ Ngày Chiến thắng",
		"2025-05-01 nghỉ Quốc tế Lao động",
		"2025-05-02 nghỉ Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)",
		"2025-09-01 nghỉ Quốc khánh",
		"2025-09-02 nghỉ Quốc khánh",
	})
	assertLines(t, "2026", excLines(cal.Exceptions(2026)), []string{
		"2026-01-01 nghỉ Tết Dương lịch",
		"2026-01-02 nghỉ Nghỉ hoán đổi (làm bù thứ Bảy 10/1/2026)",
		"2026-01-10 làm bù Làm bù cho thứ Sáu 2/1/2026",
		"2026-02-16 nghỉ Tết Nguyên Đán",
		"2026-02-17 nghỉ Tết Nguyên Đán",
		"2026-02-18 nghỉ Tết Nguyên Đán",
		"2026-02-19 nghỉ Tết Nguyên Đán",
		"2026-02-20 nghỉ Tết Nguyên Đán",
		"2026-04-27 nghỉ Nghỉ bù Giỗ Tổ Hùng Vương",
		"2026-04-30 nghỉ Ngày Chiến thắng",
		"2026-05-01 nghỉ Quốc tế Lao động",
		"2026-08-22 làm bù Làm bù cho thứ Hai 31/8/2026",
		"2026-08-31 nghỉ Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)",
		"2026-09-01 nghỉ Quốc khánh",
		"2026-09-02 nghỉ Quốc khánh",
	})
	// Every override cites its notice.
	for _, h := range OfficialOverrides() {
		if !strings.Contains(h.Source, "/") {
			t.Errorf("%v %s: no notice in Source %q", h.Date, h.Name, h.Source)
		}
	}
	if h, ok := cal.Named(NewDate(2026, 2, 18)); !ok || h.Source != NoticeTet2026 {
		t.Errorf("Named(18/2/2026) = %+v, %v", h, ok)
	}
}

func TestMakeUpDays(t *testing.T) {
	cal := NewVietnamCalendar(UTC7, 15, 0) // no overrides for these years
	cases := []struct {
		name string
		year int
		want []string
	}{
		{"2022: 1/1 Sat, Giỗ Tổ Sun 10/4, 30/4 Sat and 1/5 Sun, 2/9 Fri", 2022, []string{
			"2022-01-03 nghỉ Nghỉ bù Tết Dương lịch",
			"2022-01-31 nghỉ Tết Nguyên Đán",
			"2022-02-01 nghỉ Tết Nguyên Đán",
			"2022-02-02 nghỉ Tết Nguyên Đán",
			"2022-02-03 nghỉ Tết Nguyên Đán",
			"2022-02-04 nghỉ Tết Nguyên Đán",
			"2022-04-11 nghỉ Nghỉ bù Giỗ Tổ Hùng Vương",
			"2022-05-02 nghỉ Nghỉ bù Ngày Chiến thắng",
			"2022-05-03 nghỉ Nghỉ bù Quốc tế Lao động",
			"2022-09-01 nghỉ Quốc khánh",
			"2022-09-02 nghỉ Quốc khánh",
		}},
		{"2023: Tết from Sat 21/1, Giỗ Tổ Sat 29/4 joins 30/4 Sun and 1/5, 2/9 Sat → 1/9 and nghỉ bù Mon 4/9", 2023, []string{
			"2023-01-02 nghỉ Nghỉ bù Tết Dương lịch",
			"2023-01-23 nghỉ Tết Nguyên Đán",
			"2023-01-24 nghỉ Tết Nguyên Đán",
			"2023-01-25 nghỉ Tết Nguyên Đán",
			"2023-01-26 nghỉ Nghỉ bù Tết Nguyên Đán",
			"2023-01-27 nghỉ Nghỉ bù Tết Nguyên Đán",
			"2023-05-01 nghỉ Quốc tế Lao động",
			"2023-05-02 nghỉ Nghỉ bù Giỗ Tổ Hùng Vương",
			"2023-05-03 nghỉ Nghỉ bù Ngày Chiến thắng",
			"2023-09-01 nghỉ Quốc khánh",
			"2023-09-04 nghỉ Nghỉ bù Quốc khánh",
		}},
	}
	for _, c := range cases {
		assertLines(t, c.name, excLines(cal.Exceptions(c.year)), c.want)
	}
	// 2/9/2029 is a Sunday: 2/9 and 3/9 off, nghỉ bù on Tuesday 4/9.
	var sep []string
	for _, h := range VietnamHolidays(2029) {
		if _, m, _ := h.Date.YMD(); m == time.September {
			sep = append(sep, h.Date.String()+" "+h.Name+" "+h.Source)
		}
	}
	assertLines(t, "2029 Quốc khánh", sep, []string{
		"2029-09-02 Quốc khánh " + SourceLabourCode,
		"2029-09-03 Quốc khánh " + SourceLabourCode,
		"2029-09-04 Nghỉ bù Quốc khánh " + SourceLabourCode,
	})
}

func TestVietnamCalendarArithmetic(t *testing.T) {
	cal := NewVietnamCalendar(UTC7, 15, 0)
	d := func(y, m, dd int) Date { return NewDate(y, time.Month(m), dd) }
	adds := []struct {
		from Date
		n    int
		want Date
	}{
		{d(2026, 2, 13), 1, d(2026, 2, 23)},  // Fri before Tết → Mon after it
		{d(2026, 2, 23), -1, d(2026, 2, 13)}, // and back
		{d(2026, 2, 12), 2, d(2026, 2, 23)},
		{d(2026, 1, 9), 1, d(2026, 1, 10)},  // Fri → làm bù Sat 10/1/2026
		{d(2026, 1, 1), 1, d(2026, 1, 5)},   // Tết Dương lịch 1–4/1
		{d(2025, 4, 25), 1, d(2025, 4, 26)}, // làm bù Sat 26/4/2025
		{d(2025, 4, 29), 1, d(2025, 5, 5)},  // 30/4–4/5/2025 off
	}
	for _, c := range adds {
		if got := cal.AddWorkingDays(c.from, c.n); got != c.want {
			t.Errorf("AddWorkingDays(%v, %d) = %v, want %v", c.from, c.n, got, c.want)
		}
	}
	between := []struct {
		a, b Date
		want int
	}{
		{d(2026, 2, 1), d(2026, 2, 28), 15}, // 20 weekdays − 5 days of Tết
		{d(2026, 1, 1), d(2026, 1, 31), 21}, // 22 weekdays − 1/1 − 2/1 + Sat 10/1
		{d(2026, 1, 10), d(2026, 1, 10), 1},
		{d(2026, 2, 14), d(2026, 2, 22), 0},
	}
	for _, c := range between {
		if got := cal.WorkingDaysBetween(c.a, c.b); got != c.want {
			t.Errorf("WorkingDaysBetween(%v, %v) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	at := func(y, m, dd, h, mi int) time.Time { return time.Date(y, time.Month(m), dd, h, mi, 0, 0, UTC7) }
	dues := []struct {
		name     string
		received time.Time
		limit    int
		want     Date
	}{
		{"same day, before the cut-off", at(2026, 2, 12, 15, 0), 0, d(2026, 2, 12)},
		{"same day, 15:01 on Thu", at(2026, 2, 12, 15, 1), 0, d(2026, 2, 13)},
		{"same day, 15:01 on Fri before Tết", at(2026, 2, 13, 15, 1), 0, d(2026, 2, 23)},
		{"3 days from Fri before Tết", at(2026, 2, 13, 9, 0), 3, d(2026, 2, 25)},
		{"received during Tết counts from Mon 23/2", at(2026, 2, 17, 9, 0), 1, d(2026, 2, 24)},
		{"received on làm bù Sat 10/1/2026", at(2026, 1, 10, 8, 0), 1, d(2026, 1, 12)},
		{"cut-off only for same-day procedures", at(2026, 1, 9, 16, 0), 1, d(2026, 1, 10)},
	}
	for _, c := range dues {
		if got, want := cal.DueDate(c.received, c.limit), c.want.End(UTC7); !got.Equal(want) {
			t.Errorf("%s: DueDate = %v, want %v", c.name, got, want)
		}
	}
	// Extra holidays (the secretariat's) win over the official table.
	extra := Holiday{Date: d(2026, 1, 10), Kind: DayOff, Name: "Nghỉ đột xuất", Source: "test"}
	if NewVietnamCalendar(UTC7, 15, 0, extra).IsWorkingDay(d(2026, 1, 10)) {
		t.Error("extra day off did not win over the làm bù Saturday")
	}
}

func BenchmarkNewVietnamCalendar(b *testing.B) {
	for b.Loop() {
		NewVietnamCalendar(UTC7, 15, 0)
	}
}

func BenchmarkAddWorkingDays(b *testing.B) {
	cal := NewVietnamCalendar(UTC7, 15, 0)
	start := NewDate(2026, 1, 1)
	for i := 0; b.Loop(); i++ {
		cal.AddWorkingDays(start+Date(i%365), 15)
	}
}

func BenchmarkWorkingDaysBetween(b *testing.B) {
	cal := NewVietnamCalendar(UTC7, 15, 0)
	start := NewDate(2026, 1, 1)
	for i := 0; b.Loop(); i++ {
		cal.WorkingDaysBetween(start, start+Date(i%365))
	}
}
