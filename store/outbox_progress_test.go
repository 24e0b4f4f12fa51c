package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

func TestOutboxProgress(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		now := time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)
		o := s.OutboxAt(func() time.Time { return now })
		entry := func(key, job, recipient, period, chat string) notify.Entry {
			return notify.Entry{Key: key, Job: job, Recipient: recipient, Period: period,
				Message: notify.Message{Platform: "telegram", ChatID: chat, Text: "x"}}
		}
		if _, err := o.Enqueue(ctx, []notify.Entry{
			entry("digest/officer:A/2026-11-26", "digest", "officer:A", "2026-11-26", "1"),
			entry("digest/officer:B/2026-11-26", "digest", "officer:B", "2026-11-26", "2"),
			entry("secretariat/officer:C/2026-11-26", "secretariat", "officer:C", "2026-11-26", "3"),
			entry("digest/officer:A/2026-11-25", "digest", "officer:A", "2026-11-25", "1"),   // another day
			entry("escalation/unit:U/2026-11-26", "escalation", "unit:U", "2026-11-26", "4"), // another job
		}); err != nil {
			t.Fatal(err)
		}
		claimed, err := o.Claim(ctx, now, time.Minute, 10)
		if err != nil || len(claimed) != 5 {
			t.Fatalf("Claim = %d, %v", len(claimed), err)
		}
		ids := map[string]int64{}
		for _, e := range claimed {
			ids[e.Key] = e.ID
		}
		next := now.Add(45 * time.Second)
		if err := o.MarkSent(ctx, ids["digest/officer:A/2026-11-26"], now); err != nil {
			t.Fatal(err)
		}
		if err := o.Release(ctx, ids["digest/officer:B/2026-11-26"], next, "telegram: Too Many Requests: retry after 45"); err != nil {
			t.Fatal(err)
		}
		if err := o.Fail(ctx, ids["secretariat/officer:C/2026-11-26"], now, "blocked"); err != nil {
			t.Fatal(err)
		}

		sent, unsent, err := o.Progress(ctx, []string{"digest", "secretariat"}, "2026-11-26")
		if err != nil {
			t.Fatal(err)
		}
		if sent != 1 || len(unsent) != 2 {
			t.Fatalf("Progress = %d sent, %+v unsent; want 1 sent, B pending and C failed", sent, unsent)
		}
		b, c := unsent[0], unsent[1]
		if b.Recipient != "officer:B" || b.Status != notify.StatusPending || !b.NextAttemptAt.Equal(next) ||
			b.Message.Platform != "telegram" || b.Message.ChatID != "2" || b.LastError == "" || b.Message.Text != "" {
			t.Errorf("pending entry = %+v", b)
		}
		if c.Recipient != "officer:C" || c.Status != notify.StatusFailed || c.LastError != "blocked" || c.Attempts != 1 {
			t.Errorf("failed entry = %+v", c)
		}
		if sent, unsent, err := o.Progress(ctx, nil, "2026-11-26"); sent != 0 || unsent != nil || err != nil {
			t.Errorf("Progress with no job = %d, %v, %v", sent, unsent, err)
		}
	})
}
