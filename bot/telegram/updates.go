package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/dondoc/dondoc/bot"
)

// rawUpdate is the part of a Telegram update dondoc reads. It is decoded
// here rather than through tgbotapi.Update because v5.5.1 lacks
// message_thread_id and is_topic_message.
type rawUpdate struct {
	UpdateID      int64       `json:"update_id"`
	Message       *rawMessage `json:"message"`
	CallbackQuery *struct {
		ID      string      `json:"id"`
		From    rawUser     `json:"from"`
		Message *rawMessage `json:"message"`
		Data    string      `json:"data"`
	} `json:"callback_query"`
}

type rawUser struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	UserName  string `json:"username"`
}

type rawMessage struct {
	MessageID       int      `json:"message_id"`
	MessageThreadID int      `json:"message_thread_id"`
	IsTopicMessage  bool     `json:"is_topic_message"`
	From            *rawUser `json:"from"`
	Chat            struct {
		ID   int64  `json:"id"`
		Type string `json:"type"`
	} `json:"chat"`
	Text     string `json:"text"`
	Caption  string `json:"caption"`
	Document *struct {
		FileID   string `json:"file_id"`
		FileName string `json:"file_name"`
		MimeType string `json:"mime_type"`
		FileSize int64  `json:"file_size"`
	} `json:"document"`
}

func (u rawUser) name() string {
	if u.UserName != "" {
		return u.UserName
	}
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

// fill sets the chat fields of out from m; false for a chat kind dondoc
// does not serve (channels).
func (m *rawMessage) fill(out *bot.Update) bool {
	switch m.Chat.Type {
	case "private":
		out.ChatType = bot.ChatPrivate
	case "group", "supergroup":
		out.ChatType = bot.ChatGroup
	default:
		return false
	}
	out.ChatID = strconv.FormatInt(m.Chat.ID, 10)
	if m.IsTopicMessage { // in other groups message_thread_id is a reply thread, not a topic
		out.ThreadID = m.MessageThreadID
	}
	out.MessageID = m.MessageID
	return true
}

// toUpdate converts a Telegram update; false for updates dondoc ignores
// (channel posts, messages from bots, edits).
func (r rawUpdate) toUpdate(botName string) (bot.Update, bool) {
	u := bot.Update{Platform: Platform, Bot: botName, UpdateID: r.UpdateID}
	switch {
	case r.Message != nil:
		m := r.Message
		if m.From == nil || m.From.IsBot || !m.fill(&u) {
			return bot.Update{}, false
		}
		u.UserID, u.UserName = strconv.FormatInt(m.From.ID, 10), m.From.name()
		u.Text = m.Text
		if u.Text == "" {
			u.Text = m.Caption
		}
		if d := m.Document; d != nil {
			u.Document = &bot.DocumentRef{FileID: d.FileID, FileName: d.FileName, MIME: d.MimeType, Size: d.FileSize}
		}
		return u, u.Text != "" || u.Document != nil
	case r.CallbackQuery != nil:
		c := r.CallbackQuery
		if c.Message == nil || !c.Message.fill(&u) {
			return bot.Update{}, false
		}
		u.UserID, u.UserName = strconv.FormatInt(c.From.ID, 10), c.From.name()
		u.Callback = &bot.Callback{ID: c.ID, Data: c.Data, MessageID: c.Message.MessageID}
		return u, true
	}
	return bot.Update{}, false
}

// maxWebhookBody bounds a webhook request body.
const maxWebhookBody = 1 << 20

// WebhookHandler serves Telegram's webhook calls: it rejects a missing or
// wrong X-Telegram-Bot-Api-Secret-Token with 401, decodes the update,
// answers 200 at once and runs handler in the background (Wait drains).
func (b *Bot) WebhookHandler(handler func(context.Context, bot.Update)) http.Handler {
	secret := []byte(b.cfg.WebhookSecret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := []byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		if len(secret) == 0 || subtle.ConstantTimeCompare(got, secret) != 1 {
			b.log.Warn("telegram: webhook call with a missing or wrong secret token", "remote", r.RemoteAddr)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
		if err != nil || len(body) > maxWebhookBody {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var raw rawUpdate
		if err := json.Unmarshal(body, &raw); err != nil {
			b.log.Warn("telegram: webhook body is not an update", "err", err)
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
		u, ok := raw.toUpdate(b.username)
		if !ok {
			return
		}
		ctx := context.WithoutCancel(r.Context())
		b.handlers.Spawn(func() { handler(ctx, u) })
	})
}

// Wait blocks until every update handler started by Run or WebhookHandler
// has returned.
func (b *Bot) Wait() { b.handlers.Wait() }
