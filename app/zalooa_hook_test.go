package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot/zalooa"
	"github.com/dondoc/dondoc/config"
	"github.com/dondoc/dondoc/internal/zalooafake"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
	"github.com/dondoc/dondoc/web"
)

// TestStartZaloOA: serve's Zalo OA wiring on the demo database — the
// "zalo_oa" entry of the wiring list opened (its limits from its
// description) and served: the webhook mounted at ZALO_OA_WEBHOOK_PATH, a
// secretariat member linked by sending the code to the OA, an export sent
// as a file imported with the same importer as the CLI and Telegram (good
// row stored, the error CSV sent back as a file), /readyz ready.
func TestStartZaloOA(t *testing.T) {
	env, _ := demoDB(t)
	fake := zalooafake.New(zalooafake.Options{})
	t.Cleanup(fake.Close)
	env["ZALO_OA_APP_ID"], env["ZALO_OA_SECRET_KEY"], env["ZALO_OA_REFRESH_TOKEN"] = fake.AppID(), fake.SecretKey(), fake.FirstRefreshToken()
	env["ZALO_OA_API_BASE"], env["ZALO_OA_OAUTH_BASE"] = fake.URL(), fake.URL()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a := &app{cfg: cfg, log: discardLogger(), getenv: func(k string) string { return env[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := openStore(ctx, a, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	officers, err := st.Officers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var secretariat string
	for _, o := range officers {
		if o.Role == models.RoleSecretariat && o.Active {
			secretariat = o.Code
			break
		}
	}
	code, err := st.CreateLinkCode(ctx, store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: secretariat, Now: cfg.Now})
	if err != nil {
		t.Fatal(err)
	}

	chs, err := openChannels(ctx, a, st)
	if err != nil {
		t.Fatal(err)
	}
	channels := channelMap(chs)
	if len(chs) != 1 || channels["zalo_oa"] == nil {
		t.Fatalf("opened %v; want the zalo_oa delivery channel from the wiring list", channels)
	}
	if l := deliveryLimits(channels)["zalo_oa"]; l.PerSecond <= 0 || l.PerChatPerSecond <= 0 {
		t.Errorf("zalo_oa limits %+v; want them from its description", l)
	}
	srv := web.New(web.Options{Logger: a.log})
	wait, err := serveChannels(ctx, a, st, chs, serveChat{srv: srv})
	if err != nil {
		t.Fatal(err)
	}
	defer wait()
	defer cancel()
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	hook := hs.URL + "/zalo-oa/webhook"
	const user = "2468000000000000077"
	ts := cfg.Now.UnixMilli()
	if c, err := fake.Deliver(hook, zalooafake.Event{Name: "user_send_text", UserID: user, MsgID: "m1", Text: code, Timestamp: ts}); err != nil || c != http.StatusOK {
		t.Fatalf("link event: %d %v", c, err)
	}
	sent, err := fake.WaitSent(10*time.Second, 1)
	if err != nil || !strings.Contains(sent[0].Text, "Xin chào") {
		t.Fatalf("welcome: %v %+v", err, sent)
	}
	csv := "\ufeffNgày;Loại;Tên\n31/12/2026;nghỉ;Nghỉ qua Zalo OA\n30/02/2026;nghỉ;Ngày sai\n"
	url := fake.AddFile("ngay-nghi.csv", []byte(csv))
	if c, err := fake.Deliver(hook, zalooafake.Event{Name: "user_send_file", UserID: user, MsgID: "m2", FileURL: url,
		FileName: "ngay-nghi.csv", FileSize: int64(len(csv)), Timestamp: ts}); err != nil || c != http.StatusOK {
		t.Fatalf("file event: %d %v", c, err)
	}
	var file zalooafake.Sent
	for n := 2; file.FileName == ""; n++ {
		sent, err = fake.WaitSent(30*time.Second, n)
		if err != nil {
			t.Fatalf("%v: %+v", err, sent)
		}
		file = sent[len(sent)-1]
	}
	var text []string
	for _, s := range sent[1:] {
		text = append(text, s.Text)
	}
	for _, want := range []string{"thêm mới 1", "bị từ chối 1", "30/02/2026"} {
		if !strings.Contains(strings.Join(text, "\n"), want) {
			t.Errorf("answer lacks %q: %q", want, text)
		}
	}
	if !strings.HasSuffix(file.FileName, ".csv") || !strings.Contains(string(file.FileData), "30/02/2026") {
		t.Errorf("error list %q: %q", file.FileName, file.FileData)
	}
	holidays, err := st.Holidays(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range holidays {
		found = found || h.Name == "Nghỉ qua Zalo OA"
	}
	if !found {
		t.Error("the good row was not stored")
	}
	if err := a.notReady(); err != nil {
		t.Errorf("ready: %v", err)
	}
}

// TestZaloOAOutsideWindowKeepsTheLink: a notification Zalo refuses with
// error 230 fails for good (kept as failed with the reason, for the
// fallback to the officer's next channel) and the officer's OA link stays
// active; a kicked Telegram group, by contrast, is deactivated (see
// TestDispatcherFollowsMigrationAndKick).
func TestZaloOAOutsideWindowKeepsTheLink(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	env := map[string]string{"DATABASE_URL": filepath.Join(t.TempDir(), "x.db")}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a := &app{cfg: cfg, log: discardLogger()}
	const user = "2468000000000000088"
	if err := st.UpsertChatAccounts(ctx, []models.ChatAccount{{Platform: "zalo_oa", UserID: user, ChatID: user, OfficerCode: "CB1",
		Active: true, LinkedAt: cfg.Clock().Now()}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Outbox().Enqueue(ctx, []notify.Entry{{Key: "digest/CB1/2026-11-27", Job: "digest",
		Message: notify.Message{Platform: "zalo_oa", ChatID: user, Text: "Nhắc việc"}}}); err != nil {
		t.Fatal(err)
	}
	fake := zalooafake.New(zalooafake.Options{})
	defer fake.Close()
	fake.SetUserError(user, -230)
	oa, err := zalooa.New(zalooa.Config{AppID: fake.AppID(), SecretKey: fake.SecretKey(), RefreshToken: fake.FirstRefreshToken(),
		APIBase: fake.URL(), OAuthBase: fake.URL(), Tokens: st.OATokens()})
	if err != nil {
		t.Fatal(err)
	}
	disp, err := newDispatcher(a, st, map[string]notify.Channel{"zalo_oa": oa})
	if err != nil {
		t.Fatal(err)
	}
	if err := disp.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	es, err := st.Outbox().Entries(ctx, "digest/")
	if err != nil || len(es) != 1 || es[0].Status != notify.StatusFailed || !strings.Contains(es[0].LastError, "230") {
		t.Fatalf("entries %+v, %v; want the digest failed with 230", es, err)
	}
	var active []bool
	if err := st.DB().Raw("SELECT active FROM chat_accounts WHERE platform = 'zalo_oa'").Scan(&active).Error; err != nil || len(active) != 1 || !active[0] {
		t.Fatalf("OA link active: %v, %v; want it kept", active, err)
	}
}

// With the OA configured, dondoc remind reaches the officers who follow it
// through the wiring list: each linked officer with open dossiers gets the
// day's digest as consulting messages, once — a second run sends nothing
// more (SQLite and Postgres).
func TestRemindByZaloOA(t *testing.T) {
	forEachDBURL(t, func(t *testing.T, u string) {
		ctx := context.Background()
		st := seedDelivery(t, u)
		fake := zalooafake.New(zalooafake.Options{})
		t.Cleanup(fake.Close)
		env := map[string]string{"DATABASE_URL": u, "DONDOC_NOW": serveNow, "LOG_LEVEL": "warn",
			"DONDOC_ENV_FILE": filepath.Join(t.TempDir(), "none.env"),
			"ZALO_OA_APP_ID":  fake.AppID(), "ZALO_OA_SECRET_KEY": fake.SecretKey(), "ZALO_OA_REFRESH_TOKEN": fake.FirstRefreshToken(),
			"ZALO_OA_API_BASE": fake.URL(), "ZALO_OA_OAUTH_BASE": fake.URL()}
		officers, err := st.Officers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		followers := map[string]bool{}
		var links []models.ChatAccount
		for i, o := range officers {
			if !o.Active {
				continue
			}
			user := fmt.Sprintf("24680000000%08d", i)
			followers[user] = true
			links = append(links, models.ChatAccount{Platform: "zalo_oa", UserID: user, ChatID: user, OfficerCode: o.Code,
				Active: true, LinkedAt: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)})
		}
		if err := st.UpsertChatAccounts(ctx, links); err != nil {
			t.Fatal(err)
		}
		code, out, errs := runWith(t, env, "remind", "--wait", "1m")
		if code != 0 {
			t.Fatalf("remind: code %d\n%s\n%s", code, out, errs)
		}
		sent := fake.Sent()
		digests := map[string]int{}
		for _, s := range sent {
			if !followers[s.UserID] || len([]rune(s.Text)) > zalooa.MaxText {
				t.Fatalf("message to %s (%d characters): not a follower, or too long", s.UserID, len([]rune(s.Text)))
			}
			if strings.Contains(s.Text, "Chào anh/chị") {
				digests[s.UserID]++
			}
		}
		for user, n := range digests {
			if n != 1 {
				t.Errorf("%s got %d digests", user, n)
			}
		}
		if len(digests) == 0 {
			t.Fatalf("no digest among %d OA messages:\n%s\n%s", len(sent), out, errs)
		}
		if code, out, errs := runWith(t, env, "remind", "--wait", "1m"); code != 0 || len(fake.Sent()) != len(sent) {
			t.Fatalf("second remind: code %d, %d messages after %d\n%s\n%s", code, len(fake.Sent()), len(sent), out, errs)
		}
		t.Logf("%d digests in %d OA messages", len(digests), len(sent))
	})
}

// Two webhooks on one path would make serve's mux panic: a clear error
// names both keys instead.
func TestZaloOAWebhookPathShared(t *testing.T) {
	cfg := config.Config{ZaloOAWebhookPath: "/hooks/zalo", ZaloWebhookURL: "https://dondoc.example.gov.vn/hooks/zalo"}
	a := &app{cfg: cfg, log: discardLogger()}
	_, err := startZaloOA(context.Background(), a, nil, nil, serveChat{srv: web.New(web.Options{Logger: a.log})})
	if err == nil || !strings.Contains(err.Error(), "ZALO_OA_WEBHOOK_PATH") || !strings.Contains(err.Error(), "ZALO_WEBHOOK_URL") {
		t.Fatalf("err = %v; want the shared path named", err)
	}
}
