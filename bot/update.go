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
	Platform  string // "telegram", "zalo", "console"
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

// Responder sends replies on the platform an update came from. Reply goes
// to the update's chat and forum topic.
type Responder interface {
	Reply(ctx context.Context, to Update, r Reply) error
	// AnswerCallback stops the button's spinner; text may be empty.
	AnswerCallback(ctx context.Context, to Update, text string) error
}

// TextLimit is the longest message text a platform accepts, in characters.
func TextLimit(platform string) int {
	switch platform {
	case "zalo":
		return 2000
	case "telegram":
		return 4096
	}
	return 4096
}
