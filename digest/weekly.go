package digest

import (
	"fmt"
	"html"
	"strings"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// WeeklyCounts is a unit's summary for the week: its sub-tree's open
// dossiers overdue and due by the end of the week.
type WeeklyCounts struct {
	Open, Overdue, DueThisWeek int
	// AtRisk: per unit of the sub-tree, the dossiers likely to finish late
	// (models.RiskList.CountByUnit); nil without the early warning.
	AtRisk []models.UnitRisk
}

// RenderWeekly writes a unit group's weekly summary.
func RenderWeekly(unitName string, from, to models.Date, c WeeklyCounts, f notify.Format) string {
	esc := func(s string) string {
		if f == notify.FormatHTML {
			return html.EscapeString(s)
		}
		return s
	}
	bold := func(s string) string {
		if f == notify.FormatHTML {
			return "<b>" + esc(s) + "</b>"
		}
		return s
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", bold("Tổng hợp tuần — "+unitName))
	fmt.Fprintf(&b, "Tuần %s (%s) – %s (%s)\n\n", from.VN(), WeekdayVN(from), to.VN(), WeekdayVN(to))
	risk := ""
	if riskTotal(c.AtRisk) > 0 {
		w := newWriter(&RenderOptions{Format: f})
		riskUnitsLine(w, c.AtRisk)
		risk = w.done() + "\n"
	}
	if c.Overdue == 0 && c.DueThisWeek == 0 {
		b.WriteString("Không có hồ sơ quá hạn hay đến hạn trong tuần. ✅\n")
		b.WriteString(risk)
		return b.String()
	}
	if c.Overdue > 0 {
		fmt.Fprintf(&b, "🔴 Quá hạn: %s hồ sơ\n", bold(fmt.Sprint(c.Overdue)))
	}
	if c.DueThisWeek > 0 {
		fmt.Fprintf(&b, "🟡 Đến hạn trong tuần: %s hồ sơ\n", bold(fmt.Sprint(c.DueThisWeek)))
	}
	b.WriteString(risk)
	b.WriteString("\nGõ /quahan để xem danh sách hồ sơ quá hạn.\n")
	return b.String()
}
