// Package telegram is the Telegram adapter of the bot: it receives updates
// by long polling or webhook, converts them to bot.Update, sends replies and
// notifications (notify.Channel) and classifies Telegram's errors.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/internal/defaults"
	"github.com/dondoc/dondoc/notify"
)

// Platform is the platform name in bot.Update and notify.Message.
const Platform = "telegram"

// Config configures a Bot. Token is required; the rest have defaults.
type Config struct {
	Token         string
	Endpoint      string       // API endpoint format, default tgbotapi.APIEndpoint ("https://api.telegram.org/bot%s/%s")
	HTTPClient    *http.Client // default: timeout PollTimeout + 15 s
	Logger        *slog.Logger
	WebhookURL    string        // webhook mode when set
	WebhookSecret string        // 1–256 of A-Za-z0-9_-; required with WebhookURL
	PollTimeout   time.Duration // long-poll timeout, default 50 s
	MaxRetryWait  time.Duration // the longest a reply waits for a 429's retry_after, default 30 s
	Workers       int           // updates handled at once, default 8
	Limits        notify.Limits // sending limits Describe reports, default notify.TelegramLimits()
	// Backoff is the pause after the attempt-th consecutive polling error
	// (attempt ≥ 1); default exponential from 1 s to 60 s with ±50 % jitter.
	Backoff func(attempt int) time.Duration
}

// Bot is a connected Telegram bot.
type Bot struct {
	cfg      Config
	api      *tgbotapi.BotAPI
	client   *http.Client
	log      *slog.Logger
	username string
	handlers *bot.Handlers // update handlers running
}

var (
	_ notify.Channel = (*Bot)(nil)
	_ bot.Responder  = (*Bot)(nil)
)

var secretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// New connects to the Bot API (getMe) and returns the bot. A token the
// server refuses gives an error naming TELEGRAM_BOT_TOKEN, never the token.
func New(ctx context.Context, cfg Config) (*Bot, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("telegram: TELEGRAM_BOT_TOKEN is empty")
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = tgbotapi.APIEndpoint
	}
	if strings.Count(cfg.Endpoint, "%s") != 2 {
		return nil, fmt.Errorf("telegram: endpoint %q must contain two %%s (token, method), like %q", cfg.Endpoint, tgbotapi.APIEndpoint)
	}
	defaults.Positive(&cfg.PollTimeout, 50*time.Second)
	defaults.Positive(&cfg.MaxRetryWait, 30*time.Second)
	defaults.Positive(&cfg.Workers, 8)
	if cfg.Backoff == nil {
		cfg.Backoff = notify.PollBackoff
	}
	if cfg.Limits.PerSecond == 0 && cfg.Limits.PerChatPerSecond == 0 && cfg.Limits.GroupPerMinute == 0 {
		cfg.Limits = notify.TelegramLimits()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.WebhookURL != "" && !secretRE.MatchString(cfg.WebhookSecret) {
		return nil, errors.New("telegram: TELEGRAM_WEBHOOK_SECRET must be 1–256 characters of A-Z a-z 0-9 _ - when a webhook URL is set")
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: cfg.PollTimeout + 15*time.Second}
	}
	b := &Bot{cfg: cfg, client: client, log: cfg.Logger, handlers: bot.NewHandlers(cfg.Workers)}
	api, err := tgbotapi.NewBotAPIWithClient(cfg.Token, cfg.Endpoint, b.doer(ctx))
	if err != nil {
		var te *tgbotapi.Error
		if errors.As(err, &te) && (te.Code == 401 || te.Code == 404) {
			return nil, fmt.Errorf("telegram: TELEGRAM_BOT_TOKEN bị từ chối: %s (kiểm tra lại token do @BotFather cấp)", te.Message)
		}
		return nil, fmt.Errorf("telegram: getMe: %w", err)
	}
	api.Client = client
	b.api = api
	b.username = api.Self.UserName
	b.log = cfg.Logger.With("platform", Platform, "bot", b.username)
	return b, nil
}

// Username is the bot's username (without "@").
func (b *Bot) Username() string { return b.username }

// Platform implements notify.Channel.
func (b *Bot) Platform() string { return Platform }

// ctxDoer binds an http.Client to a context (tgbotapi has none) and keeps
// the token out of error messages.
type ctxDoer struct {
	ctx    context.Context
	client *http.Client
	token  string
}

func (d ctxDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.client.Do(req.WithContext(d.ctx))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = strings.ReplaceAll(ue.URL, d.token, "<token>")
		}
	}
	return resp, err
}

func (b *Bot) doer(ctx context.Context) ctxDoer {
	return ctxDoer{ctx: ctx, client: b.client, token: b.cfg.Token}
}

// call returns a copy of the library client whose requests carry ctx.
func (b *Bot) call(ctx context.Context) *tgbotapi.BotAPI {
	c := *b.api
	c.Client = b.doer(ctx)
	return &c
}

// SetCommands publishes the command menus: one for private chats, one for
// groups, with the Vietnamese descriptions of bot.Commands.
func (b *Bot) SetCommands(ctx context.Context) error {
	for _, sc := range []struct {
		scope string
		where bot.Where
	}{{"all_private_chats", bot.Private}, {"all_group_chats", bot.Group}} {
		var cmds []tgbotapi.BotCommand
		for _, c := range bot.Commands {
			if c.Menu&sc.where != 0 {
				cmds = append(cmds, tgbotapi.BotCommand{Command: c.Name, Description: c.Description})
			}
		}
		p := tgbotapi.Params{}
		if err := p.AddInterface("commands", cmds); err != nil {
			return fmt.Errorf("telegram: setMyCommands: %w", err)
		}
		if err := p.AddInterface("scope", tgbotapi.BotCommandScope{Type: sc.scope}); err != nil {
			return fmt.Errorf("telegram: setMyCommands: %w", err)
		}
		if _, err := b.call(ctx).MakeRequest("setMyCommands", p); err != nil {
			return fmt.Errorf("telegram: setMyCommands %s: %w", sc.scope, Classify(err))
		}
	}
	return nil
}

// SetWebhook registers cfg.WebhookURL with the secret token Telegram will
// send back in X-Telegram-Bot-Api-Secret-Token.
func (b *Bot) SetWebhook(ctx context.Context) error {
	if b.cfg.WebhookURL == "" {
		return errors.New("telegram: SetWebhook: no webhook URL configured")
	}
	p := tgbotapi.Params{"url": b.cfg.WebhookURL, "secret_token": b.cfg.WebhookSecret,
		"allowed_updates": `["message","callback_query"]`}
	if _, err := b.call(ctx).MakeRequest("setWebhook", p); err != nil {
		return fmt.Errorf("telegram: setWebhook: %w", Classify(err))
	}
	return nil
}

// DeleteWebhook removes the webhook so that long polling works.
func (b *Bot) DeleteWebhook(ctx context.Context) error {
	if _, err := b.call(ctx).MakeRequest("deleteWebhook", nil); err != nil {
		return fmt.Errorf("telegram: deleteWebhook: %w", Classify(err))
	}
	return nil
}

// Run polls getUpdates until ctx is cancelled, calling handler for each
// update (at most cfg.Workers at once). It returns after every running
// handler has returned.
func (b *Bot) Run(ctx context.Context, handler func(context.Context, bot.Update)) error {
	var offset int64
	failures := 0
	defer b.handlers.Wait()
	for ctx.Err() == nil {
		p := tgbotapi.Params{"timeout": fmt.Sprint(int(b.cfg.PollTimeout.Seconds())),
			"allowed_updates": `["message","callback_query"]`}
		if offset != 0 {
			p["offset"] = fmt.Sprint(offset)
		}
		resp, err := b.call(ctx).MakeRequest("getUpdates", p)
		var raws []rawUpdate
		if err == nil {
			err = json.Unmarshal(resp.Result, &raws)
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			failures++
			wait := b.cfg.Backoff(failures)
			var te *tgbotapi.Error
			if errors.As(err, &te) && te.Code == http.StatusConflict {
				b.log.Error("telegram: another dondoc instance is polling this bot, or a webhook is set; only one may receive updates",
					"err", te.Message, "retry_in", wait)
			} else {
				b.log.Warn("telegram: getUpdates failed", "err", err, "class", Classify(err).Class.String(), "retry_in", wait)
			}
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
			continue
		}
		failures = 0
		for _, r := range raws {
			if r.UpdateID >= offset {
				offset = r.UpdateID + 1
			}
			u, ok := r.toUpdate(b.username)
			if !ok {
				continue
			}
			if !b.handlers.Go(ctx, func() { handler(ctx, u) }) {
				return nil
			}
		}
	}
	return nil
}
