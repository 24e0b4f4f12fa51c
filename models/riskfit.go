package models

import (
	"slices"
	"time"
)

// Pooling levels, finest first: who holds the dossier matters as much as
// where it is.
const (
	levelOfficer   = iota // (procedure, step, unit, officer)
	levelUnit             // (procedure, step, unit)
	levelProcedure        // (procedure, step)
	levelStep             // (step)
	levelAll              // everything
	numLevels
)

// levelNames are the Vietnamese names of the pooling levels, for reasons
// and logs.
var levelNames = [numLevels]string{"cán bộ", "đơn vị", "thủ tục", "bước", "toàn bộ"}

// DefaultRiskMinEvents is how many finished examples a group needs before
// the model trusts it instead of pooling it into its parent. It was chosen
// by the backtest (dondoc risk eval --tune; see docs/BENCHMARKS.md).
const DefaultRiskMinEvents = 20

// RiskOptions tune the early-warning model.
type RiskOptions struct {
	// MinEvents: finished examples a group needs (0: DefaultRiskMinEvents).
	MinEvents int
	// DueSoonDays is the due-soon rule's window, for the backtest's
	// baseline (0: 2 working days, as dondoc's default).
	DueSoonDays int
}

func (o RiskOptions) withDefaults() RiskOptions {
	if o.MinEvents <= 0 {
		o.MinEvents = DefaultRiskMinEvents
	}
	if o.DueSoonDays <= 0 {
		o.DueSoonDays = 2
	}
	return o
}

// gkey is a group of a pooling level.
type gkey struct {
	lvl                    uint8
	proc, step, unit, offi int32
}

func (k gkey) parent() gkey {
	p := k
	p.lvl++
	switch p.lvl {
	case levelUnit:
		p.offi = 0
	case levelProcedure:
		p.unit = 0
	case levelStep:
		p.proc = 0
	case levelAll:
		p.step = 0
	}
	return p
}

func leafKey(proc, step, unit, offi int32) gkey {
	return gkey{lvl: levelOfficer, proc: proc, step: step, unit: unit, offi: offi}
}

// keyAt returns the leaf key lifted to level lvl.
func keyAt(k gkey, lvl int) gkey {
	for int(k.lvl) < lvl {
		k = k.parent()
	}
	return k
}

// gnode is one group: the raw observations while fitting, then its curve.
type gnode struct {
	key    gkey
	parent int32
	codes  []uint32
	runs   []run
	surv   *Survival // nil when the group has too few events to be used
}

// tree is a hierarchy of groups for one kind of duration.
type tree struct {
	idx    map[gkey]int32
	leaves []int32 // RiskData leaf id → node + 1 (0: none yet)
	nodes  []gnode
}

func newTree() *tree { return &tree{idx: map[gkey]int32{}} }

func (t *tree) node(k gkey) int32 {
	if i, ok := t.idx[k]; ok {
		return i
	}
	i := int32(len(t.nodes))
	t.idx[k] = i
	t.nodes = append(t.nodes, gnode{key: k, parent: -1})
	if k.lvl < levelAll {
		p := t.node(k.parent())
		t.nodes[i].parent = p
	}
	return i
}

// reserve creates the leaf groups with observations and gives each its
// share of one buffer of counts[leaf] codes.
func (t *tree) reserve(d *RiskData, counts []int32) {
	total := 0
	for _, c := range counts {
		total += int(c)
	}
	buf := make([]uint32, total)
	t.leaves = make([]int32, len(d.leafPairs))
	off := 0
	for leaf, c := range counts {
		if c == 0 {
			continue
		}
		lp := d.leafPairs[leaf]
		p, s := d.pairList[lp[0]], d.pairList[lp[1]]
		i := t.node(leafKey(p[0], s[0], p[1], s[1]))
		t.leaves[leaf] = i + 1
		t.nodes[i].codes = buf[off : off : off+int(c)]
		off += int(c)
	}
}

// add records an observation in the finest group, leaf, of d.
func (t *tree) add(d *RiskData, leaf int32, dur int64, event bool) {
	if len(t.leaves) < len(d.leafPairs) {
		t.leaves = append(t.leaves, make([]int32, len(d.leafPairs)-len(t.leaves))...)
	}
	i := t.leaves[leaf] - 1
	if i < 0 {
		lp := d.leafPairs[leaf]
		p, s := d.pairList[lp[0]], d.pairList[lp[1]]
		i = t.node(leafKey(p[0], s[0], p[1], s[1]))
		t.leaves[leaf] = i + 1
	}
	t.nodes[i].codes = append(t.nodes[i].codes, encodeObs(dur, event))
}

// finish turns observations into curves, pooling children into parents;
// groups with fewer than minEvents events keep no curve (the root always
// does).
func (t *tree) finish(minEvents int) {
	byLevel := [numLevels][]int32{}
	for i := range t.nodes {
		byLevel[t.nodes[i].key.lvl] = append(byLevel[t.nodes[i].key.lvl], int32(i))
	}
	children := make([][][]run, len(t.nodes))
	for lvl := 0; lvl < numLevels; lvl++ {
		for _, i := range byLevel[lvl] {
			n := &t.nodes[i]
			if len(n.codes) > 0 {
				slices.Sort(n.codes)
				children[i] = append(children[i], compress(n.codes, nil))
				n.codes = nil
			}
			if len(children[i]) == 1 {
				n.runs = children[i][0]
			} else {
				n.runs = mergeRuns(children[i]...)
			}
			children[i] = nil
			var ev int32
			for _, r := range n.runs {
				ev += r.d
			}
			if int(ev) >= minEvents || lvl == levelAll {
				n.surv = survivalFromRuns(n.runs)
			}
			if n.parent >= 0 {
				children[n.parent] = append(children[n.parent], n.runs)
			}
		}
		// The runs of this level are merged into their parents now.
		for _, i := range byLevel[lvl] {
			if lvl < levelAll {
				t.nodes[i].runs = nil
			}
		}
	}
}

// find returns the node of k, or -1.
func (t *tree) find(k gkey) int32 {
	if i, ok := t.idx[k]; ok {
		return i
	}
	return -1
}

// RiskModel is the early-warning model fitted on what was known at one
// instant. It is read-only and safe for concurrent use.
type RiskModel struct {
	data    *RiskData
	at      time.Time
	atSec   int64
	opt     RiskOptions
	stepDur *tree // how long a step takes, in working minutes
	// remaining: how long a dossier takes from entering a step until it
	// finishes, in thousandths of its time allowance (working time from
	// reception to due date), so that pooled groups mix procedures of
	// different time limits on one scale.
	remaining *tree
}

// At returns the instant the model was fitted at.
func (m *RiskModel) At() time.Time { return m.at }

// Fit estimates, from what was known at at, the duration of every step
// and the remaining time of a dossier from each step, in working minutes
// with supplement waits taken out, by Kaplan–Meier: steps and dossiers
// still running at at (or ended without result) are censored, not taken
// as fast. Dossiers received after at, and everything that happened after
// it, are ignored.
func (d *RiskData) Fit(at time.Time, opt RiskOptions) *RiskModel {
	opt = opt.withDefaults()
	m := &RiskModel{data: d, at: at, atSec: at.Unix(), opt: opt, stepDur: newTree(), remaining: newTree()}
	// First count the observations of every leaf, so that they go into
	// one buffer per tree instead of a growing slice per group.
	nr, ns := make([]int32, len(d.leafPairs)), make([]int32, len(d.leafPairs))
	for i := range d.ds {
		v, ok := d.viewAt(i, m.atSec)
		if !ok {
			continue
		}
		nr[v.d.rleaf]++
		for j := range v.steps {
			s := &v.steps[j]
			if s.start >= m.atSec {
				break
			}
			nr[s.leaf]++
			if e, _ := v.stepEndAt(s); e >= s.start {
				ns[s.leaf]++
			}
		}
	}
	m.remaining.reserve(d, nr)
	m.stepDur.reserve(d, ns)
	for i := range d.ds {
		v, ok := d.viewAt(i, m.atSec)
		if !ok {
			continue
		}
		x := v.d
		startA := d.active(&v, x.recv)
		stopA := d.active(&v, v.stop)
		allow := d.allowance(x)
		m.remaining.add(d, x.rleaf, toShare(stopA-startA, allow), v.finished)
		for j := range v.steps {
			s := &v.steps[j]
			if s.start >= m.atSec {
				break
			}
			sa := d.active(&v, s.start)
			m.remaining.add(d, s.leaf, toShare(stopA-sa, allow), v.finished)
			e, event := v.stepEndAt(s)
			if e < s.start {
				continue
			}
			m.stepDur.add(d, s.leaf, d.active(&v, e)-sa, event)
		}
	}
	m.stepDur.node(gkey{lvl: levelAll})
	m.remaining.node(gkey{lvl: levelAll})
	m.stepDur.finish(opt.MinEvents)
	m.remaining.finish(opt.MinEvents)
	return m
}

// shareScale: remaining times are kept in thousandths of the allowance.
const shareScale = 1000

// allowance returns the working minutes a dossier is allowed: from its
// reception to its due date, at least an hour.
func (d *RiskData) allowance(x *rdossier) int64 {
	if x.due == 0 {
		return WorkMinutesPerDay
	}
	return max(60, d.wc.minutes(x.due)-d.wc.minutes(x.recv))
}

// toShare converts working minutes to thousandths of allow.
func toShare(min, allow int64) int64 { return min * shareScale / allow }

// fromShare converts thousandths of allow back to working minutes.
func fromShare(share, allow int64) int64 { return share * allow / shareScale }
