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
	Messages    int // messages rendered (one per officer)
	Enqueued    int // messages added to the outbox (0 on a rerun)
	Secretariat int // secretariat notes rendered
}

// Digest is the morning job: each officer with something to say gets one
// digest (silent when only due-soon) on the channel they chose, else the
// first in DigestChannels that reaches them; the
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
	done, err := d.digestsDone(ctx, p.Day)
	if err != nil {
		return DigestStats{}, fmt.Errorf("jobs: digest %s: %w", p.Day, err)
	}
	st, err := d.plan(ctx, now, func(e notify.Entry) error {
		if done[e.Recipient] {
			return nil
		}
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

// plan streams the open dossiers of the officers a configured channel
// reaches into the planner and passes each officer's one digest, rendered
// for the first channel that reaches them (channels.go), to emit.
func (d *Deps) plan(ctx context.Context, now time.Time, emit func(notify.Entry) error) (DigestStats, error) {
	var st DigestStats
	// Who each channel reaches is read while the database sorts the open
	// dossiers: the first row waits for it (on the province, a fifth of
	// the planning).
	var (
		reach    map[string]*reach
		reachErr error
	)
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		reach, reachErr = d.reachAll(ctx)
	}()
	wait := func() error { <-ready; return reachErr } // at once once closed
	planner := digest.NewPlanner(d.Rules, now, func(dg *digest.Digest) error {
		e, ok := d.digestEntry(dg, reach[dg.OfficerCode])
		if !ok {
			return nil
		}
		st.Digests++
		st.Messages++
		return emit(e)
	})
	planner.Risks = d.risks(ctx, now)
	err := d.Store.EachOfficerOpenDossier(ctx, "", func(x *models.Dossier, _ string) error {
		if err := wait(); err != nil {
			return err
		}
		if reach[x.HandlerCode] == nil {
			return nil
		}
		return planner.Add(x.HandlerCode, x)
	})
	if rerr := wait(); err == nil {
		err = rerr
	}
	if err == nil {
		err = planner.Flush()
	}
	st.Rows = planner.Rows
	return st, err
}

// digestEntry renders an officer's digest for the first channel that
// reaches them, under digest.DigestKey whatever the channel: one digest
// an officer a day, and a rerun finds its key (fallback.go moves it on).
func (d *Deps) digestEntry(dg *digest.Digest, r *reach) (notify.Entry, bool) {
	if r == nil {
		return notify.Entry{}, false
	}
	for _, p := range d.channels(r) {
		if addr, ok := d.address(r, p); ok {
			return d.digestMessage(dg, r, p, addr, digest.DigestKey(dg.OfficerCode, dg.Day)), true
		}
	}
	return notify.Entry{}, false
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
	zns, err := d.znsMonth(ctx, day)
	if err != nil {
		return 0, err
	}
	var entries []notify.Entry
	for _, a := range recipients {
		f, max := d.format(a.Platform)
		text := digest.RenderSecretariat(links, int(unassigned), digest.RenderOptions{Format: f, MaxLen: max,
			Location: d.loc(), OfficerName: a.OfficerName, Day: day, TetWarning: tet, ZNS: zns})
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
