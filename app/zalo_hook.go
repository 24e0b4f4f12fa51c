package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/store"
)

// openZalo connects the Zalo Bot Platform bot (ZALO_BOT_TOKEN) for the
// wiring list. A token Zalo refuses (401) does not stop dondoc: the Zalo
// channel stays off with a clear log line, and readiness (/readyz) reports
// it until the token is fixed and dondoc restarted (errChannelOff).
func openZalo(ctx context.Context, a *app, st *store.Store) (channel, error) {
	cfg := zalo.Config{
		Token: a.cfg.ZaloToken, BaseURL: a.cfg.ZaloAPIBase, Groups: a.cfg.ZaloGroupsEnable, Logger: a.log, Clock: a.wall(),
		Location: a.cfg.Location, WebhookURL: a.cfg.ZaloWebhookURL, WebhookSecret: a.cfg.ZaloWebhookSecret,
		RatePerSecond: a.cfg.ZaloRatePerSecond, RatePerChat: a.cfg.ZaloRatePerChat,
	}
	if st != nil {
		cfg.State = st.PlatformState()
	}
	zb, err := zalo.New(ctx, cfg)
	if errors.Is(err, zalo.ErrUnauthorized) {
		a.log.Error("zalo: Zalo refused ZALO_BOT_TOKEN (401); the Zalo channel is off until the token is fixed and dondoc restarted", "err", err)
		a.addReady(func() error { return zalo.ErrUnauthorized })
		return nil, errChannelOff
	}
	if err != nil {
		return nil, err
	}
	return zb, nil
}

// startZalo starts receiving on the Zalo bot zb: the same router, access
// table and handlers as Telegram, in plain text; officers link by sending
// their one-time code as a message. With ZALO_WEBHOOK_URL (production) it
// registers the webhook with setWebhook (the secret is ZALO_WEBHOOK_SECRET,
// else one generated and kept in the database), confirms it with
// getWebhookInfo and mounts the handler on serve's HTTP server at the URL's
// path — every replica serves it; without one it deletes any webhook and
// long-polls getUpdates, only while this replica leads (getUpdates hands
// each update to one caller: replicas polling together would split them).
// A 401 later on turns readiness off as well.
func startZalo(ctx context.Context, a *app, st *store.Store, zb *zalo.Bot, s serveChat) (wait func(), err error) {
	a.addReady(zb.Ready)
	cd := st.ChatDirectory(time.Minute)
	r, err := chatRouter(ctx, a, st, cd, cd, "", nil)
	if err != nil {
		return nil, err
	}
	handle := func(ctx context.Context, u bot.Update) { r.Dispatch(ctx, u, zb) }
	if a.cfg.ZaloWebhookURL != "" {
		path := zb.WebhookPath()
		if s.srv == nil {
			return nil, errors.New("zalo: webhook mode needs the HTTP server")
		}
		if a.cfg.TelegramToken != "" && a.cfg.TelegramWebhookURL != "" {
			if tp, err := webhookPath(a.cfg.TelegramWebhookURL); err == nil && tp == path {
				return nil, fmt.Errorf("zalo: ZALO_WEBHOOK_URL and TELEGRAM_WEBHOOK_URL share the path %s; give each its own", path)
			}
		}
		s.srv.Handle("POST "+path, zb.WebhookHandler(handle))
		if err := zb.SetWebhook(ctx); err != nil {
			if zb.Ready() != nil { // a 401
				a.log.Error("zalo: setWebhook refused ZALO_BOT_TOKEN (401); the Zalo channel is off", "err", err)
				return zb.Wait, nil
			}
			return nil, err
		}
		a.log.Info("zalo: webhook mode", "bot", zb.Name(), "path", path)
		return zb.Wait, nil
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
	if s.opt.replica != nil {
		s.opt.replica.add(leaderTask{name: "zalo polling", run: poll})
		return zb.Wait, nil
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = poll(ctx)
	}()
	return func() { <-done; zb.Wait() }, nil
}
