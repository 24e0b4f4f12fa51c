package notify

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

var t0 = time.Date(2026, 11, 27, 0, 30, 0, 0, time.UTC) // 07:30 in Hà Nội

// attempt is one call of fakeChannel.Send.
type attempt struct {
	at  time.Time
	m   Message
	err error
}

// fakeChannel is an in-process Channel: script decides each call's error
// from the message and how many times its key was tried before (0-based).
type fakeChannel struct {
	platform string
	clock    clockwork.Clock
	script   func(m Message, n int) error

	mu       sync.Mutex
	attempts []attempt
	perKey   map[string]int
	sentCh   chan Message // optional: told of every successful send
}

func newFake(clock clockwork.Clock, script func(m Message, n int) error) *fakeChannel {
	return &fakeChannel{platform: "telegram", clock: clock, script: script, perKey: map[string]int{}}
}

func (f *fakeChannel) Platform() string { return f.platform }

func (f *fakeChannel) Send(ctx context.Context, m Message) error {
	f.mu.Lock()
	n := f.perKey[m.Key]
	f.perKey[m.Key]++
	var err error
	if f.script != nil {
		err = f.script(m, n)
	}
	f.attempts = append(f.attempts, attempt{at: f.clock.Now(), m: m, err: err})
	ch := f.sentCh
	f.mu.Unlock()
	if err == nil && ch != nil {
		ch <- m
	}
	return err
}

// sent returns the successful sends, in order.
func (f *fakeChannel) sent() []attempt {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []attempt
	for _, a := range f.attempts {
		if a.err == nil {
			out = append(out, a)
		}
	}
	return out
}

func (f *fakeChannel) all() []attempt {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]attempt(nil), f.attempts...)
}

// drive runs fn and advances the fake clock by step whenever fn waits on
// it, until fn returns.
func drive(t *testing.T, clk *clockwork.FakeClock, step time.Duration, fn func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // guard against a hang
	defer cancel()
	finished := make(chan struct{})
	var res error
	go func() {
		res = fn(ctx)
		close(finished)
	}()
	for {
		bctx, bcancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-finished:
			case <-bctx.Done():
			}
			bcancel()
		}()
		err := clk.BlockUntilContext(bctx, 1)
		bcancel()
		select {
		case <-finished:
			if res != nil {
				t.Fatalf("drive: %v", res)
			}
			return
		default:
		}
		if err != nil {
			t.Fatalf("drive: gave up: %v", err)
		}
		clk.Advance(step)
	}
}

func msg(key, chat, text string) Entry {
	return Entry{Key: key, Job: "digest", Recipient: chat, Period: "2026-11-27",
		Message: Message{Platform: "telegram", ChatID: chat, Text: text, Format: FormatHTML}}
}

type setup struct {
	clk *clockwork.FakeClock
	out *MemOutbox
	ch  *fakeChannel
	d   *Dispatcher
}

// newSetup builds a dispatcher on a fake clock; mod adjusts the config.
func newSetup(t *testing.T, script func(Message, int) error, mod func(*DispatcherConfig)) *setup {
	t.Helper()
	clk := clockwork.NewFakeClockAt(t0)
	s := &setup{clk: clk, out: NewMemOutbox(clk.Now), ch: newFake(clk, script)}
	cfg := DispatcherConfig{
		Outbox:   s.out,
		Channels: map[string]Channel{"telegram": s.ch},
		Clock:    clk,
		Backoff:  func(int) time.Duration { return time.Second },
		// One send in flight: the fake stamps a send with the fake clock when
		// it runs, so the clock must not move while a send is in flight.
		Concurrency: 1,
	}
	if mod != nil {
		mod(&cfg)
	}
	d, err := NewDispatcher(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.d = d
	return s
}

func (s *setup) enqueue(t *testing.T, entries ...Entry) {
	t.Helper()
	if _, err := s.out.Enqueue(context.Background(), entries); err != nil {
		t.Fatal(err)
	}
}

func (s *setup) drain(t *testing.T, step time.Duration) {
	t.Helper()
	drive(t, s.clk, step, s.d.Drain)
}

func (s *setup) entry(t *testing.T, key string) Entry {
	t.Helper()
	e, ok := s.out.Get(key)
	if !ok {
		t.Fatalf("no entry %q", key)
	}
	return e
}
