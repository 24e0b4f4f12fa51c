package models

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
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
// by code). Dossiers without a due date are left out.
func (m *RiskModel) Assess(keep func(unitCode string) bool) []RiskAssessment {
	out := make([]RiskAssessment, 0, 64)
	d := m.data
	for i := range d.ds {
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
	SortRisks(out)
	return out
}

// SortRisks orders assessments riskiest first, then by code.
func SortRisks(out []RiskAssessment) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Risk != out[j].Risk {
			return out[i].Risk > out[j].Risk
		}
		return out[i].Code < out[j].Code
	})
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
	r := rdossier{proc: d.lookup(x.ProcedureCode), unit: d.lookup(x.UnitCode), handler: d.lookup(x.HandlerCode),
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
		ns = append(ns, named{rstep{name: d.lookupStep(s.Name), officer: d.lookup(s.OfficerCode), start: s.StartedAt.Unix(), end: unixOrZero(s.FinishedAt)}, s.Name})
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
// minEvents events after elapsed, else the root and thin = true.
func (t *tree) pick(ks [numLevels]gkey, elapsed int64, minEvents int) (s *Survival, lvl int, thin bool) {
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
	surv, lvl, thin := m.remaining.pick(ks, el, m.opt.MinEvents)
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
	a.Reason = m.reason(ks, p, surv, allow, a)
	return a, true
}

func str(d *RiskData, id int32) string {
	if id < 0 || int(id) >= len(d.strs) {
		return ""
	}
	return d.strs[id]
}

// reason says in one line what the risk rests on.
func (m *RiskModel) reason(ks [numLevels]gkey, p position, remaining *Survival, allow int64, a RiskAssessment) string {
	var b strings.Builder
	if a.Thin {
		b.WriteString("ít dữ liệu: ")
	}
	left := "còn " + workSpan(p.slack) + " làm việc"
	if p.step != recvStep && !p.stepDone {
		s, lvl, thin := m.stepDur.pick(ks, 0, m.opt.MinEvents)
		if thin && !a.Thin {
			b.WriteString("ít dữ liệu về bước này: ")
		}
		med, ok1 := s.Quantile(0.5)
		p80, ok2 := s.Quantile(0.8)
		fmt.Fprintf(&b, "bước %s%s ", a.Step, whose[lvl])
		switch {
		case ok1 && ok2:
			fmt.Fprintf(&b, "thường mất %s, 80 %% xong trong %s", workSpan(med), workSpan(p80))
		case ok1:
			fmt.Fprintf(&b, "thường mất %s, chưa đến 80 %% ví dụ xong", workSpan(med))
		default:
			b.WriteString("chưa đến nửa số ví dụ xong")
		}
		fmt.Fprintf(&b, "; đã ở bước này %s, %s", workSpan(p.elapsed), left)
		return b.String()
	}
	med, ok1 := remaining.Quantile(0.5)
	p80, ok2 := remaining.Quantile(0.8)
	med, p80 = fromShare(med, allow), fromShare(p80, allow)
	if p.step == recvStep {
		b.WriteString("hồ sơ như vậy ")
	} else {
		fmt.Fprintf(&b, "sau bước %s, hồ sơ như vậy ", a.Step)
	}
	switch {
	case ok1 && ok2:
		fmt.Fprintf(&b, "thường xong trong %s, 80 %% xong trong %s", workSpan(med), workSpan(p80))
	case ok1:
		fmt.Fprintf(&b, "thường xong trong %s, chưa đến 80 %% xong", workSpan(med))
	default:
		b.WriteString("chưa đến nửa số ví dụ xong")
	}
	fmt.Fprintf(&b, "; đã qua %s, %s", workSpan(p.elapsed), left)
	return b.String()
}

// whose says which group a step's figures come from.
var whose = [numLevels]string{" (cán bộ này)", " (ở đơn vị này)", " (thủ tục này)", "", ""}

// workSpan writes working minutes the way an officer says them: hours
// under a day, else days to the half day ("1,5 ngày").
func workSpan(min int64) string {
	switch {
	case min < 60:
		return "dưới 1 giờ"
	case min < WorkMinutesPerDay:
		return strconv.FormatInt((min+30)/60, 10) + " giờ"
	}
	half := int64(math.Round(float64(min) * 2 / WorkMinutesPerDay))
	s := strconv.FormatInt(half/2, 10)
	if half%2 == 1 {
		s += ",5"
	}
	return s + " ngày"
}
