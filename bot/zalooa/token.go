package zalooa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dondoc/dondoc/store"
)

// TokenError is a token failure Zalo reports: the refresh token was
// refused, or the API answered 216 (access token invalid) or 220
// (expired) right after a refresh, 219 (app disabled) or 223 (no
// permission). It stops the channel — Ready returns it, messages stay
// pending — and is never answered by refreshing again: the operator must
// fix the app or configure a new ZALO_OA_REFRESH_TOKEN. Another replica's
// successful refresh, seen in the database, restarts the channel.
type TokenError struct {
	Code    int
	Message string
	During  string // "refresh" or the API path
}

func (e *TokenError) Error() string {
	what := map[int]string{codeTokenInvalid: "access token invalid", codeTokenExpired: "access token expired",
		codeAppDisabled: "app removed or disabled", codeNoPermission: "the OA has not granted the app permission"}[abs(e.Code)]
	if what == "" {
		what = "token refused"
	}
	return fmt.Sprintf("zalooa: Zalo OA %s (error %d: %s) during %s; the Zalo OA channel is stopped: check the app in Zalo for Developers and set a new ZALO_OA_REFRESH_TOKEN",
		what, e.Code, e.Message, e.During)
}

// refreshTimeout bounds one call to the token endpoint.
const refreshTimeout = 15 * time.Second

// refreshPause is the least time between two refresh attempts after a
// transient failure (network, 5xx).
const refreshPause = time.Minute

// fresh reports whether an access token expiring at exp is still good
// for RefreshBefore.
func (b *Bot) fresh(exp, now time.Time) bool {
	return !exp.IsZero() && now.Add(b.cfg.RefreshBefore).Before(exp)
}

// EnsureToken makes sure the bot holds a fresh access token (refreshing
// it when due); serve calls it at start so that a bad configuration shows
// in the log and /readyz at once.
func (b *Bot) EnsureToken(ctx context.Context) error {
	_, err := b.token(ctx)
	return err
}

// token returns a fresh access token: the one held, else the one another
// replica stored, else a new one from a refresh.
func (b *Bot) token(ctx context.Context) (string, error) {
	now := b.clock.Now()
	if b.failure.Load() != nil {
		return "", b.recover(ctx, now)
	}
	b.mu.Lock()
	tok, ok := b.access, b.access != "" && b.fresh(b.expires, now)
	b.mu.Unlock()
	if ok {
		return tok, nil
	}
	return b.renew(ctx, "")
}

// recover restarts a stopped channel when the database holds a fresh
// access token other than the one that failed (another replica refreshed,
// or the operator re-seeded); it never refreshes itself.
func (b *Bot) recover(ctx context.Context, now time.Time) error {
	f := b.failure.Load()
	cur, ok, err := b.cfg.Tokens.LoadOAToken(ctx, b.cfg.AppID)
	b.mu.Lock()
	failed, stale := b.access, b.stale
	b.mu.Unlock()
	if err != nil || !ok || cur.AccessToken == "" || cur.AccessToken == failed || cur.AccessToken == stale || !b.fresh(cur.AccessExpires, now) {
		return f
	}
	b.adopt(cur)
	if b.failure.CompareAndSwap(f, nil) {
		b.log.Info("zalooa: a fresh access token is in the database; the Zalo OA channel works again")
	}
	return nil
}

func (b *Bot) adopt(t store.OAToken) {
	b.mu.Lock()
	b.access, b.expires = t.AccessToken, t.AccessExpires
	b.mu.Unlock()
}

// stop records a token error; the first one is logged. The access token
// the database holds then is remembered: only a newer one restarts the
// channel (see recover).
func (b *Bot) stop(ctx context.Context, te *TokenError) {
	if cur, ok, err := b.cfg.Tokens.LoadOAToken(ctx, b.cfg.AppID); err == nil && ok {
		b.mu.Lock()
		b.stale = cur.AccessToken
		b.mu.Unlock()
	}
	if b.failure.CompareAndSwap(nil, te) {
		b.log.Error("zalooa: the Zalo OA channel stops on a token error; messages stay pending", "code", te.Code,
			"message", te.Message, "during", te.During)
	}
}

// renew returns a new access token. bad, when set, is an access token the
// API refused: it is refreshed even if the table says it is fresh. Under
// the table's lock it uses a token another replica stored meanwhile, or
// calls the token endpoint once and stores the new pair before the lock
// is released.
func (b *Bot) renew(ctx context.Context, bad string) (string, error) {
	b.tokMu.Lock()
	defer b.tokMu.Unlock()
	now := b.clock.Now()
	b.mu.Lock()
	tok, ok := b.access, b.access != "" && b.access != bad && b.fresh(b.expires, now)
	paused := !b.lastTry.IsZero() && now.Sub(b.lastTry) < refreshPause
	b.mu.Unlock()
	if ok {
		return tok, nil
	}
	if f := b.failure.Load(); f != nil {
		return "", f
	}
	refreshed := false
	got, err := b.cfg.Tokens.RefreshOAToken(ctx, b.cfg.AppID, b.cfg.RefreshToken, now,
		func(ctx context.Context, cur store.OAToken) (store.OAToken, error) {
			if cur.AccessToken != "" && cur.AccessToken != bad && b.fresh(cur.AccessExpires, now) {
				return cur, nil // another replica refreshed
			}
			if paused {
				return cur, errors.New("zalooa: the last token refresh failed less than a minute ago")
			}
			at, rt, ttl, err := b.refreshCall(ctx, cur.RefreshToken)
			if err != nil {
				return cur, err
			}
			refreshed = true
			return store.OAToken{AccessToken: at, AccessExpires: now.Add(ttl), RefreshToken: rt}, nil
		})
	if err != nil {
		var te *TokenError
		if errors.As(err, &te) {
			b.stop(ctx, te)
			return "", te
		}
		b.mu.Lock()
		if !paused {
			b.lastTry = now
		}
		b.mu.Unlock()
		b.log.Warn("zalooa: could not renew the access token", "err", err)
		return "", err
	}
	b.adopt(got)
	b.mu.Lock()
	b.lastTry = time.Time{}
	b.mu.Unlock()
	if refreshed {
		b.log.Info("zalooa: access token refreshed", "expires", got.AccessExpires)
	}
	return got.AccessToken, nil
}

// tokenAnswer is the token endpoint's answer; expires_in comes as a
// string in Zalo's samples, a number in some.
type tokenAnswer struct {
	AccessToken  string          `json:"access_token"`
	RefreshToken string          `json:"refresh_token"`
	ExpiresIn    json.RawMessage `json:"expires_in"`
	Error        int             `json:"error"`
	ErrorName    string          `json:"error_name"`
	ErrorDesc    string          `json:"error_description"`
	Message      string          `json:"message"`
}

// refreshCall spends refresh on the token endpoint.
func (b *Bot) refreshCall(ctx context.Context, refresh string) (access, next string, ttl time.Duration, err error) {
	// The database lock is held meanwhile (on SQLite, the write lock): keep it short.
	ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	form := url.Values{"grant_type": {"refresh_token"}, "app_id": {b.cfg.AppID}, "refresh_token": {refresh}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.cfg.OAuthBase+"/v4/oa/access_token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", "", 0, fmt.Errorf("zalooa: token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("secret_key", b.cfg.SecretKey)
	resp, err := b.client.Do(req)
	if err != nil {
		return "", "", 0, fmt.Errorf("zalooa: token request: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", "", 0, fmt.Errorf("zalooa: token answer: %w", err)
	}
	var a tokenAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return "", "", 0, &httpError{status: resp.StatusCode}
	}
	if a.Error != 0 {
		msg := strings.TrimSpace(a.ErrorName + " " + a.ErrorDesc + " " + a.Message)
		return "", "", 0, &TokenError{Code: a.Error, Message: msg, During: "refresh"}
	}
	if a.AccessToken == "" || a.RefreshToken == "" {
		return "", "", 0, fmt.Errorf("zalooa: token answer without tokens (HTTP %d)", resp.StatusCode)
	}
	secs, _ := strconv.Atoi(strings.Trim(string(a.ExpiresIn), `" `))
	if secs <= 0 {
		secs = 90000
	}
	return a.AccessToken, a.RefreshToken, time.Duration(secs) * time.Second, nil
}

// api makes one API call with the access token. A 216 or 220 gets one
// refresh and one retry; a token error after that, or a 219 or 223, stops
// the channel.
func (b *Bot) api(ctx context.Context, path, ctype string, body []byte, out any) error {
	tok, err := b.token(ctx)
	if err != nil {
		return err
	}
	err = b.post(ctx, path, tok, ctype, body, out)
	var ae *APIError
	if !errors.As(err, &ae) || !tokenCode(ae.Code) {
		return err
	}
	if c := abs(ae.Code); c == codeTokenInvalid || c == codeTokenExpired {
		b.log.Warn("zalooa: the API refused the access token; refreshing once", "code", ae.Code)
		if tok, err = b.renew(ctx, tok); err != nil {
			return err
		}
		err = b.post(ctx, path, tok, ctype, body, out)
		if !errors.As(err, &ae) || !tokenCode(ae.Code) {
			return err
		}
	}
	te := &TokenError{Code: ae.Code, Message: ae.Message, During: path}
	b.stop(ctx, te)
	return te
}

// Run keeps the access token fresh until ctx ends, so that the single-use
// refresh token (valid three months) is renewed even when nothing is
// sent; a stopped channel only watches the database.
func (b *Bot) Run(ctx context.Context) {
	for {
		wait := time.Hour
		if err := b.EnsureToken(ctx); err != nil && b.failure.Load() == nil {
			wait = refreshPause
		}
		b.mu.Lock()
		if due := b.expires.Sub(b.clock.Now()) - b.cfg.RefreshBefore; b.access != "" && due > 0 && due < wait {
			wait = due
		}
		b.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-b.clock.After(wait):
		}
	}
}
