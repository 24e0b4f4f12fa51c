package zalooa_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jonboulle/clockwork"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/bot/zalooa"
	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/internal/bottest"
	"github.com/dondoc/dondoc/internal/zalooafake"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/sample"
	"github.com/dondoc/dondoc/store"
)

var ict = bottest.ICT

// oenv is the sample district in a store, the fake OA platform, the
// adapter's webhook on a local HTTP server and the router with every
// handler; imports by chat are recorded (the file as downloaded).
type oenv struct {
	t      testing.TB
	st     *store.Store
	fake   *zalooafake.Server
	data   *sample.Data
	now    time.Time
	clock  *clockwork.FakeClock
	router *bot.Router
	logs   *bottest.Logs
	hook   *httptest.Server
	bot    *zalooa.Bot
	msgs   int

	mu      sync.Mutex
	imports []string // "<kind> <file name> <data>"
}

func newOEnv(t testing.TB, st *store.Store) *oenv {
	t.Helper()
	e := &oenv{t: t, st: st, logs: &bottest.Logs{}}
	var cal *models.Calendar
	e.data, e.now, cal = bottest.District(t, st)
	e.clock = clockwork.NewFakeClockAt(e.now)
	e.fake = zalooafake.New(zalooafake.Options{})
	t.Cleanup(e.fake.Close)
	e.bot = e.newBot(st.OATokens())
	dir := st.ChatDirectory(time.Minute)
	now := func() time.Time { return e.now }
	e.router = bottest.Router(dir, slog.New(slog.NewTextHandler(e.logs, nil)))
	handlers.Register(e.router, handlers.Deps{Store: st, Directory: dir, Rules: &models.Rules{Cal: cal, DueSoonDays: 2}, Clock: now,
		Reports:  &report.Reports{Store: st, Clock: now, Options: report.Options{Location: ict}},
		Download: e.bot.Download, Import: e.doImport})
	e.hook = httptest.NewServer(e.bot.WebhookHandler(func(ctx context.Context, u bot.Update) { e.router.Dispatch(ctx, u, e.bot) }))
	t.Cleanup(e.hook.Close)
	t.Cleanup(e.bot.Wait)
	return e
}

// newBot is one more replica of the adapter on tokens.
func (e *oenv) newBot(tokens zalooa.TokenStore) *zalooa.Bot {
	e.t.Helper()
	return e.newBotSeeded(tokens, e.fake.FirstRefreshToken())
}

// newBotSeeded is newBot configured with another ZALO_OA_REFRESH_TOKEN.
func (e *oenv) newBotSeeded(tokens zalooa.TokenStore, seed string) *zalooa.Bot {
	e.t.Helper()
	b, err := zalooa.New(zalooa.Config{AppID: e.fake.AppID(), SecretKey: e.fake.SecretKey(), RefreshToken: seed,
		APIBase: e.fake.URL(), OAuthBase: e.fake.URL(), Tokens: tokens, State: e.st.PlatformState(),
		Logger: slog.New(slog.NewTextHandler(e.logs, nil)), Clock: e.clock, MaxDownload: 1 << 20})
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// doImport is the importer behind the router: it records the request and
// the downloaded file, and reports one rejected row (so that the answer
// carries the error CSV).
func (e *oenv) doImport(_ context.Context, req handlers.ImportRequest) (handlers.ImportOutcome, error) {
	data, err := os.ReadFile(req.Path)
	if err != nil {
		return handlers.ImportOutcome{}, err
	}
	e.mu.Lock()
	e.imports = append(e.imports, string(req.Kind)+" "+req.FileName+" "+string(data))
	e.mu.Unlock()
	return handlers.ImportOutcome{Stored: true, Summary: ingest.Summary{Inserted: 3, Rejected: 1},
		Errors: []*ingest.RowError{{File: req.FileName, Line: 4, Column: "Ngày hẹn trả", Field: "due_at", Value: "31/02/2026", Reason: "is not a date"}}}, nil
}

func (e *oenv) imported() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.imports...)
}

// event delivers ev (signed, with a fresh msg id when it has none) and
// waits until it is handled; it returns the HTTP status and what the OA
// sent meanwhile.
func (e *oenv) event(ev zalooafake.Event) (int, []zalooafake.Sent) {
	e.t.Helper()
	if ev.MsgID == "" {
		e.msgs++
		ev.MsgID = fmt.Sprintf("msg-%d", e.msgs)
	}
	if ev.Timestamp == 0 {
		ev.Timestamp = e.now.UnixMilli()
	}
	before := len(e.fake.Sent())
	code, err := e.fake.Deliver(e.hook.URL, ev)
	if err != nil {
		e.t.Fatal(err)
	}
	e.bot.Wait()
	return code, e.fake.Sent()[before:]
}

// say sends text from user and returns the answer, its messages joined;
// every message must fit the OA's 2000 characters and hold no HTML.
func (e *oenv) say(user, text string) string {
	e.t.Helper()
	_, sent := e.event(zalooafake.Event{Name: "user_send_text", UserID: user, Text: text})
	var parts []string
	for _, s := range sent {
		if n := utf8.RuneCountInString(s.Text); s.FileToken == "" && (n == 0 || n > zalooa.MaxText) {
			e.t.Errorf("%q: a message of %d characters", text, n)
		}
		if strings.Contains(s.Text, "<b>") || strings.Contains(s.Text, "<code>") {
			e.t.Errorf("%q: HTML reached Zalo: %q", text, s.Text)
		}
		parts = append(parts, s.Text)
	}
	return strings.Join(parts, "\n")
}

// link links user to officer by sending the one-time code to the OA.
func (e *oenv) link(user string, o models.Officer) string {
	e.t.Helper()
	code, err := e.st.CreateLinkCode(context.Background(), store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: o.Code, CreatedBy: "test", Now: e.now})
	if err != nil {
		e.t.Fatal(err)
	}
	return e.say(user, code)
}

// officer returns the first active officer of role.
func (e *oenv) officer(role models.Role) models.Officer {
	e.t.Helper()
	for _, o := range e.data.Officers {
		if o.Active && o.Role == role {
			return o
		}
	}
	e.t.Fatalf("no active %s in the sample", role)
	return models.Officer{}
}
