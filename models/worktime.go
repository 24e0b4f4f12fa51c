package models

import "time"

// Working time for the risk model: the office day runs from 07:30 to 17:00
// local time on working days (the lunch break is not subtracted: exports
// record steps finished at lunch time too). An instant outside office
// hours counts as the nearest edge of the office day; days off count
// nothing. Vietnam has no daylight saving, so the zone offset is taken once.
const (
	workDayStartMin = 7*60 + 30
	workDayEndMin   = 17 * 60
	// WorkMinutesPerDay is the length of an office day in minutes.
	WorkMinutesPerDay = workDayEndMin - workDayStartMin
)

// workClock converts instants to a running count of working minutes.
type workClock struct {
	cal       *Calendar
	offset    int64 // seconds east of UTC
	epochDate Date  // the local date of Unix day 0
}

func newWorkClock(cal *Calendar) workClock {
	_, off := time.Date(2026, 1, 1, 0, 0, 0, 0, cal.Location()).Zone()
	return workClock{cal: cal, offset: int64(off), epochDate: NewDate(1970, time.January, 1)}
}

// minutes returns the working minutes from the calendar's first day to the
// instant given in Unix seconds. It is non-decreasing in sec.
func (w workClock) minutes(sec int64) int64 {
	local := sec + w.offset
	day := local / 86400
	rem := local % 86400
	if rem < 0 {
		rem += 86400
		day--
	}
	d := w.epochDate + Date(day)
	c := w.cal
	var before int64 // working days strictly before d
	switch {
	case d <= c.first:
		return 0
	case d > c.last:
		before = int64(c.cum[len(c.cum)-1])
		for x := c.last + 1; x < d; x++ {
			if !x.IsWeekend() {
				before++
			}
		}
	default:
		before = int64(c.cum[d-1-c.first])
	}
	m := before * WorkMinutesPerDay
	if c.IsWorkingDay(d) {
		in := rem/60 - workDayStartMin
		m += min(max(in, 0), WorkMinutesPerDay)
	}
	return m
}

// WorkingMinutes returns the working minutes between a and b (0 when b is
// not after a), by the calendar and the office day of 07:30–17:00.
func (c *Calendar) WorkingMinutes(a, b time.Time) int64 {
	if !b.After(a) {
		return 0
	}
	w := newWorkClock(c)
	return w.minutes(b.Unix()) - w.minutes(a.Unix())
}
