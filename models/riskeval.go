package models

import (
	"math"
	"sort"
	"time"
)

// RiskScores are a predictor's figures on one set of dossiers.
type RiskScores struct {
	AUC          float64 // ROC AUC (ties count half); NaN without both classes
	Brier        float64 // mean squared error of the probability
	PrecisionAtK float64 // share of late among the k riskiest, k = number late
}

// RiskEvalPeriod is the backtest of one prediction instant.
type RiskEvalPeriod struct {
	At      time.Time
	N, Late int // dossiers judged, and how many really went late
	Model   RiskScores
	DueSoon RiskScores // dondoc's rule today: due within DueSoonDays working days
	Elapsed RiskScores // share of the time limit already used
}

// RiskEval is a chronological backtest: one period per instant, and all
// of them pooled.
type RiskEval struct {
	Periods []RiskEvalPeriod
	Overall RiskEvalPeriod
	// Workload checks whether the officer's workload would add anything:
	// the predictions pooled over all periods, split by how many open
	// dossiers the holder had at the instant (terciles), with the mean
	// predicted risk and the share really late in each. Where they agree
	// the model already accounts for workload.
	Workload []WorkloadBand
}

// WorkloadBand is one tercile of holder workload in a backtest.
type WorkloadBand struct {
	MinOpen, MaxOpen int // open dossiers the holder had
	N                int
	MeanRisk         float64
	LateShare        float64
}

// riskPred is one prediction with its outcome.
type riskPred struct {
	model, dueSoon, elapsed float64
	late                    bool
	load                    int // open dossiers the holder had
}

// Backtest fits the model at each instant in ats on what was known then,
// predicts every dossier open and not yet overdue, and compares with what
// happened by end: late when it finished after its effective deadline, or
// was still open past it at end. Dossiers whose outcome is not known at end
// (open, not yet due) or that ended without result are left out.
func (d *RiskData) Backtest(ats []time.Time, end time.Time, opt RiskOptions) RiskEval {
	opt = opt.withDefaults()
	var ev RiskEval
	var all []riskPred
	endSec := end.Unix()
	for _, at := range ats {
		m := d.Fit(at, opt)
		load := m.holderLoad()
		var preds []riskPred
		for i := range d.ds {
			x := &d.ds[i]
			v, ok := d.viewAt(i, m.atSec)
			if !ok {
				continue
			}
			late, known := d.outcome(x, endSec)
			if !known {
				continue
			}
			a, ok := m.assess(&v)
			if !ok {
				continue
			}
			p, _ := m.position(&v)
			preds = append(preds, riskPred{model: a.Risk, dueSoon: m.dueSoon(p), elapsed: d.elapsedShare(&v, p), late: late, load: load[p.holder]})
		}
		per := scorePeriod(preds)
		per.At = at
		ev.Periods = append(ev.Periods, per)
		all = append(all, preds...)
	}
	ev.Overall = scorePeriod(all)
	ev.Workload = workloadBands(all)
	return ev
}

// holderLoad counts the open dossiers each holder had at the model's
// instant.
func (m *RiskModel) holderLoad() map[int32]int {
	load := map[int32]int{}
	d := m.data
	for i := range d.ds {
		v, ok := d.viewAt(i, m.atSec)
		if !ok || !v.open() {
			continue
		}
		h := v.d.handler
		for j := range v.steps {
			if v.steps[j].start < m.atSec {
				h = v.steps[j].officer
			}
		}
		load[h]++
	}
	return load
}

func workloadBands(ps []riskPred) []WorkloadBand {
	if len(ps) < 3 {
		return nil
	}
	s := append([]riskPred(nil), ps...)
	sort.Slice(s, func(i, j int) bool { return s[i].load < s[j].load })
	var out []WorkloadBand
	for k := 0; k < 3; k++ {
		part := s[k*len(s)/3 : (k+1)*len(s)/3]
		b := WorkloadBand{MinOpen: part[0].load, MaxOpen: part[len(part)-1].load, N: len(part)}
		for _, p := range part {
			b.MeanRisk += p.model
			if p.late {
				b.LateShare++
			}
		}
		b.MeanRisk /= float64(len(part))
		b.LateShare /= float64(len(part))
		out = append(out, b)
	}
	return out
}

// outcome says whether a dossier went late, judged at end with its final
// record; known is false when it ended without result or is still open
// and not yet past its deadline at end.
func (d *RiskData) outcome(x *rdossier, end int64) (late, known bool) {
	if x.due == 0 || x.status.IsEndedWithoutResult() {
		return false, false
	}
	eff := effectiveDeadline(x.due, d.sups[x.supLo:x.supLo+x.supN], end)
	if x.status.IsFinished() && x.stop != 0 && x.stop <= end {
		return x.stop > eff, true
	}
	if end > eff {
		return true, true
	}
	return false, false
}

// dueSoon is the due-soon rule as a score: 1 when the effective deadline
// falls within DueSoonDays working days after today (or today), else 0.
func (m *RiskModel) dueSoon(p position) float64 {
	cal := m.data.cal
	today := DateOf(m.at, cal.Location())
	due := DateOf(time.Unix(p.eff, 0), cal.Location())
	if due <= today || cal.WorkingDaysBetween(today+1, due) <= m.opt.DueSoonDays {
		return 1
	}
	return 0
}

// elapsedShare is the share of the working time from reception to the
// effective deadline already used at the model's instant.
func (d *RiskData) elapsedShare(v *view, p position) float64 {
	total := d.wc.minutes(p.eff) - d.wc.minutes(v.d.recv)
	if total <= 0 {
		return 1
	}
	used := d.wc.minutes(v.at) - d.wc.minutes(v.d.recv)
	return math.Min(1, math.Max(0, float64(used)/float64(total)))
}

func scorePeriod(ps []riskPred) RiskEvalPeriod {
	per := RiskEvalPeriod{N: len(ps)}
	y := make([]bool, len(ps))
	m, s, e := make([]float64, len(ps)), make([]float64, len(ps)), make([]float64, len(ps))
	for i, p := range ps {
		y[i], m[i], s[i], e[i] = p.late, p.model, p.dueSoon, p.elapsed
		if p.late {
			per.Late++
		}
	}
	per.Model = Scores(m, y)
	per.DueSoon = Scores(s, y)
	per.Elapsed = Scores(e, y)
	return per
}

// Scores computes ROC AUC, Brier score and precision at k (k = the number
// of positives) of scores p against outcomes y.
func Scores(p []float64, y []bool) RiskScores {
	return RiskScores{AUC: AUC(p, y), Brier: Brier(p, y), PrecisionAtK: PrecisionAtK(p, y)}
}

// AUC returns the area under the ROC curve of p against y by the rank-sum
// formula, ties counting half; NaN when y has a single class.
func AUC(p []float64, y []bool) float64 {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	var pos, neg int
	var rankSum float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && p[idx[j]] == p[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1..j
		for k := i; k < j; k++ {
			if y[idx[k]] {
				pos++
				rankSum += avg
			} else {
				neg++
			}
		}
		i = j
	}
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - float64(pos)*float64(pos+1)/2) / (float64(pos) * float64(neg))
}

// Brier returns the mean of (p − y)²; NaN for no predictions.
func Brier(p []float64, y []bool) float64 {
	if len(p) == 0 {
		return math.NaN()
	}
	var s float64
	for i := range p {
		t := 0.0
		if y[i] {
			t = 1
		}
		s += (p[i] - t) * (p[i] - t)
	}
	return s / float64(len(p))
}

// PrecisionAtK returns the share of positives among the k highest scores,
// k = the number of positives; scores tied across the cut count by their
// expected share. NaN without positives.
func PrecisionAtK(p []float64, y []bool) float64 {
	k := 0
	for _, v := range y {
		if v {
			k++
		}
	}
	if k == 0 {
		return math.NaN()
	}
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
	var hits float64
	taken := 0
	for i := 0; i < len(idx) && taken < k; {
		j := i
		pos := 0
		for j < len(idx) && p[idx[j]] == p[idx[i]] {
			if y[idx[j]] {
				pos++
			}
			j++
		}
		n := j - i
		take := min(n, k-taken)
		hits += float64(pos) * float64(take) / float64(n)
		taken += take
		i = j
	}
	return hits / float64(k)
}

// MonthStarts returns, for every month from first to last (inclusive, any
// day in them), 08:00 local time on its first working day.
func MonthStarts(cal *Calendar, first, last time.Time) []time.Time {
	loc := cal.Location()
	fy, fm, _ := first.In(loc).Date()
	ly, lm, _ := last.In(loc).Date()
	var out []time.Time
	for y, mo := fy, fm; y < ly || (y == ly && mo <= lm); {
		d := cal.NextWorkingDay(NewDate(y, mo, 1))
		out = append(out, d.At(8, 0, loc))
		mo++
		if mo > time.December {
			y, mo = y+1, time.January
		}
	}
	return out
}
