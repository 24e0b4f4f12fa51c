package app

import (
	"context"
	"database/sql"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// drill seeds a fresh Postgres database and starts two dondoc serve
// (REPLICA_ID a and b) on it behind a slow proxy to a strict fake
// Telegram; hold, when set, runs after seeding and before the replicas
// start.
type drill struct {
	t      *testing.T
	dbURL  string
	st     *store.Store
	fake   *tgfake.Server
	px     *slowProxy
	a, b   *proc
	byName map[string]*proc
}

// drillPrereqs skips a drill in -short mode or without a Postgres server;
// else it builds dondoc and returns the binary and the server's URL.
func drillPrereqs(t *testing.T) (bin, server string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs dondoc serve")
	}
	server = os.Getenv(storetest.EnvURL)
	if server == "" {
		t.Skip(storetest.EnvURL + " not set")
	}
	return buildDondoc(t), server
}

func startDrill(t *testing.T, hold func(dbURL string)) *drill {
	t.Helper()
	bin, server := drillPrereqs(t)
	d := &drill{t: t, dbURL: storetest.CreateDatabase(t, server)}
	d.st = seedDelivery(t, d.dbURL)
	var srv *httptest.Server
	d.fake, d.px, srv = slowTelegram(t)
	if hold != nil {
		hold(d.dbURL)
	}
	env := serveEnv(d.dbURL, d.fake, srv.URL+"/bot%s/%s")
	d.a = startServe(t, bin, append(env, "REPLICA_ID=a"))
	d.b = startServe(t, bin, append(env, "REPLICA_ID=b"))
	d.byName = map[string]*proc{"a": d.a, "b": d.b}
	return d
}

// checkTelegram fails the test when more than one replica polled
// getUpdates or when Telegram's limits were broken.
func (d *drill) checkTelegram() {
	d.t.Helper()
	if c := d.fake.Conflicts(); c != 0 {
		d.t.Errorf("%d getUpdates 409s: more than one replica polled", c)
	}
	if v := d.fake.Violations(); v != 0 {
		d.t.Errorf("%d Telegram limit violations", v)
	}
}

// other returns the replica that is not p.
func (d *drill) other(p *proc) *proc {
	if p == d.a {
		return d.b
	}
	return d.a
}

func logs(p *proc, s string) bool { return strings.Contains(p.log.String(), s) }

// TestDrillLeaderKilledMidJob is the drill of 1/12/2026: two replicas on
// Postgres, the leader killed with SIGKILL in the middle of the morning
// digest job (its enqueue is held by a table lock, so the kill lands
// mid-job every time). The survivor must finish the day's job within 30 s
// of the kill, and every digest arrive, none twice.
func TestDrillLeaderKilledMidJob(t *testing.T) {
	var lock *sql.Tx
	d := startDrill(t, func(dbURL string) {
		db, err := sql.Open("pgx", dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		// SHARE blocks the job's INSERT into the outbox, not the
		// dispatcher's SELECT … FOR UPDATE of an empty outbox.
		if lock, err = db.Begin(); err != nil {
			t.Fatal(err)
		}
		if _, err := lock.Exec("LOCK TABLE outbox IN SHARE MODE"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = lock.Rollback() })
	})
	started := func(p *proc) bool { return logs(p, `msg="scheduler: job starts" job=digest`) }
	waitUntil(t, 60*time.Second, "the digest job to start on a replica", func() bool { return started(d.a) || started(d.b) })
	leader := d.a
	if started(d.b) {
		leader = d.b
	}
	survivor := d.other(leader)
	time.Sleep(100 * time.Millisecond) // the drill's 0.1 s
	if err := leader.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = leader.cmd.Wait()
	killed := time.Now()
	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	done := func() bool { return logs(survivor, `msg="scheduler: job done" job=digest`) }
	took := waitUntil(t, 30*time.Second, "the survivor to finish the digest job", done)
	st := d.st
	n, dups := checkDelivered(t, st, d.fake, 90*time.Second)
	all := time.Since(killed)
	_ = survivor.cmd.Process.Signal(syscall.SIGTERM)
	_ = survivor.cmd.Wait()
	t.Logf("%d digests; the survivor finished the job %s after the kill, all delivered after %s; %d twice; %d 409s; %d limit violations",
		n, took.Round(100*time.Millisecond), all.Round(100*time.Millisecond), dups, d.fake.Conflicts(), d.fake.Violations())
	if n < 20 {
		t.Errorf("%d digests: the seed has more", n)
	}
	if dups != 0 {
		t.Errorf("%d digests delivered twice", dups)
	}
	d.checkTelegram()
	if t.Failed() {
		t.Logf("killed leader:\n%s\nsurvivor:\n%s", leader.log.String(), survivor.log.String())
	}
}

// TestDrillLeaderKilledMidDispatch kills the leader while it dispatches:
// the new leader reclaims the dead leader's claimed batch at once and
// sends the first of it within 5 s of taking over; nothing is lost, and a
// message arrives twice only when its response was lost in the kill.
func TestDrillLeaderKilledMidDispatch(t *testing.T) {
	d := startDrill(t, nil)
	dispatching := func(p *proc) bool { return logs(p, "delivery: leader: dispatching") }
	waitUntil(t, 60*time.Second, "a leader", func() bool { return dispatching(d.a) || dispatching(d.b) })
	leader := d.a
	if dispatching(d.b) {
		leader = d.b
	}
	follower := d.other(leader)
	if dispatching(follower) {
		t.Fatal("both replicas lead")
	}
	waitUntil(t, 60*time.Second, "20 messages sent", func() bool { s, _ := d.px.counts(); return s >= 20 })
	_ = leader.cmd.Process.Signal(syscall.SIGKILL)
	_ = leader.cmd.Wait()
	st := d.st
	ctx := context.Background()
	es, err := st.Outbox().Entries(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	claimed := map[string]bool{} // chat+text of what the dead leader held
	now := time.Now()
	for _, e := range es {
		if e.Status == notify.StatusPending && e.LeaseUntil.After(now) {
			claimed[e.Message.ChatID+"\x00"+e.Message.Text] = true
		}
	}
	sentBefore := len(d.fake.SentBy("sendMessage"))
	took := waitUntil(t, 30*time.Second, "the follower taking over", func() bool { return dispatching(follower) })
	tookOver := time.Now()
	var first time.Duration
	if len(claimed) > 0 {
		first = waitUntil(t, 5*time.Second, "a message of the dead leader's batch sent by the new leader", func() bool {
			for _, s := range d.fake.SentBy("sendMessage")[sentBefore:] {
				if claimed[s.ChatID+"\x00"+s.Text] {
					return true
				}
			}
			return false
		})
	}
	n, dups := checkDelivered(t, st, d.fake, 90*time.Second)
	_, lost := d.px.counts()
	_ = follower.cmd.Process.Signal(syscall.SIGTERM)
	_ = follower.cmd.Wait()
	t.Logf("%d messages; %d claimed by the dead leader; takeover after %s; first of its batch sent %s after the takeover; all after %s; %d responses lost; %d twice; %d 409s; %d violations",
		n, len(claimed), took.Round(100*time.Millisecond), first.Round(10*time.Millisecond),
		time.Since(tookOver).Round(100*time.Millisecond), lost, dups, d.fake.Conflicts(), d.fake.Violations())
	if dups > lost+4 {
		t.Errorf("%d duplicates for %d lost responses", dups, lost)
	}
	d.checkTelegram()
	if t.Failed() {
		t.Logf("leader:\n%s\nfollower:\n%s", leader.log.String(), follower.log.String())
	}
}

// TestDrillPostgresRestart cuts every connection of dondoc serve to
// Postgres — what a restart of Postgres does to its clients — first in the
// middle of the digest job (its enqueue held by a table lock), then in the
// middle of dispatch. dondoc reconnects, the job finishes, every digest
// arrives, and a message arrives twice only when its response was lost.
func TestDrillPostgresRestart(t *testing.T) {
	bin, server := drillPrereqs(t)
	dbURL := storetest.CreateDatabase(t, server)
	st := seedDelivery(t, dbURL)
	fake, px, srv := slowTelegram(t)
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var dbName string
	if err := st.DB().Raw("SELECT current_database()").Scan(&dbName).Error; err != nil {
		t.Fatal(err)
	}
	restart := func() int {
		var n int
		if err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name NOT LIKE 'drill-%'`, dbName).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	lockDB, err := sql.Open("pgx", dbURL+"&application_name=drill-lock")
	if err != nil {
		t.Fatal(err)
	}
	defer lockDB.Close()
	lock, err := lockDB.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec("LOCK TABLE outbox IN SHARE MODE"); err != nil {
		t.Fatal(err)
	}
	p := startServe(t, bin, append(serveEnv(dbURL, fake, srv.URL+"/bot%s/%s"), "REPLICA_ID=solo"))
	waitUntil(t, 60*time.Second, "the digest job to start", func() bool { return logs(p, `msg="scheduler: job starts" job=digest`) })
	time.Sleep(100 * time.Millisecond)
	cut1 := restart()
	_ = lock.Rollback()
	took := waitUntil(t, 90*time.Second, "the digest job to finish after the restart",
		func() bool { return logs(p, `msg="scheduler: job done" job=digest`) })
	waitUntil(t, 60*time.Second, "10 messages sent", func() bool { s, _ := px.counts(); return s >= 10 })
	cut2 := restart()
	n, dups := checkDelivered(t, st, fake, 120*time.Second)
	_, lost := px.counts()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("dondoc serve after SIGTERM: %v", err)
	}
	t.Logf("%d digests; mid-job restart cut %d connections, the job finished %s later; mid-dispatch restart cut %d; %d responses lost; %d twice; %d violations",
		n, cut1, took.Round(100*time.Millisecond), cut2, lost, dups, fake.Violations())
	if cut1 == 0 || cut2 == 0 {
		t.Errorf("cut %d and %d connections: the restarts missed dondoc", cut1, cut2)
	}
	if n < 20 {
		t.Errorf("%d digests: the seed has more", n)
	}
	// No process dies here: a send whose record failed is recorded once
	// the database is back (the dispatcher retries MarkSent), so only a
	// lost response may repeat a message.
	if dups > lost {
		t.Errorf("%d duplicates for %d lost responses", dups, lost)
	}
	if v := fake.Violations(); v != 0 {
		t.Errorf("%d Telegram limit violations", v)
	}
	if t.Failed() {
		t.Logf("dondoc serve:\n%s", p.log.String())
	}
}
