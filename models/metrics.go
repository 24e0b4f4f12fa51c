package models

import (
	"fmt"
	"time"
)

// Period is a span of local time, [Start, End): a month, a quarter, a year.
type Period struct {
	Start, End time.Time // End is exclusive
}

// MonthPeriod returns the month of year in loc.
func MonthPeriod(year int, month time.Month, loc *time.Location) Period {
	s := time.Date(year, month, 1, 0, 0, 0, 0, loc)
	return Period{Start: s, End: s.AddDate(0, 1, 0)}
}

// QuarterPeriod returns quarter q (1–4) of year in loc.
func QuarterPeriod(year, q int, loc *time.Location) Period {
	s := time.Date(year, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, loc)
	return Period{Start: s, End: s.AddDate(0, 3, 0)}
}

// YearPeriod returns year in loc.
func YearPeriod(year int, loc *time.Location) Period {
	s := time.Date(year, time.January, 1, 0, 0, 0, 0, loc)
	return Period{Start: s, End: s.AddDate(1, 0, 0)}
}

// Contains reports whether t falls within p.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.Start) && t.Before(p.End) }

// Last returns the last moment of p, at which open dossiers are judged.
func (p Period) Last() time.Time { return p.End.Add(-Resolution) }

var romanQuarters = [...]string{"I", "II", "III", "IV"}

// Label names p in Vietnamese: "tháng 10/2026", "quý IV/2026", "năm 2026",
// else "từ 05/10/2026 đến 20/10/2026" (both days included).
func (p Period) Label() string {
	loc := p.Start.Location()
	s, e := p.Start, p.End.In(loc)
	if s.Day() == 1 && s.Hour() == 0 && s.Minute() == 0 && s.Second() == 0 && s.Nanosecond() == 0 {
		switch {
		case e.Equal(s.AddDate(0, 1, 0)):
			return fmt.Sprintf("tháng %d/%d", int(s.Month()), s.Year())
		case e.Equal(s.AddDate(0, 3, 0)) && (s.Month()-1)%3 == 0:
			return fmt.Sprintf("quý %s/%d", romanQuarters[(s.Month()-1)/3], s.Year())
		case e.Equal(s.AddDate(1, 0, 0)) && s.Month() == time.January:
			return fmt.Sprintf("năm %d", s.Year())
		}
	}
	return "từ " + DateOf(s, loc).VN() + " đến " + DateOf(p.Last(), loc).VN()
}

// pausedAt reports whether d was waiting on the applicant at t: within a
// recorded supplement wait, or in its current pause (status 5, 6) if that
// pause had begun by t (when it is recorded as an open supplement wait,
// from its start; else assumed to have begun by t).
func pausedAt(d *Dossier, t time.Time) bool {
	var open time.Time
	for _, iv := range d.Supplements {
		if iv.Start.IsZero() || iv.Start.After(t) {
			continue
		}
		if iv.End.IsZero() {
			open = iv.Start
			continue
		}
		if iv.End.After(t) {
			return true
		}
	}
	if !d.Status.IsPaused() {
		return false
	}
	return !open.IsZero() || !hasOpenWait(d)
}

// hasOpenWait reports a recorded supplement wait with no end.
func hasOpenWait(d *Dossier) bool {
	for _, iv := range d.Supplements {
		if iv.End.IsZero() && !iv.Start.IsZero() {
			return true
		}
	}
	return false
}

// requestsBy returns how many supplements had been requested by t: the
// recorded waits begun by t, or the exported count when the waits are not
// all recorded.
func requestsBy(d *Dossier, t time.Time) int {
	if d.SupplementCount > len(d.Supplements) {
		return d.SupplementCount
	}
	n := 0
	for _, iv := range d.Supplements {
		if iv.Start.IsZero() || !iv.Start.After(t) {
			n++
		}
	}
	return n
}

// onTime766 judges d at t as indicator 2.1 of Decision 766/QĐ-TTg does:
// t minus the time spent waiting for supplements by t is not after due_at,
// and at most one supplement was requested.
func onTime766(d *Dossier, t time.Time) bool {
	if requestsBy(d, t) > 1 {
		return false
	}
	if d.DueAt.IsZero() {
		return true
	}
	return !t.Add(-d.SupplementWait(t)).After(d.DueAt)
}

// Tally returns d's contribution to the figures of period p and whether d
// is in scope at all (docs/domain.md "A period's figures"). It does
// not allocate.
//
// In scope: received before p.End and not finished or ended before p.Start.
// Finished or ended within p: counted by class; open at p.End (including
// those finished after it): classified at the last moment of p, paused if a
// supplement wait or the current pause covers that moment.
//
// OnTime766 judges every dossier alike — finished, ended, or open at the
// end of p (at its last moment) — as onTime766 does. Two decisions:
//   - the time judged for a finished dossier is the one the national
//     portal sees: system_finished_at when given, else its end; a dossier
//     late on the system is therefore late for indicator 2.1;
//   - a dossier paused at the end of p is judged by its due date shifted by
//     the supplement wait so far (the same subtraction), so a pause does
//     not make it overdue, but a pause begun after the due date does not
//     save it either.
func (r *Rules) Tally(d *Dossier, p Period) (Counts, bool) {
	var c Counts
	if d.ReceivedAt.IsZero() || !d.ReceivedAt.Before(p.End) {
		return c, false
	}
	isClosed := closed(d)
	var stop time.Time
	if isClosed {
		stop = StopAt(d)
		if stop.Before(p.Start) {
			return c, false
		}
	}
	c.InScope = 1
	if !d.ReceivedAt.Before(p.Start) {
		c.Received = 1
	}
	judged := p.Last()
	if isClosed && stop.Before(p.End) {
		if d.Status.IsFinished() {
			cls := r.classifyFinished(d)
			switch cls.Class {
			case ClassEarly:
				c.FinishedEarly = 1
			case ClassOnTime:
				c.FinishedOnTime = 1
			default:
				c.FinishedLate = 1
			}
			if cls.LateOnSystem {
				c.LateOnSystem = 1
			}
			judged = stop
			if d.SystemFinishedAt.After(stop) {
				judged = d.SystemFinishedAt
			}
		} else {
			c.Ended = 1
			if d.DueAt.IsZero() || !stop.After(d.DueAt) {
				c.EndedOnTime = 1
			}
			judged = stop
		}
	} else {
		switch {
		case pausedAt(d, judged):
			c.Paused = 1
		case !d.DueAt.IsZero() && judged.After(d.DueAt):
			c.OpenOverdue = 1
		default:
			c.OpenInTime = 1
		}
	}
	if onTime766(d, judged) {
		c.OnTime766 = 1
	}
	if requestsBy(d, judged) > 1 {
		c.SupplementExcess = 1
	}
	return c, true
}

// OfficerTally calls fn with each officer's share of d's figures for p,
// when d is in scope (see Tally). fn may be called more than once for one
// officer (one call per step they held): add the counts up.
//
// Where steps exist (see Responsible), a step counts when it had started
// (StartedAt, else received_at) before p.End and had not finished before
// p.Start: Handled; Finished with FinishedOnTime or Late when it finished
// within p; OverdueOpen when still open at the end of p and past its
// deadline then, unless the dossier was paused. LateOnSystem goes to the
// officer of the last step when the dossier finished within p late on the
// system. Where no step exists, the handler answers for the dossier as
// Tally counts it; a dossier ended without result counts as handled only.
func (r *Rules) OfficerTally(d *Dossier, steps []Step, p Period, fn func(officer string, c OfficerCounts)) {
	t, ok := r.Tally(d, p)
	if !ok {
		return
	}
	last := lastStep(d, steps)
	if last < 0 {
		if d.HandlerCode == "" {
			return
		}
		oc := OfficerCounts{
			Handled:        1,
			Finished:       t.Finished(),
			Late:           t.FinishedLate,
			LateOnSystem:   t.LateOnSystem,
			OverdueOpen:    t.OpenOverdue,
			FinishedOnTime: t.FinishedEarly + t.FinishedOnTime,
		}
		fn(d.HandlerCode, oc)
		return
	}
	judged := p.Last()
	paused := pausedAt(d, judged)
	for i := range steps {
		s := &steps[i]
		if !stepOf(d, s) || s.OfficerCode == "" {
			continue
		}
		start := s.StartedAt
		if start.IsZero() {
			start = d.ReceivedAt
		}
		end := stepEnd(d, s)
		if !start.Before(p.End) || (!end.IsZero() && end.Before(p.Start)) {
			continue
		}
		oc := OfficerCounts{Handled: 1}
		if !end.IsZero() && end.Before(p.End) {
			oc.Finished = 1
			if !s.DueAt.IsZero() && end.After(s.DueAt) {
				oc.Late = 1
			} else {
				oc.FinishedOnTime = 1
			}
		} else if !paused && !s.DueAt.IsZero() && judged.After(s.DueAt) {
			oc.OverdueOpen = 1
		}
		if i == last {
			oc.LateOnSystem = t.LateOnSystem
		}
		fn(s.OfficerCode, oc)
	}
}
