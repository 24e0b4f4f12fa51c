package scheduler

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dondoc/dondoc/models"
)

// leasedLog is a LeasedRunLog in memory with leases on a wall clock, as
// the store's run log keeps them in job_runs: a claim whose owner has not
// heart-beaten for lease is taken over by the next Begin.
type leasedLog struct {
	mu    sync.Mutex
	wall  clockwork.Clock
	lease time.Duration
	owner string
	runs  map[[2]string]*leasedRun // shared by every owner's view
}

type leasedRun struct {
	owner    string
	beat     time.Time
	finished bool
}

func (l *leasedLog) as(owner string) *leasedLog {
	return &leasedLog{wall: l.wall, lease: l.lease, owner: owner, runs: l.runs}
}

func (l *leasedLog) Begin(_ context.Context, job, period string, _ time.Time) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := [2]string{job, period}
	r, ok := l.runs[k]
	now := l.wall.Now()
	switch {
	case !ok || (!r.finished && !now.Before(r.beat.Add(l.lease))):
		l.runs[k] = &leasedRun{owner: l.owner, beat: now}
		return true, nil
	case r.finished:
		return false, nil
	}
	return false, ErrRunning
}

func (l *leasedLog) Heartbeat(_ context.Context, job, period string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.runs[[2]string{job, period}]
	if r == nil || r.owner != l.owner || r.finished {
		return ErrRunLost
	}
	r.beat = l.wall.Now()
	return nil
}

func (l *leasedLog) Finish(_ context.Context, job, period string, _ time.Time, runErr error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := [2]string{job, period}
	r := l.runs[k]
	if r == nil || r.owner != l.owner {
		return ErrRunLost
	}
	if runErr != nil {
		delete(l.runs, k)
		return nil
	}
	r.finished = true
	return nil
}

// TestTakeOverAbandonedRun: the leader died 0.1 s into the digest job; a
// survivor that starts leading finds the run "still running", keeps
// checking (it does not remember it as done, as it did before) and takes it
// over once the dead owner's lease lapsed: within lease + CatchUpEvery.
func TestTakeOverAbandonedRun(t *testing.T) {
	ctx := ctxT(t)
	start := d(2026, 11, 27).At(7, 30, loc)
	clock := clockwork.NewFakeClockAt(start)
	shared := &leasedLog{wall: clock, lease: 12 * time.Second, runs: map[[2]string]*leasedRun{}}
	dead := shared.as("dead")
	if ok, err := dead.Begin(ctx, "digest", "2026-11-27", start); !ok || err != nil {
		t.Fatal(ok, err)
	}
	clock.Advance(100 * time.Millisecond) // killed here, never beats again
	rec := &recorder{}
	s, err := New(Config{Calendar: testCalendar(), Clock: clock, RunLog: shared.as("survivor"),
		Jobs: []Job{rec.job("digest", "07:30", DailyWorking)}, Logger: quietLogger(), CatchUpEvery: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan event, 100)
	s.observe = func(name string, day models.Date, ran bool) { events <- event{name, day, ran} }
	t.Cleanup(func() { _ = s.Shutdown() })
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if e := waitEvents(t, events, 1)[0]; e.ran {
		t.Fatalf("at start: %+v; the dead leader's claim is still fresh", e)
	}
	for i := 0; len(rec.of("digest")) == 0; i++ {
		if i > 10 {
			t.Fatal("the abandoned run was never taken over")
		}
		if err := clock.BlockUntilContext(ctx, 2); err != nil { // gocron's 07:30 and the catch-up timer
			t.Fatal(err)
		}
		clock.Advance(5 * time.Second)
		waitEvents(t, events, 1)
	}
	took := rec.of("digest")[0].now.Sub(start)
	if took > 12*time.Second+5*time.Second+time.Second {
		t.Errorf("taken over %s after the kill; want within the lease plus one check", took)
	}
	for range 3 {
		if err := clock.BlockUntilContext(ctx, 2); err != nil {
			t.Fatal(err)
		}
		clock.Advance(5 * time.Second)
	}
	if n := len(rec.of("digest")); n != 1 {
		t.Fatalf("digest ran %d times; want once", n)
	}
}
