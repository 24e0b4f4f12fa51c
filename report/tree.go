package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dondoc/dondoc/models"
)

// tree is the unit tree with rolled-up figures.
type tree struct {
	byCode map[string]*node
	roots  []*node
	all    []*node // children before parents are not guaranteed; rollUp memoises
}

type node struct {
	unit     models.Unit
	folded   string // models.Fold(unit.Name), the sort key
	children []*node

	done    bool
	keep    bool // shown: valid during the month or carrying figures
	sum     models.Counts
	prev    models.Counts
	hasPrev bool
}

func newTree(units []models.Unit) (*tree, error) {
	t := &tree{byCode: make(map[string]*node, len(units))}
	for i := range units {
		u := units[i]
		if strings.TrimSpace(u.Code) == "" {
			return nil, fmt.Errorf("báo cáo: đơn vị thứ %d không có mã", i+1)
		}
		if t.byCode[u.Code] != nil {
			return nil, fmt.Errorf("báo cáo: mã đơn vị %q bị trùng", u.Code)
		}
		n := &node{unit: u, folded: models.Fold(u.Name)}
		t.byCode[u.Code] = n
		t.all = append(t.all, n)
	}
	for _, n := range t.all {
		p := n.unit.ParentCode
		if p == "" {
			t.roots = append(t.roots, n)
			continue
		}
		parent := t.byCode[p]
		if parent == nil {
			return nil, fmt.Errorf("báo cáo: đơn vị %q có đơn vị cha %q không có trong danh sách", n.unit.Code, p)
		}
		parent.children = append(parent.children, n)
	}
	// Every unit must reach a root: anything else sits on a cycle.
	for _, n := range t.all {
		seen := map[*node]bool{}
		for c := n; c.unit.ParentCode != ""; c = t.byCode[c.unit.ParentCode] {
			if seen[c] {
				return nil, fmt.Errorf("báo cáo: cây đơn vị có vòng lặp qua đơn vị %q", c.unit.Code)
			}
			seen[c] = true
		}
	}
	for _, n := range t.all {
		slices.SortFunc(n.children, byName)
	}
	slices.SortFunc(t.roots, byName)
	return t, nil
}

// rollUp computes n's sub-tree figures once.
func (n *node) rollUp(own, prevOwn map[string]models.Counts, first, last models.Date) {
	if n.done {
		return
	}
	n.done = true
	n.sum = own[n.unit.Code]
	p, ok := prevOwn[n.unit.Code]
	n.prev, n.hasPrev = p, ok
	_, hasOwn := own[n.unit.Code]
	valid := (n.unit.ValidFrom == models.NoDate || n.unit.ValidFrom <= last) &&
		(n.unit.ValidTo == models.NoDate || n.unit.ValidTo >= first)
	n.keep = valid || (hasOwn && n.sum != models.Counts{})
	for _, c := range n.children {
		c.rollUp(own, prevOwn, first, last)
		n.sum.Add(c.sum)
		if c.hasPrev {
			n.prev.Add(c.prev)
			n.hasPrev = true
		}
		if c.keep {
			n.keep = true
		}
	}
}

func (n *node) shownChildren() []*node {
	var out []*node
	for _, c := range n.children {
		if c.keep {
			out = append(out, c)
		}
	}
	return out
}
