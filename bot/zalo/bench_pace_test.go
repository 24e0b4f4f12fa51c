package zalo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/internal/zalofake"
	"github.com/dondoc/dondoc/notify"
)

// BenchmarkDispatchPace sends 200 notifications to 40 chats through the
// real dispatcher and adapter, paced at ZALO_RATE_PER_SECOND=20 and
// ZALO_RATE_PER_CHAT=1, to a fake Zalo whose quota is exactly 20 sends a
// second (any more in one second → 429 "Quota exceeded"). It reports the
// pace reached (msgs/s), its share of the configured rate and the 429s
// dondoc caused itself (must be 0). Run with -benchtime=1x.
func BenchmarkDispatchPace(b *testing.B) {
	const rate, perChat, count, chats = 20.0, 1.0, 200, 40
	fake := zalofake.New(zalofake.Options{QuotaPerSecond: rate})
	defer fake.Close()
	ctx := context.Background()
	bot, err := zalo.New(ctx, zalo.Config{Token: fake.Token(), BaseURL: fake.BaseURL(), RatePerSecond: rate, RatePerChat: perChat})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		before, refused := len(fake.SentBy("sendMessage")), fake.QuotaRefused()
		out := notify.NewMemOutbox(nil)
		var entries []notify.Entry
		for i := range count {
			chat := fmt.Sprintf("chat%02d", i%chats)
			entries = append(entries, notify.Entry{Key: fmt.Sprintf("digest/%s/%d", chat, i), Job: "digest", Recipient: chat,
				Period: fmt.Sprint(i), Message: notify.Message{Platform: zalo.Platform, ChatID: chat, Text: fmt.Sprintf("Nhắc việc số %d", i)}})
		}
		if _, err := out.Enqueue(ctx, entries); err != nil {
			b.Fatal(err)
		}
		d, err := notify.NewDispatcher(notify.DispatcherConfig{Outbox: out, Channels: map[string]notify.Channel{zalo.Platform: bot},
			Limits: map[string]notify.Limits{zalo.Platform: bot.Limits()}, PollInterval: 10 * time.Millisecond})
		if err != nil {
			b.Fatal(err)
		}
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		start := time.Now()
		go func() { defer close(done); _ = d.Run(runCtx) }()
		ok := fake.WaitFor(2*time.Minute, func(s zalofake.State) bool {
			n := 0
			for _, m := range s.Sent {
				if m.Method == "sendMessage" {
					n++
				}
			}
			return n >= before+count
		})
		elapsed := time.Since(start)
		cancel()
		<-done
		if !ok {
			b.Fatalf("%d of %d sent", len(fake.SentBy("sendMessage"))-before, count)
		}
		// The first second's sends go at once; the pace is measured over
		// the intervals between the sends.
		pace := float64(count-1) / elapsed.Seconds()
		b.ReportMetric(pace, "msgs/s")
		b.ReportMetric(100*pace/rate, "%_of_limit")
		b.ReportMetric(float64(fake.QuotaRefused()-refused), "429s")
	}
}
