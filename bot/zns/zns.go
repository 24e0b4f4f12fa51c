// Package zns sends dondoc's daily digest as a Zalo Notification Service
// template message to an officer's phone number: the fallback for officers
// who linked no chat, or whose chat failed for good (issue #10).
//
// One call: POST {base}/message/template with the header access_token and
// the body {phone, template_id, template_data, tracking_id}; the answer is
// {error, message, data: {msg_id, sent_time, quota: {dailyQuota,
// remainingQuota}}}. The template's parameters are filled from the
// message's Fields through a configured mapping; the tracking id is the
// outbox key, so a message Zalo reports is traceable to its entry.
//
// The daily quota: each answer carries what is left today; once nothing
// is left the sender makes no call until the next day (Vietnam time) and
// answers at once with a permanent "daily quota exhausted" error, so the
// jobs move that day's digest to the officer's next channel (e-mail)
// instead of letting it wait a day and arrive stale. The quota error code
// of the API is treated the same way.
package zns

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dondoc/dondoc/notify"
)

// Platform is the ZNS channel's platform name in the outbox.
const Platform = "zns"

// DefaultAPIBase is the ZNS API base URL (ZALO_ZNS_API_BASE).
const DefaultAPIBase = "https://business.openapi.zalo.me"

// DefaultPriceVND is the estimated price of one ZNS message in đồng
// (ZALO_ZNS_PRICE_VND): a few hundred, depending on the template.
const DefaultPriceVND = 300

// Error codes of the ZNS API that dondoc tells apart. Codes -108, -109,
// -111, -112, -114, -118, -124 and -139 are those of Zalo's published
// table; -144 (the OA's daily quota used up) is as we understand it.
const (
	CodeUnknown           = -100
	CodePhoneInvalid      = -108
	CodeTemplateInvalid   = -109
	CodeTemplateDataEmpty = -111
	CodeTemplateData      = -112
	CodeUserCannotReceive = -114
	CodeOutOfBalance      = -115
	CodeAccountNotExisted = -118
	CodeTokenInvalid      = -124
	CodeTemplateNotOK     = -131
	CodeUserRefused       = -139
	CodeDailyQuota        = -144
)

// ReasonQuota is the reason of the error a send gets once the day's quota
// is used up; the jobs read it as "try the next channel".
const ReasonQuota = "zns: daily quota exhausted"

// TokenSource gives the OA access token for each call (a fixed token from
// ZALO_ZNS_ACCESS_TOKEN, or the Zalo OA adapter's refreshed one).
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// StaticToken is a TokenSource that always gives the same token.
type StaticToken string

// Token implements TokenSource.
func (t StaticToken) Token(context.Context) (string, error) { return string(t), nil }

// Config configures a Sender. Tokens, TemplateID and Fields are required.
type Config struct {
	APIBase    string // DefaultAPIBase when empty
	Tokens     TokenSource
	TemplateID string            // ZALO_ZNS_TEMPLATE_DIGEST
	Fields     map[string]string // template parameter → message field (ParseFields)
	HTTPClient *http.Client      // nil: a client with a 30 s timeout
	Now        func() time.Time  // required: the clock of the quota's day
	Location   *time.Location    // the quota's day; nil: Vietnam time (UTC+7)
	PriceVND   int               // per message, for Metrics
	Metrics    *Metrics          // nil: none
	Logger     *slog.Logger      // nil: discard
}

// Sender is the ZNS notify.Channel.
type Sender struct {
	cfg Config
	log *slog.Logger

	mu        sync.Mutex
	quotaDay  string // the day (YYYY-MM-DD) remaining is of
	remaining int    // -1: unknown
}

var (
	_ notify.Channel   = (*Sender)(nil)
	_ notify.Describer = (*Sender)(nil)
)

// New checks cfg and returns a Sender.
func New(cfg Config) (*Sender, error) {
	var errs []error
	if cfg.Tokens == nil {
		errs = append(errs, errors.New("zns: no access token (ZALO_ZNS_ACCESS_TOKEN)"))
	}
	if strings.TrimSpace(cfg.TemplateID) == "" {
		errs = append(errs, errors.New("zns: no template id (ZALO_ZNS_TEMPLATE_DIGEST)"))
	}
	if len(cfg.Fields) == 0 {
		errs = append(errs, errors.New("zns: no template fields (ZALO_ZNS_TEMPLATE_FIELDS)"))
	}
	if cfg.Now == nil {
		errs = append(errs, errors.New("zns: no clock"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.APIBase == "" {
		cfg.APIBase = DefaultAPIBase
	}
	cfg.APIBase = strings.TrimRight(cfg.APIBase, "/")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Location == nil {
		cfg.Location = time.FixedZone("ICT", 7*3600)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sender{cfg: cfg, log: log, remaining: -1}, nil
}

// Platform implements notify.Channel.
func (s *Sender) Platform() string { return Platform }

// Describe implements notify.Describer: plain text (the template's own),
// no files, no groups, nothing to link (the phone number comes from the
// officers import).
func (s *Sender) Describe() notify.Platform { return Description() }

// Description is what ZNS offers, from the configuration alone (the
// wiring list describes a channel before connecting it).
func Description() notify.Platform {
	return notify.Platform{Name: Platform, Label: "tin nhắn ZNS", Format: notify.FormatPlain, MaxText: 2000,
		Limits: Limits()}
}

// Limits is the pace of ZNS calls; Zalo publishes a daily quota, not a
// rate, so the pace only keeps bursts polite.
func Limits() notify.Limits {
	return notify.Limits{PerSecond: 10, IsGroup: func(string) bool { return false }}
}

// Remaining returns what the last answer said is left of today's quota,
// and false when no answer of today said it.
func (s *Sender) Remaining() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.remaining < 0 || s.quotaDay != s.today() {
		return 0, false
	}
	return s.remaining, true
}

func (s *Sender) today() string { return s.cfg.Now().In(s.cfg.Location).Format(time.DateOnly) }

func (s *Sender) exhausted() bool {
	n, ok := s.Remaining()
	return ok && n <= 0
}

func (s *Sender) setRemaining(n int) {
	s.mu.Lock()
	s.quotaDay, s.remaining = s.today(), n
	s.mu.Unlock()
}

// request is the body of POST /message/template.
type request struct {
	Phone        string            `json:"phone"`
	TemplateID   string            `json:"template_id"`
	TemplateData map[string]string `json:"template_data"`
	TrackingID   string            `json:"tracking_id"`
}

// answer is ZNS's reply.
type answer struct {
	Error   int    `json:"error"`
	Message string `json:"message"`
	Data    struct {
		MsgID    string `json:"msg_id"`
		SentTime string `json:"sent_time"`
		Quota    *struct {
			Daily     flexInt `json:"dailyQuota"`
			Remaining flexInt `json:"remainingQuota"`
		} `json:"quota"`
	} `json:"data"`
}

// flexInt reads a JSON number or a string holding one (Zalo's tables
// document the quota as strings, its samples as numbers).
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("zns: quota %s: %w", b, err)
	}
	*f = flexInt(n)
	return nil
}

// Send implements notify.Channel: one template message to m.ChatID (a
// phone number), tracking id m.Key.
func (s *Sender) Send(ctx context.Context, m notify.Message) error {
	phone, ok := NormalizePhone(m.ChatID)
	if !ok {
		return &notify.SendError{Class: notify.Permanent, Reason: "zns: invalid phone number"}
	}
	if m.Key == "" {
		return &notify.SendError{Class: notify.Permanent, Reason: "zns: no tracking id (the message has no outbox key)"}
	}
	if s.exhausted() {
		return &notify.SendError{Class: notify.Permanent, Reason: ReasonQuota}
	}
	data := make(map[string]string, len(s.cfg.Fields))
	for param, field := range s.cfg.Fields {
		data[param] = m.Fields[field]
	}
	token, err := s.cfg.Tokens.Token(ctx)
	if err != nil {
		s.log.Error("zns: no access token", "err", err)
		return &notify.SendError{Class: notify.Retryable, Reason: "zns: access token unavailable", Err: err}
	}
	body, err := json.Marshal(request{Phone: phone, TemplateID: s.cfg.TemplateID, TemplateData: data, TrackingID: m.Key})
	if err != nil {
		return &notify.SendError{Class: notify.Permanent, Reason: "zns: encode request", Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.APIBase+"/message/template", bytes.NewReader(body))
	if err != nil {
		return &notify.SendError{Class: notify.Permanent, Reason: "zns: build request", Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("access_token", token)
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return &notify.SendError{Class: notify.Retryable, Reason: "zns: request failed", Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return &notify.SendError{Class: notify.Retryable, Reason: "zns: read answer", Err: err}
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return &notify.SendError{Class: notify.RateLimited, RetryAfter: time.Minute, Reason: "zns: HTTP 429"}
	}
	var a answer
	if err := json.Unmarshal(raw, &a); err != nil || resp.StatusCode >= 500 {
		if err == nil {
			err = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return &notify.SendError{Class: notify.Retryable, Reason: fmt.Sprintf("zns: HTTP %d, unreadable answer", resp.StatusCode), Err: err}
	}
	if a.Data.Quota != nil {
		s.setRemaining(int(a.Data.Quota.Remaining))
	}
	if a.Error == 0 {
		s.cfg.Metrics.sent(s.cfg.PriceVND)
		s.log.Debug("zns: sent", "key", m.Key, "msg_id", a.Data.MsgID)
		return nil
	}
	return s.classify(a)
}

// classify turns a ZNS error answer into a notify error.
func (s *Sender) classify(a answer) error {
	reason := fmt.Sprintf("zns: error %d: %s", a.Error, a.Message)
	s.cfg.Metrics.failed(a.Error)
	switch a.Error {
	case CodeTokenInvalid:
		// Retried: a token refreshed meanwhile (by the operator or the OA
		// adapter) lets the message go out; said loudly meanwhile.
		s.log.Error("zns: access token rejected: renew ZALO_ZNS_ACCESS_TOKEN", "code", a.Error)
		return &notify.SendError{Class: notify.Retryable, Reason: reason}
	case CodeDailyQuota, CodeOutOfBalance:
		s.setRemaining(0)
		s.log.Error("zns: no quota left today: no more ZNS calls until tomorrow", "code", a.Error, "message", a.Message)
		return &notify.SendError{Class: notify.Permanent, Reason: ReasonQuota + " (" + reason + ")"}
	case CodePhoneInvalid, CodeUserCannotReceive, CodeAccountNotExisted, CodeUserRefused:
		return &notify.SendError{Class: notify.Permanent, Reason: reason}
	case CodeTemplateInvalid, CodeTemplateDataEmpty, CodeTemplateData, CodeTemplateNotOK:
		s.log.Error("zns: template refused: check ZALO_ZNS_TEMPLATE_DIGEST and ZALO_ZNS_TEMPLATE_FIELDS", "code", a.Error, "message", a.Message)
		return &notify.SendError{Class: notify.Permanent, Reason: reason}
	}
	return &notify.SendError{Class: notify.Retryable, Reason: reason}
}

// NormalizePhone turns a Vietnamese mobile number as written in the
// officers import ("0912 345 678", "+84912345678", "912345678" from a
// spreadsheet that dropped the 0) into ZNS's 84xxxxxxxxx; false when it
// is not one.
func NormalizePhone(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '+':
		default:
			return "", false
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "84") && len(d) == 11:
	case strings.HasPrefix(d, "0") && len(d) == 10:
		d = "84" + d[1:]
	case len(d) == 9 && d[0] != '0':
		d = "84" + d
	default:
		return "", false
	}
	if d[2] == '0' {
		return "", false
	}
	return d, true
}

// ParseFields reads ZALO_ZNS_TEMPLATE_FIELDS, "param=field,param=field"
// (e.g. "ten=name,so_qua_han=overdue"), into template parameter → field.
func ParseFields(spec string) (map[string]string, error) {
	m := map[string]string{}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		param, field, ok := strings.Cut(part, "=")
		param, field = strings.TrimSpace(param), strings.TrimSpace(field)
		if !ok || param == "" || field == "" {
			return nil, fmt.Errorf("zns: template field %q: want param=field", part)
		}
		if _, dup := m[param]; dup {
			return nil, fmt.Errorf("zns: template parameter %q given twice", param)
		}
		m[param] = field
	}
	if len(m) == 0 {
		return nil, errors.New("zns: no template field")
	}
	return m, nil
}
