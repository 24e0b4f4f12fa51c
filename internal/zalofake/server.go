// Package zalofake is a fake Zalo Bot Platform API for tests. It speaks the
// wire format of https://bot-api.zaloplatforms.com/bot<TOKEN>/<method>
// ({"ok":true,"result":...} or {"ok":false,"error_code":...,"description":...}),
// reads JSON (or form) bodies, and lets a test queue updates, inject faults
// and wait for what the bot sent, without sleep loops.
//
// What follows Zalo's published docs (docs.zaloplatforms.com, as quoted by
// third parties; the official pages could not be read from here): method
// names, the envelope, getMe's result fields, setWebhook's secret_token of
// 8–256 characters, sendMessage's text of 1–2000 characters, sendPhoto by
// URL, string ids (hex-like), dates in milliseconds, and getUpdates
// returning ONE update object per call with no offset or update_id.
//
// What is a plausible guess, to be checked against Zalo's docs before
// relying on it: every error_code and description (429, 403 blocked, 404
// chat not found, 400 text too long, 401 bad token), the 408 "Request
// timeout" error a long poll ends with when nothing arrived (seen in a
// third-party client, not in the docs), the 409 while a webhook is set or
// another poll runs, and parameters.retry_after on a 429.
package zalofake

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Options configure a Server; zero values get defaults.
type Options struct {
	Token   string // default "1459232241454765289:TESTSECRET"
	BotID   string // default "1459232241454765289"
	BotName string // account_name, default "bot.DonDoc"
	// Clock dates the messages and webhook changes; nil: the real clock.
	Clock clockwork.Clock
}

// MaxText is the longest text sendMessage accepts, in characters.
const MaxText = 2000

// Sent is one recorded call of a sending method.
type Sent struct {
	Method    string // sendMessage, sendPhoto, sendChatAction
	ChatID    string
	Text      string // text, or the caption of a photo
	Photo     string // the photo URL
	Action    string // sendChatAction's action
	MessageID string // the id given to the new message
	Params    map[string]string
}

// Server is the fake Bot API.
type Server struct {
	*httptest.Server
	opts Options

	mu            sync.Mutex
	changed       chan struct{} // closed and replaced on every state change
	updates       []map[string]any
	history       map[string]map[string]any // message id → update (for PushDuplicate)
	nextMessage   int
	polling       int
	sent          []Sent
	calls         map[string]int
	faults        map[string][]Fault
	webhook       string
	webhookSecret string
}

// New starts a fake server; the caller closes it (t.Cleanup(s.Close)).
func New(opts Options) *Server {
	if opts.BotID == "" {
		opts.BotID = "1459232241454765289"
	}
	if opts.Token == "" {
		opts.Token = opts.BotID + ":TESTSECRET"
	}
	if opts.BotName == "" {
		opts.BotName = "bot.DonDoc"
	}
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	s := &Server{
		opts:    opts,
		changed: make(chan struct{}),
		history: map[string]map[string]any{},
		calls:   map[string]int{},
		faults:  map[string][]Fault{},
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Token is the bot token the server accepts.
func (s *Server) Token() string { return s.opts.Token }

// BaseURL is the value for ZALO_API_BASE.
func (s *Server) BaseURL() string { return s.URL }

// BotID is the id getMe reports.
func (s *Server) BotID() string { return s.opts.BotID }

// BotName is the account_name getMe reports.
func (s *Server) BotName() string { return s.opts.BotName }

// broadcast wakes every waiter; callers hold s.mu.
func (s *Server) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	if !ok {
		writeError(w, 404, "Not Found", nil)
		return
	}
	token, method, ok := strings.Cut(rest, "/")
	if !ok || token != s.opts.Token {
		writeError(w, 401, "Unauthorized", nil)
		return
	}
	p, err := parseRequest(r)
	if err != nil {
		writeError(w, 400, "Bad Request: "+err.Error(), nil)
		return
	}
	s.mu.Lock()
	s.calls[method]++
	var fault *Fault
	if q := s.faults[method]; len(q) > 0 {
		f := q[0]
		fault = &f
		s.faults[method] = q[1:]
	}
	s.broadcast()
	s.mu.Unlock()
	if fault != nil {
		if fault.Delay > 0 {
			t := time.NewTimer(fault.Delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if fault.Status != 0 {
			fault.write(w)
			return
		}
	}
	switch method {
	case "getMe":
		writeOK(w, map[string]any{"id": s.opts.BotID, "account_name": s.opts.BotName, "account_type": "BASIC", "can_join_groups": true})
	case "getUpdates":
		s.getUpdates(w, r, p)
	case "sendMessage", "sendPhoto", "sendChatAction":
		s.send(w, method, p)
	case "setWebhook":
		url, secret := p["url"], p["secret_token"]
		if !strings.HasPrefix(url, "https://") {
			writeError(w, 400, "Bad Request: url must be an HTTPS URL", nil)
			return
		}
		if n := len([]rune(secret)); n < 8 || n > 256 {
			writeError(w, 400, "Bad Request: secret_token must be 8 to 256 characters", nil)
			return
		}
		s.mu.Lock()
		s.webhook, s.webhookSecret = url, secret
		s.broadcast()
		s.mu.Unlock()
		writeOK(w, map[string]any{"url": url, "updated_at": s.opts.Clock.Now().UnixMilli()})
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook, s.webhookSecret = "", ""
		s.broadcast()
		s.mu.Unlock()
		writeOK(w, map[string]any{"url": "", "updated_at": s.opts.Clock.Now().UnixMilli()})
	case "getWebhookInfo":
		s.mu.Lock()
		url := s.webhook
		s.mu.Unlock()
		writeOK(w, map[string]any{"url": url, "updated_at": s.opts.Clock.Now().UnixMilli()})
	default:
		writeError(w, 404, "Not Found: method not found", nil)
	}
}

// getUpdates long-polls for ONE update: the oldest queued one is removed
// and returned at once; with none, the call waits up to timeout seconds
// (default 30, as Zalo documents) and then fails with 408 "Request
// timeout". There is no offset: an update handed out is gone.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p map[string]string) {
	timeout := 30
	if v, ok := p["timeout"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, 400, "Bad Request: timeout must be a number of seconds", nil)
			return
		}
		timeout = n
	}
	s.mu.Lock()
	if s.webhook != "" {
		s.mu.Unlock()
		writeError(w, 409, "Conflict: getUpdates is not available while a webhook is set; call deleteWebhook first", nil)
		return
	}
	if s.polling > 0 {
		s.mu.Unlock()
		writeError(w, 409, "Conflict: another getUpdates request is running", nil)
		return
	}
	s.polling++
	s.broadcast()
	done := func() { // callers hold s.mu
		s.polling--
		s.broadcast()
		s.mu.Unlock()
	}
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		if len(s.updates) > 0 {
			u := s.updates[0]
			s.updates = s.updates[1:]
			done()
			writeOK(w, u)
			return
		}
		if timeout <= 0 {
			done()
			writeError(w, 408, "Request timeout", nil)
			return
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			timeout = 0
		case <-r.Context().Done():
			s.mu.Lock()
			done()
			return
		}
		s.mu.Lock()
	}
}

func (s *Server) send(w http.ResponseWriter, method string, p map[string]string) {
	rec := Sent{Method: method, ChatID: p["chat_id"], Params: p}
	if rec.ChatID == "" {
		writeError(w, 400, "Bad Request: chat_id is required", nil)
		return
	}
	switch method {
	case "sendMessage":
		rec.Text = p["text"]
		if n := len([]rune(rec.Text)); n < 1 || n > MaxText {
			writeError(w, 400, fmt.Sprintf("Bad Request: text must be 1 to %d characters, got %d", MaxText, n), nil)
			return
		}
	case "sendPhoto":
		rec.Photo, rec.Text = p["photo"], p["caption"]
		if !strings.HasPrefix(rec.Photo, "http://") && !strings.HasPrefix(rec.Photo, "https://") {
			writeError(w, 400, "Bad Request: photo must be a URL", nil)
			return
		}
		if n := len([]rune(rec.Text)); n > MaxText {
			writeError(w, 400, fmt.Sprintf("Bad Request: caption must be 1 to %d characters, got %d", MaxText, n), nil)
			return
		}
	case "sendChatAction":
		rec.Action = p["action"]
		if rec.Action != "typing" && rec.Action != "upload_photo" {
			writeError(w, 400, "Bad Request: unknown action", nil)
			return
		}
		s.record(rec)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
		return
	}
	s.mu.Lock()
	s.nextMessage++
	rec.MessageID = fmt.Sprintf("%020x", 0xa000+s.nextMessage)
	s.mu.Unlock()
	s.record(rec)
	writeOK(w, map[string]any{"message_id": rec.MessageID, "date": s.opts.Clock.Now().UnixMilli()})
}

func (s *Server) record(rec Sent) {
	s.mu.Lock()
	s.sent = append(s.sent, rec)
	s.broadcast()
	s.mu.Unlock()
}

// parseRequest reads a JSON object (numbers and booleans kept as their JSON
// text) or a form.
func parseRequest(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return nil, err
		}
		if len(strings.TrimSpace(string(body))) == 0 {
			return out, nil
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, fmt.Errorf("body is not a JSON object: %v", err)
		}
		for k, raw := range m {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				out[k] = str
			} else {
				out[k] = string(raw)
			}
		}
		return out, nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	for k, v := range r.Form {
		out[k] = v[0]
	}
	return out, nil
}

func writeOK(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func writeError(w http.ResponseWriter, code int, desc string, params map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	body := map[string]any{"ok": false, "error_code": code, "description": desc}
	if params != nil {
		body["parameters"] = params
	}
	_ = json.NewEncoder(w).Encode(body)
}
