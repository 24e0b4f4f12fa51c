package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/dondoc/dondoc/bot/email"
	"github.com/dondoc/dondoc/bot/telegram"
	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/bot/zalooa"
	"github.com/dondoc/dondoc/bot/zns"
	"github.com/dondoc/dondoc/config"
	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/web"
)

// channels is the one wiring list of dondoc's delivery channels: serve,
// remind and broadcast connect every configured channel from it, the
// dispatcher's limits come from each one's description, and nothing else
// in app names a platform. Adding a channel is adding an entry here (and
// its config keys).
var channels = []channelDef{
	{ // Telegram (TELEGRAM_BOT_TOKEN), reached through TELEGRAM_API_ENDPOINT.
		describe: func(c config.Config) (notify.Platform, bool) {
			return telegram.Description(telegramLimits(c)), c.TelegramToken != ""
		},
		open: func(ctx context.Context, a *app, _ *store.Store) (channel, error) {
			secret := a.cfg.TelegramWebhookSecret
			if a.cfg.TelegramWebhookURL != "" && secret == "" {
				secret = rand.Text() // a fresh secret each start; setWebhook registers it
			}
			tg, err := telegram.New(ctx, telegram.Config{Token: a.cfg.TelegramToken, Endpoint: a.cfg.TelegramAPIEndpoint,
				Logger: a.log, WebhookURL: a.cfg.TelegramWebhookURL, WebhookSecret: secret, Limits: telegramLimits(a.cfg)})
			if err != nil {
				return nil, err
			}
			a.log.Info("telegram: connected", "bot", tg.Username())
			return tg, nil
		},
		serve: func(ctx context.Context, a *app, st *store.Store, ch channel, s serveChat) (func(), error) {
			return startChatOn(ctx, a, st, s.srv, ch.(*telegram.Bot), s.opt)
		},
	},
	{ // Zalo Bot Platform (ZALO_BOT_TOKEN).
		describe: func(c config.Config) (notify.Platform, bool) {
			return zalo.Description(c.ZaloGroupsEnable, zaloLimits(c)), c.ZaloToken != ""
		},
		open: openZalo,
		serve: func(ctx context.Context, a *app, st *store.Store, ch channel, s serveChat) (func(), error) {
			return startZalo(ctx, a, st, ch.(*zalo.Bot), s)
		},
	},
	{ // Zalo Official Account (ZALO_OA_APP_ID, ZALO_OA_SECRET_KEY, ZALO_OA_REFRESH_TOKEN).
		describe: func(c config.Config) (notify.Platform, bool) { return zalooa.Description(), c.ZaloOAAppID != "" },
		open:     openZaloOA,
		serve: func(ctx context.Context, a *app, st *store.Store, ch channel, s serveChat) (func(), error) {
			return startZaloOA(ctx, a, st, ch.(*zalooa.Bot), s)
		},
	},
	{ // ZNS (ZALO_ZNS_ACCESS_TOKEN, ZALO_ZNS_TEMPLATE_DIGEST): the digest as a template message to the
		// officer's phone when DIGEST_CHANNELS lists "zns"; send only, nothing to serve.
		describe: func(c config.Config) (notify.Platform, bool) {
			return zns.Description(), c.ZNSAccessToken != "" && c.ZNSTemplateDigest != ""
		},
		open: openZNS,
	},
	{ // E-mail (SMTP_URL, MAIL_FROM): the digest to the import's address when DIGEST_CHANNELS lists
		// "email"; officers without a working chat get an e-mail account for the other messages.
		describe: func(c config.Config) (notify.Platform, bool) { return email.Description(), c.SMTPURL != "" },
		open: func(ctx context.Context, a *app, st *store.Store) (channel, error) {
			m, err := email.New(email.Config{URL: a.cfg.SMTPURL, From: a.cfg.MailFrom, Logger: a.log, Now: a.clock().Now})
			if err != nil {
				return nil, err
			}
			syncEmail(ctx, a, st)
			a.log.Info("email: configured", "server", m.Server())
			return m, nil
		},
		serve: func(ctx context.Context, a *app, st *store.Store, _ channel, s serveChat) (func(), error) {
			if s.opt.replica != nil {
				s.opt.replica.add(leaderTask{name: "email accounts", run: func(ctx context.Context) error {
					return every(ctx, a, emailSyncEvery, func() { syncEmail(ctx, a, st) })
				}})
			}
			return func() {}, nil
		},
	},
}

// emailSyncEvery is how often the leader gives e-mail accounts to officers
// who lost their chat link or were imported since.
const emailSyncEvery = 15 * time.Minute

// syncEmail runs email.SyncAccounts, logging the outcome.
func syncEmail(ctx context.Context, a *app, st *store.Store) {
	if st == nil {
		return
	}
	n, err := email.SyncAccounts(ctx, st, a.clock().Now())
	switch {
	case err != nil:
		a.log.Error("email: accounts", "err", err)
	case n > 0:
		a.log.Info("email: accounts updated", "changed", n)
	}
}

// every runs f every d on the wall clock until ctx ends.
func every(ctx context.Context, a *app, d time.Duration, f func()) error {
	for {
		f()
		t := a.wall().NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.Chan():
		}
	}
}

// zaloLimits are the Zalo pace from ZALO_RATE_PER_SECOND and
// ZALO_RATE_PER_CHAT (the bot paces its own calls the same way).
func zaloLimits(c config.Config) notify.Limits {
	l := zalo.Limits()
	if c.ZaloRatePerSecond > 0 {
		l.PerSecond = c.ZaloRatePerSecond
	}
	if c.ZaloRatePerChat > 0 {
		l.PerChatPerSecond = c.ZaloRatePerChat
	}
	return l
}

// telegramLimits are Telegram's sending limits from config.
func telegramLimits(c config.Config) notify.Limits {
	return notify.Limits{PerSecond: c.TelegramRatePerSecond, PerChatPerSecond: c.TelegramRatePerChat,
		GroupPerMinute: float64(c.TelegramGroupPerMinute)}
}

// previewPlatform is how a dry run renders when no channel is configured.
func previewPlatform(c config.Config) notify.Platform {
	return telegram.Description(telegramLimits(c))
}

// errChannelOff is what an entry's open returns for a configured channel
// that refused to start in a way that must not stop dondoc (Zalo's 401):
// the channel is left out, readiness says why.
var errChannelOff = errors.New("channel off")

// channel is a connected delivery channel: it sends and describes itself.
type channel interface {
	notify.Channel
	notify.Describer
}

// channelDef is one entry of the wiring list.
type channelDef struct {
	// describe is the channel's description from the configuration alone
	// and whether it is configured (its keys are set).
	describe func(c config.Config) (notify.Platform, bool)
	// open connects the send side of a configured channel.
	open func(ctx context.Context, a *app, st *store.Store) (channel, error)
	// serve starts what the channel runs in dondoc serve (its receive
	// side: webhook or polling); wait blocks until it stopped.
	serve func(ctx context.Context, a *app, st *store.Store, ch channel, s serveChat) (wait func(), err error)
}

// serveChat is what serve gives the channels' receive sides.
type serveChat struct {
	srv *web.Server
	opt chatOptions
}

// opened is a connected channel and its entry in the wiring list.
type opened struct {
	def *channelDef
	ch  channel
}

// openChannels connects every configured channel, in list order.
func openChannels(ctx context.Context, a *app, st *store.Store) ([]opened, error) {
	var out []opened
	for i := range channels {
		def := &channels[i]
		if _, ok := def.describe(a.cfg); !ok {
			continue
		}
		ch, err := def.open(ctx, a, st)
		if errors.Is(err, errChannelOff) {
			continue // logged and reported by readiness
		}
		if err != nil {
			return nil, err
		}
		out = append(out, opened{def: def, ch: ch})
	}
	return out, nil
}

// serveChannels starts the receive side of every opened channel; wait
// blocks until all stopped.
func serveChannels(ctx context.Context, a *app, st *store.Store, chs []opened, s serveChat) (wait func(), err error) {
	var waits []func()
	wait = func() {
		for _, w := range waits {
			w()
		}
	}
	for _, o := range chs {
		if o.def.serve == nil {
			continue
		}
		w, err := o.def.serve(ctx, a, st, o.ch, s)
		if err != nil {
			return wait, fmt.Errorf("%s: %w", o.ch.Describe().Name, err)
		}
		waits = append(waits, w)
	}
	return wait, nil
}

// configuredPlatforms describes the configured channels without
// connecting (what /guibaocao broadcasts to).
func configuredPlatforms(c config.Config) []notify.Platform {
	var out []notify.Platform
	for _, def := range channels {
		if p, ok := def.describe(c); ok {
			out = append(out, p)
		}
	}
	return out
}

// platformNamed describes a configured platform by name (plain text for a
// name no configured channel has).
func platformNamed(c config.Config) func(name string) notify.Platform {
	ps := configuredPlatforms(c)
	return func(name string) notify.Platform {
		for _, p := range ps {
			if p.Name == name {
				return p
			}
		}
		return notify.Platform{Name: name, Format: notify.FormatPlain}
	}
}

// channelMap is the dispatcher's view of opened channels, by name.
func channelMap(chs []opened) map[string]notify.Channel {
	m := make(map[string]notify.Channel, len(chs))
	for _, o := range chs {
		m[o.ch.Describe().Name] = o.ch
	}
	return m
}

// platformsOf describes the channels of a dispatcher's map, by name.
func platformsOf(chs map[string]notify.Channel) []notify.Platform {
	out := make([]notify.Platform, 0, len(chs))
	for _, name := range slices.Sorted(maps.Keys(chs)) {
		out = append(out, describe(name, chs[name]))
	}
	return out
}

// describe is ch's description (a bare name for a channel that gives none).
func describe(name string, ch notify.Channel) notify.Platform {
	if d, ok := ch.(notify.Describer); ok {
		return d.Describe()
	}
	return notify.Platform{Name: name}
}

// deliveryLimits are the sending limits of every channel, from its
// description, with jobs.RateMargin off the overall rate and chatMargin
// off each chat's: replies to one chat come in bursts (an import by chat
// answers with three messages), and a send paced at exactly 1 s reaches
// Telegram with jitter.
func deliveryLimits(chs map[string]notify.Channel) map[string]notify.Limits {
	out := make(map[string]notify.Limits, len(chs))
	for name, ch := range chs {
		l := jobs.SafeLimits(describe(name, ch).Limits)
		l.PerChatPerSecond *= chatMargin
		l.GroupPerMinute *= chatMargin
		out[name] = l
	}
	return out
}
