// Package znsfake is a local ZNS server for tests: POST
// /message/template with the access_token header and the body {phone,
// template_id, template_data, tracking_id}, answered as ZNS does — {error,
// message, data: {msg_id, sent_time, quota: {dailyQuota, remainingQuota}}}
// — with a daily quota and the documented error codes (-124 token, -108
// phone, -109 template, -112 template data, -144 quota).
package znsfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
)

// Options configure a Server.
type Options struct {
	Token      string              // the access token accepted; "" accepts any non-empty one
	Templates  map[string][]string // template id → its parameters (all required); nil: any id, any data
	DailyQuota int                 // messages a day; 0: 500
}

// Message is one template message the server accepted.
type Message struct {
	Phone      string
	TemplateID string
	Data       map[string]string
	TrackingID string
	MsgID      string
}

// Server is the fake ZNS API.
type Server struct {
	*httptest.Server
	opt Options

	mu        sync.Mutex
	sent      []Message
	calls     int
	remaining int
	failNext  []int // error codes answered to the next calls
}

// New starts a Server; Close it when done.
func New(opt Options) *Server {
	if opt.DailyQuota <= 0 {
		opt.DailyQuota = 500
	}
	s := &Server{opt: opt, remaining: opt.DailyQuota}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /message/template", s.template)
	s.Server = httptest.NewServer(mux)
	return s
}

// Sent returns the messages accepted so far.
func (s *Server) Sent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.sent...)
}

// Calls returns how many requests reached /message/template.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// SetRemaining sets what is left of today's quota.
func (s *Server) SetRemaining(n int) {
	s.mu.Lock()
	s.remaining = n
	s.mu.Unlock()
}

// NewDay gives the whole daily quota back.
func (s *Server) NewDay() { s.SetRemaining(s.opt.DailyQuota) }

// FailNext answers the next calls with these error codes, one each.
func (s *Server) FailNext(codes ...int) {
	s.mu.Lock()
	s.failNext = append(s.failNext, codes...)
	s.mu.Unlock()
}

var vnPhone = regexp.MustCompile(`^84[1-9][0-9]{8}$`)

var messages = map[int]string{
	-108: "Phone number invalid",
	-109: "Template ID invalid",
	-112: "Template data invalid",
	-118: "Zalo account not existed",
	-121: "Body data empty",
	-124: "Access token invalid",
	-144: "OA has exceeded the daily quota",
	-100: "Unknown error",
}

type body struct {
	Phone        string            `json:"phone"`
	TemplateID   string            `json:"template_id"`
	TemplateData map[string]string `json:"template_data"`
	TrackingID   string            `json:"tracking_id"`
}

func (s *Server) template(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	fail := func(code int) {
		writeJSON(w, map[string]any{"error": code, "message": messages[code]})
	}
	if len(s.failNext) > 0 {
		code := s.failNext[0]
		s.failNext = s.failNext[1:]
		fail(code)
		return
	}
	tok := r.Header.Get("access_token")
	if tok == "" || (s.opt.Token != "" && tok != s.opt.Token) {
		fail(-124)
		return
	}
	var b body
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&b); err != nil {
		fail(-121)
		return
	}
	if !vnPhone.MatchString(b.Phone) {
		fail(-108)
		return
	}
	if s.opt.Templates != nil {
		params, ok := s.opt.Templates[b.TemplateID]
		if !ok {
			fail(-109)
			return
		}
		for _, p := range params {
			if b.TemplateData[p] == "" {
				fail(-112)
				return
			}
		}
	}
	if s.remaining <= 0 {
		fail(-144)
		return
	}
	s.remaining--
	id := "zns-" + strconv.Itoa(len(s.sent)+1)
	s.sent = append(s.sent, Message{Phone: b.Phone, TemplateID: b.TemplateID, Data: b.TemplateData, TrackingID: b.TrackingID, MsgID: id})
	writeJSON(w, map[string]any{"error": 0, "message": "Success", "data": map[string]any{
		"msg_id": id, "sent_time": "1733540400000",
		"quota": map[string]string{"dailyQuota": strconv.Itoa(s.opt.DailyQuota), "remainingQuota": strconv.Itoa(s.remaining)},
	}})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
