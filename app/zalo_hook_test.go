package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/internal/zalofake"
	"github.com/dondoc/dondoc/store"
)

// zaloDemo is the demo database with ZALO_BOT_TOKEN pointing at a fake
// Zalo (polling mode): the app, its store, the fake and a leader's code.
func zaloDemo(t *testing.T) (a *app, st *store.Store, fake *zalofake.Server, leader string) {
	t.Helper()
	env, leader := demoDB(t)
	fake = zalofake.New(zalofake.Options{})
	t.Cleanup(fake.Close)
	env["ZALO_BOT_TOKEN"], env["ZALO_API_BASE"] = fake.Token(), fake.BaseURL()
	a, st = openApp(t, env)
	return a, st, fake, leader
}

func TestStartZaloLinksByCodeAndAnswersCommands(t *testing.T) {
	a, st, fake, leader := zaloDemo(t)
	cfg := a.cfg
	code, err := st.CreateLinkCode(context.Background(), store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: leader, Now: cfg.Now})
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	chs, err := openChannels(ctx, a, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(chs) != 1 || chs[0].ch.Describe().Name != "zalo" {
		t.Fatalf("the wiring list opened %v, want the Zalo bot alone", chs)
	}
	wait, err := serveChannels(ctx, a, st, chs, serveChat{})
	if err != nil {
		t.Fatal(err)
	}
	fake.PushText("u42", code) // Zalo has no deep links: the code alone
	sent, err := fake.WaitSent(10*time.Second, "sendMessage", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sent[0].Text, "Xin chào") || strings.Contains(sent[0].Text, "<b>") {
		t.Errorf("link reply should greet in plain text: %q", sent[0].Text)
	}
	fake.PushText("u42", "/quahan")
	sent, err = fake.WaitSent(10*time.Second, "sendMessage", 2)
	if err != nil {
		t.Fatal(err)
	}
	last := sent[len(sent)-1].Text
	if !strings.Contains(last, "quá hạn") || len([]rune(last)) > 2000 {
		t.Errorf("/quahan on Zalo: %q", last)
	}
	cancel()
	wait()
}

func TestStartZaloOffWithoutToken(t *testing.T) {
	a := &app{log: discardLogger()}
	chs, err := openChannels(context.Background(), a, nil)
	if err != nil || len(chs) != 0 {
		t.Fatalf("openChannels without configuration = %v, %v", chs, err)
	}
}

// TestZaloPollsOnlyWhileLeading: without a webhook URL, getUpdates hands
// each update to one caller, so only the leader replica polls: polling
// starts on gaining the lead and stops on losing it, and an update
// queued meanwhile waits for the next leader.
func TestZaloPollsOnlyWhileLeading(t *testing.T) {
	a, st, fake, leader := zaloDemo(t)
	cfg := a.cfg
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rp := &replica{id: "r1", log: a.log}
	zb, err := openZalo(ctx, a, st)
	if err != nil {
		t.Fatal(err)
	}
	wait, err := startZalo(ctx, a, st, zb.(*zalo.Bot), serveChat{opt: chatOptions{replica: rp}})
	if err != nil {
		t.Fatalf("startZalo: %v", err)
	}
	el := newFakeElector()
	done := make(chan struct{})
	go func() { defer close(done); whileLeading(ctx, a.log, el, nil, rp.tasks...) }()
	leading := <-el.subscribed
	<-el.watching
	leading <- false
	if n := fake.Calls("getUpdates"); n != 0 {
		t.Errorf("a follower polled %d times", n)
	}
	leading <- true
	if !fake.WaitPolling(10 * time.Second) {
		t.Fatal("the leader does not poll")
	}
	code, err := st.CreateLinkCode(context.Background(), store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: leader, Now: cfg.Now})
	if err != nil {
		t.Fatal(err)
	}
	fake.PushText("u42", code)
	if _, err := fake.WaitSent(10*time.Second, "sendMessage", 1); err != nil {
		t.Fatal(err)
	}
	leading <- false
	if !fake.WaitFor(10*time.Second, func(s zalofake.State) bool { return s.Polling == 0 }) {
		t.Fatal("polling did not stop on losing the lead")
	}
	calls := fake.Calls("getUpdates")
	fake.PushText("u42", "/quahan")
	cancel()
	<-done
	wait()
	if n := fake.Calls("getUpdates"); n != calls || fake.Pending() != 1 {
		t.Errorf("a former leader polled on (%d → %d calls, %d pending)", calls, n, fake.Pending())
	}
}
