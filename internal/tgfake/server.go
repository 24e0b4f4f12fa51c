// Package tgfake is a fake Telegram Bot API server for tests. It speaks the
// real wire format ({"ok":true,"result":...} or an error object), accepts
// form-encoded, multipart and JSON requests at /bot<TOKEN>/<method>, serves
// files at /file/bot<TOKEN>/<path>, and lets a test queue updates, inject
// faults and wait for what the bot sent.
package tgfake

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dondoc/dondoc/internal/fakeserver"
	"github.com/jonboulle/clockwork"
)

// Options configure a Server; zero values get sensible defaults.
type Options struct {
	Token       string // default "123:TEST"
	BotID       int64  // default 1000
	BotUsername string // default "dondoc_test_bot"
	Limits      bool   // enforce Telegram's flood limits (30/s, 1/s per chat, 20/min per group)
	// Clock dates the messages and paces the flood limits; nil: the real
	// clock.
	Clock clockwork.Clock
}

// Sent is one recorded call of a sending method.
type Sent struct {
	Method              string
	ChatID              string
	Text                string // text, or caption for documents and photos
	ParseMode           string
	ReplyMarkup         string // raw JSON
	ThreadID            int
	DisableNotification bool
	MessageID           int // the edited message (editMessageText) or the new one
	CallbackQueryID     string
	FileName            string
	FileData            []byte
	Params              url.Values
}

// APIMethod is the Bot API method called.
func (x Sent) APIMethod() string { return x.Method }

// Commands is one recorded setMyCommands call.
type Commands struct {
	Commands []struct {
		Command     string `json:"command"`
		Description string `json:"description"`
	}
	Scope        string // the scope type, "" for default
	LanguageCode string
}

type file struct {
	path string
	data []byte
}

// Server is the fake Bot API.
type Server struct {
	*httptest.Server
	opts Options

	mu          fakeserver.Guard
	updates     []queued
	history     map[int64]map[string]any
	nextUpdate  int64
	nextMessage int
	polling     int
	*fakeserver.Log[Sent]
	commands      []Commands
	webhook       string
	webhookSecret string
	files         map[string]file
	limiter       *limiter
	conflicts     int
}

type queued struct {
	id  int64
	raw map[string]any
}

// New starts a fake server; the caller closes it (t.Cleanup(s.Close)).
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = "123:TEST"
	}
	if opts.BotID == 0 {
		opts.BotID = 1000
	}
	if opts.BotUsername == "" {
		opts.BotUsername = "dondoc_test_bot"
	}
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	s := &Server{
		opts:        opts,
		nextUpdate:  1,
		nextMessage: 100,
		files:       map[string]file{},
		history:     map[int64]map[string]any{},
	}
	s.Log = fakeserver.NewLog[Sent](&s.mu, "tgfake")
	if opts.Limits {
		s.limiter = newLimiter()
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Token is the bot token the server accepts.
func (s *Server) Token() string { return s.opts.Token }

// BotUsername is the username getMe reports.
func (s *Server) BotUsername() string { return s.opts.BotUsername }

// Endpoint is the API endpoint format for tgbotapi.NewBotAPIWithClient.
func (s *Server) Endpoint() string { return s.URL + "/bot%s/%s" }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, "/file/bot"); ok {
		s.serveFile(w, rest)
		return
	}
	rest, ok := strings.CutPrefix(path, "/bot")
	if !ok {
		writeError(w, 404, "Not Found", nil)
		return
	}
	token, method, ok := strings.Cut(rest, "/")
	if !ok || token != s.opts.Token {
		writeError(w, 401, "Unauthorized", nil)
		return
	}
	params, files, err := parseRequest(r)
	if err != nil {
		writeError(w, 400, "Bad Request: "+err.Error(), nil)
		return
	}
	s.mu.Lock()
	s.Count(method)
	fault := s.NextFault(method)
	s.mu.Changed()
	s.mu.Unlock()
	if fault.Serve(w, r) {
		return
	}
	switch method {
	case "getMe":
		writeOK(w, s.me())
	case "getUpdates":
		s.getUpdates(w, r, params)
	case "sendMessage", "sendDocument", "sendPhoto", "editMessageText", "answerCallbackQuery":
		s.send(w, method, params, files)
	case "setMyCommands":
		s.setMyCommands(w, params)
	case "deleteMyCommands":
		writeOK(w, true)
	case "setWebhook":
		s.mu.Lock()
		s.webhook, s.webhookSecret = params.Get("url"), params.Get("secret_token")
		s.mu.Changed()
		s.mu.Unlock()
		writeOK(w, true)
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook, s.webhookSecret = "", ""
		s.mu.Changed()
		s.mu.Unlock()
		writeOK(w, true)
	case "getWebhookInfo":
		s.mu.Lock()
		info := map[string]any{"url": s.webhook, "has_custom_certificate": false, "pending_update_count": len(s.updates)}
		s.mu.Unlock()
		writeOK(w, info)
	case "getFile":
		s.getFile(w, params)
	default:
		writeError(w, 404, "Not Found: method not found", nil)
	}
}

func (s *Server) me() map[string]any {
	return map[string]any{"id": s.opts.BotID, "is_bot": true, "first_name": "Đôn Đốc", "username": s.opts.BotUsername,
		"can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false}
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p url.Values) {
	offset, _ := strconv.ParseInt(p.Get("offset"), 10, 64)
	limit, _ := strconv.Atoi(p.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p.Get("timeout"))
	s.mu.Lock()
	if s.webhook != "" {
		s.mu.Unlock()
		writeError(w, 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", nil)
		return
	}
	if s.polling > 0 {
		s.conflicts++
		s.mu.Changed()
		s.mu.Unlock()
		writeError(w, 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running", nil)
		return
	}
	s.polling++
	s.mu.Changed()
	// done ends the poll before the reply is written, so that a client's
	// next call never overlaps this one; callers hold s.mu.
	done := func() {
		s.polling--
		s.mu.Changed()
		s.mu.Unlock()
	}
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		// Confirm (drop) every update below offset, then return the rest.
		if offset != 0 {
			kept := s.updates[:0]
			for _, u := range s.updates {
				if u.id >= offset {
					kept = append(kept, u)
				}
			}
			s.updates = kept
		}
		if len(s.updates) > 0 || timeout <= 0 {
			out := make([]map[string]any, 0, limit)
			for _, u := range s.updates {
				if len(out) == limit {
					break
				}
				out = append(out, u.raw)
			}
			done()
			writeOK(w, out)
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

func (s *Server) setMyCommands(w http.ResponseWriter, p url.Values) {
	var c Commands
	if err := json.Unmarshal([]byte(p.Get("commands")), &c.Commands); err != nil {
		writeError(w, 400, "Bad Request: can't parse commands JSON object", nil)
		return
	}
	for _, cmd := range c.Commands {
		if !validCommandName(cmd.Command) || cmd.Description == "" || len([]rune(cmd.Description)) > 256 {
			writeError(w, 400, "Bad Request: BOT_COMMAND_INVALID", nil)
			return
		}
	}
	if sc := p.Get("scope"); sc != "" {
		var scope struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal([]byte(sc), &scope); err != nil {
			writeError(w, 400, "Bad Request: can't parse BotCommandScope JSON object", nil)
			return
		}
		c.Scope = scope.Type
	}
	c.LanguageCode = p.Get("language_code")
	s.mu.Lock()
	s.commands = append(s.commands, c)
	s.mu.Changed()
	s.mu.Unlock()
	writeOK(w, true)
}

func validCommandName(n string) bool {
	if n == "" || len(n) > 32 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func (s *Server) getFile(w http.ResponseWriter, p url.Values) {
	id := p.Get("file_id")
	s.mu.Lock()
	f, ok := s.files[id]
	s.mu.Unlock()
	if !ok {
		writeError(w, 400, "Bad Request: invalid file_id", nil)
		return
	}
	writeOK(w, map[string]any{"file_id": id, "file_unique_id": "u" + id, "file_size": len(f.data), "file_path": f.path})
}

func (s *Server) serveFile(w http.ResponseWriter, rest string) {
	token, path, ok := strings.Cut(rest, "/")
	if !ok || token != s.opts.Token {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.files {
		if f.path == path {
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write(f.data)
			return
		}
	}
	http.NotFound(w, nil)
}

// parseRequest reads a form-encoded, multipart or JSON request.
func parseRequest(r *http.Request) (url.Values, map[string]uploaded, error) {
	files := map[string]uploaded{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return nil, nil, err
		}
		for field, hs := range r.MultipartForm.File {
			f, err := hs[0].Open()
			if err != nil {
				return nil, nil, err
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return nil, nil, err
			}
			files[field] = uploaded{name: hs[0].Filename, data: data}
		}
		return url.Values(r.MultipartForm.Value), files, nil
	case "application/json":
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			return nil, nil, err
		}
		v := url.Values{}
		for k, x := range m {
			if s, ok := x.(string); ok {
				v.Set(k, s)
			} else {
				b, _ := json.Marshal(x)
				v.Set(k, string(b))
			}
		}
		return v, files, nil
	default:
		if err := r.ParseForm(); err != nil {
			return nil, nil, err
		}
		return r.Form, files, nil
	}
}

type uploaded struct {
	name string
	data []byte
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

func chatType(chatID string) string {
	if strings.HasPrefix(chatID, "-") {
		return "supergroup"
	}
	return "private"
}

func errorf(format string, a ...any) string { return fmt.Sprintf(format, a...) }
