package app

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the elector

	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/scheduler"
	"github.com/dondoc/dondoc/store"
)

// electorKey is the advisory lock key of the dondoc leader (the bytes of
// "dondoc_L").
const electorKey int64 = 0x646f6e646f635f4c

// electorEvery is how often a follower tries to become the leader: a dead
// leader is replaced within this interval (plus Postgres noticing the
// dropped session).
const electorEvery = 5 * time.Second

// catchUpEvery is how often the leader looks for a job missed today or
// left unfinished by a dead leader (a takeover in the middle of the
// morning); it is also kicked at once on taking over.
const catchUpEvery = 5 * time.Second

// monthlySource is where the monthly broadcast reads its report: the
// store's SQL figures, as dondoc report and the public pages do.
func monthlySource(a *app, st *store.Store) jobs.MonthlySource {
	return &report.Reports{Store: st, Clock: a.clock().Now, Options: report.Options{Location: a.cfg.Location}}
}

// newJobDeps wires the jobs for the given platforms; out non-nil is a dry run.
func newJobDeps(ctx context.Context, a *app, st *store.Store, platforms []notify.Platform, out io.Writer) (*jobs.Deps, error) {
	cal, err := loadCalendar(ctx, a, st)
	if err != nil {
		return nil, err
	}
	rules := rulesFor(a, cal)
	d := &jobs.Deps{
		Store: st, Rules: rules, Calendar: cal,
		Clock: a.clock().Now, Location: cal.Location(), Platforms: platforms,
		RepeatDays: a.cfg.EscalateRepeatDays, PublicURL: a.cfg.PublicURL, EscalateToGroups: a.cfg.EscalateToGroups,
		Monthly: monthlySource(a, st), Logger: a.log, DryRun: out != nil, Out: out,
	}
	if rs := riskSource(a, st, rules); rs != nil {
		d.Risks = rs // a nil *RiskCache in the interface would not be nil
	}
	configureDigestChannels(a, d)
	if out == nil {
		a.digest.Store(d)
	}
	return d, nil
}

// newDispatcher returns the dispatcher of the store's outbox through
// channels, with the configured limits; a permanent failure marks the chat
// inactive, a migration moves it.
func newDispatcher(a *app, st *store.Store, channels map[string]notify.Channel) (*notify.Dispatcher, error) {
	return newDispatcherWith(a, st.Outbox(), st, channels, nil, nil)
}

// newDispatcherWith is newDispatcher on the given outbox (owned by a
// replica in serve), with metrics and a pacer shared with the chat replies
// (nil: none, and a pacer of its own).
func newDispatcherWith(a *app, ob notify.Outbox, st *store.Store, channels map[string]notify.Channel,
	m notify.Metrics, pacer *notify.Pacer) (*notify.Dispatcher, error) {
	return notify.NewDispatcher(notify.DispatcherConfig{
		Outbox:   ob,
		Channels: channels,
		Limits:   deliveryLimits(channels),
		Pacer:    pacer,
		Metrics:  m,
		OnPermanent: func(ctx context.Context, e notify.Entry, se *notify.SendError) {
			digestFailed(ctx, a, e)
			if errors.Is(se, notify.ErrNotNow) { // this message failed, the link stays (Zalo OA error 230)
				a.log.Info("delivery: chat not reachable now; link kept", "platform", e.Message.Platform, "chat", e.Message.ChatID, "reason", se.Reason)
				return
			}
			n, err := st.MarkChatInactive(ctx, e.Message.Platform, e.Message.ChatID, se.Reason, a.clock().Now())
			if err != nil {
				a.log.Error("delivery: mark chat inactive", "platform", e.Message.Platform, "chat", e.Message.ChatID, "err", err)
				return
			}
			a.log.Warn("delivery: chat no longer reachable", "platform", e.Message.Platform, "chat", e.Message.ChatID,
				"reason", se.Reason, "links", n)
		},
		OnMigrated: func(ctx context.Context, platform, oldChat, newChat string) {
			if err := st.MigrateChat(ctx, platform, oldChat, newChat); err != nil {
				a.log.Error("delivery: migrate chat", "old", oldChat, "new", newChat, "err", err)
			}
		},
		// A short lease and batch: after a crash, what the dead process
		// had claimed is due again within dispatchLease (at once for a new
		// leader: it reclaims the dead leader's leases).
		Lease:     dispatchLease,
		BatchSize: dispatchBatch,
		Logger:    a.log,
		Clock:     a.wall(), // pacing and leases run on real time even at a fixed DONDOC_NOW
	})
}

// chatMargin is the share of a chat's rate dondoc uses (1 message every
// 1.1 s to a private chat, 18 a minute to a group).
const chatMargin = 0.9

// The dispatcher's lease and batch size: a batch at 30 msg/s takes about
// 3.5 s, inside half the lease (the dispatcher gives back what it cannot
// send by then); fewer, larger batches lose less time between them.
const (
	dispatchLease = 30 * time.Second
	dispatchBatch = 100
)

// Run-log leases of serve: a job run whose replica stopped heart-beating
// for runLease is taken over by the next catch-up of the leader.
const (
	runLease     = 12 * time.Second
	runHeartbeat = 3 * time.Second
	// retryFailedJob is the first delay before a failed job is run again
	// (doubling): a database restart in the middle of a job.
	retryFailedJob = 10 * time.Second
)

// pruneEvery is how often the leader prunes the outbox
// (OUTBOX_RETENTION_DAYS).
const pruneEvery = time.Hour

// delivery is what startDelivery shares with the rest of serve.
type delivery struct {
	replica *replica
	metrics notify.Metrics // the dispatcher's; nil: none
	pacer   *notify.Pacer  // shared by the dispatcher and the chat replies
}

// serveJobDeps is called with the jobs' dependencies serve built (tests
// plan digests with them).
var serveJobDeps = func(*jobs.Deps) {}

// startDelivery starts the scheduled jobs and the outbox dispatcher. With
// Postgres, replicas elect a leader (an advisory lock on a connection of
// its own); only the leader runs jobs and dispatches, and a follower takes
// over within electorEvery of the leader's death: it reclaims the dead
// leader's outbox leases at once and takes its unfinished job run over
// once the run's lease lapsed (runLease). With SQLite this process is the
// leader. The leader tasks run once the caller calls dl.replica.run. wait
// blocks until everything stopped after ctx ended.
func startDelivery(ctx context.Context, a *app, st *store.Store, channels map[string]notify.Channel, dl *delivery) (wait func(), err error) {
	if len(channels) == 0 {
		a.log.Warn("delivery: no channel configured (ZALO_BOT_TOKEN, TELEGRAM_BOT_TOKEN, SMTP_URL): reminders are not sent")
		return func() {}, nil
	}
	deps, err := newJobDeps(ctx, a, st, platformsOf(channels), nil)
	if err != nil {
		return nil, err
	}
	serveJobDeps(deps)
	rp := dl.replica
	ob := st.Outbox().Owned(rp.id)
	disp, err := newDispatcherWith(a, ob, st, channels, dl.metrics, dl.pacer)
	if err != nil {
		return nil, err
	}
	deps.Enqueued = func(int) { disp.Wake() }

	cfg := scheduler.Config{Calendar: deps.Calendar, Location: deps.Location, Clock: a.clock(), Wall: a.wall(),
		Jobs:           deps.Plan(a.cfg.RemindAt, a.cfg.EscalateAt, a.cfg.WeeklyAt, a.cfg.MonthlyAt).Jobs(),
		RunLog:         st.LeasedRunLog(store.RunLogOptions{Owner: rp.id, Lease: runLease, Clock: a.wall()}),
		HeartbeatEvery: runHeartbeat, RetryFailedAfter: retryFailedJob, Logger: a.log, CatchUpEvery: catchUpEvery}
	if rp.elector != nil {
		cfg.Elector = rp.elector
	}
	sched, err := scheduler.New(cfg)
	if err != nil {
		return nil, err
	}
	rp.add(leaderTask{name: "dispatch", run: func(ctx context.Context) error {
		if n, err := ob.Reclaim(ctx, a.wall().Now()); err != nil {
			a.log.Error("delivery: reclaim the previous leader's leases", "err", err)
		} else if n > 0 {
			a.log.Warn("delivery: reclaimed the previous leader's claimed messages", "entries", n)
		}
		return disp.Run(ctx)
	}, started: func() { disp.Wake(); sched.Kick() }})
	if days := a.cfg.OutboxRetentionDays; days > 0 {
		rp.add(leaderTask{name: "prune", run: func(ctx context.Context) error {
			return pruneLoop(ctx, a, st, days)
		}})
	}

	var wg sync.WaitGroup
	wg.Go(func() {
		if err := sched.Start(ctx); err != nil {
			a.log.Error("delivery: scheduler", "err", err)
		}
	})
	return func() {
		wg.Wait()
		if err := sched.Shutdown(); err != nil {
			a.log.Error("delivery: scheduler shutdown", "err", err)
		}
	}, nil
}

// pruneLoop deletes finished outbox entries older than days every
// pruneEvery, until ctx ends.
func pruneLoop(ctx context.Context, a *app, st *store.Store, days int) error {
	for {
		before := a.wall().Now().AddDate(0, 0, -days)
		n, err := st.PruneOutbox(ctx, before)
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Error("delivery: prune outbox", "err", err)
		case n > 0:
			a.log.Info("delivery: pruned the outbox", "entries", n, "before", before.Format(time.DateOnly))
		}
		t := a.wall().NewTimer(pruneEvery)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.Chan():
		}
	}
}
