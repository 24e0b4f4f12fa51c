package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/dondoc/dondoc/internal/defaults"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// Request is what a handler gets: the update, the parsed command and who
// asked.
type Request struct {
	Update  Update
	Command Command
	Person  Person // zero for an unlinked account
	Role    Role
	Group   *GroupBinding // the unit the group chat is bound to; nil in private chats
	Page    int           // the page asked for by a « Trước / Sau » button
	// Platform describes where the reply goes (the Responder's
	// description): handlers render by its Format and TextLimit.
	Platform notify.Platform

	echo int // Config.EchoChars
}

// Echo returns s as a reply may repeat it: trimmed and cut to
// Config.EchoChars characters (CHAT_ECHO_CHARS) with an ellipsis. Every
// argument or file name a reply quotes goes through it.
func (q *Request) Echo(s string) string {
	n := q.echo
	if n <= 0 {
		n = DefaultEchoChars
	}
	return models.Clip(strings.TrimSpace(s), n)
}

// TextLimit is the longest message the update's platform accepts.
func (q *Request) TextLimit() int { return TextLimit(q.Platform) }

// HTML reports whether replies may use Telegram HTML on this platform.
func (q *Request) HTML() bool { return q.Platform.Format == notify.FormatHTML }

// HandlerFunc answers one request. A Reply without text, pages or document
// sends nothing. Return a *UserError to show its message as is; any other
// error is logged and the user gets a polite message with an error id.
type HandlerFunc func(ctx context.Context, q *Request) (Reply, error)

// UserError is a mistake of the user (a missing argument, an unknown
// dossier code) explained in Vietnamese.
type UserError struct{ Msg string }

func (e *UserError) Error() string { return e.Msg }

// Config configures a Router.
type Config struct {
	Directory   Directory
	Logger      *slog.Logger
	SlowAfter   time.Duration // "đang xử lý" after this long; default 5 s
	Timeout     time.Duration // a handler's context deadline; default 60 s
	DedupWindow int           // how many recent update ids are remembered; default 4096
	NewErrorID  func() string // default: 8 random hex digits
	EchoChars   int           // how much of a user's text a reply repeats; default DefaultEchoChars
}

// Router dispatches updates to handlers after enforcing the access table.
type Router struct {
	cfg      Config
	log      *slog.Logger
	mu       sync.Mutex
	handlers map[string]HandlerFunc
	other    HandlerFunc
	seen     *Recent // update ids already dispatched
}

// NewRouter returns a router with the built-in /start and /trogiup handlers.
func NewRouter(cfg Config) *Router {
	defaults.Positive(&cfg.SlowAfter, 5*time.Second)
	defaults.Positive(&cfg.Timeout, 60*time.Second)
	defaults.Positive(&cfg.DedupWindow, 4096)
	defaults.Positive(&cfg.EchoChars, DefaultEchoChars)
	if cfg.NewErrorID == nil {
		cfg.NewErrorID = newErrorID
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Router{cfg: cfg, log: cfg.Logger, handlers: map[string]HandlerFunc{},
		seen: NewRecent(cfg.DedupWindow)}
	r.Handle("start", startHandler)
	r.Handle("trogiup", helpHandler)
	return r
}

// Handle registers h for a command (canonical name or alias), replacing any
// earlier handler. It panics for a name missing from Commands, a
// programming error like http.ServeMux's.
func (r *Router) Handle(name string, h HandlerFunc) {
	c, ok := Lookup(name)
	if !ok {
		panic(fmt.Sprintf("bot: Handle(%q): not in the access table", name))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers[c.Name] = h
}

// HandleOther registers the handler for messages that are not commands
// (a link code typed on Zalo, a document). It runs for linked and unlinked
// accounts in private chats only; Request.Command is zero.
func (r *Router) HandleOther(h HandlerFunc) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.other = h
}

// firstTime records an update id and reports whether it is new.
func (r *Router) firstTime(u Update) bool {
	if u.UpdateID == 0 {
		return true
	}
	return r.seen.Add(u.Platform + ":" + fmt.Sprint(u.UpdateID))
}

// Dispatch handles one update: deduplicates it, resolves who asked,
// enforces the access table, runs the handler and sends its reply through
// rs. It never panics and logs what fails.
func (r *Router) Dispatch(ctx context.Context, u Update, rs Responder) {
	if !r.firstTime(u) {
		r.log.Debug("bot: duplicate update ignored", "platform", u.Platform, "update", u.UpdateID)
		return
	}
	log := r.log.With("platform", u.Platform, "update", u.UpdateID, "chat", u.ChatID, "user", u.UserID)
	defer func() {
		if p := recover(); p != nil {
			id := r.cfg.NewErrorID()
			log.Error("bot: handler panic", "error_id", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			r.send(ctx, log, rs, u, Reply{Text: fmt.Sprintf(textInternal, id)})
		}
	}()
	q, ok := r.resolve(ctx, log, u, rs)
	if !ok {
		return
	}
	h := r.handler(q)
	if h == nil {
		return
	}
	reply, err := r.run(ctx, log, q, rs, h)
	if err != nil {
		var ue *UserError
		switch {
		case errors.As(err, &ue):
			reply = Reply{Text: ue.Msg}
		case errors.Is(err, context.DeadlineExceeded):
			id := r.cfg.NewErrorID()
			log.Error("bot: handler timed out", "error_id", id, "command", q.Command.Name, "err", err)
			reply = Reply{Text: fmt.Sprintf(textTimeout, id)}
		default:
			id := r.cfg.NewErrorID()
			log.Error("bot: handler failed", "error_id", id, "command", q.Command.Name, "err", err)
			reply = Reply{Text: fmt.Sprintf(textInternal, id)}
		}
	}
	reply = bound(reply, replyLimit(rs.Describe(), reply))
	if len(reply.Pages) > 0 {
		reply = renderPage(reply, q.Command.Name, q.Command.ArgText, q.Page)
		if u.Callback != nil {
			reply.Edit = u.Callback.MessageID
		}
	}
	r.send(ctx, log, rs, u, reply)
}

// resolve parses the update and decides, per the access table and the
// group rules, whether a handler may run. When it returns false it has
// already answered (or deliberately stayed silent).
func (r *Router) resolve(ctx context.Context, log *slog.Logger, u Update, rs Responder) (*Request, bool) {
	q := &Request{Update: u, Role: RoleUnlinked, Platform: rs.Describe(), echo: r.cfg.EchoChars}
	isCommand := false
	if u.Callback != nil {
		if err := rs.AnswerCallback(ctx, u, ""); err != nil {
			log.Warn("bot: answer callback", "err", err)
		}
		name, args, page, ok := ParsePageData(u.Callback.Data)
		if !ok {
			log.Warn("bot: unknown callback data", "data", u.Callback.Data)
			return nil, false
		}
		q.Command = Command{Name: name, Alias: name, ArgText: args, Args: strings.Fields(args)}
		_, q.Command.Known = Lookup(name)
		q.Page, isCommand = page, true
	} else if c, ok := ParseCommand(u.Text, u.Bot); ok && (u.Document == nil || strings.HasPrefix(strings.TrimSpace(u.Text), "/")) {
		// A file's caption is a command only with its "/".
		q.Command, isCommand = c, true
	} else if strings.HasPrefix(strings.TrimSpace(u.Text), "/") {
		return nil, false // addressed to another bot
	}

	p, err := r.cfg.Directory.Account(ctx, u.Platform, u.UserID)
	switch {
	case err == nil:
		q.Person, q.Role = p, p.Role
	case errors.Is(err, ErrNotFound):
	default:
		return r.busy(ctx, log, rs, u, "account", err)
	}

	if u.ChatType == ChatGroup {
		if !isCommand || !q.Command.Known {
			return nil, false // privacy: groups get answers to known commands only
		}
		g, err := r.cfg.Directory.Group(ctx, u.Platform, u.ChatID)
		switch {
		case err == nil:
			q.Group = &g
		case errors.Is(err, ErrNotFound):
			if q.Command.Name == "lienket" && Allowed(q.Role, ChatGroup, "lienket") {
				return q, true
			}
			r.send(ctx, log, rs, u, Reply{Text: textGroupUnbound})
			return nil, false
		default:
			return r.busy(ctx, log, rs, u, "group", err)
		}
		if q.Role == RoleUnlinked || !Allowed(q.Role, ChatGroup, q.Command.Name) {
			log.Info("bot: group command refused", "command", q.Command.Name, "role", q.Role)
			return nil, false
		}
		in, err := r.cfg.Directory.InScope(ctx, q.Person, g.UnitCode)
		if err != nil {
			return r.busy(ctx, log, rs, u, "scope", err)
		}
		if !in {
			log.Info("bot: group command out of scope", "command", q.Command.Name, "unit", g.UnitCode)
			return nil, false
		}
		return q, true
	}

	// Private chat.
	if !isCommand {
		return q, true // HandleOther or a hint
	}
	if !q.Command.Known {
		if q.Role == RoleUnlinked {
			r.send(ctx, log, rs, u, Reply{Text: textUnlinked})
		} else {
			r.send(ctx, log, rs, u, Reply{Text: UnknownCommandText(q.Command, q.Echo)})
		}
		return nil, false
	}
	if !Allowed(q.Role, ChatPrivate, q.Command.Name) {
		if q.Role == RoleUnlinked {
			r.send(ctx, log, rs, u, Reply{Text: textUnlinked})
		} else {
			r.send(ctx, log, rs, u, Reply{Text: fmt.Sprintf(textNotAllowed, q.Echo(q.Command.Alias), roleLabel(q.Role))})
		}
		return nil, false
	}
	return q, true
}

func (r *Router) busy(ctx context.Context, log *slog.Logger, rs Responder, u Update, what string, err error) (*Request, bool) {
	id := r.cfg.NewErrorID()
	log.Error("bot: directory lookup failed", "what", what, "error_id", id, "err", err)
	if u.ChatType == ChatPrivate {
		r.send(ctx, log, rs, u, Reply{Text: fmt.Sprintf(textBusy, id)})
	}
	return nil, false
}

// handler picks the handler for a resolved request.
func (r *Router) handler(q *Request) HandlerFunc {
	r.mu.Lock()
	defer r.mu.Unlock()
	if q.Command.Name == "" {
		if r.other != nil {
			return r.other
		}
		if q.Update.Document != nil || strings.TrimSpace(q.Update.Text) != "" {
			return static(Reply{Text: textNotCommand})
		}
		return nil
	}
	if h, ok := r.handlers[q.Command.Name]; ok {
		return h
	}
	return static(Reply{Text: fmt.Sprintf(textNotReady, q.Command.Name)})
}

func static(rep Reply) HandlerFunc {
	return func(context.Context, *Request) (Reply, error) { return rep, nil }
}

type result struct {
	reply Reply
	err   error
	panic any
	stack []byte
}

// run calls h with a deadline; after SlowAfter without an answer it tells
// the user to wait. A panic in h is re-raised here for Dispatch to recover.
func (r *Router) run(ctx context.Context, log *slog.Logger, q *Request, rs Responder, h HandlerFunc) (Reply, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	done := make(chan result, 1)
	go func() {
		var res result
		defer func() {
			if p := recover(); p != nil {
				res.panic, res.stack = p, debug.Stack()
			}
			done <- res
		}()
		res.reply, res.err = h(ctx, q)
	}()
	slow := time.NewTimer(r.cfg.SlowAfter)
	defer slow.Stop()
	for {
		select {
		case res := <-done:
			if res.panic != nil {
				id := r.cfg.NewErrorID()
				log.Error("bot: handler panic", "error_id", id, "command", q.Command.Name, "panic", fmt.Sprint(res.panic), "stack", string(res.stack))
				return Reply{Text: fmt.Sprintf(textInternal, id)}, nil
			}
			if res.err == nil && ctx.Err() != nil && isEmpty(res.reply) {
				return res.reply, ctx.Err()
			}
			return res.reply, res.err
		case <-slow.C:
			r.send(ctx, log, rs, q.Update, Reply{Text: textSlow, Silent: true})
		case <-ctx.Done():
			// Give the handler nothing more; it must watch ctx itself.
			return Reply{}, fmt.Errorf("bot: /%s: %w", q.Command.Name, ctx.Err())
		}
	}
}

func isEmpty(rep Reply) bool {
	return rep.Text == "" && len(rep.Pages) == 0 && rep.Document == nil
}

// send delivers a reply, logging a failure (the adapter already retried).
func (r *Router) send(ctx context.Context, log *slog.Logger, rs Responder, u Update, rep Reply) {
	if isEmpty(rep) {
		return
	}
	if rep.Format == "" {
		rep.Format = notify.FormatPlain
	}
	// The last guard: nothing longer than the platform takes goes out.
	rep.Text = fit(rep.Text, replyLimit(rs.Describe(), rep), rep.Format == notify.FormatHTML)
	err := rs.Reply(context.WithoutCancel(ctx), u, rep)
	if err == nil {
		return
	}
	class := notify.ClassOf(err)
	log.Warn("bot: reply failed", "class", class.String(), "err", err)
	if rep.fallback {
		return // the short notice failed too
	}
	// The answer was refused (a platform limit, a 400 the adapter counts
	// as permanent...): the user still gets one, short and plain. To a
	// chat that is really gone this costs one more refused call.
	id := r.cfg.NewErrorID()
	log.Error("bot: reply replaced by a short notice", "error_id", id)
	notice := Reply{Text: fmt.Sprintf(textReplyFailed, id), Format: notify.FormatPlain, fallback: true}
	if err := rs.Reply(context.WithoutCancel(ctx), u, notice); err != nil {
		log.Warn("bot: short notice failed", "class", notify.ClassOf(err).String(), "err", err)
	}
}

func newErrorID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func startHandler(_ context.Context, q *Request) (Reply, error) {
	return Reply{Text: StartText(q.Person, q.Role)}, nil
}

func helpHandler(_ context.Context, q *Request) (Reply, error) {
	return Reply{Text: HelpText(q.Role, q.Update.ChatType), Format: notify.FormatHTML}, nil
}
