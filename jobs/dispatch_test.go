package jobs_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot/telegram"
	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// dispatchAll enqueues n messages to n private chats and delivers them
// through tgfake with Telegram's limits enforced, on the real clock; it
// returns the rate achieved.
func dispatchAll(t testing.TB, s *store.Store, n int, faults func(*tgfake.Server)) (float64, *tgfake.Server) {
	ctx := context.Background()
	entries := make([]notify.Entry, n)
	for i := range entries {
		chat := strconv.Itoa(200000 + i)
		entries[i] = notify.Entry{Key: "bench/" + chat, Job: "bench", Recipient: "officer:" + chat,
			Message: notify.Message{Platform: "telegram", ChatID: chat, Text: fmt.Sprintf("Tin nhắn số %d", i)}}
	}
	if _, err := s.Outbox().Enqueue(ctx, entries); err != nil {
		t.Fatal(err)
	}
	fake := tgfake.New(tgfake.Options{Limits: true})
	t.Cleanup(fake.Close)
	if faults != nil {
		faults(fake)
	}
	tg, err := telegram.New(ctx, telegram.Config{Token: fake.Token(), Endpoint: fake.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	disp, err := notify.NewDispatcher(notify.DispatcherConfig{Outbox: s.Outbox(),
		Channels: map[string]notify.Channel{"telegram": tg}, SendTimeout: 2 * time.Second,
		Backoff: notify.ExponentialBackoff(100*time.Millisecond, time.Second), BatchSize: 100, Lease: 30 * time.Second,
		Limits: map[string]notify.Limits{"telegram": jobs.SafeLimits(notify.TelegramLimits())}})
	if err != nil {
		t.Fatal(err)
	}
	dctx, cancel := context.WithTimeout(ctx, time.Duration(n)*time.Second/10+time.Minute)
	defer cancel()
	go disp.Run(dctx)
	start := time.Now()
	if _, err := fake.WaitSent(time.Until(deadline(dctx)), "sendMessage", n); err != nil {
		t.Fatal(err)
	}
	rate := float64(n) / time.Since(start).Seconds()
	// Let the last sends be recorded before stopping.
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if c, err := s.OutboxCounts(ctx); err == nil && c[notify.StatusPending] == 0 {
			break
		}
	}
	cancel()
	return rate, fake
}

func deadline(ctx context.Context) time.Time { d, _ := ctx.Deadline(); return d }

// TestDispatchKeepsLimits sends 300 messages through the store's outbox to
// a fake Telegram that enforces the limits: no 429 of dondoc's making, and
// the rate is reported (≥ 28.5 msg/s expected at 30/s).
func TestDispatchKeepsLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("10 s on the real clock")
	}
	s := storetest.OpenSQLite(t)
	rate, fake := dispatchAll(t, s, 300, nil)
	t.Logf("300 messages: %.1f msg/s, %d violations", rate, fake.Violations())
	if v := fake.Violations(); v != 0 {
		t.Fatalf("%d limit violations", v)
	}
	if rate < 28.5 && os.Getenv("DONDOC_STRICT_RATE") != "" {
		t.Fatalf("%.1f msg/s; want ≥ 28.5", rate)
	}
}

// TestDispatchThroughFaults injects 429s with retry_after, 502 pages and
// timeouts: everything is still delivered, once.
func TestDispatchThroughFaults(t *testing.T) {
	s := storetest.OpenSQLite(t)
	_, fake := dispatchAll(t, s, 60, func(f *tgfake.Server) {
		f.FailNext("sendMessage", 2, tgfake.RateLimited(1))
		f.FailNext("sendMessage", 3, tgfake.BadGateway())
		f.FailNext("sendMessage", 2, tgfake.Delay(3*time.Second)) // beyond SendTimeout
		f.FailNext("sendMessage", 1, tgfake.RateLimited(2))
	})
	seen := map[string]int{}
	for _, m := range fake.SentBy("sendMessage") {
		seen[m.ChatID]++
	}
	// A timed-out send is not accepted by the fake (the delay comes first),
	// so every chat gets exactly one message.
	for chat, n := range seen {
		if n != 1 {
			t.Errorf("chat %s got %d messages", chat, n)
		}
	}
	if len(seen) != 60 {
		t.Fatalf("%d chats reached; want 60", len(seen))
	}
	c, _ := s.OutboxCounts(context.Background())
	if c[notify.StatusSent] != 60 {
		t.Fatalf("outbox %v; want 60 sent", c)
	}
}
