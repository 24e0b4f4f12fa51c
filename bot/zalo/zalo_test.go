package zalo

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/internal/bottest"
	"github.com/dondoc/dondoc/internal/zalofake"
	"github.com/dondoc/dondoc/models"
)

func setup(t *testing.T, cfg Config) (*zalofake.Server, *Bot, *bottest.Logs) {
	t.Helper()
	return setupWith(t, zalofake.Options{}, cfg)
}

func setupWith(t *testing.T, opts zalofake.Options, cfg Config) (*zalofake.Server, *Bot, *bottest.Logs) {
	t.Helper()
	fake := zalofake.New(opts)
	t.Cleanup(fake.Close)
	cfg.Token, cfg.BaseURL = fake.Token(), fake.BaseURL()
	var logs *bottest.Logs
	cfg.Logger, logs = bottest.Logger(slog.LevelDebug)
	bottest.PollDefaults(&cfg.PollTimeout, &cfg.Backoff)
	if cfg.RatePerSecond == 0 {
		cfg.RatePerSecond, cfg.RatePerChat = 10000, 10000
	}
	return fake, bottest.Start(t, func(ctx context.Context) (*Bot, error) { return New(ctx, cfg) }), logs
}

// directory: Zalo user u2 leads unit P1; group g100 is bound to P1.
func directory() *bot.MemDirectory { return bottest.Directory(Platform, "u2", "g100") }

// repliesOnceIdle waits for n sendMessage calls, then for the loop to be
// back in an empty long poll and b's handlers to end: after it, a reply
// beyond the n would have been sent already.
func repliesOnceIdle(t *testing.T, fake *zalofake.Server, b *Bot, n int) []zalofake.Sent {
	t.Helper()
	sent, err := fake.WaitSent(bottest.Wait, "sendMessage", n)
	if err != nil {
		t.Fatal(err)
	}
	if !fake.WaitPolling(bottest.Wait) {
		t.Fatal("the loop did not come back to polling")
	}
	b.Wait()
	return sent
}

func TestStartUp(t *testing.T) {
	fake, b, _ := setup(t, Config{})
	if b.ID() != fake.BotID() || b.Name() != fake.BotName() || fake.Calls("getMe") != 1 {
		t.Fatalf("id %q, name %q, getMe calls %d", b.ID(), b.Name(), fake.Calls("getMe"))
	}
	if b.Platform() != "zalo" {
		t.Errorf("platform %q", b.Platform())
	}
}

func TestBadToken(t *testing.T) {
	fake := zalofake.New(zalofake.Options{})
	defer fake.Close()
	const secret = "WRONGSECRET"
	_, err := New(context.Background(), Config{Token: "999:" + secret, BaseURL: fake.BaseURL()})
	if err == nil || !strings.Contains(err.Error(), "ZALO_BOT_TOKEN bị từ chối") || strings.Contains(err.Error(), secret) {
		t.Errorf("refused token: err = %v", err)
	}
	_, err = New(context.Background(), Config{Token: secret, BaseURL: fake.BaseURL()})
	if err == nil || !strings.Contains(err.Error(), "<bot id>:<secret>") || strings.Contains(err.Error(), secret) {
		t.Errorf("malformed token: err = %v", err)
	}
	if _, err := New(context.Background(), Config{Token: " ", BaseURL: fake.BaseURL()}); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty token: err = %v", err)
	}
	if _, err := New(context.Background(), Config{Token: "1:x", BaseURL: "bot-api.zaloplatforms.com"}); err == nil {
		t.Error("a base URL without a scheme was accepted")
	}
	if _, err := New(context.Background(), Config{Token: fake.Token(), BaseURL: fake.BaseURL(), WebhookURL: "https://x.example/zalo", WebhookSecret: "short"}); err == nil {
		t.Error("a 5-character webhook secret was accepted")
	}
	// A server that is down: the error must not carry the token either.
	fake.Close()
	_, err = New(context.Background(), Config{Token: "999:" + secret, BaseURL: fake.BaseURL()})
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("server down: err = %v", err)
	}
}

func TestPollingRoutesCommandsAndLinkCodes(t *testing.T) {
	fake, b, _ := setup(t, Config{Workers: 1})
	r := bot.NewRouter(bot.Config{Directory: directory()})
	var mu sync.Mutex
	var codes []string
	r.HandleOther(func(_ context.Context, q *bot.Request) (bot.Reply, error) {
		mu.Lock()
		codes = append(codes, q.Update.UserID+"="+q.Update.Text)
		mu.Unlock()
		return bot.Reply{Text: "Đã nhận mã kết nối."}, nil
	})
	bottest.Run(t, b, r)
	fake.PushText("u2", "/trogiup")
	sent, err := fake.WaitSent(bottest.Wait, "sendMessage", 1)
	if err != nil {
		t.Fatal(err)
	}
	if sent[0].ChatID != "u2" || !strings.Contains(sent[0].Text, "Hướng dẫn sử dụng") || strings.Contains(sent[0].Text, "<b>") {
		t.Errorf("help reply (HTML must be plain on Zalo): %+v", sent[0])
	}
	fake.PushText("u9", "K7P-2Q9X")
	sent, err = fake.WaitSent(bottest.Wait, "sendMessage", 2)
	if err != nil {
		t.Fatal(err)
	}
	if sent[1].ChatID != "u9" || sent[1].Text != "Đã nhận mã kết nối." {
		t.Errorf("link code reply: %+v", sent[1])
	}
	mu.Lock()
	defer mu.Unlock()
	if len(codes) != 1 || codes[0] != "u9=K7P-2Q9X" {
		t.Errorf("HandleOther got %v", codes)
	}
}

func TestPollingSurvivesErrorsAndDropsDuplicates(t *testing.T) {
	fake, b, logs := setup(t, Config{Workers: 1})
	fake.FailNext("getUpdates", 1, zalofake.ProxyError())
	fake.FailNext("getUpdates", 1, zalofake.InternalError())
	fake.FailNext("getUpdates", 1, zalofake.RequestTimeout())
	r := bot.NewRouter(bot.Config{Directory: directory()})
	bottest.Run(t, b, r)
	id := fake.PushText("u2", "/start")
	fake.PushDuplicate(id)
	fake.PushText("u2", "/start")
	sent := repliesOnceIdle(t, fake, b, 2)
	if !strings.HasPrefix(sent[0].Text, "Xin chào Trần Thị Bình") {
		t.Errorf("reply %q", sent[0].Text)
	}
	if n := len(fake.SentBy("sendMessage")); n != 2 {
		t.Errorf("%d replies, want 2 (the redelivered message must be dropped)", n)
	}
	if !strings.Contains(logs.String(), "non-JSON body") || !strings.Contains(logs.String(), "redelivered update dropped") {
		t.Errorf("logs:\n%s", logs)
	}
	if strings.Contains(logs.String(), fake.Token()) {
		t.Error("the token leaked into the logs")
	}
}

func TestGroupsBehindSetting(t *testing.T) {
	quahan := func(context.Context, *bot.Request) (bot.Reply, error) {
		return bot.Reply{Text: "Không có hồ sơ quá hạn."}, nil
	}
	t.Run("off", func(t *testing.T) {
		fake, b, logs := setupWith(t, zalofake.Options{NoGroups: true}, Config{Workers: 1})
		if b.CanJoinGroups() {
			t.Error("CanJoinGroups with can_join_groups false")
		}
		r := bot.NewRouter(bot.Config{Directory: directory()})
		r.Handle("quahan", quahan)
		bottest.Run(t, b, r)
		fake.PushGroupText("g100", "u2", "@dondoc /quahan")
		fake.PushText("u2", "/quahan")
		sent := repliesOnceIdle(t, fake, b, 1)
		if all := fake.SentBy("sendMessage"); len(all) != 1 || sent[0].ChatID != "u2" {
			t.Errorf("sends %+v: the group message must be ignored", all)
		}
		if !logs.WaitFor("can_join_groups is false", bottest.Wait) {
			t.Errorf("no debug log for the ignored group message:\n%s", logs)
		}
	})
	t.Run("on", func(t *testing.T) {
		fake, b, _ := setup(t, Config{Workers: 1})
		r := bot.NewRouter(bot.Config{Directory: directory()})
		r.Handle("quahan", quahan)
		bottest.Run(t, b, r)
		for _, text := range []string{"@dondoc /quahan", "@DonDoc quá hạn", "quahan @dondoc", "hello everyone", "@dondoc2 quahan"} {
			fake.PushGroupText("g100", "u2", text)
		}
		fake.Push(fake.Update(zalofake.Message{ChatID: "g100", FromID: "u2", Group: true, Text: "qua han", ReplyToBot: true}))
		sent := repliesOnceIdle(t, fake, b, 4)
		if n := len(fake.SentBy("sendMessage")); n != 4 {
			t.Errorf("%d replies, want 4 (two messages were not addressed to the bot)", n)
		}
		for _, s := range sent {
			if s.ChatID != "g100" || s.Text != "Không có hồ sơ quá hạn." {
				t.Errorf("group reply %+v", s)
			}
		}
	})
}

func TestWebhook(t *testing.T) {
	const secret = "s3cret-Token_0123"
	fake, b, _ := setup(t, Config{WebhookURL: "https://dondoc.example.gov.vn/zalo", WebhookSecret: secret})
	ctx := context.Background()
	if err := b.SetWebhook(ctx); err != nil {
		t.Fatal(err)
	}
	if url, s := fake.WebhookSet(); url != "https://dondoc.example.gov.vn/zalo" || s != secret {
		t.Errorf("webhook set: %q %q", url, s)
	}
	if url, err := b.WebhookInfo(ctx); err != nil || url != "https://dondoc.example.gov.vn/zalo" {
		t.Errorf("WebhookInfo = %q, %v", url, err)
	}

	var mu sync.Mutex
	var got []bot.Update
	handled := make(chan struct{}, 10)
	h := b.WebhookHandler(func(_ context.Context, u bot.Update) {
		mu.Lock()
		got = append(got, u)
		mu.Unlock()
		handled <- struct{}{}
	})
	body := zalofake.Envelope(fake.TextUpdate("u2", "u2", "/hoso", false))
	post := func(secret string, body []byte) int {
		req := httptest.NewRequest(http.MethodPost, "/zalo", bytes.NewReader(body))
		if secret != "" {
			req.Header.Set(SecretHeader, secret)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	for _, tc := range []struct {
		name, secret string
		body         []byte
		want         int
	}{
		{"missing secret", "", body, 401},
		{"wrong secret", secret + "x", body, 401},
		{"not JSON", secret, []byte("<html>"), 200},
		{"an array", secret, []byte(`[{"ok":true}]`), 200},
		{"no result", secret, []byte(`{"ok":true}`), 200},
		{"oversized", secret, bytes.Repeat([]byte("x"), maxWebhookBody+10), 200},
		{"unknown event", secret, []byte(`{"ok":true,"result":{"event_name":"message.poll.received","message":{"from":{"id":"u2"},"chat":{"id":"u2","chat_type":"PRIVATE"},"message_id":"p1"}}}`), 200},
		{"good", secret, body, 200},
		{"redelivered", secret, body, 200},
		{"sticker", secret, []byte(`{"ok":true,"result":{"event_name":"message.sticker.received","message":{"from":{"id":"u2"},"chat":{"id":"u2","chat_type":"PRIVATE"},"message_id":"s1"}}}`), 200},
	} {
		if code := post(tc.secret, tc.body); code != tc.want {
			t.Errorf("%s: HTTP %d, want %d", tc.name, code, tc.want)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/zalo", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: HTTP %d", rec.Code)
	}
	<-handled
	b.Wait()
	if st, err := fake.WaitSent(bottest.Wait, "sendMessage", 1); err != nil || !strings.Contains(st[0].Text, "nhãn dán") {
		t.Errorf("sticker answer %+v, %v", st, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("handled %d updates, want 1: %+v", len(got), got)
	}
	u := got[0]
	if u.Platform != "zalo" || u.ChatType != bot.ChatPrivate || u.UserID != "u2" || u.UserName != "Người dùng u2" ||
		u.Text != "/hoso" || u.UpdateID == 0 || u.Bot != b.Name() {
		t.Errorf("update %+v", u)
	}
	if err := b.DeleteWebhook(ctx); err != nil {
		t.Fatal(err)
	}
	if url, _ := fake.WebhookSet(); url != "" {
		t.Errorf("webhook still %q", url)
	}
}

func TestPagingByTypedCommand(t *testing.T) {
	fake, b, _ := setup(t, Config{Workers: 1})
	r := bot.NewRouter(bot.Config{Directory: directory()})
	var items []string
	for i := range 300 {
		items = append(items, "Hồ sơ H000"+string(rune('A'+i%26))+" — quá hạn 3 ngày, chuyên viên Nguyễn Văn An")
	}
	r.Handle("quahan", func(_ context.Context, q *bot.Request) (bot.Reply, error) {
		return bot.Reply{Pages: bot.Paginate("Hồ sơ quá hạn:", items, q.TextLimit())}, nil
	})
	bottest.Run(t, b, r)
	// sentWith waits for a message containing sub and returns every send.
	sentWith := func(sub string) []zalofake.Sent {
		t.Helper()
		ok := fake.WaitFor(bottest.Wait, func(st zalofake.State) bool {
			for _, s := range st.Sent {
				if strings.Contains(s.Text, sub) {
					return true
				}
			}
			return false
		})
		if !ok {
			t.Fatalf("no message with %q: %+v", sub, fake.Sent())
		}
		return fake.Sent()
	}
	fake.PushText("u2", "/overdue")
	sent := sentWith("Gõ /quahan 2 để xem trang sau.")
	if !strings.Contains(sent[0].Text, "Trang 1/") {
		t.Errorf("first page: %q", sent[0].Text)
	}
	n := len(sent)
	fake.PushText("u2", "/quahan 2")
	sent = sentWith("Gõ /quahan 3 để xem trang sau.")
	if p := sent[n].Text; !strings.Contains(p, "Trang 2/") {
		t.Errorf("second page: %q", p)
	}
	for _, s := range sent {
		if len([]rune(s.Text)) > MaxText {
			t.Errorf("a message of %d characters", len([]rune(s.Text)))
		}
	}
	// Another chat has no listing: "/quahan 2" reaches the handler as an argument.
	d := directory()
	d.Link(Platform, "u3", bot.Person{Name: "Lê Văn Cường", UnitCode: "P1", Role: models.RoleLeader})
	r2 := bot.NewRouter(bot.Config{Directory: d})
	var page, args = -1, ""
	r2.Handle("quahan", func(_ context.Context, q *bot.Request) (bot.Reply, error) {
		page, args = q.Page, q.Command.ArgText
		return bot.Reply{}, nil
	})
	in, why := b.convert(rawFrom(fake.TextUpdate("u3", "u3", "/quahan 2", false)))
	if why != "" {
		t.Fatal(why)
	}
	u := in.update
	r2.Dispatch(context.Background(), u, b)
	if page != 0 || args != "2" {
		t.Errorf("page %d, args %q", page, args)
	}
}

func rawFrom(m map[string]any) rawResult {
	var r rawResult
	rs, err := decodeResults(zalofake.Envelope(m)[len(`{"ok":true,"result":`) : len(zalofake.Envelope(m))-1])
	if err != nil || len(rs) != 1 {
		panic(errors.Join(err, errors.New("rawFrom")))
	}
	r = rs[0]
	return r
}
