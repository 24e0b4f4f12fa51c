package jobs

import (
	"context"

	"github.com/dondoc/dondoc/digest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/scheduler"
)

// Weekly sends each bound unit group a summary of its sub-tree: open
// dossiers, overdue, due this week (by Sunday).
func (d *Deps) Weekly(ctx context.Context, p scheduler.RunPeriod) error {
	n, err := d.RunWeekly(ctx, p)
	d.log().Info("jobs: weekly", "period", p.Key, "enqueued", n, "err", err)
	return err
}

// RunWeekly is Weekly returning how many messages it enqueued (or printed).
func (d *Deps) RunWeekly(ctx context.Context, p scheduler.RunPeriod) (int, error) {
	o, err := d.org(ctx)
	if err != nil {
		return 0, err
	}
	groups, err := d.Store.ChatGroups(ctx, d.names()...)
	if err != nil {
		return 0, err
	}
	now := d.planNow(p)
	sunday := p.Day.AddDays(6 - (int(p.Day.Weekday())+6)%7)
	weekEnd := sunday.End(d.loc())
	risks := d.risks(ctx, now)
	var entries []notify.Entry
	for _, g := range groups {
		u, ok := o.tree.Get(g.UnitCode)
		if !ok {
			continue
		}
		open, err := d.Store.OpenDossiersInUnits(ctx, o.tree.Scope(g.UnitCode), weekEnd, 0)
		if err != nil {
			return 0, err
		}
		var c digest.WeeklyCounts
		for i := range open {
			cl := d.Rules.Classify(&open[i], now)
			switch {
			case cl.Class == models.ClassOverdue:
				c.Overdue++
			case cl.Class != models.ClassPaused:
				c.DueThisWeek++
			}
		}
		c.AtRisk = risks.CountByUnit(o.tree, g.UnitCode)
		f, _ := d.format(g.Platform)
		text := digest.RenderWeekly(u.Name, p.Day, sunday, c, f)
		entries = append(entries, notify.Entry{Key: notify.Key(models.JobWeekly, "group:"+g.Platform+":"+g.ChatID, p.Key),
			Job: models.JobWeekly, Recipient: "group:" + g.Platform + ":" + g.ChatID, Period: p.Key,
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
