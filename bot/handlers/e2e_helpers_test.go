package handlers_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/bot/telegram"
	"github.com/dondoc/dondoc/internal/bottest"
	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/sample"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

const wait = 10 * time.Second

// riskThreshold is RISK_THRESHOLD in the chat tests.
const riskThreshold = 0.2

var ict = bottest.ICT

// env is the sample district in a store, the real Telegram adapter polling
// a fake Bot API server, and the router with every handler.
type env struct {
	t     *testing.T
	st    *store.Store
	fake  *tgfake.Server
	data  *sample.Data
	tree  *models.UnitTree
	rules *models.Rules
	mu    sync.Mutex
	now   time.Time
	// risk is the early-warning cache behind /nguyco (threshold 20 %, so
	// that the district sample has dossiers at risk).
	risk *jobs.RiskCache
	// importer answers Deps.Import; nil answers "not available".
	importer func(ctx context.Context, req handlers.ImportRequest) (handlers.ImportOutcome, error)
	// uploadBase is the upload links' base URL (Deps.UploadLink, as app
	// wires it on PUBLIC_URL); "" answers that /tailen is off.
	uploadBase string
}

// uploadLink is Deps.UploadLink: a token in the store under uploadBase.
func (e *env) uploadLink(ctx context.Context, req handlers.UploadLinkRequest) (handlers.UploadLink, error) {
	e.mu.Lock()
	base := e.uploadBase
	e.mu.Unlock()
	if base == "" {
		return handlers.UploadLink{}, errors.New("no upload base in this test")
	}
	tok, rec, err := e.st.CreateUploadToken(ctx, store.UploadTokenRequest{OfficerCode: req.OfficerCode, Platform: req.Platform,
		UserID: req.UserID, ChatID: req.ChatID, Now: req.Now})
	if err != nil {
		return handlers.UploadLink{}, err
	}
	return handlers.UploadLink{URL: base + "/tai-len/" + tok, Expires: rec.ExpiresAt}, nil
}

// doImport is Deps.Import: the test's importer.
func (e *env) doImport(ctx context.Context, req handlers.ImportRequest) (handlers.ImportOutcome, error) {
	e.mu.Lock()
	imp := e.importer
	e.mu.Unlock()
	if imp == nil {
		return handlers.ImportOutcome{}, errors.New("no importer in this test")
	}
	return imp(ctx, req)
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) setNow(t time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = t
}

// seedDistrict stores the sample district as of 27/11/2026 10:00.
func seedDistrict(tb testing.TB, st *store.Store) *env {
	tb.Helper()
	data, now, cal := bottest.District(tb, st)
	tree, err := models.NewUnitTree(data.Units)
	if err != nil {
		tb.Fatal(err)
	}
	return &env{st: st, data: data, tree: tree, now: now, rules: &models.Rules{Cal: cal, DueSoonDays: 2}}
}

// forEachEnv runs fn as a subtest on each store (storetest.ForEach) with a
// fresh env over the sample district and its people.
func forEachEnv(t *testing.T, fn func(t *testing.T, e *env, p people)) {
	t.Helper()
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		fn(t, e, e.people())
	})
}

func newEnv(t *testing.T, st *store.Store) *env {
	t.Helper()
	ctx := context.Background()
	e := seedDistrict(t, st)
	e.t = t
	e.fake = tgfake.New(tgfake.Options{})
	t.Cleanup(e.fake.Close)
	tg, err := telegram.New(ctx, telegram.Config{Token: e.fake.Token(), Endpoint: e.fake.Endpoint(),
		PollTimeout: 2 * time.Second, Backoff: func(int) time.Duration { return 10 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	dir := st.ChatDirectory(time.Minute)
	r := bottest.Router(dir, slog.New(slog.DiscardHandler))
	e.risk = &jobs.RiskCache{History: st, Rules: e.rules, Threshold: riskThreshold}
	handlers.Register(r, handlers.Deps{Store: st, Directory: dir, Rules: e.rules, Clock: e.clock,
		BotUsername: tg.Username(), Import: e.doImport, Risks: e.risk, UploadLink: e.uploadLink,
		Reconcile: func(_ context.Context, y int, m time.Month) (*report.Reconciliation, error) {
			p, n := 12, 10
			return &report.Reconciliation{Year: y, Month: m, Lines: []report.ReconcileLine{{PortalID: "P1", UnitName: "UBND xã Một",
				Ours: &models.Counts{InScope: 12, OnTime766: 11}, Theirs: &models.PortalProgress{Received: &p, OnTime: &n}}}}, nil
		},
		Download: func(ctx context.Context, _, fileID string) (io.ReadCloser, error) { return tg.Download(ctx, fileID) },
		Reports:  &report.Reports{Store: st, Clock: e.clock, Options: report.Options{Location: e.rules.Cal.Location()}}})
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = tg.Run(runCtx, func(ctx context.Context, u bot.Update) { r.Dispatch(ctx, u, tg) })
	}()
	t.Cleanup(func() { cancel(); <-done; tg.Wait() })
	return e
}

// replies are the messages sent or edited, in order.
func (e *env) replies() []tgfake.Sent { return e.sentBy("sendMessage", "editMessageText") }

// sentBy returns the requests the bot made to the fake with any of
// methods, in order.
func (e *env) sentBy(methods ...string) []tgfake.Sent {
	var out []tgfake.Sent
	for _, s := range e.fake.Sent() {
		if slices.Contains(methods, s.Method) {
			out = append(out, s)
		}
	}
	return out
}

// say sends text from user in chat and returns the one reply.
func (e *env) say(chat, user int64, text string) tgfake.Sent {
	e.t.Helper()
	got := e.sayN(chat, user, text, 1)
	return got[0]
}

func (e *env) sayN(chat, user int64, text string, n int) []tgfake.Sent {
	e.t.Helper()
	before := len(e.replies())
	e.fake.PushMessage(chat, user, text)
	return e.waitReplies(before, n, text)
}

func (e *env) waitReplies(before, n int, what string) []tgfake.Sent {
	e.t.Helper()
	ok := e.fake.WaitFor(wait, func(st tgfake.State) bool {
		k := 0
		for _, s := range st.Sent {
			if s.Method == "sendMessage" || s.Method == "editMessageText" {
				k++
			}
		}
		return k >= before+n
	})
	all := e.replies()
	if !ok {
		e.t.Fatalf("%q: %d replies, want %d", what, len(all)-before, n)
	}
	return all[before:]
}

// silent sends text and checks that nothing is answered.
func (e *env) silent(chat, user int64, text string) {
	e.t.Helper()
	before := len(e.replies())
	e.fake.PushMessage(chat, user, text)
	e.fake.WaitFor(wait, func(st tgfake.State) bool { return st.Pending == 0 })
	time.Sleep(300 * time.Millisecond)
	if got := e.replies()[before:]; len(got) > 0 {
		e.t.Errorf("%q got an answer: %q", text, got[0].Text)
	}
}

var startLinkRE = regexp.MustCompile(`start=([A-Za-z0-9_-]+)`)
var lienketRE = regexp.MustCompile(`/lienket ([A-Za-z0-9_-]+)`)

// link links user (private chat = user) to officer through /start with a
// code made in the store.
func (e *env) link(user int64, officer string) tgfake.Sent {
	e.t.Helper()
	code, err := e.st.CreateLinkCode(context.Background(), store.LinkCodeRequest{Kind: store.LinkOfficer,
		OfficerCode: officer, CreatedBy: "test", Now: e.clock()})
	if err != nil {
		e.t.Fatal(err)
	}
	return e.say(user, user, "/start "+code)
}

// people picks the sample's actors: an officer with overdue dossiers, the
// leader of their unit, a leader elsewhere, a secretariat, an admin.
type people struct {
	officer, leader, otherLeader, secretariat, admin models.Officer
	unit                                             string // the officer's unit
	own                                              models.Dossier
	foreign                                          models.Dossier // open, outside the leader's sub-tree
}

func (e *env) people() people {
	e.t.Helper()
	var p people
	byCode := map[string]models.Officer{}
	leaders := map[string][]models.Officer{}
	for _, o := range e.data.Officers {
		byCode[o.Code] = o
		if o.Role == models.RoleLeader && o.Active {
			leaders[o.UnitCode] = append(leaders[o.UnitCode], o)
		}
		if o.Active && o.Role == models.RoleSecretariat && p.secretariat.Code == "" {
			p.secretariat = o
		}
		if o.Active && o.Role == models.RoleAdmin && p.admin.Code == "" {
			p.admin = o
		}
	}
	ds := slices.Clone(e.data.Dossiers)
	slices.SortFunc(ds, func(a, b models.Dossier) int { return a.DueAt.Compare(b.DueAt) })
	// Of the officers with an overdue dossier, the one holding the most
	// open dossiers, so that their lists show every class.
	open := map[string]int{}
	for i := range ds {
		if ds[i].Status.IsOpen() {
			open[ds[i].HandlerCode]++
		}
	}
	for _, d := range ds {
		o, ok := byCode[d.HandlerCode]
		if u, ok := e.tree.Get(d.UnitCode); !ok || !u.ValidOn(e.rules.Cal.Today(e.now)) {
			continue // a unit of 2026, not one ended in 2025
		}
		if !ok || o.Role != models.RoleOfficer || !o.Active || len(leaders[o.UnitCode]) == 0 || d.ApplicantName == "" ||
			e.rules.Classify(&d, e.now).Class != models.ClassOverdue {
			continue
		}
		if p.officer.Code == "" || open[o.Code] > open[p.officer.Code] {
			p.officer, p.unit, p.own, p.leader = o, o.UnitCode, d, leaders[o.UnitCode][0]
		}
	}
	if p.officer.Code == "" {
		e.t.Fatal("no officer with an overdue dossier in the sample")
	}
	for unit, ls := range leaders {
		if !e.tree.Covers(unit, p.unit) && !e.tree.Covers(p.unit, unit) {
			if p.otherLeader.Code == "" || ls[0].Code < p.otherLeader.Code {
				p.otherLeader = ls[0]
			}
		}
	}
	held := map[string]bool{} // dossiers the officer handled a step of
	for _, st := range e.data.Steps {
		if st.OfficerCode == p.officer.Code {
			held[st.DossierCode] = true
		}
	}
	for _, d := range ds {
		if d.Status.IsOpen() && !e.tree.Covers(p.unit, d.UnitCode) && d.UnitCode != "" &&
			d.HandlerCode != p.officer.Code && !held[d.Code] {
			p.foreign = d
			break
		}
	}
	return p
}
