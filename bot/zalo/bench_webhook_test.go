package zalo_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dondoc/dondoc/internal/zalofake"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// TestMain turns the test binary into a Zalo webhook load generator when
// DONDOC_ZALO_LOADGEN_URL is set (BenchmarkWebhookThroughput runs it as a
// second process).
func TestMain(m *testing.M) {
	if url := os.Getenv("DONDOC_ZALO_LOADGEN_URL"); url != "" {
		os.Exit(zaloLoadgen(url))
	}
	os.Exit(m.Run())
}

// loadCommands are what linked officers type, in turn (one message each).
var loadCommands = []string{"/quahan", "sắp đến", "/hoso", "trợ giúp"}

// zaloLoadgen posts DONDOC_ZALO_LOADGEN_COUNT updates as Zalo does, from 8
// clients, and prints what it measured as JSON.
func zaloLoadgen(url string) int {
	count, _ := strconv.Atoi(os.Getenv("DONDOC_ZALO_LOADGEN_COUNT"))
	users, _ := strconv.Atoi(os.Getenv("DONDOC_ZALO_LOADGEN_USERS"))
	secret := os.Getenv("DONDOC_ZALO_LOADGEN_SECRET")
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	var next, failed atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= count {
					return
				}
				user := fmt.Sprintf("load%04d", i%users)
				body, _ := json.Marshal(map[string]any{"ok": true, "result": map[string]any{
					"event_name": "message.text.received",
					"message": map[string]any{"from": map[string]any{"id": user, "display_name": user, "is_bot": false},
						"chat": map[string]any{"id": user, "chat_type": "PRIVATE"}, "text": loadCommands[i%len(loadCommands)],
						"message_id": fmt.Sprintf("load-%08d", i), "date": time.Now().UnixMilli()}}})
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set(zalofake.SecretHeader, secret)
				resp, err := client.Do(req)
				if err != nil || resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				if resp != nil {
					resp.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{"posted": count, "failed": failed.Load(), "seconds": time.Since(start).Seconds()})
	return 0
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
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "DONDOC_ZALO_LOADGEN_URL="+hook, "DONDOC_ZALO_LOADGEN_SECRET="+secret,
			"DONDOC_ZALO_LOADGEN_COUNT="+strconv.Itoa(count), "DONDOC_ZALO_LOADGEN_USERS="+strconv.Itoa(users))
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("load generator: %v", err)
		}
		var res struct {
			Posted, Failed int
			Seconds        float64
		}
		if err := json.Unmarshal(out, &res); err != nil || res.Failed != 0 {
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
