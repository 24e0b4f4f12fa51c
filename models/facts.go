package models

import (
	"slices"
	"time"
)

// Facts is everything about one dossier that does not depend on a period,
// computed once (at import) by Rules.FactsOf, so that a period's Counts are
// a pure function of (Facts, period bounds, judged-at instant) using only
// comparisons of instants: Facts.Tally. A SQL implementation stores one row
// per dossier (table dossier_facts) plus one row per closed supplement wait
// (table dossier_waits) and computes a unit's figures as one GROUP BY.
//
// Instants: "never" is Forever (9999-12-31 UTC), "always" is the zero
// time (0001-01-01 UTC); store both as they are, so every predicate below is
// a plain comparison. Recompute the facts of every dossier when the
// calendar or SUPPLEMENT_CLOCK changes (Class depends on local dates).
//
// Columns (dossier_facts) and what they mean:
//
//	code              Code
//	in_scope          InScope: status ≠ 1 and received_at known
//	received_at       ReceivedAt
//	closed            Closed: finished (9, 10) or ended without result (3, 7, 8)
//	stop_at           StopAt (closed only): StopAt(d)
//	class             Class (closed only): early | on_time | late | late_apology | ended
//	late_on_system    LateOnSystem (finished only)
//	ended_on_time     EndedOnTime (ended only)
//	closed_766        Closed766OnTime (closed only)
//	closed_excess     ClosedExcess (closed only)
//	deadline          Deadline: effective deadline of the current due date
//	deadline_766      Deadline766
//	second_request_at SecondRequestAt
//	paused            Paused: status 5 or 6 now
//	paused_from       PausedFrom (paused only)
//	second_extension  SecondExtension
//	dossier_waits     Waits: (code, start, end) with start < end
//
// Given a period [S, E) and the judged-at instant A (see Period.JudgedAt),
// let E' = min(E, A + 1µs) and J = E' − 1µs (the judged moment). Then, for
// each dossier (predicates in SQL, ":x" are parameters):
//
//	in scope     in_scope AND received_at < :E' AND NOT (closed AND stop_at < :S)
//	received     in scope AND received_at >= :S
//	shut         closed AND stop_at < :E'            (finished or ended within P)
//	early        in scope AND shut AND class = 'early'       (likewise on_time,
//	             late, late_apology; ended: class = 'ended')
//	late_on_sys  in scope AND shut AND late_on_system
//	ended_ok     in scope AND shut AND class = 'ended' AND ended_on_time
//	open         in scope AND NOT shut
//	paused_at    (paused AND paused_from <= :J) OR EXISTS (SELECT 1 FROM
//	             dossier_waits w WHERE w.code = code AND w.start <= :J AND :J < w.end)
//	paused       open AND paused_at
//	overdue      open AND NOT paused_at AND :J > deadline
//	in_time      open AND NOT paused_at AND :J <= deadline
//	on_time_766  in scope AND CASE WHEN shut THEN closed_766
//	             ELSE :J <= deadline_766 AND :J < second_request_at END
//	excess       in scope AND CASE WHEN shut THEN closed_excess
//	             ELSE :J >= second_request_at END
//	second_ext   in scope AND second_extension
//
// Officers: where a dossier has steps, one row per step (StepFacts: officer,
// seq, start, end, deadline, last) with
//
//	handled      dossier in scope AND start < :E' AND NOT (end IS set AND end < :S)
//	finished     handled AND end IS set AND end < :E'
//	late         finished AND end > deadline    (else finished on time)
//	overdue_open handled AND NOT finished AND NOT paused_at AND :J > deadline
//	late_on_sys  handled AND last AND dossier late_on_sys
//
// ("end IS set": a step's end is the zero time while it is open.) Without
// steps the handler gets the dossier's own counts (handled = in scope,
// late = late, late_apology = late_apology, ...), as OfficerTallyFacts does.
type Facts struct {
	Code       string
	InScope    bool
	ReceivedAt time.Time
	Closed     bool
	StopAt     time.Time
	Class      Class
	// LateOnSystem: finished early or on time, recorded late on the system.
	LateOnSystem bool
	EndedOnTime  bool
	// Closed766OnTime: the closed dossier is on time for indicator 2.1,
	// judged at the later of finished_at and system_finished_at (its stop
	// for one ended without result).
	Closed766OnTime bool
	// ClosedExcess: more than one supplement request by that instant.
	ClosedExcess bool
	// Judged766 is that instant, End766 the same minus the supplement waits
	// before it (ClockPause; Judged766 in ClockReset): shown, not counted.
	Judged766, End766 time.Time
	// Deadline is the current effective deadline (Rules.Deadline); an open
	// dossier judged at J after it is overdue. OriginalDeadline is the one a
	// finished dossier's class was judged against.
	Deadline, OriginalDeadline time.Time
	// Deadline766: an open dossier judged at J is on time for indicator 2.1
	// iff J ≤ Deadline766 and J < SecondRequestAt.
	Deadline766 time.Time
	// SecondRequestAt: from this instant on more than one supplement had
	// been requested (zero: always, the exported count says so; Forever:
	// never).
	SecondRequestAt time.Time
	// Paused: status 5 or 6; paused at every J ≥ PausedFrom (zero: always).
	Paused     bool
	PausedFrom time.Time
	// Waits are the closed supplement waits; paused at J when
	// Start ≤ J < End for one of them.
	Waits              []Interval
	SupplementRequests int
	Extended           bool
	SecondExtension    bool
}

// StepFacts is the period-independent part of one step (see Facts).
type StepFacts struct {
	OfficerCode string
	Seq         int
	Start       time.Time // started_at, else the dossier's received_at
	End         time.Time // finished_at, else the dossier's stop when closed; zero while open
	Deadline    time.Time // the step's effective deadline (Forever: none)
	Last        bool      // the dossier's last step: answers for late-on-system
}

// FactsOf computes d's facts.
func (r *Rules) FactsOf(d *Dossier) Facts {
	f := Facts{
		Code:               d.Code,
		InScope:            d.Status != StatusRegistered && !d.ReceivedAt.IsZero(),
		ReceivedAt:         d.ReceivedAt,
		Closed:             closed(d),
		Deadline:           r.Deadline(d),
		OriginalDeadline:   r.OriginalDeadline(d),
		Deadline766:        r.deadline766(d),
		SecondRequestAt:    secondRequestAt(d),
		Paused:             d.Status.IsPaused(),
		SupplementRequests: d.SupplementRequests(),
		Extended:           d.Extended(),
		SecondExtension:    d.SecondExtension(),
	}
	for _, iv := range d.Supplements {
		if iv.End.IsZero() {
			if !iv.Start.IsZero() && (f.PausedFrom.IsZero() || iv.Start.Before(f.PausedFrom)) {
				f.PausedFrom = iv.Start
			}
			continue
		}
		if !iv.Start.IsZero() && iv.End.After(iv.Start) {
			f.Waits = append(f.Waits, iv)
		}
	}
	if !f.Closed {
		return f
	}
	f.StopAt = StopAt(d)
	f.Judged766 = f.StopAt
	if d.Status.IsFinished() {
		cls := r.classifyFinished(d)
		f.Class, f.LateOnSystem = cls.Class, cls.LateOnSystem
		if d.SystemFinishedAt.After(f.Judged766) {
			f.Judged766 = d.SystemFinishedAt
		}
	} else {
		f.Class, f.EndedOnTime = ClassEnded, !f.StopAt.After(f.Deadline)
	}
	f.End766 = f.Judged766
	if r.Clock != ClockReset {
		f.End766 = f.Judged766.Add(-d.SupplementWait(f.Judged766))
	}
	excess := !f.Judged766.Before(f.SecondRequestAt) && r.excessApplies(true)
	f.Closed766OnTime = !f.Judged766.After(f.Deadline766) && !excess
	f.ClosedExcess = excess
	return f
}

// secondRequestAt returns the instant from which more than one supplement
// had been requested (see requestsBy): zero when the exported count alone
// says so, Forever when never, else the second earliest wait start (a wait
// without a start counts from always).
func secondRequestAt(d *Dossier) time.Time {
	if d.SupplementCount > len(d.Supplements) {
		if d.SupplementCount > 1 {
			return time.Time{}
		}
		return Forever
	}
	if len(d.Supplements) < 2 {
		return Forever
	}
	starts := make([]time.Time, len(d.Supplements))
	for i, iv := range d.Supplements {
		starts[i] = iv.Start
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	return starts[1]
}

// StepFactsOf computes the facts of d's steps (those whose DossierCode is
// d's, or empty), in the order given. Steps without an officer are kept
// (they make the dossier one with steps) but never counted. Of d it reads
// only its step context (see SameStepFacts).
func (r *Rules) StepFactsOf(d *Dossier, steps []Step) []StepFacts {
	c := stepContextOf(d)
	last := c.last(steps)
	var out []StepFacts
	for i := range steps {
		s := &steps[i]
		if !c.owns(s) {
			continue
		}
		start := s.StartedAt
		if start.IsZero() {
			start = c.received
		}
		out = append(out, StepFacts{
			OfficerCode: s.OfficerCode, Seq: s.Seq, Start: start, End: c.end(s),
			Deadline: r.effectiveDeadline(c.waits, c.due(s)), Last: i == last,
		})
	}
	return out
}

// stepContext is what the facts of a dossier's steps read of the dossier.
type stepContext struct {
	code     string
	received time.Time
	stop     time.Time // when it closed (StopAt); zero while open
	dueAt    time.Time
	waits    []Interval
}

func stepContextOf(d *Dossier) stepContext {
	c := stepContext{code: d.Code, received: d.ReceivedAt, dueAt: d.DueAt, waits: d.Supplements}
	if closed(d) {
		c.stop = StopAt(d)
	}
	return c
}

// owns reports whether s belongs to the dossier.
func (c *stepContext) owns(s *Step) bool { return s.DossierCode == "" || s.DossierCode == c.code }

// last returns the index of the dossier's step with the highest Seq, or -1.
func (c *stepContext) last(steps []Step) int {
	last := -1
	for i := range steps {
		if c.owns(&steps[i]) && (last < 0 || steps[i].Seq > steps[last].Seq) {
			last = i
		}
	}
	return last
}

// end returns when s finished: its own finished time, else the dossier's
// stop time when the dossier is closed; zero while open.
func (c *stepContext) end(s *Step) time.Time {
	if !s.FinishedAt.IsZero() {
		return s.FinishedAt
	}
	return c.stop
}

// due is the due date s is judged against: its own, or the dossier's when
// the export gave the step none.
func (c *stepContext) due(s *Step) time.Time {
	if s.DueAt.IsZero() {
		return c.dueAt
	}
	return s.DueAt
}

// SameStepFacts reports whether a and b give their steps the same facts:
// StepFactsOf(a, steps) equals StepFactsOf(b, steps) whatever the steps
// and the rules, because StepFactsOf reads nothing else of a dossier than
// what is compared here. An import that changes a dossier without changing
// this need not read its steps back.
func SameStepFacts(a, b *Dossier) bool {
	x, y := stepContextOf(a), stepContextOf(b)
	return x.dueAt.Equal(y.dueAt) && x.sameButDue(&y)
}

// SameStepFactsButDue reports whether a and b give their steps the same
// facts but for the Deadline of the steps without a due date of their own
// (Step.DueAt zero), which are judged against the dossier's: their step
// contexts differ at most in the dossier's due date. Then StepFactsOf(a,
// steps) and StepFactsOf(b, steps) list the same steps with the same
// officer, start, end and Last, whatever the steps and the rules, and
// StepFactsOf of a dossier's steps without a due date of their own gives
// their facts but for Last (which the highest Seq of all its steps
// decides). An import that changes only a dossier's due date reads back
// only those steps.
func SameStepFactsButDue(a, b *Dossier) bool {
	x, y := stepContextOf(a), stepContextOf(b)
	return x.sameButDue(&y)
}

// sameButDue compares two step contexts but for their due dates.
func (x *stepContext) sameButDue(y *stepContext) bool {
	if x.code != y.code || !x.received.Equal(y.received) || !x.stop.Equal(y.stop) || len(x.waits) != len(y.waits) {
		return false
	}
	for i := range x.waits {
		if !x.waits[i].Start.Equal(y.waits[i].Start) || !x.waits[i].End.Equal(y.waits[i].End) {
			return false
		}
	}
	return true
}

// pausedAt reports whether the dossier was waiting on the applicant at j.
func (f *Facts) pausedAt(j time.Time) bool {
	if f.Paused && !f.PausedFrom.After(j) {
		return true
	}
	for _, w := range f.Waits {
		if !w.Start.After(j) && j.Before(w.End) {
			return true
		}
	}
	return false
}

// Tally is the dossier's contribution to the figures of p judged at at,
// and whether it is in scope, computed from the facts alone with the
// predicates of the Facts doc comment. It equals Rules.TallyAt on the
// dossier the facts came from.
func (f *Facts) Tally(p Period, at time.Time) (Counts, bool) {
	var c Counts
	end, j := p.bounds(at)
	if !f.InScope || !f.ReceivedAt.Before(end) || (f.Closed && f.StopAt.Before(p.Start)) {
		return c, false
	}
	c.InScope = 1
	c.Received = b2i(!f.ReceivedAt.Before(p.Start))
	c.SecondExtension = b2i(f.SecondExtension)
	if f.Closed && f.StopAt.Before(end) {
		switch f.Class {
		case ClassEarly:
			c.FinishedEarly = 1
		case ClassOnTime:
			c.FinishedOnTime = 1
		case ClassLate:
			c.FinishedLate = 1
		case ClassLateApology:
			c.FinishedLateApology = 1
		case ClassEnded:
			c.Ended = 1
			c.EndedOnTime = b2i(f.EndedOnTime)
		}
		c.LateOnSystem = b2i(f.LateOnSystem)
		c.OnTime766 = b2i(f.Closed766OnTime)
		c.SupplementExcess = b2i(f.ClosedExcess)
		return c, true
	}
	switch {
	case f.pausedAt(j):
		c.Paused = 1
	case j.After(f.Deadline):
		c.OpenOverdue = 1
	default:
		c.OpenInTime = 1
	}
	c.OnTime766 = b2i(!j.After(f.Deadline766) && j.Before(f.SecondRequestAt))
	c.SupplementExcess = b2i(!j.Before(f.SecondRequestAt))
	return c, true
}

// OfficerTallyFacts is Rules.OfficerTallyAt computed from facts: the
// dossier's facts f with handler (its cán bộ xử lý) and its step facts.
func OfficerTallyFacts(f *Facts, handler string, steps []StepFacts, p Period, at time.Time, fn func(officer string, c OfficerCounts)) {
	t, ok := f.Tally(p, at)
	if !ok {
		return
	}
	if len(steps) == 0 {
		if handler != "" {
			fn(handler, handlerCounts(t))
		}
		return
	}
	end, j := p.bounds(at)
	paused := f.pausedAt(j)
	for i := range steps {
		s := &steps[i]
		if s.OfficerCode == "" || !s.Start.Before(end) || (!s.End.IsZero() && s.End.Before(p.Start)) {
			continue
		}
		oc := OfficerCounts{Handled: 1}
		if !s.End.IsZero() && s.End.Before(end) {
			oc.Finished = 1
			if s.End.After(s.Deadline) {
				oc.Late = 1
			} else {
				oc.FinishedOnTime = 1
			}
		} else if !paused && j.After(s.Deadline) {
			oc.OverdueOpen = 1
		}
		if s.Last {
			oc.LateOnSystem = t.LateOnSystem
		}
		fn(s.OfficerCode, oc)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
