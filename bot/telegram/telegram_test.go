package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/internal/bottest"
	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/notify"
)

func setup(t *testing.T, cfg Config) (*tgfake.Server, *Bot, *bottest.Logs) {
	t.Helper()
	fake := tgfake.New(tgfake.Options{})
	t.Cleanup(fake.Close)
	cfg.Token, cfg.Endpoint = fake.Token(), fake.Endpoint()
	var logs *bottest.Logs
	cfg.Logger, logs = bottest.Logger(slog.LevelInfo)
	bottest.PollDefaults(&cfg.PollTimeout, &cfg.Backoff)
	return fake, bottest.Start(t, func(ctx context.Context) (*Bot, error) { return New(ctx, cfg) }), logs
}

// directory: user 2 leads unit P1; group -100 is bound to P1.
func directory() *bot.MemDirectory { return bottest.Directory(Platform, "2", "-100") }

func TestStartUpAndCommandMenus(t *testing.T) {
	fake, b, _ := setup(t, Config{})
	if b.Username() != fake.BotUsername() || fake.Calls("getMe") != 1 {
		t.Fatalf("username %q, getMe calls %d", b.Username(), fake.Calls("getMe"))
	}
	if err := b.SetCommands(context.Background()); err != nil {
		t.Fatal(err)
	}
	sets := fake.CommandsSet()
	if len(sets) != 2 || sets[0].Scope != "all_private_chats" || sets[1].Scope != "all_group_chats" {
		t.Fatalf("setMyCommands calls: %+v", sets)
	}
	menu := func(i int) map[string]string {
		m := map[string]string{}
		for _, c := range sets[i].Commands {
			m[c.Command] = c.Description
		}
		return m
	}
	priv, group := menu(0), menu(1)
	if priv["hoso"] != "Hồ sơ tôi đang xử lý" || priv["start"] == "" || priv["maketnoi"] == "" {
		t.Errorf("private menu: %v", priv)
	}
	if _, ok := group["hoso"]; ok || group["lienket"] != "Gắn nhóm này với một đơn vị" || group["quahan"] != "Hồ sơ quá hạn" {
		t.Errorf("group menu: %v", group)
	}
}

func TestBadToken(t *testing.T) {
	fake := tgfake.New(tgfake.Options{})
	defer fake.Close()
	_, err := New(context.Background(), Config{Token: "999:WRONGTOKEN", Endpoint: fake.Endpoint()})
	if err == nil || !strings.Contains(err.Error(), "TELEGRAM_BOT_TOKEN bị từ chối") || strings.Contains(err.Error(), "WRONGTOKEN") {
		t.Errorf("err = %v", err)
	}
	// A server that is down: the error must not carry the token either.
	fake.Close()
	_, err = New(context.Background(), Config{Token: "999:WRONGTOKEN", Endpoint: fake.Endpoint()})
	if err == nil || strings.Contains(err.Error(), "WRONGTOKEN") {
		t.Errorf("err = %v", err)
	}
	if _, err := New(context.Background(), Config{Token: "1:x", Endpoint: "http://127.0.0.1/bot"}); err == nil {
		t.Error("an endpoint without the two verbs was accepted")
	}
}

func TestPollingRoutesCommandsAndIgnoresOtherBots(t *testing.T) {
	fake, b, _ := setup(t, Config{Workers: 1})
	bottest.Run(t, b, bot.NewRouter(bot.Config{Directory: directory()}))
	fake.PushMessage(2, 2, "/help")
	fake.PushMessage(2, 2, "/trogiup@otherbot")
	fake.PushMessage(2, 2, "/start@"+fake.BotUsername())
	sent, err := fake.WaitSent(bottest.Wait, "sendMessage", 2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sent[0].Text, "Hướng dẫn sử dụng") || sent[0].ParseMode != "HTML" || sent[0].ChatID != "2" {
		t.Errorf("help reply: %+v", sent[0])
	}
	if !strings.HasPrefix(sent[1].Text, "Xin chào Trần Thị Bình") {
		t.Errorf("second reply %q: the command for @otherbot was not ignored", sent[1].Text)
	}
	b.Wait()
	if n := len(fake.SentBy("sendMessage")); n != 2 {
		t.Errorf("%d messages sent, want 2", n)
	}
}

func TestReplyInForumTopic(t *testing.T) {
	fake, b, _ := setup(t, Config{})
	r := bot.NewRouter(bot.Config{Directory: directory()})
	r.Handle("quahan", func(context.Context, *bot.Request) (bot.Reply, error) {
		return bot.Reply{Text: "Không có hồ sơ quá hạn."}, nil
	})
	bottest.Run(t, b, r)
	fake.PushGroupCommand(-100, 2, 42, "/quahan@"+fake.BotUsername())
	sent, err := fake.WaitSent(bottest.Wait, "sendMessage", 1)
	if err != nil {
		t.Fatal(err)
	}
	if sent[0].ChatID != "-100" || sent[0].ThreadID != 42 || sent[0].Text != "Không có hồ sơ quá hạn." {
		t.Errorf("reply: %+v", sent[0])
	}
}

func TestPagingEditsTheMessage(t *testing.T) {
	fake, b, _ := setup(t, Config{})
	r := bot.NewRouter(bot.Config{Directory: directory()})
	r.Handle("quahan", func(_ context.Context, q *bot.Request) (bot.Reply, error) {
		var items []string
		for i := range 400 {
			items = append(items, "Hồ sơ H"+strings.Repeat("0", 4)+string(rune('A'+i%26))+" — quá hạn 3 ngày")
		}
		return bot.Reply{Pages: bot.Paginate("Hồ sơ quá hạn:", items, q.TextLimit())}, nil
	})
	bottest.Run(t, b, r)
	fake.PushMessage(2, 2, "/overdue")
	sent, err := fake.WaitSent(bottest.Wait, "sendMessage", 1)
	if err != nil {
		t.Fatal(err)
	}
	var kb struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(sent[0].ReplyMarkup), &kb); err != nil || len(kb.InlineKeyboard) == 0 || kb.InlineKeyboard[0][0].Text != "Sau »" {
		t.Fatalf("keyboard %q: %v", sent[0].ReplyMarkup, err)
	}
	if n := len([]rune(sent[0].Text)); n > 4096 || !strings.Contains(sent[0].Text, "Trang 1/") {
		t.Fatalf("first page: %d characters", n)
	}
	fake.PushCallback(2, 2, sent[0].MessageID, kb.InlineKeyboard[0][0].CallbackData)
	edits, err := fake.WaitSent(bottest.Wait, "editMessageText", 1)
	if err != nil {
		t.Fatal(err)
	}
	if edits[0].MessageID != sent[0].MessageID || !strings.Contains(edits[0].Text, "Trang 2/") || !strings.Contains(edits[0].ReplyMarkup, "« Trước") {
		t.Errorf("edit: %+v", edits[0])
	}
	if _, err := fake.WaitSent(bottest.Wait, "answerCallbackQuery", 1); err != nil {
		t.Error(err)
	}
}

func TestHandlerPanicGetsPoliteReply(t *testing.T) {
	fake, b, logs := setup(t, Config{})
	r := bot.NewRouter(bot.Config{Directory: directory(), Logger: b.log})
	r.Handle("hoso", func(context.Context, *bot.Request) (bot.Reply, error) { panic("boom") })
	bottest.Run(t, b, r)
	fake.PushMessage(2, 2, "/hoso")
	sent, err := fake.WaitSent(bottest.Wait, "sendMessage", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sent[0].Text, "Xin lỗi, đã có lỗi") || !strings.Contains(sent[0].Text, "mã lỗi") {
		t.Errorf("reply %q", sent[0].Text)
	}
	if !strings.Contains(logs.String(), "handler panic") {
		t.Error("panic not logged")
	}
}

func TestWebhookSecretAndDuplicates(t *testing.T) {
	fake, b, _ := setup(t, Config{WebhookURL: "https://dondoc.example/tg", WebhookSecret: "s3cr3t_-X"})
	if err := b.SetWebhook(context.Background()); err != nil {
		t.Fatal(err)
	}
	if u, s := fake.Webhook(); u != "https://dondoc.example/tg" || s != "s3cr3t_-X" {
		t.Errorf("webhook %q %q", u, s)
	}
	r := bot.NewRouter(bot.Config{Directory: directory()})
	srv := httptest.NewServer(b.WebhookHandler(func(ctx context.Context, u bot.Update) { r.Dispatch(ctx, u, b) }))
	defer srv.Close()
	update := fake.Update(2, 2, 0, "/start")
	update["update_id"] = 77
	body, _ := json.Marshal(update)
	post := func(secret string) int {
		return bottest.PostUpdate(t, srv.URL, bottest.TelegramSecretHeader, secret, bytes.NewReader(body))
	}
	if c := post(""); c != 401 {
		t.Errorf("no secret: %d", c)
	}
	if c := post("wrong"); c != 401 {
		t.Errorf("wrong secret: %d", c)
	}
	if c := post("s3cr3t_-X"); c != 200 {
		t.Errorf("right secret: %d", c)
	}
	if c := post("s3cr3t_-X"); c != 200 { // Telegram redelivers
		t.Errorf("redelivery: %d", c)
	}
	b.Wait()
	if sent := fake.SentBy("sendMessage"); len(sent) != 1 {
		t.Errorf("%d replies to one update delivered twice", len(sent))
	}
	resp, err := http.Get(srv.URL)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET: %d", resp.StatusCode)
		}
	}
	if _, err := New(context.Background(), Config{Token: fake.Token(), Endpoint: fake.Endpoint(), WebhookURL: "https://x", WebhookSecret: "bad secret!"}); err == nil {
		t.Error("an invalid webhook secret was accepted")
	}
}

func TestSendClassifiesErrors(t *testing.T) {
	tests := []struct {
		name      string
		method    string
		fault     tgfake.Fault
		text      string
		class     notify.Class
		retry     time.Duration
		migrateTo string
	}{
		{"429", "sendMessage", tgfake.RateLimited(7), "x", notify.RateLimited, 7 * time.Second, ""},
		{"502 html page", "sendMessage", tgfake.BadGateway(), "x", notify.Retryable, 0, ""},
		{"blocked", "sendMessage", tgfake.Blocked(), "x", notify.Permanent, 0, ""},
		{"kicked", "sendMessage", tgfake.Kicked(), "x", notify.Permanent, 0, ""},
		{"chat not found", "sendMessage", tgfake.ChatNotFound(), "x", notify.Permanent, 0, ""},
		{"migrated", "sendMessage", tgfake.Migrated(-1001234567890), "x", notify.Migrated, 0, "-1001234567890"},
		{"bad markup", "sendMessage", tgfake.Fault{}, "<b>đậm <i>nghiêng</b>", notify.BadMarkup, 0, ""},
		{"timeout", "sendMessage", tgfake.Delay(3 * time.Second), "x", notify.Retryable, 0, ""},
		{"document blocked", "sendDocument", tgfake.Blocked(), "x", notify.Permanent, 0, ""},
		{"document 429", "sendDocument", tgfake.RateLimited(2), "x", notify.RateLimited, 2 * time.Second, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, b, _ := setup(t, Config{HTTPClient: &http.Client{Timeout: 300 * time.Millisecond}})
			if tt.fault != (tgfake.Fault{}) {
				fake.FailNext(tt.method, 1, tt.fault)
			}
			m := notify.Message{ChatID: "-100", Text: tt.text, Format: notify.FormatHTML}
			if tt.method == "sendDocument" {
				m.Document = &notify.File{Name: "a.xlsx", Data: []byte("x")}
			}
			err := b.Send(context.Background(), m)
			var se *notify.SendError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, not a *notify.SendError", err)
			}
			if se.Class != tt.class || se.RetryAfter != tt.retry || se.MigrateTo != tt.migrateTo {
				t.Errorf("got %s retry %v migrate %q (%v)", se.Class, se.RetryAfter, se.MigrateTo, err)
			}
		})
	}
}

func TestReplyWaitsOutRateLimit(t *testing.T) {
	fake, b, _ := setup(t, Config{})
	fake.FailNext("sendMessage", 1, tgfake.RateLimited(1))
	start := time.Now()
	err := b.Reply(context.Background(), bot.Update{ChatID: "2", ChatType: bot.ChatPrivate}, bot.Reply{Text: "Xin chào"})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < time.Second {
		t.Errorf("retried after %v, before retry_after", el)
	}
	if fake.Calls("sendMessage") != 2 || len(fake.SentBy("sendMessage")) != 1 {
		t.Errorf("calls %d, sent %d", fake.Calls("sendMessage"), len(fake.SentBy("sendMessage")))
	}
	// A retry_after beyond MaxRetryWait is returned, not waited for.
	fake.FailNext("sendMessage", 1, tgfake.RateLimited(3600))
	err = b.Reply(context.Background(), bot.Update{ChatID: "2"}, bot.Reply{Text: "x"})
	if notify.ClassOf(err) != notify.RateLimited {
		t.Errorf("err = %v", err)
	}
}

func TestReplyResendsBadMarkupAsPlainText(t *testing.T) {
	fake, b, _ := setup(t, Config{})
	err := b.Reply(context.Background(), bot.Update{ChatID: "2"},
		bot.Reply{Text: "<b>Hồ sơ <i>quá hạn</b> &amp; cần xử lý", Format: notify.FormatHTML})
	if err != nil {
		t.Fatal(err)
	}
	sent := fake.SentBy("sendMessage")
	if len(sent) != 1 || sent[0].ParseMode != "" || sent[0].Text != "Hồ sơ quá hạn & cần xử lý" {
		t.Errorf("sent %+v", sent)
	}
}

func TestSendDocumentKeepsUTF8NameAndThread(t *testing.T) {
	fake, b, _ := setup(t, Config{})
	name := "Báo cáo TTHC tháng 10-2026.xlsx"
	err := b.Send(context.Background(), notify.Message{ChatID: "-100", ThreadID: 9, Silent: true, Text: "Báo cáo tháng 10",
		Document: &notify.File{Name: name, Data: []byte("PK\x03\x04")}})
	if err != nil {
		t.Fatal(err)
	}
	sent := fake.SentBy("sendDocument")
	if len(sent) != 1 || sent[0].FileName != name || string(sent[0].FileData) != "PK\x03\x04" ||
		sent[0].ThreadID != 9 || !sent[0].DisableNotification || sent[0].Text != "Báo cáo tháng 10" {
		t.Errorf("sent %+v", sent)
	}
	if err := b.Send(context.Background(), notify.Message{ChatID: "2", Photo: &notify.File{Name: "biểu đồ.png", Data: []byte("png")}}); err != nil {
		t.Fatal(err)
	}
	if p := fake.SentBy("sendPhoto"); len(p) != 1 || p[0].FileName != "biểu đồ.png" {
		t.Errorf("photo %+v", p)
	}
}

func TestDocumentUpdateAndDownload(t *testing.T) {
	fake, b, _ := setup(t, Config{})
	got := make(chan bot.Update, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = b.Run(ctx, func(_ context.Context, u bot.Update) { got <- u }) }()
	defer func() { cancel(); <-done }()
	fake.PushDocument(2, 2, "hồ sơ tháng 10.csv", "text/csv", []byte("ma_ho_so\nH1\n"))
	var u bot.Update
	select {
	case u = <-got:
	case <-time.After(bottest.Wait):
		t.Fatal("no update")
	}
	if u.Document == nil || u.Document.FileName != "hồ sơ tháng 10.csv" || u.Document.Size != 12 || u.ChatType != bot.ChatPrivate {
		t.Fatalf("update %+v", u)
	}
	rc, err := b.Download(context.Background(), u.Document.FileID)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, _ := io.ReadAll(rc)
	if string(data) != "ma_ho_so\nH1\n" {
		t.Errorf("downloaded %q", data)
	}
	if _, err := b.Download(context.Background(), "nosuch"); err == nil {
		t.Error("unknown file id downloaded")
	}
}

func TestSecondPollerConflictIsLogged(t *testing.T) {
	fake, b1, logs := setup(t, Config{})
	cfg := b1.cfg
	b2, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := bot.NewRouter(bot.Config{Directory: directory()})
	bottest.Run(t, b1, r)
	bottest.Run(t, b2, r)
	if !fake.WaitFor(bottest.Wait, func(st tgfake.State) bool { return st.Conflicts > 0 }) {
		t.Fatal("no 409 conflict")
	}
	if !logs.WaitFor("another dondoc instance is polling this bot", bottest.Wait) {
		t.Errorf("conflict not logged clearly: %s", logs)
	}
}

func TestPollingSurvivesBadGateway(t *testing.T) {
	fake, b, logs := setup(t, Config{})
	fake.FailNext("getUpdates", 2, tgfake.BadGateway())
	bottest.Run(t, b, bot.NewRouter(bot.Config{Directory: directory()}))
	fake.PushMessage(2, 2, "/start")
	if _, err := fake.WaitSent(bottest.Wait, "sendMessage", 1); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "class=retryable") {
		t.Errorf("502 not logged as retryable: %s", logs)
	}
}

func TestReplyRetriesTransientFailure(t *testing.T) {
	fake, b, _ := setup(t, Config{})
	fake.FailNext("sendMessage", 1, tgfake.BadGateway())
	if err := b.Reply(context.Background(), bot.Update{ChatID: "2"}, bot.Reply{Text: "x"}); err != nil {
		t.Fatal(err)
	}
	fake.FailNext("sendMessage", 1, tgfake.Blocked())
	err := b.Reply(context.Background(), bot.Update{ChatID: "2"}, bot.Reply{Text: "x"})
	if notify.ClassOf(err) != notify.Permanent || fake.Calls("sendMessage") != 3 {
		t.Errorf("blocked: %v after %d calls (a permanent failure must not be retried)", err, fake.Calls("sendMessage"))
	}
}

func TestWebhookRejectsBadBody(t *testing.T) {
	_, b, _ := setup(t, Config{WebhookURL: "https://x/tg", WebhookSecret: "abc"})
	srv := httptest.NewServer(b.WebhookHandler(func(context.Context, bot.Update) { t.Error("handler called") }))
	defer srv.Close()
	if c := bottest.PostUpdate(t, srv.URL, bottest.TelegramSecretHeader, "abc", strings.NewReader("<html>")); c != http.StatusBadRequest {
		t.Errorf("status %d", c)
	}
}
