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

// JudgedAt returns the instant at which p's open dossiers are judged when
// the figures are computed at now: p's last moment once p has ended, else
// now, with provisional true ("tạm tính đến …", docs/domain.md).
func (p Period) JudgedAt(now time.Time) (at time.Time, provisional bool) {
	if last := p.Last(); now.Before(last) {
		return now, true
	}
	return p.Last(), false
}

// bounds returns p cut at the judged instant at: the end (exclusive) of the
// part of p that has happened, and its last moment.
func (p Period) bounds(at time.Time) (end, judged time.Time) {
	end = p.End
	if e := at.Add(Resolution); e.Before(end) {
		end = e
	}
	return end, end.Add(-Resolution)
}

// onTime766 judges d at t as indicator 2.1 of Decision 766/QĐ-TTg does:
// t minus the time spent waiting for supplements by t (nothing in
// ClockReset mode, where due_at already moved) is not after due_at, and at
// most one supplement was requested (see Rules.Excess). It is the direct reading of the
// formula; Facts turns it into one comparison (Facts.Deadline766).
func (r *Rules) onTime766(d *Dossier, t time.Time) bool {
	if requestsBy(d, t) > 1 && r.excessApplies(closed(d) && !StopAt(d).After(t)) {
		return false
	}
	if d.DueAt.IsZero() {
		return true
	}
	if r.Clock == ClockReset {
		return !t.After(d.DueAt)
	}
	return !t.Add(-d.SupplementWait(t)).After(d.DueAt)
}

// Tally is TallyAt judged at the last moment of p (p has ended).
func (r *Rules) Tally(d *Dossier, p Period) (Counts, bool) { return r.TallyAt(d, p, p.Last()) }

// TallyAt returns d's contribution to the figures of period p judged at
// the instant at (see Period.JudgedAt: p's last moment, or now for the
// running period) and whether d is in scope at all (docs/domain.md
// "A period's figures"). It is the Go reference: Facts.Tally must give the
// same counts. It does not allocate.
//
// p is cut at at: only what happened by at counts. Out of scope: status 1
// (Mới đăng ký, not yet accepted: the portal does not count it), no
// received_at. In scope: received by at and not finished or ended before
// p.Start. Finished or ended within p by at: counted by class (against the
// effective deadlines, see Classify); otherwise open at at: paused if a
// supplement wait or the current pause covers at, overdue if at is after
// the current effective deadline, else in time.
//
// OnTime766 judges every dossier alike — finished, ended, or open at at —
// as onTime766 does. Two decisions:
//   - the time judged for a finished dossier is the one the national
//     portal sees: the later of finished_at and system_finished_at; a
//     dossier late on the system is therefore late for indicator 2.1;
//   - a dossier paused at at is judged by its due date shifted by the
//     supplement wait so far (the same subtraction), so a pause does not
//     make it overdue, but a pause begun after the due date does not save
//     it either.
func (r *Rules) TallyAt(d *Dossier, p Period, at time.Time) (Counts, bool) {
	var c Counts
	end, judged := p.bounds(at)
	if d.Status == StatusRegistered || d.ReceivedAt.IsZero() || !d.ReceivedAt.Before(end) {
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
	if d.SecondExtension() {
		c.SecondExtension = 1
	}
	if isClosed && stop.Before(end) {
		if d.Status.IsFinished() {
			cls := r.classifyFinished(d)
			switch cls.Class {
			case ClassEarly:
				c.FinishedEarly = 1
			case ClassOnTime:
				c.FinishedOnTime = 1
			case ClassLateApology:
				c.FinishedLateApology = 1
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
			if !stop.After(r.Deadline(d)) {
				c.EndedOnTime = 1
			}
			judged = stop
		}
	} else {
		switch {
		case pausedAt(d, judged):
			c.Paused = 1
		case judged.After(r.Deadline(d)):
			c.OpenOverdue = 1
		default:
			c.OpenInTime = 1
		}
	}
	if r.onTime766(d, judged) {
		c.OnTime766 = 1
	}
	if requestsBy(d, judged) > 1 && r.excessApplies(isClosed && !stop.After(judged)) {
		c.SupplementExcess = 1
	}
	return c, true
}

// OfficerTally is OfficerTallyAt judged at the last moment of p.
func (r *Rules) OfficerTally(d *Dossier, steps []Step, p Period, fn func(officer string, c OfficerCounts)) {
	r.OfficerTallyAt(d, steps, p, p.Last(), fn)
}

// OfficerTallyAt calls fn with each officer's share of d's figures for p
// judged at at, when d is in scope (see TallyAt). fn may be called more
// than once for one officer (one call per step they held): add the counts
// up.
//
// Where steps exist (see Responsible), a step counts when it had started
// (StartedAt, else received_at) before the cut end of p and had not
// finished before p.Start: Handled; Finished with FinishedOnTime or Late
// when it finished within p by at (against the step's effective deadline);
// OverdueOpen when still open at at and past its effective deadline then,
// unless the dossier was paused. LateOnSystem goes to the officer of the
// last step when the dossier finished within p late on the system. Where no
// step exists, the handler answers for the dossier as TallyAt counts it; a
// dossier ended without result counts as handled only.
func (r *Rules) OfficerTallyAt(d *Dossier, steps []Step, p Period, at time.Time, fn func(officer string, c OfficerCounts)) {
	t, ok := r.TallyAt(d, p, at)
	if !ok {
		return
	}
	c := stepContextOf(d)
	last := c.last(steps)
	if last < 0 {
		if d.HandlerCode != "" {
			fn(d.HandlerCode, handlerCounts(t))
		}
		return
	}
	end, judged := p.bounds(at)
	paused := pausedAt(d, judged)
	for i := range steps {
		s := &steps[i]
		if !c.owns(s) || s.OfficerCode == "" {
			continue
		}
		start := s.StartedAt
		if start.IsZero() {
			start = c.received
		}
		sEnd := c.end(s)
		if !start.Before(end) || (!sEnd.IsZero() && sEnd.Before(p.Start)) {
			continue
		}
		dl := r.effectiveDeadline(c.waits, c.due(s))
		oc := OfficerCounts{Handled: 1}
		if !sEnd.IsZero() && sEnd.Before(end) {
			oc.Finished = 1
			if sEnd.After(dl) {
				oc.Late = 1
			} else {
				oc.FinishedOnTime = 1
			}
		} else if !paused && judged.After(dl) {
			oc.OverdueOpen = 1
		}
		if i == last {
			oc.LateOnSystem = t.LateOnSystem
		}
		fn(s.OfficerCode, oc)
	}
}

// handlerCounts is the handler's share of a dossier without steps.
func handlerCounts(t Counts) OfficerCounts {
	return OfficerCounts{
		Handled:        1,
		Finished:       t.Finished(),
		Late:           t.FinishedLate,
		LateApology:    t.FinishedLateApology,
		LateOnSystem:   t.LateOnSystem,
		OverdueOpen:    t.OpenOverdue,
		FinishedOnTime: t.FinishedEarly + t.FinishedOnTime,
	}
}
