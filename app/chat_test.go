package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot/telegram"
	"github.com/dondoc/dondoc/internal/bottest"
	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/web"
)

// demoDB builds the sample province with dondoc demo --no-console and
// returns its env and the code of the province's top leader.
func demoDB(t testing.TB) (env map[string]string, leader string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "demo.db")
	env = map[string]string{"DONDOC_NOW": "2026-11-27T10:00:00+07:00", "LOG_LEVEL": "warn", "DATABASE_URL": db,
		"DONDOC_ENV_FILE": filepath.Join(t.TempDir(), "none.env")}
	if code, _, errs := runStdin(t, env, "", "demo", "--db", db, "--no-console"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errs)
	}
	st, err := store.Open(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	units, _ := st.Units(context.Background())
	officers, _ := st.Officers(context.Background())
	tree, err := models.NewUnitTree(units)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range officers {
		if o.Role == models.RoleLeader && o.UnitCode == tree.Roots()[0] && (leader == "" || o.Code < leader) {
			leader = o.Code
		}
	}
	return env, leader
}

func runStdin(t testing.TB, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return runEnv(mapEnv(env), stdin, args...)
}

func TestConsoleCommand(t *testing.T) {
	env, leader := demoDB(t)
	// The overdue list fits one page since reminders judge by the effective
	// deadline; the due-soon list over 10 working days pages.
	// The console shows replies as Zalo does: plain text, paged by typing.
	code, out, errs := runStdin(t, env, "/quahan\n/sapden 10\n/sapden 10 trang 2\n/tra KHONG-CO\n/maketnoi x\n/nguyco\n/caidat\n", "console", "--as", leader)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	wantLines(t, "console output", out, "Hồ sơ quá hạn — UBND tỉnh Phú Lâm", "Trang 1/", "Gõ /sapden 10 trang 2 để xem trang sau.",
		"Trang 2/", "Không tìm thấy hồ sơ KHONG-CO", "Lệnh /maketnoi không dành cho vai trò lãnh đạo",
		"Hồ sơ có nguy cơ trễ hạn — UBND tỉnh Phú Lâm",
		"/caidat dùng được khi dondoc serve đang chạy") // no channel here: said plainly, not "đã có lỗi"
	if strings.Contains(out, "đã có lỗi") {
		t.Errorf("console output has an internal error:\n%s", out)
	}
	for _, m := range strings.Split(out, "\n\n") {
		if n := len([]rune(m)); n > 2000 {
			t.Errorf("a console message of %d characters, over Zalo's 2,000", n)
		}
	}
	if strings.Contains(out, "<b>") || strings.Contains(out, "Người nộp") || strings.Contains(out, "gõ < hoặc >") {
		t.Errorf("console output has HTML or an applicant of someone else:\n%s", out)
	}
	// As a group of a unit: answers grouped by officer.
	code, out, errs = runStdin(t, env, "/quahan\n", "console", "--as", leader, "--group", "X01")
	if code != 0 || !strings.Contains(out, "theo từng cán bộ") {
		t.Errorf("group console: exit %d %s\n%s", code, errs, out)
	}
	if code, _, _ := runStdin(t, env, "", "console"); code != 2 {
		t.Errorf("console without --as: exit %d, want 2", code)
	}
	if code, _, errs := runStdin(t, env, "", "console", "--as", "khong-co"); code != 1 || !strings.Contains(errs, "không có cán bộ") {
		t.Errorf("unknown officer: exit %d %s", code, errs)
	}
}

func TestDemoOpensTheConsoleAsTheSecretariat(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	env := map[string]string{"DONDOC_NOW": "2026-11-27T10:00:00+07:00", "LOG_LEVEL": "warn"}
	code, out, errs := runStdin(t, env, "/quahan\n", "demo", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "trong vai chuyên viên Văn phòng UBND tỉnh") || !strings.Contains(out, "Hồ sơ quá hạn — toàn bộ các đơn vị") {
		t.Errorf("demo did not answer /quahan as the provincial secretariat:\n%s", out)
	}
}

func TestLinkCommand(t *testing.T) {
	env, leader := demoDB(t)
	code, out, errs := runWith(t, env, "link", leader)
	if code != 0 || !regexp.MustCompile(`/start [A-Za-z0-9_-]{22}`).MatchString(out) || strings.Contains(out, "t.me") {
		t.Errorf("link: exit %d %s\n%s", code, errs, out)
	}
	code, out, errs = runWith(t, env, "link", "--unit", "X01.KT")
	if code != 0 || !strings.Contains(out, "/lienket ") {
		t.Errorf("link --unit: exit %d %s\n%s", code, errs, out)
	}
	if code, _, errs := runWith(t, env, "link", "khong-co"); code != 1 || !strings.Contains(errs, "không có cán bộ") {
		t.Errorf("unknown officer: exit %d %s", code, errs)
	}
	if code, _, _ := runWith(t, env, "link"); code != 2 {
		t.Errorf("link without argument: exit %d", code)
	}
	// With a bot token: the deep link, the username from getMe.
	fake := tgfake.New(tgfake.Options{})
	defer fake.Close()
	env["TELEGRAM_BOT_TOKEN"], env["TELEGRAM_API_ENDPOINT"] = fake.Token(), fake.Endpoint()
	code, out, errs = runWith(t, env, "link", leader)
	if code != 0 || !strings.Contains(out, "https://t.me/"+fake.BotUsername()+"?start=") {
		t.Errorf("link with a token: exit %d %s\n%s", code, errs, out)
	}
}

// chatApp returns an app on the demo database and a fake Bot API.
func chatApp(t *testing.T, webhook string) (a *app, st *store.Store, fake *tgfake.Server, tg *telegram.Bot, linkCode string) {
	t.Helper()
	return chatAppWith(t, webhook, tgfake.Options{})
}

// chatAppWith is chatApp with the fake Telegram's options.
func chatAppWith(t *testing.T, webhook string, fo tgfake.Options) (a *app, st *store.Store, fake *tgfake.Server, tg *telegram.Bot, linkCode string) {
	t.Helper()
	env, leader := demoDB(t)
	fake = tgfake.New(fo)
	t.Cleanup(fake.Close)
	env["TELEGRAM_BOT_TOKEN"], env["TELEGRAM_API_ENDPOINT"] = fake.Token(), fake.Endpoint()
	if webhook != "" {
		env["TELEGRAM_WEBHOOK_URL"], env["TELEGRAM_WEBHOOK_SECRET"] = webhook, "s3cret"
	}
	a, st = openApp(t, env)
	cfg := a.cfg
	linkCode, err := st.CreateLinkCode(context.Background(), store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: leader, Now: cfg.Now})
	if err != nil {
		t.Fatal(err)
	}
	tg, err = telegram.New(context.Background(), telegram.Config{Token: cfg.TelegramToken, Endpoint: cfg.TelegramAPIEndpoint,
		WebhookURL: cfg.TelegramWebhookURL, WebhookSecret: cfg.TelegramWebhookSecret, PollTimeout: time.Second,
		Backoff: func(int) time.Duration { return 10 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	return a, st, fake, tg, linkCode
}

func TestStartChatWebhook(t *testing.T) {
	a, st, fake, tg, linkCode := chatApp(t, "https://dondoc.example.vn/tg/hook")
	srv := web.New(web.Options{Logger: discardLogger()})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wait, err := startChat(ctx, a, st, srv, tg)
	if err != nil {
		t.Fatal(err)
	}
	if url, secret := fake.Webhook(); url != "https://dondoc.example.vn/tg/hook" || secret != "s3cret" {
		t.Errorf("webhook set to %q %q", url, secret)
	}
	if len(fake.CommandsSet()) == 0 {
		t.Error("command menus not set")
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	post := func(text string, secret string) int {
		body, _ := json.Marshal(map[string]any{"update_id": time.Now().UnixNano(), "message": fake.Update(42, 42, 0, text)["message"]})
		return bottest.PostUpdate(t, hs.URL+"/tg/hook", bottest.TelegramSecretHeader, secret, bytes.NewReader(body))
	}
	if c := post("/quahan", "wrong"); c != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d", c)
	}
	if c := post("/start "+linkCode, "s3cret"); c != http.StatusOK {
		t.Fatalf("webhook: %d", c)
	}
	if _, err := fake.WaitSent(5*time.Second, "sendMessage", 1); err != nil {
		t.Fatal(err)
	}
	post("/quahan", "s3cret")
	sent, err := fake.WaitSent(5*time.Second, "sendMessage", 2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sent[0].Text, "Xin chào") || !strings.Contains(sent[1].Text, "Hồ sơ quá hạn") || sent[1].ParseMode != "HTML" {
		t.Errorf("webhook replies: %q / %q", sent[0].Text, sent[1].Text)
	}
	cancel()
	wait()
}

func TestStartChatPolling(t *testing.T) {
	a, st, fake, tg, linkCode := chatApp(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	wait, err := startChat(ctx, a, st, nil, tg)
	if err != nil {
		t.Fatal(err)
	}
	fake.PushMessage(43, 43, "/start "+linkCode)
	sent, err := fake.WaitSent(5*time.Second, "sendMessage", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sent[0].Text, "Xin chào") {
		t.Errorf("polling reply: %q", sent[0].Text)
	}
	cancel()
	wait()
}
