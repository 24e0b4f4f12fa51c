package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/zalooa"
	"github.com/dondoc/dondoc/store"
)

// openZaloOA connects the Zalo Official Account (ZALO_OA_APP_ID,
// ZALO_OA_SECRET_KEY, ZALO_OA_REFRESH_TOKEN) for the wiring list. It makes
// no call: the first message (or serve's token keeper) gets the access
// token from the single-use refresh token kept in the database, so the
// channel needs the store. A token error Zalo reports later (216, 219,
// 220, 223) stops the channel with its messages kept pending, and
// readiness (/readyz) says why.
func openZaloOA(_ context.Context, a *app, st *store.Store) (channel, error) {
	if st == nil {
		return nil, errors.New("zalooa: the OA channel keeps its tokens in the database; none is open")
	}
	cfg := zalooa.Config{AppID: a.cfg.ZaloOAAppID, SecretKey: a.cfg.ZaloOASecretKey,
		RefreshToken: a.cfg.ZaloOARefreshToken, WebhookKey: a.cfg.ZaloOAWebhookKey,
		APIBase: a.cfg.ZaloOAAPIBase, OAuthBase: a.cfg.ZaloOAOAuthBase,
		Tokens: st.OATokens(), State: st.PlatformState(), Logger: a.log, Clock: a.wall()}
	oa, err := zalooa.New(cfg)
	if err != nil {
		return nil, err
	}
	a.addReady(oa.Ready)
	return oa, nil
}

// startZaloOA is the OA's receive side in dondoc serve: its webhook
// mounted at ZALO_OA_WEBHOOK_PATH on serve's HTTP server (every replica
// serves it) with the same router, access table and handlers as the other
// chats — officers link by sending their one-time code to the OA, the
// secretariat's files go through the import by chat — and the access
// token kept fresh (every replica watches it; the database lock makes one
// of them refresh). wait drains the token keeper and the events in flight
// after ctx ends.
func startZaloOA(ctx context.Context, a *app, st *store.Store, oa *zalooa.Bot, s serveChat) (wait func(), err error) {
	if s.srv == nil {
		return nil, errors.New("zalooa: the OA webhook needs the HTTP server")
	}
	path := a.cfg.ZaloOAWebhookPath
	for _, other := range []struct{ key, url string }{{"ZALO_WEBHOOK_URL", a.cfg.ZaloWebhookURL}, {"TELEGRAM_WEBHOOK_URL", a.cfg.TelegramWebhookURL}} {
		if u, err := url.Parse(other.url); other.url != "" && err == nil && u.Path == path {
			return nil, fmt.Errorf("zalooa: ZALO_OA_WEBHOOK_PATH and %s share the path %s; give each its own", other.key, path)
		}
	}
	cd := st.ChatDirectory(time.Minute)
	r, err := chatRouterWith(ctx, a, st, cd, cd, "", oa.Download, s.opt.imports)
	if err != nil {
		return nil, err
	}
	var resp bot.Responder = oa
	if s.opt.pacer != nil {
		resp = pacedResponder{Responder: oa, pacer: s.opt.pacer, platform: oa.Describe().Name}
	}
	s.srv.Handle("POST "+path, oa.WebhookHandler(func(ctx context.Context, u bot.Update) { r.Dispatch(ctx, u, resp) }))
	done := make(chan struct{})
	go func() { defer close(done); oa.Run(ctx) }()
	a.log.Info("zalooa: webhook mounted", "path", path)
	return func() { <-done; oa.Wait() }, nil
}
