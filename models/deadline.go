package models

import (
	"fmt"
	"strings"
	"time"
)

// SupplementClock says what the export's due date means once a dossier has
// waited for the applicant's supplement (config SUPPLEMENT_CLOCK). It is the
// one place the effective deadline depends on the vendor.
type SupplementClock string

// The supplement clock modes.
const (
	// ClockPause (default): the export's due date is the original one; the
	// clock stops while the dossier waits, so every wait that began before
	// the deadline moves it by the wait's wall-clock length.
	ClockPause SupplementClock = "pause"
	// ClockReset: the vendor's system already moved the due date after each
	// supplement; nothing is added, and the 766 judgement subtracts nothing.
	ClockReset SupplementClock = "reset"
)

// ParseSupplementClock reads a SUPPLEMENT_CLOCK value; empty means pause.
func ParseSupplementClock(s string) (SupplementClock, error) {
	switch c := SupplementClock(strings.ToLower(strings.TrimSpace(s))); c {
	case "", ClockPause:
		return ClockPause, nil
	case ClockReset:
		return c, nil
	}
	return "", fmt.Errorf("models: SUPPLEMENT_CLOCK %q: expected pause or reset", s)
}

// Forever is the deadline of a dossier that cannot be late: no due date, or
// waiting for a supplement (open wait) that began before its deadline. It is
// a real instant (9999-12-31 UTC) so that SQL can compare it like any other.
var Forever = time.Date(9999, time.December, 31, 0, 0, 0, 0, time.UTC)

// eachWait calls fn with the union of d's supplement waits as disjoint
// pieces in increasing order of start (waits without a start are left out;
// overlapping waits count once). An open wait (zero End) is passed with a
// zero end and ends the walk: it covers everything after its start. fn
// returns false to stop. It does not allocate.
func eachWait(ws []Interval, fn func(s, e time.Time) bool) {
	var cover time.Time
	prevI := -1
	var prevS time.Time
	for {
		k := -1
		for i := range ws {
			s := ws[i].Start
			if s.IsZero() {
				continue
			}
			if prevI >= 0 && (s.Before(prevS) || (s.Equal(prevS) && i <= prevI)) {
				continue
			}
			if k < 0 || s.Before(ws[k].Start) || (s.Equal(ws[k].Start) && i < k) {
				k = i
			}
		}
		if k < 0 {
			return
		}
		prevS, prevI = ws[k].Start, k
		s, e := ws[k].Start, ws[k].End
		if !cover.IsZero() && s.Before(cover) {
			s = cover
		}
		if e.IsZero() {
			fn(s, time.Time{})
			return
		}
		if !e.After(s) {
			continue
		}
		cover = e
		if !fn(s, e) {
			return
		}
	}
}

// originalDue returns the appointment date a dossier was first given:
// ngay_hen_tra_ban_dau when it is before the current due date, else the
// current one (no extension).
func (d *Dossier) originalDue() time.Time {
	if !d.OriginalDueAt.IsZero() && d.OriginalDueAt.Before(d.DueAt) {
		return d.OriginalDueAt
	}
	return d.DueAt
}

// Extended reports a dossier whose appointment date was moved by an apology
// letter: the original date (ngay_hen_tra_ban_dau) is before the current
// one (ngay_hen_tra).
func (d *Dossier) Extended() bool { return d.originalDue().Before(d.DueAt) }

// SecondExtension reports a dossier whose appointment date was moved more
// than once (the law allows one): the current due date is after the
// extended one the vendor gives (ngay_gia_han), which is itself after the
// original date when that is known, or the exported extension count is 2 or
// more.
func (d *Dossier) SecondExtension() bool {
	if d.ExtensionCount > 1 {
		return true
	}
	if d.ExtendedDueAt.IsZero() || !d.DueAt.After(d.ExtendedDueAt) {
		return false
	}
	return d.OriginalDueAt.IsZero() || d.ExtendedDueAt.After(d.OriginalDueAt)
}

// EffectiveDeadline is the rule of docs/domain.md "Effective deadline":
// base (a dossier's or a step's due date) plus every supplement wait that
// began before the deadline so far (wall-clock length; waits are taken in
// order of start, so a wait that begins inside the time added by an earlier
// one counts too). An open wait that began before it makes it Forever. In
// ClockReset mode it is base. A zero base (no due date) is Forever.
//
// It decides every class: finished (early, on time, late), open (overdue,
// due today, due soon, working days left or overdue), steps, reminders,
// escalations and the officer list. It does not allocate.
func (r *Rules) EffectiveDeadline(d *Dossier, base time.Time) time.Time {
	return r.effectiveDeadline(d.Supplements, base)
}

// effectiveDeadline is EffectiveDeadline of a dossier whose supplement
// waits are ws.
func (r *Rules) effectiveDeadline(ws []Interval, base time.Time) time.Time {
	if base.IsZero() {
		return Forever
	}
	if r.Clock == ClockReset {
		return base
	}
	dl := base
	eachWait(ws, func(s, e time.Time) bool {
		if !s.Before(dl) {
			return false
		}
		if e.IsZero() {
			dl = Forever
			return false
		}
		dl = dl.Add(e.Sub(s))
		return true
	})
	return dl
}

// Deadline is d's effective deadline for its current due date (ngay_hen_tra).
func (r *Rules) Deadline(d *Dossier) time.Time { return r.EffectiveDeadline(d, d.DueAt) }

// OriginalDeadline is d's effective deadline for its original due date
// (ngay_hen_tra_ban_dau; the current one when there was no extension). A
// finished dossier after it is late, or late-with-apology when it still
// finished by Deadline.
func (r *Rules) OriginalDeadline(d *Dossier) time.Time {
	return r.EffectiveDeadline(d, d.originalDue())
}

// deadline766 returns the last instant t at which d is on time for
// indicator 2.1 when judged at t, apart from the supplement-request count:
// t minus the supplement waits before t is not after due_at. Because that
// difference never decreases with t, the set of such t is everything up to
// one instant, so the indicator becomes a comparison. Forever when there is
// no due date or an open wait began while d was still on time. In
// ClockReset mode it is due_at (nothing subtracted).
func (r *Rules) deadline766(d *Dossier) time.Time {
	due := d.DueAt
	if due.IsZero() {
		return Forever
	}
	if r.Clock == ClockReset {
		return due
	}
	var w time.Duration
	forever := false
	eachWait(d.Supplements, func(s, e time.Time) bool {
		if s.Add(-w).After(due) {
			return false
		}
		if e.IsZero() {
			forever = true
			return false
		}
		w += e.Sub(s)
		return true
	})
	if forever {
		return Forever
	}
	return due.Add(w)
}
