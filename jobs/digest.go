package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/dondoc/dondoc/digest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/scheduler"
	"github.com/dondoc/dondoc/store"
)

// Job names as written in outbox entries.
const (
	JobDigest      = "digest"
	JobSecretariat = "secretariat"
	JobEscalation  = "escalation"
	JobWeekly      = "weekly"
	JobMonthly     = "monthly"
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
	var st DigestStats
	if err := d.check(); err != nil {
		return st, err
	}
	accounts, err := d.Store.ActiveAccounts(ctx, d.Platforms...)
	if err != nil {
		return st, err
	}
	byOfficer := make(map[string][]store.ChatAccount, len(accounts))
	for _, a := range accounts {
		byOfficer[a.OfficerCode] = append(byOfficer[a.OfficerCode], a)
	}
	now := d.planNow(p)
	var batch []notify.Entry
	flush := func() error {
		n, err := d.enqueue(ctx, nil, batch)
		st.Enqueued += n
		d.added(n)
		batch = batch[:0]
		return err
	}
	planner := digest.NewPlanner(d.Rules, now, func(dg *digest.Digest) error {
		st.Digests++
		for _, a := range byOfficer[dg.OfficerCode] {
			batch = append(batch, d.digestEntry(dg, a))
			st.Messages++
		}
		if len(batch) >= BatchSize {
			return flush()
		}
		return nil
	})
	err = d.Store.EachLinkedOpenDossier(ctx, d.Platforms, func(x *models.Dossier) error {
		return planner.Add(x.HandlerCode, x)
	})
	if err == nil {
		err = planner.Flush()
	}
	if err == nil {
		err = flush()
	}
	st.Rows = planner.Rows
	if err != nil {
		return st, fmt.Errorf("jobs: digest %s: %w", p.Day, err)
	}
	n, err := d.secretariat(ctx, now, accounts)
	st.Secretariat = n
	return st, err
}

// PlanDigests runs the digest query, the planner and the rendering for the
// day of now without enqueueing anything, calling emit for each message
// (nil: none); it returns the figures. For benchmarks and previews.
func (d *Deps) PlanDigests(ctx context.Context, now time.Time, emit func(notify.Entry)) (DigestStats, error) {
	var st DigestStats
	accounts, err := d.Store.ActiveAccounts(ctx, d.Platforms...)
	if err != nil {
		return st, err
	}
	byOfficer := make(map[string][]store.ChatAccount, len(accounts))
	for _, a := range accounts {
		byOfficer[a.OfficerCode] = append(byOfficer[a.OfficerCode], a)
	}
	planner := digest.NewPlanner(d.Rules, now, func(dg *digest.Digest) error {
		st.Digests++
		for _, a := range byOfficer[dg.OfficerCode] {
			e := d.digestEntry(dg, a)
			st.Messages++
			if emit != nil {
				emit(e)
			}
		}
		return nil
	})
	err = d.Store.EachLinkedOpenDossier(ctx, d.Platforms, func(x *models.Dossier) error {
		return planner.Add(x.HandlerCode, x)
	})
	if err == nil {
		err = planner.Flush()
	}
	st.Rows = planner.Rows
	return st, err
}

// digestEntry renders an officer's digest for one of their accounts. The
// Telegram message has key digest.DigestKey; another platform's adds
// "/<platform>".
func (d *Deps) digestEntry(dg *digest.Digest, a store.ChatAccount) notify.Entry {
	f, max := format(a.Platform)
	text := digest.RenderDigest(*dg, digest.RenderOptions{Format: f, MaxLen: max, Location: d.loc(),
		OfficerName: a.OfficerName, ShowApplicant: true})
	key := digest.DigestKey(dg.OfficerCode, dg.Day)
	if a.Platform != "telegram" {
		key += "/" + a.Platform
	}
	return notify.Entry{Key: key, Job: JobDigest, Recipient: "officer:" + dg.OfficerCode, Period: dg.Day.String(),
		Message: notify.Message{Platform: a.Platform, ChatID: a.ChatID, Text: text, Format: f, Silent: dg.Silent}}
}

// secretariat sends the notes (inactive links, unassigned dossiers) to
// each secretariat officer's accounts; it returns how many were rendered.
func (d *Deps) secretariat(ctx context.Context, now time.Time, accounts []store.ChatAccount) (int, error) {
	var recipients []store.ChatAccount
	for _, a := range accounts {
		if a.OfficerRole == models.RoleSecretariat {
			recipients = append(recipients, a)
		}
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
		links[i] = digest.InactiveLink{OfficerCode: a.OfficerCode, Name: a.OfficerName, Platform: a.Platform, Reason: reasonVN(a.InactiveReason)}
	}
	day := d.Rules.Cal.Today(now)
	var entries []notify.Entry
	for _, a := range recipients {
		f, max := format(a.Platform)
		text := digest.RenderSecretariat(links, int(unassigned), digest.RenderOptions{Format: f, MaxLen: max,
			Location: d.loc(), OfficerName: a.OfficerName, Day: day})
		if text == "" {
			continue
		}
		key := digest.SecretariatKey(a.OfficerCode, day)
		if a.Platform != "telegram" {
			key += "/" + a.Platform
		}
		entries = append(entries, notify.Entry{Key: key, Job: JobSecretariat, Recipient: "officer:" + a.OfficerCode,
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
