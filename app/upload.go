package app

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/web"
	"github.com/dondoc/dondoc/web/upload"
)

// uploadLinker makes /tailen's links: a single-use token in the store,
// under PUBLIC_URL.
func uploadLinker(st *store.Store, publicURL string) func(context.Context, handlers.UploadLinkRequest) (handlers.UploadLink, error) {
	return func(ctx context.Context, req handlers.UploadLinkRequest) (handlers.UploadLink, error) {
		token, rec, err := st.CreateUploadToken(ctx, store.UploadTokenRequest{OfficerCode: req.OfficerCode, Platform: req.Platform,
			UserID: req.UserID, ChatID: req.ChatID, Now: req.Now})
		if err != nil {
			return handlers.UploadLink{}, err
		}
		return handlers.UploadLink{URL: publicURL + upload.PathPrefix + token, Expires: rec.ExpiresAt}, nil
	}
}

// mountUpload mounts the upload page (/tai-len/<token>) on serve's server:
// the import by chat's importer, counted as source "upload", and the
// summary queued in the outbox for the chat the link came from.
func mountUpload(a *app, st *store.Store, srv *web.Server, imports *prometheus.CounterVec) error {
	h, err := upload.New(upload.Config{Platform: platformNamed(a.cfg), Store: st, Outbox: st.Outbox(), Clock: a.clock().Now, Wall: a.wall().Now, Location: a.cfg.Location, Log: a.log,
		Import: countImportsFrom("upload", chatImport(a, st), imports)})
	if err != nil {
		return err
	}
	h.Mount(srv)
	return nil
}
