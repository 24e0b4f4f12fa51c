package zalooa

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dondoc/dondoc/bot"
)

// SignatureHeader carries the signature of a webhook event.
const SignatureHeader = "X-ZEvent-Signature"

// maxWebhookBody bounds an event body.
const maxWebhookBody = 1 << 20

// maxIncomingText bounds the text handed to the router (bytes).
const maxIncomingText = 4000

// textNotRead answers events the bot cannot read (image, sticker, …).
const textNotRead = "Bot chỉ đọc tin nhắn chữ và tệp dữ liệu (.csv, .xlsx). Gõ /trogiup để xem các lệnh."

// event is one webhook event as Zalo documents it. Ids, sizes and
// timestamps are digits, sent quoted or not: json.Number takes both.
type event struct {
	AppID     string      `json:"app_id"`
	EventName string      `json:"event_name"`
	Timestamp json.Number `json:"timestamp"`
	Sender    struct {
		ID json.Number `json:"id"`
	} `json:"sender"`
	Message *struct {
		MsgID       string `json:"msg_id"`
		Text        string `json:"text"`
		Attachments []struct {
			Type    string `json:"type"`
			Payload struct {
				URL  string      `json:"url"`
				Name string      `json:"name"`
				Size json.Number `json:"size"`
			} `json:"payload"`
		} `json:"attachments"`
	} `json:"message"`
}

// fileRef is a file a follower sent: only these URLs are ever downloaded.
type fileRef struct {
	url   string
	until time.Time
}

// fileTTL is how long a sent file's URL stays downloadable by its id.
const fileTTL = time.Hour

// verify checks the signature of body in constant time.
func (b *Bot) verify(body []byte, header string) bool {
	var ts struct {
		Timestamp json.Number `json:"timestamp"`
	}
	if err := json.Unmarshal(body, &ts); err != nil || ts.Timestamp == "" {
		return false
	}
	h := sha256.New()
	h.Write([]byte(b.cfg.AppID))
	h.Write(body)
	h.Write([]byte(ts.Timestamp))
	h.Write([]byte(b.cfg.WebhookKey))
	want := hex.EncodeToString(h.Sum(nil))
	got := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(header), "mac=")))
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// WebhookHandler serves the OA's webhook (to mount at
// ZALO_OA_WEBHOOK_PATH). An event without a valid X-ZEvent-Signature gets
// 401; anything else is answered 200 at once — a body over 1 MiB, a
// malformed or unknown event is logged and dropped — and handled in the handler pool (Wait
// drains it), where a redelivered msg_id is dropped.
func (b *Bot) WebhookHandler(handler func(context.Context, bot.Update)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
		if err != nil || len(body) > maxWebhookBody {
			// Not verified, not handled: acknowledged so that it is not retried.
			b.log.Warn("zalooa: webhook body unreadable or over 1 MiB; acknowledged and dropped", "bytes", len(body))
			ackEvent(w)
			return
		}
		if !b.verify(body, r.Header.Get(SignatureHeader)) {
			b.log.Warn("zalooa: webhook event with a missing or wrong signature", "remote", r.RemoteAddr)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var ev event
		switch err := json.Unmarshal(body, &ev); {
		case err != nil:
			b.log.Warn("zalooa: signed webhook body is not an event; acknowledged and dropped", "err", err)
		case ev.AppID != "" && ev.AppID != b.cfg.AppID:
			b.log.Warn("zalooa: event for another app; acknowledged and dropped", "app", trunc(ev.AppID, 32))
		default:
			ctx := context.WithoutCancel(r.Context())
			if work := b.accept(ev, handler); work != nil {
				b.handlers.Spawn(func() { work(ctx) })
			}
		}
		ackEvent(w)
	})
}

func ackEvent(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"error":0}`)
}

// accept converts ev into the work to do, or nil for an event dondoc
// ignores or this process has handled.
func (b *Bot) accept(ev event, handler func(context.Context, bot.Update)) func(context.Context) {
	name := trunc(ev.EventName, 64)
	if !strings.HasPrefix(name, "user_send_") || ev.Message == nil || ev.Sender.ID == "" {
		b.log.Info("zalooa: event ignored", "event", name)
		return nil
	}
	key := trunc(ev.Message.MsgID, 128)
	if !b.firstSeen(key) {
		b.log.Info("zalooa: redelivered event dropped", "event", name, "message", key)
		return nil
	}
	user := trunc(string(ev.Sender.ID), 64)
	u := bot.Update{Platform: Platform, ChatID: user, UserID: user, ChatType: bot.ChatPrivate}
	answer := ""
	switch name {
	case "user_send_text":
		u.Text = trunc(ev.Message.Text, maxIncomingText)
		if strings.TrimSpace(u.Text) == "" {
			return nil
		}
		b.pages.Translate(&u) // "/quahan 2" after a paged listing: its page 2
	case "user_send_file":
		if len(ev.Message.Attachments) == 0 || ev.Message.Attachments[0].Payload.URL == "" {
			b.log.Info("zalooa: file event without a URL ignored")
			return nil
		}
		p := ev.Message.Attachments[0].Payload
		size, _ := strconv.ParseInt(string(p.Size), 10, 64)
		u.Document = &bot.DocumentRef{FileID: b.register(p.URL), FileName: trunc(p.Name, 255), Size: size}
	default:
		answer = textNotRead
	}
	return func(ctx context.Context) {
		if key != "" && b.cfg.State != nil {
			fresh, err := b.cfg.State.MarkUpdate(ctx, Platform, key, b.clock.Now())
			if err != nil {
				b.log.Warn("zalooa: could not record a handled event; deduplicating in memory only", "err", err)
			} else if !fresh {
				b.log.Info("zalooa: redelivered event dropped", "event", name, "message", key)
				return
			}
		}
		if answer == "" {
			handler(ctx, u)
			return
		}
		if err := b.Reply(ctx, u, bot.Reply{Text: answer}); err != nil {
			b.log.Warn("zalooa: answer to an unreadable event failed", "chat", u.ChatID, "err", err)
		}
	}
}

// firstSeen reports whether this process has not seen msg id key; old
// entries are forgotten after a day (the database keeps them longer).
func (b *Bot) firstSeen(key string) bool {
	if key == "" {
		return true
	}
	now := b.clock.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, dup := b.seen[key]; dup {
		return false
	}
	if len(b.seen) >= 10000 {
		for k, at := range b.seen {
			if now.Sub(at) > 24*time.Hour {
				delete(b.seen, k)
			}
		}
		if len(b.seen) >= 10000 {
			clear(b.seen)
		}
	}
	b.seen[key] = now
	return true
}

// register remembers a sent file's URL under an id for Download.
func (b *Bot) register(rawURL string) string {
	now := b.clock.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fileSeq++
	id := "f" + strconv.Itoa(b.fileSeq)
	for k, f := range b.files {
		if now.After(f.until) {
			delete(b.files, k)
		}
	}
	b.files[id] = fileRef{url: rawURL, until: now.Add(fileTTL)}
	return id
}

// Download opens a file a follower sent (by the id in the update's
// DocumentRef): only the URL of that event is fetched, within
// DownloadTimeout and MaxDownload bytes. Its signature is the router's
// download hook.
func (b *Bot) Download(ctx context.Context, platform, fileID string) (io.ReadCloser, error) {
	if platform != Platform {
		return nil, fmt.Errorf("zalooa: cannot download a %s file", platform)
	}
	b.mu.Lock()
	f, ok := b.files[fileID]
	b.mu.Unlock()
	if !ok || b.clock.Now().After(f.until) {
		return nil, errors.New("zalooa: unknown or expired file")
	}
	u, err := url.Parse(f.url)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("zalooa: the file URL is not http(s)")
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.DownloadTimeout)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("zalooa: download: %w", err)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("zalooa: download: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("zalooa: download: HTTP %d", resp.StatusCode)
	}
	if resp.ContentLength > b.cfg.MaxDownload {
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("zalooa: download: %d bytes, over the %d-byte cap", resp.ContentLength, b.cfg.MaxDownload)
	}
	return &capped{r: io.LimitReader(resp.Body, b.cfg.MaxDownload+1), c: resp.Body, cancel: cancel, max: b.cfg.MaxDownload}, nil
}

// capped fails a read past max bytes.
type capped struct {
	r      io.Reader
	c      io.Closer
	cancel context.CancelFunc
	n, max int64
}

func (c *capped) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, fmt.Errorf("zalooa: download over the %d-byte cap", c.max)
	}
	return n, err
}

func (c *capped) Close() error {
	defer c.cancel()
	return c.c.Close()
}

func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
