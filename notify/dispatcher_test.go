package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

func TestDispatcherSendsEachKeyOnce(t *testing.T) {
	s := newSetup(t, nil, nil)
	s.enqueue(t, msg("digest/officer:1/2026-11-27", "1", "a"))
	s.enqueue(t, msg("digest/officer:1/2026-11-27", "1", "a")) // the job ran twice
	s.drain(t, 10*time.Millisecond)
	s.drain(t, 10*time.Millisecond)
	s.enqueue(t, msg("digest/officer:1/2026-11-27", "1", "a")) // and a third time, after the send
	s.drain(t, 10*time.Millisecond)
	if got := s.ch.all(); len(got) != 1 {
		t.Fatalf("%d sends; want exactly 1", len(got))
	}
	if e := s.entry(t, "digest/officer:1/2026-11-27"); e.Status != StatusSent || !e.SentAt.Equal(t0) {
		t.Fatalf("entry = %+v; want sent at t0", e)
	}
}

// gaps returns the intervals between successive sends to each chat.
func gaps(sends []attempt) map[string][]time.Duration {
	last := map[string]time.Time{}
	out := map[string][]time.Duration{}
	for _, a := range sends {
		if l, ok := last[a.m.ChatID]; ok {
			out[a.m.ChatID] = append(out[a.m.ChatID], a.at.Sub(l))
		}
		last[a.m.ChatID] = a.at
	}
	return out
}

func TestDispatcherSpacing(t *testing.T) {
	const step = 10 * time.Millisecond
	for _, c := range []struct {
		name     string
		chats    []string
		perChat  int
		min, max time.Duration
	}{
		{"private chat 1/s", []string{"101", "102"}, 5, time.Second, time.Second + step},
		{"group 20/min", []string{"-100500"}, 25, 3 * time.Second, 3*time.Second + step},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newSetup(t, nil, nil)
			for i := range c.perChat {
				for _, chat := range c.chats {
					s.enqueue(t, msg(fmt.Sprintf("k/%s/%02d", chat, i), chat, fmt.Sprint(i)))
				}
			}
			s.drain(t, step)
			sends := s.ch.sent()
			if len(sends) != c.perChat*len(c.chats) {
				t.Fatalf("%d sends; want %d", len(sends), c.perChat*len(c.chats))
			}
			for chat, gs := range gaps(sends) {
				for i, g := range gs {
					if g < c.min || g > c.max {
						t.Errorf("chat %s: gap %d = %v; want in [%v, %v]", chat, i, g, c.min, c.max)
					}
				}
			}
			// Order within a chat is the order of enqueueing.
			next := map[string]int{}
			for _, a := range sends {
				if want := fmt.Sprint(next[a.m.ChatID]); a.m.Text != want {
					t.Fatalf("chat %s got message %s; want %s", a.m.ChatID, a.m.Text, want)
				}
				next[a.m.ChatID]++
			}
			// No 60 s window holds more than 20 messages to the group.
			for i := range sends {
				n := 0
				for _, b := range sends[i:] {
					if b.m.ChatID == sends[i].m.ChatID && b.at.Sub(sends[i].at) < time.Minute {
						n++
					}
				}
				if strings.HasPrefix(sends[i].m.ChatID, "-") && n > 20 {
					t.Fatalf("%d messages within a minute from send %d", n, i)
				}
			}
		})
	}
}

func TestDispatcherOverallRate(t *testing.T) {
	s := newSetup(t, nil, nil)
	for i := range 90 {
		s.enqueue(t, msg(fmt.Sprintf("k%d", i), fmt.Sprint(1000+i), "x"))
	}
	s.drain(t, time.Millisecond)
	sends := s.ch.sent()
	if len(sends) != 90 {
		t.Fatalf("%d sends", len(sends))
	}
	for i := 30; i < len(sends); i++ {
		if w := sends[i].at.Sub(sends[i-30].at); w < time.Second {
			t.Fatalf("31 messages within %v (sends %d..%d); limit is 30/s", w, i-30, i)
		}
	}
	if took := sends[89].at.Sub(sends[0].at); took > 3*time.Second+100*time.Millisecond {
		t.Fatalf("90 messages took %v; want about 89/30 s", took)
	}
}

func TestDispatcherHonoursRetryAfter(t *testing.T) {
	s := newSetup(t, func(m Message, n int) error {
		if n == 0 {
			return &SendError{Class: RateLimited, RetryAfter: 5 * time.Second, Reason: "Too Many Requests: retry after 5"}
		}
		return nil
	}, nil)
	s.enqueue(t, msg("a", "7", "x"))
	s.drain(t, 10*time.Millisecond)
	e := s.entry(t, "a")
	if e.Status != StatusPending || e.Attempts != 0 || !e.NextAttemptAt.Equal(t0.Add(5*time.Second)) || !strings.Contains(e.LastError, "Too Many") {
		t.Fatalf("after the 429: %+v; want pending, no attempt counted, due at t0+5s", e)
	}
	s.clk.Advance(4 * time.Second)
	s.drain(t, 10*time.Millisecond)
	if len(s.ch.all()) != 1 {
		t.Fatal("resent before retry_after")
	}
	s.clk.Advance(time.Second)
	s.drain(t, 10*time.Millisecond)
	sent := s.ch.sent()
	if len(sent) != 1 || sent[0].at.Before(t0.Add(5*time.Second)) {
		t.Fatalf("sent = %v; want one send at t0+5s", sent)
	}
}

func TestDispatcherGlobalFloodPausesPlatform(t *testing.T) {
	s := newSetup(t, func(m Message, n int) error {
		if n == 0 && (m.ChatID == "1" || m.ChatID == "2") {
			return &SendError{Class: RateLimited, RetryAfter: 10 * time.Second}
		}
		return nil
	}, nil)
	s.enqueue(t, msg("a", "1", "x"), msg("b", "2", "x"), msg("c", "3", "x"))
	s.drain(t, 10*time.Millisecond)
	sent := s.ch.sent()
	if len(sent) != 3 || sent[0].m.ChatID != "3" {
		t.Fatalf("sent = %v; want chat 3 first, then 1 and 2 again", sent)
	}
	if second := s.ch.all()[1].at; sent[0].at.Sub(second) < 10*time.Second {
		t.Fatalf("chat 3 sent %v after the second 429; want the platform paused 10 s", sent[0].at.Sub(second))
	}
}

func TestDispatcherRetriesTransientErrors(t *testing.T) {
	s := newSetup(t, func(m Message, n int) error {
		switch n {
		case 0, 1:
			return &SendError{Class: Retryable, Reason: "Bad Gateway"}
		case 2:
			return fmt.Errorf("post sendMessage: %w", context.DeadlineExceeded) // unclassified: retryable
		}
		return nil
	}, nil)
	s.enqueue(t, msg("a", "7", "x"))
	for range 10 {
		s.drain(t, 10*time.Millisecond)
		if e := s.entry(t, "a"); e.Status != StatusPending {
			break
		}
		s.clk.Advance(time.Second)
	}
	e := s.entry(t, "a")
	if e.Status != StatusSent || e.Attempts != 3 || len(s.ch.all()) != 4 || !strings.Contains(e.LastError, "deadline") {
		t.Fatalf("entry = %+v after %d sends; want sent after 3 failures", e, len(s.ch.all()))
	}
}

func TestDispatcherFailsAfterMaxAttempts(t *testing.T) {
	s := newSetup(t, func(Message, int) error {
		return &SendError{Class: Retryable, Reason: "Internal Server Error"}
	}, func(c *DispatcherConfig) { c.MaxAttempts = 3 })
	s.enqueue(t, msg("a", "7", "x"))
	for range 10 {
		s.drain(t, 10*time.Millisecond)
		s.clk.Advance(time.Second)
	}
	e := s.entry(t, "a")
	if e.Status != StatusFailed || e.Attempts != 3 || len(s.ch.all()) != 3 || !strings.Contains(e.LastError, "Internal Server Error") {
		t.Fatalf("entry = %+v after %d sends; want failed after 3", e, len(s.ch.all()))
	}
}

func TestDispatcherResendsBadMarkupAsPlainText(t *testing.T) {
	s := newSetup(t, func(m Message, n int) error {
		if m.Format == FormatHTML {
			return &SendError{Class: BadMarkup, Reason: "Bad Request: can't parse entities"}
		}
		return nil
	}, nil)
	s.enqueue(t, msg("a", "7", "<b>Hồ sơ</b> &lt;quá hạn&gt;"))
	s.drain(t, 10*time.Millisecond)
	sent := s.ch.sent()
	if len(sent) != 1 || sent[0].m.Text != "Hồ sơ <quá hạn>" || sent[0].m.Format != FormatPlain {
		t.Fatalf("sent = %+v; want one plain resend", sent)
	}
	if e := s.entry(t, "a"); e.Status != StatusSent {
		t.Fatalf("entry = %+v", e)
	}
}

func TestDispatcherFollowsMigratedChat(t *testing.T) {
	var mu sync.Mutex
	var migrated [][2]string
	s := newSetup(t, func(m Message, n int) error {
		if m.ChatID == "-123" {
			return &SendError{Class: Migrated, MigrateTo: "-100123", Reason: "Bad Request: group chat was upgraded to a supergroup chat"}
		}
		return nil
	}, func(c *DispatcherConfig) {
		c.OnMigrated = func(_ context.Context, _, old, new string) {
			mu.Lock()
			migrated = append(migrated, [2]string{old, new})
			mu.Unlock()
		}
	})
	s.enqueue(t, msg("a", "-123", "1"), msg("b", "-123", "2"))
	s.drain(t, 10*time.Millisecond)
	if len(s.ch.all()) != 3 {
		t.Fatalf("%d sends; want 1 to the old chat and 2 to the new", len(s.ch.all()))
	}
	for i, a := range s.ch.sent() {
		if a.m.ChatID != "-100123" || a.m.Text != fmt.Sprint(i+1) {
			t.Fatalf("send %d = %+v; want message %d to -100123", i, a.m, i+1)
		}
	}
	for _, k := range []string{"a", "b"} {
		if e := s.entry(t, k); e.Status != StatusSent || e.Message.ChatID != "-100123" {
			t.Fatalf("entry %s = %+v", k, e)
		}
	}
	if len(migrated) != 1 || migrated[0] != [2]string{"-123", "-100123"} {
		t.Fatalf("OnMigrated calls = %v", migrated)
	}
}

func TestDispatcherRecordsPermanentFailure(t *testing.T) {
	var got []Entry
	var gotErr *SendError
	s := newSetup(t, func(Message, int) error {
		return &SendError{Class: Permanent, Reason: "Forbidden: bot was blocked by the user"}
	}, func(c *DispatcherConfig) {
		c.OnPermanent = func(_ context.Context, e Entry, err *SendError) { got, gotErr = append(got, e), err }
	})
	s.enqueue(t, msg("a", "7", "x"))
	s.drain(t, 10*time.Millisecond)
	e := s.entry(t, "a")
	if e.Status != StatusFailed || !strings.Contains(e.LastError, "bot was blocked by the user") {
		t.Fatalf("entry = %+v; want failed with the reason", e)
	}
	if len(got) != 1 || got[0].Key != "a" || gotErr == nil || gotErr.Class != Permanent {
		t.Fatalf("OnPermanent got %v, %v", got, gotErr)
	}
	s.drain(t, 10*time.Millisecond)
	if len(s.ch.all()) != 1 {
		t.Fatal("a failed entry was sent again")
	}
}

func TestTwoDispatchersNeverSendAnEntryTwice(t *testing.T) {
	clk := clockwork.NewFakeClockAt(t0)
	out := NewMemOutbox(clk.Now)
	ch := newFake(clk, nil)
	const n = 500
	for i := range n {
		if _, err := out.Enqueue(context.Background(), []Entry{msg(fmt.Sprintf("k%d", i), fmt.Sprint(i), "x")}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		d, err := NewDispatcher(DispatcherConfig{Outbox: out, Channels: map[string]Channel{"telegram": ch},
			Clock: clk, Limits: map[string]Limits{"telegram": {}}, BatchSize: 7})
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() { errs <- d.Drain(context.Background()) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]int{}
	for _, a := range ch.all() {
		seen[a.m.Key]++
	}
	for i := range n {
		if k := fmt.Sprintf("k%d", i); seen[k] != 1 {
			t.Fatalf("%s sent %d times", k, seen[k])
		}
	}
}

func TestRunDeliversAfterWakeAndStops(t *testing.T) {
	s := newSetup(t, nil, func(c *DispatcherConfig) { c.PollInterval = time.Hour })
	s.ch.sentCh = make(chan Message, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.d.Run(ctx) }()
	if err := s.clk.BlockUntilContext(ctx, 1); err != nil { // Run is idle, polling
		t.Fatal(err)
	}
	s.enqueue(t, msg("a", "7", "x"))
	s.d.Wake()
	if m := <-s.ch.sentCh; m.Key != "a" {
		t.Fatalf("sent %+v", m)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if e := s.entry(t, "a"); e.Status != StatusSent {
		t.Fatalf("entry = %+v", e)
	}
}

func TestNewDispatcherRejectsIncompleteConfig(t *testing.T) {
	if _, err := NewDispatcher(DispatcherConfig{}); err == nil || !strings.Contains(err.Error(), "outbox") {
		t.Fatalf("err = %v", err)
	}
	_, err := NewDispatcher(DispatcherConfig{Outbox: NewMemOutbox(nil)})
	if err == nil || !errors.Is(err, err) || !strings.Contains(err.Error(), "channels") {
		t.Fatalf("err = %v", err)
	}
}

func TestBatchGivesBackWhatItCannotSendWithinItsLease(t *testing.T) {
	s := newSetup(t, nil, func(c *DispatcherConfig) { c.Lease = time.Minute })
	for i := range 15 {
		s.enqueue(t, msg(fmt.Sprintf("k%02d", i), "-100500", fmt.Sprint(i)))
	}
	s.drain(t, 10*time.Millisecond)
	sent := len(s.ch.sent())
	if sent != 11 { // t0, t0+3s, …, t0+30s: the lease's first half
		t.Fatalf("first drain sent %d; want 11", sent)
	}
	for _, e := range s.out.Entries()[sent:] {
		if e.Status != StatusPending || !e.LeaseUntil.IsZero() || e.NextAttemptAt.Before(s.clk.Now()) {
			t.Fatalf("left-over entry %+v; want pending, unleased, due later", e)
		}
	}
	for range 10 {
		s.clk.Advance(3 * time.Second)
		s.drain(t, 10*time.Millisecond)
	}
	sends := s.ch.sent()
	if len(sends) != 15 {
		t.Fatalf("%d sent; want 15", len(sends))
	}
	for i, g := range gaps(sends)["-100500"] {
		if g < 3*time.Second {
			t.Fatalf("gap %d = %v; want ≥ 3s", i, g)
		}
	}
}
