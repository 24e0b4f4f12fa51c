// Package console is a terminal channel for the bot: it reads commands
// from a reader, dispatches them through the same router, access control
// and texts as the chat platforms, and prints the replies as plain text.
//
// With Options.Render and Options.Translate (the demo gives Zalo's, see
// zalo.Renderer) the replies are printed as that platform shows them —
// on Zalo plain text in pieces of at most 2,000 characters, paged by
// typing "/quahan 2". Without them, a reply with « Trước / Sau » buttons
// is printed with the hint "[« Trước] [Sau »] — gõ < hoặc > để chuyển
// trang"; a line "<" or ">" then presses that button of the last paged
// reply.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/notify"
)

// Platform is the platform name of console updates.
const Platform = "console"

// Description is what the console shows: plain text (the bot's HTML is
// converted with notify.PlainText), 4096 characters, buttons as typed
// hints, documents named, group mode. It is never an outbox channel.
func Description() notify.Platform {
	return notify.Platform{Name: Platform, Label: "console", Format: notify.FormatPlain, MaxText: 4096,
		Files: true, Buttons: true, Groups: true}
}

// Responder prints replies to Out. It implements bot.Responder.
type Responder struct {
	Out io.Writer
	// Platform is the description the console renders as; zero:
	// Description().
	Platform notify.Platform
	// Render, when set, turns a reply into the messages shown, each
	// printed on its own (Options.Render).
	Render func(chatID string, r bot.Reply) []string

	mu      sync.Mutex
	nextMsg int
	prev    string // data of the last paged reply's « Trước », "" if none
	next    string // data of its « Sau »
	lastMsg int
}

var (
	_ bot.Responder    = (*Responder)(nil)
	_ notify.Describer = (*Responder)(nil)
	_ bot.Receiver     = (*Terminal)(nil)
)

// Describe implements notify.Describer.
func (c *Responder) Describe() notify.Platform {
	if c.Platform.Name == "" {
		return Description()
	}
	return c.Platform
}

// Reply implements bot.Responder.
func (c *Responder) Reply(_ context.Context, to bot.Update, r bot.Reply) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Render != nil {
		for _, m := range c.Render(to.ChatID, r) {
			if _, err := io.WriteString(c.Out, m+"\n\n"); err != nil {
				return err
			}
		}
		return nil
	}
	text := notify.Plain(r.Text, r.Format)
	c.nextMsg++
	var hints []string
	prev, next := "", ""
	for _, row := range r.Buttons {
		for _, b := range row {
			if _, _, _, ok := bot.ParsePageData(b.Data); !ok {
				continue
			}
			hints = append(hints, "["+b.Text+"]")
			if strings.HasPrefix(b.Text, "«") {
				prev = b.Data
			} else {
				next = b.Data
			}
		}
	}
	if len(hints) > 0 {
		c.prev, c.next, c.lastMsg = prev, next, c.nextMsg
		text += "\n" + strings.Join(hints, " ") + " — gõ < hoặc > để chuyển trang"
	}
	if r.Document != nil {
		text += fmt.Sprintf("\n[tệp đính kèm: %s]", r.Document.Name)
	}
	_, err := io.WriteString(c.Out, text+"\n\n")
	return err
}

// AnswerCallback implements bot.Responder (nothing to do on a terminal).
func (c *Responder) AnswerCallback(context.Context, bot.Update, string) error { return nil }

// page returns the callback of "<" or ">", if the last paged reply has it.
func (c *Responder) page(forward bool) (*bot.Callback, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	data := c.prev
	if forward {
		data = c.next
	}
	if data == "" {
		return nil, false
	}
	return &bot.Callback{ID: "console-" + strconv.Itoa(c.nextMsg), Data: data, MessageID: c.lastMsg}, true
}

// Options configure Run.
type Options struct {
	UserID   string // the console user's id, as the Directory knows it
	ChatID   string // default: UserID for a private chat
	Group    bool   // the chat is a group chat
	UserName string
	// Prompt, when set, is printed before each line is read (a terminal).
	Prompt string
	// Render, when set, turns each reply into the messages a platform
	// would show (the demo: zalo.Renderer's Render); nil: plain text with
	// the "<" / ">" paging hint.
	Render func(chatID string, r bot.Reply) []string
	// Translate, when set, rewrites each typed line's update before it is
	// dispatched (the demo: Zalo's typed paging, zalo.Renderer's Translate);
	// "<" and ">" then are ordinary text.
	Translate func(u *bot.Update)
}

// Terminal is the console's receive side (bot.Receiver): it reads
// commands from In, one per line, and turns "<" and ">" into presses of
// the last paged reply's buttons printed by Responder.
type Terminal struct {
	In        io.Reader
	Responder *Responder
	Options   Options
}

// Run reads commands from in, one per line, until EOF or ctx ends, and
// dispatches each through r; replies go to out.
func Run(ctx context.Context, r *bot.Router, in io.Reader, out io.Writer, opt Options) error {
	rs := &Responder{Out: out, Render: opt.Render}
	t := &Terminal{In: in, Responder: rs, Options: opt}
	return t.Run(ctx, func(ctx context.Context, u bot.Update) { r.Dispatch(ctx, u, rs) })
}

// Run implements bot.Receiver: each line becomes an update handed to
// handle, one at a time, until EOF or ctx ends.
func (t *Terminal) Run(ctx context.Context, handle func(context.Context, bot.Update)) error {
	opt, rs, out := t.Options, t.Responder, t.Responder.Out
	if opt.ChatID == "" {
		opt.ChatID = opt.UserID
	}
	kind := bot.ChatPrivate
	if opt.Group {
		kind = bot.ChatGroup
	}
	sc := bufio.NewScanner(t.In)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var id int64
	for {
		if opt.Prompt != "" {
			io.WriteString(out, opt.Prompt)
		}
		if ctx.Err() != nil || !sc.Scan() {
			break
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		id++
		u := bot.Update{Platform: Platform, UpdateID: id, ChatID: opt.ChatID, ChatType: kind,
			UserID: opt.UserID, UserName: opt.UserName, Text: line, MessageID: int(id)}
		if opt.Translate != nil {
			opt.Translate(&u)
		} else if line == "<" || line == ">" {
			cb, ok := rs.page(line == ">")
			if !ok {
				io.WriteString(out, "Không có trang nào để chuyển.\n\n")
				continue
			}
			u.Text, u.Callback = "", cb
		}
		handle(ctx, u)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("console: %w", err)
	}
	return nil
}
