package app

import (
	"context"
	"errors"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/store"
)

// startZalo starts receiving on the Zalo bot zb (opened by the wiring
// list, app/channels.go): the same router, access table and handlers as
// Telegram, in plain text; officers link by sending their one-time code as
// a message. It polls getUpdates (the Zalo webhook is not configured yet).
func startZalo(ctx context.Context, a *app, st *store.Store, zb *zalo.Bot) (wait func(), err error) {
	cd := st.ChatDirectory(time.Minute)
	r, err := chatRouter(ctx, a, st, cd, cd, "", nil)
	if err != nil {
		return nil, err
	}
	if err := zb.DeleteWebhook(ctx); err != nil {
		a.log.Warn("zalo: could not delete the webhook", "err", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := zb.Run(ctx, func(ctx context.Context, u bot.Update) { r.Dispatch(ctx, u, zb) })
		if err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("zalo: polling stopped", "err", err)
		}
	}()
	a.log.Info("zalo: long polling", "bot", zb.Name())
	return func() { <-done; zb.Wait() }, nil
}
