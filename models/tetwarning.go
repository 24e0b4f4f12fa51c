package models

import "time"

// TetWarning says that next year's Tết Nguyên Đán rests on the built-in
// rule alone: from 1 October of Year-1, while no official day off of it is
// in the calendar. From and To span the days off the rule gives (weekends
// included), which the government usually changes.
type TetWarning struct {
	Year     int
	From, To Date
}

// NextTetWarning returns the warning due on day (false when next year's Tết
// is confirmed, or before 1 October).
func NextTetWarning(c *Calendar, day Date) (TetWarning, bool) {
	y, m, _ := day.YMD()
	if m < time.October || c.TetConfirmed(y+1) {
		return TetWarning{}, false
	}
	tet, err := LunarToSolar(1, 1, y+1, false)
	if err != nil {
		return TetWarning{}, false
	}
	w := TetWarning{Year: y + 1, From: tet - 1, To: tet}
	for !c.IsWorkingDay(w.From - 1) {
		w.From--
	}
	for !c.IsWorkingDay(w.To + 1) {
		w.To++
	}
	// Leading weekend days before the first day off are not Tết.
	for w.From.IsWeekend() && w.From < tet-1 {
		w.From++
	}
	return w, true
}

// FirstWorkingDayOfWeek reports whether day is the first working day of its
// week (Monday to Sunday): the day a weekly note is due.
func FirstWorkingDayOfWeek(c *Calendar, day Date) bool {
	if !c.IsWorkingDay(day) {
		return false
	}
	for d := day - 1; d.Weekday() != time.Sunday; d-- {
		if c.IsWorkingDay(d) {
			return false
		}
	}
	return true
}
