package models

// Scope: the one place that decides which units a leader, a group, an
// escalation, a weekly summary, a report or the public page covers
// (docs/domain.md "Units: the two-level local government"). Every caller —
// the chat commands, the jobs, the report and the store's SQL — asks the
// tree, never walks parents itself.

// Predecessors returns the units whose successor is code (the old communes
// merged into it), ordered by name then code.
func (t *UnitTree) Predecessors(code string) []string {
	return append([]string(nil), t.preds[code]...)
}

// Scope returns the units whose dossiers the leader of code oversees: code's
// sub-tree plus the sub-tree of every predecessor, transitively (a
// predecessor of a unit in the scope, or of one of its sub-units, is in the
// scope with its own sub-tree). code comes first, then breadth-first, each
// unit's children before its predecessors. nil when code is unknown.
func (t *UnitTree) Scope(code string) []string {
	if _, ok := t.units[code]; !ok {
		return nil
	}
	seen := map[string]bool{code: true}
	out := []string{code}
	for i := 0; i < len(out); i++ {
		c := out[i]
		for _, next := range [2][]string{t.children[c], t.preds[c]} {
			for _, n := range next {
				if !seen[n] {
					seen[n] = true
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// Covers reports whether unit code lies in Scope(root): going up from code
// by parents and successors reaches root. An unknown code is covered only
// by itself; an unknown root covers nothing.
func (t *UnitTree) Covers(root, code string) bool {
	if _, ok := t.units[root]; !ok {
		return false
	}
	if root == code {
		return true
	}
	if len(t.preds) == 0 {
		return t.Contains(root, code)
	}
	seen := map[string]bool{}
	stack := []string{code}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c == root {
			return true
		}
		u, ok := t.units[c]
		if !ok || seen[c] {
			continue
		}
		seen[c] = true
		if u.ParentCode != "" {
			stack = append(stack, u.ParentCode)
		}
		if u.SuccessorCode != "" {
			stack = append(stack, u.SuccessorCode)
		}
	}
	return false
}

// Current reports whether u is valid on day and has not been replaced: a
// unit that stopped existing (validity ended) is history, whatever its
// successor.
func (t *UnitTree) Current(code string, day Date) bool {
	u, ok := t.units[code]
	return ok && u.ValidOn(day)
}
