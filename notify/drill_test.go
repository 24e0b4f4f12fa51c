package notify

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestDrillChannelsUnreachableTenMinutes is issue #14's drill on a fake
// clock: Telegram and Zalo answer every send with a transient error (a
// proxy's 502, a timeout) for ten minutes. With the default backoff and
// attempts, every message waits, then goes, each chat's messages in
// order, none lost, none twice.
func TestDrillChannelsUnreachableTenMinutes(t *testing.T) {
	back := t0.Add(10 * time.Minute)
	var s *setup
	s = newSetup(t, func(m Message, n int) error {
		if s.clk.Now().Before(back) {
			return &SendError{Class: Retryable, Reason: "502 Bad Gateway"}
		}
		return nil
	}, func(c *DispatcherConfig) {
		c.Backoff = nil   // the default: exponential, capped at 10 min
		c.MaxAttempts = 0 // the default
		c.Limits = map[string]Limits{"telegram": {}, "zalo": {}}
	})
	zalo := newFake(s.clk, s.ch.script)
	zalo.platform = "zalo"
	s.d.cfg.Channels["zalo"] = zalo
	var entries []Entry
	for i := range 60 {
		e := msg(fmt.Sprintf("k%02d", i), fmt.Sprint(i%6), fmt.Sprintf("m%02d", i))
		if i%2 == 1 {
			e.Message.Platform = "zalo"
		}
		entries = append(entries, e)
	}
	s.enqueue(t, entries...)
	drive(t, s.clk, time.Second, func(ctx context.Context) error {
		for {
			if err := s.d.Drain(ctx); err != nil {
				return err
			}
			c := s.out.Count()
			if c[StatusPending] == 0 {
				return nil
			}
			tm := s.clk.NewTimer(time.Second)
			select {
			case <-tm.Chan():
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	})
	sent := append(s.ch.sent(), zalo.sent()...)
	if c := s.out.Count(); c[StatusSent] != 60 || c[StatusFailed] != 0 {
		t.Fatalf("outbox %v; want 60 sent, none failed", c)
	}
	seen := map[string]int{}
	last := map[string]string{}
	for _, a := range sent {
		seen[a.m.Key]++
		k := a.m.Platform + "/" + a.m.ChatID
		if a.m.Key < last[k] {
			t.Errorf("chat %s: %s after %s", k, a.m.Key, last[k])
		}
		last[k] = a.m.Key
		if a.at.Before(back) {
			t.Errorf("%s delivered at %s, during the outage", a.m.Key, a.at)
		}
	}
	for _, e := range entries {
		if seen[e.Key] != 1 {
			t.Errorf("%s delivered %d times", e.Key, seen[e.Key])
		}
	}
	var lastAt time.Time
	for _, a := range sent {
		if a.at.After(lastAt) {
			lastAt = a.at
		}
	}
	t.Logf("60 messages, outage 10 min: all delivered %s after it ended", lastAt.Sub(back))
}
