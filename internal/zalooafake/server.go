// Package zalooafake is a fake Zalo Official Account platform for tests,
// speaking the documented wire format of the OA API v3 and of the OAuth v4
// token endpoint, on one local HTTP server:
//
//   - POST /v4/oa/access_token (header secret_key; form grant_type=
//     refresh_token, app_id, refresh_token) answers {access_token,
//     refresh_token, expires_in:"90000"}; a refresh token works once;
//   - POST /v3.0/oa/message/cs (header access_token; JSON {recipient:
//     {user_id}, message:{text} or message:{attachment:{type:"file",
//     payload:{token}}}}) answers {error:0, message, data:{message_id}};
//   - POST /v2.0/oa/upload/file (header access_token; multipart "file")
//     answers {error:0, data:{token}};
//   - GET /files/<name> serves a file a user "sent" (user_send_file's URL)
//     and counts the downloads.
//
// Errors are {error:<negative code>, message}: -216 access token invalid,
// -220 expired, -219 app disabled, -223 no permission, -230 the user has
// not interacted with the OA within the window. Webhook events are POSTed
// with X-ZEvent-Signature: mac=<hex sha256(app_id + body + timestamp +
// OA secret key)>.
package zalooafake

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Options configure a Server; zero values take defaults.
type Options struct {
	AppID     string // default "4318000000000000001"
	SecretKey string // default "fake-oa-secret-key"
	OAID      string // default "1950000000000000009"
}

// Sent is one consulting message the OA sent.
type Sent struct {
	UserID    string
	Text      string
	FileToken string // a file attachment's token ("" for text)
	FileName  string // the uploaded file's name, for a file attachment
	FileData  []byte
}

// Server is the fake platform.
type Server struct {
	opts Options
	srv  *httptest.Server

	mu           sync.Mutex
	refresh      string          // the one refresh token that works now
	access       map[string]bool // valid access tokens
	issued       int
	refreshCalls int
	refreshErr   int
	apiErr       int
	userErr      map[string]int
	sent         []Sent
	uploads      map[string]Sent // by token
	files        map[string][]byte
	downloads    map[string]int
	hold         chan struct{}
	held         chan struct{}
	msgs         int
	changed      chan struct{} // closed and replaced when a message is sent
}

// New starts a fake platform.
func New(opts Options) *Server {
	if opts.AppID == "" {
		opts.AppID = "4318000000000000001"
	}
	if opts.SecretKey == "" {
		opts.SecretKey = "fake-oa-secret-key"
	}
	if opts.OAID == "" {
		opts.OAID = "1950000000000000009"
	}
	s := &Server{opts: opts, refresh: "rt-first", access: map[string]bool{}, userErr: map[string]int{},
		uploads: map[string]Sent{}, files: map[string][]byte{}, downloads: map[string]int{}, changed: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v4/oa/access_token", s.token)
	mux.HandleFunc("POST /v3.0/oa/message/cs", s.cs)
	mux.HandleFunc("POST /v2.0/oa/upload/file", s.upload)
	mux.HandleFunc("GET /files/{name}", s.file)
	s.srv = httptest.NewServer(mux)
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// URL is the base URL of both the API and the OAuth endpoint.
func (s *Server) URL() string { return s.srv.URL }

// AppID, SecretKey and FirstRefreshToken are what an operator configures.
func (s *Server) AppID() string { return s.opts.AppID }

// SecretKey is the app's secret key (OAuth header and webhook signature).
func (s *Server) SecretKey() string { return s.opts.SecretKey }

// FirstRefreshToken is the refresh token issued with the app.
func (s *Server) FirstRefreshToken() string { return "rt-first" }

// IssueRefreshToken makes a new refresh token, as an operator does in
// the API explorer when the chain is lost; the previous one stops working.
func (s *Server) IssueRefreshToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.issued++
	s.refresh = fmt.Sprintf("rt-manual-%d", s.issued)
	return s.refresh
}

// RefreshCalls counts calls to the token endpoint.
func (s *Server) RefreshCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshCalls
}

// ExpireAccessTokens makes every access token issued so far invalid (-216).
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.access)
}

// SetRefreshError makes the token endpoint answer code (0: normal).
func (s *Server) SetRefreshError(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshErr = code
}

// SetAPIError makes every message and upload call answer code (0: normal).
func (s *Server) SetAPIError(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiErr = code
}

// SetUserError makes messages to userID answer code (0: normal), e.g.
// -230 outside the interaction window.
func (s *Server) SetUserError(userID string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.userErr[userID] = code
}

// HoldRefresh makes the token endpoint wait until release is called;
// started receives once per call that began waiting.
func (s *Server) HoldRefresh() (started <-chan struct{}, release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold, s.held = make(chan struct{}), make(chan struct{}, 16)
	h := s.hold
	var once sync.Once
	return s.held, func() { once.Do(func() { close(h) }) }
}

// Sent returns the messages sent so far.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// WaitSent waits until n messages in all were sent, or timeout.
func (s *Server) WaitSent(timeout time.Duration, n int) ([]Sent, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		sent, changed := append([]Sent(nil), s.sent...), s.changed
		s.mu.Unlock()
		if len(sent) >= n {
			return sent, nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return sent, fmt.Errorf("zalooafake: %d messages sent after %v, want %d", len(sent), timeout, n)
		}
	}
}

// AddFile publishes data at a URL, as Zalo does for a file a user sent.
func (s *Server) AddFile(name string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[name] = data
	return s.srv.URL + "/files/" + name
}

// Downloads counts the downloads of a published file.
func (s *Server) Downloads(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.downloads[name]
}

func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	s.mu.Lock()
	data, ok := s.files[name]
	if ok {
		s.downloads[name]++
	}
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(data)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// errorText is the message of a documented error code.
func errorText(code int) string {
	switch code {
	case -216:
		return "Access token is invalid"
	case -220:
		return "Access token has expired"
	case -219:
		return "Application has been removed or disabled"
	case -223:
		return "Official Account has not granted permission"
	case -230:
		return "User has not interacted with the OA in the last 7 days"
	case -201:
		return "Parameters are invalid"
	case -14014:
		return "Invalid refresh token"
	}
	return "Error " + strconv.Itoa(code)
}

func apiError(w http.ResponseWriter, code int) {
	writeJSON(w, map[string]any{"error": code, "message": errorText(code)})
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.refreshCalls++
	hold, held := s.hold, s.held
	s.mu.Unlock()
	if hold != nil {
		held <- struct{}{}
		<-hold
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	bad := func(code int, desc string) {
		writeJSON(w, map[string]any{"error": code, "error_name": errorText(code), "error_description": desc})
	}
	switch {
	case s.refreshErr != 0:
		bad(s.refreshErr, "injected")
	case r.Header.Get("secret_key") != s.opts.SecretKey:
		bad(-14002, "invalid secret_key")
	case r.PostForm.Get("app_id") != s.opts.AppID || r.PostForm.Get("grant_type") != "refresh_token":
		bad(-14001, "invalid app_id or grant_type")
	case r.PostForm.Get("refresh_token") != s.refresh:
		bad(-14014, "refresh token used or unknown")
	default:
		s.issued++
		at, rt := fmt.Sprintf("at-%d", s.issued), fmt.Sprintf("rt-%d", s.issued)
		s.access[at], s.refresh = true, rt
		writeJSON(w, map[string]string{"access_token": at, "refresh_token": rt, "expires_in": "90000"})
	}
}

// authorised checks the access_token header, answering the error itself.
func (s *Server) authorised(w http.ResponseWriter, r *http.Request) bool {
	switch {
	case s.apiErr != 0:
		apiError(w, s.apiErr)
	case !s.access[r.Header.Get("access_token")]:
		apiError(w, -216)
	default:
		return true
	}
	return false
}

func (s *Server) cs(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Recipient struct {
			UserID string `json:"user_id"`
		} `json:"recipient"`
		Message struct {
			Text       string `json:"text"`
			Attachment *struct {
				Type    string `json:"type"`
				Payload struct {
					Token string `json:"token"`
				} `json:"payload"`
			} `json:"attachment"`
		} `json:"message"`
	}
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.authorised(w, r) {
		return
	}
	if err := json.Unmarshal(raw, &body); err != nil || body.Recipient.UserID == "" {
		apiError(w, -201)
		return
	}
	if code := s.userErr[body.Recipient.UserID]; code != 0 {
		apiError(w, code)
		return
	}
	m := Sent{UserID: body.Recipient.UserID, Text: body.Message.Text}
	switch a := body.Message.Attachment; {
	case a != nil:
		up, ok := s.uploads[a.Payload.Token]
		if a.Type != "file" || !ok {
			apiError(w, -201)
			return
		}
		m.FileToken, m.FileName, m.FileData = a.Payload.Token, up.FileName, up.FileData
	case m.Text == "" || utf8.RuneCountInString(m.Text) > 2000:
		apiError(w, -201)
		return
	}
	s.msgs++
	s.sent = append(s.sent, m)
	close(s.changed)
	s.changed = make(chan struct{})
	writeJSON(w, map[string]any{"error": 0, "message": "Success",
		"data": map[string]string{"message_id": fmt.Sprintf("m%d", s.msgs), "user_id": m.UserID}})
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.mu.Lock()
		apiError(w, -201)
		s.mu.Unlock()
		return
	}
	data, _ := io.ReadAll(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.authorised(w, r) {
		return
	}
	tok := fmt.Sprintf("ft-%d", len(s.uploads)+1)
	s.uploads[tok] = Sent{FileName: hdr.Filename, FileData: data}
	writeJSON(w, map[string]any{"error": 0, "message": "Success", "data": map[string]string{"token": tok}})
}

// Event is an event a follower causes, to deliver to the OA's webhook.
type Event struct {
	Name      string // "user_send_text", "user_send_file", "user_send_image", …
	UserID    string // the follower's id (sender.id)
	MsgID     string
	Text      string
	FileURL   string // user_send_file
	FileName  string
	FileSize  int64
	Timestamp int64 // milliseconds
}

// Body renders e as Zalo posts it.
func (s *Server) Body(e Event) []byte {
	msg := map[string]any{"msg_id": e.MsgID}
	if e.Text != "" {
		msg["text"] = e.Text
	}
	if e.FileURL != "" {
		msg["attachments"] = []any{map[string]any{"type": "file", "payload": map[string]string{
			"url": e.FileURL, "name": e.FileName, "size": strconv.FormatInt(e.FileSize, 10),
			"type": strings.TrimPrefix(e.FileName[strings.LastIndexByte(e.FileName, '.')+1:], "."), "checksum": "c"}}}
	}
	b, _ := json.Marshal(map[string]any{
		"app_id": s.opts.AppID, "user_id_by_app": "app-" + e.UserID, "event_name": e.Name,
		"timestamp": strconv.FormatInt(e.Timestamp, 10),
		"sender":    map[string]string{"id": e.UserID}, "recipient": map[string]string{"id": s.opts.OAID},
		"message": msg,
	})
	return b
}

// Sign returns the X-ZEvent-Signature of body sent at timestamp (ms).
func (s *Server) Sign(body []byte, timestamp int64) string {
	h := sha256.Sum256([]byte(s.opts.AppID + string(body) + strconv.FormatInt(timestamp, 10) + s.opts.SecretKey))
	return "mac=" + hex.EncodeToString(h[:])
}

// Deliver posts e, signed, to the webhook URL and returns the HTTP status.
func (s *Server) Deliver(hookURL string, e Event) (int, error) {
	body := s.Body(e)
	return s.DeliverRaw(hookURL, body, s.Sign(body, e.Timestamp))
}

// DeliverRaw posts body with the given signature header ("" for none).
func (s *Server) DeliverRaw(hookURL string, body []byte, signature string) (int, error) {
	req, err := http.NewRequest(http.MethodPost, hookURL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("X-ZEvent-Signature", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}
