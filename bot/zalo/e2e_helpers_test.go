package zalo_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/internal/bottest"
	"github.com/dondoc/dondoc/internal/zalofake"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/sample"
	"github.com/dondoc/dondoc/store"
)

const wait = 10 * time.Second

var ict = bottest.ICT

// zenv is the sample district in a store, the fake Zalo platform, dondoc's
// webhook on a local HTTP server (as `dondoc serve` mounts it) and the
// router with every handler.
type zenv struct {
	t      testing.TB
	st     *store.Store
	fake   *zalofake.Server
	data   *sample.Data
	now    time.Time
	router *bot.Router
	logs   *bottest.Logs
	hook   *httptest.Server

	mu  sync.Mutex
	bot *zalo.Bot
	h   http.Handler
}

func newZEnv(t testing.TB, st *store.Store, opts zalofake.Options) *zenv {
	t.Helper()
	e := &zenv{t: t, st: st, logs: &bottest.Logs{}}
	var cal *models.Calendar
	e.data, e.now, cal = bottest.District(t, st)
	e.fake = zalofake.New(opts)
	t.Cleanup(e.fake.Close)
	e.hook = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		h := e.h
		e.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(e.hook.Close)
	dir := st.ChatDirectory(time.Minute)
	clock := func() time.Time { return e.now }
	rules := &models.Rules{Cal: cal, DueSoonDays: 2}
	e.router = bottest.Router(dir, slog.New(slog.NewTextHandler(e.logs, nil)))
	handlers.Register(e.router, handlers.Deps{Store: st, Directory: dir, Rules: rules, Clock: clock,
		Reports: &report.Reports{Store: st, Clock: clock, Options: report.Options{Location: ict}}})
	e.start()
	return e
}

// start connects a new adapter instance (a dondoc (re)start): same
// database, same fake, webhook set again and mounted at its path.
func (e *zenv) start() *zalo.Bot {
	e.t.Helper()
	ctx := context.Background()
	b, err := zalo.New(ctx, zalo.Config{Token: e.fake.Token(), BaseURL: e.fake.BaseURL(),
		Logger: slog.New(slog.NewTextHandler(e.logs, nil)), State: e.st.PlatformState(),
		WebhookURL: e.hook.URL + "/hooks/zalo", RatePerSecond: -1, QuotaRetry: time.Millisecond, RetryWait: time.Millisecond})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := b.SetWebhook(ctx); err != nil {
		e.t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST "+b.WebhookPath(), b.WebhookHandler(func(ctx context.Context, u bot.Update) { e.router.Dispatch(ctx, u, b) }))
	e.mu.Lock()
	e.bot, e.h = b, mux
	e.mu.Unlock()
	e.t.Cleanup(b.Wait)
	return b
}

func (e *zenv) adapter() *zalo.Bot {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.bot
}

// deliver posts one update as Zalo does, waits until its handling is over
// and returns the HTTP status and the messages sent meanwhile.
func (e *zenv) deliver(m zalofake.Message) (int, []zalofake.Sent) {
	e.t.Helper()
	before := len(e.fake.SentBy("sendMessage"))
	code, err := e.fake.Deliver(e.fake.Update(m))
	if err != nil {
		e.t.Fatal(err)
	}
	e.adapter().Wait()
	return code, e.fake.SentBy("sendMessage")[before:]
}

// say sends a private text from user and returns the one reply, joined
// when it was split.
func (e *zenv) say(user, text string) string {
	e.t.Helper()
	code, sent := e.deliver(zalofake.Message{FromID: user, Text: text})
	return e.joined(code, sent, text)
}

// sayGroup sends text in group chat from user.
func (e *zenv) sayGroup(group, user, text string) string {
	e.t.Helper()
	code, sent := e.deliver(zalofake.Message{ChatID: group, FromID: user, Group: true, Text: text})
	return e.joined(code, sent, text)
}

func (e *zenv) joined(code int, sent []zalofake.Sent, text string) string {
	e.t.Helper()
	if code != http.StatusOK {
		e.t.Fatalf("%q: webhook answered %d", text, code)
	}
	var parts []string
	for _, s := range sent {
		if n := len([]rune(s.Text)); n > zalo.MaxText || n == 0 {
			e.t.Errorf("%q: a message of %d characters", text, n)
		}
		if strings.Contains(s.Text, "<b>") || strings.Contains(s.Text, "<code>") {
			e.t.Errorf("%q: HTML reached Zalo: %q", text, s.Text)
		}
		parts = append(parts, s.Text)
	}
	return strings.Join(parts, "\n")
}

// linkCode makes a one-time code in the store.
func (e *zenv) linkCode(req store.LinkCodeRequest) string {
	e.t.Helper()
	req.CreatedBy, req.Now = "test", e.now
	code, err := e.st.CreateLinkCode(context.Background(), req)
	if err != nil {
		e.t.Fatal(err)
	}
	return code
}

func newClockAt(t time.Time) *clockwork.FakeClock { return clockwork.NewFakeClockAt(t) }
