package zns_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/dondoc/dondoc/bot/zns"
	"github.com/dondoc/dondoc/internal/znsfake"
	"github.com/dondoc/dondoc/notify"
)

var fields = "ten=name,so_qua_han=overdue,so_den_han=due_today,ngay=date"

func newSender(t *testing.T, fake *znsfake.Server, now *time.Time, reg prometheus.Registerer) *zns.Sender {
	t.Helper()
	f, err := zns.ParseFields(fields)
	if err != nil {
		t.Fatal(err)
	}
	var m *zns.Metrics
	if reg != nil {
		if m, err = zns.NewMetrics(reg); err != nil {
			t.Fatal(err)
		}
	}
	s, err := zns.New(zns.Config{APIBase: fake.URL, Tokens: zns.StaticToken("tok"), TemplateID: "digest1", Fields: f,
		Now: func() time.Time { return *now }, PriceVND: 300, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func msg(key, phone string) notify.Message {
	return notify.Message{Key: key, Platform: zns.Platform, ChatID: phone, Text: "x",
		Fields: map[string]string{"name": "Nguyễn Văn An", "overdue": "2", "due_today": "1", "date": "07/12/2026"}}
}

func TestSendWireFormatAndMetrics(t *testing.T) {
	fake := znsfake.New(znsfake.Options{Token: "tok", Templates: map[string][]string{"digest1": {"ten", "so_qua_han", "so_den_han", "ngay"}}})
	defer fake.Close()
	now := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	reg := prometheus.NewRegistry()
	s := newSender(t, fake, &now, reg)
	if err := s.Send(context.Background(), msg("digest/officer:CB1/2026-12-07", "0912 345 678")); err != nil {
		t.Fatal(err)
	}
	sent := fake.Sent()
	if len(sent) != 1 {
		t.Fatalf("sent %d", len(sent))
	}
	got := sent[0]
	if got.Phone != "84912345678" || got.TrackingID != "digest/officer:CB1/2026-12-07" || got.TemplateID != "digest1" ||
		got.Data["ten"] != "Nguyễn Văn An" || got.Data["so_qua_han"] != "2" || got.Data["ngay"] != "07/12/2026" {
		t.Errorf("sent %+v", got)
	}
	if n, ok := s.Remaining(); !ok || n != 499 {
		t.Errorf("Remaining = %d, %v; want 499", n, ok)
	}
	out, err := testutil.GatherAndLint(reg)
	if err != nil || len(out) > 0 {
		t.Errorf("lint %v %v", out, err)
	}
	exp := `
# HELP dondoc_zns_cost_vnd_total Estimated cost of the ZNS messages sent, in đồng (ZALO_ZNS_PRICE_VND each).
# TYPE dondoc_zns_cost_vnd_total counter
dondoc_zns_cost_vnd_total 300
# HELP dondoc_zns_messages_total ZNS template messages Zalo accepted.
# TYPE dondoc_zns_messages_total counter
dondoc_zns_messages_total 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(exp), "dondoc_zns_messages_total", "dondoc_zns_cost_vnd_total"); err != nil {
		t.Error(err)
	}
}

func TestQuotaExhaustedMakesNoCallUntilNextDay(t *testing.T) {
	fake := znsfake.New(znsfake.Options{DailyQuota: 1})
	defer fake.Close()
	now := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	s := newSender(t, fake, &now, nil)
	ctx := context.Background()
	if err := s.Send(ctx, msg("k1", "0912345678")); err != nil {
		t.Fatal(err)
	}
	// The answer said 0 left: the next send makes no call and says so.
	err := s.Send(ctx, msg("k2", "0912345679"))
	if notify.ClassOf(err) != notify.Permanent || !strings.Contains(err.Error(), zns.ReasonQuota) {
		t.Fatalf("second send: %v", err)
	}
	if fake.Calls() != 1 {
		t.Errorf("calls = %d, want 1 (no call once the quota is used up)", fake.Calls())
	}
	// The next day (Vietnam time) it calls again.
	now = now.Add(24 * time.Hour)
	fake.NewDay()
	if err := s.Send(ctx, msg("k2", "0912345679")); err != nil {
		t.Fatalf("next day: %v", err)
	}
	if fake.Calls() != 2 {
		t.Errorf("calls = %d, want 2", fake.Calls())
	}
}

func TestErrorClasses(t *testing.T) {
	fake := znsfake.New(znsfake.Options{})
	defer fake.Close()
	now := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	s := newSender(t, fake, &now, nil)
	ctx := context.Background()
	for _, tc := range []struct {
		code int
		want notify.Class
	}{
		{zns.CodeTokenInvalid, notify.Retryable},
		{zns.CodePhoneInvalid, notify.Permanent},
		{zns.CodeTemplateInvalid, notify.Permanent},
		{zns.CodeTemplateData, notify.Permanent},
		{zns.CodeUnknown, notify.Retryable},
	} {
		fake.FailNext(tc.code)
		if got := notify.ClassOf(s.Send(ctx, msg("k", "0912345678"))); got != tc.want {
			t.Errorf("code %d: class %v, want %v", tc.code, got, tc.want)
		}
	}
	fake.FailNext(zns.CodeDailyQuota)
	if err := s.Send(ctx, msg("k", "0912345678")); notify.ClassOf(err) != notify.Permanent || !strings.Contains(err.Error(), zns.ReasonQuota) {
		t.Errorf("quota answer: %v", err)
	}
	calls := fake.Calls()
	if err := s.Send(ctx, msg("k", "0912345678")); notify.ClassOf(err) != notify.Permanent || fake.Calls() != calls {
		t.Errorf("after the quota answer: %v, calls %d → %d", err, calls, fake.Calls())
	}
	// A number that is not a Vietnamese mobile is refused before any call.
	if err := s.Send(ctx, msg("k", "12345")); notify.ClassOf(err) != notify.Permanent {
		t.Errorf("bad phone: %v", err)
	}
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{"0912 345 678": "84912345678", "+84 912.345.678": "84912345678",
		"912345678": "84912345678", "84912345678": "84912345678", "0012345678": "", "09123": "", "abc": "", "": ""} {
		got, ok := zns.NormalizePhone(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
