package zalo

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dondoc/dondoc/bot"
)

// flexString is an id Zalo sends as a string (hex-like) or, defensively, a
// number.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n.String())
	return nil
}

// rawResult is one update: the "result" of getUpdates and of a webhook call.
type rawResult struct {
	EventName string `json:"event_name"`
	Message   *struct {
		From struct {
			ID          flexString `json:"id"`
			DisplayName string     `json:"display_name"`
			FirstName   string     `json:"first_name"` // in getUpdates' documented sample
			Name        string     `json:"name"`
			IsBot       bool       `json:"is_bot"`
		} `json:"from"`
		Chat struct {
			ID       flexString `json:"id"`
			ChatType string     `json:"chat_type"`
		} `json:"chat"`
		Text      string     `json:"text"`
		MessageID flexString `json:"message_id"`
		Date      int64      `json:"date"` // milliseconds
	} `json:"message"`
}

// toUpdate converts a Zalo update; false, with the reason, for updates
// dondoc ignores.
func (b *Bot) toUpdate(r rawResult) (bot.Update, string) {
	m := r.Message
	if m == nil {
		return bot.Update{}, "no message"
	}
	if r.EventName != "" && r.EventName != "message.text.received" {
		return bot.Update{}, "event " + r.EventName
	}
	if m.From.IsBot {
		return bot.Update{}, "from a bot"
	}
	u := bot.Update{Platform: Platform, ChatID: string(m.Chat.ID), UserID: string(m.From.ID), Text: m.Text}
	switch strings.ToUpper(m.Chat.ChatType) {
	case "PRIVATE", "":
		u.ChatType = bot.ChatPrivate
	case "GROUP":
		if !b.cfg.Groups {
			return bot.Update{}, "group chat (ZALO_GROUPS is off)"
		}
		u.ChatType = bot.ChatGroup
	default:
		return bot.Update{}, "chat type " + m.Chat.ChatType
	}
	if u.ChatID == "" || u.UserID == "" || strings.TrimSpace(u.Text) == "" {
		return bot.Update{}, "no chat, sender or text"
	}
	u.UserName = m.From.DisplayName
	if u.UserName == "" {
		u.UserName = strings.TrimSpace(m.From.FirstName + " " + m.From.Name)
	}
	u.UpdateID = updateID(string(m.MessageID))
	u.MessageID, _ = strconv.Atoi(string(m.MessageID)) // Zalo's ids are hex: usually 0
	b.pages.translate(&u)
	return u, ""
}

// updateID maps Zalo's string message id to the router's numeric update
// id (FNV-1a, positive); 0 (no deduplication) without a message id.
func updateID(messageID string) int64 {
	if messageID == "" {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(messageID))
	id := int64(h.Sum64() & (1<<63 - 1))
	if id == 0 {
		id = 1
	}
	return id
}

// recent remembers the last n message ids, to drop redeliveries.
type recent struct {
	mu    sync.Mutex
	seen  map[string]struct{}
	order []string
	next  int
}

func newRecent(n int) *recent {
	return &recent{seen: map[string]struct{}{}, order: make([]string, n)}
}

// add reports whether id is new; the empty id always is.
func (r *recent) add(id string) bool {
	if id == "" {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.seen[id]; dup {
		return false
	}
	if old := r.order[r.next]; old != "" {
		delete(r.seen, old)
	}
	r.order[r.next] = id
	r.next = (r.next + 1) % len(r.order)
	r.seen[id] = struct{}{}
	return true
}

// accept converts r, drops what dondoc ignores and redeliveries, and
// reports whether the update should be handled.
func (b *Bot) accept(r rawResult, via string) (bot.Update, bool) {
	u, why := b.toUpdate(r)
	if why != "" {
		b.log.Debug("zalo: update ignored", "via", via, "reason", why)
		return u, false
	}
	if r.Message != nil && !b.seen.add(string(r.Message.MessageID)) {
		b.log.Debug("zalo: duplicate message ignored", "via", via, "update", u.UpdateID)
		return u, false
	}
	return u, true
}

// decodeResults reads getUpdates' result: one update object as Zalo
// documents it, or (defensively) an array of them; null or {} is none.
func decodeResults(raw json.RawMessage) ([]rawResult, error) {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "" || s == "null" || s == "{}" || s == "[]":
		return nil, nil
	case strings.HasPrefix(s, "["):
		var rs []rawResult
		err := json.Unmarshal(raw, &rs)
		return rs, err
	}
	var r rawResult
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	return []rawResult{r}, nil
}

// Run polls getUpdates until ctx is cancelled, calling handler for each
// update (at most cfg.Workers at once). Zalo hands out one update per call
// and has no offset; a long poll that ends empty answers 408 "Request
// timeout", which is not an error. Failures back off (cfg.Backoff). Run
// returns nil after ctx ends and every running handler has returned.
func (b *Bot) Run(ctx context.Context, handler func(context.Context, bot.Update)) error {
	failures := 0
	defer b.handlers.Wait()
	secs := strconv.Itoa(max(1, int(b.cfg.PollTimeout.Seconds())))
	for ctx.Err() == nil {
		start := b.cfg.Clock.Now()
		var raw json.RawMessage
		err := b.call(ctx, "getUpdates", map[string]string{"timeout": secs}, &raw)
		var results []rawResult
		if err == nil {
			results, err = decodeResults(raw)
		}
		var ae *APIError
		empty := err == nil && len(results) == 0
		if errors.As(err, &ae) && ae.Code == http.StatusRequestTimeout {
			empty, err = true, nil
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			failures++
			wait := b.cfg.Backoff(failures)
			switch {
			case ae != nil && ae.Code == http.StatusConflict:
				b.log.Error("zalo: getUpdates refused: a webhook is set or another dondoc instance is polling this bot; only one may receive updates",
					"err", ae.Description, "retry_in", wait)
			case ae != nil && ae.Code == http.StatusUnauthorized:
				b.log.Error("zalo: ZALO_BOT_TOKEN rejected (token revoked?)", "err", ae.Description, "retry_in", wait)
			default:
				b.log.Warn("zalo: getUpdates failed", "err", err, "class", Classify(err).Class.String(), "retry_in", wait)
			}
			sleep(ctx, wait)
			continue
		}
		failures = 0
		if empty {
			if b.cfg.Clock.Since(start) < time.Second { // a server that does not long-poll: don't spin
				sleep(ctx, time.Second)
			}
			continue
		}
		for _, r := range results {
			u, ok := b.accept(r, "poll")
			if !ok {
				continue
			}
			if !b.handlers.Go(ctx, func() { handler(ctx, u) }) {
				return nil
			}
		}
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// maxWebhookBody bounds a webhook request body.
const maxWebhookBody = 1 << 20

// SecretHeader is the header in which Zalo sends the webhook secret.
const SecretHeader = "X-Bot-Api-Secret-Token"

// WebhookHandler serves Zalo's webhook calls: it rejects a missing or
// wrong X-Bot-Api-Secret-Token with 401 (constant-time compare), a body
// that is not {"ok":true,"result":{...}} with 400, answers 200 at once and
// runs handler in the background (Wait drains). A message id seen before
// (a redelivery) is answered 200 and not handled again.
func (b *Bot) WebhookHandler(handler func(context.Context, bot.Update)) http.Handler {
	secret := []byte(b.cfg.WebhookSecret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := []byte(r.Header.Get(SecretHeader))
		if len(secret) == 0 || subtle.ConstantTimeCompare(got, secret) != 1 {
			b.log.Warn("zalo: webhook call with a missing or wrong secret token", "remote", r.RemoteAddr)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
		if err != nil || len(body) > maxWebhookBody {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var env struct {
			Result *rawResult `json:"result"`
		}
		if err := json.Unmarshal(body, &env); err != nil || env.Result == nil {
			b.log.Warn("zalo: webhook body is not an update", "err", err)
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
		u, ok := b.accept(*env.Result, "webhook")
		if !ok {
			return
		}
		ctx := context.WithoutCancel(r.Context())
		b.handlers.Spawn(func() { handler(ctx, u) })
	})
}

// Wait blocks until every update handler started by Run or WebhookHandler
// has returned.
func (b *Bot) Wait() { b.handlers.Wait() }
