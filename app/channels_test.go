package app

import (
	"context"
	"testing"

	"github.com/dondoc/dondoc/bot/email"
	"github.com/dondoc/dondoc/config"
	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/notify"
)

// The wiring list opens what is configured, in its order, and the
// dispatcher's limits come from each channel's own description.
func TestChannelsFromTheWiringList(t *testing.T) {
	env := map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "ZALO_BOT_TOKEN": "2:y",
		"SMTP_URL": "smtps://u:p@mail.example.gov.vn", "MAIL_FROM": "vanphong@example.gov.vn"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range configuredPlatforms(cfg) {
		names = append(names, p.Name)
	}
	if len(names) != 3 || names[0] != "telegram" || names[1] != "zalo" || names[2] != email.Platform {
		t.Errorf("configured platforms %v", names)
	}

	delete(env, "TELEGRAM_BOT_TOKEN")
	delete(env, "ZALO_BOT_TOKEN")
	cfg, err = config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a := &app{cfg: cfg, log: discardLogger()}
	chs, err := openChannels(context.Background(), a, nil)
	if err != nil || len(chs) != 1 {
		t.Fatalf("openChannels = %v, %v; want the e-mail channel alone", chs, err)
	}
	m := channelMap(chs)
	if p := platformsOf(m); len(p) != 1 || p[0].Format != notify.FormatHTML || p[0].Buttons || p[0].Groups {
		t.Errorf("e-mail described as %+v", p)
	}
	l := deliveryLimits(m)[email.Platform]
	if want := email.RatePerSecond * jobs.RateMargin; l.PerSecond != want {
		t.Errorf("e-mail pace %v/s, want %v/s from its description", l.PerSecond, want)
	}
}
