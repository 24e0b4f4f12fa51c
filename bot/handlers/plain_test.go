package handlers_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/internal/golden"
	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// recorder keeps the replies of a router.
type recorder struct {
	mu      sync.Mutex
	replies []bot.Reply
}

func (r *recorder) Reply(_ context.Context, _ bot.Update, rep bot.Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replies = append(r.replies, rep)
	return nil
}

func (r *recorder) AnswerCallback(context.Context, bot.Update, string) error { return nil }

// Describe answers as the Zalo adapter does.
func (r *recorder) Describe() notify.Platform { return zalo.Description(false, zalo.Limits()) }

func (r *recorder) last() bot.Reply {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.replies[len(r.replies)-1]
}

// TestPlainTextOnZalo: outside Telegram every reply is plain text (no tag,
// no entity), pages fit Zalo's 2,000 characters, and a bare link code
// links the account.
func TestPlainTextOnZalo(t *testing.T) {
	pl := newPlain(t, func(st *store.Store, d *handlers.Deps) {
		d.Risks = &jobs.RiskCache{History: st, Rules: d.Rules, Threshold: riskThreshold}
		d.Reports = &report.Reports{Store: st, Clock: d.Clock, Options: report.Options{Location: d.Rules.Cal.Location()}}
	})
	p, r := pl.p, pl.r
	rec := &recorder{}
	var id int64
	say := func(user, text string) bot.Reply {
		id++
		r.Dispatch(context.Background(), bot.Update{Platform: "zalo", UpdateID: id, ChatID: user, ChatType: bot.ChatPrivate,
			UserID: user, Text: text}, rec)
		return rec.last()
	}
	code := pl.linkCode(p.secretariat.Code)
	if rep := say("z1", "xin chào"); !strings.Contains(rep.Text, "chưa được liên kết") {
		t.Errorf("unlinked text: %q", rep.Text)
	}
	if rep := say("z1", code); !strings.Contains(rep.Text, "Xin chào "+p.secretariat.Name+"!") {
		t.Fatalf("bare code: %q", rep.Text)
	}
	for _, cmd := range []string{"/quahan", "/sapden 10", "/tra " + p.own.Code, "/xephang 2026-10", "/baocao 10/2026", "/hoso", "/nguyco"} {
		rep := say("z1", cmd)
		if rep.Format != notify.FormatPlain {
			t.Errorf("%s: format %q", cmd, rep.Format)
		}
		if strings.ContainsAny(rep.Text, "<>") || strings.Contains(rep.Text, "&amp;") {
			t.Errorf("%s: markup in plain text:\n%s", cmd, rep.Text)
		}
		if n := utf8.RuneCountInString(rep.Text); n > 2000 {
			t.Errorf("%s: %d characters on Zalo", cmd, n)
		}
	}
	if rep := say("z1", "/xephang 13-2026"); !strings.Contains(rep.Text, "không hợp lệ") {
		t.Errorf("bad month: %q", rep.Text)
	}
	if rep := say("z1", "/sapden 99"); !strings.Contains(rep.Text, "từ 0 đến 30") {
		t.Errorf("bad n: %q", rep.Text)
	}
	if rep := say("z1", "/tra"); !strings.Contains(rep.Text, "Cách dùng") {
		t.Errorf("/tra without code: %q", rep.Text)
	}
	if rep := say("z1", "/maketnoi khong-co"); !strings.Contains(rep.Text, "Không có cán bộ mã khong-co") {
		t.Errorf("/maketnoi unknown: %q", rep.Text)
	}
	golden.Testdata(t, "zalo_secretariat_quahan.golden", say("z1", "/quahan").Text+"\n")
}

// TestRiskOff: with RISK_THRESHOLD=off (no Deps.Risks), /nguyco says so.
func TestRiskOff(t *testing.T) {
	pl := newPlain(t, nil)
	rec := &recorder{}
	for i, text := range []string{pl.linkCode(pl.p.leader.Code), "/nguyco"} {
		pl.r.Dispatch(context.Background(), bot.Update{Platform: "zalo", UpdateID: int64(i + 1), ChatID: "z9", ChatType: bot.ChatPrivate,
			UserID: "z9", Text: text}, rec)
	}
	if got := rec.last().Text; !strings.Contains(got, "chưa được bật") {
		t.Errorf("/nguyco with the early warning off: %q", got)
	}
}

// plain is the handlers on a bare router over the sample district (no
// chat adapter: replies are recorded as the Zalo adapter would send them).
type plain struct {
	t  *testing.T
	st *store.Store
	e  *env
	p  people
	r  *bot.Router
}

// newPlain seeds a SQLite store and registers the handlers; deps, when not
// nil, completes their dependencies (risks, reports).
func newPlain(t *testing.T, deps func(*store.Store, *handlers.Deps)) *plain {
	st := storetest.OpenSQLite(t)
	e := seedDistrict(t, st)
	p := (&env{t: t, data: e.data, tree: e.tree, rules: e.rules, now: e.now}).people()
	dir := st.ChatDirectory(time.Minute)
	r := bot.NewRouter(bot.Config{Directory: dir, Logger: slog.New(slog.DiscardHandler), SlowAfter: time.Minute})
	d := handlers.Deps{Store: st, Directory: dir, Rules: e.rules, Clock: func() time.Time { return e.now }}
	if deps != nil {
		deps(st, &d)
	}
	handlers.Register(r, d)
	return &plain{t: t, st: st, e: e, p: p, r: r}
}

// linkCode creates a one-time link code for the officer.
func (pl *plain) linkCode(officer string) string {
	pl.t.Helper()
	code, err := pl.st.CreateLinkCode(context.Background(), store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: officer, Now: pl.e.now})
	if err != nil {
		pl.t.Fatal(err)
	}
	return code
}
