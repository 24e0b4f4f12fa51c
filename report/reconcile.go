package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dondoc/dondoc/models"
)

// Why a dossier makes dondoc's figure and the portal's differ.
type Why int

// The reasons, in the order they are listed.
const (
	// WhyLateOnSystem: finished on time, recorded late on the provincial
	// system (the portal counts it overdue).
	WhyLateOnSystem Why = iota
	// WhyNotSynced: finished in dondoc's data, with no finish recorded on
	// the system (the portal still sees it open).
	WhyNotSynced
	// WhyDondocOnly: in scope for dondoc, under a unit with no portal id
	// (the portal counts it elsewhere, or not at all).
	WhyDondocOnly
	whyCount
)

// Label is the reason as the secretariat reads it.
func (w Why) Label() string {
	switch w {
	case WhyLateOnSystem:
		return "quá hạn chỉ trên Hệ thống (giải quyết đúng hạn, cập nhật trễ)"
	case WhyNotSynced:
		return "đã giải quyết nhưng chưa đồng bộ lên Hệ thống"
	}
	return "chỉ dondoc tính (đơn vị chưa có mã trên Cổng)"
}

// MaxExplained is how many dossier codes a reconciliation line names per
// reason (all are counted).
const MaxExplained = 20

// Explained is what explains a unit's difference: per reason, the number
// of dossiers and the first MaxExplained codes.
type Explained struct {
	Count [whyCount]int
	Codes [whyCount][]string
}

// Add records that dossier code differs for reason w.
func (e *Explained) Add(w Why, code string) {
	e.Count[w]++
	if len(e.Codes[w]) < MaxExplained {
		e.Codes[w] = append(e.Codes[w], code)
	}
}

// Explain returns why dossier d (of period p, judged with r) may be counted
// differently by the portal, if it may.
func Explain(r *models.Rules, d *models.Dossier, p models.Period) (Why, bool) {
	if !d.Status.IsFinished() || d.FinishedAt.Before(p.Start) || !d.FinishedAt.Before(p.End) {
		return 0, false
	}
	if d.SystemFinishedAt.IsZero() {
		return WhyNotSynced, true
	}
	if r.Classify(d, p.End).LateOnSystem {
		return WhyLateOnSystem, true
	}
	return 0, false
}

// ReconcileLine is one unit held against the portal.
type ReconcileLine struct {
	PortalID, PortalName string
	UnitCode, UnitName   string                 // empty: the portal's unit is not mapped
	Ours                 *models.Counts         // nil: dondoc has no unit for it
	Theirs               *models.PortalProgress // nil: the portal does not list the unit
	Explained            Explained
}

// Reconciliation is a month's dondoc figures beside the portal's.
type Reconciliation struct {
	Year        int
	Month       time.Month
	GeneratedAt time.Time
	Lines       []ReconcileLine
	// Unmapped explains the in-scope dossiers of units with no portal id.
	Unmapped Explained
}

// Reconcile puts the report's unit figures (rolled up) beside the portal's
// lines: a portal line takes the unit whose PortalID it carries (its parent,
// when unmapped, takes dondoc's total); a unit with a portal id the portal
// does not list gets a line of its own. explained is keyed by unit code.
func Reconcile(rep *Report, units []models.Unit, portal []models.PortalProgress, explained map[string]*Explained) *Reconciliation {
	out := &Reconciliation{Year: rep.Year, Month: rep.Month, GeneratedAt: rep.GeneratedAt}
	byPortal := map[string]*models.Unit{}
	for i := range units {
		if id := units[i].PortalID; id != "" {
			byPortal[id] = &units[i]
		}
	}
	counts := map[string]models.Counts{}
	for _, u := range rep.Units {
		counts[u.Code] = u.Counts
	}
	used := map[string]bool{}
	for i := range portal {
		p := &portal[i]
		l := ReconcileLine{PortalID: p.PortalID, PortalName: p.Name, Theirs: p}
		if u := byPortal[p.PortalID]; u != nil {
			l.UnitCode, l.UnitName = u.Code, u.Name
			if c, ok := counts[u.Code]; ok {
				l.Ours = &c
			}
			used[u.Code] = true
			if e := explained[u.Code]; e != nil {
				l.Explained = *e
			}
		} else if p.Parent {
			t := rep.Total()
			l.Ours, l.UnitName = &t, p.Name+" — so với toàn bộ đơn vị trong dondoc"
		}
		out.Lines = append(out.Lines, l)
	}
	for i := range units {
		u := &units[i]
		if u.PortalID == "" || used[u.Code] {
			continue
		}
		l := ReconcileLine{PortalID: u.PortalID, UnitCode: u.Code, UnitName: u.Name}
		if c, ok := counts[u.Code]; ok {
			l.Ours = &c
		}
		if e := explained[u.Code]; e != nil {
			l.Explained = *e
		}
		out.Lines = append(out.Lines, l)
	}
	if e := explained[""]; e != nil {
		out.Unmapped = *e
	}
	return out
}

// ourFigures returns dondoc's figures as the portal counts them: in scope
// (received or processed in the period), on time and overdue for 766, and
// the score (ok false when nothing is in scope).
func ourFigures(c *models.Counts) (received, onTime, overdue int, score float64, ok bool) {
	score, ok = c.Score766OK()
	return c.InScope, c.OnTime766, c.InScope - c.OnTime766, score, ok
}

// RenderReconcileText writes the reconciliation for chat and the terminal.
func RenderReconcileText(w io.Writer, rc *Reconciliation) error {
	var b strings.Builder
	fmt.Fprintf(&b, "ĐỐI SOÁT VỚI CỔNG DỊCH VỤ CÔNG QUỐC GIA — tháng %02d/%04d\n", int(rc.Month), rc.Year)
	b.WriteString("Điểm tiến độ giải quyết (Bộ chỉ số 766): số liệu của dondoc bên cạnh số liệu Cổng công bố.\n")
	if len(rc.Lines) == 0 {
		b.WriteString("\nChưa có số liệu của Cổng cho tháng này: nhập tệp bằng dondoc import portal TỆP --month YYYY-MM.\n")
	}
	for i := range rc.Lines {
		l := &rc.Lines[i]
		b.WriteString("\n")
		name := l.UnitName
		if name == "" {
			name = l.PortalName
		}
		fmt.Fprintf(&b, "• %s", name)
		if l.PortalID != "" {
			fmt.Fprintf(&b, " (mã trên Cổng: %s)", l.PortalID)
		}
		b.WriteString("\n")
		var oR, oT, oO int
		var oS float64
		oOK := false
		if l.Ours != nil {
			oR, oT, oO, oS, oOK = ourFigures(l.Ours)
			fmt.Fprintf(&b, "  dondoc: %s hồ sơ, %s đúng hạn, %s quá hạn, điểm %s\n", fmtInt(oR), fmtInt(oT), fmtInt(oO), score2(oS, oOK))
		} else if l.UnitCode == "" {
			b.WriteString("  dondoc: chưa có đơn vị nào mang mã này (thêm cột mã trên Cổng vào tệp đơn vị)\n")
		} else {
			b.WriteString("  dondoc: không có hồ sơ trong tháng\n")
		}
		if p := l.Theirs; p != nil {
			fmt.Fprintf(&b, "  Cổng:   %s hồ sơ, %s đúng hạn, %s quá hạn, điểm %s\n", optInt(p.Received), optInt(p.OnTime), optInt(p.Overdue),
				optScore(p.Score))
			if l.Ours != nil {
				fmt.Fprintf(&b, "  Chênh lệch (dondoc − Cổng): %s hồ sơ, %s đúng hạn, %s quá hạn, %s điểm\n",
					diffInt(oR, p.Received), diffInt(oT, p.OnTime), diffInt(oO, p.Overdue), diffScore(oS, oOK, p.Score))
			}
		} else {
			b.WriteString("  Cổng: không có đơn vị này trong tệp của Cổng\n")
		}
		writeExplained(&b, &l.Explained)
	}
	if rc.Unmapped.Count != ([whyCount]int{}) {
		b.WriteString("\n• Các đơn vị chưa có mã trên Cổng\n")
		writeExplained(&b, &rc.Unmapped)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeExplained(b *strings.Builder, e *Explained) {
	for w := Why(0); w < whyCount; w++ {
		if e.Count[w] == 0 {
			continue
		}
		fmt.Fprintf(b, "  – %s hồ sơ %s: %s", fmtInt(e.Count[w]), w.Label(), strings.Join(e.Codes[w], ", "))
		if more := e.Count[w] - len(e.Codes[w]); more > 0 {
			fmt.Fprintf(b, " … và %s hồ sơ khác", fmtInt(more))
		}
		b.WriteString("\n")
	}
}

func score2(s float64, ok bool) string {
	if !ok {
		return "—"
	}
	return vi.Sprintf("%.2f", s)
}

func optInt(p *int) string {
	if p == nil {
		return "—"
	}
	return fmtInt(*p)
}

func optScore(p *float64) string {
	if p == nil {
		return "—"
	}
	return vi.Sprintf("%.2f", *p)
}

func diffInt(ours int, theirs *int) string {
	if theirs == nil {
		return "—"
	}
	d := ours - *theirs
	switch {
	case d > 0:
		return "+" + fmtInt(d)
	case d < 0:
		return "−" + fmtInt(-d)
	}
	return "0"
}

func diffScore(ours float64, ok bool, theirs *float64) string {
	if !ok || theirs == nil {
		return "—"
	}
	d := ours - *theirs
	switch s := vi.Sprintf("%.2f", abs(d)); {
	case s == "0,00":
		return "0,00"
	case d > 0:
		return "+" + s
	default:
		return "−" + s
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
