// Package digest plans and renders what the daily jobs send: each
// officer's morning digest, the leaders' escalation of overdue dossiers and
// the secretariat's notes. It is pure: no clock, no I/O, no configuration;
// the caller passes the rules, the moment and the rows.
//
// An officer's digest has four sections, each dossier listed once:
//
//   - Overdue: open, running and past due_at (days overdue, most first);
//   - DueToday: due today — every one of them also needs an apology letter
//     (Classification.NeedsApology), shown with a marker on the item;
//   - Apology: not due today but due on the next working day, so the
//     apology letter must go out before the due date (a dossier due the
//     next working day is here, not under DueSoon);
//   - DueSoon: due within Rules.DueSoonDays working days, not needing an
//     apology yet;
//   - AtRisk: due later, but the early-warning model (models.RiskList)
//     says it is likely to finish late: at most MaxAtRisk, riskiest first,
//     each with the model's reason.
//
// Paused dossiers (waiting on the applicant), finished and ended ones and
// those due later are left out: a dossier drops out of the digest the day
// it is settled, and an overdue one is listed every day until then.
package digest

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/dondoc/dondoc/models"
)

// Item is one dossier in a digest or an escalation: the fields shown,
// copied from the row, and its classification at planning time.
type Item struct {
	Code          string
	ProcedureName string
	UnitCode      string
	HandlerCode   string
	ApplicantName string    // personal data: shown only with RenderOptions.ShowApplicant
	DueAt         time.Time // the effective deadline (Class.Deadline), else the due date
	Class         models.Classification
	// Risk and RiskReason: the early-warning model's probability of
	// finishing late and why (AtRisk items only).
	Risk       float64
	RiskReason string
}

// itemOf copies what a digest keeps of d.
func itemOf(d *models.Dossier, c models.Classification) Item {
	return Item{
		Code:          d.Code,
		ProcedureName: d.ProcedureName,
		UnitCode:      d.UnitCode,
		HandlerCode:   d.HandlerCode,
		ApplicantName: d.ApplicantName,
		DueAt:         shownDeadline(d, c),
		Class:         c,
	}
}

// shownDeadline is the deadline an item shows: the effective one d was
// classified against (the due date moved by the supplement waits), else the
// due date when there is none.
func shownDeadline(d *models.Dossier, c models.Classification) time.Time {
	if c.Deadline.IsZero() || !c.Deadline.Before(models.Forever) {
		return d.DueAt
	}
	return c.Deadline
}

// Digest is one officer's morning message, sections in order of urgency
// (see the package comment). Silent is true when there is nothing urgent:
// only due-soon items (sent with disable_notification).
type Digest struct {
	OfficerCode string
	Day         models.Date // the day planned for (local date of now)
	Overdue     []Item      // by working days overdue desc, then due_at, code
	DueToday    []Item      // by due_at, code
	Apology     []Item      // due the next working day; by due_at, code
	DueSoon     []Item      // by due_at, code
	AtRisk      []Item      // the MaxAtRisk riskiest (then by code) of AtRiskTotal
	AtRiskTotal int
	Silent      bool
}

// MaxAtRisk is how many dossiers at risk a digest lists.
const MaxAtRisk = 5

// Len returns the number of dossiers in the digest.
func (d *Digest) Len() int {
	return len(d.Overdue) + len(d.DueToday) + len(d.Apology) + len(d.DueSoon) + len(d.AtRisk)
}

// Clone returns a copy of d that shares no slice with it (use it to keep
// a digest passed to a Planner callback).
func (d *Digest) Clone() Digest {
	c := *d
	c.Overdue = slices.Clone(d.Overdue)
	c.DueToday = slices.Clone(d.DueToday)
	c.Apology = slices.Clone(d.Apology)
	c.DueSoon = slices.Clone(d.DueSoon)
	c.AtRisk = slices.Clone(d.AtRisk)
	return c
}

func (d *Digest) reset(officer string, day models.Date) {
	d.OfficerCode = officer
	d.Day = day
	d.Overdue = d.Overdue[:0]
	d.DueToday = d.DueToday[:0]
	d.Apology = d.Apology[:0]
	d.DueSoon = d.DueSoon[:0]
	d.AtRisk = d.AtRisk[:0]
	d.AtRiskTotal = 0
	d.Silent = false
}

// add files dossier x under its section (AtRisk when risks lists it); it
// reports whether x was kept.
func (d *Digest) add(rules *models.Rules, now time.Time, x *models.Dossier, risks *models.RiskList) bool {
	if x.Status.IsPaused() || x.Status.IsFinished() || x.Status.IsEndedWithoutResult() {
		return false // cheap pre-filter; Classify agrees
	}
	c := rules.Classify(x, now)
	switch {
	case c.Class == models.ClassOverdue:
		d.Overdue = append(d.Overdue, itemOf(x, c))
	case c.Class == models.ClassDueToday:
		d.DueToday = append(d.DueToday, itemOf(x, c))
	case c.NeedsApology:
		d.Apology = append(d.Apology, itemOf(x, c))
	case c.Class == models.ClassDueSoon:
		d.DueSoon = append(d.DueSoon, itemOf(x, c))
	case models.IsRiskCandidate(c):
		w, ok := risks.Get(x.Code)
		if !ok {
			return false
		}
		it := itemOf(x, c)
		it.Risk, it.RiskReason = w.Risk, w.Reason
		d.AtRisk = append(d.AtRisk, it)
	default:
		return false
	}
	return true
}

// finish sorts the sections and sets Silent; false when empty.
func (d *Digest) finish() bool {
	if d.Len() == 0 {
		return false
	}
	slices.SortFunc(d.Overdue, byOverdue)
	slices.SortFunc(d.DueToday, byDue)
	slices.SortFunc(d.Apology, byDue)
	slices.SortFunc(d.DueSoon, byDue)
	slices.SortFunc(d.AtRisk, byRisk)
	d.AtRiskTotal = len(d.AtRisk)
	d.AtRisk = d.AtRisk[:min(len(d.AtRisk), MaxAtRisk)]
	d.Silent = len(d.Overdue) == 0 && len(d.DueToday) == 0 && len(d.Apology) == 0
	return true
}

func byDue(a, b Item) int {
	if c := a.DueAt.Compare(b.DueAt); c != 0 {
		return c
	}
	return cmp.Compare(a.Code, b.Code)
}

func byRisk(a, b Item) int {
	if c := cmp.Compare(b.Risk, a.Risk); c != 0 {
		return c
	}
	return cmp.Compare(a.Code, b.Code)
}

func byOverdue(a, b Item) int {
	if c := cmp.Compare(b.Class.WorkingDaysOverdue, a.Class.WorkingDaysOverdue); c != 0 {
		return c
	}
	return byDue(a, b)
}

// Plan builds officerCode's digest at now from their open dossiers (the
// caller selects them; finished, ended and paused ones are left out here
// anyway). It returns false when there is nothing to say.
func Plan(rules *models.Rules, now time.Time, officerCode string, open []models.Dossier) (Digest, bool) {
	return PlanWithRisks(rules, now, officerCode, open, nil)
}

// PlanWithRisks is Plan with the AtRisk section taken from risks (nil:
// none).
func PlanWithRisks(rules *models.Rules, now time.Time, officerCode string, open []models.Dossier, risks *models.RiskList) (Digest, bool) {
	var d Digest
	d.reset(officerCode, rules.Cal.Today(now))
	for i := range open {
		d.add(rules, now, &open[i], risks)
	}
	if !d.finish() {
		return Digest{}, false
	}
	return d, true
}

// Planner plans the digests of many officers from one stream of rows
// grouped by officer (e.g. ORDER BY handler), keeping only the current
// officer's items in reused buffers. Each officer with something to say is
// passed to the callback once their rows end; the *Digest and its slices
// are reused afterwards — Clone it to keep it. A Planner is not safe for
// concurrent use.
type Planner struct {
	rules *models.Rules
	now   time.Time
	day   models.Date
	emit  func(*Digest) error
	cur   Digest
	open  bool // cur holds an officer
	seen  map[string]struct{}
	err   error
	Rows  int // rows added
	Sent  int // digests passed to the callback
	// Risks fills the AtRisk sections (nil: none); set it before Add.
	Risks *models.RiskList
}

// NewPlanner returns a planner at now that passes each digest to emit; an
// error from emit stops the planner and is returned by Add and Flush.
func NewPlanner(rules *models.Rules, now time.Time, emit func(*Digest) error) *Planner {
	return &Planner{rules: rules, now: now, day: rules.Cal.Today(now), emit: emit, seen: map[string]struct{}{}}
}

// Add takes the next row. Rows of one officer must be consecutive: an
// officer seen again after another one is an error naming both (the row is
// not taken; what was planned so far stands).
func (p *Planner) Add(officerCode string, d *models.Dossier) error {
	if p.err != nil {
		return p.err
	}
	if !p.open || officerCode != p.cur.OfficerCode {
		if _, dup := p.seen[officerCode]; dup {
			return fmt.Errorf("digest: row %d (hồ sơ %s): officer %q comes again after %q; rows must be grouped by officer", p.Rows+1, d.Code, officerCode, p.cur.OfficerCode)
		}
		if err := p.flush(); err != nil {
			return err
		}
		p.seen[officerCode] = struct{}{}
		p.cur.reset(officerCode, p.day)
		p.open = true
	}
	p.Rows++
	p.cur.add(p.rules, p.now, d, p.Risks)
	return nil
}

// Flush emits the last officer's digest; call it once after the last row.
func (p *Planner) Flush() error {
	if p.err != nil {
		return p.err
	}
	return p.flush()
}

func (p *Planner) flush() error {
	if !p.open {
		return nil
	}
	p.open = false
	if !p.cur.finish() {
		return nil
	}
	p.Sent++
	if err := p.emit(&p.cur); err != nil {
		p.err = fmt.Errorf("digest: officer %s: %w", p.cur.OfficerCode, err)
		return p.err
	}
	return nil
}
