package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/bot/telegram"
	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/web"
)

// defaultWebhookPath is where the webhook is mounted when
// TELEGRAM_WEBHOOK_URL has no path.
const defaultWebhookPath = "/telegram/webhook"

// chatImport is the importer behind "send the export to the bot": the same
// reader and upsert as dondoc import, on the downloaded file.
func chatImport(a *app, st *store.Store) func(ctx context.Context, req handlers.ImportRequest) (handlers.ImportOutcome, error) {
	return func(ctx context.Context, req handlers.ImportRequest) (handlers.ImportOutcome, error) {
		format, err := ingest.FormatOf(req.FileName)
		if err != nil {
			return handlers.ImportOutcome{}, err
		}
		r, err := ingest.Open(req.Path, ingest.Options{Kind: req.Kind, Format: format, Location: a.cfg.Location, Name: req.FileName, Limits: ingest.Limits(a.cfg.IngestLimits)})
		if err != nil {
			return handlers.ImportOutcome{}, err
		}
		defer r.Close()
		res, err := ingest.Run(ctx, st, r, ingest.RunOptions{Now: a.clock().Now, Log: a.log.With("officer", req.By, "file", req.FileName)})
		return handlers.ImportOutcome{Summary: res.Summary, Unassigned: res.Unassigned, Errors: res.Errors, Stored: res.Stored}, err
	}
}

// countChatImports counts the outcome of each import by chat.
func countChatImports(f func(context.Context, handlers.ImportRequest) (handlers.ImportOutcome, error),
	imports *prometheus.CounterVec) func(context.Context, handlers.ImportRequest) (handlers.ImportOutcome, error) {
	return countImportsFrom("chat", f, imports)
}

// countImportsFrom counts the outcome of each import of f as source.
func countImportsFrom(source string, f func(context.Context, handlers.ImportRequest) (handlers.ImportOutcome, error),
	imports *prometheus.CounterVec) func(context.Context, handlers.ImportRequest) (handlers.ImportOutcome, error) {
	if imports == nil {
		return f
	}
	return func(ctx context.Context, req handlers.ImportRequest) (handlers.ImportOutcome, error) {
		out, err := f(ctx, req)
		result := "ok"
		switch {
		case err != nil:
			result = "failed"
		case len(out.Errors) > 0:
			result = "rows_rejected"
		}
		imports.WithLabelValues(source, result).Inc()
		return out, err
	}
}

// chatRouter builds the bot's router on the store: dir answers who is who
// (the store's ChatDirectory, or the console's fixed identity over it);
// download opens a file sent to the bot (nil where files cannot be fetched).
func chatRouter(ctx context.Context, a *app, st *store.Store, cd *store.ChatDirectory, dir bot.Directory, botUsername string,
	download func(ctx context.Context, platform, fileID string) (io.ReadCloser, error)) (*bot.Router, error) {
	return chatRouterWith(ctx, a, st, cd, dir, botUsername, download, nil)
}

// chatRouterWith is chatRouter counting imports by chat in imports (nil:
// not counted).
func chatRouterWith(ctx context.Context, a *app, st *store.Store, cd *store.ChatDirectory, dir bot.Directory, botUsername string,
	download func(ctx context.Context, platform, fileID string) (io.ReadCloser, error), imports *prometheus.CounterVec) (*bot.Router, error) {
	cal, err := loadCalendar(ctx, a, st)
	if err != nil {
		return nil, err
	}
	rules := rulesFor(a, cal)
	clock := a.clock().Now
	r := bot.NewRouter(bot.Config{Directory: dir, Logger: a.log, EchoChars: a.cfg.ChatEchoChars})
	deps := handlers.Deps{
		Store: st, Directory: cd, Rules: rules, Clock: clock, BotUsername: botUsername, Logger: a.log,
		Reports:     &report.Reports{Store: st, Clock: clock, Options: report.Options{Location: a.cfg.Location}},
		Broadcaster: chatBroadcaster{a: a, st: st},
		Download:    download, Import: countChatImports(chatImport(a, st), imports),
		Reconcile: func(ctx context.Context, year int, month time.Month) (*report.Reconciliation, error) {
			return reconcileMonth(ctx, a, st, year, month)
		},
		Channels: digestChannels{a: a},
	}
	if rs := riskSource(a, st, rules); rs != nil {
		deps.Risks = rs
	}
	if a.cfg.PublicURL != "" {
		deps.UploadLink = uploadLinker(st, a.cfg.PublicURL)
	}
	handlers.Register(r, deps)
	return r, nil
}

// telegramDownload opens a file sent on Telegram (getFile through the
// configured endpoint).
func telegramDownload(tg *telegram.Bot) func(ctx context.Context, platform, fileID string) (io.ReadCloser, error) {
	return func(ctx context.Context, platform, fileID string) (io.ReadCloser, error) {
		if platform != tg.Describe().Name {
			return nil, fmt.Errorf("cannot download a %s file through Telegram", platform)
		}
		return tg.Download(ctx, fileID)
	}
}

// webhookPath is the path part of the webhook URL.
func webhookPath(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("TELEGRAM_WEBHOOK_URL: %w", err)
	}
	if u.Path == "" || u.Path == "/" {
		return defaultWebhookPath, nil
	}
	return u.Path, nil
}

// startChat starts the Telegram bot: the router with the store's directory
// and every command handler, the command menus, then long polling — or,
// when TELEGRAM_WEBHOOK_URL is set, the webhook registered with Telegram
// and mounted on srv. wait blocks until polling has stopped (ctx done) and
// every update in flight is handled.
func startChat(ctx context.Context, a *app, st *store.Store, srv *web.Server, tg *telegram.Bot) (wait func(), err error) {
	return startChatOn(ctx, a, st, srv, tg, chatOptions{})
}

// chatOptions are what serve adds to startChat.
type chatOptions struct {
	// replica, when set, runs the long polling only while this replica
	// leads (Telegram accepts one getUpdates consumer per bot: two
	// replicas polling cut each other off with 409s). nil: poll at once.
	replica *replica
	// pacer, when set, paces the replies with the dispatcher's limits.
	pacer *notify.Pacer
	// imports, when set, counts imports by chat.
	imports *prometheus.CounterVec
}

// startChatOn is startChat with serve's options.
func startChatOn(ctx context.Context, a *app, st *store.Store, srv *web.Server, tg *telegram.Bot, o chatOptions) (wait func(), err error) {
	cd := st.ChatDirectory(time.Minute)
	r, err := chatRouterWith(ctx, a, st, cd, cd, tg.Username(), telegramDownload(tg), o.imports)
	if err != nil {
		return nil, err
	}
	var resp bot.Responder = tg
	if o.pacer != nil {
		resp = pacedResponder{Responder: tg, pacer: o.pacer, platform: tg.Describe().Name}
	}
	handle := func(ctx context.Context, u bot.Update) { r.Dispatch(ctx, u, resp) }
	if err := tg.SetCommands(ctx); err != nil {
		a.log.Warn("telegram: command menus not set", "err", err)
	}
	if a.cfg.TelegramWebhookURL != "" {
		path, err := webhookPath(a.cfg.TelegramWebhookURL)
		if err != nil {
			return nil, err
		}
		if srv == nil {
			return nil, errors.New("telegram: webhook mode needs the HTTP server")
		}
		srv.Handle("POST "+path, tg.WebhookHandler(handle))
		if err := tg.SetWebhook(ctx); err != nil {
			return nil, err
		}
		a.log.Info("telegram: webhook mode", "path", path)
		return tg.Wait, nil
	}
	if err := tg.DeleteWebhook(ctx); err != nil {
		return nil, err
	}
	poll := func(ctx context.Context) error {
		a.log.Info("telegram: long polling")
		if err := tg.Run(ctx, handle); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("telegram: polling stopped", "err", err)
		}
		return nil
	}
	if o.replica != nil {
		o.replica.add(leaderTask{name: "telegram polling", run: poll})
		return tg.Wait, nil
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = poll(ctx)
	}()
	return func() { <-done; tg.Wait() }, nil
}

// pacedResponder takes each reply's turn from the pacer the dispatcher
// uses, so that replies and the outbox together keep the platform's
// per-chat and global limits (a file imported by chat answers with
// several messages in a row).
type pacedResponder struct {
	bot.Responder
	pacer    *notify.Pacer
	platform string
}

func (p pacedResponder) Reply(ctx context.Context, to bot.Update, r bot.Reply) error {
	if err := p.pacer.Wait(ctx, p.platform, to.ChatID); err != nil {
		return fmt.Errorf("app: reply to %s: %w", to.ChatID, err)
	}
	return p.Responder.Reply(ctx, to, r)
}

// fixedDirectory is the console's directory: the console user is always
// the given officer, and the console chat, in group mode, is bound to a
// unit; scopes come from the store.
type fixedDirectory struct {
	*store.ChatDirectory
	person bot.Person
	group  *bot.GroupBinding
}

func (d *fixedDirectory) Account(ctx context.Context, platform, userID string) (bot.Person, error) {
	return d.person, nil
}

func (d *fixedDirectory) Group(ctx context.Context, platform, chatID string) (bot.GroupBinding, error) {
	if d.group == nil {
		return bot.GroupBinding{}, bot.ErrNotFound
	}
	return *d.group, nil
}

// personOf returns the bot.Person of an officer.
func personOf(o models.Officer) bot.Person {
	return bot.Person{OfficerCode: o.Code, Name: o.Name, UnitCode: o.UnitCode, Role: o.Role}
}
