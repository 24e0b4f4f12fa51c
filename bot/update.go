// Package bot is the transport-agnostic side of the chat bot: updates,
// command parsing, access control, routing and paging. Adapters
// (bot/telegram, bot/zalo, bot/console) turn platform updates into Update
// and implement Responder.
package bot

import (
	"context"

	"github.com/dondoc/dondoc/notify"
)

// ChatKind is the kind of chat an update came from.
type ChatKind string

// The chat kinds (a Telegram supergroup is a group).
const (
	ChatPrivate ChatKind = "private"
	ChatGroup   ChatKind = "group"
)

// Update is one incoming message or button press, whatever the platform.
type Update struct {
	Platform  string // the adapter's notify.Platform Name: key of accounts and groups
	Bot       string // the bot's own username: commands addressed to another bot are ignored
	UpdateID  int64
	ChatID    string
	ChatType  ChatKind
	ThreadID  int // forum topic, 0 for none
	UserID    string
	UserName  string
	Text      string
	MessageID int
	Callback  *Callback
	Document  *DocumentRef
}

// Callback is a press of an inline-keyboard button.
type Callback struct {
	ID        string
	Data      string
	MessageID int // the message that carries the keyboard
}

// DocumentRef is a file attached to a message, to download through the adapter.
type DocumentRef struct {
	FileID   string
	FileName string
	MIME     string
	Size     int64
}

// Reply is what a handler answers.
type Reply struct {
	Text     string
	Format   notify.Format
	Buttons  [][]notify.Button
	Document *notify.File
	Silent   bool
	// Pages, when set, replaces Text: the router shows one page with
	// « Trước / Sau » buttons (see Paginate).
	Pages []string
	// Edit, when not 0, replaces the text and keyboard of that message
	// (a page change) instead of sending a new one.
	Edit int

	fallback bool // the router's short notice after a refused reply
}

// Responder is the send side of a chat adapter: it sends replies on the
// platform an update came from (Reply goes to the update's chat and forum
// topic) and describes that platform, so that the router and the handlers
// decide by its description (format, longest text, buttons…), never by
// its name. Every chat adapter also implements notify.Channel for the
// outbox.
type Responder interface {
	notify.Describer
	Reply(ctx context.Context, to Update, r Reply) error
	// AnswerCallback stops the button's spinner; text may be empty.
	AnswerCallback(ctx context.Context, to Update, text string) error
}

// Receiver is the receive side of a chat adapter: Run hands every update
// to handle (in the adapter's handler pool) until ctx ends, and returns
// once the running handlers have returned. Webhook adapters also mount an
// http.Handler calling the same handle.
type Receiver interface {
	Run(ctx context.Context, handle func(context.Context, Update)) error
}

// DefaultTextLimit is the longest text of a platform whose description
// names none.
const DefaultTextLimit = 4096

// TextLimit is the longest message text platform p accepts, in characters.
func TextLimit(p notify.Platform) int {
	if p.MaxText > 0 {
		return p.MaxText
	}
	return DefaultTextLimit
}
