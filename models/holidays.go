package models

import (
	"sort"
	"time"
)

// SourceLabourCode is the Source of the built-in holidays.
const SourceLabourCode = "Bộ luật Lao động 2019, Điều 112"

// Names of the public holidays.
const (
	NameNewYear     = "Tết Dương lịch"
	NameTet         = "Tết Nguyên Đán"
	NameHungKings   = "Giỗ Tổ Hùng Vương"
	NameReunion     = "Ngày Chiến thắng"
	NameLabourDay   = "Quốc tế Lao động"
	NameNationalDay = "Quốc khánh"
	makeUpPrefix    = "Nghỉ bù "
)

// VietnamHolidays returns the days off of year given by the Labour Code
// 2019 Art. 112, in date order, all of Kind DayOff:
//
//   - Tết Dương lịch, 1/1;
//   - Tết Nguyên Đán, 5 days: by default the last day of the lunar year and
//     days 1–4 of the new one (the government fixes the real days each year;
//     they come as overrides, see OfficialOverrides);
//   - Giỗ Tổ Hùng Vương, 10/3 of the (Vietnamese) lunar calendar;
//   - Ngày Chiến thắng 30/4 and Quốc tế Lao động 1/5;
//   - Quốc khánh 2/9 and one adjacent day: 1/9 when 2/9 is a Tuesday,
//     Wednesday, Friday or Saturday, 3/9 when it is a Monday, Thursday or
//     Sunday — the choice that joins the weekend, as the official notices
//     of 2021–2025 did (2021 Thu→3/9, 2022 Fri→1/9, 2023 Sat→1/9,
//     2024 Mon→3/9, 2025 Tue→1/9).
//
// Nghỉ bù: each holiday falling on a Saturday or Sunday is made up on the
// next working day after its span of holidays (consecutive holidays joined
// by weekends count as one span), named "Nghỉ bù <holiday>".
func VietnamHolidays(year int) []Holiday {
	var days []Holiday
	add := func(d Date, name string) {
		days = append(days, Holiday{Date: d, Kind: DayOff, Name: name, Source: SourceLabourCode})
	}
	add(NewDate(year, time.January, 1), NameNewYear)
	if tet, err := LunarToSolar(1, 1, year, false); err == nil {
		for d := tet - 1; d <= tet+3; d++ {
			add(d, NameTet)
		}
	}
	if gt, err := LunarToSolar(10, 3, year, false); err == nil {
		add(gt, NameHungKings)
	}
	add(NewDate(year, time.April, 30), NameReunion)
	add(NewDate(year, time.May, 1), NameLabourDay)
	nd := NewDate(year, time.September, 2)
	switch nd.Weekday() {
	case time.Monday, time.Thursday, time.Sunday:
		add(nd, NameNationalDay)
		add(nd+1, NameNationalDay)
	default:
		add(nd-1, NameNationalDay)
		add(nd, NameNationalDay)
	}
	sort.SliceStable(days, func(i, j int) bool { return days[i].Date < days[j].Date })
	// Two holidays on one day (Giỗ Tổ on 30/4, say) keep the first name.
	off := make(map[Date]bool, len(days))
	uniq := days[:0]
	for _, h := range days {
		if !off[h.Date] {
			off[h.Date] = true
			uniq = append(uniq, h)
		}
	}
	days = append(uniq, makeUpDays(uniq, off)...)
	sort.SliceStable(days, func(i, j int) bool { return days[i].Date < days[j].Date })
	return days
}

// makeUpDays returns the nghỉ bù days for the weekend holidays of days
// (sorted, distinct): after each span, as many following working days as
// the span has holidays on a weekend.
func makeUpDays(days []Holiday, off map[Date]bool) []Holiday {
	var out []Holiday
	taken := func(d Date) bool { return d.IsWeekend() || off[d] }
	for i := 0; i < len(days); {
		// The span runs while the next holiday follows after weekend days only.
		j := i + 1
		for j < len(days) {
			gap := true
			for d := days[j-1].Date + 1; d < days[j].Date; d++ {
				if !d.IsWeekend() {
					gap = false
					break
				}
			}
			if !gap {
				break
			}
			j++
		}
		next := days[j-1].Date + 1
		for _, h := range days[i:j] {
			if !h.Date.IsWeekend() {
				continue
			}
			for taken(next) {
				next++
			}
			off[next] = true
			out = append(out, Holiday{Date: next, Kind: DayOff, Name: makeUpPrefix + h.Name, Source: SourceLabourCode})
		}
		i = j
	}
	return out
}
