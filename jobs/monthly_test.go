package jobs_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot/telegram"
	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// fakeMonthly builds a report from fixed figures with report.Build.
type fakeMonthly struct{ units []models.Unit }

func (f fakeMonthly) Monthly(ctx context.Context, year int, month time.Month, scope string) (*report.Report, error) {
	return report.Build(report.Input{Year: year, Month: month, Scope: scope, Place: "Bình Minh",
		GeneratedAt: day1, Units: f.units,
		Own: map[string]models.Counts{
			"X1": {InScope: 50, Received: 45, FinishedEarly: 12, FinishedOnTime: 28, FinishedLate: 3, OpenInTime: 5, OnTime766: 46},
			"X2": {InScope: 40, Received: 38, FinishedEarly: 5, FinishedOnTime: 25, FinishedLate: 5, OpenOverdue: 2, OnTime766: 32},
		}})
}

func TestMonthlyBroadcast(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		units := []models.Unit{{Code: "H", Name: "UBND huyện Bình Minh"},
			{Code: "X1", Name: "UBND xã An Bình", ParentCode: "H"}, {Code: "X2", Name: "UBND xã Tân Lập", ParentCode: "H"}}
		must(t, s.UpsertUnits(ctx, units))
		must(t, s.UpsertChatGroups(ctx, []models.ChatGroup{{Platform: "telegram", ChatID: "-1001", UnitCode: "H", Active: true, BoundAt: day1}}))
		d := newDeps(s)
		d.Monthly = fakeMonthly{units: units}
		n, err := d.Broadcast(ctx, 2026, time.October, "")
		must(t, err)
		if n < 3 {
			t.Fatalf("broadcast enqueued %d; want text, chart and workbook", n)
		}
		if n2, err := d.Broadcast(ctx, 2026, time.October, ""); err != nil || n2 != 0 {
			t.Fatalf("second broadcast of the month = %d, %v; want 0", n2, err)
		}
		fake := tgfake.New(tgfake.Options{Limits: true})
		defer fake.Close()
		tg, err := telegram.New(ctx, telegram.Config{Token: fake.Token(), Endpoint: fake.Endpoint()})
		must(t, err)
		disp, err := notify.NewDispatcher(notify.DispatcherConfig{Outbox: s.Outbox(), Channels: map[string]notify.Channel{"telegram": tg}})
		must(t, err)
		dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		go disp.Run(dctx)
		sent, err := fake.WaitSent(20*time.Second, "sendDocument", 1)
		must(t, err)
		if sent[0].FileName != report.FileName(2026, time.October, "xlsx") || sent[0].ChatID != "-1001" {
			t.Fatalf("document %q to %s", sent[0].FileName, sent[0].ChatID)
		}
		photos := fake.SentBy("sendPhoto")
		texts := fake.SentBy("sendMessage")
		if len(photos) != 1 || len([]rune(photos[0].Text)) > 1024 || len(texts) == 0 || !strings.Contains(texts[0].Text, "10") {
			t.Fatalf("photos %d, texts %d", len(photos), len(texts))
		}
		if fake.Violations() != 0 {
			t.Fatalf("%d limit violations", fake.Violations())
		}
	})
}

// TestBroadcastRefusesRunningMonths: the month being run (November on
// 26/11) and a future one are never broadcast — their figures are
// provisional — and nothing is enqueued; a group whose unit has no dossier
// in the month gets nothing.
func TestBroadcastRefusesRunningMonths(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		units := []models.Unit{{Code: "H", Name: "UBND huyện Bình Minh"},
			{Code: "X1", Name: "UBND xã An Bình", ParentCode: "H"}, {Code: "X2", Name: "UBND xã Tân Lập", ParentCode: "H"},
			{Code: "X3", Name: "UBND xã Trống", ParentCode: "H"}}
		must(t, s.UpsertUnits(ctx, units))
		must(t, s.UpsertChatGroups(ctx, []models.ChatGroup{{Platform: "telegram", ChatID: "-1003", UnitCode: "X3", Active: true, BoundAt: day1}}))
		d := newDeps(s)
		d.Monthly = fakeMonthly{units: units}
		for _, m := range []time.Month{time.November, time.December} {
			if n, err := d.Broadcast(ctx, 2026, m, ""); !errors.Is(err, jobs.ErrMonthNotEnded) || n != 0 {
				t.Errorf("broadcast of %d/2026 on 26/11 = %d, %v; want ErrMonthNotEnded", m, n, err)
			}
		}
		if n, err := d.Broadcast(ctx, 2026, time.October, ""); err != nil || n != 0 {
			t.Errorf("broadcast to a unit without data = %d, %v; want nothing sent", n, err)
		}
		if c, _ := s.OutboxCounts(ctx); len(c) != 0 {
			t.Errorf("outbox after refused broadcasts: %v", c)
		}
	})
}

// TestMonthlyBroadcastOnZaloLinksThePublicPage: Zalo's Bot Platform carries
// no photo and no file, so a group there gets the month's text and the
// addresses of the chart and the workbook on the public page (PUBLIC_URL),
// not a note that the files could not be attached.
func TestMonthlyBroadcastOnZaloLinksThePublicPage(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		units := []models.Unit{{Code: "H", Name: "UBND huyện Bình Minh"},
			{Code: "X1", Name: "UBND xã An Bình", ParentCode: "H"}, {Code: "X2", Name: "UBND xã Tân Lập", ParentCode: "H"}}
		must(t, s.UpsertUnits(ctx, units))
		must(t, s.UpsertChatGroups(ctx, []models.ChatGroup{{Platform: zalo.Platform, ChatID: "g-zalo", UnitCode: "H", Active: true, BoundAt: day1}}))
		d := newDeps(s)
		d.Monthly = fakeMonthly{units: units}
		d.Platforms = []notify.Platform{zalo.Description(true, zalo.Limits())}
		d.PublicURL = "https://dondoc.phulam.gov.vn"
		if _, err := d.Broadcast(ctx, 2026, time.October, ""); err != nil {
			t.Fatal(err)
		}
		entries, err := s.Outbox().Claim(ctx, day1.AddDate(0, 1, 0), time.Minute, 100)
		must(t, err)
		var link string
		for _, e := range entries {
			if e.Message.Photo != nil || e.Message.Document != nil {
				t.Errorf("a file queued for Zalo: %s", e.Key)
			}
			if strings.HasSuffix(e.Key, "/link") {
				link = e.Message.Text
			}
		}
		for _, want := range []string{"https://dondoc.phulam.gov.vn/cong-khai/2026-10.png", "https://dondoc.phulam.gov.vn/cong-khai/2026-10.xlsx"} {
			if !strings.Contains(link, want) {
				t.Errorf("the link message %q lacks %s", link, want)
			}
		}
	})
}
