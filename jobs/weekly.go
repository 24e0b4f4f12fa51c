package jobs

import (
	"context"
	"fmt"
	"html"
	"strings"

	"github.com/dondoc/dondoc/digest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/scheduler"
)

// WeeklyCounts is a unit's summary for the week: its sub-tree's open
// dossiers overdue and due by the end of the week.
type WeeklyCounts struct {
	Open, Overdue, DueThisWeek int
}

// Weekly sends each bound unit group a summary of its sub-tree: open
// dossiers, overdue, due this week (by Sunday).
func (d *Deps) Weekly(ctx context.Context, p scheduler.RunPeriod) error {
	n, err := d.RunWeekly(ctx, p)
	d.log().Info("jobs: weekly", "period", p.Key, "enqueued", n, "err", err)
	return err
}

// RunWeekly is Weekly returning how many messages it enqueued (or printed).
func (d *Deps) RunWeekly(ctx context.Context, p scheduler.RunPeriod) (int, error) {
	if err := d.check(); err != nil {
		return 0, err
	}
	o, err := d.org(ctx)
	if err != nil {
		return 0, err
	}
	groups, err := d.Store.ChatGroups(ctx, d.Platforms...)
	if err != nil {
		return 0, err
	}
	now := d.planNow(p)
	sunday := p.Day.AddDays(6 - (int(p.Day.Weekday())+6)%7)
	weekEnd := sunday.End(d.loc())
	var entries []notify.Entry
	for _, g := range groups {
		u, ok := o.tree.Get(g.UnitCode)
		if !ok {
			continue
		}
		open, err := d.Store.OpenDossiersInUnits(ctx, o.tree.Descendants(g.UnitCode), weekEnd, 0)
		if err != nil {
			return 0, err
		}
		var c WeeklyCounts
		for i := range open {
			cl := d.Rules.Classify(&open[i], now)
			switch {
			case cl.Class == models.ClassOverdue:
				c.Overdue++
			case cl.Class != models.ClassPaused:
				c.DueThisWeek++
			}
		}
		f, _ := format(g.Platform)
		text := RenderWeekly(u.Name, p.Day, sunday, c, f)
		entries = append(entries, notify.Entry{Key: notify.Key(JobWeekly, "group:"+g.Platform+":"+g.ChatID, p.Key),
			Job: JobWeekly, Recipient: "group:" + g.Platform + ":" + g.ChatID, Period: p.Key,
			Message: notify.Message{Platform: g.Platform, ChatID: g.ChatID, ThreadID: g.ThreadID, Text: text,
				Format: f, Silent: c.Overdue == 0}})
	}
	var n int
	err = d.inTx(ctx, func(tx Tx) error {
		n, err = d.enqueue(ctx, tx, entries)
		return err
	})
	d.added(n)
	return n, err
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
	fmt.Fprintf(&b, "Tuần %s (%s) – %s (%s)\n\n", from.VN(), digest.WeekdayVN(from), to.VN(), digest.WeekdayVN(to))
	if c.Overdue == 0 && c.DueThisWeek == 0 {
		b.WriteString("Không có hồ sơ quá hạn hay đến hạn trong tuần. ✅\n")
		return b.String()
	}
	if c.Overdue > 0 {
		fmt.Fprintf(&b, "🔴 Quá hạn: %s hồ sơ\n", bold(fmt.Sprint(c.Overdue)))
	}
	if c.DueThisWeek > 0 {
		fmt.Fprintf(&b, "🟡 Đến hạn trong tuần: %s hồ sơ\n", bold(fmt.Sprint(c.DueThisWeek)))
	}
	b.WriteString("\nGõ /quahan để xem danh sách hồ sơ quá hạn.\n")
	return b.String()
}
