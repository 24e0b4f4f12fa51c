package zalofake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Fault is an injected failure of one call.
type Fault struct {
	Status      int // 0 with Delay: answer normally after the delay
	Body        string
	ContentType string
	Delay       time.Duration
}

func (f Fault) write(w http.ResponseWriter) {
	ct := f.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
}

// APIError is a JSON error reply with HTTP status and error_code code.
func APIError(code int, desc string, params map[string]any) Fault {
	body := map[string]any{"ok": false, "error_code": code, "description": desc}
	if params != nil {
		body["parameters"] = params
	}
	b, _ := json.Marshal(body)
	return Fault{Status: code, Body: string(b)}
}

// RateLimited is a 429 asking to retry after sec seconds (in
// parameters.retry_after and the Retry-After header's place: the body).
// Zalo's real 429 body is not documented: check it.
func RateLimited(sec int) Fault {
	return APIError(429, fmt.Sprintf("Too Many Requests: retry after %d", sec), map[string]any{"retry_after": sec})
}

// RateLimitedInBody is a rate-limit error carried in an HTTP 200 reply
// (error_code 429 only), in case Zalo reports it that way.
func RateLimitedInBody() Fault {
	f := APIError(429, "Too Many Requests", nil)
	f.Status = http.StatusOK
	return f
}

// BadGateway is a proxy's 502 HTML page.
func BadGateway() Fault {
	return Fault{Status: 502, ContentType: "text/html",
		Body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"}
}

// ServerError is a JSON 500.
func ServerError() Fault { return APIError(500, "Internal Server Error", nil) }

// Blocked is the error for a user who blocked the bot. Code and wording
// are a guess: check them against Zalo's docs.
func Blocked() Fault { return APIError(403, "Forbidden: the user has blocked the bot", nil) }

// ChatNotFound is the error for an unknown chat id. Code and wording are
// a guess: check them against Zalo's docs.
func ChatNotFound() Fault { return APIError(404, "Not Found: chat not found", nil) }

// Unauthorized is the error for a revoked token.
func Unauthorized() Fault { return APIError(401, "Unauthorized", nil) }

// Delay answers normally after d (or not at all if the client gives up first).
func Delay(d time.Duration) Fault { return Fault{Delay: d} }

// FailNext makes the next n calls of method fail with f.
func (s *Server) FailNext(method string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[method] = append(s.faults[method], f)
	}
}

// TextUpdate builds the result object of a text message ("GROUP" chat
// when group is true), as getUpdates returns it and the webhook carries
// it inside {"ok":true,"result":...}; it is not queued.
func (s *Server) TextUpdate(chatID, fromID, text string, group bool) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextMessage++
	kind := "PRIVATE"
	if group {
		kind = "GROUP"
	}
	return map[string]any{
		"event_name": "message.text.received",
		"message": map[string]any{
			"from":       map[string]any{"id": fromID, "display_name": "Người dùng " + fromID, "is_bot": false},
			"chat":       map[string]any{"id": chatID, "chat_type": kind},
			"text":       text,
			"message_id": fmt.Sprintf("%020x", s.nextMessage),
			"date":       s.opts.Clock.Now().UnixMilli(),
		},
	}
}

// Webhook wraps a result object as the body Zalo posts to a webhook.
func Webhook(result map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"ok": true, "result": result})
	return b
}

// MessageID is the message id of a result object built by TextUpdate.
func MessageID(result map[string]any) string {
	m, _ := result["message"].(map[string]any)
	id, _ := m["message_id"].(string)
	return id
}

// Push queues a result object for getUpdates and returns its message id.
func (s *Server) Push(result map[string]any) string {
	id := MessageID(result)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updates = append(s.updates, result)
	if id != "" {
		s.history[id] = result
	}
	s.broadcast()
	return id
}

// PushText queues a private text message from user fromID (the chat id of
// a private chat is the user id) and returns its message id.
func (s *Server) PushText(fromID, text string) string {
	return s.Push(s.TextUpdate(fromID, fromID, text, false))
}

// PushGroupText queues a text message in group chatID.
func (s *Server) PushGroupText(chatID, fromID, text string) string {
	return s.Push(s.TextUpdate(chatID, fromID, text, true))
}

// PushDuplicate queues the update of message id again, as a platform may
// redeliver.
func (s *Server) PushDuplicate(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.history[id]; ok {
		s.updates = append(s.updates, u)
		s.broadcast()
	}
}

// Sent returns every recorded send, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// SentBy returns the recorded calls of one method.
func (s *Server) SentBy(method string) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filter(s.sent, method)
}

func filter(all []Sent, method string) []Sent {
	var out []Sent
	for _, x := range all {
		if x.Method == method {
			out = append(out, x)
		}
	}
	return out
}

// Calls returns how many times method was called (faults included).
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// WebhookSet returns the webhook URL and secret set.
func (s *Server) WebhookSet() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook, s.webhookSecret
}

// Pending is the number of queued updates not yet handed out.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// State is what WaitFor's condition sees; do not keep it.
type State struct {
	Sent    []Sent
	Calls   map[string]int
	Pending int
	Polling int // getUpdates calls waiting now
}

// WaitFor blocks until cond (called with the server locked: it must not
// call Server methods) holds or timeout passes; it reports whether cond held.
func (s *Server) WaitFor(timeout time.Duration, cond func(st State) bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ok := cond(State{Sent: s.sent, Calls: s.calls, Pending: len(s.updates), Polling: s.polling})
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-deadline.C:
			return false
		}
	}
}

// WaitSent waits until method was sent n times and returns those calls,
// or an error after timeout.
func (s *Server) WaitSent(timeout time.Duration, method string, n int) ([]Sent, error) {
	if !s.WaitFor(timeout, func(st State) bool { return len(filter(st.Sent, method)) >= n }) {
		got := s.SentBy(method)
		return got, fmt.Errorf("zalofake: %d %s calls after %v, want %d: %+v", len(got), method, timeout, n, got)
	}
	return s.SentBy(method), nil
}

// WaitPolling waits until a getUpdates call is waiting with an empty
// queue: every update pushed before has been handed out.
func (s *Server) WaitPolling(timeout time.Duration) bool {
	return s.WaitFor(timeout, func(st State) bool { return st.Polling > 0 && st.Pending == 0 })
}
