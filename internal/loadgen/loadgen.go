// Package loadgen posts chat updates (Telegram's, or Zalo's with
// ZaloMessage and Options.Zalo) to a webhook over HTTP, from a few
// concurrent clients, for a bounded count, and reports the rate.
package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"
)

// Options configure Run.
type Options struct {
	URL    string // the webhook
	Secret string // X-Telegram-Bot-Api-Secret-Token (X-Bot-Api-Secret-Token with Zalo)
	// Zalo posts Zalo Bot Platform updates: the secret goes in
	// X-Bot-Api-Secret-Token and no update_id is added (Zalo's updates
	// carry their message_id inside; see ZaloMessage).
	Zalo        bool
	Count       int // updates to post
	Concurrency int // clients posting at once; default 4
	// Update returns the i-th update (0-based) without update_id; Run sets
	// update_id to FirstID+i.
	Update  func(i int) map[string]any
	FirstID int64
	Clock   clockwork.Clock // times the run; nil: the real clock
}

// Result is what a run measured.
type Result struct {
	Posted   int
	Failed   int
	Duration time.Duration
}

// Rate is the posted updates per second.
func (r Result) Rate() float64 {
	if r.Duration <= 0 {
		return 0
	}
	return float64(r.Posted) / r.Duration.Seconds()
}

// Run posts opt.Count updates and returns when all were answered, ctx ended
// or a request failed to connect.
func Run(ctx context.Context, opt Options) (Result, error) {
	if opt.Concurrency <= 0 {
		opt.Concurrency = 4
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: opt.Concurrency}}
	var next, posted, failed atomic.Int64
	var firstErr error
	var once sync.Once
	clock := opt.Clock
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	start := clock.Now()
	var wg sync.WaitGroup
	for range opt.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= opt.Count {
					return
				}
				u := opt.Update(i)
				if !opt.Zalo {
					u["update_id"] = opt.FirstID + int64(i)
				}
				body, _ := json.Marshal(u)
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, opt.URL, bytes.NewReader(body))
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				req.Header.Set("Content-Type", "application/json")
				if opt.Zalo {
					req.Header.Set("X-Bot-Api-Secret-Token", opt.Secret)
				} else {
					req.Header.Set("X-Telegram-Bot-Api-Secret-Token", opt.Secret)
				}
				resp, err := client.Do(req)
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
					once.Do(func() { firstErr = fmt.Errorf("loadgen: HTTP %d", resp.StatusCode) })
					continue
				}
				posted.Add(1)
			}
		}()
	}
	wg.Wait()
	return Result{Posted: int(posted.Load()), Failed: int(failed.Load()), Duration: clock.Since(start)}, firstErr
}

// Message is a private or group text message update (without update_id),
// sent at date.
func Message(date time.Time, chatID, fromID int64, messageID int, text string) map[string]any {
	chatType := "private"
	if chatID < 0 {
		chatType = "supergroup"
	}
	m := map[string]any{
		"message_id": messageID, "date": date.Unix(), "text": text,
		"from": map[string]any{"id": fromID, "is_bot": false, "first_name": "Cán bộ", "language_code": "vi"},
		"chat": map[string]any{"id": chatID, "type": chatType},
	}
	if len(text) > 0 && text[0] == '/' {
		n := len(text)
		for i, r := range text {
			if r == ' ' || r == '@' {
				n = i
				break
			}
		}
		m["entities"] = []map[string]any{{"type": "bot_command", "offset": 0, "length": n}}
	}
	return map[string]any{"message": m}
}

// ZaloMessage is the body Zalo posts to a webhook for a private text
// message from user, sent at date, with message id id.
func ZaloMessage(date time.Time, user, id, text string) map[string]any {
	return map[string]any{"ok": true, "result": map[string]any{
		"event_name": "message.text.received",
		"message": map[string]any{"from": map[string]any{"id": user, "display_name": "Cán bộ", "is_bot": false},
			"chat": map[string]any{"id": user, "chat_type": "PRIVATE"}, "text": text, "message_id": id, "date": date.UnixMilli()}}}
}
