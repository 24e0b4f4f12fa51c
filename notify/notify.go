// Package notify delivers messages to chat platforms exactly once: an
// outbox keyed by (job, recipient, period), a dispatcher that keeps each
// platform's limits, retries what can be retried and records what cannot.
package notify

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Format is how a message's text is marked up.
type Format string

// The text formats.
const (
	FormatPlain Format = "plain"
	FormatHTML  Format = "html" // Telegram HTML parse mode
)

// File is a document or photo attached to a message.
type File struct {
	Name string // shown to the user, UTF-8 (e.g. "Báo cáo TTHC tháng 10-2026.xlsx")
	MIME string
	Data []byte
}

// Button is one inline-keyboard button; Data comes back as a callback.
type Button struct {
	Text string
	Data string
}

// Message is one message to one chat.
type Message struct {
	Key      string // idempotency key (job/recipient/period); empty for replies
	Platform string // "telegram", "zalo", "console"
	ChatID   string
	ThreadID int // forum topic (Telegram message_thread_id), 0 for none
	ReplyTo  int // message id replied to, 0 for none
	Text     string
	Format   Format
	Silent   bool       // disable_notification: nothing urgent
	Buttons  [][]Button // inline keyboard rows
	Document *File
	Photo    *File // Text is the caption (≤ 1024 on Telegram)
	// Fields are the named values of a template message (ZNS: the
	// template's parameters are filled from them); nil for others.
	Fields map[string]string `json:",omitempty"`
}

// Channel sends messages to one platform. Send returns nil or a *SendError
// that says what the dispatcher should do.
type Channel interface {
	Platform() string
	Send(ctx context.Context, m Message) error
}

// Class is what a failed send means for the dispatcher.
type Class int

// The error classes.
const (
	Retryable   Class = iota // 5xx, timeouts, a proxy's HTML page: back off and retry
	RateLimited              // 429: wait RetryAfter, then retry
	Migrated                 // the group became a supergroup: store MigrateTo, resend
	BadMarkup                // the platform could not parse the markup: resend as plain text
	Permanent                // blocked, kicked, deactivated, chat not found: mark the link inactive
)

func (c Class) String() string {
	switch c {
	case Retryable:
		return "retryable"
	case RateLimited:
		return "rate_limited"
	case Migrated:
		return "migrated"
	case BadMarkup:
		return "bad_markup"
	case Permanent:
		return "permanent"
	}
	return fmt.Sprintf("class(%d)", int(c))
}

// SendError is a classified failure of Channel.Send.
type SendError struct {
	Class      Class
	RetryAfter time.Duration // RateLimited
	MigrateTo  string        // Migrated: the new chat id
	Reason     string        // the platform's description, for the record
	Err        error
}

func (e *SendError) Error() string {
	msg := fmt.Sprintf("notify: %s: %s", e.Class, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *SendError) Unwrap() error { return e.Err }

// AsSendError returns the *SendError in err's chain, if any: a failure a
// channel's Classify finds already classified is passed on as it is.
func AsSendError(err error) (*SendError, bool) {
	var se *SendError
	ok := errors.As(err, &se)
	return se, ok
}

// ErrNotNow, wrapped by a Permanent SendError, says the failure concerns
// this message only: the platform will not deliver to the chat now (the
// Zalo OA interaction window is closed), so the message moves on to the
// recipient's next channel but the chat's link stays active.
var ErrNotNow = errors.New("notify: the chat cannot be reached on this channel now; its link stays active")

// ClassOf returns the class of err: a *SendError's own, else Retryable.
func ClassOf(err error) Class {
	var se *SendError
	if errors.As(err, &se) {
		return se.Class
	}
	return Retryable
}
