package app

import (
	"context"
	"errors"
	"net/mail"
	"slices"
	"strings"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/email"
	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/bot/zns"
	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
)

// openZNS connects ZNS, the wiring list's entry for ZALO_ZNS_ACCESS_TOKEN
// and ZALO_ZNS_TEMPLATE_DIGEST; its counters go on serve's /metrics
// registry (a.metrics; none in the one-shot commands).
func openZNS(_ context.Context, a *app, _ *store.Store) (channel, error) {
	fields, err := zns.ParseFields(a.cfg.ZNSTemplateFields)
	if err != nil {
		return nil, err
	}
	var m *zns.Metrics
	if a.metrics != nil {
		if m, err = zns.NewMetrics(a.metrics); err != nil {
			return nil, err
		}
	}
	s, err := zns.New(zns.Config{APIBase: a.cfg.ZNSAPIBase, Tokens: zns.StaticToken(a.cfg.ZNSAccessToken),
		TemplateID: a.cfg.ZNSTemplateDigest, Fields: fields, Now: a.wall().Now, Location: a.cfg.Location,
		PriceVND: a.cfg.ZNSPriceVND, Metrics: m, Logger: a.log})
	if err != nil {
		return nil, err
	}
	a.log.Info("zns: on", "template", a.cfg.ZNSTemplateDigest)
	return s, nil
}

// configureDigestChannels tells the jobs how the digest finds its one
// channel a day: the configured order and the channels that need no chat
// link — ZNS by the phone and e-mail by the address of the officers
// import. The digest reaches e-mail by that address, not by the e-mail
// accounts of email.SyncAccounts (those carry the other per-officer
// messages, e.g. a leader's escalations): so e-mail counts for /caidat
// and for a move after a chat failed even while the officer's e-mail
// account is on standby. Labels come from each channel's description.
func configureDigestChannels(a *app, d *jobs.Deps) {
	d.DigestChannels = a.cfg.DigestChannels
	d.Addresses = map[string]jobs.Address{
		zns.Platform: func(o models.Officer) (string, bool) { return zns.NormalizePhone(o.Phone) },
		email.Platform: func(o models.Officer) (string, bool) {
			addr, err := mail.ParseAddress(strings.TrimSpace(o.Email))
			if err != nil {
				return "", false
			}
			return addr.Address, true
		},
	}
	d.Refused = email.Refused
	if slices.ContainsFunc(d.Platforms, func(p notify.Platform) bool { return p.Name == zns.Platform }) {
		d.ZNSPlatform, d.ZNSPriceVND = zns.Platform, a.cfg.ZNSPriceVND
	}
}

// digestFailed moves a digest that failed for good to the officer's next
// channel (jobs.Deps.DigestFallback), once the jobs are wired.
func digestFailed(ctx context.Context, a *app, e notify.Entry) {
	d := a.digest.Load()
	if d == nil || e.Job != models.JobDigest {
		return
	}
	key, err := d.DigestFallback(ctx, e)
	switch {
	case err != nil:
		a.log.Error("delivery: move the digest to the next channel", "key", e.Key, "err", err)
	case key != "":
		a.log.Info("delivery: digest moved to the next channel", "failed", e.Key, "next", key)
	}
}

// digestChannels is /caidat's view of the jobs' channel choice.
type digestChannels struct{ a *app }

func (c digestChannels) deps() (*jobs.Deps, error) {
	d := c.a.digest.Load()
	if d == nil { // the console, or serve before its jobs are up
		return nil, &bot.UserError{Msg: "Chưa xem, đổi được kênh nhận bản tin ở đây: /caidat dùng được khi dondoc serve " +
			"đang chạy với các kênh Zalo, Telegram, ZNS hoặc thư điện tử."}
	}
	return d, nil
}

// Options implements handlers.DigestChannels.
func (c digestChannels) Options(ctx context.Context, officerCode string) ([]handlers.ChannelOption, error) {
	d, err := c.deps()
	if err != nil {
		return nil, err
	}
	opts, err := d.OfficerChannelOptions(ctx, officerCode)
	out := make([]handlers.ChannelOption, len(opts))
	for i, o := range opts {
		out[i] = handlers.ChannelOption{Platform: o.Platform, Label: o.Label, Chosen: o.Chosen, Used: o.Used}
	}
	return out, err
}

// Choose implements handlers.DigestChannels.
func (c digestChannels) Choose(ctx context.Context, officerCode, platform string) error {
	d, err := c.deps()
	if err != nil {
		return err
	}
	if err := d.ChooseChannel(ctx, officerCode, platform); errors.Is(err, jobs.ErrNoSuchChannel) {
		return handlers.ErrNoChannel
	} else if err != nil {
		return err
	}
	return nil
}

// withoutMoved leaves out of unsent the failed digests that moved to the
// officer's next channel (the move is counted on its own), and returns
// how many it left out.
func withoutMoved(ctx context.Context, ob *store.Outbox, unsent []notify.Entry) ([]notify.Entry, int, error) {
	out := unsent[:0:0]
	moved := 0
	for _, e := range unsent {
		if e.Status == notify.StatusFailed {
			if key, ok := jobs.NextFallbackKey(e); ok {
				_, found, err := ob.Get(ctx, key)
				if err != nil {
					return unsent, 0, err
				}
				if found {
					moved++
					continue
				}
			}
		}
		out = append(out, e)
	}
	return out, moved, nil
}
