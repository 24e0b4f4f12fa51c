package models

import (
	"fmt"
	"sort"
	"sync/atomic"
	"time"
)

// CalendarConfig sets up a working-day calendar.
type CalendarConfig struct {
	// Location is the local time zone (Asia/Ho_Chi_Minh); nil means UTC+7.
	Location *time.Location
	// Cutoff is the time of day after which a dossier of a same-day
	// procedure counts as received on the next working day (default 15:00).
	CutoffHour, CutoffMinute int
	// FirstYear and LastYear bound the precomputed range (default 1990–2100);
	// outside it only weekends are days off.
	FirstYear, LastYear int
	// Rules gives the built-in holidays of a year; nil means VietnamHolidays.
	Rules func(year int) []Holiday
	// Overrides are the official yearly notices (days off, làm bù working
	// days); they win over the rules.
	Overrides []Holiday
}

// Calendar answers working-day questions in O(1) or O(log n) from a
// precomputed table. It is safe for concurrent use. Its table is immutable
// but can be replaced as a whole (Replace): a holiday the secretariat imports
// reaches every holder of the *Calendar without a restart.
type Calendar struct {
	tab atomic.Pointer[calTable]
}

// calTable is one version of a calendar.
type calTable struct {
	loc          *time.Location
	cutoffMinute int
	first, last  Date
	working      []bool
	cum          []int32 // cum[i]: working days in [first, first+i]
	named        map[Date]Holiday
	// confirmed: years with an override (official notice or import).
	confirmed map[int]bool
	// tetConfirmed: years whose Tết has an overriding day off.
	tetConfirmed map[int]bool
}

// Replace makes c answer as n does from now on (n is left as it is).
func (c *Calendar) Replace(n *Calendar) { c.tab.Store(n.tab.Load()) }

func (c *Calendar) t() *calTable { return c.tab.Load() }

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.t().loc }

// Cutoff returns the same-day cut-off as hour and minute.
func (c *Calendar) Cutoff() (hour, minute int) { return c.t().cutoff() }

// Today returns the local date of instant t.
func (c *Calendar) Today(t time.Time) Date { return DateOf(t, c.t().loc) }

// IsWorkingDay reports whether d is a working day.
func (c *Calendar) IsWorkingDay(d Date) bool { return c.t().isWorkingDay(d) }

// Named returns the holiday or make-up working day named on d, if any.
func (c *Calendar) Named(d Date) (Holiday, bool) {
	h, ok := c.t().named[d]
	return h, ok
}

// Exceptions lists, in date order, every weekday of year that is a day off
// and every weekend day that is a working day, each with its origin.
func (c *Calendar) Exceptions(year int) []Holiday { return c.t().exceptions(year) }

// Confirmed reports whether year has an official schedule: some day of it
// overridden by a notice shipped with dondoc or imported by the
// secretariat. Days of other years rest on the built-in rule alone
// ("dự kiến").
func (c *Calendar) Confirmed(year int) bool { return c.t().confirmed[year] }

// TetConfirmed reports whether the Tết Nguyên Đán of year has an official
// day off (an override within ten days of the lunar new year), rather than
// the built-in rule's five days.
func (c *Calendar) TetConfirmed(year int) bool { return c.t().tetConfirmed[year] }

// NextWorkingDay returns d if it is a working day, else the first working
// day after it.
func (c *Calendar) NextWorkingDay(d Date) Date { return c.t().nextWorkingDay(d) }

// AddWorkingDays returns the n-th working day after d (before d when n is
// negative); n = 0 returns d itself. AddWorkingDays(Fri 13/2/2026, 1) is
// Mon 23/2/2026, past Tết.
func (c *Calendar) AddWorkingDays(d Date, n int) Date { return c.t().addWorkingDays(d, n) }

// WorkingDaysBetween counts the working days from a to b, both included;
// 0 when b is before a.
func (c *Calendar) WorkingDaysBetween(a, b Date) int { return c.t().workingDaysBetween(a, b) }

// StartDay returns the working day from which a dossier received at t is
// counted: the day itself when it is a working day (and, for a same-day
// procedure, t is not after the cut-off), else the next working day.
func (c *Calendar) StartDay(t time.Time, sameDay bool) Date {
	tb := c.t()
	return tb.startDay(t, sameDay, tb.cutoffMinute)
}

// DueDate returns the appointment date for a dossier received at t with a
// limit of limitDays working days: the end of the limitDays-th working day
// after the day it counts from; for a same-day procedure (limitDays = 0),
// the end of that day, or of the next working day when received after the
// cut-off.
func (c *Calendar) DueDate(received time.Time, limitDays int) time.Time {
	return c.DueDateFor(received, TimeLimit{N: limitDays}, nil)
}

// AddCalendarDays adds n calendar days to d; when the last day is a day
// off it moves to the next working day (Civil Code 2015 Art. 148).
func (c *Calendar) AddCalendarDays(d Date, n int) Date { return c.t().nextWorkingDay(d + Date(n)) }

// String describes the calendar's range, for logs.
func (c *Calendar) String() string {
	t := c.t()
	return fmt.Sprintf("calendar %s–%s, cut-off %02d:%02d", t.first, t.last, t.cutoffMinute/60, t.cutoffMinute%60)
}

func (c *calTable) cutoff() (hour, minute int) { return c.cutoffMinute / 60, c.cutoffMinute % 60 }

// UTC7 is Vietnam's time zone, used when the zone database is unavailable.
var UTC7 = time.FixedZone("ICT", 7*3600)

// DefaultLocation returns Asia/Ho_Chi_Minh, or a fixed UTC+7 zone.
func DefaultLocation() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return UTC7
}

// NewCalendar builds a calendar from the rules and the overrides.
func NewCalendar(cfg CalendarConfig) *Calendar {
	if cfg.Location == nil {
		cfg.Location = DefaultLocation()
	}
	if cfg.CutoffHour == 0 && cfg.CutoffMinute == 0 {
		cfg.CutoffHour = 15
	}
	if cfg.FirstYear == 0 {
		cfg.FirstYear = 1990
	}
	if cfg.LastYear == 0 {
		cfg.LastYear = 2100
	}
	if cfg.Rules == nil {
		cfg.Rules = VietnamHolidays
	}
	c := &calTable{
		loc:          cfg.Location,
		cutoffMinute: cfg.CutoffHour*60 + cfg.CutoffMinute,
		first:        NewDate(cfg.FirstYear, time.January, 1),
		last:         NewDate(cfg.LastYear, time.December, 31),
		named:        map[Date]Holiday{},
		confirmed:    map[int]bool{},
		tetConfirmed: map[int]bool{},
	}
	n := int(c.last-c.first) + 1
	c.working = make([]bool, n)
	for i := range c.working {
		c.working[i] = !(c.first + Date(i)).IsWeekend()
	}
	apply := func(h Holiday) {
		if h.Date < c.first || h.Date > c.last {
			return
		}
		c.working[h.Date-c.first] = h.Kind == DayWorking
		c.named[h.Date] = h
	}
	for y := cfg.FirstYear; y <= cfg.LastYear; y++ {
		for _, h := range cfg.Rules(y) {
			apply(h)
		}
	}
	for _, h := range cfg.Overrides {
		if h.Origin == OriginRule {
			h.Origin = OriginImported
		}
		apply(h)
		y := h.Date.Year()
		c.confirmed[y] = true
		if h.Kind == DayOff {
			if tet, err := LunarToSolar(1, 1, y, false); err == nil && h.Date >= tet-10 && h.Date <= tet+10 {
				c.tetConfirmed[y] = true
			}
		}
	}
	c.cum = make([]int32, n)
	var sum int32
	for i, w := range c.working {
		if w {
			sum++
		}
		c.cum[i] = sum
	}
	out := &Calendar{}
	out.tab.Store(c)
	return out
}

func (c *calTable) inRange(d Date) bool { return d >= c.first && d <= c.last }

func (c *calTable) isWorkingDay(d Date) bool {
	if c.inRange(d) {
		return c.working[d-c.first]
	}
	return !d.IsWeekend()
}

func (c *calTable) exceptions(year int) []Holiday {
	var out []Holiday
	for d := NewDate(year, time.January, 1); d <= NewDate(year, time.December, 31); d++ {
		w := c.isWorkingDay(d)
		if w == d.IsWeekend() {
			h, ok := c.named[d]
			if !ok {
				h = Holiday{Date: d, Kind: DayOff}
				if w {
					h.Kind = DayWorking
				}
			}
			h.Date = d
			out = append(out, h)
		}
	}
	return out
}

func (c *calTable) nextWorkingDay(d Date) Date {
	for !c.isWorkingDay(d) {
		d++
	}
	return d
}

// cumAt returns the number of working days in [first, d] for d in range.
func (c *calTable) cumAt(d Date) int32 {
	if d < c.first {
		return 0
	}
	return c.cum[d-c.first]
}

func (c *calTable) addWorkingDays(d Date, n int) Date {
	if n == 0 {
		return d
	}
	if n > 0 && c.inRange(d) {
		target := c.cumAt(d) + int32(n)
		i := int(d-c.first) + 1
		j := i + sort.Search(len(c.cum)-i, func(k int) bool { return c.cum[i+k] >= target })
		if j < len(c.cum) {
			return c.first + Date(j)
		}
	}
	if n < 0 && c.inRange(d) {
		// The wanted day is the -n-th working day strictly before d: the
		// first day whose running count reaches this target.
		target := c.cumAt(d-1) + int32(n) + 1
		if target >= 1 {
			j := sort.Search(len(c.cum), func(k int) bool { return c.cum[k] >= target })
			return c.first + Date(j)
		}
	}
	// Slow path outside the table.
	step := Date(1)
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d += step
		if c.isWorkingDay(d) {
			n--
		}
	}
	return d
}

func (c *calTable) workingDaysBetween(a, b Date) int {
	if b < a {
		return 0
	}
	if c.inRange(a) && c.inRange(b) {
		return int(c.cumAt(b) - c.cumAt(a-1))
	}
	n := 0
	for d := a; d <= b; d++ {
		if c.isWorkingDay(d) {
			n++
		}
	}
	return n
}

func (c *calTable) startDay(t time.Time, sameDay bool, cutoffMinute int) Date {
	lt := t.In(c.loc)
	d := DateOf(lt, c.loc)
	if !c.isWorkingDay(d) {
		return c.nextWorkingDay(d)
	}
	if sameDay && lt.Hour()*60+lt.Minute() >= cutoffMinute && (lt.Hour()*60+lt.Minute() > cutoffMinute || lt.Second() > 0 || lt.Nanosecond() > 0) {
		return c.nextWorkingDay(d + 1)
	}
	return d
}
