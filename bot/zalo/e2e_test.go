package zalo_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/internal/bottest"
	"github.com/dondoc/dondoc/internal/zalofake"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// TestWebhookEndToEnd drives the real adapter through the fake Zalo
// platform's webhook deliveries, on SQLite and (when configured) Postgres.
func TestWebhookEndToEnd(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		e := newZEnv(t, st, zalofake.Options{})
		f := bottest.NewFixture(t, e.data)
		leader, secretariat := f.Leader, f.Secretariat
		const uLeader, uSec, group = "7a1f00000000000leader", "7a1f0000000000000sec", "g-7a1f-unit"

		// The secret: generated, kept in the database, checked.
		hook, secret := e.fake.WebhookSet()
		if !strings.HasSuffix(hook, "/hooks/zalo") || len(secret) < 8 {
			t.Fatalf("webhook %q secret of %d characters", hook, len(secret))
		}
		if kept, ok, err := st.PlatformState().Setting(context.Background(), zalo.SettingWebhookSecret); err != nil || !ok || kept != secret {
			t.Fatalf("secret not kept in the database: ok=%v err=%v", ok, err)
		}
		body := zalofake.Envelope(e.fake.Update(zalofake.Message{FromID: uLeader, Text: "/trogiup"}))
		for _, wrong := range []string{"", secret + "x", "not-the-secret"} {
			if code, err := e.fake.DeliverRaw(body, wrong); err != nil || code != http.StatusUnauthorized {
				t.Errorf("secret %q: HTTP %d, %v; want 401", wrong, code, err)
			}
		}
		if n := len(e.fake.SentBy("sendMessage")); n != 0 {
			t.Fatalf("%d replies to refused calls", n)
		}

		// Unlinked, then linked by sending the code alone.
		if r := e.say(uLeader, "quá hạn"); !strings.Contains(r, "chưa được liên kết") {
			t.Errorf("unlinked: %q", r)
		}
		welcome := e.say(uLeader, e.linkCode(store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: leader.Code}))
		if !strings.Contains(welcome, "Xin chào") || !strings.Contains(welcome, leader.Name) {
			t.Fatalf("welcome: %q", welcome)
		}

		// Every command in private, as people type them.
		for _, tc := range bottest.PrivateCommands(f.Dossier, f.Unit, f.UnitWords) {
			if r := e.say(uLeader, tc.Text); !strings.Contains(r, tc.Want) {
				t.Errorf("%q: reply %q, want it to contain %q", tc.Text, r, tc.Want)
			}
		}

		// A group: bound by the secretariat with a one-time code, then
		// commands by mention, with and without "/" and diacritics.
		e.say(uSec, e.linkCode(store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: secretariat.Code}))
		if r := e.sayGroup(group, uLeader, "@dondoc /quahan"); !strings.Contains(r, "chưa được gắn") || !strings.Contains(r, "mã gắn nhóm") {
			t.Errorf("unbound group hint: %q", r)
		}
		code := e.linkCode(store.LinkCodeRequest{Kind: store.LinkGroup, UnitCode: leader.UnitCode})
		if r := e.sayGroup(group, uSec, "@dondoc /lienket "+code); !strings.Contains(r, "Đã gắn nhóm") {
			t.Fatalf("/lienket: %q", r)
		}
		first := e.sayGroup(group, uLeader, "@dondoc /quahan")
		if !strings.Contains(first, "quá hạn") {
			t.Errorf("group /quahan: %q", first)
		}
		for _, text := range bottest.GroupMentions(e.fake.BotName()) {
			if r := e.sayGroup(group, uLeader, text); r != first {
				t.Errorf("%q in the group: %q, want the same as /quahan", text, r)
			}
		}
		if _, sent := e.deliver(zalofake.Message{ChatID: group, FromID: uLeader, Group: true, Text: "quá hạn", ReplyToBot: true}); len(sent) != 1 {
			t.Errorf("a reply to the bot: %d answers", len(sent))
		}
		// Not addressed to the bot: Zalo does not deliver it; if it did, silence.
		if code, err := e.fake.Deliver(e.fake.Update(zalofake.Message{ChatID: group, FromID: uLeader, Group: true, Text: "quá hạn"})); err != nil || code != 0 {
			t.Errorf("the fake delivered an unaddressed group message: %d %v", code, err)
		}
		raw := zalofake.Envelope(e.fake.Update(zalofake.Message{ChatID: group, FromID: uLeader, Group: true, Text: "/quahan"}))
		before := len(e.fake.SentBy("sendMessage"))
		if code, _ := e.fake.DeliverRaw(raw, secret); code != http.StatusOK {
			t.Errorf("unaddressed group message: HTTP %d", code)
		}
		e.adapter().Wait()
		if n := len(e.fake.SentBy("sendMessage")) - before; n != 0 {
			t.Errorf("%d answers to a group message not addressed to the bot", n)
		}

		// What the bot cannot read gets one short answer.
		for ev, want := range map[string]string{"message.image.received": "ảnh", "message.sticker.received": "nhãn dán",
			"message.unsupported.received": "loại tin nhắn"} {
			_, sent := e.deliver(zalofake.Message{FromID: uLeader, Event: ev, PhotoURL: "https://zalo.example/p.jpg"})
			if len(sent) != 1 || !strings.Contains(sent[0].Text, want) {
				t.Errorf("%s: %+v", ev, sent)
			}
		}

		// Redelivered updates are answered once, also after a restart.
		id := "8f00000000000000redeliver"
		if _, sent := e.deliver(zalofake.Message{FromID: uLeader, Text: "/quahan", ID: id}); len(sent) != 1 {
			t.Fatalf("first delivery: %d answers", len(sent))
		}
		sentBefore := len(e.fake.SentBy("sendMessage"))
		for range 2 {
			if code, err := e.fake.Redeliver(id); err != nil || code != http.StatusOK {
				t.Fatalf("redelivery: %d %v", code, err)
			}
		}
		e.adapter().Wait()
		e.start() // a new adapter instance on the same database
		if code, err := e.fake.Redeliver(id); err != nil || code != http.StatusOK {
			t.Fatalf("redelivery after restart: %d %v", code, err)
		}
		e.adapter().Wait()
		if n := len(e.fake.SentBy("sendMessage")) - sentBefore; n != 0 {
			t.Errorf("%d answers to redelivered updates, want none", n)
		}
		if r := e.say(uLeader, "/sapden"); !strings.Contains(r, "sắp đến hạn") {
			t.Errorf("after restart: %q", r)
		}
		// Paging by typing: "/sapden trang 2" is a page, "/sapden 3" three days.
		if r := e.say(uLeader, "/sapden trang 2"); !strings.Contains(r, "Trang 2/") {
			t.Errorf("/sapden trang 2: %q", r)
		}
		if r := e.say(uLeader, "/sapden 3"); !strings.Contains(r, "3 ngày làm việc") {
			t.Errorf("/sapden 3: %q", r)
		}
		if r := e.say(uLeader, "/quahan"); strings.Contains(r, "Trang 1/") && !strings.Contains(r, "Gõ /quahan 2 để xem trang sau.") {
			t.Errorf("/quahan paging hint: %q", r)
		}

		// Bad input: acknowledged with 200, a clear log line, no panic.
		for name, body := range map[string][]byte{
			"malformed": []byte(`{"ok":true,"result":{`),
			"oversized": bytes.Repeat([]byte("x"), 2<<20),
			"unknown event": zalofake.Envelope(map[string]any{"event_name": "message.poll.received",
				"message": map[string]any{"from": map[string]any{"id": uLeader}, "chat": map[string]any{"id": uLeader, "chat_type": "PRIVATE"}, "message_id": "poll1"}}),
		} {
			if code, err := e.fake.DeliverRaw(body, secret); err != nil || code != http.StatusOK {
				t.Errorf("%s: HTTP %d %v, want 200", name, code, err)
			}
		}
		for _, line := range []string{"webhook body is not a Zalo update", "webhook body over 1 MiB", `unknown event \"message.poll.received\"`} {
			if !strings.Contains(e.logs.String(), line) {
				t.Errorf("no log line %q", line)
			}
		}
		if r := e.say(uLeader, "/tra "+strings.Repeat("H", 10000)); r == "" {
			t.Error("no answer to a 10,000-character text")
		}
		if r := e.say(uLeader, `<b onclick="x">/quahan</b><script>alert(1)</script>`); r == "" {
			t.Error("no answer to an HTML-looking text")
		}
		if strings.Contains(e.logs.String(), "panic") {
			t.Errorf("a panic was logged:\n%s", e.logs)
		}
		if strings.Contains(e.logs.String(), secret) || strings.Contains(e.logs.String(), e.fake.Token()) {
			t.Error("a secret reached the logs")
		}
	})
}

// TestFaultsDeliverEverythingOnce: with 30 % of sends refused by 403
// (Zalo's internal error) and 429 (quota), every reply and every
// notification is delivered exactly once and no link is deactivated.
func TestFaultsDeliverEverythingOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		e := newZEnv(t, st, zalofake.Options{Seed: 42})
		leader := bottest.NewFixture(t, e.data).Leader
		const user = "7a1f00000000000leader"
		e.say(user, e.linkCode(store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: leader.Code}))
		e.fake.FailRandomly("sendMessage", 0.3, zalofake.InternalError(), zalofake.QuotaExceeded())
		for i := range 12 {
			if r := e.say(user, []string{"/quahan", "/sapden", "/trogiup"}[i%3]); r == "" {
				t.Errorf("command %d: no reply", i)
			}
		}

		// Notifications through the real dispatcher.
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		out := notify.NewMemOutbox(nil)
		var entries []notify.Entry
		for i := range 20 {
			entries = append(entries, notify.Entry{Key: fmt.Sprintf("digest/u/%d", i), Job: "digest", Recipient: "officer:" + leader.Code,
				Period: fmt.Sprint(i), Message: notify.Message{Platform: zalo.Platform, ChatID: user, Text: fmt.Sprintf("Nhắc việc số %d", i)}})
		}
		if _, err := out.Enqueue(ctx, entries); err != nil {
			t.Fatal(err)
		}
		permanent := 0
		d, err := notify.NewDispatcher(notify.DispatcherConfig{Outbox: out, Channels: map[string]notify.Channel{zalo.Platform: e.adapter()},
			Limits: map[string]notify.Limits{zalo.Platform: {}}, MaxAttempts: 30, PollInterval: 5 * time.Millisecond,
			Backoff:     func(int) time.Duration { return time.Millisecond },
			OnPermanent: func(context.Context, notify.Entry, *notify.SendError) { permanent++ }})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { defer close(done); _ = d.Run(ctx) }()
		ok := e.fake.WaitFor(wait, func(s zalofake.State) bool {
			n := 0
			for _, m := range s.Sent {
				if strings.HasPrefix(m.Text, "Nhắc việc số ") {
					n++
				}
			}
			return n >= 20
		})
		cancel()
		<-done
		if !ok {
			t.Fatal("not every notification was delivered")
		}
		counts := map[string]int{}
		for _, m := range e.fake.SentTo(user) {
			counts[m.Text]++
		}
		for i := range 20 {
			if c := counts[fmt.Sprintf("Nhắc việc số %d", i)]; c != 1 {
				t.Errorf("notification %d delivered %d times", i, c)
			}
		}
		if permanent != 0 {
			t.Errorf("%d entries failed permanently", permanent)
		}
		if e.fake.Calls("sendMessage") <= len(e.fake.SentBy("sendMessage")) {
			t.Error("no fault was injected")
		}
		if _, err := st.ChatDirectory(0).Account(context.Background(), zalo.Platform, user); err != nil {
			t.Errorf("the link is no longer active: %v", err)
		}
	})
}

// TestInvalidRequestDeactivatesOnThirdDay: a 404 fails the message; only
// when it repeats on three different days is the send Permanent.
func TestInvalidRequestDeactivatesOnThirdDay(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		fake := zalofake.New(zalofake.Options{})
		defer fake.Close()
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, ict)
		clock := newClockAt(now)
		b, err := zalo.New(ctx, zalo.Config{Token: fake.Token(), BaseURL: fake.BaseURL(), State: st.PlatformState(), Clock: clock,
			RatePerSecond: -1})
		if err != nil {
			t.Fatal(err)
		}
		fake.FailChat("c404", zalofake.InvalidRequest())
		send := func() notify.Class {
			return notify.ClassOf(b.Send(ctx, notify.Message{Platform: zalo.Platform, ChatID: "c404", Text: "Nhắc việc"}))
		}
		for i, step := range []struct {
			advance time.Duration
			want    notify.Class
		}{{0, notify.Retryable}, {time.Hour, notify.Retryable}, {24 * time.Hour, notify.Retryable}, {48 * time.Hour, notify.Permanent}} {
			clock.Advance(step.advance)
			if got := send(); got != step.want {
				t.Errorf("send %d: %v, want %v", i, got, step.want)
			}
		}
		// A chat that is reached again starts counting anew.
		fake.ClearChat("c404")
		if err := b.Send(ctx, notify.Message{Platform: zalo.Platform, ChatID: "c404", Text: "Nhắc việc"}); err != nil {
			t.Fatal(err)
		}
		fake.FailChat("c404", zalofake.InvalidRequest())
		if got := send(); got != notify.Retryable {
			t.Errorf("after a success: %v, want retryable", got)
		}
	})
}
