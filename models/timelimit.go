package models

import (
	"fmt"
	"strings"
	"time"
)

// LimitUnit is the unit of a procedure's time limit (thời hạn giải quyết).
type LimitUnit string

// The units of a time limit.
const (
	UnitWorkingDays  LimitUnit = "working_days"  // ngày làm việc (the default)
	UnitWorkingHours LimitUnit = "working_hours" // giờ làm việc
	UnitCalendarDays LimitUnit = "calendar_days" // ngày (theo lịch)
)

// Label is the unit as the procedure's text writes it.
func (u LimitUnit) Label() string {
	switch u {
	case UnitWorkingHours:
		return "giờ làm việc"
	case UnitCalendarDays:
		return "ngày"
	}
	return "ngày làm việc"
}

// ParseLimitUnit reads a unit as the procedures' lists write it: "ngày làm
// việc", "giờ làm việc", "ngày" (calendar days) or the English names; empty
// means working days.
func ParseLimitUnit(s string) (LimitUnit, error) {
	switch Fold(strings.TrimSpace(s)) {
	case "", "ngay lam viec", "working_days", "working days", "nlv":
		return UnitWorkingDays, nil
	case "gio lam viec", "gio", "working_hours", "working hours":
		return UnitWorkingHours, nil
	case "ngay", "ngay lich", "ngay theo lich", "calendar_days", "calendar days":
		return UnitCalendarDays, nil
	}
	return "", fmt.Errorf("models: %q is not a unit of time limit (expected ngày làm việc, giờ làm việc or ngày)", s)
}

// TimeLimit is a procedure's time limit: N units (N = 0 working days: a
// same-day procedure).
type TimeLimit struct {
	N    int
	Unit LimitUnit
}

// String reads like "5 ngày làm việc".
func (l TimeLimit) String() string { return fmt.Sprintf("%d %s", l.N, l.Unit.Label()) }

// Office hours for limits in working hours: 07:30–11:30 and 13:00–17:00,
// eight hours a working day.
var officeHours = [2][2]int{{7*60 + 30, 11*60 + 30}, {13 * 60, 17 * 60}}

// maxLimitHours bounds a limit in working hours (ten years of them).
const maxLimitHours = 8 * 250 * 10

// DueDateFor returns the appointment date for a dossier received at t under
// limit, with the procedure's own same-day cut-off (minutes after
// midnight; nil: the calendar's):
//
//   - working days: the end of the N-th working day after the day the
//     dossier counts from (StartDay); N = 0 is the end of that day, the
//     next working day's when received after the cut-off;
//   - calendar days: the end of the N-th day after the day of receipt,
//     moved to the next working day when it is a day off (Civil Code 2015
//     Art. 147–148);
//   - working hours: N hours of office time (07:30–11:30, 13:00–17:00 on
//     working days) after receipt.
func (c *Calendar) DueDateFor(received time.Time, limit TimeLimit, cutoffMinute *int) time.Time {
	t := c.t()
	n := max(limit.N, 0)
	switch limit.Unit {
	case UnitCalendarDays:
		d := DateOf(received, t.loc)
		return t.nextWorkingDay(d + Date(n)).End(t.loc)
	case UnitWorkingHours:
		return t.addWorkingMinutes(received, min(n, maxLimitHours)*60)
	}
	cut := t.cutoffMinute
	if cutoffMinute != nil {
		cut = *cutoffMinute
	}
	start := t.startDay(received, n == 0, cut)
	return t.addWorkingDays(start, n).End(t.loc)
}

// addWorkingMinutes walks m minutes of office time from t.
func (c *calTable) addWorkingMinutes(t time.Time, m int) time.Time {
	lt := t.In(c.loc)
	d := DateOf(lt, c.loc)
	at := lt.Hour()*60 + lt.Minute()
	for {
		if c.isWorkingDay(d) {
			for _, span := range officeHours {
				from := max(at, span[0])
				if from >= span[1] {
					continue
				}
				left := span[1] - from
				if m <= left {
					return d.At((from+m)/60, (from+m)%60, c.loc)
				}
				m -= left
			}
		}
		d++
		at = 0
	}
}
