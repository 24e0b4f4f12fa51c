package models

import (
	"errors"
	"slices"
	"strings"
	"time"
)

// ErrRiskNotReady: the early-warning model of the day is still being
// fitted; the caller goes on without it (or asks again later).
var ErrRiskNotReady = errors.New("models: early-warning model still being fitted")

// DefaultRiskThreshold is RISK_THRESHOLD when unset: a dossier whose
// estimated probability of finishing late is at least this is "at risk".
const DefaultRiskThreshold = 0.5

// RiskWarning is one dossier of the early-warning list: the model's
// assessment and what the messages show of the dossier as stored.
type RiskWarning struct {
	RiskAssessment
	ProcedureName string
	HandlerCode   string
	// DueAt is the effective deadline at the list's instant (supplement
	// waits included), the date the lists and the digest show as "hạn".
	DueAt time.Time
}

// RiskList is the early-warning list at one instant: the dossiers open,
// running (not paused), not overdue and not yet due soon (nor needing an
// apology letter) whose risk is at least Threshold, riskiest first. The
// model behind it was fitted only on what was known at At. It is
// read-only once built and safe for concurrent use.
type RiskList struct {
	At        time.Time
	Threshold float64
	Items     []RiskWarning
	// Open is how many open dossiers the model judged (for logs).
	Open int
	idx  map[string]int
}

// IsRiskCandidate reports whether a dossier classified as c may be in the
// early-warning list: open and running, due later than the due-soon
// window, no apology letter needed yet. Dossiers due sooner are already in
// the digest's other sections.
func IsRiskCandidate(c Classification) bool {
	return c.Class == ClassInTime && !c.NeedsApology
}

// NewRiskList keeps, of the assessments made at at, those of dossiers
// that dossier (the stored row by code; ok false: unknown) says are risk
// candidates under rules at at, with a risk of at least threshold.
func NewRiskList(rules *Rules, at time.Time, threshold float64, list []RiskAssessment, dossier func(code string) (*Dossier, bool)) *RiskList {
	l := &RiskList{At: at, Threshold: threshold, Open: len(list), idx: map[string]int{}}
	for i := range list {
		a := &list[i]
		if a.Risk < threshold {
			continue
		}
		d, ok := dossier(a.Code)
		if !ok {
			continue
		}
		c := rules.Classify(d, at)
		if !IsRiskCandidate(c) {
			continue
		}
		l.Items = append(l.Items, RiskWarning{RiskAssessment: *a, ProcedureName: d.ProcedureName, HandlerCode: d.HandlerCode, DueAt: c.Deadline})
	}
	slices.SortStableFunc(l.Items, func(a, b RiskWarning) int { return riskierFirst(a.RiskAssessment, b.RiskAssessment) })
	for i := range l.Items {
		l.idx[l.Items[i].Code] = i
	}
	return l
}

// Len returns the number of dossiers at risk (0 for a nil list).
func (l *RiskList) Len() int {
	if l == nil {
		return 0
	}
	return len(l.Items)
}

// Get returns the warning of the dossier code, if it is at risk.
func (l *RiskList) Get(code string) (RiskWarning, bool) {
	if l == nil {
		return RiskWarning{}, false
	}
	i, ok := l.idx[code]
	if !ok {
		return RiskWarning{}, false
	}
	return l.Items[i], true
}

// Filter returns the warnings keep accepts, riskiest first (nil keep:
// all).
func (l *RiskList) Filter(keep func(*RiskWarning) bool) []RiskWarning {
	if l == nil {
		return nil
	}
	var out []RiskWarning
	for i := range l.Items {
		if keep == nil || keep(&l.Items[i]) {
			out = append(out, l.Items[i])
		}
	}
	return out
}

// UnitRisk is how many dossiers of one unit are at risk.
type UnitRisk struct {
	UnitCode string
	Name     string
	N        int
}

// CountByUnit counts the dossiers at risk in root's sub-tree of tree, per
// unit, most first (then by code); units with none are left out.
func (l *RiskList) CountByUnit(tree *UnitTree, root string) []UnitRisk {
	if l == nil || tree == nil {
		return nil
	}
	n := map[string]int{}
	for i := range l.Items {
		if u := l.Items[i].UnitCode; tree.Contains(root, u) {
			n[u]++
		}
	}
	out := make([]UnitRisk, 0, len(n))
	for code, c := range n {
		name := code
		if u, ok := tree.Get(code); ok && strings.TrimSpace(u.Name) != "" {
			name = u.Name
		}
		out = append(out, UnitRisk{UnitCode: code, Name: name, N: c})
	}
	slices.SortFunc(out, func(a, b UnitRisk) int {
		if a.N != b.N {
			return b.N - a.N
		}
		return strings.Compare(a.UnitCode, b.UnitCode)
	})
	return out
}
