package models

import "time"

// Notices behind the official schedules for civil servants (cán bộ, công
// chức, viên chức).
const (
	// Letter 8726/VPCP-KGVX (2024) of the Government Office: Tết Âm lịch,
	// 30/4–1/5 and Quốc khánh 2025; announced by notice 6150/TB-BLĐTBXH.
	Notice2025 = "Công văn 8726/VPCP-KGVX (Thông báo 6150/TB-BLĐTBXH)"
	// Letter 12729/VPCP-KGVX of 25/12/2025: Tết Dương lịch 2026.
	NoticeNewYear2026 = "Công văn 12729/VPCP-KGVX"
	// Notice 9441/TB-BNV of the Ministry of Home Affairs: Tết Âm lịch 2026.
	NoticeTet2026 = "Thông báo 9441/TB-BNV"
	// Quốc khánh 2026: the Ministry of Home Affairs' plan submitted to the
	// Prime Minister in October 2025, announced with Tết 2026 (the press of
	// 2/10/2025 and 17/10/2025 report it; the text of the final notice was
	// not seen, so the source names the plan).
	NoticeNationalDay2026 = "Phương án nghỉ lễ Quốc khánh 2026 của Bộ Nội vụ (kèm Thông báo 9441/TB-BNV)"
)

// official is the table of the official yearly schedules. Only the days
// that differ from, or name the source of, the built-in rules are listed:
// every weekday off of a schedule, its weekend days (so Named cites the
// notice), its làm bù Saturdays, and the weekdays the rules would have
// given off as nghỉ bù but the notice keeps as working days.
//
// Not confirmed, so left to VietnamHolidays (Labour Code 2019 Art. 112):
//   - Giỗ Tổ Hùng Vương 2025 (Mon 7/4/2025: one day, no swap expected);
//   - Giỗ Tổ Hùng Vương 2026 (Sun 26/4/2026 → nghỉ bù Mon 27/4/2026 by the
//     rule, as the press reported; no notice found);
//   - 30/4–1/5/2026 (Thu–Fri, no swap found).
var official = []struct {
	y, m, d1, d2 int // days d1..d2 of month m, year y
	kind         DayKind
	name, source string
}{
	// 2025 — Tết Ất Tỵ: off Sat 25/1 to Sun 2/2/2025 (26 Chạp – mùng 5),
	// 5 days of Tết and 4 weekend days; Mon 3/2 is a working day.
	{2025, 1, 25, 31, DayOff, NameTet, Notice2025},
	{2025, 2, 1, 2, DayOff, NameTet, Notice2025},
	{2025, 2, 3, 3, DayWorking, "Làm việc bình thường sau Tết Nguyên Đán", Notice2025},
	// 2025 — 30/4–1/5: off Wed 30/4 to Sun 4/5; Fri 2/5 swapped with Sat 26/4.
	{2025, 4, 26, 26, DayWorking, "Làm bù cho thứ Sáu 2/5/2025", Notice2025},
	{2025, 4, 30, 30, DayOff, NameReunion, Notice2025},
	{2025, 5, 1, 1, DayOff, NameLabourDay, Notice2025},
	{2025, 5, 2, 2, DayOff, "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)", Notice2025},
	{2025, 5, 3, 4, DayOff, "Nghỉ lễ 30/4–1/5", Notice2025},
	// 2025 — Quốc khánh: off Sat 30/8 to Tue 2/9/2025.
	{2025, 8, 30, 31, DayOff, NameNationalDay, Notice2025},
	{2025, 9, 1, 2, DayOff, NameNationalDay, Notice2025},
	// 2026 — Tết Dương lịch: off Thu 1/1 to Sun 4/1; Fri 2/1 swapped with Sat 10/1.
	{2026, 1, 1, 1, DayOff, NameNewYear, NoticeNewYear2026},
	{2026, 1, 2, 2, DayOff, "Nghỉ hoán đổi (làm bù thứ Bảy 10/1/2026)", NoticeNewYear2026},
	{2026, 1, 3, 4, DayOff, NameNewYear, NoticeNewYear2026},
	{2026, 1, 10, 10, DayWorking, "Làm bù cho thứ Sáu 2/1/2026", NoticeNewYear2026},
	// 2026 — Tết Bính Ngọ: off Sat 14/2 to Sun 22/2/2026 (27 Chạp – mùng 6).
	{2026, 2, 14, 22, DayOff, NameTet, NoticeTet2026},
	// 2026 — Quốc khánh: off Sat 29/8 to Wed 2/9; Mon 31/8 swapped with Sat 22/8.
	{2026, 8, 22, 22, DayWorking, "Làm bù cho thứ Hai 31/8/2026", NoticeNationalDay2026},
	{2026, 8, 29, 30, DayOff, NameNationalDay, NoticeNationalDay2026},
	{2026, 8, 31, 31, DayOff, "Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)", NoticeNationalDay2026},
	{2026, 9, 1, 2, DayOff, NameNationalDay, NoticeNationalDay2026},
}

// OfficialOverrides returns the official schedules of 2025 and 2026 for
// civil servants, each day citing its notice in Source.
func OfficialOverrides() []Holiday {
	var out []Holiday
	for _, e := range official {
		for d := e.d1; d <= e.d2; d++ {
			out = append(out, Holiday{Date: NewDate(e.y, time.Month(e.m), d), Kind: e.kind, Name: e.name, Source: e.source, Origin: OriginOfficial})
		}
	}
	return out
}

// NewVietnamCalendar returns the Vietnamese working-day calendar in loc
// with the given same-day cut-off: the Labour Code rules, then the official
// overrides, then extra (the holidays the secretariat entered), each
// winning over the ones before.
func NewVietnamCalendar(loc *time.Location, cutoffHour, cutoffMinute int, extra ...Holiday) *Calendar {
	ov := OfficialOverrides()
	for _, h := range extra {
		h.Origin = OriginImported
		ov = append(ov, h)
	}
	return NewCalendar(CalendarConfig{
		Location:     loc,
		CutoffHour:   cutoffHour,
		CutoffMinute: cutoffMinute,
		Rules:        VietnamHolidays,
		Overrides:    ov,
	})
}
