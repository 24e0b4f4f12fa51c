package models

import "time"

// Class is what a dossier is at a given moment: a finished dossier's result
// (early, on time, late), an open dossier's standing (overdue, due today,
// due soon, in time, paused), or ended without result.
type Class string

// The classes (docs/domain.md "Classification").
const (
	ClassEarly  Class = "early"   // finished, on a day before the due date
	ClassOnTime Class = "on_time" // finished on the due date, not after due_at
	ClassLate   Class = "late"    // finished after the effective deadline (and after the extended one)
	// ClassLateApology: finished after the original effective deadline but
	// by the one an apology letter set (quá hạn, đã xin lỗi): late, shown
	// apart, never on time.
	ClassLateApology Class = "late_apology"
	ClassOverdue     Class = "overdue"   // open and past due_at
	ClassDueToday    Class = "due_today" // open, due_at falls today
	ClassDueSoon     Class = "due_soon"  // open, due within Rules.DueSoonDays working days
	ClassInTime      Class = "in_time"   // open, due later
	ClassPaused      Class = "paused"    // open, waiting on the applicant (status 5, 6)
	ClassEnded       Class = "ended"     // ended without result (status 3, 7, 8)
)

// Label returns the Vietnamese name of the class.
func (c Class) Label() string {
	switch c {
	case ClassEarly:
		return "trước hạn"
	case ClassOnTime:
		return "đúng hạn"
	case ClassLate, ClassOverdue:
		return "quá hạn"
	case ClassLateApology:
		return "quá hạn, đã xin lỗi"
	case ClassDueToday:
		return "đến hạn hôm nay"
	case ClassDueSoon:
		return "sắp đến hạn"
	case ClassInTime:
		return "trong hạn"
	case ClassPaused:
		return "tạm dừng"
	case ClassEnded:
		return "dừng/không có kết quả"
	}
	return string(c)
}

// IsFinished reports the classes of a dossier finished with a result.
func (c Class) IsFinished() bool {
	return c == ClassEarly || c == ClassOnTime || c == ClassLate || c == ClassLateApology
}

// IsLate reports the classes of a dossier finished late, with or without
// an apology letter.
func (c Class) IsLate() bool { return c == ClassLate || c == ClassLateApology }

// IsOpen reports the classes of a dossier still open.
func (c Class) IsOpen() bool {
	switch c {
	case ClassOverdue, ClassDueToday, ClassDueSoon, ClassInTime, ClassPaused:
		return true
	}
	return false
}

// Rules are the pure domain rules: classification, responsibility and a
// period's figures. A Rules value is read-only and safe for concurrent use.
type Rules struct {
	Cal *Calendar
	// DueSoonDays: an open dossier due within this many working days after
	// today is due_soon (config DONDOC_DUE_SOON_DAYS, default 2); 0 or less
	// means no dossier is due_soon, only due_today.
	DueSoonDays int
	// Clock is what the export's due date means after a supplement wait
	// (config SUPPLEMENT_CLOCK); empty means ClockPause.
	Clock SupplementClock
	// Excess is which dossiers the 766 rule "more than one supplement
	// request counts as overdue" applies to (config SUPPLEMENT_EXCESS);
	// empty means ExcessAll.
	Excess ExcessRule
}

// ExcessRule is the reach of indicator 2.1's "more than one supplement
// request counts as overdue" (docs/domain.md, "The national indicator
// set"). The rule book applies it to every dossier in scope; the
// Government Office's formula text attaches it to a dossier whose process
// ends on the supplement request ("trừ trường hợp “Yêu cầu bổ sung hồ sơ”
// hơn 01 lần thì tính quá hạn", inside the case of a dossier that has only
// that status and no "Đã xử lý xong" / "Đã trả kết quả").
type ExcessRule string

// The two readings.
const (
	ExcessAll     ExcessRule = "all"     // every dossier in scope (the rule book; the default)
	ExcessWaiting ExcessRule = "waiting" // only a dossier still waiting when judged (the formula text)
)

// excessApplies reports whether the excess rule applies to a dossier that
// had ended (finished or stopped) by the instant it is judged at.
func (r *Rules) excessApplies(endedByThen bool) bool {
	return r.Excess != ExcessWaiting || !endedByThen
}

// Classification is the verdict on one dossier at one moment.
type Classification struct {
	Class Class
	// Deadline is the effective deadline the class was judged against
	// (docs/domain.md "Effective deadline"): for a finished dossier the
	// original one (see Rules.OriginalDeadline), else the current one;
	// Forever when there is none.
	Deadline time.Time
	// LateOnSystem: finished early or on time (finished_at ≤ deadline) but
	// recorded on the provincial system after the deadline.
	LateOnSystem bool
	// SecondExtension: the appointment date was moved more than once (the
	// law allows one); flagged whatever the class.
	SecondExtension bool
	// WorkingDaysOverdue (overdue only): working days from the day after
	// the due date through today, at least 1.
	WorkingDaysOverdue int
	// WorkingDaysLeft (open, not overdue, not paused): working days after
	// today up to and including the due date; 0 when due today.
	WorkingDaysLeft int
	// NeedsApology: open, running, not yet overdue and due today or on the
	// next working day — the apology letter must go out before the due date.
	NeedsApology bool
	// EndedOnTime (ended only): stopped at or before the effective deadline.
	EndedOnTime bool
}

// StopAt returns when a finished or ended dossier stopped: finished_at,
// else returned_at, else system_finished_at, else received_at (a dossier
// not accepted usually stops where it was received). Validate rejects a
// finished dossier without an end date; the fallbacks keep the rules total.
// Zero only when every one of those is absent.
func StopAt(d *Dossier) time.Time {
	if t := d.EndAt(); !t.IsZero() {
		return t
	}
	if !d.SystemFinishedAt.IsZero() {
		return d.SystemFinishedAt
	}
	return d.ReceivedAt
}

// closed reports a dossier finished or ended without result.
func closed(d *Dossier) bool { return d.Status.IsFinished() || d.Status.IsEndedWithoutResult() }

// Classify judges d at now. It does not allocate.
//
// Every comparison is with the effective deadline (see EffectiveDeadline).
// A dossier without due_at (rejected by Validate) is never late or overdue.
// An unknown status is treated as open and running.
func (r *Rules) Classify(d *Dossier, now time.Time) Classification {
	var c Classification
	switch {
	case d.Status.IsFinished():
		c = r.classifyFinished(d)
	case d.Status.IsEndedWithoutResult():
		c.Deadline = r.Deadline(d)
		c.Class, c.EndedOnTime = ClassEnded, !StopAt(d).After(c.Deadline)
	case d.Status.IsPaused():
		c.Class, c.Deadline = ClassPaused, r.Deadline(d)
	default:
		c = r.classifyOpen(d, now)
	}
	c.SecondExtension = d.SecondExtension()
	return c
}

// classifyFinished judges a dossier finished with a result against its
// original effective deadline; after it, by the extended one, it is
// late-with-apology.
func (r *Rules) classifyFinished(d *Dossier) Classification {
	end := StopAt(d)
	if d.DueAt.IsZero() {
		return Classification{Class: ClassOnTime, Deadline: Forever}
	}
	dl := r.OriginalDeadline(d)
	c := Classification{Deadline: dl}
	switch {
	case end.After(dl):
		c.Class = ClassLate
		if d.Extended() && !end.After(r.Deadline(d)) {
			c.Class = ClassLateApology
		}
	case r.dateOf(end) < r.dateOf(dl):
		c.Class = ClassEarly
	default:
		c.Class = ClassOnTime
	}
	c.LateOnSystem = !c.Class.IsLate() && d.SystemFinishedAt.After(dl)
	return c
}

// classifyOpen judges a running dossier at now (pauses are the caller's)
// against its current effective deadline.
func (r *Rules) classifyOpen(d *Dossier, now time.Time) Classification {
	due := r.Deadline(d)
	if due.Equal(Forever) {
		return Classification{Class: ClassInTime, Deadline: due}
	}
	today := r.dateOf(now)
	dueDay := r.dateOf(due)
	if now.After(due) {
		n := r.Cal.WorkingDaysBetween(dueDay+1, today)
		if n < 1 {
			n = 1
		}
		return Classification{Class: ClassOverdue, Deadline: due, WorkingDaysOverdue: n}
	}
	if dueDay <= today {
		return Classification{Class: ClassDueToday, Deadline: due, NeedsApology: true}
	}
	left := r.Cal.WorkingDaysBetween(today+1, dueDay)
	c := Classification{Class: ClassInTime, Deadline: due, WorkingDaysLeft: left, NeedsApology: left <= 1}
	if left <= r.DueSoonDays {
		c.Class = ClassDueSoon
	}
	return c
}

// dateOf returns the local civil date of t.
func (r *Rules) dateOf(t time.Time) Date { return DateOf(t, r.Cal.Location()) }

// Responsibility is one officer's share of a dossier: a step they held, or
// the whole dossier when there are no steps (StepSeq 0).
type Responsibility struct {
	OfficerCode  string
	StepSeq      int
	Late         bool // finished after the deadline (with or without apology)
	LateApology  bool // of Late, finished by the date an apology letter set
	LateOnSystem bool // finished on time, recorded late on the system
	Overdue      bool // still open and past the deadline at now
}

// Responsible says who answers for d at now. Where steps exist (those
// whose DossierCode is d's, or empty), each step is judged against its own
// effective deadline (the dossier's when the step has none) (the step's due date moved by the supplement waits,
// see EffectiveDeadline) — late when its finished time is past it, overdue when still
// open at now past it — and its officer answers for it. A step left open
// on a dossier that has since finished or ended counts as finished when the
// dossier stopped; an open step of a paused dossier is not overdue. A
// dossier late on the system is put on the officer of its last step (the
// one who closed it). Where no step exists, the handler answers for the
// dossier's own class. Officers with an empty code are left out.
func (r *Rules) Responsible(d *Dossier, steps []Step, now time.Time) []Responsibility {
	var out []Responsibility
	cls := r.Classify(d, now)
	c := stepContextOf(d)
	last := c.last(steps)
	if last < 0 {
		if d.HandlerCode == "" {
			return nil
		}
		return []Responsibility{{
			OfficerCode:  d.HandlerCode,
			Late:         cls.Class.IsLate(),
			LateApology:  cls.Class == ClassLateApology,
			LateOnSystem: cls.LateOnSystem,
			Overdue:      cls.Class == ClassOverdue,
		}}
	}
	for i := range steps {
		s := &steps[i]
		if !c.owns(s) || s.OfficerCode == "" {
			continue
		}
		end := c.end(s)
		x := Responsibility{OfficerCode: s.OfficerCode, StepSeq: s.Seq}
		if base := c.due(s); !base.IsZero() {
			dl := r.effectiveDeadline(c.waits, base)
			if !end.IsZero() {
				x.Late = end.After(dl)
			} else {
				x.Overdue = !d.Status.IsPaused() && now.After(dl)
			}
		}
		x.LateOnSystem = i == last && cls.LateOnSystem
		out = append(out, x)
	}
	return out
}

// stepOf reports whether s belongs to d.
func stepOf(d *Dossier, s *Step) bool {
	c := stepContext{code: d.Code}
	return c.owns(s)
}
