package scheduler

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// testDBURL returns the Postgres URL of the elector tests, or skips.
func testDBURL(t *testing.T) string {
	t.Helper()
	if u := os.Getenv("DONDOC_TEST_DATABASE_URL"); u != "" {
		return u
	}
	if os.Getenv("CI") == "true" {
		return "postgres://postgres@127.0.0.1:5432/dondoc_scheduler?sslmode=disable"
	}
	t.Skip("DONDOC_TEST_DATABASE_URL not set")
	return ""
}

func openDB(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// replica is one dondoc process: its own pool and elector.
func replica(t *testing.T, url string, key int64) *PGElector {
	t.Helper()
	e := NewPGElector(openDB(t, url), key, quietLogger())
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// waitLeading waits on ch for e to become leader.
// watch has e watch for the lead every 50 ms until the test ends, and
// returns the channel its changes are sent to.
func watch(t *testing.T, ctx context.Context, e *PGElector) <-chan bool {
	changes := make(chan bool, 10)
	e.Notify(changes)
	wctx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	go e.Watch(wctx, 50*time.Millisecond)
	return changes
}

// twoReplicas are two electors on key of the test database, a created
// first; with the test database's URL and a context for the test.
func twoReplicas(t *testing.T, key int64) (url string, ctx context.Context, a, b *PGElector) {
	t.Helper()
	url = testDBURL(t)
	return url, ctxT(t), replica(t, url, key), replica(t, url, key)
}

func waitLeading(t *testing.T, ch <-chan bool, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case v := <-ch:
			if v {
				return
			}
		case <-deadline:
			t.Fatalf("no takeover within %s", within)
		}
	}
}

func TestPGElectorOneLeader(t *testing.T) {
	const key = 7_001_001
	url, ctx, a, b := twoReplicas(t, key)
	if err := a.IsLeader(ctx); err != nil {
		t.Fatalf("first replica: %v", err)
	}
	for i := 0; i < 3; i++ {
		if err := b.IsLeader(ctx); !errors.Is(err, ErrNotLeader) {
			t.Fatalf("second replica: %v, want ErrNotLeader", err)
		}
		if !a.Leading(ctx) {
			t.Fatal("leader lost its lock on a later call")
		}
	}
	// Another key is another election.
	if c := replica(t, url, key+1); !c.Leading(ctx) {
		t.Fatal("replica on another key is not leader")
	}
}

// TestPGElectorTakeoverWhenLeaderDies: the leader's session ends as when its
// process is killed (pg_terminate_backend: Postgres releases its locks); the
// follower's Watch takes over within its interval.
func TestPGElectorTakeoverWhenLeaderDies(t *testing.T) {
	const key = 7_001_002
	url, ctx, a, b := twoReplicas(t, key)
	if !a.Leading(ctx) {
		t.Fatal("a not leader")
	}
	changes := watch(t, ctx, b)

	admin := openDB(t, url)
	var n int
	err := admin.QueryRowContext(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = $1 AND objsubid = 1`, key).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("terminate the leader's session: %d, %v", n, err)
	}
	waitLeading(t, changes, 10*time.Second)
	if err := a.IsLeader(ctx); err == nil {
		t.Fatal("dead leader still thinks it leads")
	}
	if !b.Leading(ctx) {
		t.Fatal("b lost the lead")
	}
}

// TestPGElectorCloseHandsOver: a leader shutting down releases the lock and
// the follower's Watch takes it.
func TestPGElectorCloseHandsOver(t *testing.T) {
	const key = 7_001_003
	_, ctx, a, b := twoReplicas(t, key)
	if !a.Leading(ctx) || b.Leading(ctx) {
		t.Fatal("want a leader, b follower")
	}
	changes := watch(t, ctx, b)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	waitLeading(t, changes, 10*time.Second)
	if a.Leading(ctx) {
		t.Fatal("closed elector leads")
	}
}

// TestPGElectorDrivesScheduler: of two schedulers with PG electors, each
// with its own RunLog (so only the election keeps them apart), only the
// leader catches up the missed digest.
func TestPGElectorDrivesScheduler(t *testing.T) {
	url := testDBURL(t)
	ctx := ctxT(t)
	const key = 7_001_004
	rec := &recorder{}
	now := d(2026, 11, 27).At(9, 15, loc)
	var ss []*Scheduler
	for range 2 {
		s, err := New(Config{Calendar: testCalendar(), Clock: clockworkAt(now), RunLog: NewMemRunLog(),
			Elector: replica(t, url, key), Jobs: []Job{rec.job("digest", "07:30", DailyWorking)},
			Logger: quietLogger(), CatchUpEvery: -1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Shutdown() })
		ss = append(ss, s)
	}
	for _, s := range ss {
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := rec.of("digest"); len(got) != 1 {
		t.Fatalf("digest ran %d times, want 1", len(got))
	}
}
