package zalo

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"

	"github.com/dondoc/dondoc/bot"
)

// maxWebhookBody bounds a webhook request body.
const maxWebhookBody = 1 << 20

// SecretHeader is the header in which Zalo sends the webhook secret.
const SecretHeader = "X-Bot-Api-Secret-Token"

// WebhookHandler serves Zalo's webhook calls, to mount at WebhookPath on
// dondoc's HTTP server. It rejects a missing or wrong
// X-Bot-Api-Secret-Token with 401 (constant-time compare) and other
// methods than POST with 405. Everything else is acknowledged with 200 at
// once, so that Zalo does not redeliver it: a malformed or oversized body
// and an unknown event are logged and dropped; the rest runs in the
// handler pool (Wait drains), which first drops an update whose message_id
// was handled before (kept in State, so also after a restart). The answer
// does not wait for the database.
func (b *Bot) WebhookHandler(handler func(context.Context, bot.Update)) http.Handler {
	want := sha256.Sum256([]byte(b.secret))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := sha256.Sum256([]byte(r.Header.Get(SecretHeader)))
		if b.secret == "" || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			b.log.Warn("zalo: webhook call with a missing or wrong secret token", "remote", r.RemoteAddr)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
		switch {
		case err != nil:
			b.log.Warn("zalo: webhook body unreadable; acknowledged and dropped", "err", err)
			ack(w)
			return
		case len(body) > maxWebhookBody:
			b.log.Warn("zalo: webhook body over 1 MiB; acknowledged and dropped", "limit", maxWebhookBody)
			ack(w)
			return
		}
		res, ok := decodeWebhook(body)
		if !ok {
			b.log.Warn("zalo: webhook body is not a Zalo update; acknowledged and dropped", "bytes", len(body))
			ack(w)
			return
		}
		ctx := context.WithoutCancel(r.Context())
		if work := b.accept(ctx, res, "webhook", handler); work != nil {
			b.handlers.Spawn(func() { work(ctx) }) // before the answer: Wait then covers it
		}
		ack(w)
	})
}

// decodeWebhook reads {"ok":true,"result":{update}} (Zalo's sample), or,
// defensively, a bare update.
func decodeWebhook(body []byte) (rawResult, bool) {
	var env struct {
		Result *rawResult `json:"result"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return rawResult{}, false
	}
	if env.Result != nil {
		return *env.Result, true
	}
	var r rawResult
	if err := json.Unmarshal(body, &r); err != nil || (r.EventName == "" && r.Message == nil) {
		return rawResult{}, false
	}
	return r, true
}

func ack(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, `{"ok":true}`)
}
