package zalo

import (
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dondoc/dondoc/bot"
)

// The events of the Zalo Bot Platform.
const (
	EventText        = "message.text.received"
	EventImage       = "message.image.received"
	EventSticker     = "message.sticker.received"
	EventUnsupported = "message.unsupported.received"
)

// The answers to what the bot cannot read (Vietnamese, for users).
const (
	textImage       = "Bot chỉ đọc tin nhắn chữ nên không xem được ảnh. Hãy gõ lệnh, ví dụ quá hạn hoặc /tra <mã hồ sơ>; gõ /trogiup để xem các lệnh."
	textSticker     = "Bot chỉ đọc tin nhắn chữ, không đọc được nhãn dán. Gõ /trogiup để xem các lệnh."
	textUnsupported = "Bot chưa đọc được loại tin nhắn này, chỉ đọc tin nhắn chữ. Gõ /trogiup để xem các lệnh."
)

// maxIncomingText bounds the text of an incoming message handed to the router
// (bytes; Zalo's own limit is 2000 characters; a longer one is cut, not refused).
const maxIncomingText = 4000

// flexString is an id Zalo sends as a string (hex-like) or, defensively, a
// number.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n.String())
	return nil
}

type rawUser struct {
	ID          flexString `json:"id"`
	DisplayName string     `json:"display_name"`
	IsBot       bool       `json:"is_bot"`
}

// rawResult is one update: the "result" of getUpdates and of a webhook call.
type rawResult struct {
	EventName string `json:"event_name"`
	Message   *struct {
		From rawUser `json:"from"`
		Chat struct {
			ID       flexString `json:"id"`
			ChatType string     `json:"chat_type"`
		} `json:"chat"`
		Text      string     `json:"text"`
		Caption   string     `json:"caption"`
		PhotoURL  string     `json:"photo_url"`
		MessageID flexString `json:"message_id"`
		Date      int64      `json:"date"` // milliseconds
		// ReplyTo is a guess: Zalo's docs do not show how a reply to the
		// bot's message appears in an update.
		ReplyTo *struct {
			From rawUser `json:"from"`
		} `json:"reply_to_message"`
	} `json:"message"`
}

// incoming is a converted update: a command or text for the router, or a
// fixed answer (image, sticker, unsupported).
type incoming struct {
	update bot.Update
	answer string // when set, reply this instead of routing
	key    string // Zalo's message_id, for deduplication
}

// convert turns a Zalo update into what dondoc does with it; the reason
// is set for updates it ignores.
func (b *Bot) convert(r rawResult) (incoming, string) {
	m := r.Message
	if m == nil {
		return incoming{}, "no message"
	}
	if m.From.IsBot {
		return incoming{}, "from a bot"
	}
	in := incoming{key: string(m.MessageID)}
	u := bot.Update{Platform: Platform, Bot: b.name, ChatID: string(m.Chat.ID), UserID: string(m.From.ID),
		UserName: truncate(m.From.DisplayName, 128)}
	if u.ChatID == "" || u.UserID == "" {
		return incoming{}, "no chat or sender"
	}
	switch strings.ToUpper(m.Chat.ChatType) {
	case "PRIVATE", "":
		u.ChatType = bot.ChatPrivate
	case "GROUP":
		if !b.groups {
			return incoming{}, "group chat (can_join_groups is false and ZALO_GROUPS is off)"
		}
		u.ChatType = bot.ChatGroup
	default:
		return incoming{}, "chat type " + truncate(m.Chat.ChatType, 32)
	}
	text := truncate(m.Text, maxIncomingText)
	if u.ChatType == bot.ChatGroup {
		said := text
		if r.EventName == EventImage {
			said = truncate(m.Caption, maxIncomingText)
		}
		stripped, addressed := b.addressed(said)
		if !addressed && (m.ReplyTo == nil || string(m.ReplyTo.From.ID) != b.id) {
			return incoming{}, "group message neither mentioning nor replying to the bot"
		}
		text = stripped
	}
	switch r.EventName {
	case EventText, "":
		if strings.TrimSpace(text) == "" {
			return incoming{}, "empty text"
		}
		u.Text = text
	case EventImage:
		in.answer = textImage
	case EventSticker:
		in.answer = textSticker
	case EventUnsupported:
		in.answer = textUnsupported
	default:
		return incoming{}, "unknown event " + strconv.Quote(truncate(r.EventName, 64))
	}
	u.UpdateID = updateID(in.key)
	b.pages.translate(&u)
	in.update = u
	return in, ""
}

// addressed removes every "@<account name>" from text and reports whether
// there was one. The name is matched case-insensitively and must not run
// on into more name characters ("@dondoc" is not in "@dondoc2").
func (b *Bot) addressed(text string) (string, bool) {
	if b.name == "" {
		return text, false
	}
	mention := "@" + b.name
	var out strings.Builder
	found := false
	for i := 0; i < len(text); {
		if end := i + len(mention); end <= len(text) && strings.EqualFold(text[i:end], mention) && !nameRune(text[end:]) {
			found = true
			out.WriteByte(' ')
			i = end
			continue
		}
		_, n := utf8.DecodeRuneInString(text[i:])
		out.WriteString(text[i : i+n])
		i += n
	}
	if !found {
		return text, false
	}
	return strings.TrimSpace(out.String()), true
}

// nameRune reports whether s starts with a character that could continue
// an account name.
func nameRune(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' && len(s) > 1 && !unicode.IsSpace(rune(s[1])))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// updateID maps Zalo's string message id to the router's numeric update
// id (FNV-1a, positive); 0 (no deduplication) without a message id.
func updateID(messageID string) int64 {
	if messageID == "" {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(messageID))
	id := int64(h.Sum64() & (1<<63 - 1))
	if id == 0 {
		id = 1
	}
	return id
}

// maxKey bounds a message id kept for deduplication.
const maxKey = 128

// Handled updates are kept keepUpdates (Zalo redelivers within minutes;
// a week covers a long outage), pruned every pruneEvery updates.
const (
	keepUpdates = 7 * 24 * time.Hour
	pruneEvery  = 1000
)

// freshInProcess reports whether this process has not seen message id
// key yet (cheap, before the webhook answers).
func (b *Bot) freshInProcess(key string) bool {
	return key == "" || b.seen.Add(truncate(key, maxKey))
}

// freshInState reports whether message id key is not recorded in State as
// handled (by this process before a restart, or by another replica), and
// records it. It runs in the handler pool, after the webhook answered, so
// that a slow database never delays the answer Zalo waits for.
func (b *Bot) freshInState(ctx context.Context, key string) bool {
	if key == "" || b.cfg.State == nil {
		return true
	}
	key = truncate(key, maxKey)
	now := b.clock.Now()
	ok, err := b.cfg.State.MarkUpdate(ctx, Platform, key, now)
	if err != nil {
		b.log.Warn("zalo: could not record a handled update; deduplicating in memory only", "err", err)
		return true
	}
	if b.marked.Add(1)%pruneEvery == 0 {
		if n, err := b.cfg.State.PruneUpdates(ctx, now.Add(-keepUpdates)); err != nil {
			b.log.Warn("zalo: could not prune handled updates", "err", err)
		} else if n > 0 {
			b.log.Info("zalo: pruned handled updates", "deleted", n)
		}
	}
	return ok
}

// accept converts r and drops what dondoc ignores and what this process
// has seen; it returns the work to run for the update (which first drops
// an update recorded as handled in State), or nil.
func (b *Bot) accept(ctx context.Context, r rawResult, via string, handler func(context.Context, bot.Update)) func(context.Context) {
	in, why := b.convert(r)
	if why != "" {
		b.log.Info("zalo: update ignored", "via", via, "event", truncate(r.EventName, 64), "reason", why)
		return nil
	}
	dropped := func() {
		b.log.Info("zalo: redelivered update dropped", "via", via, "message", truncate(in.key, maxKey))
	}
	if !b.freshInProcess(in.key) {
		dropped()
		return nil
	}
	u := in.update
	return func(ctx context.Context) {
		if !b.freshInState(ctx, in.key) {
			dropped()
			return
		}
		if in.answer == "" {
			handler(ctx, u)
			return
		}
		if err := b.Reply(ctx, u, bot.Reply{Text: in.answer}); err != nil {
			b.log.Warn("zalo: answer to a non-text message failed", "chat", u.ChatID, "err", err)
		}
	}
}

// decodeResults reads getUpdates' result: one update object as Zalo
// documents it, or (defensively) an array of them; null or {} is none.
func decodeResults(raw json.RawMessage) ([]rawResult, error) {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "" || s == "null" || s == "{}" || s == "[]":
		return nil, nil
	case strings.HasPrefix(s, "["):
		var rs []rawResult
		err := json.Unmarshal(raw, &rs)
		return rs, err
	}
	var r rawResult
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	return []rawResult{r}, nil
}

// Run polls getUpdates until ctx is cancelled, calling handler for each
// update (at most cfg.Workers at once). Long polling is for development
// and for deployments without a webhook URL. Zalo hands out one update per
// call and has no offset; a long poll that ends empty answers 408, which
// is not an error. A 403 (Zalo's internal error) and other failures back
// off (cfg.Backoff). A 401 stops the channel: Run returns ErrUnauthorized.
// Run returns nil after ctx ends and every running handler has returned.
func (b *Bot) Run(ctx context.Context, handler func(context.Context, bot.Update)) error {
	if b.cfg.WebhookURL != "" {
		return errors.New("zalo: Run: ZALO_WEBHOOK_URL is set, so updates come to WebhookHandler; long polling is only for deployments without a webhook")
	}
	failures := 0
	defer b.handlers.Wait()
	secs := strconv.Itoa(max(1, int(b.cfg.PollTimeout.Seconds())))
	for ctx.Err() == nil {
		start := b.clock.Now()
		var raw json.RawMessage
		err := b.call(ctx, "getUpdates", map[string]string{"timeout": secs}, &raw)
		var results []rawResult
		if err == nil {
			results, err = decodeResults(raw)
		}
		var ae *APIError
		empty := err == nil && len(results) == 0
		if errors.As(err, &ae) && ae.Code == http.StatusRequestTimeout {
			empty, err = true, nil
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if ae != nil && ae.Code == http.StatusUnauthorized {
				return ErrUnauthorized
			}
			failures++
			wait := b.cfg.Backoff(failures)
			b.log.Warn("zalo: getUpdates failed (is a webhook set? polling works only without one)", "err", err,
				"class", Classify(err).Class.String(), "retry_in", wait)
			sleep(ctx, b.clock, wait)
			continue
		}
		failures = 0
		if empty {
			if b.clock.Since(start) < time.Second { // a server that does not long-poll: don't spin
				sleep(ctx, b.clock, time.Second)
			}
			continue
		}
		for _, r := range results {
			work := b.accept(ctx, r, "poll", handler)
			if work == nil {
				continue
			}
			if !b.handlers.Go(ctx, func() { work(ctx) }) {
				return nil
			}
		}
	}
	return nil
}

func sleep(ctx context.Context, clock interface {
	After(time.Duration) <-chan time.Time
}, d time.Duration) {
	select {
	case <-clock.After(d):
	case <-ctx.Done():
	}
}

// Wait blocks until every update handler started by Run or WebhookHandler
// has returned.
func (b *Bot) Wait() { b.handlers.Wait() }
