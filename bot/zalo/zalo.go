// Package zalo is the Zalo Bot Platform adapter of the bot: it receives
// updates by long polling (getUpdates) or webhook, converts them to
// bot.Update, sends replies and notifications (notify.Channel) as plain
// text within Zalo's 2000 characters, and classifies Zalo's errors.
//
// Zalo differs from Telegram in ways the rest of dondoc must know:
//   - no markup: HTML messages are converted with notify.PlainText; texts
//     over 2000 characters are split at line boundaries into several
//     messages;
//   - no buttons and no callbacks: a paged reply shows its page and a hint
//     "Gõ /quahan 2 để xem trang sau."; the adapter turns that typed command
//     back into a page request for the router (see Reply);
//   - no file upload: sendPhoto takes a public URL. A photo is sent only
//     when Config.PhotoURL publishes it; otherwise, and for documents, the
//     caption is sent with a note that the file could not be attached;
//   - no deep links: an officer links by typing the one-time code, which
//     the router hands to its HandleOther handler;
//   - group chats are in beta on Zalo: group messages are ignored unless
//     Config.Groups (ZALO_GROUPS) is on;
//   - getUpdates returns one update per call and has no offset.
//
// Taken from Zalo's docs as quoted by third parties (the official pages
// could not be read when this was written): the method names, the
// envelope, JSON bodies, getMe's {id, account_name}, string ids, text
// 1–2000 characters, secret_token 8–256, X-Bot-Api-Secret-Token, one
// update per getUpdates. Not confirmed, to check against Zalo's docs and a
// live bot: every error code (429, 401, 403/404 for blocked or unknown
// chats), whether a 429 carries retry_after, the 408 "Request timeout"
// that ends an empty long poll, 409 while a webhook is set, any rate
// limits (see Limits), and whether a bot may message a user who has not
// written to it recently.
package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/notify"
)

// Platform is the platform name in bot.Update and notify.Message.
const Platform = "zalo"

// DefaultBaseURL is the Zalo Bot Platform API (older docs:
// https://bot-api.zapps.me).
const DefaultBaseURL = "https://bot-api.zaloplatforms.com"

// MaxText is the longest text Zalo accepts in one message, in characters.
const MaxText = 2000

// Config configures a Bot. Token is required; the rest have defaults.
type Config struct {
	Token         string       // ZALO_BOT_TOKEN, "<bot id>:<secret>"
	BaseURL       string       // ZALO_API_BASE, default DefaultBaseURL
	HTTPClient    *http.Client // default: timeout PollTimeout + 15 s
	Logger        *slog.Logger
	WebhookURL    string // webhook mode when set (HTTPS)
	WebhookSecret string // 8–256 printable ASCII characters; required with WebhookURL
	Groups        bool   // ZALO_GROUPS: serve group chats (beta on Zalo)
	// PollTimeout is getUpdates' long-poll timeout, default 30 s (Zalo's);
	// a given HTTPClient's timeout must be longer.
	PollTimeout time.Duration

	// PhotoURL, when set, publishes a photo and returns a public URL for
	// sendPhoto; without it photos are sent as their caption and a note.
	PhotoURL     func(ctx context.Context, f notify.File) (string, error)
	MaxRetryWait time.Duration // the longest a reply waits for a 429, default 30 s
	Workers      int           // updates handled at once, default 8
	// Backoff is the pause after the attempt-th consecutive polling error
	// (attempt ≥ 1); default exponential from 1 s to 60 s with ±50 % jitter.
	Backoff func(attempt int) time.Duration
	// Clock times polling (a server that answers at once is paced); nil:
	// the real clock.
	Clock clockwork.Clock
}

// Bot is a connected Zalo bot.
type Bot struct {
	cfg      Config
	client   *http.Client
	log      *slog.Logger
	id, name string
	handlers *bot.Handlers // update handlers running
	seen     *recent
	pages    *pageMemory

	mu       sync.Mutex
	progress map[string]sendProgress // Send: chunks already delivered, by message key
}

var (
	_ notify.Channel = (*Bot)(nil)
	_ bot.Responder  = (*Bot)(nil)
)

// New checks the token with getMe and returns the bot. A token the server
// refuses gives an error naming ZALO_BOT_TOKEN, never the token itself.
func New(ctx context.Context, cfg Config) (*Bot, error) {
	tok := strings.TrimSpace(cfg.Token)
	if tok == "" {
		return nil, errors.New("zalo: ZALO_BOT_TOKEN is empty")
	}
	if id, secret, ok := strings.Cut(tok, ":"); !ok || id == "" || secret == "" || strings.ContainsAny(tok, "/?# ") {
		return nil, errors.New("zalo: ZALO_BOT_TOKEN không đúng dạng <bot id>:<secret> do Zalo Bot Creator cấp")
	}
	cfg.Token = tok
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("zalo: ZALO_API_BASE %q is not an http(s) URL like %q", cfg.BaseURL, DefaultBaseURL)
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = 30 * time.Second
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.Backoff == nil {
		cfg.Backoff = defaultBackoff
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.WebhookURL != "" && !validSecret(cfg.WebhookSecret) {
		return nil, errors.New("zalo: the webhook secret must be 8–256 printable ASCII characters without spaces when a webhook URL is set")
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: cfg.PollTimeout + 15*time.Second}
	}
	b := &Bot{cfg: cfg, client: client, log: cfg.Logger, handlers: bot.NewHandlers(cfg.Workers), seen: newRecent(4096), pages: newPageMemory(4096, 30*time.Minute, cfg.Clock.Now),
		progress: map[string]sendProgress{}}
	var me struct {
		ID          string `json:"id"`
		AccountName string `json:"account_name"`
	}
	if err := b.call(ctx, "getMe", struct{}{}, &me); err != nil {
		var ae *APIError
		if errors.As(err, &ae) && (ae.Code == 401 || ae.Code == 403 || ae.Code == 404) {
			return nil, fmt.Errorf("zalo: ZALO_BOT_TOKEN bị từ chối: %s (kiểm tra lại token do Zalo Bot Creator cấp)", ae.Description)
		}
		return nil, fmt.Errorf("zalo: getMe: %w", err)
	}
	b.id, b.name = me.ID, me.AccountName
	b.log = cfg.Logger.With("platform", Platform, "bot", b.name)
	return b, nil
}

func validSecret(s string) bool {
	if len(s) < 8 || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// ID is the bot's id (getMe).
func (b *Bot) ID() string { return b.id }

// Name is the bot's account name (getMe).
func (b *Bot) Name() string { return b.name }

// Platform implements notify.Channel.
func (b *Bot) Platform() string { return Platform }

// APIError is a reply with "ok": false, or an HTTP error status with a
// JSON body.
type APIError struct {
	Status      int // HTTP status
	Code        int // error_code (the HTTP status when absent)
	Description string
	RetryAfter  time.Duration // parameters.retry_after or the Retry-After header
}

func (e *APIError) Error() string {
	return fmt.Sprintf("zalo API error %d: %s", e.Code, e.Description)
}

// errNotJSON is a reply that is not the API's JSON (a proxy's error page).
type errNotJSON struct {
	status int
	ctype  string
}

func (e *errNotJSON) Error() string {
	return fmt.Sprintf("zalo: HTTP %d with a non-JSON body (%s)", e.status, e.ctype)
}

// envelope is every reply of the API.
type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// call POSTs params as JSON to method and decodes the result into out
// (when not nil). Transport errors never carry the token.
func (b *Bot) call(ctx context.Context, method string, params, out any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("zalo: %s: %w", method, err)
	}
	if _, ok := ctx.Deadline(); !ok && method != "getUpdates" {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.cfg.BaseURL+"/bot"+b.cfg.Token+"/"+method, bytes.NewReader(body))
	if err != nil {
		return errors.New(strings.ReplaceAll(err.Error(), b.cfg.Token, "<token>"))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = strings.ReplaceAll(ue.URL, b.cfg.Token, "<token>")
		}
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return &errNotJSON{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type")}
	}
	if !env.OK || resp.StatusCode >= 400 {
		e := &APIError{Status: resp.StatusCode, Code: env.ErrorCode, Description: env.Description}
		if e.Code == 0 {
			e.Code = resp.StatusCode
		}
		if env.Parameters.RetryAfter > 0 {
			e.RetryAfter = time.Duration(env.Parameters.RetryAfter) * time.Second
		} else if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			e.RetryAfter = time.Duration(s) * time.Second
		}
		return e
	}
	if out != nil && len(env.Result) > 0 && string(env.Result) != "null" {
		if err := json.Unmarshal(env.Result, out); err != nil {
			return fmt.Errorf("zalo: %s: unexpected result %.200s: %w", method, env.Result, err)
		}
	}
	return nil
}

// defaultRetryAfter is the pause after a 429 that names none.
const defaultRetryAfter = 5 * time.Second

// Classify turns an error of call into a *notify.SendError. The error
// codes Zalo uses are not documented; the rules below are by HTTP status
// or error_code and description, like Telegram's:
//   - 429, or a description saying "too many"/"rate limit" → RateLimited;
//   - 5xx, 408, timeouts, transport errors, non-JSON replies → Retryable;
//   - 401 (the token was revoked) → Retryable, so that the chats are not
//     marked inactive for the bot's own fault; the entry fails after the
//     dispatcher's MaxAttempts and the log says why;
//   - other 4xx (blocked, chat not found, invalid chat id) → Permanent.
func Classify(err error) *notify.SendError {
	var se *notify.SendError
	if errors.As(err, &se) {
		return se
	}
	var ae *APIError
	if errors.As(err, &ae) {
		e := &notify.SendError{Reason: ae.Description, Err: err}
		desc := strings.ToLower(ae.Description)
		switch {
		case ae.Code == http.StatusTooManyRequests || ae.Status == http.StatusTooManyRequests ||
			strings.Contains(desc, "too many") || strings.Contains(desc, "rate limit"):
			e.Class, e.RetryAfter = notify.RateLimited, ae.RetryAfter
			if e.RetryAfter <= 0 {
				e.RetryAfter = defaultRetryAfter
			}
		case ae.Code >= 500 || ae.Status >= 500 || ae.Code == http.StatusRequestTimeout:
			e.Class = notify.Retryable
		case ae.Code == http.StatusUnauthorized:
			e.Class, e.Reason = notify.Retryable, "ZALO_BOT_TOKEN bị từ chối: "+ae.Description
		case ae.Code >= 400 || ae.Status >= 400:
			e.Class = notify.Permanent
		default:
			e.Class = notify.Retryable
		}
		return e
	}
	var nj *errNotJSON
	var ne net.Error
	switch {
	case errors.As(err, &nj):
		return &notify.SendError{Class: notify.Retryable, Reason: "non-JSON reply (a proxy's error page?)", Err: err}
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return &notify.SendError{Class: notify.Retryable, Reason: "timeout", Err: err}
	}
	return &notify.SendError{Class: notify.Retryable, Reason: "transport", Err: err}
}

// SetWebhook registers cfg.WebhookURL with the secret Zalo sends back in
// X-Bot-Api-Secret-Token. Zalo then stops serving getUpdates.
func (b *Bot) SetWebhook(ctx context.Context) error {
	if b.cfg.WebhookURL == "" {
		return errors.New("zalo: SetWebhook: no webhook URL configured")
	}
	p := map[string]string{"url": b.cfg.WebhookURL, "secret_token": b.cfg.WebhookSecret}
	if err := b.call(ctx, "setWebhook", p, nil); err != nil {
		return fmt.Errorf("zalo: setWebhook: %w", Classify(err))
	}
	return nil
}

// DeleteWebhook removes the webhook so that long polling works.
func (b *Bot) DeleteWebhook(ctx context.Context) error {
	if err := b.call(ctx, "deleteWebhook", struct{}{}, nil); err != nil {
		return fmt.Errorf("zalo: deleteWebhook: %w", Classify(err))
	}
	return nil
}

// WebhookInfo returns the webhook URL Zalo has ("" for none).
func (b *Bot) WebhookInfo(ctx context.Context) (string, error) {
	var info struct {
		URL string `json:"url"`
	}
	if err := b.call(ctx, "getWebhookInfo", struct{}{}, &info); err != nil {
		return "", fmt.Errorf("zalo: getWebhookInfo: %w", Classify(err))
	}
	return info.URL, nil
}

func defaultBackoff(attempt int) time.Duration {
	d := time.Second << min(attempt-1, 6)
	if d > time.Minute {
		d = time.Minute
	}
	return time.Duration(float64(d) * (0.5 + rand.Float64()))
}
