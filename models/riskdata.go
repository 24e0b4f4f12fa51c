package models

import (
	"cmp"
	"slices"
	"time"
)

// RiskData is the case history the early-warning model learns from: every
// dossier with its steps and supplement waits, held compactly (strings
// interned, instants as Unix seconds) so that a province of a million
// dossiers and three million steps fits in a few hundred megabytes. Fit
// sees only what was known at a given instant, so one RiskData serves a
// whole backtest. Add copies what it keeps; RiskData is not safe for
// concurrent Add, but Fit and the models it returns only read it.
type RiskData struct {
	cal     *Calendar
	wc      workClock
	ids     map[string]int32 // interned codes and folded step names
	raw     map[string]int32 // raw step name → id (saves folding)
	strs    []string         // id → text (display name for steps)
	ds      []rdossier
	steps   []rstep
	sups    [][2]int64
	minRecv int64
	// Dossier codes in one buffer (no pointers for the collector to scan).
	codeBuf []byte
	// pairs interns (procedure, unit) and (step, officer) pairs: a leaf
	// group is then one 64-bit key.
	pairs    map[[2]int32]int32
	pairList [][2]int32
	// leaves interns (pair (procedure, unit), pair (step, officer)): the
	// finest group of an observation, found by index when fitting.
	leaves    map[[2]int32]int32
	leafPairs [][2]int32
}

// rdossier is one dossier as the model keeps it.
type rdossier struct {
	codeLo, codeN       int32
	pu, rleaf           int32 // pair (procedure, unit); leaf of (reception, handler)
	proc, unit, handler int32
	recv, due, stop     int64 // stop: end of a finished or ended dossier, 0 while open
	status              Status
	stepLo, stepN       int32
	supLo, supN         int32
}

// rstep is one step: its name (folded, interned), officer, start and end
// (0 while open). Steps are kept in order of start.
type rstep struct {
	leaf          int32 // (pair (procedure, unit), pair (step, officer))
	name, officer int32
	start, end    int64
}

// noID is the id of a string never seen: it matches no group.
const noID int32 = -2

// recvStep is the step id of a dossier's reception: the remaining time of
// a whole dossier counted from when it was received.
const recvStep int32 = -1

// NewRiskData returns an empty history judged by cal's working days.
func NewRiskData(cal *Calendar) *RiskData {
	return &RiskData{cal: cal, wc: newWorkClock(cal), ids: map[string]int32{}, raw: map[string]int32{}, pairs: map[[2]int32]int32{}, leaves: map[[2]int32]int32{}}
}

func (d *RiskData) leaf(pu, so int32) int32 {
	return internPair(d.leaves, &d.leafPairs, [2]int32{pu, so})
}

func (d *RiskData) pair(a, b int32) int32 { return internPair(d.pairs, &d.pairList, [2]int32{a, b}) }

// internPair returns k's id in ids, appending k to list (where its id is
// its index) when it is new.
func internPair(ids map[[2]int32]int32, list *[][2]int32, k [2]int32) int32 {
	if id, ok := ids[k]; ok {
		return id
	}
	id := int32(len(*list))
	ids[k] = id
	*list = append(*list, k)
	return id
}

// codeOf returns a dossier's code.
func (d *RiskData) codeOf(x *rdossier) string {
	return string(d.codeBuf[x.codeLo : x.codeLo+x.codeN])
}

// Len returns the number of dossiers added.
func (d *RiskData) Len() int { return len(d.ds) }

// Calendar returns the calendar the history is judged by.
func (d *RiskData) Calendar() *Calendar { return d.cal }

func (d *RiskData) intern(s string) int32 {
	if id, ok := d.ids[s]; ok {
		return id
	}
	id := int32(len(d.strs))
	d.ids[s] = id
	d.strs = append(d.strs, s)
	return id
}

func (d *RiskData) stepID(name string) int32 {
	if id, ok := d.raw[name]; ok {
		return id
	}
	key := "\x00step:" + Fold(name)
	id, ok := d.ids[key]
	if !ok {
		id = int32(len(d.strs))
		d.ids[key] = id
		d.strs = append(d.strs, NFC(name))
	}
	d.raw[name] = id
	return id
}

// lookupStep returns the id of a step name without adding it.
func (d *RiskData) lookupStep(name string) int32 {
	if id, ok := d.raw[name]; ok {
		return id
	}
	if id, ok := d.ids["\x00step:"+Fold(name)]; ok {
		return id
	}
	return noID
}

func (d *RiskData) lookup(s string) int32 {
	if id, ok := d.ids[s]; ok {
		return id
	}
	return noID
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// Add records a dossier and its steps (steps of other dossiers are
// ignored). A dossier without a reception time is skipped; a step with an
// end before its start, or without a start, is kept out of the estimates.
func (d *RiskData) Add(x *Dossier, steps []Step) {
	if x.ReceivedAt.IsZero() {
		return
	}
	r := rdossier{
		codeLo: int32(len(d.codeBuf)), codeN: int32(len(x.Code)),
		proc: d.intern(x.ProcedureCode), unit: d.intern(x.UnitCode), handler: d.intern(x.HandlerCode),
		recv: x.ReceivedAt.Unix(), due: unixOrZero(x.DueAt), status: x.Status,
		stepLo: int32(len(d.steps)), supLo: int32(len(d.sups)),
	}
	d.codeBuf = append(d.codeBuf, x.Code...)
	r.pu = d.pair(r.proc, r.unit)
	r.rleaf = d.leaf(r.pu, d.pair(recvStep, r.handler))
	if closed(x) {
		r.stop = unixOrZero(StopAt(x))
		if r.stop == 0 || r.stop < r.recv {
			r.stop = r.recv
		}
	}
	for i := range steps {
		s := &steps[i]
		if !stepOf(x, s) || s.StartedAt.IsZero() {
			continue
		}
		st := rstep{name: d.stepID(s.Name), officer: d.intern(s.OfficerCode), start: s.StartedAt.Unix(), end: unixOrZero(s.FinishedAt)}
		st.leaf = d.leaf(r.pu, d.pair(st.name, st.officer))
		if st.end != 0 && st.end < st.start {
			continue // bad input: ends before it starts
		}
		d.steps = append(d.steps, st)
	}
	ss := d.steps[r.stepLo:]
	slices.SortStableFunc(ss, func(a, b rstep) int { return cmp.Compare(a.start, b.start) })
	r.stepN = int32(len(ss))
	for _, iv := range x.Supplements {
		if iv.Start.IsZero() {
			continue
		}
		d.sups = append(d.sups, [2]int64{iv.Start.Unix(), unixOrZero(iv.End)})
	}
	r.supN = int32(len(d.sups)) - r.supLo
	if len(d.ds) == 0 || r.recv < d.minRecv {
		d.minRecv = r.recv
	}
	d.ds = append(d.ds, r)
}

// view is one dossier as known at an instant: what had happened by then.
type view struct {
	code     string   // set for a dossier from outside the history
	names    []string // its step names, likewise
	d        *rdossier
	steps    []rstep
	sups     [][2]int64
	at       int64
	finished bool  // finished with a result by at
	stop     int64 // when it finished or ended by at; else at
}

func (d *RiskData) viewAt(i int, at int64) (view, bool) {
	x := &d.ds[i]
	if x.recv >= at {
		return view{}, false
	}
	v := view{d: x, steps: d.steps[x.stepLo : x.stepLo+x.stepN], sups: d.sups[x.supLo : x.supLo+x.supN], at: at, stop: at}
	if x.stop != 0 && x.stop <= at {
		v.stop = x.stop
		v.finished = x.status.IsFinished()
	}
	return v, true
}

// open reports a dossier still open at the view's instant.
func (v *view) open() bool {
	return v.stop == v.at && !v.finished && (v.d.stop == 0 || v.d.stop > v.at)
}

// active returns the working minutes at t minus the working minutes spent
// waiting for supplements before t (waits known at the view's instant).
func (d *RiskData) active(v *view, t int64) int64 {
	m := d.wc.minutes(t)
	for _, s := range v.sups {
		if s[0] >= v.at || s[0] >= t {
			continue
		}
		e := s[1]
		if e == 0 || e > v.at {
			e = v.at
		}
		e = min(e, t)
		if e > s[0] {
			m -= d.wc.minutes(e) - d.wc.minutes(s[0])
		}
	}
	return m
}

// stepEndAt returns when step s had ended as known at the view's instant
// and whether it really ended: its own end; else the dossier's finish
// when it had finished (an event), or its stop when it ended without
// result, or the view's instant (censored).
func (v *view) stepEndAt(s *rstep) (int64, bool) {
	if s.end != 0 && s.end <= v.at {
		return s.end, true
	}
	return v.stop, v.finished
}

// effectiveDeadline returns the due time plus every supplement wait that
// began before it (wall-clock length; a wait still running, or ending
// after upto, counts up to upto): the rule of docs/domain.md
// "Classification" (SUPPLEMENT_CLOCK=pause) on the model's compact history,
// cut at what was known at upto. Rules.EffectiveDeadline is the shared
// rule on full dossiers; switching the model to it (and to reset mode)
// is still to do, with the backtest rerun.
func effectiveDeadline(due int64, sups [][2]int64, upto int64) int64 {
	if due == 0 {
		return 0
	}
	eff := due
	for _, s := range sups {
		if s[0] >= due || s[0] >= upto {
			continue
		}
		e := s[1]
		if e == 0 || e > upto {
			e = upto
		}
		if e > s[0] {
			eff += e - s[0]
		}
	}
	return eff
}
