package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/internal/zalofake"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// The --wait tests (issue #13 item 5): remind and broadcast wait out
// retry_after and backoffs on the wall clock, here a fake one that the test
// moves on whenever the command waits, and exit 0 only when everything of
// the run was delivered, 4 (naming the recipients) when some is still
// queued. Every case runs on SQLite, and on Postgres when
// DONDOC_TEST_DATABASE_URL is set.

// waitStep is how far the fake wall clock moves each time the command
// waits on it.
const waitStep = time.Second

// runClocked runs dondoc with args and the fake wall clock clk, moving clk
// on by waitStep whenever the command (dispatcher pacing, retry waits)
// waits on it, until the command returns.
func runClocked(t *testing.T, clk *clockwork.FakeClock, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runInterrupted(t, clk, 0, env, args...)
}

// runInterrupted is runClocked that cancels the command's context (SIGTERM)
// once the fake clock moved stopAfter on; 0: never.
func runInterrupted(t *testing.T, clk *clockwork.FakeClock, stopAfter time.Duration, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runCtx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer cancel()
		code = run(runCtx, args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb, clk)
	}()
	start := clk.Now()
	for clk.BlockUntilContext(ctx, 1) == nil {
		if stopAfter > 0 && clk.Since(start) >= stopAfter {
			stop()
			break
		}
		clk.Advance(waitStep)
	}
	<-done
	return code, out.String(), errb.String()
}

// waitDB is one seeded database for a --wait case.
type waitDB struct {
	st  *store.Store
	env map[string]string
	clk *clockwork.FakeClock
	t0  time.Time
}

// forEachWaitDB runs fn on a freshly seeded SQLite database, and on a
// Postgres one when DONDOC_TEST_DATABASE_URL is set.
func forEachWaitDB(t *testing.T, fn func(t *testing.T, db *waitDB)) {
	t.Helper()
	forEachDBURL(t, func(t *testing.T, u string) {
		t0, _ := time.Parse(time.RFC3339, serveNow)
		db := &waitDB{st: seedDelivery(t, u), t0: t0, clk: clockwork.NewFakeClockAt(t0),
			env: map[string]string{"DATABASE_URL": u, "DONDOC_NOW": serveNow,
				"DONDOC_ENV_FILE": filepath.Join(t.TempDir(), "none.env")}}
		fn(t, db)
	})
}

// forEachDBURL runs fn as a subtest on the URL of an empty SQLite
// database, and of an empty Postgres one when DONDOC_TEST_DATABASE_URL is
// set.
func forEachDBURL(t *testing.T, fn func(t *testing.T, url string)) {
	t.Helper()
	urls := []string{"sqlite://" + filepath.Join(t.TempDir(), "dondoc.db")}
	if u := os.Getenv(storetest.EnvURL); u != "" {
		urls = append(urls, storetest.CreateDatabase(t, u))
	}
	for _, u := range urls {
		name := "sqlite"
		if strings.HasPrefix(u, "postgres") {
			name = "postgres"
		}
		t.Run(name, func(t *testing.T) { fn(t, u) })
	}
}

// telegram points the run at a fake Bot API paced by the test's clock.
func (db *waitDB) telegram(t *testing.T) *tgfake.Server {
	fake := tgfake.New(tgfake.Options{Limits: true, Clock: db.clk})
	t.Cleanup(fake.Close)
	db.env["TELEGRAM_BOT_TOKEN"], db.env["TELEGRAM_API_ENDPOINT"] = fake.Token(), fake.Endpoint()
	return fake
}

// outbox returns the run's entries (key prefix) by status.
func (db *waitDB) outbox(t *testing.T, prefix string) map[notify.Status][]notify.Entry {
	t.Helper()
	es, err := db.st.Outbox().Entries(context.Background(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	out := map[notify.Status][]notify.Entry{}
	for _, e := range es {
		out[e.Status] = append(out[e.Status], e)
	}
	return out
}

func TestRemindWaitsOutRetryAfterAndBackoff(t *testing.T) {
	cases := []struct {
		name   string
		method string
		n      int
		fault  tgfake.Fault
		least  time.Duration // the fake time the run must have waited
	}{
		{"429 retry_after 45s", "sendMessage", 2, tgfake.RateLimited(45), 45 * time.Second},
		{"502 three times, backoff", "sendMessage", 3, tgfake.BadGateway(), time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			forEachWaitDB(t, func(t *testing.T, db *waitDB) {
				fake := db.telegram(t)
				fake.FailNext(tc.method, tc.n, tc.fault)
				code, out, errs := runClocked(t, db.clk, db.env, "remind", "--date", "2026-11-26")
				if code != 0 || !strings.Contains(out, "Đã gửi hết.") {
					t.Fatalf("remind: code %d; want 0\n%s\n%s", code, out, errs)
				}
				byStatus := db.outbox(t, "")
				sent := byStatus[notify.StatusSent]
				if len(sent) < 10 || len(byStatus[notify.StatusPending]) != 0 || len(byStatus[notify.StatusFailed]) != 0 {
					t.Fatalf("outbox after remind: %d sent, %d pending, %d failed", len(sent),
						len(byStatus[notify.StatusPending]), len(byStatus[notify.StatusFailed]))
				}
				if got := len(fake.SentBy("sendMessage")); got != len(sent) {
					t.Errorf("the fake got %d messages; the outbox says %d sent", got, len(sent))
				}
				if waited := db.clk.Since(db.t0); waited < tc.least || waited >= defaultWait {
					t.Errorf("remind waited %v; want at least %v, less than --wait %v", waited, tc.least, defaultWait)
				}
				if v := fake.Violations(); v != 0 {
					t.Errorf("the dispatcher broke Telegram's flood limits %d times", v)
				}
			})
		})
	}
}

func TestRemindExitsFourWhileQueued(t *testing.T) {
	forEachWaitDB(t, func(t *testing.T, db *waitDB) {
		fake := db.telegram(t)
		// Two chats answer 429 for an hour: the platform pauses, nothing
		// can go out within --wait, and remind says so at once.
		fake.FailNext("sendMessage", 2, tgfake.RateLimited(3600))
		code, out, errs := runClocked(t, db.clk, db.env, "remind", "--date", "2026-11-26")
		if code != exitQueued {
			t.Fatalf("remind: code %d; want 4\n%s\n%s", code, out, errs)
		}
		pending := db.outbox(t, "")[notify.StatusPending]
		if len(pending) == 0 {
			t.Fatal("nothing pending after an exit 4")
		}
		if !strings.Contains(errs, "còn "+strconv.Itoa(len(pending))+" tin trong hàng đợi") {
			t.Errorf("stderr does not give the count %d:\n%s", len(pending), errs)
		}
		listed := min(distinctRecipients(pending), maxListed)
		if got := strings.Count(errs, "\n  - officer:"); got != listed {
			t.Errorf("stderr names %d recipients; want %d:\n%s", got, listed, errs)
		}
		if !strings.Contains(errs, pending[0].Recipient) || !strings.Contains(errs, "retry after 3600") {
			t.Errorf("stderr should name %s and the 429:\n%s", pending[0].Recipient, errs)
		}
		if waited := db.clk.Since(db.t0); waited >= time.Minute {
			t.Errorf("remind waited %v for a retry due after --wait; it should give up at once", waited)
		}

		// An hour later the day's run is not repeated, but what it left
		// goes out and the exit status says so.
		db.clk.Advance(time.Hour)
		code, out, errs = runClocked(t, db.clk, db.env, "remind", "--date", "2026-11-26")
		if code != 0 || !strings.Contains(out, "đã chạy rồi") || !strings.Contains(out, "Đã gửi hết.") {
			t.Fatalf("remind again: code %d; want 0\n%s\n%s", code, out, errs)
		}
		if p := db.outbox(t, "")[notify.StatusPending]; len(p) != 0 {
			t.Fatalf("%d still pending", len(p))
		}
	})
}

func TestRemindWaitFlag(t *testing.T) {
	forEachWaitDB(t, func(t *testing.T, db *waitDB) {
		fake := db.telegram(t)
		// A retry due after --wait: exit 4 without waiting for it. (The
		// province sample's digests take some 30 s at Telegram's pace: the
		// retry and --wait lie beyond that.)
		fake.FailNext("sendMessage", 1, tgfake.RateLimited(300))
		code, out, errs := runClocked(t, db.clk, db.env, "remind", "--date", "2026-11-26", "--wait", "2m0s")
		if code != exitQueued || !strings.Contains(errs, "chờ tối đa --wait 2m0s") {
			t.Fatalf("remind --wait 2m: code %d; want 4\n%s\n%s", code, out, errs)
		}
		if waited := db.clk.Since(db.t0); waited >= 2*time.Minute {
			t.Errorf("waited %v", waited)
		}
		if code, _, errs := runWith(t, db.env, "remind", "--wait", "-1s"); code != exitUsage {
			t.Errorf("--wait -1s: code %d; want 2 (%s)", code, errs)
		}
	})
}

func TestRemindFailedAndInterrupted(t *testing.T) {
	forEachWaitDB(t, func(t *testing.T, db *waitDB) {
		fake := db.telegram(t)
		// One officer blocked the bot: that message can never go out.
		fake.FailNext("sendMessage", 1, tgfake.Blocked())
		code, out, errs := runClocked(t, db.clk, db.env, "remind", "--date", "2026-11-26")
		failed := db.outbox(t, "")[notify.StatusFailed]
		if code != exitFailure || len(failed) != 1 || !strings.Contains(errs, "1 tin không gửi được") ||
			!strings.Contains(errs, failed[0].Recipient) || strings.Contains(out, "Đã gửi hết.") {
			t.Fatalf("remind with a blocked officer: code %d (want 1), %d failed\n%s\n%s", code, len(failed), out, errs)
		}

		// Stopped (SIGTERM) while waiting out a retry: still exit 4, with
		// what is left.
		fake.FailNext("sendMessage", 1, tgfake.RateLimited(300))
		code, out, errs = runInterrupted(t, db.clk, time.Minute, db.env, "remind", "--date", "2026-11-27")
		pending := db.outbox(t, "")[notify.StatusPending]
		if code != exitQueued || len(pending) == 0 || !strings.Contains(errs, "còn "+strconv.Itoa(len(pending))+" tin") {
			t.Fatalf("remind stopped while waiting: code %d (want 4), %d pending\n%s\n%s", code, len(pending), out, errs)
		}
	})
}

func TestRemindWaitsOnZalo(t *testing.T) {
	// Zalo's 429 ("Quota exceeded") names no retry_after: the adapter
	// backs off by itself, so what differs is how long the quota lasts.
	for _, tc := range []struct {
		name     string
		failures int
		wait     string
		want     int
	}{{"quota exceeded once", 1, "10m", 0}, {"quota exceeded for longer than --wait", 1000, "30s", exitQueued}} {
		t.Run(tc.name, func(t *testing.T) {
			forEachWaitDB(t, func(t *testing.T, db *waitDB) {
				ctx := context.Background()
				// Three officers link on Zalo; Telegram is not configured.
				accs, err := db.st.ActiveAccounts(ctx, "telegram")
				if err != nil || len(accs) < 3 {
					t.Fatalf("accounts: %d, %v", len(accs), err)
				}
				var zaccs []models.ChatAccount
				for i, acc := range accs[:3] {
					zaccs = append(zaccs, models.ChatAccount{Platform: "zalo", UserID: "zu" + strconv.Itoa(i), ChatID: "zu" + strconv.Itoa(i),
						OfficerCode: acc.OfficerCode, Active: true, LinkedAt: db.t0})
				}
				if err := db.st.UpsertChatAccounts(ctx, zaccs); err != nil {
					t.Fatal(err)
				}
				fake := zalofake.New(zalofake.Options{Clock: db.clk})
				t.Cleanup(fake.Close)
				db.env["ZALO_BOT_TOKEN"], db.env["ZALO_API_BASE"] = fake.Token(), fake.BaseURL()
				fake.FailNext("sendMessage", tc.failures, zalofake.QuotaExceeded())

				code, out, errs := runClocked(t, db.clk, db.env, "remind", "--date", "2026-11-26", "--wait", tc.wait)
				if code != tc.want {
					t.Fatalf("remind on Zalo: code %d; want %d\n%s\n%s", code, tc.want, out, errs)
				}
				byStatus := db.outbox(t, "")
				if len(byStatus[notify.StatusSent])+len(byStatus[notify.StatusPending]) == 0 {
					t.Fatal("nothing queued for the Zalo officers")
				}
				for _, e := range append(byStatus[notify.StatusSent], byStatus[notify.StatusPending]...) {
					if e.Message.Platform != "zalo" {
						t.Fatalf("entry %s on %s; only Zalo is configured", e.Key, e.Message.Platform)
					}
				}
				switch tc.want {
				case 0:
					if len(byStatus[notify.StatusPending]) != 0 || len(fake.SentBy("sendMessage")) < len(byStatus[notify.StatusSent]) {
						t.Errorf("after exit 0: %d pending, %d sent by the fake for %d entries", len(byStatus[notify.StatusPending]),
							len(fake.SentBy("sendMessage")), len(byStatus[notify.StatusSent]))
					}
					if db.clk.Since(db.t0) <= 0 {
						t.Errorf("remind did not wait out the quota's back-off: %v", db.clk.Since(db.t0))
					}
				default:
					p := byStatus[notify.StatusPending]
					if len(p) == 0 || !strings.Contains(errs, "còn "+strconv.Itoa(len(p))+" tin") || !strings.Contains(errs, "(zalo zu") {
						t.Errorf("exit 4 should give the %d pending and their Zalo chats:\n%s", len(p), errs)
					}
				}
			})
		})
	}
}

func TestBroadcastWaits(t *testing.T) {
	for _, tc := range []struct {
		name string
		sec  int
		want int
	}{{"retry_after within --wait", 60, 0}, {"retry_after beyond --wait", 3600, exitQueued}} {
		t.Run(tc.name, func(t *testing.T) {
			forEachWaitDB(t, func(t *testing.T, db *waitDB) {
				fake := db.telegram(t)
				fake.FailNext("sendPhoto", 1, tgfake.RateLimited(tc.sec))
				code, out, errs := runClocked(t, db.clk, db.env, "broadcast", "--month", "2026-10")
				if code != tc.want {
					t.Fatalf("broadcast: code %d; want %d\n%s\n%s", code, tc.want, out, errs)
				}
				byStatus := db.outbox(t, "monthly/")
				sent, pending := byStatus[notify.StatusSent], byStatus[notify.StatusPending]
				if tc.want == 0 {
					if len(sent) < 3 || len(pending) != 0 || !strings.Contains(out, "Đã gửi hết.") {
						t.Fatalf("after exit 0: %d sent, %d pending\n%s", len(sent), len(pending), out)
					}
					if db.clk.Since(db.t0) < time.Minute {
						t.Errorf("broadcast did not wait out retry_after: %v", db.clk.Since(db.t0))
					}
					return
				}
				if len(pending) == 0 || !strings.Contains(errs, "còn "+strconv.Itoa(len(pending))+" tin") ||
					!strings.Contains(errs, pending[0].Recipient) {
					t.Errorf("exit 4 should give the %d pending and their groups:\n%s", len(pending), errs)
				}
			})
		})
	}
}

func distinctRecipients(es []notify.Entry) int {
	seen := map[string]bool{}
	for _, e := range es {
		seen[e.Recipient+"\x00"+e.Message.ChatID] = true
	}
	return len(seen)
}
