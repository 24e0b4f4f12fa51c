package jobs

import (
	"context"
	"fmt"
	"strings"

	"github.com/dondoc/dondoc/digest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/scheduler"
	"github.com/dondoc/dondoc/store"
)

// org is the unit tree and the officers' names, read once per run.
type org struct {
	tree     *models.UnitTree
	officers map[string]models.Officer
	names    map[string]string
}

// org checks the dependencies (the start of every job planned per unit)
// and reads the organisation.
func (d *Deps) org(ctx context.Context) (*org, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	units, err := d.Store.Units(ctx)
	if err != nil {
		return nil, err
	}
	tree, err := models.NewUnitTree(units)
	if err != nil {
		return nil, fmt.Errorf("jobs: unit tree: %w", err)
	}
	officers, err := d.Store.Officers(ctx)
	if err != nil {
		return nil, err
	}
	o := &org{tree: tree, officers: make(map[string]models.Officer, len(officers)), names: make(map[string]string, len(officers))}
	for _, x := range officers {
		o.officers[x.Code] = x
		o.names[x.Code] = x.Name
	}
	return o, nil
}

// Escalate sends each leader with an active chat account the overdue
// dossiers of their unit's sub-tree, grouped by officer, when
// digest.ShouldRepeat says so against the last escalation sent to them
// (kept in the outbox); with EscalateToGroups, the unit's bound groups get
// the same list under the same rule.
func (d *Deps) Escalate(ctx context.Context, p scheduler.RunPeriod) error {
	n, err := d.RunEscalate(ctx, p)
	d.log().Info("jobs: escalation", "day", p.Day.String(), "enqueued", n, "err", err)
	return err
}

// RunEscalate is Escalate returning how many messages it enqueued (or
// printed).
func (d *Deps) RunEscalate(ctx context.Context, p scheduler.RunPeriod) (int, error) {
	o, err := d.org(ctx)
	if err != nil {
		return 0, err
	}
	accounts, err := d.Store.ActiveAccounts(ctx, d.names()...)
	if err != nil {
		return 0, err
	}
	now := d.planNow(p)
	type target struct {
		recipient string // outbox recipient and ShouldRepeat state key
		leader    models.Officer
		platform  string
		chatID    string
		threadID  int
	}
	var targets []target
	for _, a := range accounts {
		if a.OfficerRole != models.RoleLeader {
			continue
		}
		targets = append(targets, target{recipient: "leader:" + a.OfficerCode + "@" + a.Platform,
			leader: o.officers[a.OfficerCode], platform: a.Platform, chatID: a.ChatID})
	}
	if d.EscalateToGroups {
		groups, err := d.Store.ChatGroups(ctx, d.names()...)
		if err != nil {
			return 0, err
		}
		for _, g := range groups {
			targets = append(targets, target{recipient: "group:" + g.Platform + ":" + g.ChatID,
				leader:   models.Officer{Code: "unit:" + g.UnitCode, UnitCode: g.UnitCode},
				platform: g.Platform, chatID: g.ChatID, threadID: g.ThreadID})
		}
	}
	risks := d.risks(ctx, now)
	cache := map[string][]models.Dossier{} // overdue by unit
	total := 0
	for _, t := range targets {
		overdue, ok := cache[t.leader.UnitCode]
		if !ok {
			units := o.tree.Scope(t.leader.UnitCode)
			overdue, err = d.Store.OpenDossiersInUnits(ctx, units, now, 0)
			if err != nil {
				return total, err
			}
			cache[t.leader.UnitCode] = overdue
		}
		esc, ok := digest.PlanEscalation(d.Rules, now, t.leader, o.tree, overdue, o.names)
		if !ok {
			continue
		}
		esc.AtRisk = risks.CountByUnit(o.tree, t.leader.UnitCode)
		f, max := d.format(t.platform)
		err := d.inTx(ctx, func(tx Tx) error {
			prev, err := lastEscalation(ctx, tx, t.recipient)
			if err != nil {
				return err
			}
			cur := esc
			cur.Fingerprint = shortFP(cur.Fingerprint)
			if !digest.ShouldRepeat(prev, cur, p.Day, d.cal(), d.RepeatDays) {
				return nil
			}
			text := digest.RenderEscalation(esc, digest.RenderOptions{Format: f, MaxLen: max, Location: d.loc(),
				OfficerName: t.leader.Name})
			key := digest.EscalationKey(strings.ReplaceAll(t.recipient, "/", "_"), esc.Fingerprint, p.Day)
			n, err := d.enqueue(ctx, tx, []notify.Entry{{Key: key, Job: models.JobEscalation, Recipient: t.recipient,
				Period: p.Day.String(), Message: notify.Message{Platform: t.platform, ChatID: t.chatID,
					ThreadID: t.threadID, Text: text, Format: f}}})
			total += n
			if err != nil || d.DryRun {
				return err
			}
			return tx.RecordEscalation(ctx, store.EscalationSent{Recipient: t.recipient, Fingerprint: cur.Fingerprint,
				Day: p.Day.String(), OutboxKey: key, UpdatedAt: d.clock()()})
		})
		if err != nil {
			return total, fmt.Errorf("jobs: escalation to %s: %w", t.recipient, err)
		}
	}
	d.added(total)
	return total, nil
}

func shortFP(fp string) string {
	if len(fp) > 16 {
		return fp[:16]
	}
	return fp
}

// lastEscalation reads what the escalation last sent (or enqueued) to
// recipient from the escalation state, which outlives the outbox's
// retention.
func lastEscalation(ctx context.Context, tx Tx, recipient string) (*digest.Sent, error) {
	e, ok, err := tx.LastEscalation(ctx, recipient)
	if err != nil || !ok {
		return nil, err
	}
	day, err := models.ParseDate(e.Day)
	if err != nil {
		return nil, fmt.Errorf("jobs: escalation state of %s: day %q: %w", recipient, e.Day, err)
	}
	return &digest.Sent{Fingerprint: e.Fingerprint, Day: day}, nil
}
