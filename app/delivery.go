package app

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the elector

	"github.com/dondoc/dondoc/bot/zalo"
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

// catchUpEvery is how often the leader looks for a job missed today (a
// takeover in the middle of the morning).
const catchUpEvery = 15 * time.Second

// monthlySource is where the monthly broadcast reads its report: the
// store's SQL figures, as dondoc report and the public pages do.
func monthlySource(a *app, st *store.Store) jobs.MonthlySource {
	return &report.Reports{Store: st, Clock: a.clock().Now, Options: report.Options{Location: a.cfg.Location}}
}

// newJobDeps wires the jobs for the given platforms; out non-nil is a dry run.
func newJobDeps(ctx context.Context, a *app, st *store.Store, platforms []string, out io.Writer) (*jobs.Deps, error) {
	cal, err := loadCalendar(ctx, a, st)
	if err != nil {
		return nil, err
	}
	rules := rulesFor(a, cal)
	d := &jobs.Deps{
		Store: st, Rules: rules, Calendar: cal,
		Clock: a.clock().Now, Location: cal.Location(), Platforms: platforms,
		RepeatDays: a.cfg.EscalateRepeatDays, EscalateToGroups: a.cfg.EscalateToGroups,
		Monthly: monthlySource(a, st), Logger: a.log, DryRun: out != nil, Out: out,
	}
	if rs := riskSource(a, st, rules); rs != nil {
		d.Risks = rs // a nil *RiskCache in the interface would not be nil
	}
	return d, nil
}

// newDispatcher returns the dispatcher of the store's outbox through
// channels, with the configured limits; a permanent failure marks the chat
// inactive, a migration moves it.
func newDispatcher(a *app, st *store.Store, channels map[string]notify.Channel) (*notify.Dispatcher, error) {
	return notify.NewDispatcher(notify.DispatcherConfig{
		Outbox:   st.Outbox(),
		Channels: channels,
		Limits: map[string]notify.Limits{
			"telegram": jobs.SafeLimits(notify.Limits{PerSecond: a.cfg.TelegramRatePerSecond,
				PerChatPerSecond: a.cfg.TelegramRatePerChat, GroupPerMinute: float64(a.cfg.TelegramGroupPerMinute)}),
			zalo.Platform: jobs.SafeLimits(zalo.Limits()),
		},
		OnPermanent: func(ctx context.Context, e notify.Entry, se *notify.SendError) {
			n, err := st.MarkChatInactive(ctx, e.Message.Platform, e.Message.ChatID, se.Reason, a.clock().Now())
			if err != nil {
				a.log.Error("delivery: mark chat inactive", "platform", e.Message.Platform, "chat", e.Message.ChatID, "err", err)
				return
			}
			a.log.Warn("delivery: chat no longer reachable", "platform", e.Message.Platform, "chat", e.Message.ChatID,
				"reason", se.Reason, "links", n)
		},
		OnMigrated: func(ctx context.Context, oldChat, newChat string) {
			if err := st.MigrateChat(ctx, "telegram", oldChat, newChat); err != nil {
				a.log.Error("delivery: migrate chat", "old", oldChat, "new", newChat, "err", err)
			}
		},
		// A short lease and batch: after a crash, what the dead process
		// had claimed is due again within dispatchLease.
		Lease:     dispatchLease,
		BatchSize: dispatchBatch,
		Logger:    a.log,
		Clock:     a.wall(), // pacing and leases run on real time even at a fixed DONDOC_NOW
	})
}

// The dispatcher's lease and batch size: a batch at 30 msg/s takes about
// 3.5 s, inside half the lease (the dispatcher gives back what it cannot
// send by then); fewer, larger batches lose less time between them.
const (
	dispatchLease = 30 * time.Second
	dispatchBatch = 100
)

// startDelivery starts the scheduled jobs and the outbox dispatcher. With
// Postgres, replicas elect a leader (an advisory lock on a connection of
// its own); only the leader runs jobs and dispatches, and a follower takes
// over within electorEvery of the leader's death. With SQLite this process
// is the leader. wait blocks until everything stopped after ctx ended.
func startDelivery(ctx context.Context, a *app, st *store.Store, channels map[string]notify.Channel) (wait func(), err error) {
	if len(channels) == 0 {
		a.log.Warn("delivery: no chat platform configured (TELEGRAM_BOT_TOKEN): reminders are not sent")
		return func() {}, nil
	}
	platforms := make([]string, 0, len(channels))
	for p := range channels {
		platforms = append(platforms, p)
	}
	sort.Strings(platforms)
	deps, err := newJobDeps(ctx, a, st, platforms, nil)
	if err != nil {
		return nil, err
	}
	disp, err := newDispatcher(a, st, channels)
	if err != nil {
		return nil, err
	}
	deps.Enqueued = func(int) { disp.Wake() }

	var (
		elector *scheduler.PGElector
		edb     *sql.DB
	)
	if st.Dialect() == store.DialectPostgres {
		edb, err = sql.Open("pgx", a.cfg.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("delivery: elector: %w", err)
		}
		elector = scheduler.NewPGElector(edb, electorKey, a.log)
	}
	cfg := scheduler.Config{Calendar: deps.Calendar, Location: deps.Location, Clock: a.clock(),
		Jobs:   deps.Plan(a.cfg.RemindAt, a.cfg.EscalateAt, a.cfg.WeeklyAt, a.cfg.MonthlyAt).Jobs(),
		RunLog: st.RunLog(), Logger: a.log, CatchUpEvery: catchUpEvery}
	if elector != nil {
		cfg.Elector = elector
	}
	sched, err := scheduler.New(cfg)
	if err != nil {
		if edb != nil {
			edb.Close()
		}
		return nil, err
	}

	var wg sync.WaitGroup
	// The dispatcher runs while this process leads.
	wg.Go(func() {
		if elector == nil {
			a.log.Info("delivery: dispatching (single process)")
			_ = disp.Run(ctx)
			return
		}
		dispatchWhileLeading(ctx, a.log, elector, disp.Run, disp.Wake)
	})
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
		if elector != nil {
			_ = elector.Close()
			_ = edb.Close()
		}
	}, nil
}
