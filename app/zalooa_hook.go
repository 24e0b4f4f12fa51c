package app

import (
	"context"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/zalooa"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/web"
)

// startZaloOA starts the Zalo Official Account channel when
// ZALO_OA_APP_ID is set: the OA's webhook mounted at ZALO_OA_WEBHOOK_PATH
// with the same router, access table and handlers as the other chats
// (officers link by sending their one-time code to the OA; the
// secretariat's files go through the import by chat), the "zalo_oa"
// delivery channel added to channels, and the access token kept fresh.
// ready reports the token state for /readyz; wait drains the events in
// flight after ctx ends.
func startZaloOA(ctx context.Context, a *app, st *store.Store, srv *web.Server,
	channels map[string]notify.Channel) (ready func() error, wait func(), err error) {
	if a.cfg.ZaloOAAppID == "" {
		return func() error { return nil }, func() {}, nil
	}
	oa, err := zalooa.New(zalooa.Config{AppID: a.cfg.ZaloOAAppID, SecretKey: a.cfg.ZaloOASecretKey,
		RefreshToken: a.cfg.ZaloOARefreshToken, WebhookKey: a.cfg.ZaloOAWebhookKey,
		APIBase: a.cfg.ZaloOAAPIBase, OAuthBase: a.cfg.ZaloOAOAuthBase,
		Tokens: st.OATokens(), State: st.PlatformState(), Logger: a.log, Clock: a.wall()})
	if err != nil {
		return nil, nil, err
	}
	cd := st.ChatDirectory(time.Minute)
	r, err := chatRouter(ctx, a, st, cd, cd, "", oa.Download)
	if err != nil {
		return nil, nil, err
	}
	srv.Handle("POST "+a.cfg.ZaloOAWebhookPath, oa.WebhookHandler(func(ctx context.Context, u bot.Update) { r.Dispatch(ctx, u, oa) }))
	channels[oa.Platform()] = oa
	done := make(chan struct{})
	go func() { defer close(done); oa.Run(ctx) }()
	a.log.Info("zalooa: webhook mounted", "path", a.cfg.ZaloOAWebhookPath)
	return oa.Ready, func() { <-done; oa.Wait() }, nil
}
