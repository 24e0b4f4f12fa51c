package zalo_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/dondoc/dondoc/internal/loadgen"
	"github.com/dondoc/dondoc/internal/zalofake"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// TestMain turns the test binary into a Zalo webhook load generator when
// DONDOC_ZALO_LOADGEN_URL is set (BenchmarkWebhookThroughput runs it as a
// second process).
func TestMain(m *testing.M) { loadgen.TestMain(m, "DONDOC_ZALO_LOADGEN_URL", zaloLoadgen) }

// loadCommands are what linked officers type, in turn (one message each).
var loadCommands = []string{"/quahan", "sắp đến", "/hoso", "trợ giúp"}

// zaloLoadgen posts DONDOC_ZALO_LOADGEN_COUNT updates as Zalo does, from 8
// clients, and prints what it measured as JSON.
func zaloLoadgen(url string) int {
	count, _ := strconv.Atoi(os.Getenv("DONDOC_ZALO_LOADGEN_COUNT"))
	users, _ := strconv.Atoi(os.Getenv("DONDOC_ZALO_LOADGEN_USERS"))
	sent := time.Now() // the updates' date (a test file: the real clock is fine here)
	return loadgen.Main(loadgen.Options{
		URL: url, Secret: os.Getenv("DONDOC_ZALO_LOADGEN_SECRET"), Count: count, Concurrency: 8, Zalo: true,
		Update: func(i int) map[string]any {
			return loadgen.ZaloMessage(sent, fmt.Sprintf("load%04d", i%users), fmt.Sprintf("load-%08d", i), loadCommands[i%len(loadCommands)])
		},
	})
}

// BenchmarkWebhookThroughput serves the Zalo webhook (the real adapter,
// router and handlers on the sample district, SQLite, replies to the fake
// platform) and posts updates from a second process over loopback; it
// reports the updates fully handled (reply sent) per second. Run with
// -benchtime=1x.
func BenchmarkWebhookThroughput(b *testing.B) {
	const count, users = 1500, 40
	st := storetest.OpenSQLite(b)
	e := newZEnv(b, st, zalofake.Options{})
	n := 0
	for _, o := range e.data.Officers {
		if n == users {
			break
		}
		if !o.Active {
			continue
		}
		e.say(fmt.Sprintf("load%04d", n), e.linkCode(store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: o.Code}))
		n++
	}
	if n < users {
		b.Fatalf("only %d active officers", n)
	}
	hook, secret := e.fake.WebhookSet()
	for b.Loop() {
		before := len(e.fake.SentBy("sendMessage"))
		start := time.Now()
		res, out, err := loadgen.Spawn("DONDOC_ZALO_LOADGEN_URL="+hook, "DONDOC_ZALO_LOADGEN_SECRET="+secret,
			"DONDOC_ZALO_LOADGEN_COUNT="+strconv.Itoa(count), "DONDOC_ZALO_LOADGEN_USERS="+strconv.Itoa(users))
		if err != nil || res.Failed != 0 {
			b.Fatalf("load generator said %s (%v)", out, err)
		}
		if !e.fake.WaitFor(2*time.Minute, func(s zalofake.State) bool { return len(s.Sent) >= before+count }) {
			b.Fatalf("%d replies of %d", len(e.fake.SentBy("sendMessage"))-before, count)
		}
		e.adapter().Wait()
		elapsed := time.Since(start)
		b.ReportMetric(float64(count)/elapsed.Seconds(), "updates/s")
		b.ReportMetric(float64(res.Posted)/res.Seconds, "acks/s")
	}
}
