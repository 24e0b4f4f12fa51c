package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/config"
	"github.com/dondoc/dondoc/internal/zalofake"
	"github.com/dondoc/dondoc/store"
)

func TestStartZaloLinksByCodeAndAnswersCommands(t *testing.T) {
	env, leader := demoDB(t)
	fake := zalofake.New(zalofake.Options{})
	t.Cleanup(fake.Close)
	env["ZALO_BOT_TOKEN"], env["ZALO_API_BASE"] = fake.Token(), fake.BaseURL()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a := &app{cfg: cfg, log: discardLogger(), getenv: func(k string) string { return env[k] }}
	st, err := openStore(context.Background(), a, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	code, err := st.CreateLinkCode(context.Background(), store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: leader, Now: cfg.Now})
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	zb, _, wait, err := startZalo(ctx, a, st, zaloOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if zb == nil || zb.Platform() != "zalo" {
		t.Fatalf("no Zalo bot started: %v", zb)
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
	zb, _, wait, err := startZalo(context.Background(), a, nil, zaloOptions{})
	if err != nil || zb != nil {
		t.Fatalf("startZalo without a token = %v, %v", zb, err)
	}
	wait()
}
