package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dondoc/dondoc/models"
)

// RankGroup is one set of peers ranked with each other.
type RankGroup struct {
	Label      string           // "các sở, ban, ngành", "các xã, phường", "các phòng, ban, trung tâm"
	Class      models.PeerClass // the peers' class
	Parent     string           // code of the unit whose sub-units they are; "" for the roots
	ParentName string
	Top        bool      // a group of the report's first level (the root's children, or the roots)
	Rows       []UnitRow // ranked first, in rank order; then the unranked, by name
}

// Ranked returns how many rows of the group are ranked.
func (g RankGroup) Ranked() int {
	n := 0
	for _, u := range g.Rows {
		if u.Rank > 0 {
			n++
		}
	}
	return n
}

// TieBreak names how ranks are decided, for every rendering.
const TieBreak = "Xếp theo điểm 766; bằng điểm thì đơn vị có nhiều hồ sơ trong kỳ hơn xếp trên; bằng cả hai là đồng hạng (=)."

// classOrder is the order of the peer groups under one unit.
var classOrder = []models.PeerClass{models.PeerDepartment, models.PeerCommune, models.PeerDistrict,
	models.PeerSubUnit, models.PeerOther, models.PeerProvince}

// arrange fills r.Units and r.Groups from the shown roots (see Build).
func (r *Report) arrange(roots []*node) {
	type level struct {
		parent   *node
		children []*node
		depth    int
	}
	var queue []level
	switch {
	case len(roots) == 1 && len(roots[0].shownChildren()) > 0:
		r.Units = append(r.Units, rowOf(roots[0], 0))
		queue = append(queue, level{roots[0], roots[0].shownChildren(), 1})
	case len(roots) > 0:
		queue = append(queue, level{nil, roots, 0})
	}
	for qi := 0; qi < len(queue); qi++ {
		lv := queue[qi]
		for _, g := range peerGroups(lv.parent, lv.children, lv.depth) {
			g.Top = qi == 0
			if !g.Top && g.ParentName != "" {
				g.Label += " — " + g.ParentName
				for i := range g.Rows {
					g.Rows[i].Group = g.Label
				}
			}
			r.Units = append(r.Units, g.Rows...)
			r.Groups = append(r.Groups, g)
			for _, u := range g.Rows {
				n := findChild(lv.children, u.Code)
				if kids := n.shownChildren(); len(kids) > 0 {
					queue = append(queue, level{n, kids, lv.depth + 1})
				}
			}
		}
	}
}

func findChild(ns []*node, code string) *node {
	for _, n := range ns {
		if n.unit.Code == code {
			return n
		}
	}
	return nil
}

func rowOf(n *node, depth int) UnitRow {
	row := UnitRow{Code: n.unit.Code, Name: n.unit.Name, Parent: n.unit.ParentCode, Depth: depth, Counts: n.sum}
	if n.hasPrev {
		p := n.prev
		row.Prev = &p
	}
	return row
}

// peerGroups splits children into peer groups and ranks each.
func peerGroups(parent *node, children []*node, depth int) []RankGroup {
	byClass := map[models.PeerClass][]*node{}
	for _, n := range children {
		c := models.PeerClassOf(n.unit.Level)
		byClass[c] = append(byClass[c], n)
	}
	var out []RankGroup
	for _, c := range classOrder {
		ns := byClass[c]
		if len(ns) == 0 {
			continue
		}
		g := RankGroup{Class: c, Label: groupLabel(c, ns)}
		if parent != nil {
			g.Parent, g.ParentName = parent.unit.Code, parent.unit.Name
		}
		for _, n := range ns {
			g.Rows = append(g.Rows, rowOf(n, depth))
		}
		rankRows(g.Rows)
		for i := range g.Rows {
			g.Rows[i].Group = g.Label
		}
		out = append(out, g)
	}
	return out
}

// groupLabel names a group of peers: "các xã, phường" from the levels its
// units have.
func groupLabel(c models.PeerClass, ns []*node) string {
	switch c {
	case models.PeerDepartment:
		return "các sở, ban, ngành"
	case models.PeerDistrict:
		return "các huyện (trước 01/7/2025)"
	case models.PeerSubUnit:
		return "các phòng, ban, trung tâm"
	case models.PeerProvince:
		return "các tỉnh, thành phố"
	case models.PeerOther:
		return "các đơn vị"
	}
	has := map[string]bool{}
	for _, n := range ns {
		has[models.LevelLabel(n.unit.Level)] = true
	}
	var parts []string
	for _, l := range []string{"xã", "phường", "đặc khu", "thị trấn"} {
		if has[l] {
			parts = append(parts, l)
		}
	}
	if len(parts) == 0 {
		parts = []string{"xã"}
	}
	return "các " + strings.Join(parts, ", ")
}

// rankRows orders rows in rank order and ranks them: units with nothing in
// scope last, unranked, by name.
func rankRows(rows []UnitRow) {
	slices.SortStableFunc(rows, func(a, b UnitRow) int {
		ea, eb := a.Counts.InScope == 0, b.Counts.InScope == 0
		if ea != eb {
			if ea {
				return 1
			}
			return -1
		}
		if !ea {
			if c := compareUnits(a.Counts, b.Counts); c != 0 {
				return c
			}
		}
		if c := strings.Compare(models.Fold(a.Name), models.Fold(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	n := 0
	for i := range rows {
		if rows[i].Counts.InScope == 0 {
			break
		}
		n++
		rows[i].Rank = i + 1
		if i > 0 && compareUnits(rows[i-1].Counts, rows[i].Counts) == 0 {
			rows[i].Rank = rows[i-1].Rank
			rows[i].Tied, rows[i-1].Tied = true, true
		}
	}
	for i := range rows[:n] {
		rows[i].Of = n
	}
}

// RankLabel is the rank as shown: "3", "3=" for a tie, "" when not ranked.
func (u UnitRow) RankLabel() string {
	switch {
	case u.Rank == 0:
		return ""
	case u.Tied:
		return fmt.Sprintf("%d=", u.Rank)
	}
	return fmt.Sprint(u.Rank)
}

// PlaceLine is a unit's place among its peers, e.g.
// "hạng 13/19 trong các xã, phường" ("đồng hạng 2/19 …" for a tie); "" when
// the unit is not ranked.
func (u UnitRow) PlaceLine() string {
	if u.Rank == 0 {
		return ""
	}
	word := "hạng"
	if u.Tied {
		word = "đồng hạng"
	}
	return fmt.Sprintf("%s %d/%d trong %s", word, u.Rank, u.Of, u.Group)
}

// Ranked returns the rows of the top-level peer groups that are ranked,
// group after group, each in rank order.
func (r *Report) Ranked() []UnitRow {
	var out []UnitRow
	for _, g := range r.TopGroups() {
		for _, u := range g.Rows {
			if u.Rank > 0 {
				out = append(out, u)
			}
		}
	}
	return out
}

// TopGroups returns the peer groups of the report's first level.
func (r *Report) TopGroups() []RankGroup {
	var out []RankGroup
	for _, g := range r.Groups {
		if g.Top {
			out = append(out, g)
		}
	}
	return out
}

// Row returns the row of unit code.
func (r *Report) Row(code string) (UnitRow, bool) {
	for _, u := range r.Units {
		if u.Code == code {
			return u, true
		}
	}
	return UnitRow{}, false
}

// IsRoot reports whether code is a unit at the top of the unit tree (no
// parent), so it has no peers to be ranked among.
func (r *Report) IsRoot(code string) bool {
	u, ok := r.Row(code)
	return ok && u.Parent == ""
}
