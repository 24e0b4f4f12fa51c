package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/dondoc/dondoc/digest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/scheduler"
)

// DigestStats counts what a digest run did.
type DigestStats struct {
	Rows        int // dossier rows read
	Digests     int // digests planned (officers with something to say)
	Messages    int // messages rendered (one per officer account)
	Enqueued    int // messages added to the outbox (0 on a rerun)
	Secretariat int // secretariat notes rendered
}

// Digest is the morning job: each officer with an active chat account and
// something to say gets their digest (silent when only due-soon); the
// secretariat officers get the notes on inactive links and unassigned
// dossiers. A rerun for the same day adds nothing.
func (d *Deps) Digest(ctx context.Context, p scheduler.RunPeriod) error {
	st, err := d.RunDigest(ctx, p)
	d.log().Info("jobs: digest", "day", p.Day.String(), "rows", st.Rows, "digests", st.Digests,
		"messages", st.Messages, "enqueued", st.Enqueued, "secretariat", st.Secretariat, "err", err)
	return err
}

// RunDigest is Digest returning its figures.
func (d *Deps) RunDigest(ctx context.Context, p scheduler.RunPeriod) (DigestStats, error) {
	if err := d.check(); err != nil {
		return DigestStats{}, err
	}
	now := d.planNow(p)
	var (
		batch    []notify.Entry
		enqueued int
	)
	flush := func() error {
		n, err := d.enqueue(ctx, nil, batch)
		enqueued += n
		d.added(n)
		batch = batch[:0]
		return err
	}
	st, err := d.plan(ctx, now, func(e notify.Entry) error {
		batch = append(batch, e)
		if len(batch) >= BatchSize {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	st.Enqueued = enqueued
	if err != nil {
		return st, fmt.Errorf("jobs: digest %s: %w", p.Day, err)
	}
	n, err := d.secretariat(ctx, now)
	st.Secretariat = n
	return st, err
}

// PlanDigests runs the digest query, the planner and the rendering at now
// without enqueueing anything, calling emit for each message (nil: none);
// it returns the figures. For benchmarks and previews.
func (d *Deps) PlanDigests(ctx context.Context, now time.Time, emit func(notify.Entry)) (DigestStats, error) {
	return d.plan(ctx, now, func(e notify.Entry) error {
		if emit != nil {
			emit(e)
		}
		return nil
	})
}

// plan streams the linked officers' open dossiers into the planner and
// passes each rendered message to emit. The query gives one row per
// dossier and account: the planner takes the rows of an officer's first
// account; the other accounts of the officer only get the same digest.
func (d *Deps) plan(ctx context.Context, now time.Time, emit func(notify.Entry) error) (DigestStats, error) {
	var st DigestStats
	var (
		cur  string               // officer of the current rows
		accs []models.ChatAccount // their accounts, the first one's rows planned
	)
	planner := digest.NewPlanner(d.Rules, now, func(dg *digest.Digest) error {
		st.Digests++
		for _, a := range accs {
			st.Messages++
			if err := emit(d.digestEntry(dg, a)); err != nil {
				return err
			}
		}
		return nil
	})
	planner.Risks = d.risks(ctx, now)
	err := d.Store.EachLinkedOpenDossier(ctx, d.names(), func(x *models.Dossier, a *models.ChatAccount) error {
		if x.HandlerCode != cur {
			// The previous officer is complete: let the planner emit them
			// before their accounts are forgotten.
			if err := planner.Flush(); err != nil {
				return err
			}
			cur, accs = x.HandlerCode, append(accs[:0], *a)
		}
		first := &accs[0]
		if a.Platform != first.Platform || a.UserID != first.UserID {
			if last := &accs[len(accs)-1]; last.Platform != a.Platform || last.UserID != a.UserID {
				accs = append(accs, *a)
			}
			return nil
		}
		return planner.Add(x.HandlerCode, x)
	})
	if err == nil {
		err = planner.Flush()
	}
	st.Rows = planner.Rows
	return st, err
}

// digestEntry renders an officer's digest for one of their accounts, keyed
// by digest.DigestKey and the platform (notify.Platform.Key).
func (d *Deps) digestEntry(dg *digest.Digest, a models.ChatAccount) notify.Entry {
	f, max := d.format(a.Platform)
	text := digest.RenderDigest(*dg, digest.RenderOptions{Format: f, MaxLen: max, Location: d.loc(),
		OfficerName: a.OfficerName, ShowApplicant: true})
	key := d.platform(a.Platform).Key(digest.DigestKey(dg.OfficerCode, dg.Day))
	return notify.Entry{Key: key, Job: models.JobDigest, Recipient: "officer:" + dg.OfficerCode, Period: dg.Day.String(),
		Message: notify.Message{Platform: a.Platform, ChatID: a.ChatID, Text: text, Format: f, Silent: dg.Silent}}
}

// secretariat sends the notes (inactive links, unassigned dossiers, next
// year's Tết not yet official) to
// each secretariat officer's accounts; it returns how many were rendered.
func (d *Deps) secretariat(ctx context.Context, now time.Time) (int, error) {
	recipients, err := d.Store.ActiveAccountsWithRole(ctx, models.RoleSecretariat, d.names()...)
	if err != nil {
		return 0, err
	}
	if len(recipients) == 0 {
		return 0, nil
	}
	inactive, err := d.Store.InactiveLinks(ctx)
	if err != nil {
		return 0, err
	}
	unassigned, err := d.Store.CountUnassignedOpen(ctx)
	if err != nil {
		return 0, err
	}
	links := make([]digest.InactiveLink, len(inactive))
	for i, a := range inactive {
		links[i] = digest.InactiveLink{OfficerCode: a.OfficerCode, Name: a.OfficerName, Platform: d.label(a.Platform), Reason: reasonVN(a.InactiveReason)}
	}
	day := d.Rules.Cal.Today(now)
	// Next year's Tết not official yet: said once a week, on the week's
	// first working day, from 1 October.
	var tet *models.TetWarning
	if w, ok := models.NextTetWarning(d.Rules.Cal, day); ok && models.FirstWorkingDayOfWeek(d.Rules.Cal, day) {
		tet = &w
	}
	var entries []notify.Entry
	for _, a := range recipients {
		f, max := d.format(a.Platform)
		text := digest.RenderSecretariat(links, int(unassigned), digest.RenderOptions{Format: f, MaxLen: max,
			Location: d.loc(), OfficerName: a.OfficerName, Day: day, TetWarning: tet})
		if text == "" {
			continue
		}
		key := d.platform(a.Platform).Key(digest.SecretariatKey(a.OfficerCode, day))
		entries = append(entries, notify.Entry{Key: key, Job: models.JobSecretariat, Recipient: "officer:" + a.OfficerCode,
			Period: day.String(), Message: notify.Message{Platform: a.Platform, ChatID: a.ChatID, Text: text, Format: f, Silent: true}})
	}
	n, err := d.enqueue(ctx, nil, entries)
	d.added(n)
	return len(entries), err
}

// reasonVN turns a platform's description of a permanent failure into
// words for the secretariat.
func reasonVN(reason string) string {
	switch {
	case containsFold(reason, "blocked"):
		return "đã chặn bot"
	case containsFold(reason, "deactivated"):
		return "tài khoản đã bị xóa"
	case containsFold(reason, "kicked"):
		return "bot bị mời ra khỏi nhóm"
	case containsFold(reason, "chat not found"):
		return "không tìm thấy cuộc trò chuyện"
	case reason == "":
		return "không rõ lý do"
	}
	return reason
}
