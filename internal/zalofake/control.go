package zalofake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dondoc/dondoc/internal/fakeserver"
)

// Fault is an injected failure of one call.
type Fault = fakeserver.Fault

// APIError is a documented JSON error reply: HTTP status and error_code
// code.
func APIError(code int, desc string) Fault {
	b, _ := json.Marshal(map[string]any{"ok": false, "error_code": code, "description": desc})
	return Fault{Status: code, Body: string(b)}
}

// The documented errors.
func BadRequest() Fault     { return APIError(400, "Bad Request") }           // wrong method or path
func Unauthorized() Fault   { return APIError(401, "Unauthorized") }          // token invalid
func InternalError() Fault  { return APIError(403, "Internal server error") } // retry: not "blocked"
func InvalidRequest() Fault { return APIError(404, "Invalid request") }
func RequestTimeout() Fault { return APIError(408, "Request timeout") }
func QuotaExceeded() Fault  { return APIError(429, "Quota exceeded") } // no retry_after

// CamelCase is f with the code spelled errorCode, as some copies of the
// docs show it.
func CamelCase(f Fault) Fault {
	f.Body = strings.Replace(f.Body, `"error_code"`, `"errorCode"`, 1)
	return f
}

// InBody is f answered with HTTP 200 (the error only in the JSON).
func InBody(f Fault) Fault {
	f.Status = http.StatusOK
	return f
}

// ProxyError is not Zalo's: a reverse proxy's 502 HTML page in front of it.
func ProxyError() Fault { return fakeserver.BadGateway() }

// Delay answers normally after d (or not at all if the client gives up first).
func Delay(d time.Duration) Fault { return fakeserver.Delay(d) }

// FailRandomly makes each later call of method fail, with probability
// ratio, with one of faults picked at random (seeded by Options.Seed).
// A ratio of 0 stops it.
func (s *Server) FailRandomly(method string, ratio float64, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ratio <= 0 || len(faults) == 0 {
		delete(s.random, method)
		return
	}
	s.random[method] = randomFaults{ratio: ratio, faults: faults}
}

// FailChat makes every send to chatID fail with f until ClearChat.
func (s *Server) FailChat(chatID string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatFaults[chatID] = f
}

// ClearChat ends FailChat for chatID.
func (s *Server) ClearChat(chatID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.chatFaults, chatID)
}

// Message describes an incoming message; zero fields get defaults.
type Message struct {
	Event      string // default message.text.received
	ChatID     string // default FromID (a private chat's id is the user's)
	FromID     string
	FromName   string // default "Người dùng <FromID>"
	Group      bool
	Text       string
	PhotoURL   string // message.image.received
	Caption    string
	ReplyToBot bool   // a reply to the bot's message (format not documented)
	ID         string // message_id, default a new one
}

// Update builds the result object of m as getUpdates returns it and the
// webhook carries it inside {"ok":true,"result":...}; it is not queued.
func (s *Server) Update(m Message) map[string]any {
	s.mu.Lock()
	if m.ID == "" {
		s.nextMessage++
		m.ID = fmt.Sprintf("%020x", s.nextMessage)
	}
	s.mu.Unlock()
	if m.Event == "" {
		m.Event = "message.text.received"
	}
	if m.ChatID == "" {
		m.ChatID = m.FromID
	}
	if m.FromName == "" {
		m.FromName = "Người dùng " + m.FromID
	}
	kind := "PRIVATE"
	if m.Group {
		kind = "GROUP"
	}
	msg := map[string]any{
		"from":       map[string]any{"id": m.FromID, "display_name": m.FromName, "is_bot": false},
		"chat":       map[string]any{"id": m.ChatID, "chat_type": kind},
		"message_id": m.ID,
		"date":       s.opts.Clock.Now().UnixMilli(),
	}
	switch m.Event {
	case "message.text.received":
		msg["text"] = m.Text
	case "message.image.received":
		msg["photo_url"], msg["caption"] = m.PhotoURL, m.Caption
	}
	if m.ReplyToBot {
		msg["reply_to_message"] = map[string]any{"from": map[string]any{"id": s.opts.BotID, "is_bot": true}}
	}
	return map[string]any{"event_name": m.Event, "message": msg}
}

// TextUpdate builds a text message's result object (a "GROUP" chat when
// group is true); it is not queued.
func (s *Server) TextUpdate(chatID, fromID, text string, group bool) map[string]any {
	return s.Update(Message{ChatID: chatID, FromID: fromID, Text: text, Group: group})
}

// Envelope wraps a result object as the body Zalo posts to a webhook.
func Envelope(result map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"ok": true, "result": result})
	return b
}

// MessageID is the message id of a result object built by Update.
func MessageID(result map[string]any) string {
	m, _ := result["message"].(map[string]any)
	id, _ := m["message_id"].(string)
	return id
}

// reaches reports whether Zalo would hand result to the bot: in a group,
// only a message that @mentions it or replies to it.
func (s *Server) reaches(result map[string]any) bool {
	m, _ := result["message"].(map[string]any)
	chat, _ := m["chat"].(map[string]any)
	if kind, _ := chat["chat_type"].(string); kind != "GROUP" {
		return true
	}
	if _, ok := m["reply_to_message"]; ok {
		return true
	}
	for _, k := range []string{"text", "caption"} {
		if t, _ := m[k].(string); mentions(t, s.opts.BotName) {
			return true
		}
	}
	return false
}

// mentions reports whether text holds "@name" not running on into more
// name characters ("@dondoc" is not in "@dondoc2").
func mentions(text, name string) bool {
	text, at := strings.ToLower(text), "@"+strings.ToLower(name)
	for i := strings.Index(text, at); i >= 0; {
		r, _ := utf8.DecodeRuneInString(text[i+len(at):])
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			return true
		}
		j := strings.Index(text[i+1:], at)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// Push queues a result object for getUpdates and returns its message id;
// a group message not addressed to the bot is dropped (Zalo does not hand
// it out) and "" returned.
func (s *Server) Push(result map[string]any) string {
	if !s.reaches(result) {
		s.mu.Lock()
		s.dropped++
		s.mu.Unlock()
		return ""
	}
	id := MessageID(result)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updates = append(s.updates, result)
	if id != "" {
		s.history[id] = result
	}
	s.mu.Changed()
	return id
}

// PushText queues a private text message from user fromID and returns its
// message id.
func (s *Server) PushText(fromID, text string) string {
	return s.Push(s.Update(Message{FromID: fromID, Text: text}))
}

// PushGroupText queues a text message in group chatID (dropped unless it
// mentions the bot).
func (s *Server) PushGroupText(chatID, fromID, text string) string {
	return s.Push(s.Update(Message{ChatID: chatID, FromID: fromID, Text: text, Group: true}))
}

// PushDuplicate queues the update of message id again, as Zalo may
// redeliver.
func (s *Server) PushDuplicate(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.history[id]; ok {
		s.updates = append(s.updates, u)
		s.mu.Changed()
	}
}

// Deliver POSTs result to the webhook set with setWebhook, as Zalo does,
// with the secret in X-Bot-Api-Secret-Token, and returns the HTTP status;
// a group message not addressed to the bot is not delivered (0, nil).
func (s *Server) Deliver(result map[string]any) (int, error) {
	if !s.reaches(result) {
		s.mu.Lock()
		s.dropped++
		s.mu.Unlock()
		return 0, nil
	}
	if id := MessageID(result); id != "" {
		s.mu.Lock()
		s.history[id] = result
		s.mu.Unlock()
	}
	_, secret := s.WebhookSet()
	return s.DeliverRaw(Envelope(result), secret)
}

// Redeliver POSTs the update of message id to the webhook again.
func (s *Server) Redeliver(id string) (int, error) {
	s.mu.Lock()
	u, ok := s.history[id]
	s.mu.Unlock()
	if !ok {
		return 0, fmt.Errorf("zalofake: no update with message id %q", id)
	}
	_, secret := s.WebhookSet()
	return s.DeliverRaw(Envelope(u), secret)
}

// DeliverRaw POSTs body to the webhook with secret (none when empty).
func (s *Server) DeliverRaw(body []byte, secret string) (int, error) {
	hook, _ := s.WebhookSet()
	if hook == "" {
		return 0, fmt.Errorf("zalofake: no webhook set")
	}
	req, err := http.NewRequest(http.MethodPost, hook, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SecretHeader, secret)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Dropped is how many group messages were not handed to the bot because
// they neither mentioned it nor replied to it.
func (s *Server) Dropped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// SentTo returns the messages (sendMessage) sent to chatID.
func (s *Server) SentTo(chatID string) []Sent {
	var out []Sent
	for _, x := range s.SentBy("sendMessage") {
		if x.ChatID == chatID {
			out = append(out, x)
		}
	}
	return out
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
	return s.mu.WaitFor(timeout, func() bool {
		return cond(State{Sent: s.Recorded(), Calls: s.CallCounts(), Pending: len(s.updates), Polling: s.polling})
	})
}

// WaitPolling waits until a getUpdates call is waiting with an empty
// queue: every update pushed before has been handed out.
func (s *Server) WaitPolling(timeout time.Duration) bool {
	return s.WaitFor(timeout, func(st State) bool { return st.Polling > 0 && st.Pending == 0 })
}
