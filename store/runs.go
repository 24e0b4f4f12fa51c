package store

import (
	"context"
	"fmt"
	"time"

	"github.com/dondoc/dondoc/scheduler"
)

// RunLogTakeover is how long a run may stay unfinished before another
// Begin takes its claim over (a leader killed mid-run).
const RunLogTakeover = time.Hour

// RunLog is scheduler.RunLog on the job_runs table, unique (job, period).
type RunLog struct{ s *Store }

var _ scheduler.RunLog = RunLog{}

// RunLog returns the store's job-run log.
func (s *Store) RunLog() RunLog { return RunLog{s: s} }

// Begin implements scheduler.RunLog: it inserts (job, period); when the
// row exists, it takes over a claim unfinished for RunLogTakeover.
func (l RunLog) Begin(ctx context.Context, job, period string, at time.Time) (bool, error) {
	db := l.s.db.WithContext(ctx)
	res := db.Exec("INSERT INTO job_runs (job, period, started_at) VALUES (?, ?, ?) ON CONFLICT (job, period) DO NOTHING",
		job, period, tstamp(at))
	if res.Error != nil {
		return false, fmt.Errorf("store: begin run %s %s: %w", job, period, res.Error)
	}
	if res.RowsAffected > 0 {
		return true, nil
	}
	res = db.Exec("UPDATE job_runs SET started_at = ? WHERE job = ? AND period = ? AND finished_at IS NULL AND started_at <= ?",
		tstamp(at), job, period, tstamp(at.Add(-RunLogTakeover)))
	if res.Error != nil {
		return false, fmt.Errorf("store: take over run %s %s: %w", job, period, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// Finish implements scheduler.RunLog: a success is kept for good, a
// failure deletes the claim so that the period can be run again.
func (l RunLog) Finish(ctx context.Context, job, period string, at time.Time, runErr error) error {
	db := l.s.db.WithContext(ctx)
	var err error
	if runErr != nil {
		err = db.Exec("DELETE FROM job_runs WHERE job = ? AND period = ? AND finished_at IS NULL", job, period).Error
	} else {
		err = db.Exec("UPDATE job_runs SET finished_at = ? WHERE job = ? AND period = ?", tstamp(at), job, period).Error
	}
	if err != nil {
		return fmt.Errorf("store: finish run %s %s: %w", job, period, err)
	}
	return nil
}
