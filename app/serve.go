package app

import (
	"context"
	"errors"
	"flag"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/web"
	"github.com/dondoc/dondoc/web/ingestapi"
	"github.com/dondoc/dondoc/web/publish"
)

// serveListening is called once serve is set up and about to serve on
// addr (tests wait on it).
var serveListening = func(addr string) {}

// runServe is dondoc serve [--migrate]: the web server, every configured
// channel of the wiring list (app/channels.go) with its chat commands, the
// scheduled jobs and the outbox dispatcher, until SIGTERM.
func runServe(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	migrate := fs.Bool("migrate", false, "apply pending database migrations before serving")
	if done, err := parseFlags(a, fs, args, 0); done || err != nil {
		return err
	}
	a.log.Info("dondoc serve", "config", a.cfg)
	st, err := openStore(ctx, a, *migrate)
	if err != nil {
		return err
	}
	defer st.Close()

	stopCal, err := startCalendar(ctx, a, st)
	if err != nil {
		return err
	}
	defer stopCal()
	rp, err := newReplica(a, st)
	if err != nil {
		return err
	}
	defer rp.close()
	a.log.Info("dondoc serve: replica", "replica", rp.id)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), tetGauge(a))
	dm, imports, err := serveMetrics(reg, st, rp, a.wall().Now)
	if err != nil {
		return err
	}
	a.metrics = reg
	chs, err := openChannels(ctx, a, st)
	if err != nil {
		return err
	}
	channels := channelMap(chs)
	dl := &delivery{replica: rp, metrics: dm, pacer: notify.NewPacer(deliveryLimits(channels), a.wall())}
	srv := web.New(web.Options{Addr: a.cfg.HTTPAddr, Logger: a.log, Registry: reg, Ready: func(ctx context.Context) error {
		if err := a.notReady(); err != nil {
			return err
		}
		return st.DB().WithContext(ctx).Exec("SELECT 1").Error
	}, ReadyInfo: func() string { return "replica: " + rp.id + "\nrole: " + rp.role() + "\n" }})
	if err := srv.Listen(); err != nil {
		return err
	}
	pages, err := publish.New(publish.Config{Source: st, Clock: a.clock().Now, Location: a.cfg.Location, Log: a.log})
	if err != nil {
		return err
	}
	pages.Mount(srv)
	addFiguresWarmer(a, st, rp)
	srv.Handle("POST /api/v1/import/{kind}", countImports(ingestapi.NewImportHandler(ingestapi.Options{
		Store: st, Token: a.cfg.IngestToken, Location: a.cfg.Location, Now: a.clock().Now, Log: a.log,
		MaxBytes: a.cfg.IngestMaxBodyBytes, Limits: ingest.Limits(a.cfg.IngestLimits)}), imports))
	if err := mountUpload(a, st, srv, imports); err != nil {
		return err
	}

	waitChat, err := serveChannels(ctx, a, st, chs, serveChat{srv: srv,
		opt: chatOptions{replica: rp, pacer: dl.pacer, imports: imports}})
	if err != nil {
		return err
	}
	waitDelivery, err := startDelivery(ctx, a, st, channels, dl)
	if err != nil {
		return err
	}
	// The leader's tasks: dispatch, prune, Telegram and Zalo long polling.
	leadDone := make(chan struct{})
	go func() { defer close(leadDone); rp.run(ctx, a.wall().Now) }()
	serveListening(srv.Addr()) // bound already: connections wait in the backlog
	err = srv.Run(ctx)         // until SIGTERM / ctx
	<-leadDone
	waitDelivery()
	waitChat()
	a.log.Info("dondoc serve: stopped")
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
