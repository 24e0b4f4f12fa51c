// Package zalooa is the Zalo Official Account (OA API v3) channel: an
// agency's verified OA sends consulting ("cs") messages to the followers
// who linked their account, receives their messages by webhook, sends the
// monthly XLSX as a file and takes the secretariat's exports sent as files.
//
// What differs from the Zalo Bot Platform adapter (bot/zalo):
//   - authentication is an OAuth access token (~25 h) renewed with a
//     single-use refresh token; the pair lives in the database and replicas
//     refresh under a lock on it (see token.go);
//   - webhook events are signed: X-ZEvent-Signature is "mac=" + the hex
//     sha256 of app id + raw body + the body's timestamp + the OA secret key;
//   - a consulting message reaches only a follower who interacted with the
//     OA recently; error 230 fails that message for good (the digest moves
//     to the officer's next channel) but the link stays;
//   - files go both ways: upload then a "file" attachment; a user_send_file
//     event carries a URL the secretariat's import downloads.
//
// No groups, no buttons, plain text within 2000 characters a message.
package zalooa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
)

// Platform is the platform name in bot.Update, notify.Message and chat
// accounts.
const Platform = "zalo_oa"

// Default endpoints.
const (
	DefaultAPIBase   = "https://openapi.zalo.me"
	DefaultOAuthBase = "https://oauth.zaloapp.com"
)

// MaxText is the longest text of one OA message, in characters.
const MaxText = 2000

// MaxUpload is the largest file the OA upload accepts (5 MB).
const MaxUpload = 5 << 20

// TokenStore keeps the token pair where every replica sees it;
// store.OATokens implements it.
type TokenStore interface {
	LoadOAToken(ctx context.Context, appID string) (store.OAToken, bool, error)
	RefreshOAToken(ctx context.Context, appID, seed string, now time.Time,
		fn func(ctx context.Context, cur store.OAToken) (store.OAToken, error)) (store.OAToken, error)
}

// State records handled webhook events so that a redelivery is handled
// once, also after a restart or on another replica; store.PlatformState
// implements it.
type State interface {
	MarkUpdate(ctx context.Context, platform, key string, at time.Time) (bool, error)
}

// Config configures a Bot. AppID, SecretKey, RefreshToken and Tokens are
// required.
type Config struct {
	AppID        string // ZALO_OA_APP_ID
	SecretKey    string // ZALO_OA_SECRET_KEY (secret): OAuth header and webhook signature
	RefreshToken string // ZALO_OA_REFRESH_TOKEN (secret): the first one; later ones live in Tokens
	// WebhookKey is the OA secret key of the webhook signature when Zalo
	// shows one different from the app's secret key; default SecretKey.
	WebhookKey string
	APIBase    string // ZALO_OA_API_BASE, default DefaultAPIBase
	OAuthBase  string // ZALO_OA_OAUTH_BASE, default DefaultOAuthBase
	Tokens     TokenStore
	State      State // optional: without it redeliveries are dropped in memory only
	HTTPClient *http.Client
	Logger     *slog.Logger
	Clock      clockwork.Clock
	// RefreshBefore is how long before expiry the access token is renewed
	// (default 1 h of its ~25 h).
	RefreshBefore time.Duration
	// MaxDownload bounds a file a user sends (default 20 MB) and
	// DownloadTimeout its download (default 60 s).
	MaxDownload     int64
	DownloadTimeout time.Duration
}

// Bot is a connected Official Account.
type Bot struct {
	cfg      Config
	client   *http.Client
	log      *slog.Logger
	clock    clockwork.Clock
	handlers *bot.Handlers
	pages    *zalo.Renderer // replies as the Zalo bot shows them; typed page commands

	tokMu    sync.Mutex // one refresh at a time in this process
	mu       sync.Mutex
	access   string
	expires  time.Time
	lastTry  time.Time // last refresh attempt that failed transiently
	stale    string    // the stored access token when the channel stopped
	failure  atomic.Pointer[TokenError]
	seen     map[string]time.Time // msg ids handled by this process
	files    map[string]fileRef   // user_send_file URLs by file id
	progress map[string]int       // Send: pieces delivered, by message key
	fileSeq  int
}

var (
	_ notify.Channel   = (*Bot)(nil)
	_ notify.Describer = (*Bot)(nil)
	_ bot.Responder    = (*Bot)(nil)
)

// New checks the configuration and returns the bot; it makes no call (the
// first message or EnsureToken gets the access token).
func New(cfg Config) (*Bot, error) {
	cfg.AppID, cfg.SecretKey, cfg.RefreshToken = strings.TrimSpace(cfg.AppID), strings.TrimSpace(cfg.SecretKey), strings.TrimSpace(cfg.RefreshToken)
	switch {
	case cfg.AppID == "":
		return nil, errors.New("zalooa: ZALO_OA_APP_ID is empty")
	case cfg.SecretKey == "":
		return nil, errors.New("zalooa: ZALO_OA_SECRET_KEY is empty")
	case cfg.RefreshToken == "":
		return nil, errors.New("zalooa: ZALO_OA_REFRESH_TOKEN is empty")
	case cfg.Tokens == nil:
		return nil, errors.New("zalooa: no token store (the refresh token is single use and must be kept in the database)")
	}
	if cfg.WebhookKey == "" {
		cfg.WebhookKey = cfg.SecretKey
	}
	var err error
	if cfg.APIBase, err = baseURL("ZALO_OA_API_BASE", cfg.APIBase, DefaultAPIBase); err != nil {
		return nil, err
	}
	if cfg.OAuthBase, err = baseURL("ZALO_OA_OAUTH_BASE", cfg.OAuthBase, DefaultOAuthBase); err != nil {
		return nil, err
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.RefreshBefore <= 0 {
		cfg.RefreshBefore = time.Hour
	}
	if cfg.MaxDownload <= 0 {
		cfg.MaxDownload = 20 << 20
	}
	if cfg.DownloadTimeout <= 0 {
		cfg.DownloadTimeout = time.Minute
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	return &Bot{cfg: cfg, client: client, log: cfg.Logger.With("platform", Platform), clock: cfg.Clock,
		handlers: bot.NewHandlers(8), pages: zalo.NewRenderer(cfg.Clock.Now), seen: map[string]time.Time{}, files: map[string]fileRef{}, progress: map[string]int{}}, nil
}

func baseURL(name, v, def string) (string, error) {
	if v == "" {
		v = def
	}
	v = strings.TrimRight(v, "/")
	if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("zalooa: %s %q is not an http(s) URL like %q", name, v, def)
	}
	return v, nil
}

// Platform implements notify.Channel.
func (b *Bot) Platform() string { return Platform }

// Description is what the Official Account offers: plain text of at most
// MaxText characters, files, no buttons (paging is typed), no groups,
// linking by sending the one-time code to the OA; Zalo publishes no pace,
// so 10 messages a second and 1 a second to one follower.
func Description() notify.Platform {
	return notify.Platform{Name: Platform, Label: "Zalo OA", Format: notify.FormatPlain, MaxText: MaxText,
		Files: true, Linkable: true, Limits: notify.Limits{PerSecond: 10, PerChatPerSecond: 1, IsGroup: func(string) bool { return false }}}
}

// Describe implements notify.Describer.
func (b *Bot) Describe() notify.Platform { return Description() }

// Ready reports nil while the channel works, else the token error that
// stopped it (for /readyz).
func (b *Bot) Ready() error {
	if f := b.failure.Load(); f != nil {
		return f
	}
	return nil
}

// Wait blocks until every webhook event being handled is done.
func (b *Bot) Wait() { b.handlers.Wait() }

// APIError is an answer of the OA API with a non-zero "error".
type APIError struct {
	Code    int
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("zalooa: OA API error %d: %s", e.Code, e.Message)
}

// abs returns |n|: Zalo documents its codes negative (-230) and people
// quote them positive (230).
func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// The error codes dondoc acts on.
const (
	codeTokenInvalid = 216 // access token invalid
	codeTokenExpired = 220 // access token expired
	codeAppDisabled  = 219 // application removed or disabled
	codeNoPermission = 223 // the OA has not granted the app permission
	codeWindow       = 230 // the user has not interacted with the OA within the window
)

// tokenCode reports whether code is one of the access-token errors.
func tokenCode(code int) bool {
	switch abs(code) {
	case codeTokenInvalid, codeTokenExpired, codeAppDisabled, codeNoPermission:
		return true
	}
	return false
}

// apiEnvelope is every OA API answer.
type apiEnvelope struct {
	Error   int             `json:"error"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// post sends one API request with the access token and decodes data into
// out. The token never appears in an error.
func (b *Bot) post(ctx context.Context, path, token, ctype string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.cfg.APIBase+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("zalooa: %s: %w", path, err)
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("access_token", token)
	resp, err := b.client.Do(req)
	if err != nil {
		return fmt.Errorf("zalooa: %s: %w", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("zalooa: %s: %w", path, err)
	}
	var env apiEnvelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return &httpError{status: resp.StatusCode}
	}
	if env.Error != 0 {
		return &APIError{Code: env.Error, Message: env.Message}
	}
	if resp.StatusCode >= 400 {
		return &httpError{status: resp.StatusCode}
	}
	if out != nil && len(env.Data) > 0 {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return fmt.Errorf("zalooa: %s: unexpected data %.200s: %w", path, env.Data, err)
		}
	}
	return nil
}

// httpError is an answer that is not the API's JSON (a proxy's page, 5xx).
type httpError struct{ status int }

func (e *httpError) Error() string {
	return fmt.Sprintf("zalooa: HTTP %d without the API's JSON", e.status)
}

// ErrOutsideWindow is the cause of a message refused with error 230: the
// follower has not interacted with the OA recently. It wraps
// notify.ErrNotNow: the message moves on, the link stays.
var ErrOutsideWindow = fmt.Errorf("zalooa: the follower has not interacted with the OA within the window (230): %w", notify.ErrNotNow)

// stoppedRetry is when a message is due again while a token error stops
// the channel: it stays pending, no link is touched.
const stoppedRetry = 10 * time.Minute

// Classify turns a failed call into a *notify.SendError:
//   - 230 → Permanent wrapping ErrOutsideWindow (this message fails, the
//     link stays active; the digest goes to the officer's next channel);
//   - token errors (216, 219, 220, 223) → RateLimited for 10 minutes: the
//     channel is stopped (Ready), messages stay pending, no link is touched;
//   - everything else → Retryable (transport, 5xx, unknown codes).
func Classify(err error) *notify.SendError {
	if se, ok := notify.AsSendError(err); ok {
		return se
	}
	var ae *APIError
	var te *TokenError
	switch {
	case errors.As(err, &te):
		return &notify.SendError{Class: notify.RateLimited, RetryAfter: stoppedRetry, Reason: te.Error(), Err: err}
	case errors.As(err, &ae) && abs(ae.Code) == codeWindow:
		return &notify.SendError{Class: notify.Permanent, Reason: "zalo_oa: outside the interaction window (230): " + ae.Message,
			Err: fmt.Errorf("%w: %w", ErrOutsideWindow, err)}
	case errors.As(err, &ae) && tokenCode(ae.Code):
		return &notify.SendError{Class: notify.RateLimited, RetryAfter: stoppedRetry, Reason: fmt.Sprintf("zalo_oa: token error %d: %s", ae.Code, ae.Message), Err: err}
	case errors.As(err, &ae):
		return &notify.SendError{Class: notify.Retryable, Reason: fmt.Sprintf("zalo_oa: error %d: %s", ae.Code, ae.Message), Err: err}
	}
	return &notify.SendError{Class: notify.Retryable, Reason: "zalo_oa: transport", Err: err}
}
