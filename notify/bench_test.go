package notify

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// jumpClock is a fake clock on which every wait ends at once by moving the
// clock forward: the limiters see simulated time, the benchmark real time.
type jumpClock struct{ *clockwork.FakeClock }

func (c jumpClock) NewTimer(d time.Duration) clockwork.Timer {
	t := c.FakeClock.NewTimer(d)
	c.Advance(d)
	return t
}

func (c jumpClock) After(d time.Duration) <-chan time.Time { return c.NewTimer(d).Chan() }

// nopChannel accepts every message.
type nopChannel struct{}

func (nopChannel) Platform() string                    { return "telegram" }
func (nopChannel) Send(context.Context, Message) error { return nil }

// BenchmarkDispatch10k sends 10,000 messages to 10,000 chats under the
// Telegram limits (30 msg/s overall) on a simulated clock: sim-msg/s is the
// rate achieved in simulated time, ns/msg the dispatcher's own real cost.
func BenchmarkDispatch10k(b *testing.B) {
	const n = 10000
	entries := make([]Entry, n)
	for i := range entries {
		entries[i] = msg(fmt.Sprintf("digest/officer:%d/2026-11-27", i), fmt.Sprint(100000+i), "Bạn có 3 hồ sơ sắp đến hạn.")
	}
	var simRate float64
	var spent time.Duration
	for b.Loop() {
		b.StopTimer()
		clk := jumpClock{clockwork.NewFakeClockAt(t0)}
		out := NewMemOutbox(clk.Now)
		if _, err := out.Enqueue(context.Background(), entries); err != nil {
			b.Fatal(err)
		}
		d, err := NewDispatcher(DispatcherConfig{Outbox: out, Channels: map[string]Channel{"telegram": nopChannel{}}, Clock: clk})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if err := d.Drain(context.Background()); err != nil {
			b.Fatal(err)
		}
		spent += time.Since(start)
		b.StopTimer()
		if c := out.Count(); c[StatusSent] != n {
			b.Fatalf("sent %d of %d", c[StatusSent], n)
		}
		simRate = float64(n) / clk.Since(t0).Seconds()
		b.StartTimer()
	}
	b.ReportMetric(simRate, "sim-msg/s")
	b.ReportMetric(float64(spent.Nanoseconds())/float64(b.N*n), "ns/msg")
	if simRate < 28.5 {
		b.Errorf("achieved %.2f msg/s in simulated time; want at least 28.5 of the 30/s limit", simRate)
	}
}
