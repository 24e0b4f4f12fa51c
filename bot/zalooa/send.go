package zalooa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"strings"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/notify"
)

// The notes a message carries when its file cannot go (Vietnamese, for
// users).
const (
	noteNoFile  = "(Không đính kèm được tệp «%s» qua Zalo OA. Vui lòng xem trên hệ thống hoặc liên hệ Văn phòng để nhận tệp.)"
	noteNoPhoto = "(Biểu đồ không gửi được qua Zalo OA; vui lòng xem trên hệ thống.)"
)

// csMessage is the body of /v3.0/oa/message/cs.
type csMessage struct {
	Recipient struct {
		UserID string `json:"user_id"`
	} `json:"recipient"`
	Message struct {
		Text       string      `json:"text,omitempty"`
		Attachment *attachment `json:"attachment,omitempty"`
	} `json:"message"`
}

type attachment struct {
	Type    string `json:"type"`
	Payload struct {
		Token string `json:"token"`
	} `json:"payload"`
}

// sendText sends one consulting text message.
func (b *Bot) sendText(ctx context.Context, userID, text string) error {
	var m csMessage
	m.Recipient.UserID, m.Message.Text = userID, text
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("zalooa: message: %w", err)
	}
	return b.api(ctx, "/v3.0/oa/message/cs", "application/json", body, nil)
}

// errNoUpload is a file the OA could not take (too large, or refused):
// the message goes without it, with a note.
var errNoUpload = errors.New("zalooa: file not uploaded")

// sendFile uploads f and sends it as a file attachment.
func (b *Bot) sendFile(ctx context.Context, userID string, f *notify.File) error {
	if len(f.Data) > MaxUpload {
		return fmt.Errorf("%w: %d bytes, over the OA's 5 MB", errNoUpload, len(f.Data))
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	part, err := mw.CreateFormFile("file", f.Name)
	if err == nil {
		_, err = part.Write(f.Data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return fmt.Errorf("zalooa: upload: %w", err)
	}
	var up struct {
		Token string `json:"token"`
	}
	err = b.api(ctx, "/v2.0/oa/upload/file", mw.FormDataContentType(), buf.Bytes(), &up)
	var ae *APIError
	switch {
	case errors.As(err, &ae) && !tokenCode(ae.Code):
		return fmt.Errorf("%w: %w", errNoUpload, err)
	case err != nil:
		return err
	case up.Token == "":
		return fmt.Errorf("%w: no token in the answer", errNoUpload)
	}
	var m csMessage
	m.Recipient.UserID = userID
	m.Message.Attachment = &attachment{Type: "file"}
	m.Message.Attachment.Payload.Token = up.Token
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("zalooa: message: %w", err)
	}
	return b.api(ctx, "/v3.0/oa/message/cs", "application/json", body, nil)
}

// deliver sends the pieces of one message — the texts, then the file —
// starting at piece from; it returns how many pieces are done.
func (b *Bot) deliver(ctx context.Context, userID string, texts []string, file *notify.File, from int) (int, error) {
	for i := from; i < len(texts); i++ {
		if err := b.sendText(ctx, userID, texts[i]); err != nil {
			return i, err
		}
	}
	if file == nil || from > len(texts) {
		return len(texts) + 1, nil
	}
	err := b.sendFile(ctx, userID, file)
	if errors.Is(err, errNoUpload) {
		b.log.Warn("zalooa: file not sent; a note goes instead", "chat", userID, "file", file.Name, "err", err)
		err = b.sendText(ctx, userID, fmt.Sprintf(noteNoFile, file.Name))
	}
	if err != nil {
		return len(texts), err
	}
	return len(texts) + 1, nil
}

// Send implements notify.Channel: one attempt, classified (see Classify).
// The text is made plain and split into messages of at most 2000
// characters; a document is uploaded and sent as a file after the text.
// A retry of the same Message (same Key) resumes after what was
// delivered.
func (b *Bot) Send(ctx context.Context, m notify.Message) error {
	if m.ChatID == "" {
		return &notify.SendError{Class: notify.Permanent, Reason: "no chat id"}
	}
	text := notify.Plain(m.Text, m.Format)
	if m.Photo != nil {
		text = strings.TrimSpace(text + "\n\n" + noteNoPhoto)
	}
	texts := zalo.Split(text, MaxText)
	if len(texts) == 0 && m.Document == nil {
		return &notify.SendError{Class: notify.Permanent, Reason: "empty message"}
	}
	from := 0
	if m.Key != "" {
		b.mu.Lock()
		from = b.progress[m.Key]
		b.mu.Unlock()
	}
	done, err := b.deliver(ctx, m.ChatID, texts, m.Document, from)
	if m.Key != "" {
		b.mu.Lock()
		delete(b.progress, m.Key)
		if err != nil && done > 0 && Classify(err).Class != notify.Permanent {
			if len(b.progress) > 10000 {
				clear(b.progress)
			}
			b.progress[m.Key] = done
		}
		b.mu.Unlock()
	}
	if err != nil {
		se := Classify(err)
		if errors.Is(se, ErrOutsideWindow) {
			b.log.Info("zalooa: follower outside the interaction window (230); the message moves to the next channel, the link stays",
				"chat", m.ChatID, "key", m.Key)
		}
		return se
	}
	return nil
}

// Reply implements bot.Responder: the answer to a follower's message (who
// has just interacted, so the window is open), rendered as on the Zalo bot
// (zalo.Renderer: plain text messages of at most 2000 characters, a typed
// paging hint such as "Gõ /quahan 2 để xem trang sau." instead of
// buttons), then the document as a file.
func (b *Bot) Reply(ctx context.Context, to bot.Update, r bot.Reply) error {
	doc := r.Document
	r.Document = nil // sent as a file, not replaced by a note
	if _, err := b.deliver(ctx, to.ChatID, b.pages.Render(to.ChatID, r), doc, 0); err != nil {
		return Classify(err)
	}
	return nil
}

// AnswerCallback implements bot.Responder; the OA has no buttons (page
// requests typed as commands arrive as callbacks without an id).
func (b *Bot) AnswerCallback(context.Context, bot.Update, string) error { return nil }
