package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/notify"
)

// Send implements notify.Channel: one attempt, the failure classified as
// a *notify.SendError.
func (b *Bot) Send(ctx context.Context, m notify.Message) error {
	_, err := b.send(ctx, m, 0)
	return err
}

// params builds the common parameters of a send.
func params(m notify.Message) (tgbotapi.Params, error) {
	p := tgbotapi.Params{"chat_id": m.ChatID}
	if m.Format == notify.FormatHTML {
		p["parse_mode"] = "HTML"
	}
	p.AddNonZero("message_thread_id", m.ThreadID)
	p.AddBool("disable_notification", m.Silent)
	if m.ReplyTo != 0 {
		p.AddNonZero("reply_to_message_id", m.ReplyTo)
		p.AddBool("allow_sending_without_reply", true)
	}
	if len(m.Buttons) > 0 {
		rows := make([][]tgbotapi.InlineKeyboardButton, 0, len(m.Buttons))
		for _, r := range m.Buttons {
			row := make([]tgbotapi.InlineKeyboardButton, 0, len(r))
			for _, btn := range r {
				row = append(row, tgbotapi.NewInlineKeyboardButtonData(btn.Text, btn.Data))
			}
			rows = append(rows, row)
		}
		if err := p.AddInterface("reply_markup", tgbotapi.NewInlineKeyboardMarkup(rows...)); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// send makes one call: a new message, a file, or (edit ≠ 0) an edit.
func (b *Bot) send(ctx context.Context, m notify.Message, edit int) (*tgbotapi.APIResponse, error) {
	if m.ChatID == "" {
		return nil, &notify.SendError{Class: notify.Permanent, Reason: "no chat id"}
	}
	p, err := params(m)
	if err != nil {
		return nil, &notify.SendError{Class: notify.Permanent, Reason: "keyboard", Err: err}
	}
	api := b.call(ctx)
	var resp *tgbotapi.APIResponse
	switch {
	case m.Document != nil || m.Photo != nil:
		method, field, f := "sendDocument", "document", m.Document
		if f == nil {
			method, field, f = "sendPhoto", "photo", m.Photo
		}
		p.AddNonEmpty("caption", m.Text)
		resp, err = api.UploadFiles(method, p, []tgbotapi.RequestFile{{Name: field, Data: tgbotapi.FileBytes{Name: f.Name, Bytes: f.Data}}})
	case edit != 0:
		delete(p, "message_thread_id")
		delete(p, "disable_notification")
		p.AddNonZero("message_id", edit)
		p["text"] = m.Text
		resp, err = api.MakeRequest("editMessageText", p)
		var te *tgbotapi.Error
		if errors.As(err, &te) && strings.Contains(te.Message, "message is not modified") {
			return resp, nil
		}
	default:
		p["text"] = m.Text
		resp, err = api.MakeRequest("sendMessage", p)
	}
	if err != nil {
		return resp, Classify(err)
	}
	return resp, nil
}

// Classify turns an error of the library or the HTTP client into a
// *notify.SendError, as platforms.md says. The library leaves Code at 0
// for multipart uploads, so the description's prefix is read too.
func Classify(err error) *notify.SendError {
	if se, ok := notify.AsSendError(err); ok {
		return se
	}
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		code := te.Code
		if code == 0 {
			code = codeFromDescription(te.Message)
		}
		e := &notify.SendError{Reason: te.Message, Err: err}
		switch {
		case code == http.StatusTooManyRequests || te.RetryAfter > 0:
			e.Class = notify.RateLimited
			e.RetryAfter = time.Duration(max(te.RetryAfter, 1)) * time.Second
		case te.MigrateToChatID != 0:
			e.Class, e.MigrateTo = notify.Migrated, strconv.FormatInt(te.MigrateToChatID, 10)
		case code == http.StatusBadRequest && strings.Contains(te.Message, "can't parse entities"):
			e.Class = notify.BadMarkup
		case code >= 500:
			e.Class = notify.Retryable
		case code >= 400: // 403 blocked/kicked/deactivated, 400 chat not found, 401 token revoked…
			e.Class = notify.Permanent
		default:
			e.Class = notify.Retryable
		}
		return e
	}
	var syn *json.SyntaxError
	var ne net.Error
	switch {
	case errors.As(err, &syn):
		return &notify.SendError{Class: notify.Retryable, Reason: "non-JSON reply (a proxy's error page?)", Err: err}
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return &notify.SendError{Class: notify.Retryable, Reason: "timeout", Err: err}
	}
	return &notify.SendError{Class: notify.Retryable, Reason: "transport", Err: err}
}

func codeFromDescription(d string) int {
	for prefix, code := range map[string]int{"Too Many Requests": 429, "Forbidden": 403, "Bad Request": 400,
		"Unauthorized": 401, "Not Found": 404, "Conflict": 409, "Internal Server Error": 500, "Bad Gateway": 502} {
		if strings.HasPrefix(d, prefix) {
			return code
		}
	}
	return 0
}

// Reply implements bot.Responder: it answers in the update's chat and
// forum topic, resends as plain text when Telegram cannot parse the HTML,
// waits out a 429 (at most cfg.MaxRetryWait) and retries a transient
// failure, three attempts in all.
func (b *Bot) Reply(ctx context.Context, to bot.Update, r bot.Reply) error {
	m := notify.Message{Platform: Platform, ChatID: to.ChatID, ThreadID: to.ThreadID, Text: r.Text,
		Format: r.Format, Silent: r.Silent, Buttons: r.Buttons, Document: r.Document}
	if r.Edit == 0 && to.ChatType == bot.ChatGroup && to.Callback == nil {
		m.ReplyTo = to.MessageID
	}
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		_, err = b.send(ctx, m, r.Edit)
		if err == nil {
			return nil
		}
		se := Classify(err)
		var wait time.Duration
		switch se.Class {
		case notify.BadMarkup:
			b.log.Warn("telegram: HTML refused, resending as plain text", "chat", m.ChatID, "err", se.Reason)
			m.Text, m.Format = notify.PlainText(m.Text), notify.FormatPlain
			continue
		case notify.RateLimited:
			if se.RetryAfter > b.cfg.MaxRetryWait {
				return err
			}
			wait = se.RetryAfter
		case notify.Retryable:
			wait = time.Duration(attempt) * 500 * time.Millisecond
		default:
			return err
		}
		if attempt == 3 {
			break
		}
		b.log.Info("telegram: reply failed, retrying", "chat", m.ChatID, "class", se.Class.String(), "wait", wait)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return err
		}
	}
	return err
}

// AnswerCallback implements bot.Responder.
func (b *Bot) AnswerCallback(ctx context.Context, to bot.Update, text string) error {
	if to.Callback == nil {
		return nil
	}
	p := tgbotapi.Params{"callback_query_id": to.Callback.ID}
	p.AddNonEmpty("text", text)
	if _, err := b.call(ctx).MakeRequest("answerCallbackQuery", p); err != nil {
		return Classify(err)
	}
	return nil
}

// Download opens a file a user sent (getFile, then the file URL derived
// from the configured endpoint, so a self-hosted server or a fake works).
func (b *Bot) Download(ctx context.Context, fileID string) (io.ReadCloser, error) {
	resp, err := b.call(ctx).MakeRequest("getFile", tgbotapi.Params{"file_id": fileID})
	if err != nil {
		return nil, fmt.Errorf("telegram: getFile: %w", Classify(err))
	}
	var f tgbotapi.File
	if err := json.Unmarshal(resp.Result, &f); err != nil || f.FilePath == "" {
		return nil, fmt.Errorf("telegram: getFile: no file path in %s", resp.Result)
	}
	base, _, ok := strings.Cut(b.cfg.Endpoint, "/bot%s/%s")
	if !ok {
		return nil, fmt.Errorf("telegram: cannot derive the file URL from endpoint %q", b.cfg.Endpoint)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/file/bot"+b.cfg.Token+"/"+f.FilePath, nil)
	if err != nil {
		return nil, fmt.Errorf("telegram: download: %w", err)
	}
	res, err := b.doer(ctx).Do(req)
	if err != nil {
		return nil, fmt.Errorf("telegram: download: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return nil, fmt.Errorf("telegram: download %s: HTTP %d", f.FilePath, res.StatusCode)
	}
	return res.Body, nil
}
