package zalo

import (
	"context"
	"github.com/dondoc/dondoc/internal/bottest"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/internal/zalofake"
	"github.com/dondoc/dondoc/notify"
)

// TestPacerSpacesAndAdapts checks the spacing of sends on a fake clock:
// the configured pace, twice as slow after a 429, and back after
// successes.
func TestPacerSpacesAndAdapts(t *testing.T) {
	clock := clockwork.NewFakeClock()
	p := newPacer(clock, 2, 1, 2*time.Second) // 500 ms overall, 1 s per chat
	ctx := context.Background()
	reserve := func(chat string) time.Duration {
		p.mu.Lock()
		defer p.mu.Unlock()
		now := clock.Now()
		at := now
		if p.next.After(at) {
			at = p.next
		}
		if c := p.chats[chat]; c.After(at) {
			at = c
		}
		return at.Sub(now)
	}
	if !p.wait(ctx, "a") {
		t.Fatal("first send waited")
	}
	if d := reserve("b"); d != 500*time.Millisecond {
		t.Errorf("another chat waits %v, want 500ms", d)
	}
	if d := reserve("a"); d != time.Second {
		t.Errorf("the same chat waits %v, want 1s", d)
	}
	if w := p.quota(); w != 2*time.Second || p.factor() != 2 {
		t.Errorf("after a 429: retry in %v, factor %v", w, p.factor())
	}
	clock.Advance(time.Minute)
	p.wait(ctx, "a")
	if d := reserve("b"); d != time.Second {
		t.Errorf("slowed down: another chat waits %v, want 1s", d)
	}
	for range 20 {
		p.ok()
	}
	if f := p.factor(); f != 1 {
		t.Errorf("factor %v after successes, want 1", f)
	}
	for range 10 {
		p.quota()
	}
	if f := p.factor(); f != maxSlow {
		t.Errorf("factor %v, want at most %v", f, maxSlow)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if p.wait(cctx, "a") {
		t.Error("wait on a cancelled context reported true")
	}
}

// TestUnauthorizedStopsTheChannel: a 401 while polling ends Run with
// ErrUnauthorized, Ready reports it, and a send is not Permanent.
func TestUnauthorizedStopsTheChannel(t *testing.T) {
	fake, b, logs := setup(t, Config{})
	if err := b.Ready(); err != nil {
		t.Fatalf("Ready before: %v", err)
	}
	fake.FailNext("getUpdates", 1, zalofake.Unauthorized())
	err := b.Run(context.Background(), func(context.Context, bot.Update) {})
	if err != ErrUnauthorized {
		t.Fatalf("Run = %v, want ErrUnauthorized", err)
	}
	if b.Ready() != ErrUnauthorized {
		t.Errorf("Ready = %v", b.Ready())
	}
	if !logs.WaitFor("Zalo refused ZALO_BOT_TOKEN (401)", bottest.Wait) {
		t.Errorf("no clear log line:\n%s", logs)
	}
	// Notifications stay pending: no attempt spent, no link deactivated.
	calls := fake.Calls("sendMessage")
	err = b.Send(context.Background(), notify.Message{Platform: Platform, ChatID: "u2", Text: "Nhắc việc"})
	if se := Classify(err); se.Class != notify.RateLimited || se.RetryAfter != stoppedRetry || fake.Calls("sendMessage") != calls {
		t.Errorf("send while stopped: %v (%d calls)", err, fake.Calls("sendMessage")-calls)
	}
}

func TestCheckWebhookURL(t *testing.T) {
	for url, ok := range map[string]bool{
		"https://dondoc.example.gov.vn/zalo": true, "http://127.0.0.1:8080/zalo": true, "http://[::1]/z": true,
		"http://localhost:9/z": true, "http://dondoc.example.gov.vn/zalo": false, "ftp://x/y": false, "/zalo": false,
	} {
		if err := CheckWebhookURL(url); (err == nil) != ok {
			t.Errorf("CheckWebhookURL(%q) = %v", url, err)
		}
	}
}
