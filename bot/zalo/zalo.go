// Package zalo is the Zalo Bot Platform adapter of the bot: it receives
// updates by webhook (production) or long polling (getUpdates, development
// only), converts them to bot.Update, sends replies and notifications
// (notify.Channel) as plain text within Zalo's 2000 characters, paces its
// sends and classifies Zalo's errors exactly as Zalo documents them.
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
//   - groups (limited availability on Zalo): the bot receives only messages
//     that @mention it or reply to it; the mention is removed before the
//     text is parsed. Groups are served when getMe's can_join_groups is true
//     (or Config.Groups forces them on);
//   - images, stickers and unsupported messages get one short answer saying
//     that the bot reads text;
//   - getUpdates returns one update per call, has no offset, and ends an
//     empty long poll with error 408.
//
// Errors, as documented by Zalo: 400 wrong method or path, 401 invalid
// token, 403 internal server error (retry: it does NOT mean "blocked"),
// 404 invalid request, 408 timeout, 429 "Quota exceeded" without
// retry_after. Zalo publishes no rate limits: the pace is a setting
// (Config.RatePerSecond, Config.RatePerChat) that slows down by itself
// after a 429. Not documented, guessed and marked as such: how a reply to
// the bot's message is shown in an update (reply_to_message.from.id).
package zalo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/internal/defaults"
	"github.com/dondoc/dondoc/internal/hooksecret"
	"github.com/dondoc/dondoc/notify"
)

// Platform is the platform name in bot.Update and notify.Message.
const Platform = "zalo"

// DefaultBaseURL is the Zalo Bot Platform API (older docs:
// https://bot-api.zapps.me).
const DefaultBaseURL = "https://bot-api.zaloplatforms.com"

// MaxText is the longest text Zalo accepts in one message, in characters.
const MaxText = 2000

// Default pace: Zalo publishes no numbers; these are conservative guesses.
const (
	DefaultRatePerSecond = 10.0
	DefaultRatePerChat   = 1.0
)

// SettingWebhookSecret is the State setting that keeps a generated webhook
// secret when ZALO_WEBHOOK_SECRET is unset.
const SettingWebhookSecret = "zalo.webhook_secret"

// ErrUnauthorized is Zalo's 401: the token is invalid or was reset in Bot
// Creator. The channel stops (Run returns it) and Ready reports it.
var ErrUnauthorized = errors.New("zalo: ZALO_BOT_TOKEN bị Zalo từ chối (401): token sai hoặc đã được cấp lại trong Zalo Bot Creator")

// State is what the adapter keeps in the database: the updates it handled
// (so that a redelivery, even after a restart, is answered once), the days
// a chat failed with 404, and a generated webhook secret.
// store.PlatformState implements it.
type State interface {
	MarkUpdate(ctx context.Context, platform, key string, at time.Time) (bool, error)
	NoteFailureDay(ctx context.Context, platform, chatID, day string) (int, error)
	ClearFailures(ctx context.Context, platform, chatID string) error
	SettingOrInit(ctx context.Context, name, value string, at time.Time) (string, error)
	PruneUpdates(ctx context.Context, before time.Time) (int64, error)
}

// Config configures a Bot. Token is required; the rest have defaults.
type Config struct {
	Token      string       // ZALO_BOT_TOKEN, "<bot id>:<secret>"
	BaseURL    string       // ZALO_API_BASE, default DefaultBaseURL
	HTTPClient *http.Client // default: timeout PollTimeout + 15 s
	Logger     *slog.Logger
	Clock      clockwork.Clock // default the real clock
	// State keeps handled updates, failure days and a generated webhook
	// secret; without it, duplicates are only dropped within the process.
	State State
	// Location is the time zone of the "days" 404s are counted on,
	// default Asia/Ho_Chi_Minh (UTC+7).
	Location *time.Location

	// WebhookURL selects webhook mode (ZALO_WEBHOOK_URL): HTTPS, or HTTP to
	// a loopback host (tests, a local TLS proxy).
	WebhookURL string
	// WebhookSecret is ZALO_WEBHOOK_SECRET, 8–256 printable ASCII
	// characters; when empty with a WebhookURL, one is generated and kept
	// in State.
	WebhookSecret string
	// Groups forces group chats on even when getMe's can_join_groups is
	// false (ZALO_GROUPS).
	Groups bool
	// PollTimeout is getUpdates' long-poll timeout, default 30 s (Zalo's);
	// a given HTTPClient's timeout must be longer.
	PollTimeout time.Duration

	// RatePerSecond and RatePerChat are the pace of sends overall and per
	// chat (ZALO_RATE_PER_SECOND, ZALO_RATE_PER_CHAT), defaults
	// DefaultRatePerSecond and DefaultRatePerChat. A 429 slows both down
	// for a while. A negative RatePerSecond turns pacing off (tests).
	RatePerSecond, RatePerChat float64

	// PhotoURL, when set, publishes a photo and returns a public URL for
	// sendPhoto; without it photos are sent as their caption and a note.
	PhotoURL     func(ctx context.Context, f notify.File) (string, error)
	MaxRetryWait time.Duration // the longest a reply waits for a 429, default 30 s
	// QuotaRetry is the first pause after a 429, which names none
	// (default 2 s); later 429s double it with the pace.
	QuotaRetry time.Duration
	// RetryWait is the pause before a reply's second attempt after a
	// transient failure (403, 408, 5xx), growing with each attempt;
	// default 500 ms.
	RetryWait time.Duration
	Workers   int // polled updates handled at once, default 8
	// Backoff is the pause after the attempt-th consecutive polling error
	// (attempt ≥ 1); default exponential from 1 s to 60 s with ±50 % jitter.
	Backoff func(attempt int) time.Duration
}

// Bot is a connected Zalo bot.
type Bot struct {
	cfg      Config
	client   *http.Client
	log      *slog.Logger
	clock    clockwork.Clock
	id, name string
	groups   bool // serve group chats
	canJoin  bool // getMe's can_join_groups
	secret   string
	handlers *bot.Handlers // update handlers running
	seen     *bot.Recent
	pages    *pageMemory
	pace     *pacer
	stopped  atomic.Bool  // a 401 was seen
	marked   atomic.Int64 // updates recorded in State, for pruning

	mu       sync.Mutex
	progress map[string]sendProgress // Send: chunks already delivered, by message key
	failing  map[string]bool         // chats with 404 days noted in State
}

var (
	_ notify.Channel = (*Bot)(nil)
	_ bot.Responder  = (*Bot)(nil)
)

// New checks the token with getMe and returns the bot. A token the server
// refuses gives an error naming ZALO_BOT_TOKEN, never the token itself.
// With a WebhookURL, the URL is checked and the secret settled (generated
// and stored in State when unset); the webhook itself is registered by
// SetWebhook.
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
	defaults.Positive(&cfg.PollTimeout, 30*time.Second)
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	defaults.Positive(&cfg.MaxRetryWait, 30*time.Second)
	defaults.Positive(&cfg.Workers, 8)
	defaults.Positive(&cfg.QuotaRetry, defaultQuotaRetry)
	defaults.Positive(&cfg.RetryWait, 500*time.Millisecond)
	if cfg.Backoff == nil {
		cfg.Backoff = notify.PollBackoff
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Location == nil {
		cfg.Location = time.FixedZone("ICT", 7*3600)
	}
	if cfg.RatePerSecond == 0 {
		cfg.RatePerSecond = DefaultRatePerSecond
	}
	defaults.Positive(&cfg.RatePerChat, DefaultRatePerChat)
	if cfg.WebhookURL != "" {
		if err := CheckWebhookURL(cfg.WebhookURL); err != nil {
			return nil, err
		}
		if cfg.WebhookSecret != "" && !hooksecret.Zalo(cfg.WebhookSecret) {
			return nil, errors.New("zalo: ZALO_WEBHOOK_SECRET must be 8–256 printable ASCII characters without spaces")
		}
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: cfg.PollTimeout + 15*time.Second}
	}
	b := &Bot{cfg: cfg, client: client, log: cfg.Logger, clock: cfg.Clock, handlers: bot.NewHandlers(cfg.Workers),
		seen: bot.NewRecent(4096), pages: newPageMemory(4096, 30*time.Minute, cfg.Clock.Now),
		pace:     newPacer(cfg.Clock, cfg.RatePerSecond, cfg.RatePerChat, cfg.QuotaRetry),
		progress: map[string]sendProgress{}, failing: map[string]bool{}}
	var me struct {
		ID            string `json:"id"`
		AccountName   string `json:"account_name"`
		CanJoinGroups bool   `json:"can_join_groups"`
	}
	if err := b.call(ctx, "getMe", struct{}{}, &me); err != nil {
		var ae *APIError
		if errors.As(err, &ae) && ae.Code == http.StatusUnauthorized {
			return nil, fmt.Errorf("zalo: ZALO_BOT_TOKEN bị từ chối: %s (kiểm tra lại token do Zalo Bot Creator cấp): %w", ae.Description, ErrUnauthorized)
		}
		return nil, fmt.Errorf("zalo: getMe: %w", err)
	}
	b.id, b.name, b.canJoin = me.ID, me.AccountName, me.CanJoinGroups
	b.groups = me.CanJoinGroups || cfg.Groups
	b.log = cfg.Logger.With("platform", Platform, "bot", b.name)
	if cfg.WebhookURL != "" {
		if err := b.settleSecret(ctx); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// settleSecret sets b.secret: the configured one, else the one kept in
// State, generated on first use.
func (b *Bot) settleSecret(ctx context.Context) error {
	if b.cfg.WebhookSecret != "" {
		b.secret = b.cfg.WebhookSecret
		return nil
	}
	if b.cfg.State == nil {
		return errors.New("zalo: ZALO_WEBHOOK_SECRET is unset and there is no database to keep a generated one")
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return fmt.Errorf("zalo: generating the webhook secret: %w", err)
	}
	v, err := b.cfg.State.SettingOrInit(ctx, SettingWebhookSecret, base64.RawURLEncoding.EncodeToString(raw), b.clock.Now())
	if err != nil {
		return fmt.Errorf("zalo: webhook secret: %w", err)
	}
	if !hooksecret.Zalo(v) {
		return errors.New("zalo: the stored webhook secret is not 8–256 printable characters")
	}
	b.secret = v
	b.log.Info("zalo: using the webhook secret kept in the database (ZALO_WEBHOOK_SECRET is unset)")
	return nil
}

// CheckWebhookURL accepts an absolute HTTPS URL, or HTTP when the host is
// a loopback address (a local TLS-terminating proxy, tests).
func CheckWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("zalo: ZALO_WEBHOOK_URL %q is not an absolute URL", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || strings.EqualFold(host, "localhost") {
			return nil
		}
	}
	return fmt.Errorf("zalo: ZALO_WEBHOOK_URL %q must be HTTPS (plain HTTP only to a loopback address)", raw)
}

// ID is the bot's id (getMe).
func (b *Bot) ID() string { return b.id }

// Name is the bot's account name (getMe).
func (b *Bot) Name() string { return b.name }

// CanJoinGroups is getMe's can_join_groups: whether group binding should be
// offered on Zalo.
func (b *Bot) CanJoinGroups() bool { return b.canJoin }

// Platform implements notify.Channel.
func (b *Bot) Platform() string { return Platform }

// Ready reports nil while the channel works, ErrUnauthorized after Zalo
// refused the token (for /readyz).
func (b *Bot) Ready() error {
	if b.stopped.Load() {
		return ErrUnauthorized
	}
	return nil
}

// WebhookPath is the path of the webhook URL, where the handler must be
// mounted ("/" for none).
func (b *Bot) WebhookPath() string {
	u, err := url.Parse(b.cfg.WebhookURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// APIError is a reply with "ok": false, or an HTTP error status with a
// JSON body.
type APIError struct {
	Status      int // HTTP status
	Code        int // error_code or errorCode (the HTTP status when absent)
	Description string
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

// envelope is every reply of the API. Some copies of the docs spell the
// code errorCode.
type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	ErrorCode2  int             `json:"errorCode"`
	Description string          `json:"description"`
	Message     string          `json:"message"`
}

// call POSTs params as JSON to method and decodes the result into out
// (when not nil). Transport errors never carry the token. A 401 marks the
// channel stopped.
func (b *Bot) call(ctx context.Context, method string, params, out any) error {
	err := b.do(ctx, method, params, out)
	var ae *APIError
	if errors.As(err, &ae) && ae.Code == http.StatusUnauthorized && !b.stopped.Swap(true) {
		b.log.Error("zalo: Zalo refused ZALO_BOT_TOKEN (401); the Zalo channel stops until the token is fixed and dondoc restarted",
			"method", method, "description", ae.Description)
	}
	return err
}

func (b *Bot) do(ctx context.Context, method string, params, out any) error {
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
			e.Code = env.ErrorCode2
		}
		if e.Code == 0 {
			e.Code = resp.StatusCode
		}
		if e.Description == "" {
			e.Description = env.Message
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

// defaultQuotaRetry is the first pause after a 429, which names none.
const defaultQuotaRetry = 2 * time.Second

// Classify turns an error of call into a *notify.SendError, by Zalo's
// documented codes:
//   - 429 "Quota exceeded" → RateLimited (no retry_after: a default pause;
//     the bot's own sends use its adaptive pace instead);
//   - 403 (Zalo's internal server error), 408 (timeout), 5xx, transport
//     errors, non-JSON replies → Retryable: never deactivate anything;
//   - 401 (token invalid) → Retryable, so that no chat is marked inactive
//     for the bot's own fault; the channel stops (see Ready) and Send then
//     answers RateLimited for 10 minutes, keeping notifications pending;
//   - 404 (invalid request) → Retryable here; Send makes it Permanent (the
//     link is marked inactive) only when it repeats on three different days;
//   - 400 (wrong method or path: dondoc's fault, not the chat's) → Retryable.
func Classify(err error) *notify.SendError {
	if se, ok := notify.AsSendError(err); ok {
		return se
	}
	var ae *APIError
	if errors.As(err, &ae) {
		e := &notify.SendError{Class: notify.Retryable, Reason: fmt.Sprintf("%d %s", ae.Code, ae.Description), Err: err}
		switch ae.Code {
		case http.StatusTooManyRequests:
			e.Class, e.RetryAfter = notify.RateLimited, defaultQuotaRetry
		case http.StatusUnauthorized:
			e.Reason = "ZALO_BOT_TOKEN bị từ chối: " + ae.Description
		case http.StatusNotFound:
			e.Reason = "invalid request (404): " + ae.Description
		case http.StatusForbidden:
			e.Reason = "Zalo internal server error (403): " + ae.Description
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

// SetWebhook registers the webhook URL and secret with setWebhook and
// confirms it with getWebhookInfo. Zalo then POSTs every update to the URL
// with the secret in X-Bot-Api-Secret-Token, and getUpdates stops working.
func (b *Bot) SetWebhook(ctx context.Context) error {
	if b.cfg.WebhookURL == "" {
		return errors.New("zalo: SetWebhook: no webhook URL configured")
	}
	p := map[string]string{"url": b.cfg.WebhookURL, "secret_token": b.secret}
	if err := b.call(ctx, "setWebhook", p, nil); err != nil {
		return fmt.Errorf("zalo: setWebhook: %w", Classify(err))
	}
	got, err := b.WebhookInfo(ctx)
	if err != nil {
		return err
	}
	if got != b.cfg.WebhookURL {
		return fmt.Errorf("zalo: getWebhookInfo reports %q after setWebhook %q", got, b.cfg.WebhookURL)
	}
	b.log.Info("zalo: webhook set", "url", b.cfg.WebhookURL)
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
