// Package handlers answers dondoc's chat commands: account linking
// (/start <mã>, /maketnoi, /lienket), the dossier lists (/hoso, /quahan,
// /sapden, /nguyco), a dossier's record (/tra) and the month's ranking and report
// (/xephang, /baocao). Replies are Vietnamese, in Telegram HTML with every
// value escaped on Telegram and in plain text elsewhere (console, Zalo);
// long lists are paged through the router's « Trước / Sau » buttons.
//
// Applicant names appear only in the private chat of the officer handling
// the dossier.
package handlers

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/store"
)

// MonthlyReports computes a month's report for a scope (a unit code, or ""
// for every unit).
type MonthlyReports interface {
	Monthly(ctx context.Context, year int, month time.Month, scope string) (*report.Report, error)
}

// The store's directory is the bot's.
var _ bot.Directory = (*store.ChatDirectory)(nil)

// Deps is what the handlers need.
type Deps struct {
	Store       Store  // *store.Store
	Directory   Scopes // *store.ChatDirectory
	Rules       *models.Rules
	Reports     MonthlyReports
	Clock       func() time.Time
	BotUsername string // for deep links in /maketnoi; "" prints the /start form only
	Logger      *slog.Logger
	Broadcaster Broadcaster // /guibaocao; nil: not available
	// Reconcile holds a month's figures against the national portal's
	// (/doisoat); nil: not available.
	Reconcile func(ctx context.Context, year int, month time.Month) (*report.Reconciliation, error)
	// Download opens a file sent to the bot (Telegram: getFile through the
	// configured endpoint). Nil: files are not downloaded.
	Download func(ctx context.Context, platform, fileID string) (io.ReadCloser, error)
	// Import imports a downloaded file (the importer). Nil: importing by
	// chat is not available yet.
	Import func(ctx context.Context, req ImportRequest) (ImportOutcome, error)
	// UploadLink makes a single-use link to the upload page (/tailen).
	// Nil: the page is not configured (PUBLIC_URL unset).
	UploadLink func(ctx context.Context, req UploadLinkRequest) (UploadLink, error)
	// Risks gives the early-warning list for /nguyco (*jobs.RiskCache,
	// shared with the jobs). Nil: the early warning is off.
	Risks Risks
	// Channels shows and changes the daily digest's channel (/caidat);
	// nil: not available.
	Channels DigestChannels
}

// Risks gives the early-warning list at an instant.
type Risks interface {
	Risks(ctx context.Context, now time.Time) (*models.RiskList, error)
}

type handlers struct{ Deps }

// Register wires every data and linking command on r (it replaces the
// router's built-in /start to accept a link code, and handles private
// messages that are not commands: a bare link code links the account).
func Register(r *bot.Router, d Deps) {
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	h := &handlers{d}
	r.Handle("start", h.start)
	r.Handle("maketnoi", h.makeCode)
	r.Handle("lienket", h.bindGroup)
	r.Handle("hoso", h.mine)
	r.Handle("quahan", h.overdue)
	r.Handle("sapden", h.due)
	r.Handle("nguyco", h.risk)
	r.Handle("tra", h.find)
	r.HandleOther(h.other)
	r.Handle("xephang", h.ranking)
	r.Handle("baocao", h.report)
	r.Handle("guibaocao", h.broadcast)
	r.Handle("doisoat", h.reconcile)
	r.Handle("tailen", h.upload)
	r.Handle("caidat", h.channelSettings)
}

// fmtr renders for one request: HTML on Telegram, plain text elsewhere.
type fmtr struct {
	html bool
	loc  *time.Location
}

func newFmtr(q *bot.Request, loc *time.Location) fmtr {
	return fmtr{html: q.HTML(), loc: loc}
}

func (f fmtr) format() notify.Format {
	if f.html {
		return notify.FormatHTML
	}
	return notify.FormatPlain
}

// esc escapes a value for the reply's format.
func (f fmtr) esc(s string) string {
	if f.html {
		return html.EscapeString(s)
	}
	return s
}

// b is a bold value (escaped).
func (f fmtr) b(s string) string { return f.tag("b", s) }

// code is a dossier or link code (escaped, monospace on Telegram).
func (f fmtr) code(s string) string { return f.tag("code", s) }

// tag is s escaped inside the HTML element name on Telegram, s as it is
// elsewhere.
func (f fmtr) tag(name, s string) string {
	if f.html {
		return "<" + name + ">" + html.EscapeString(s) + "</" + name + ">"
	}
	return s
}

func (f fmtr) date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return models.DateOf(t, f.loc).VN()
}

func (f fmtr) reply(text string) bot.Reply { return bot.Reply{Text: text, Format: f.format()} }

var vi = message.NewPrinter(language.Vietnamese)

// num writes a count the Vietnamese way: 1.234.
func num(n int) string { return vi.Sprintf("%d", n) }

// short cuts s to at most n runes, with an ellipsis.
func short(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n-1 {
			return strings.TrimSpace(s[:j]) + "…"
		}
		i++
	}
	return s
}

func (h *handlers) loc() *time.Location { return h.Rules.Cal.Location() }

// unitName returns a unit's name from the cached tree, or its code.
func (h *handlers) unitName(ctx context.Context, code string) string {
	return h.nameFromTree(ctx, code, func(t *models.UnitTree) string { return t.Name(code) })
}

// currentUnitName names the unit a dossier is under today: a unit ended
// in 2025 by the unit that took it in (UnitTree.Resolve), so that a list
// never shows a unit that stopped existing as current.
func (h *handlers) currentUnitName(ctx context.Context, code string) string {
	return h.nameFromTree(ctx, code, func(t *models.UnitTree) string {
		cur := t.Resolve(code, h.Rules.Cal.Today(h.Clock()))
		if _, ok := t.Get(cur); !ok {
			return code
		}
		return t.Name(cur)
	})
}

// unitHistoryName names a dossier's unit in full: "UBND xã An (đến
// 30/06/2025; nay: UBND xã Đông An)" for a unit ended and succeeded.
func (h *handlers) unitHistoryName(ctx context.Context, code string) string {
	return h.nameFromTree(ctx, code, func(t *models.UnitTree) string {
		u, ok := t.Get(code)
		if !ok {
			return code
		}
		cur := t.Resolve(code, h.Rules.Cal.Today(h.Clock()))
		if cur == code || u.ValidTo == models.NoDate {
			return u.Name
		}
		return fmt.Sprintf("%s (đến %s; nay: %s)", u.Name, u.ValidTo.VN(), t.Name(cur))
	})
}

// nameFromTree is name of the cached unit tree, or the unit's code when
// the tree cannot be read: a name is never worth failing a reply for.
func (h *handlers) nameFromTree(ctx context.Context, code string, name func(*models.UnitTree) string) string {
	t, err := h.Directory.Tree(ctx)
	if err != nil {
		return code
	}
	return name(t)
}

// parseMonth reads "YYYY-MM" or "MM/YYYY"; no argument is the month before
// now's.
func parseMonth(args []string, now time.Time) (int, time.Month, error) {
	if len(args) == 0 {
		y, m, _ := now.AddDate(0, 0, -now.Day()+1).AddDate(0, -1, 0).Date()
		return y, m, nil
	}
	s := args[0]
	var y, m int
	var err error
	if a, b, ok := strings.Cut(s, "-"); ok {
		y, err = strconv.Atoi(a)
		if err == nil {
			m, err = strconv.Atoi(b)
		}
	} else if a, b, ok := strings.Cut(s, "/"); ok {
		m, err = strconv.Atoi(a)
		if err == nil {
			y, err = strconv.Atoi(b)
		}
	} else {
		err = fmt.Errorf("no separator")
	}
	if err != nil || m < 1 || m > 12 || y < 2000 || y > 2100 {
		return 0, 0, &bot.UserError{Msg: fmt.Sprintf("Tháng %q không hợp lệ. Ghi tháng dạng 2026-10 hoặc 10/2026.", models.Clip(s, bot.DefaultEchoChars))}
	}
	return y, time.Month(m), nil
}
