package app

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dondoc/dondoc/internal/bottest"
	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/jobs/jobstest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/sample"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// serveNow is the fixed clock of the subprocesses: Thursday 26/11/2026
// 08:00, after REMIND_AT, so the digest job runs at start (catch-up).
const serveNow = "2026-11-26T08:00:00+07:00"

// slowProxy forwards Bot API calls to the fake and holds each accepted
// sendMessage's response for delay: a process killed meanwhile loses the
// response of a message Telegram accepted, which the proxy counts.
type slowProxy struct {
	target string
	delay  time.Duration

	mu    sync.Mutex
	sends int // accepted sendMessage calls
	lost  int // accepted, but the client was gone before the response
}

func (p *slowProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	// A send reaches the fake whatever becomes of the client (a killed
	// process loses the answer, not the message); a long poll ends with
	// its client, as Telegram drops a dead connection's getUpdates.
	upCtx := context.Background()
	if strings.HasSuffix(r.URL.Path, "/getUpdates") {
		upCtx = r.Context()
	}
	req, _ := http.NewRequestWithContext(upCtx, r.Method, p.target+r.URL.Path, bytes.NewReader(body))
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	rb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.HasSuffix(r.URL.Path, "/sendMessage") && resp.StatusCode == http.StatusOK {
		p.mu.Lock()
		p.sends++
		p.mu.Unlock()
		select {
		case <-time.After(p.delay):
		case <-r.Context().Done():
			p.mu.Lock()
			p.lost++
			p.mu.Unlock()
			return
		}
	}
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(rb)
}

func (p *slowProxy) counts() (sends, lost int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sends, p.lost
}

type proc struct {
	cmd *exec.Cmd
	log *bottest.Logs
}

func startServe(t *testing.T, bin string, env []string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, "serve"), log: &bottest.Logs{}}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s log:\n%s", bin, p.log.String())
		}
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	return p
}

func buildDondoc(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "dondoc")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/dondoc").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > timeout {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return time.Since(start)
}

// slowTelegram is a strict fake Telegram (limits enforced) behind a proxy
// that holds each response 200 ms, both closed at cleanup: point the bot's
// endpoint at srv.
func slowTelegram(t *testing.T) (*tgfake.Server, *slowProxy, *httptest.Server) {
	t.Helper()
	fake := tgfake.New(tgfake.Options{Limits: true})
	t.Cleanup(fake.Close)
	px := &slowProxy{target: fake.URL, delay: 200 * time.Millisecond}
	srv := httptest.NewServer(px)
	t.Cleanup(srv.Close)
	return fake, px, srv
}

// seedDelivery migrates and seeds the database at url with the sample
// district and its chat links, and returns the store (closed at cleanup).
func seedDelivery(t *testing.T, url string) *store.Store {
	t.Helper()
	st, _ := seedDeliveryData(t, url)
	return st
}

// seedDeliveryData is seedDelivery that also returns the sample written.
func seedDeliveryData(t testing.TB, url string) (*store.Store, *sample.Data) {
	t.Helper()
	ctx := context.Background()
	st := storetest.OpenURL(t, url)
	now, _ := time.Parse(time.RFC3339, serveNow)
	cal := models.NewVietnamCalendar(time.FixedZone("ICT", 7*3600), 15, 0)
	data, err := jobstest.Seed(ctx, st, now, cal)
	if err != nil {
		t.Fatal(err)
	}
	return st, data
}

func serveEnv(dbURL string, fake *tgfake.Server, endpoint string) []string {
	return append(os.Environ(),
		"DATABASE_URL="+dbURL, "DONDOC_NOW="+serveNow, "DONDOC_TZ=Asia/Ho_Chi_Minh",
		"REMIND_AT=07:30", "ESCALATE_AT=off", "WEEKLY_AT=off", "MONTHLY_AT=off",
		"TELEGRAM_BOT_TOKEN="+fake.Token(), "TELEGRAM_API_ENDPOINT="+endpoint,
		"HTTP_ADDR=127.0.0.1:0", "DONDOC_ENV_FILE="+filepath.Join(os.TempDir(), "dondoc-none.env"), "LOG_LEVEL=info")
}

// checkDelivered waits until the outbox has nothing pending, then checks
// that every entry reached its chat, and returns how many were delivered
// more than once.
func checkDelivered(t *testing.T, st *store.Store, fake *tgfake.Server, timeout time.Duration) (entries, dups int) {
	t.Helper()
	ctx := context.Background()
	waitUntil(t, timeout, "an empty outbox", func() bool {
		c, err := st.OutboxCounts(ctx)
		return err == nil && c[notify.StatusPending] == 0 && c[notify.StatusSent] > 0
	})
	es, err := st.Outbox().Entries(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]string]int{}
	for _, s := range fake.SentBy("sendMessage") {
		got[[2]string{s.ChatID, s.Text}]++
	}
	for _, e := range es {
		if e.Status != notify.StatusSent {
			t.Errorf("%s: %s %q", e.Key, e.Status, e.LastError)
			continue
		}
		n := got[[2]string{e.Message.ChatID, e.Message.Text}]
		if n == 0 {
			t.Errorf("%s never reached chat %s", e.Key, e.Message.ChatID)
		}
		if n > 1 {
			dups += n - 1
		}
	}
	return len(es), dups
}

// TestServeSurvivesSIGKILL kills dondoc serve in the middle of dispatch and
// restarts it: every digest arrives; a message arrives twice only when its
// response was lost after the (fake) Telegram accepted it.
func TestServeSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs dondoc serve")
	}
	bin := buildDondoc(t)
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "dondoc.db")
	st := seedDelivery(t, dbURL)
	fake, px, srv := slowTelegram(t)
	env := serveEnv(dbURL, fake, srv.URL+"/bot%s/%s")

	p1 := startServe(t, bin, env)
	waitUntil(t, 60*time.Second, "10 messages sent", func() bool {
		s, _ := px.counts()
		if os.Getenv("DEBUG_SERVE") != "" {
			es, _ := st.Outbox().Entries(context.Background(), "")
			if len(es) > 0 {
				t.Logf("%d entries, first %+v calls %d", len(es), es[0].NextAttemptAt, fake.Calls("sendMessage"))
			}
		}
		return s >= 10
	})
	if err := p1.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p1.cmd.Wait()
	sentAtKill, _ := px.counts()
	time.Sleep(300 * time.Millisecond) // let the proxy notice the dropped connections
	_, lost := px.counts()

	p2 := startServe(t, bin, env)
	n, dups := checkDelivered(t, st, fake, 90*time.Second)
	if err := p2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p2.cmd.Wait(); err != nil {
		t.Errorf("dondoc serve after SIGTERM: %v\n%s", err, p2.log.String())
	}
	t.Logf("%d messages; killed after %d sends; %d responses lost; %d delivered twice; %d limit violations",
		n, sentAtKill, lost, dups, fake.Violations())
	// A duplicate comes from a lost response, or from a response received in
	// the instant between the send and its commit (at most the 4 in flight).
	if dups > lost+4 {
		t.Errorf("%d duplicates for %d lost responses", dups, lost)
	}
	if n < 20 || sentAtKill >= n {
		t.Errorf("%d messages, killed after %d: the kill was not mid-dispatch", n, sentAtKill)
	}
	if v := fake.Violations(); v != 0 {
		t.Errorf("%d Telegram limit violations", v)
	}
	if t.Failed() {
		t.Logf("first process:\n%s\nsecond process:\n%s", p1.log.String(), p2.log.String())
	}
}
