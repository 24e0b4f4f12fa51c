package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "dondoc.db" || c.IsPostgres() || c.Location.String() != "Asia/Ho_Chi_Minh" ||
		c.CutoffHour != 15 || c.DueSoonDays != 2 || c.RemindAt != "07:30" || c.HTTPAddr != ":8080" || c.SupplementClock != "pause" {
		t.Errorf("defaults: %+v", c)
	}
	if !c.Now.IsZero() {
		t.Error("DONDOC_NOW default should be the real clock")
	}
}

func TestInvalidValuesNameTheKey(t *testing.T) {
	for key, val := range map[string]string{
		"DONDOC_TZ": "Mars/Olympus", "LOG_LEVEL": "loud", "LOG_FORMAT": "xml", "DONDOC_NOW": "yesterday",
		"DONDOC_CUTOFF": "25:00", "DATABASE_URL": "mysql://x", "REMIND_AT": "7h30", "DONDOC_DUE_SOON_DAYS": "-1",
		"TELEGRAM_API_ENDPOINT": "http://x/bot", "TELEGRAM_WEBHOOK_SECRET": "bad secret!", "SUPPLEMENT_CLOCK": "stop",
	} {
		_, err := Load(env(map[string]string{key: val}))
		var ke *KeyError
		if !errors.As(err, &ke) || ke.Key != key {
			t.Errorf("%s=%q: error %v does not name the key", key, val, err)
		}
	}
}

func TestNowAndPostgres(t *testing.T) {
	c, err := Load(env(map[string]string{"DONDOC_NOW": "2026-11-27T07:30:00+07:00", "DATABASE_URL": "postgres://u:secret@h/db", "REMIND_AT": "off"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Clock().Now(); !got.Equal(time.Date(2026, 11, 27, 0, 30, 0, 0, time.UTC)) {
		t.Errorf("clock = %v", got)
	}
	if !c.IsPostgres() || c.RemindAt != "" {
		t.Errorf("%+v", c)
	}
	if s := c.LogValue().String(); strings.Contains(s, "secret") {
		t.Errorf("secret in log value: %s", s)
	}
}

func TestZaloSettings(t *testing.T) {
	c, err := Load(env(map[string]string{"ZALO_WEBHOOK_URL": "https://dondoc.example.gov.vn/hooks/zalo",
		"ZALO_WEBHOOK_SECRET": "s3cret-s3cret", "ZALO_RATE_PER_SECOND": "5", "ZALO_RATE_PER_CHAT": "0.5"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ZaloWebhookURL != "https://dondoc.example.gov.vn/hooks/zalo" || c.ZaloWebhookSecret != "s3cret-s3cret" ||
		c.ZaloRatePerSecond != 5 || c.ZaloRatePerChat != 0.5 {
		t.Errorf("%+v", c)
	}
	if d, _ := Load(env(nil)); d.ZaloRatePerSecond != 10 || d.ZaloRatePerChat != 1 || d.ZaloWebhookURL != "" {
		t.Errorf("defaults %v %v %q", d.ZaloRatePerSecond, d.ZaloRatePerChat, d.ZaloWebhookURL)
	}
	for k, v := range map[string]string{"ZALO_WEBHOOK_URL": "http://dondoc.example.gov.vn/z", "ZALO_WEBHOOK_SECRET": "short",
		"ZALO_RATE_PER_SECOND": "0", "ZALO_RATE_PER_CHAT": "x"} {
		if _, err := Load(env(map[string]string{k: v})); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%q: err = %v", k, v, err)
		}
	}
	if _, err := Load(env(map[string]string{"ZALO_WEBHOOK_URL": "http://127.0.0.1:8080/z"})); err != nil {
		t.Errorf("loopback HTTP refused: %v", err)
	}
}

func TestSupplementClock(t *testing.T) {
	for _, v := range []string{"pause", "reset", "RESET"} {
		c, err := Load(env(map[string]string{"SUPPLEMENT_CLOCK": v}))
		if err != nil || c.SupplementClock != strings.ToLower(v) {
			t.Errorf("SUPPLEMENT_CLOCK=%s: %q, %v", v, c.SupplementClock, err)
		}
	}
}

func TestRiskThreshold(t *testing.T) {
	for v, want := range map[string]float64{"": 0.5, "0.7": 0.7, "35%": 0.35, "1": 1, "off": 0, "OFF": 0} {
		c, err := Load(env(map[string]string{"RISK_THRESHOLD": v}))
		if err != nil || c.RiskThreshold != want {
			t.Errorf("RISK_THRESHOLD=%q: %v, %v; want %v", v, c.RiskThreshold, err, want)
		}
	}
	for _, v := range []string{"0", "-0.1", "1.5", "150%", "high", "NaN"} {
		_, err := Load(env(map[string]string{"RISK_THRESHOLD": v}))
		var ke *KeyError
		if !errors.As(err, &ke) || ke.Key != "RISK_THRESHOLD" {
			t.Errorf("RISK_THRESHOLD=%q: error %v does not name the key", v, err)
		}
	}
}

func TestEmailSettings(t *testing.T) {
	c, err := Load(env(map[string]string{"SMTP_URL": "smtps://vanphong:p%40ss-secret@mail.example.gov.vn:465",
		"MAIL_FROM": "Văn phòng UBND <vanphong@example.gov.vn>"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPURL == "" || c.MailFrom != "Văn phòng UBND <vanphong@example.gov.vn>" {
		t.Errorf("%+v", c)
	}
	if s := c.LogValue().String(); strings.Contains(s, "secret") || !strings.Contains(s, "mail.example.gov.vn") {
		t.Errorf("log value: %s", s)
	}
	for _, m := range []map[string]string{
		{"SMTP_URL": "http://u:pass-secret@mail.example.gov.vn", "MAIL_FROM": "a@b.vn"},
		{"SMTP_URL": "smtp://u:pass-secret@[::1", "MAIL_FROM": "a@b.vn"},
		{"SMTP_URL": "smtp://u:pass-secret@mail.example.gov.vn:587"}, // no MAIL_FROM
	} {
		_, err := Load(env(m))
		if err == nil || strings.Contains(err.Error(), "secret") {
			t.Errorf("%v: err = %v", m, err)
		}
	}
}

// PUBLIC_URL is the base of the upload links (/tailen), which carry a
// secret: HTTPS, plain HTTP only to a loopback address.
func TestPublicURL(t *testing.T) {
	c, err := Load(env(map[string]string{"PUBLIC_URL": "https://dondoc.example.gov.vn/"}))
	if err != nil || c.PublicURL != "https://dondoc.example.gov.vn" {
		t.Fatalf("PublicURL %q, %v", c.PublicURL, err)
	}
	if _, err := Load(env(map[string]string{"PUBLIC_URL": "http://127.0.0.1:8080"})); err != nil {
		t.Errorf("loopback http: %v", err)
	}
	for _, bad := range []string{"http://dondoc.example.gov.vn", "dondoc.example.gov.vn", "ftp://x"} {
		if _, err := Load(env(map[string]string{"PUBLIC_URL": bad})); err == nil || !strings.Contains(err.Error(), "PUBLIC_URL") {
			t.Errorf("PUBLIC_URL=%s: %v", bad, err)
		}
	}
}
