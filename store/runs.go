package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jonboulle/clockwork"
	"gorm.io/gorm"

	"github.com/dondoc/dondoc/scheduler"
)

// DefaultRunLease is how long a run's claim lives without a heartbeat
// before another Begin takes it over (a leader killed in the middle of a
// job), when RunLogOptions.Lease is 0.
const DefaultRunLease = 12 * time.Second

// RunLogOptions configure the run log of one replica.
type RunLogOptions struct {
	// Owner identifies this replica in its claims (config REPLICA_ID);
	// two live processes must not share one.
	Owner string
	// Lease is how long a claim lives without a heartbeat; 0 means
	// DefaultRunLease. The scheduler's HeartbeatEvery must be well under it.
	Lease time.Duration
	// Clock is the time of leases and heartbeats: the real clock (nil) in
	// production, so that a fixed DONDOC_NOW does not stop leases from
	// lapsing; a fake one in tests. Replicas' clocks must agree to well
	// within the lease (NTP).
	Clock clockwork.Clock
}

// RunLog is scheduler.LeasedRunLog on the job_runs table, unique (job,
// period): a claim records its owner and the owner's last heartbeat.
type RunLog struct {
	s     *Store
	owner string
	lease time.Duration
	clock clockwork.Clock
}

var _ scheduler.LeasedRunLog = RunLog{}

// RunLog returns the store's job-run log with the default options (no
// owner name, DefaultRunLease, the real clock): for one-shot commands.
func (s *Store) RunLog() RunLog { return s.LeasedRunLog(RunLogOptions{}) }

// LeasedRunLog returns the store's job-run log for one replica.
func (s *Store) LeasedRunLog(o RunLogOptions) RunLog {
	if o.Lease <= 0 {
		o.Lease = DefaultRunLease
	}
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	return RunLog{s: s, owner: o.Owner, lease: o.Lease, clock: o.Clock}
}

// Begin implements scheduler.RunLog: it inserts (job, period) with this
// owner; when the row exists unfinished and its owner has not
// heart-beaten for a lease, it takes the claim over. A claim still alive
// is scheduler.ErrRunning; a finished run is (false, nil). at is the
// run's start on the domain clock, recorded as started_at.
func (l RunLog) Begin(ctx context.Context, job, period string, at time.Time) (bool, error) {
	db := l.s.db.WithContext(ctx)
	now := l.clock.Now()
	res := db.Exec("INSERT INTO job_runs (job, period, started_at, owner, heartbeat_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (job, period) DO NOTHING",
		job, period, tstamp(at), l.owner, tstamp(now))
	if res.Error != nil {
		return false, fmt.Errorf("store: begin run %s %s: %w", job, period, res.Error)
	}
	if res.RowsAffected > 0 {
		return true, nil
	}
	// Rows from before the leases have no heartbeat: their start counts.
	res = db.Exec(`UPDATE job_runs SET started_at = ?, owner = ?, heartbeat_at = ?
		WHERE job = ? AND period = ? AND finished_at IS NULL AND COALESCE(heartbeat_at, started_at) <= ?`,
		tstamp(at), l.owner, tstamp(now), job, period, tstamp(now.Add(-l.lease)))
	if res.Error != nil {
		return false, fmt.Errorf("store: take over run %s %s: %w", job, period, res.Error)
	}
	if res.RowsAffected > 0 {
		l.s.log.Warn("store: took over an abandoned run", "job", job, "period", period, "owner", l.owner)
		return true, nil
	}
	var rows []struct {
		Owner      string
		FinishedAt tstamp
	}
	if err := db.Raw("SELECT owner, finished_at FROM job_runs WHERE job = ? AND period = ?", job, period).Scan(&rows).Error; err != nil {
		return false, fmt.Errorf("store: begin run %s %s: %w", job, period, err)
	}
	if len(rows) == 0 {
		// Released between our statements: try once more.
		return l.Begin(ctx, job, period, at)
	}
	if rows[0].FinishedAt.time().IsZero() {
		return false, fmt.Errorf("store: run %s %s owned by %q: %w", job, period, rows[0].Owner, scheduler.ErrRunning)
	}
	return false, nil
}

// Heartbeat implements scheduler.LeasedRunLog.
func (l RunLog) Heartbeat(ctx context.Context, job, period string) error {
	res := l.s.db.WithContext(ctx).Exec(
		"UPDATE job_runs SET heartbeat_at = ? WHERE job = ? AND period = ? AND owner = ? AND finished_at IS NULL",
		tstamp(l.clock.Now()), job, period, l.owner)
	if res.Error != nil {
		return fmt.Errorf("store: heartbeat run %s %s: %w", job, period, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: heartbeat run %s %s: %w", job, period, scheduler.ErrRunLost)
	}
	return nil
}

// Finish implements scheduler.RunLog: a success is kept for good, a
// failure deletes the claim so that the period can be run again. Both
// touch only this owner's claim: a run taken over meanwhile is the new
// owner's to finish (scheduler.ErrRunLost).
func (l RunLog) Finish(ctx context.Context, job, period string, at time.Time, runErr error) error {
	db := l.s.db.WithContext(ctx)
	var res *gorm.DB
	if runErr != nil {
		res = db.Exec("DELETE FROM job_runs WHERE job = ? AND period = ? AND owner = ? AND finished_at IS NULL", job, period, l.owner)
	} else {
		res = db.Exec("UPDATE job_runs SET finished_at = ?, heartbeat_at = ? WHERE job = ? AND period = ? AND owner = ? AND finished_at IS NULL",
			tstamp(at), tstamp(l.clock.Now()), job, period, l.owner)
	}
	if res.Error != nil {
		return fmt.Errorf("store: finish run %s %s: %w", job, period, res.Error)
	}
	if res.RowsAffected == 0 && !errors.Is(runErr, scheduler.ErrRunLost) {
		return fmt.Errorf("store: finish run %s %s: %w", job, period, scheduler.ErrRunLost)
	}
	return nil
}

// LastJobSuccesses returns, by job, when its latest successful run
// finished (the "last successful digest" alert's source).
func (s *Store) LastJobSuccesses(ctx context.Context) (map[string]time.Time, error) {
	var rows []struct {
		Job string
		At  tstamp
	}
	if err := s.db.WithContext(ctx).Raw("SELECT job, max(finished_at) AS at FROM job_runs WHERE finished_at IS NOT NULL GROUP BY job").
		Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: last job successes: %w", err)
	}
	out := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		out[r.Job] = r.At.time()
	}
	return out, nil
}
