package app

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot/telegram"
	"github.com/dondoc/dondoc/internal/loadgen"
	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/web"
)

// TestMain turns the test binary into the load generator when
// DONDOC_LOADGEN_URL is set (BenchmarkWebhookThroughput runs it as a
// second process).
func TestMain(m *testing.M) { loadgen.TestMain(m, "DONDOC_LOADGEN_URL", loadgenMain) }

// loadCommands are what linked officers type, in turn.
var loadCommands = []string{"/quahan", "/sapden", "/hoso", "/trogiup", "/tra H01.TP-261127-002975", "/quahan"}

func loadgenMain(url string) int {
	count, _ := strconv.Atoi(os.Getenv("DONDOC_LOADGEN_COUNT"))
	users, _ := strconv.Atoi(os.Getenv("DONDOC_LOADGEN_USERS"))
	first, _ := strconv.ParseInt(os.Getenv("DONDOC_LOADGEN_FIRST_ID"), 10, 64)
	sent := time.Now() // the updates' date (a test file: the real clock is fine here)
	opt := loadgen.Options{
		URL: url, Secret: os.Getenv("DONDOC_LOADGEN_SECRET"), Count: count, Concurrency: 8, FirstID: first,
		Update: func(i int) map[string]any {
			user := int64(1000 + i%users)
			return loadgen.Message(sent, user, user, i+1, loadCommands[i%len(loadCommands)])
		},
	}
	if zu := os.Getenv("DONDOC_LOADGEN_ZALO_USERS"); zu != "" { // Zalo updates to these linked users
		ids := strings.Split(zu, ",")
		opt.Zalo, opt.Update = true, func(i int) map[string]any {
			return loadgen.ZaloMessage(sent, ids[i%len(ids)], fmt.Sprintf("load-%d-%08d", first, i), loadCommands[i%len(loadCommands)])
		}
	}
	return loadgen.Main(opt)
}

// BenchmarkWebhookThroughput serves the webhook (startChat in webhook mode
// on the demo district, SQLite, replies to a fake Bot API) and posts
// realistic updates from a second process over loopback; it reports the
// updates fully handled (reply sent) per second. Run with -benchtime=1x.
func BenchmarkWebhookThroughput(b *testing.B) {
	const count, users = 1500, 40
	env, _ := demoDB(b)
	fake := tgfake.New(tgfake.Options{})
	defer fake.Close()
	env["TELEGRAM_BOT_TOKEN"], env["TELEGRAM_API_ENDPOINT"] = fake.Token(), fake.Endpoint()
	env["TELEGRAM_WEBHOOK_URL"], env["TELEGRAM_WEBHOOK_SECRET"] = "https://dondoc.example.vn/tg/hook", "s3cret"
	env["LOG_LEVEL"] = "error"
	a, st := openApp(b, env)
	cfg := a.cfg
	ctx := context.Background()
	officers, err := st.Officers(ctx)
	if err != nil {
		b.Fatal(err)
	}
	k := 0
	for _, o := range officers {
		if k == users {
			break
		}
		if !o.Active || o.Role != models.RoleLeader {
			continue
		}
		code, err := st.CreateLinkCode(ctx, store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: o.Code, Now: cfg.Now})
		if err != nil {
			b.Fatal(err)
		}
		id := strconv.Itoa(1000 + k)
		if _, err := st.RedeemLinkCode(ctx, "telegram", id, id, code, store.LinkOfficer, cfg.Now); err != nil {
			b.Fatal(err)
		}
		k++
	}
	tg, err := telegram.New(ctx, telegram.Config{Token: cfg.TelegramToken, Endpoint: cfg.TelegramAPIEndpoint,
		WebhookURL: cfg.TelegramWebhookURL, WebhookSecret: cfg.TelegramWebhookSecret})
	if err != nil {
		b.Fatal(err)
	}
	srv := web.New(web.Options{Logger: discardLogger()})
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	wait, err := startChat(runCtx, a, st, srv, tg)
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()

	b.ResetTimer()
	for i := range b.N {
		before := len(fake.SentBy("sendMessage"))
		start := time.Now()
		res, out, err := loadgen.Spawn("DONDOC_LOADGEN_URL="+hs.URL+"/tg/hook", "DONDOC_LOADGEN_SECRET=s3cret",
			"DONDOC_LOADGEN_COUNT="+strconv.Itoa(count), "DONDOC_LOADGEN_USERS="+strconv.Itoa(k),
			"DONDOC_LOADGEN_FIRST_ID="+strconv.Itoa(1+i*count))
		if err != nil {
			b.Fatalf("load generator: %v", err)
		}
		if _, err := fake.WaitSent(60*time.Second, "sendMessage", before+count); err != nil {
			b.Fatalf("replies: %v", err)
		}
		elapsed := time.Since(start)
		if res.Posted != count || res.Failed != 0 {
			b.Fatalf("load generator: %s", out)
		}
		b.ReportMetric(float64(count)/elapsed.Seconds(), "updates/s")
	}
	b.StopTimer()
	cancel()
	wait()
}
