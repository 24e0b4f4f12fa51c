// Package report builds the monthly results of a unit's sub-tree — the
// ranking of units by the 766 score, the list of slow officers, the
// dossiers nobody handles — and renders them for chat (text), machines
// (JSON, CSV), the secretariat (XLSX), the public page (HTML) and a chart
// (PNG). It holds no applicant data: only unit and officer figures.
package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/dondoc/dondoc/models"
)

// Report is one month's results for a scope.
type Report struct {
	Year        int
	Month       time.Month
	Scope       string // root unit code, or "" for all units
	Issuer      string // issuing unit name for the heading
	GeneratedAt time.Time
	Place       string       // for the date line, e.g. "Hòa Bình"
	Units       []UnitRow    // the root (if one), then each peer group in rank order (see Build)
	Groups      []RankGroup  // the peer groups, the top-level ones first
	Officers    []OfficerRow // slow officers only, the slowest first
	Unassigned  int          // in-scope dossiers with no handling officer
	// UnassignedCodes lists their codes (at most MaxUnassignedCodes), in
	// code order, for the XLSX sheet the secretariat works from.
	UnassignedCodes []string
	// JudgedAt is the instant the month was judged at: its last moment
	// once it has ended, else the moment the report was made (Provisional:
	// "tạm tính đến HH:MM dd/mm/yyyy", docs/domain.md).
	JudgedAt    time.Time
	Provisional bool
}

// UnitRow is a unit's line: its figures include its whole sub-tree.
type UnitRow struct {
	Code, Name, Parent string
	Depth              int            // 0 for a root of the report
	Counts             models.Counts  // including its sub-tree
	Prev               *models.Counts // the month before, nil if none
	Rank               int            // 1-based among its peers (Group); 0 = not ranked
	Of                 int            // how many peers are ranked in its group
	Tied               bool           // shares its rank with another peer
	Group              string         // its peers, e.g. "các xã, phường" (RankGroup.Label)
}

// OfficerRow is a slow officer's line.
type OfficerRow struct {
	Code, Name, UnitCode, UnitName string
	// Unknown: no officer record names the account; Name reads "tài khoản
	// chưa khai báo (code)".
	Unknown bool
	models.OfficerCounts
}

// PublicName is the officer's name for the public page, which never shows
// a system account name.
func (o OfficerRow) PublicName() string {
	if o.Unknown {
		return "tài khoản chưa khai báo"
	}
	return o.Name
}

// Public returns a copy of r for the public page and its files (HTML,
// XLSX, CSV, JSON, PNG): no system account name (officer codes are left
// empty, an unknown account reads "tài khoản chưa khai báo") and no
// dossier code (the unassigned dossiers are counted, not listed).
func (r *Report) Public() *Report {
	p := *r
	p.UnassignedCodes = nil
	p.Officers = make([]OfficerRow, len(r.Officers))
	for i, o := range r.Officers {
		o.Name, o.Code = o.PublicName(), ""
		p.Officers[i] = o
	}
	return &p
}

// Input is what Build needs: the unit tree and the figures computed from
// the database.
type Input struct {
	Year        int
	Month       time.Month
	Scope       string // root unit code; "" for every unit
	Issuer      string // defaults to the scope unit's name
	Place       string
	GeneratedAt time.Time // the date line is written in its location

	Units         []models.Unit
	Own           map[string]models.Counts // by unit code, own figures (not rolled up)
	PrevOwn       map[string]models.Counts // the month before, own figures; nil if unknown
	Officers      []models.Officer
	OfficerCounts map[string]models.OfficerCounts // by officer code
	Unassigned    int
	// UnassignedCodes: see Report.
	UnassignedCodes []string
	// JudgedAt and Provisional: see Report (zero JudgedAt: the month's
	// last moment).
	JudgedAt    time.Time
	Provisional bool
}

// Build rolls the figures up the unit tree, ranks the units among their
// peers and lists the slow officers.
//
// Peers (docs/domain.md "Units"): the shown children of one unit (or the
// roots, when the report has several) split by models.PeerClassOf of their
// level — provincial departments with each other, commune-level units
// (xã, phường, đặc khu) with each other, sub-units within their unit —
// never a Sở against a xã. A unit with nothing in scope has no rate and is
// not ranked. Ranking is by score_766 (exact rate, descending), then
// volume (in-scope count, descending); units equal on both share a rank
// ("1, 2=, 2=, 4"), listed by name.
//
// Units holds the single root first (not ranked; a root with no children
// is ranked alone), then every peer group in rank order: the groups of
// the root's children (or of the roots) first, then the groups of their
// sub-units, in the order of their unit. A scoped report covers the scope
// unit and its predecessors (models.UnitTree.Scope): an old commune merged
// into the scope unit is a root of its own.
// A unit with no dossier in scope is listed after the ranking (Unranked:
// "không phát sinh hồ sơ").
//
// Units whose validity does not overlap the month are left out unless
// they (or their sub-tree) carry figures. Figures for an unknown unit, a
// duplicate unit code, a missing parent or a cycle are errors. An officer
// with figures but no officer record is listed under their code when the
// report has no scope. Slow officers are those whose unit is in scope;
// Unassigned is taken as given (the caller counts it for the scope).
func Build(in Input) (*Report, error) {
	if in.Month < time.January || in.Month > time.December {
		return nil, fmt.Errorf("báo cáo: tháng %d không hợp lệ", in.Month)
	}
	if in.Year < 1 {
		return nil, fmt.Errorf("báo cáo: năm %d không hợp lệ", in.Year)
	}
	t, err := newTree(in.Units)
	if err != nil {
		return nil, err
	}
	for code := range in.Own {
		if t.byCode[code] == nil {
			return nil, fmt.Errorf("báo cáo: có số liệu cho đơn vị %q không có trong danh sách đơn vị", code)
		}
	}
	for code := range in.PrevOwn {
		if t.byCode[code] == nil {
			return nil, fmt.Errorf("báo cáo: có số liệu tháng trước cho đơn vị %q không có trong danh sách đơn vị", code)
		}
	}

	roots, scope, err := scopeRoots(t, in)
	if err != nil {
		return nil, err
	}
	first := models.NewDate(in.Year, in.Month, 1)
	last := models.NewDate(in.Year, in.Month+1, 1) - 1
	for _, n := range t.all {
		n.rollUp(in.Own, in.PrevOwn, first, last)
	}

	r := &Report{
		Year: in.Year, Month: in.Month, Scope: in.Scope, Issuer: in.Issuer,
		Place: in.Place, GeneratedAt: in.GeneratedAt, Unassigned: in.Unassigned,
		UnassignedCodes: in.UnassignedCodes, JudgedAt: in.JudgedAt, Provisional: in.Provisional,
	}
	if r.Issuer == "" && in.Scope != "" {
		r.Issuer = t.byCode[in.Scope].unit.Name
	}
	shown := make([]*node, 0, len(roots))
	for _, n := range roots {
		if n.keep {
			shown = append(shown, n)
		}
	}
	r.arrange(shown)
	r.Officers = slowOfficers(in, t, scope)
	return r, nil
}

// scopeRoots returns the roots of the report and, for a scoped report, the
// codes it covers: the scope unit and its predecessors (models.UnitTree.Scope),
// each unit of the scope whose parent is outside it being a root — the
// scope unit first, then by name (an old commune merged into the scope
// unit is a root of its own in a month before the merger).
func scopeRoots(t *tree, in Input) ([]*node, map[string]bool, error) {
	if in.Scope == "" {
		return t.roots, nil, nil
	}
	top := t.byCode[in.Scope]
	if top == nil {
		return nil, nil, fmt.Errorf("báo cáo: không có đơn vị %q (phạm vi báo cáo)", in.Scope)
	}
	mt, err := models.NewUnitTree(in.Units)
	if err != nil {
		return nil, nil, fmt.Errorf("báo cáo: %w", err)
	}
	scope := map[string]bool{}
	codes := mt.Scope(in.Scope)
	for _, c := range codes {
		scope[c] = true
	}
	roots := []*node{top}
	var more []*node
	for _, c := range codes[1:] {
		if n := t.byCode[c]; n != nil && !scope[n.unit.ParentCode] {
			more = append(more, n)
		}
	}
	slices.SortFunc(more, byName)
	return append(roots, more...), scope, nil
}

func byName(a, b *node) int {
	if c := strings.Compare(a.folded, b.folded); c != 0 {
		return c
	}
	return strings.Compare(a.unit.Code, b.unit.Code)
}

// compareUnits orders two units for ranking: negative when a ranks above
// b, 0 when they tie on score and volume. A unit with nothing in scope
// (no rate) comes after every unit with a rate.
func compareUnits(a, b models.Counts) int {
	// Compare OnTime766/InScope exactly.
	an, ad := int64(a.OnTime766), int64(a.InScope)
	bn, bd := int64(b.OnTime766), int64(b.InScope)
	switch {
	case ad == 0 && bd == 0:
		return 0
	case ad == 0:
		return 1
	case bd == 0:
		return -1
	}
	if c := cmp.Compare(bn*ad, an*bd); c != 0 {
		return c
	}
	return cmp.Compare(int64(b.InScope), int64(a.InScope))
}

// Unranked returns the units of the ranking's level with no dossier in
// scope ("không phát sinh hồ sơ"), listed after the ranking, by name.
func (r *Report) Unranked() []UnitRow {
	var out []UnitRow
	for _, u := range r.Units {
		if u.Rank == 0 && u.Counts.InScope == 0 && u.Group != "" {
			out = append(out, u)
		}
	}
	slices.SortStableFunc(out, func(a, b UnitRow) int { return strings.Compare(models.Fold(a.Name), models.Fold(b.Name)) })
	return out
}

// NoData reports a month with no dossier in scope anywhere in the report
// ("chưa có dữ liệu"): there is nothing to rank, not a perfect ranking.
func (r *Report) NoData() bool { return r.Total().InScope == 0 && len(r.Officers) == 0 }

// ProvisionalNote is "tạm tính đến HH:MM dd/mm/yyyy" for a month judged
// before it ended, else "".
func (r *Report) ProvisionalNote() string {
	if !r.Provisional || r.JudgedAt.IsZero() {
		return ""
	}
	return "tạm tính đến " + r.JudgedAt.In(r.noteLoc()).Format("15:04 02/01/2006")
}

// noteLoc is the location of the provisional note: GeneratedAt's.
func (r *Report) noteLoc() *time.Location {
	if r.GeneratedAt.IsZero() {
		return r.JudgedAt.Location()
	}
	return r.GeneratedAt.Location()
}

// Total returns the figures of the whole scope (the sum of the roots).
func (r *Report) Total() models.Counts {
	var c models.Counts
	for _, u := range r.Units {
		if u.Depth == 0 {
			c.Add(u.Counts)
		}
	}
	return c
}

func slowOfficers(in Input, t *tree, inScope map[string]bool) []OfficerRow {
	// inScope is nil for a report of every unit.
	byCode := map[string]models.Officer{}
	for _, o := range in.Officers {
		byCode[o.Code] = o
	}
	var out []OfficerRow
	for code, c := range in.OfficerCounts {
		if !c.Slow() {
			continue
		}
		o, ok := byCode[code]
		if !ok {
			o = models.Officer{Code: code, Name: models.UnknownAccount(code)}
		}
		if inScope != nil && !inScope[o.UnitCode] {
			continue
		}
		row := OfficerRow{Code: o.Code, Name: o.Name, UnitCode: o.UnitCode, Unknown: !ok, OfficerCounts: c}
		if u := t.byCode[o.UnitCode]; u != nil {
			row.UnitName = u.unit.Name
		}
		out = append(out, row)
	}
	// The sort keys are computed once, not in every comparison (a
	// province has 20,000 officers).
	type keyed struct {
		late   int
		folded string
		row    OfficerRow
	}
	ks := make([]keyed, len(out))
	for i, r := range out {
		ks[i] = keyed{late: r.Lateness(), folded: models.Fold(r.Name), row: r}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if a.late != b.late {
			return b.late - a.late
		}
		if c := strings.Compare(a.folded, b.folded); c != 0 {
			return c
		}
		return strings.Compare(a.row.Code, b.row.Code)
	})
	for i := range ks {
		out[i] = ks[i].row
	}
	return out
}

// Lateness is late (with or without an apology letter) + late on the
// system + overdue still open: the order of the slow-officer list.
func (o OfficerRow) Lateness() int { return o.Late + o.LateApology + o.LateOnSystem + o.OverdueOpen }

// Trend is the change of a figure against the month before.
type Trend int

// The trends.
const (
	Same Trend = iota // equal at the precision shown, or no previous month
	Up
	Down
)

// Arrow returns "▲", "▼" or "".
func (t Trend) Arrow() string {
	switch t {
	case Up:
		return "▲"
	case Down:
		return "▼"
	}
	return ""
}

// trend compares two values at the precision shown (decimals places).
func trend(cur, prev float64, decimals int) Trend {
	m := math.Pow(10, float64(decimals))
	c, p := math.Round(cur*m), math.Round(prev*m)
	switch {
	case c > p:
		return Up
	case c < p:
		return Down
	}
	return Same
}

// ScoreTrend compares the 766 score with the month before (0.01 point, as
// shown); Same when either month has no score.
func (u UnitRow) ScoreTrend() Trend { return u.trendOf(models.Counts.Score766OK, decimals) }

// RateTrend compares the on-time rate with the month before (0.01 %, as
// shown); Same when either month has no rate.
func (u UnitRow) RateTrend() Trend { return u.trendOf(models.Counts.OnTimeRateOK, decimals+2) }

// trendOf compares figure (rounded to places decimals) with the month
// before; Same when either month has none.
func (u UnitRow) trendOf(figure func(models.Counts) (float64, bool), places int) Trend {
	if u.Prev == nil {
		return Same
	}
	cur, ok1 := figure(u.Counts)
	prev, ok2 := figure(*u.Prev)
	if !ok1 || !ok2 {
		return Same
	}
	return trend(cur, prev, places)
}

// FileName returns the download name of a report file, e.g.
// "Báo cáo TTHC tháng 10-2026.xlsx" for ext "xlsx" or ".xlsx".
func FileName(year int, month time.Month, ext string) string {
	return fmt.Sprintf("Báo cáo TTHC tháng %02d-%04d.%s", int(month), year, strings.TrimPrefix(ext, "."))
}

// MonthKey returns "2026-10".
func (r *Report) MonthKey() string { return fmt.Sprintf("%04d-%02d", r.Year, int(r.Month)) }
