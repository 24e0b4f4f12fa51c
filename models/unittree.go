package models

import (
	"fmt"
	"sort"
	"strings"
)

// UnitTree is the tree of units (docs/domain.md "Units: the two-level
// local government"): parents give a leader's scope (their unit's sub-tree), and
// validity dates with successors carry the dossiers of a unit merged on
// 1 July 2025 over to the unit that took it in. A UnitTree is immutable and
// safe for concurrent use.
type UnitTree struct {
	units    map[string]*Unit
	children map[string][]string
	preds    map[string][]string // successor → its predecessors
	roots    []string
	warnings []string
	folded   map[string]string // unit code → Fold(name), filled while building
}

// NewUnitTree builds the tree. A unit whose parent is unknown becomes a
// root, and a successor that is unknown is ignored; both are listed in
// Warnings. Duplicate or empty codes, a cycle of parents, and a cycle of
// successors are errors (naming the units involved); nothing is built then.
func NewUnitTree(units []Unit) (*UnitTree, error) {
	t := &UnitTree{units: make(map[string]*Unit, len(units)), children: map[string][]string{}, preds: map[string][]string{}}
	for i := range units {
		u := units[i]
		if u.Code == "" {
			return nil, fmt.Errorf("đơn vị thứ %d: ma_don_vi is required", i+1)
		}
		if _, dup := t.units[u.Code]; dup {
			return nil, fmt.Errorf("đơn vị %s: ma_don_vi is given twice", u.Code)
		}
		t.units[u.Code] = &u
	}
	for _, u := range t.units {
		if u.ParentCode == u.Code {
			return nil, fmt.Errorf("đơn vị %s: ma_don_vi_cha is the unit itself", u.Code)
		}
		if u.ParentCode != "" {
			if _, ok := t.units[u.ParentCode]; !ok {
				t.warnings = append(t.warnings, fmt.Sprintf("đơn vị %s: ma_don_vi_cha %s is not a known unit; treated as a top-level unit", u.Code, u.ParentCode))
				u.ParentCode = ""
			}
		}
		if u.SuccessorCode != "" {
			if _, ok := t.units[u.SuccessorCode]; !ok || u.SuccessorCode == u.Code {
				t.warnings = append(t.warnings, fmt.Sprintf("đơn vị %s: successor %s is not a known unit; ignored", u.Code, u.SuccessorCode))
				u.SuccessorCode = ""
			}
		}
		if u.SuccessorCode != "" {
			t.preds[u.SuccessorCode] = append(t.preds[u.SuccessorCode], u.Code)
		}
		if u.ParentCode == "" {
			t.roots = append(t.roots, u.Code)
		} else {
			t.children[u.ParentCode] = append(t.children[u.ParentCode], u.Code)
		}
	}
	sort.Strings(t.warnings)
	if err := t.checkCycles(func(u *Unit) string { return u.ParentCode }, "ma_don_vi_cha"); err != nil {
		return nil, err
	}
	if err := t.checkCycles(func(u *Unit) string { return u.SuccessorCode }, "successor"); err != nil {
		return nil, err
	}
	t.folded = make(map[string]string, len(t.units))
	for code, u := range t.units {
		t.folded[code] = Fold(u.Name)
	}
	t.sortCodes(t.roots)
	for _, c := range t.children {
		t.sortCodes(c)
	}
	for _, c := range t.preds {
		t.sortCodes(c)
	}
	return t, nil
}

// checkCycles follows next from every unit and reports the first cycle, in
// code order so the error is stable.
func (t *UnitTree) checkCycles(next func(*Unit) string, field string) error {
	codes := make([]string, 0, len(t.units))
	for c := range t.units {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	const (
		unseen = iota
		onPath
		done
	)
	state := make(map[string]int, len(t.units))
	for _, c := range codes {
		var path []string
		for c != "" && state[c] == unseen {
			state[c] = onPath
			path = append(path, c)
			c = next(t.units[c])
		}
		if c != "" && state[c] == onPath {
			i := 0
			for path[i] != c {
				i++
			}
			cycle := append(path[i:len(path):len(path)], c)
			return fmt.Errorf("đơn vị %s: %s forms a cycle %s", c, field, strings.Join(cycle, " → "))
		}
		for _, p := range path {
			state[p] = done
		}
	}
	return nil
}

// sortCodes orders codes by folded name, then code.
func (t *UnitTree) sortCodes(codes []string) {
	sort.Slice(codes, func(i, j int) bool {
		a, b := t.units[codes[i]], t.units[codes[j]]
		fa, fb := t.folded[a.Code], t.folded[b.Code]
		if fa != fb {
			return fa < fb
		}
		return a.Code < b.Code
	})
}

// Warnings lists what NewUnitTree repaired (unknown parents, successors).
func (t *UnitTree) Warnings() []string { return append([]string(nil), t.warnings...) }

// Len returns the number of units.
func (t *UnitTree) Len() int { return len(t.units) }

// Get returns the unit with code (its ParentCode and SuccessorCode as
// repaired by NewUnitTree). The unit must not be modified.
func (t *UnitTree) Get(code string) (*Unit, bool) {
	u, ok := t.units[code]
	return u, ok
}

// Name returns the name of the unit with code, or code for an unknown
// unit (so that a list still says which unit it means).
func (t *UnitTree) Name(code string) string {
	if u, ok := t.units[code]; ok {
		return u.Name
	}
	return code
}

// Roots returns the top-level units, ordered by name then code.
func (t *UnitTree) Roots() []string { return append([]string(nil), t.roots...) }

// Children returns the direct sub-units of code, ordered by name then code.
func (t *UnitTree) Children(code string) []string {
	return append([]string(nil), t.children[code]...)
}

// Descendants returns code and every unit below it, parents before their
// children; nil when code is unknown.
func (t *UnitTree) Descendants(code string) []string {
	if _, ok := t.units[code]; !ok {
		return nil
	}
	out := []string{code}
	for i := 0; i < len(out); i++ {
		out = append(out, t.children[out[i]]...)
	}
	return out
}

// Contains reports whether code is ancestor or lies below it, in O(depth).
func (t *UnitTree) Contains(ancestor, code string) bool {
	for u, ok := t.units[code]; ok; u, ok = t.units[u.ParentCode] {
		if u.Code == ancestor {
			return true
		}
	}
	return false
}

// Path returns the codes from the root down to code; nil when unknown.
func (t *UnitTree) Path(code string) []string {
	var out []string
	for u, ok := t.units[code]; ok; u, ok = t.units[u.ParentCode] {
		out = append(out, u.Code)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Resolve returns the unit under which something of unit code on day on
// adds up: code itself while it is valid on that day, else its successor's
// resolution (so a dossier of a former district lands under the commune
// that took it in). A unit no longer valid without a successor, or an
// unknown code, resolves to itself. For a report, pass the report's last
// day, so that dossiers received under a former unit add up under the unit
// valid at the time of the report.
func (t *UnitTree) Resolve(code string, on Date) string {
	for range len(t.units) {
		u, ok := t.units[code]
		if !ok || u.ValidOn(on) || u.SuccessorCode == "" {
			return code
		}
		code = u.SuccessorCode
	}
	return code
}

// RollUp returns each unit's counts including its sub-tree, from each
// unit's own counts. A code not in the tree keeps its own counts only.
func (t *UnitTree) RollUp(own map[string]Counts) map[string]Counts {
	out := make(map[string]Counts, len(own))
	for code, c := range own {
		if _, ok := t.units[code]; !ok {
			x := out[code]
			x.Add(c)
			out[code] = x
			continue
		}
		for u, ok := t.units[code]; ok; u, ok = t.units[u.ParentCode] {
			x := out[u.Code]
			x.Add(c)
			out[u.Code] = x
		}
	}
	return out
}
