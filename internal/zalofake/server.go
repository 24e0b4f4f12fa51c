// Package zalofake is a fake Zalo Bot Platform for tests, built from the
// documented wire format (see /work/shared/platforms.md and the package
// doc of bot/zalo): https://bot-api.zaloplatforms.com/bot<TOKEN>/<method>,
// GET or POST with a query, form or JSON body; replies {"ok":true,
// "result":...} or {"ok":false,"error_code":...,"description":...}.
//
// As documented, and no more:
//   - getMe → {id, account_name, account_type, can_join_groups};
//   - getUpdates {timeout} hands out ONE update per call, with no offset;
//     an empty long poll ends with error 408;
//   - setWebhook {url (HTTPS), secret_token 8–256} → {url, updated_at};
//     deleteWebhook and getWebhookInfo alike; the fake then POSTs updates
//     (Deliver) to the URL with the secret in X-Bot-Api-Secret-Token. A
//     plain-HTTP URL is accepted only to a loopback host, for tests;
//   - sendMessage {chat_id, text 1–2000} → {message_id, date}; sendPhoto
//     {chat_id, photo URL, caption}; sendSticker; sendChatAction;
//   - updates: event_name message.text.received, message.image.received
//     (photo_url, caption), message.sticker.received,
//     message.unsupported.received; string ids; dates in milliseconds;
//   - error codes: 400 wrong method or path, 401 invalid token, 403 internal
//     server error, 404 invalid request, 408 timeout, 429 "Quota exceeded"
//     (no retry_after) — no others;
//   - in a group the bot receives only messages that @mention it or reply
//     to it: the fake drops the others before they are queued or delivered.
//
// Not documented, chosen here and marked so: getUpdates while a webhook is
// set fails with 400; a reply to the bot's message carries
// "reply_to_message": {"from": {"id": <bot id>}}.
package zalofake

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dondoc/dondoc/internal/fakeserver"
	"github.com/jonboulle/clockwork"
)

// Options configure a Server; zero values get defaults.
type Options struct {
	Token   string // default "1459232241454765289:TESTSECRET"
	BotID   string // default "1459232241454765289"
	BotName string // account_name, default "dondoc"
	// NoGroups makes getMe report can_join_groups false.
	NoGroups bool
	// Seed seeds the random faults of FailRandomly (default 1).
	Seed uint64
	// Clock dates the messages and webhook changes; nil: the real clock.
	Clock clockwork.Clock
	// QuotaPerSecond, when positive, is a quota of sends per second (all
	// chats): a send beyond it within any one second is refused with
	// 429 "Quota exceeded", as Zalo answers. Zalo publishes no number;
	// this is a test setting (QuotaRefused counts the refusals).
	QuotaPerSecond float64
}

// MaxText is the longest text sendMessage accepts, in characters.
const MaxText = 2000

// SecretHeader is the header carrying the webhook secret.
const SecretHeader = "X-Bot-Api-Secret-Token"

// Sent is one successful call of a sending method.
type Sent struct {
	Method    string // sendMessage, sendPhoto, sendSticker, sendChatAction
	ChatID    string
	Text      string // text, or the caption of a photo
	Photo     string // the photo URL
	Action    string // sendChatAction's action
	MessageID string // the id given to the new message
	Params    map[string]string
}

// APIMethod is the Bot API method called.
func (x Sent) APIMethod() string { return x.Method }

// Server is the fake Bot Platform.
type Server struct {
	*httptest.Server
	opts   Options
	client *http.Client

	mu          fakeserver.Guard
	updates     []map[string]any
	history     map[string]map[string]any // message id → update (for redeliveries)
	nextMessage int
	polling     int
	*fakeserver.Log[Sent]
	random        map[string]randomFaults
	chatFaults    map[string]Fault
	rng           *rand.Rand
	webhook       string
	webhookSecret string
	dropped       int // group messages not addressed to the bot
	recentSends   []time.Time
	quotaRefused  int
}

type randomFaults struct {
	ratio  float64
	faults []Fault
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
		opts.BotName = "dondoc"
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	s := &Server{
		opts:       opts,
		client:     &http.Client{Timeout: 10 * time.Second},
		history:    map[string]map[string]any{},
		random:     map[string]randomFaults{},
		chatFaults: map[string]Fault{},
		rng:        rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
	}
	s.Log = fakeserver.NewLog[Sent](&s.mu, "zalofake")
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

// fault picks the fault of this call, if any; callers hold s.mu.
func (s *Server) fault(method, chatID string) *Fault {
	if f := s.NextFault(method); f != nil {
		return f
	}
	if f, ok := s.chatFaults[chatID]; ok && chatID != "" {
		return &f
	}
	if rf, ok := s.random[method]; ok && s.rng.Float64() < rf.ratio {
		f := rf.faults[s.rng.IntN(len(rf.faults))]
		return &f
	}
	return nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	if !ok {
		writeError(w, 400, "Bad Request: wrong path")
		return
	}
	token, method, ok := strings.Cut(rest, "/")
	if !ok || method == "" {
		writeError(w, 400, "Bad Request: wrong path")
		return
	}
	if token != s.opts.Token {
		writeError(w, 401, "Unauthorized")
		return
	}
	p, err := parseRequest(r)
	if err != nil {
		writeError(w, 400, "Bad Request: "+err.Error())
		return
	}
	s.mu.Lock()
	s.Count(method)
	var fault *Fault
	if method != "getMe" || s.Queued(method) > 0 {
		fault = s.fault(method, p["chat_id"])
	}
	if fault == nil && isSend(method) && !s.withinQuota() {
		q := QuotaExceeded()
		fault = &q
	}
	s.mu.Changed()
	s.mu.Unlock()
	if fault.Serve(w, r) {
		return
	}
	switch method {
	case "getMe":
		writeOK(w, map[string]any{"id": s.opts.BotID, "account_name": s.opts.BotName, "account_type": "BASIC", "can_join_groups": !s.opts.NoGroups})
	case "getUpdates":
		s.getUpdates(w, r, p)
	case "sendMessage", "sendPhoto", "sendSticker", "sendChatAction":
		s.send(w, method, p)
	case "setWebhook":
		s.setWebhook(w, p)
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook, s.webhookSecret = "", ""
		s.mu.Changed()
		s.mu.Unlock()
		writeOK(w, map[string]any{"url": "", "updated_at": s.opts.Clock.Now().UnixMilli()})
	case "getWebhookInfo":
		s.mu.Lock()
		u := s.webhook
		s.mu.Unlock()
		writeOK(w, map[string]any{"url": u, "updated_at": s.opts.Clock.Now().UnixMilli()})
	default:
		writeError(w, 400, "Bad Request: wrong method")
	}
}

func isSend(method string) bool {
	return method == "sendMessage" || method == "sendPhoto" || method == "sendSticker"
}

// withinQuota reports whether one more send fits Options.QuotaPerSecond
// in the last second, and counts it (or the refusal); callers hold s.mu.
func (s *Server) withinQuota() bool {
	if s.opts.QuotaPerSecond <= 0 {
		return true
	}
	now := s.opts.Clock.Now()
	keep := s.recentSends[:0]
	for _, t := range s.recentSends {
		if now.Sub(t) < time.Second {
			keep = append(keep, t)
		}
	}
	s.recentSends = keep
	if float64(len(keep)) >= s.opts.QuotaPerSecond {
		s.quotaRefused++
		return false
	}
	s.recentSends = append(s.recentSends, now)
	return true
}

// QuotaRefused is how many sends Options.QuotaPerSecond refused with 429.
func (s *Server) QuotaRefused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.quotaRefused
}

func (s *Server) setWebhook(w http.ResponseWriter, p map[string]string) {
	raw, secret := p["url"], p["secret_token"]
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		writeError(w, 400, "Bad Request: url is not an absolute URL")
		return
	}
	ip := net.ParseIP(u.Hostname())
	if u.Scheme != "https" && (u.Scheme != "http" || ip == nil || !ip.IsLoopback()) {
		writeError(w, 400, "Bad Request: url must be an HTTPS URL")
		return
	}
	if n := len([]rune(secret)); n < 8 || n > 256 {
		writeError(w, 400, "Bad Request: secret_token must be 8 to 256 characters")
		return
	}
	s.mu.Lock()
	s.webhook, s.webhookSecret = raw, secret
	s.mu.Changed()
	s.mu.Unlock()
	writeOK(w, map[string]any{"url": raw, "updated_at": s.opts.Clock.Now().UnixMilli()})
}

// getUpdates long-polls for ONE update: the oldest queued one is removed
// and returned at once; with none, the call waits up to timeout seconds
// (default 30, as Zalo documents) and then fails with 408. There is no
// offset: an update handed out is gone.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p map[string]string) {
	timeout := 30
	if v, ok := p["timeout"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, 400, "Bad Request: timeout must be a number of seconds")
			return
		}
		timeout = n
	}
	s.mu.Lock()
	if s.webhook != "" {
		s.mu.Unlock()
		writeError(w, 400, "Bad Request: getUpdates is not available while a webhook is set")
		return
	}
	s.polling++
	s.mu.Changed()
	done := func() { // callers hold s.mu
		s.polling--
		s.mu.Changed()
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
			writeError(w, 408, "Request timeout")
			return
		}
		switch s.mu.Await(deadline.C, r.Context().Done()) {
		case fakeserver.Deadline:
			timeout = 0
		case fakeserver.Cancelled:
			done()
			return
		}
	}
}

func (s *Server) send(w http.ResponseWriter, method string, p map[string]string) {
	rec := Sent{Method: method, ChatID: p["chat_id"], Params: p}
	if rec.ChatID == "" {
		writeError(w, 404, "Invalid request: chat_id is required")
		return
	}
	switch method {
	case "sendMessage":
		rec.Text = p["text"]
		if n := len([]rune(rec.Text)); n < 1 || n > MaxText {
			writeError(w, 404, fmt.Sprintf("Invalid request: text must be 1 to %d characters, got %d", MaxText, n))
			return
		}
	case "sendPhoto":
		rec.Photo, rec.Text = p["photo"], p["caption"]
		if !strings.HasPrefix(rec.Photo, "http://") && !strings.HasPrefix(rec.Photo, "https://") {
			writeError(w, 404, "Invalid request: photo must be a URL")
			return
		}
		if n := len([]rune(rec.Text)); n > MaxText {
			writeError(w, 404, fmt.Sprintf("Invalid request: caption must be at most %d characters, got %d", MaxText, n))
			return
		}
	case "sendSticker":
		if p["sticker"] == "" {
			writeError(w, 404, "Invalid request: sticker is required")
			return
		}
	case "sendChatAction":
		rec.Action = p["action"]
		if rec.Action != "typing" && rec.Action != "upload_photo" {
			writeError(w, 404, "Invalid request: unknown action")
			return
		}
		s.Record(rec)
		writeOK(w, true)
		return
	}
	s.mu.Lock()
	s.nextMessage++
	rec.MessageID = fmt.Sprintf("%020x", 0xa000+s.nextMessage)
	s.mu.Unlock()
	s.Record(rec)
	writeOK(w, map[string]any{"message_id": rec.MessageID, "date": s.opts.Clock.Now().UnixMilli()})
}

// parseRequest reads the query, then a JSON object (numbers and booleans
// kept as their JSON text) or a form.
func parseRequest(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range r.URL.Query() {
		out[k] = v[0]
	}
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
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		for k, v := range r.PostForm {
			out[k] = v[0]
		}
	}
	return out, nil
}

func writeOK(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func writeError(w http.ResponseWriter, code int, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error_code": code, "description": desc})
}
