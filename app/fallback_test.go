package app

import (
	"context"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/dondoc/dondoc/config"
	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/internal/znsfake"
	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// TestRemindMovesABlockedDigestToZNS: dondoc remind with Telegram and ZNS
// configured; the first officer's chat blocked the bot, so their digest
// goes out once by ZNS (tracking id = its outbox key), never again on a
// rerun, and remind reports everything delivered.
func TestRemindMovesABlockedDigestToZNS(t *testing.T) {
	forEachWaitDB(t, func(t *testing.T, db *waitDB) {
		ctx := context.Background()
		fake := db.telegram(t)
		fake.FailNext("sendMessage", 1, tgfake.Blocked())
		zf := znsfake.New(znsfake.Options{Token: "zns-token", Templates: map[string][]string{"tpl-digest": {"ten", "so_qua_han"}}})
		t.Cleanup(zf.Close)
		db.env["ZALO_ZNS_API_BASE"], db.env["ZALO_ZNS_ACCESS_TOKEN"], db.env["ZALO_ZNS_TEMPLATE_DIGEST"] = zf.URL, "zns-token", "tpl-digest"
		db.env["ZALO_ZNS_TEMPLATE_FIELDS"] = "ten=name,so_qua_han=overdue"

		for run := 0; run < 2; run++ {
			code, out, errs := runClocked(t, db.clk, db.env, "remind", "--date", "2026-11-26", "--wait", "10m")
			if code != 0 {
				t.Fatalf("remind run %d: code %d\n%s\n%s", run, code, out, errs)
			}
		}
		sent := zf.Sent()
		if len(sent) != 1 {
			t.Fatalf("ZNS sent %d messages; want the blocked officer's digest once: %+v", len(sent), sent)
		}
		moved, ok, err := db.st.Outbox().Get(ctx, sent[0].TrackingID)
		if err != nil || !ok {
			t.Fatalf("no outbox entry for tracking id %q: %v", sent[0].TrackingID, err)
		}
		code := strings.TrimPrefix(moved.Recipient, "officer:")
		day := models.NewDate(2026, 11, 26)
		if moved.Key != jobs.FallbackKey(code, day, 1) || moved.Status != notify.StatusSent || moved.Message.Platform != "zns" {
			t.Errorf("moved digest %s %s on %s", moved.Key, moved.Status, moved.Message.Platform)
		}
		first, _, _ := db.st.Outbox().Get(ctx, "digest/"+code+"/2026-11-26")
		if first.Status != notify.StatusFailed || first.Message.Platform != "telegram" {
			t.Errorf("first digest of %s: %s on %s; want failed on Telegram", code, first.Status, first.Message.Platform)
		}
		if sent[0].Data["ten"] == "" || !strings.HasPrefix(sent[0].Phone, "84") {
			t.Errorf("template message %+v", sent[0])
		}
		// Every other officer got their digest on Telegram.
		all, err := db.st.Outbox().Entries(ctx, "digest/")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range all {
			if e.Key != first.Key && e.Key != moved.Key && (e.Status != notify.StatusSent || e.Message.Platform != "telegram") {
				t.Errorf("digest %s: %s on %s; want sent on Telegram", e.Key, e.Status, e.Message.Platform)
			}
		}
		if len(all) < 3 {
			t.Errorf("only %d digest entries", len(all))
		}
	})
}

// TestFallbackChannelsWiring: ZNS is an entry of the wiring list, a
// channel only when its token and template are set; its counters are on
// the registry /metrics serves, its label comes from its description, and
// the jobs learn the order, the addresses and the price.
func TestFallbackChannelsWiring(t *testing.T) {
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"ZALO_ZNS_ACCESS_TOKEN": "tok", "ZALO_ZNS_TEMPLATE_DIGEST": "tpl",
			"DIGEST_CHANNELS": "zns, telegram", "ZALO_ZNS_PRICE_VND": "250"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	a := &app{cfg: cfg, log: discardLogger(), metrics: reg}
	chs, err := openChannels(context.Background(), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	channels := channelMap(chs)
	if _, ok := channels["zns"]; !ok || len(channels) != 1 {
		t.Fatalf("channels %v; want zns", channels)
	}
	if ps := configuredPlatforms(cfg); len(ps) != 1 || ps[0].Name != "zns" || ps[0].Label != "tin nhắn ZNS" {
		t.Errorf("configured platforms %+v", ps)
	}
	if l := deliveryLimits(channels)["zns"]; l.PerSecond <= 0 {
		t.Errorf("ZNS limits %+v; want its description's pace", l)
	}
	n, err := testutil.GatherAndCount(reg, "dondoc_zns_messages_total", "dondoc_zns_cost_vnd_total")
	if err != nil || n != 2 {
		t.Errorf("ZNS counters on the registry: %d, %v", n, err)
	}
	d := &jobs.Deps{Platforms: platformsOf(channels)}
	configureDigestChannels(a, d)
	if strings.Join(d.DigestChannels, ",") != "zns,telegram" || d.ZNSPlatform != "zns" || d.ZNSPriceVND != 250 || d.Refused == nil {
		t.Errorf("jobs wiring: %+v", d)
	}
	if addr, ok := d.Addresses["zns"](models.Officer{Phone: "0912.345.678"}); !ok || addr != "84912345678" {
		t.Errorf("ZNS address %q, %v", addr, ok)
	}
	if addr, ok := d.Addresses["email"](models.Officer{Email: " An <an@binhan.gov.vn> "}); !ok || addr != "an@binhan.gov.vn" {
		t.Errorf("e-mail address %q, %v", addr, ok)
	}
	if _, ok := d.Addresses["email"](models.Officer{Email: "không có"}); ok {
		t.Error("a malformed e-mail address reaches nobody")
	}

	// Without a template, no ZNS channel, and no ZNS cost in the notes.
	a.cfg.ZNSAccessToken, a.cfg.ZNSTemplateDigest = "", ""
	if chs, err := openChannels(context.Background(), a, nil); err != nil || len(chs) != 0 {
		t.Errorf("unconfigured ZNS: %v, %v", chs, err)
	}
	d = &jobs.Deps{}
	configureDigestChannels(a, d)
	if d.ZNSPlatform != "" {
		t.Errorf("ZNS cost reported without ZNS: %+v", d)
	}
}
