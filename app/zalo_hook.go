package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/web"
)

// zaloOptions are what serve gives startZalo.
type zaloOptions struct {
	// srv is serve's HTTP server, where the webhook is mounted (required
	// with ZALO_WEBHOOK_URL).
	srv *web.Server
	// replica, when set, runs the long polling only while this replica
	// leads (getUpdates hands each update to one caller: replicas polling
	// together would split the updates and race). nil: poll at once. The
	// webhook is served by every replica.
	replica *replica
}

// startZalo starts the Zalo bot when ZALO_BOT_TOKEN is set: the same
// router, access table and handlers as Telegram, in plain text; officers
// link by sending their one-time code as a message. With ZALO_WEBHOOK_URL
// (production) it registers the webhook with setWebhook (the secret is
// ZALO_WEBHOOK_SECRET, else one generated and kept in the database),
// confirms it with getWebhookInfo and mounts the handler on srv at the
// URL's path; without one it deletes any webhook and long-polls
// getUpdates. The returned bot is also the "zalo" delivery channel.
//
// A token Zalo refuses (401) does not stop serve: the Zalo channel stays
// off with a clear log line, and ready (for /readyz) reports it until the
// token is fixed and dondoc restarted; the same holds for a 401 later on.
// zb is nil when Zalo is not configured or refused the token.
func startZalo(ctx context.Context, a *app, st *store.Store, o zaloOptions) (zb *zalo.Bot, ready func() error, wait func(), err error) {
	ready, wait = func() error { return nil }, func() {}
	if a.cfg.ZaloToken == "" {
		return nil, ready, wait, nil
	}
	zb, err = zalo.New(ctx, zalo.Config{
		Token: a.cfg.ZaloToken, BaseURL: a.cfg.ZaloAPIBase, Groups: a.cfg.ZaloGroupsEnable, Logger: a.log, Clock: a.wall(),
		State: st.PlatformState(), Location: a.cfg.Location,
		WebhookURL: a.cfg.ZaloWebhookURL, WebhookSecret: a.cfg.ZaloWebhookSecret,
		RatePerSecond: a.cfg.ZaloRatePerSecond, RatePerChat: a.cfg.ZaloRatePerChat,
	})
	if errors.Is(err, zalo.ErrUnauthorized) {
		a.log.Error("zalo: Zalo refused ZALO_BOT_TOKEN (401); the Zalo channel is off until the token is fixed and dondoc restarted", "err", err)
		return nil, func() error { return zalo.ErrUnauthorized }, wait, nil
	}
	if err != nil {
		return nil, nil, nil, err
	}
	cd := st.ChatDirectory(time.Minute)
	r, err := chatRouter(ctx, a, st, cd, cd, "", nil)
	if err != nil {
		return nil, nil, nil, err
	}
	handle := func(ctx context.Context, u bot.Update) { r.Dispatch(ctx, u, zb) }
	if a.cfg.ZaloWebhookURL != "" {
		path := zb.WebhookPath()
		if o.srv == nil {
			return nil, nil, nil, errors.New("zalo: webhook mode needs the HTTP server")
		}
		if a.cfg.TelegramToken != "" && a.cfg.TelegramWebhookURL != "" {
			if tp, err := webhookPath(a.cfg.TelegramWebhookURL); err == nil && tp == path {
				return nil, nil, nil, fmt.Errorf("zalo: ZALO_WEBHOOK_URL and TELEGRAM_WEBHOOK_URL share the path %s; give each its own", path)
			}
		}
		o.srv.Handle("POST "+path, zb.WebhookHandler(handle))
		if err := zb.SetWebhook(ctx); err != nil {
			if zb.Ready() != nil { // a 401
				a.log.Error("zalo: setWebhook refused ZALO_BOT_TOKEN (401); the Zalo channel is off", "err", err)
				return zb, zb.Ready, zb.Wait, nil
			}
			return nil, nil, nil, err
		}
		a.log.Info("zalo: webhook mode", "bot", zb.Name(), "path", path)
		return zb, zb.Ready, zb.Wait, nil
	}
	if err := zb.DeleteWebhook(ctx); err != nil {
		a.log.Warn("zalo: could not delete the webhook; polling may fail while one is set", "err", err)
	}
	poll := func(ctx context.Context) error {
		a.log.Info("zalo: long polling (no ZALO_WEBHOOK_URL: for development; production uses the webhook)", "bot", zb.Name())
		err := zb.Run(ctx, handle)
		switch {
		case errors.Is(err, zalo.ErrUnauthorized):
			a.log.Error("zalo: polling stopped: Zalo refused ZALO_BOT_TOKEN (401); /readyz reports not ready until the token is fixed and dondoc restarted")
		case err != nil && !errors.Is(err, context.Canceled):
			a.log.Error("zalo: polling stopped", "err", err)
		}
		return nil
	}
	if o.replica != nil {
		o.replica.add(leaderTask{name: "zalo polling", run: poll})
		return zb, zb.Ready, zb.Wait, nil
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = poll(ctx)
	}()
	return zb, zb.Ready, func() { <-done; zb.Wait() }, nil
}
