package models

import (
	"math"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RiskAssessment is the model's verdict on one dossier open and not yet
// overdue at the model's instant.
type RiskAssessment struct {
	Code          string
	UnitCode      string
	ProcedureCode string
	// Risk is the probability that the dossier finishes after its
	// effective deadline (supplement waits included), 0–1.
	Risk float64
	// Reason is one line of Vietnamese saying why, true for this dossier.
	Reason string
	// Step is the step it is in (its name as exported); empty before any.
	Step string
	// HolderCode is who holds it: the officer of its current step, else
	// its handler.
	HolderCode string
	// Deadline is the effective deadline known at the model's instant.
	Deadline time.Time
	// WorkingMinutesLeft is the working time left until Deadline.
	WorkingMinutesLeft int64
	// Level is the pooling level the risk rests on ("cán bộ", "đơn vị",
	// "thủ tục", "bước", "toàn bộ"), Examples the finished examples of
	// that group that lasted at least as long as this dossier so far.
	Level    string
	Examples int
	// Thin: no group had enough examples; the risk is shrunk toward 0 and
	// the reason says "ít dữ liệu".
	Thin bool
}

// Assess returns every dossier open and not yet overdue at the model's
// instant whose unit keep accepts (nil: every unit), riskiest first (then
// by code). Dossiers without a due date are left out. The history is
// split between GOMAXPROCS workers; keep must be safe for concurrent use.
func (m *RiskModel) Assess(keep func(unitCode string) bool) []RiskAssessment {
	d := m.data
	workers := max(1, min(runtime.GOMAXPROCS(0), len(d.ds)/4096))
	parts := make([][]RiskAssessment, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lo, hi := w*len(d.ds)/workers, (w+1)*len(d.ds)/workers
			out := make([]RiskAssessment, 0, 64)
			for i := lo; i < hi; i++ {
				if keep != nil && !keep(d.strs[d.ds[i].unit]) {
					continue
				}
				v, ok := d.viewAt(i, m.atSec)
				if !ok {
					continue
				}
				if a, ok := m.assess(&v); ok {
					out = append(out, a)
				}
			}
			parts[w] = out
		}()
	}
	wg.Wait()
	out := parts[0]
	for _, p := range parts[1:] {
		out = append(out, p...)
	}
	SortRisks(out)
	return out
}

// SortRisks orders assessments riskiest first, then by code.
func SortRisks(out []RiskAssessment) {
	slices.SortFunc(out, riskierFirst)
}

// riskierFirst orders assessments riskiest first, then by code.
func riskierFirst(a, b RiskAssessment) int {
	switch {
	case a.Risk > b.Risk:
		return -1
	case a.Risk < b.Risk:
		return 1
	}
	return strings.Compare(a.Code, b.Code)
}

// AssessDossier judges one dossier (from the store, say) with the fitted
// model at the model's instant; ok is false when it is not open, already
// overdue, or has no due date then. Only what was known at the model's
// instant is used.
func (m *RiskModel) AssessDossier(x *Dossier, steps []Step) (RiskAssessment, bool) {
	d := m.data
	if x.ReceivedAt.IsZero() {
		return RiskAssessment{}, false
	}
	r := rdossier{rleaf: -1, proc: d.lookup(x.ProcedureCode), unit: d.lookup(x.UnitCode), handler: d.lookup(x.HandlerCode),
		recv: x.ReceivedAt.Unix(), due: unixOrZero(x.DueAt), status: x.Status}
	if closed(x) {
		r.stop = max(unixOrZero(StopAt(x)), r.recv)
	}
	type named struct {
		s    rstep
		name string
	}
	var ns []named
	for i := range steps {
		s := &steps[i]
		if !stepOf(x, s) || s.StartedAt.IsZero() || (!s.FinishedAt.IsZero() && s.FinishedAt.Before(s.StartedAt)) {
			continue
		}
		ns = append(ns, named{rstep{leaf: -1, name: d.lookupStep(s.Name), officer: d.lookup(s.OfficerCode), start: s.StartedAt.Unix(), end: unixOrZero(s.FinishedAt)}, s.Name})
	}
	sort.SliceStable(ns, func(i, j int) bool { return ns[i].s.start < ns[j].s.start })
	ss := make([]rstep, len(ns))
	names := make([]string, len(ns))
	for i := range ns {
		ss[i], names[i] = ns[i].s, ns[i].name
	}
	var sups [][2]int64
	for _, iv := range x.Supplements {
		if !iv.Start.IsZero() {
			sups = append(sups, [2]int64{iv.Start.Unix(), unixOrZero(iv.End)})
		}
	}
	if r.recv >= m.atSec {
		return RiskAssessment{}, false
	}
	v := view{code: x.Code, d: &r, steps: ss, sups: sups, at: m.atSec, stop: m.atSec}
	if r.stop != 0 && r.stop <= m.atSec {
		v.stop, v.finished = r.stop, r.status.IsFinished()
	}
	v.names = names
	return m.assess(&v)
}

// position is where an open dossier stands at the model's instant.
type position struct {
	step     int32 // recvStep before any step
	stepIdx  int   // index in the view's steps, -1 before any
	holder   int32
	start    int64 // when it entered the step
	stepDone bool  // the step ended and the next is not recorded yet
	elapsed  int64 // active working minutes since start
	slack    int64 // working minutes until the effective deadline
	eff      int64 // effective deadline
}

func (m *RiskModel) position(v *view) (position, bool) {
	x := v.d
	if !v.open() || x.due == 0 {
		return position{}, false
	}
	eff := effectiveDeadline(x.due, v.sups, m.atSec)
	if m.atSec > eff {
		return position{}, false
	}
	p := position{step: recvStep, stepIdx: -1, holder: x.handler, start: x.recv, eff: eff}
	for j := range v.steps {
		if v.steps[j].start < m.atSec {
			p.stepIdx = j
		}
	}
	if p.stepIdx >= 0 {
		s := &v.steps[p.stepIdx]
		p.step, p.holder, p.start = s.name, s.officer, s.start
		p.stepDone = s.end != 0 && s.end <= m.atSec
	}
	d := m.data
	p.elapsed = max(0, d.active(v, m.atSec)-d.active(v, p.start))
	p.slack = max(0, d.wc.minutes(eff)-d.wc.minutes(m.atSec))
	return p, true
}

// chain returns the groups of a leaf from the finest to the root.
func chain(proc, step, unit, holder int32) [numLevels]gkey {
	var ks [numLevels]gkey
	k := leafKey(proc, step, unit, holder)
	for l := 0; l < numLevels; l++ {
		ks[l] = keyAt(k, l)
	}
	return ks
}

// pick returns the finest group of t on the chain whose curve has at least
// minEvents events after elapsed, else the root and thin = true. leaf is
// the RiskData leaf id of the chain when known (else -1): the groups are
// then found by their parent links instead of by key.
func (t *tree) pick(leaf int32, ks [numLevels]gkey, elapsed int64, minEvents int) (s *Survival, lvl int, thin bool) {
	if leaf >= 0 && int(leaf) < len(t.leaves) && t.leaves[leaf] > 0 {
		for i := t.leaves[leaf] - 1; i >= 0; i = t.nodes[i].parent {
			n := &t.nodes[i]
			if n.surv != nil && n.surv.EventsAfter(elapsed) >= minEvents {
				return n.surv, int(n.key.lvl), false
			}
		}
		i := t.find(gkey{lvl: levelAll})
		return t.nodes[i].surv, levelAll, true
	}
	for l := 0; l < numLevels; l++ {
		i := t.find(ks[l])
		if i < 0 || t.nodes[i].surv == nil {
			continue
		}
		if t.nodes[i].surv.EventsAfter(elapsed) >= minEvents {
			return t.nodes[i].surv, l, false
		}
	}
	i := t.find(gkey{lvl: levelAll})
	return t.nodes[i].surv, levelAll, true
}

func (m *RiskModel) assess(v *view) (RiskAssessment, bool) {
	p, ok := m.position(v)
	if !ok {
		return RiskAssessment{}, false
	}
	x := v.d
	d := m.data
	ks := chain(x.proc, p.step, x.unit, p.holder)
	allow := d.allowance(x)
	el, sl := toShare(p.elapsed, allow), toShare(p.slack, allow)
	leaf := x.rleaf
	if p.stepIdx >= 0 {
		leaf = v.steps[p.stepIdx].leaf
	}
	surv, lvl, thin := m.remaining.pick(leaf, ks, el, m.opt.MinEvents)
	risk, ok := surv.Conditional(el, sl)
	if !ok {
		risk = 1 // longer than every example: nothing says it will finish soon
	}
	n := surv.EventsAfter(el)
	if thin {
		// Not enough examples anywhere: claim no more than they support.
		risk *= float64(n) / float64(n+m.opt.MinEvents)
	}
	risk = math.Min(1, math.Max(0, risk))
	if v.code == "" {
		v.code = d.codeOf(x)
	}
	a := RiskAssessment{
		Code: v.code, UnitCode: str(d, x.unit), ProcedureCode: str(d, x.proc), Risk: risk,
		HolderCode: str(d, p.holder), Deadline: time.Unix(p.eff, 0).UTC(), WorkingMinutesLeft: p.slack,
		Level: levelNames[lvl], Examples: n, Thin: thin || lvl == levelAll,
	}
	if p.step != recvStep {
		a.Step = str(d, p.step)
		if a.Step == "" && p.stepIdx < len(v.names) {
			a.Step = v.names[p.stepIdx] // a step name the history never saw
		}
	}
	a.Reason = m.reason(leaf, ks, p, surv, allow, a)
	return a, true
}

func str(d *RiskData, id int32) string {
	if id < 0 || int(id) >= len(d.strs) {
		return ""
	}
	return d.strs[id]
}

// reason says in one line what the risk rests on.
func (m *RiskModel) reason(leaf int32, ks [numLevels]gkey, p position, remaining *Survival, allow int64, a RiskAssessment) string {
	b := make([]byte, 0, 224)
	if a.Thin {
		b = append(b, "ít dữ liệu: "...)
	}
	var med, p80 int64
	var ok1, ok2 bool
	if p.step != recvStep && !p.stepDone {
		s, lvl, thin := m.stepDur.pick(leaf, ks, 0, m.opt.MinEvents)
		if thin && !a.Thin {
			b = append(b, "ít dữ liệu về bước này: "...)
		}
		med, ok1, p80, ok2 = s.med, s.medOK, s.p80, s.p80OK
		b = append(b, "bước "...)
		b = append(b, a.Step...)
		b = append(b, whose[lvl]...)
		switch {
		case ok1 && ok2:
			b = appendSpan(append(b, " thường mất "...), med)
			b = appendSpan(append(b, ", 80 % xong trong "...), p80)
		case ok1:
			b = appendSpan(append(b, " thường mất "...), med)
			b = append(b, ", chưa đến 80 % ví dụ xong"...)
		default:
			b = append(b, " chưa đến nửa số ví dụ xong"...)
		}
		b = appendSpan(append(b, "; đã ở bước này "...), p.elapsed)
	} else {
		med, ok1, p80, ok2 = fromShare(remaining.med, allow), remaining.medOK, fromShare(remaining.p80, allow), remaining.p80OK
		if p.step != recvStep {
			b = append(b, "sau bước "...)
			b = append(b, a.Step...)
			b = append(b, ", "...)
		}
		b = append(b, "hồ sơ như vậy "...)
		switch {
		case ok1 && ok2:
			b = appendSpan(append(b, "thường xong trong "...), med)
			b = appendSpan(append(b, ", 80 % xong trong "...), p80)
		case ok1:
			b = appendSpan(append(b, "thường xong trong "...), med)
			b = append(b, ", chưa đến 80 % xong"...)
		default:
			b = append(b, "chưa đến nửa số ví dụ xong"...)
		}
		b = appendSpan(append(b, "; đã qua "...), p.elapsed)
	}
	b = appendSpan(append(b, ", còn "...), p.slack)
	b = append(b, " làm việc"...)
	return string(b)
}

// whose says which group a step's figures come from.
var whose = [numLevels]string{" (cán bộ này)", " (ở đơn vị này)", " (thủ tục này)", "", ""}

// workSpan writes working minutes the way an officer says them: hours
// under a day, else days to the half day ("1,5 ngày").
func workSpan(min int64) string { return string(appendSpan(nil, min)) }

func appendSpan(b []byte, min int64) []byte {
	switch {
	case min < 60:
		return append(b, "dưới 1 giờ"...)
	case min < WorkMinutesPerDay:
		return append(strconv.AppendInt(b, (min+30)/60, 10), " giờ"...)
	}
	half := int64(math.Round(float64(min) * 2 / WorkMinutesPerDay))
	b = strconv.AppendInt(b, half/2, 10)
	if half%2 == 1 {
		b = append(b, ",5"...)
	}
	return append(b, " ngày"...)
}
