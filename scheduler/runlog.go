package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrAlreadyRun is returned by RunNow when the RunLog already holds a run
// of that job for that period (finished or still running).
var ErrAlreadyRun = errors.New("scheduler: job already run for this period")

// ErrRunning is what RunLog.Begin returns (wrapped or not) when the period
// is claimed by a run that has not finished and whose owner is still alive
// (its lease is current). It wraps ErrAlreadyRun, so callers that only ask
// "was it run?" need not know it; the scheduler itself tries again later,
// because the owner may die before it finishes.
var ErrRunning = fmt.Errorf("%w (still running elsewhere)", ErrAlreadyRun)

// ErrRunLost is what LeasedRunLog.Heartbeat and Finish return when the
// claim is no longer this owner's: another replica took it over after the
// lease lapsed. The scheduler cancels the run.
var ErrRunLost = errors.New("scheduler: run claim lost to another owner")

// LeasedRunLog is a RunLog whose claims are leases: a claim whose owner
// stopped renewing it for longer than the lease is taken over by the next
// Begin. The scheduler renews the claim of a running job every
// Config.HeartbeatEvery.
type LeasedRunLog interface {
	RunLog
	// Heartbeat renews the claim of (job, period); ErrRunLost when it is
	// not this owner's any more.
	Heartbeat(ctx context.Context, job, period string) error
}

// RunLog records job runs under a unique (job, period) key, so that a rerun,
// a catch-up or a second replica never runs the same job-period twice.
//
// Contract for implementations (the store implements it on its job_runs
// table, unique(job, period)):
//   - Begin claims (job, period) atomically and reports true; it reports
//     false when the key is already claimed: finished successfully (a nil
//     error) or still running (ErrRunning, so that the caller retries: a
//     running claim may be abandoned).
//   - Finish records the end of a claimed run. With runErr == nil the key is
//     kept for good. With runErr != nil the claim is released (the row is
//     deleted or marked failed so that a later Begin succeeds), so that a
//     failed run can be retried on the same day.
//   - A claim never finished (a leader killed mid-run) blocks the period
//     for good in MemRunLog (one process: a claim not finished is running);
//     the store's LeasedRunLog lets Begin take over a claim whose owner
//     stopped heart-beating for longer than its lease (seconds).
type RunLog interface {
	Begin(ctx context.Context, job, period string, at time.Time) (bool, error)
	Finish(ctx context.Context, job, period string, at time.Time, runErr error) error
}

// RunEntry is one entry of a MemRunLog.
type RunEntry struct {
	Job, Period       string
	Started, Finished time.Time // Finished zero: still running
	Err               string    // last error, for a released failed run
	Failed            bool
}

// MemRunLog is an in-memory RunLog for one process (tests, SQLite setups
// without persistence of runs). Safe for concurrent use.
type MemRunLog struct {
	mu   sync.Mutex
	runs map[[2]string]*RunEntry
}

// NewMemRunLog returns an empty MemRunLog.
func NewMemRunLog() *MemRunLog { return &MemRunLog{runs: map[[2]string]*RunEntry{}} }

// Begin implements RunLog.
func (m *MemRunLog) Begin(_ context.Context, job, period string, at time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [2]string{job, period}
	if r, ok := m.runs[k]; ok && !r.Failed {
		if r.Finished.IsZero() {
			return false, ErrRunning
		}
		return false, nil
	}
	m.runs[k] = &RunEntry{Job: job, Period: period, Started: at}
	return true, nil
}

// Finish implements RunLog.
func (m *MemRunLog) Finish(_ context.Context, job, period string, at time.Time, runErr error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.runs[[2]string{job, period}]
	if !ok {
		return errors.New("scheduler: Finish without Begin for " + job + " " + period)
	}
	r.Finished = at
	if runErr != nil {
		r.Failed, r.Err = true, runErr.Error()
	}
	return nil
}

// Get returns the entry of (job, period), if any.
func (m *MemRunLog) Get(job, period string) (RunEntry, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.runs[[2]string{job, period}]
	if !ok {
		return RunEntry{}, false
	}
	return *r, true
}
