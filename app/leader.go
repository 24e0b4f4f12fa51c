package app

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dondoc/dondoc/scheduler"
	"github.com/dondoc/dondoc/store"
)

// leadership is what the leader loop needs of an elector (the scheduler's
// PGElector; a fake in tests): a stream of "this replica leads / no longer
// leads" and the watch that keeps it current.
type leadership interface {
	Notify(ch chan<- bool)
	Watch(ctx context.Context, every time.Duration)
}

var _ leadership = (*scheduler.PGElector)(nil)

// leaderTask is work only the leader does: run runs from the moment this
// replica leads until it stops leading (its ctx is cancelled then), and
// started, when set, is called right after run was started.
type leaderTask struct {
	name    string
	run     func(ctx context.Context) error
	started func()
}

// replica is this process among the dondoc replicas: its id, the elector
// (nil with SQLite: one process, always the leader), whether it leads now,
// and the tasks it runs while it leads.
type replica struct {
	id      string
	log     *slog.Logger
	elector *scheduler.PGElector
	edb     *sql.DB
	leading atomic.Bool
	since   atomic.Int64 // unix seconds of the last change

	mu    sync.Mutex
	tasks []leaderTask
}

// newReplica makes this process's replica: on Postgres it opens the
// elector's own connection pool (the advisory lock lives on one of its
// connections); on SQLite it leads from the start.
func newReplica(a *app, st *store.Store) (*replica, error) {
	r := &replica{id: replicaID(a), log: a.log}
	if st.Dialect() != store.DialectPostgres {
		r.leading.Store(true)
		r.since.Store(a.wall().Now().Unix())
		return r, nil
	}
	edb, err := sql.Open("pgx", a.cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("delivery: elector: %w", err)
	}
	r.edb = edb
	r.elector = scheduler.NewPGElector(edb, electorKey, a.log.With("replica", r.id))
	return r, nil
}

// replicaID is REPLICA_ID, or the host name with a random suffix (a
// restarted process is a new owner: its predecessor's claims lapse).
func replicaID(a *app) string {
	if a.cfg.ReplicaID != "" {
		return a.cfg.ReplicaID
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "dondoc"
	}
	return host + "-" + strings.ToLower(rand.Text()[:6])
}

// add registers a task to run while this replica leads; call it before run.
func (r *replica) add(t leaderTask) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tasks = append(r.tasks, t)
}

// Leading reports whether this replica leads now.
func (r *replica) Leading() bool { return r.leading.Load() }

// role is "leader" or "follower".
func (r *replica) role() string {
	if r.Leading() {
		return "leader"
	}
	return "follower"
}

// run runs the registered tasks while this replica leads, until ctx ends
// and every task has stopped. Without an elector they run from the start.
func (r *replica) run(ctx context.Context, wall func() time.Time) {
	r.mu.Lock()
	tasks := append([]leaderTask(nil), r.tasks...)
	r.mu.Unlock()
	if r.elector == nil {
		r.log.Info("delivery: single process: leading", "replica", r.id)
		runners := startTasks(ctx, r.log, tasks)
		<-ctx.Done()
		stopTasks(runners)
		return
	}
	whileLeading(ctx, r.log, r.elector, func(v bool) {
		r.leading.Store(v)
		r.since.Store(wall().Unix())
	}, tasks...)
}

// close gives up the lead and closes the elector's pool.
func (r *replica) close() {
	if r.elector != nil {
		_ = r.elector.Close()
		_ = r.edb.Close()
	}
}

// dispatchWhileLeading runs dispatch while el says this replica leads: it
// starts dispatch (and wakes it, so a takeover sends at once) on becoming
// the leader, cancels it and waits for it on losing the lead, and returns
// once ctx ends and dispatch has stopped.
func dispatchWhileLeading(ctx context.Context, log *slog.Logger, el leadership,
	dispatch func(context.Context) error, wake func()) {
	whileLeading(ctx, log, el, nil, leaderTask{name: "dispatch", run: dispatch, started: wake})
}

// whileLeading runs tasks while el says this replica leads: it starts them
// (calling each one's started) on becoming the leader, cancels them and
// waits for them on losing the lead, and returns once ctx ends and they
// have stopped. Repeated notices of the same state change nothing.
// changed, when set, hears every change first.
func whileLeading(ctx context.Context, log *slog.Logger, el leadership, changed func(bool), tasks ...leaderTask) {
	leading := make(chan bool, 8)
	el.Notify(leading)
	go el.Watch(ctx, electorEvery)
	var runners []*runner
	on := false
	for {
		select {
		case <-ctx.Done():
			stopTasks(runners)
			if changed != nil && on {
				changed(false)
			}
			return
		case v := <-leading:
			if v == on {
				continue
			}
			on = v
			if changed != nil {
				changed(v)
			}
			if v {
				log.Info("delivery: leader: dispatching")
				runners = startTasks(ctx, log, tasks)
			} else {
				log.Warn("delivery: no longer the leader: dispatch stopped")
				stopTasks(runners)
				runners = nil
			}
		}
	}
}

func startTasks(ctx context.Context, log *slog.Logger, tasks []leaderTask) []*runner {
	out := make([]*runner, 0, len(tasks))
	for _, t := range tasks {
		log.Debug("delivery: leader task starts", "task", t.name)
		out = append(out, startRunner(ctx, t.run))
		if t.started != nil {
			t.started()
		}
	}
	return out
}

func stopTasks(rs []*runner) {
	for _, r := range rs {
		r.stop()
	}
}

// runner is a goroutine running fn until stopped.
type runner struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func startRunner(ctx context.Context, fn func(context.Context) error) *runner {
	rctx, cancel := context.WithCancel(ctx)
	r := &runner{cancel: cancel, done: make(chan struct{})}
	go func() { defer close(r.done); _ = fn(rctx) }()
	return r
}

// stop cancels the run and waits for it; a nil runner does nothing.
func (r *runner) stop() {
	if r == nil {
		return
	}
	r.cancel()
	<-r.done
}
