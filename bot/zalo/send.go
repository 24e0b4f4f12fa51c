package zalo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/notify"
)

// noteFile is appended to the text of a message whose document or photo
// cannot be attached on Zalo.
const noteFile = "(Zalo chưa cho phép bot gửi tệp nên tệp «%s» không được đính kèm. Vui lòng xem trên hệ thống hoặc liên hệ Văn phòng để nhận tệp.)"

// hintNextPage is appended to a paged reply: Zalo has no buttons.
const hintNextPage = "Gõ %s để xem trang sau."

// Split cuts text into pieces of at most limit characters (runes), at line
// boundaries where it can, else at a space, else anywhere; blank pieces
// are dropped and each piece is trimmed of surrounding newlines.
func Split(text string, limit int) []string {
	text = strings.Trim(text, "\n")
	if utf8.RuneCountInString(text) <= limit {
		if strings.TrimSpace(text) == "" {
			return nil
		}
		return []string{text}
	}
	var out []string
	var cur strings.Builder
	n := 0
	flush := func() {
		if s := strings.Trim(cur.String(), "\n"); strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
		cur.Reset()
		n = 0
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		ln := utf8.RuneCountInString(line)
		if n+ln > limit {
			flush()
		}
		for ln > limit { // a line longer than a message on its own
			head := cutAt(line, limit)
			out = append(out, strings.TrimRightFunc(head, unicode.IsSpace))
			line = strings.TrimLeftFunc(line[len(head):], unicode.IsSpace)
			ln = utf8.RuneCountInString(line)
		}
		cur.WriteString(line)
		n += ln
	}
	flush()
	return out
}

// cutAt returns the longest prefix of s of at most limit runes, ending
// after a space when there is one in its second half.
func cutAt(s string, limit int) string {
	end, i := len(s), 0
	for j := range s {
		if i == limit {
			end = j
			break
		}
		i++
	}
	head := s[:end]
	if sp := strings.LastIndexByte(head, ' '); sp > 0 && utf8.RuneCountInString(head[:sp]) > limit/2 {
		return head[:sp+1]
	}
	return head
}

// withNote appends the "file not attached" note for f to text.
func withNote(text string, f *notify.File) string {
	note := fmt.Sprintf(noteFile, f.Name)
	if strings.TrimSpace(text) == "" {
		return note
	}
	return text + "\n\n" + note
}

type sendProgress struct {
	hash uint64
	done int
}

func textHash(chunks []string) uint64 {
	h := fnv.New64a()
	for _, c := range chunks {
		_, _ = h.Write([]byte(c))
		_, _ = h.Write([]byte{0})
	}
	return h.Sum64()
}

// maxProgress bounds the remembered partial sends.
const maxProgress = 10000

// Send implements notify.Channel: one attempt, the failure classified as a
// *notify.SendError. The text is made plain and split into messages of at
// most 2000 characters; when a later piece fails, a retry of the same
// Message (same Key and text) resumes after the pieces already delivered.
// A photo is sent with sendPhoto when cfg.PhotoURL publishes it; other
// attachments become a note in the text (Zalo takes no uploads).
func (b *Bot) Send(ctx context.Context, m notify.Message) error {
	if m.ChatID == "" {
		return &notify.SendError{Class: notify.Permanent, Reason: "no chat id"}
	}
	if b.stopped.Load() {
		return stoppedError(nil)
	}
	text := notify.Plain(m.Text, m.Format)
	photo := ""
	switch {
	case m.Photo != nil && b.cfg.PhotoURL != nil:
		u, err := b.cfg.PhotoURL(ctx, *m.Photo)
		if err != nil {
			return &notify.SendError{Class: notify.Retryable, Reason: "publishing the photo", Err: err}
		}
		photo = u
	case m.Photo != nil:
		text = withNote(text, m.Photo)
	case m.Document != nil:
		text = withNote(text, m.Document)
	}
	chunks := Split(text, MaxText)
	if len(chunks) == 0 && photo == "" {
		return &notify.SendError{Class: notify.Permanent, Reason: "empty message"}
	}
	start, hash := 0, textHash(append(chunks, photo))
	if m.Key != "" {
		b.mu.Lock()
		if p, ok := b.progress[m.Key]; ok && p.hash == hash {
			start = p.done
		}
		b.mu.Unlock()
	}
	done, err := b.sendPieces(ctx, m.ChatID, photo, chunks, start)
	if err == nil {
		b.reached(ctx, m.ChatID)
	}
	if m.Key != "" {
		b.mu.Lock()
		if err != nil && done > 0 && Classify(err).Class != notify.Permanent {
			if len(b.progress) >= maxProgress {
				clear(b.progress)
			}
			b.progress[m.Key] = sendProgress{hash: hash, done: done}
		} else {
			delete(b.progress, m.Key)
		}
		b.mu.Unlock()
	}
	if err != nil {
		return b.classifySend(ctx, m.ChatID, err)
	}
	return nil
}

// failDays is how many different days a chat must fail with 404 before
// its link is marked inactive.
const failDays = 3

// classifySend classifies a failed send to chatID: a 404 becomes
// Permanent (the link is marked inactive) when it is the third different
// day the chat fails so; until then, and without State, it stays
// Retryable.
func (b *Bot) classifySend(ctx context.Context, chatID string, err error) *notify.SendError {
	se := Classify(err)
	if b.stopped.Load() {
		return stoppedError(err)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != http.StatusNotFound || b.cfg.State == nil {
		return se
	}
	day := b.clock.Now().In(b.cfg.Location).Format(time.DateOnly)
	n, serr := b.cfg.State.NoteFailureDay(ctx, Platform, chatID, day)
	if serr != nil {
		b.log.Warn("zalo: could not record a failure day", "chat", chatID, "err", serr)
		return se
	}
	b.mu.Lock()
	b.failing[chatID] = true
	b.mu.Unlock()
	if n >= failDays {
		b.log.Warn("zalo: invalid request (404) on three different days: the chat's link is marked inactive", "chat", chatID, "days", n)
		return &notify.SendError{Class: notify.Permanent, Reason: fmt.Sprintf("%s, on %d different days", se.Reason, n), Err: err}
	}
	b.log.Info("zalo: invalid request (404); the message fails, the link stays active", "chat", chatID, "days", n)
	se.Reason = fmt.Sprintf("%s (day %d of %d before the link is marked inactive)", se.Reason, n, failDays)
	return se
}

// stoppedRetry is when a notification is due again while the channel is
// stopped by a 401: it stays pending (no attempt counted, no link
// deactivated) until the token is fixed and dondoc restarted.
const stoppedRetry = 10 * time.Minute

func stoppedError(err error) *notify.SendError {
	return &notify.SendError{Class: notify.RateLimited, RetryAfter: stoppedRetry,
		Reason: "the Zalo channel is stopped: ZALO_BOT_TOKEN was refused (401)", Err: err}
}

// reached forgets the 404 days of a chat a send reached.
func (b *Bot) reached(ctx context.Context, chatID string) {
	b.mu.Lock()
	was := b.failing[chatID]
	delete(b.failing, chatID)
	b.mu.Unlock()
	if was && b.cfg.State != nil {
		if err := b.cfg.State.ClearFailures(ctx, Platform, chatID); err != nil {
			b.log.Warn("zalo: could not clear failure days", "chat", chatID, "err", err)
		}
	}
}

// sendPieces sends the photo (with the first chunk as caption) or the
// first chunk, then the rest, starting at piece start; it returns how many
// pieces were delivered in all.
func (b *Bot) sendPieces(ctx context.Context, chatID, photo string, chunks []string, start int) (int, error) {
	pieces := len(chunks)
	if photo != "" && pieces == 0 {
		pieces = 1
	}
	for i := start; i < pieces; i++ {
		if err := b.sendPiece(ctx, chatID, photo, chunks, i); err != nil {
			return i, err
		}
	}
	return pieces, nil
}

func (b *Bot) sendPiece(ctx context.Context, chatID, photo string, chunks []string, i int) error {
	method, p := "sendMessage", map[string]string{"chat_id": chatID}
	if i == 0 && photo != "" {
		method, p["photo"] = "sendPhoto", photo
		if len(chunks) > 0 {
			p["caption"] = chunks[0]
		}
	} else {
		p["text"] = chunks[i]
	}
	return b.paced(ctx, chatID, method, p)
}

// paced makes one sending call at the bot's pace; a 429 slows the pace
// down and is returned as RateLimited with the pause it asks for.
func (b *Bot) paced(ctx context.Context, chatID, method string, p map[string]string) error {
	if !b.pace.wait(ctx, chatID) {
		return ctx.Err()
	}
	err := b.call(ctx, method, p, nil)
	var ae *APIError
	switch {
	case err == nil:
		b.pace.ok()
	case errors.As(err, &ae) && ae.Code == http.StatusTooManyRequests:
		wait := b.pace.quota()
		b.log.Warn("zalo: quota exceeded (429); slowing down", "chat", chatID, "slow_down", b.pace.factor(), "retry_in", wait)
		return &notify.SendError{Class: notify.RateLimited, RetryAfter: wait, Reason: "quota exceeded (429): " + ae.Description, Err: err}
	}
	return err
}

// Reply implements bot.Responder: it answers in the update's chat as plain
// text, in as many messages as 2000 characters need. Zalo has no buttons:
// for a page of a paged reply (the router's « Trước / Sau » buttons) it
// appends "Gõ /quahan 2 để xem trang sau." and remembers the listing for
// the chat, so that the command typed back is turned into the page request
// the router expects (a callback); other buttons are dropped. Edits are
// not possible on Zalo: a page is a new message. It waits out a 429 (at
// most cfg.MaxRetryWait) and retries a transient failure, three attempts
// per message.
//
// A Reply with Pages and no Text (not rendered by the router) sends every
// page, each in as many messages as it needs.
func (b *Bot) Reply(ctx context.Context, to bot.Update, r bot.Reply) error {
	if r.Text == "" && len(r.Pages) > 0 {
		for _, p := range r.Pages {
			page := r
			page.Text, page.Pages = p, nil
			if err := b.Reply(ctx, to, page); err != nil {
				return err
			}
		}
		return nil
	}
	chunks := Split(replyText(b.pages, to.ChatID, r), MaxText)
	for i := range chunks {
		if err := b.replyPiece(ctx, to.ChatID, chunks, i); err != nil {
			return err
		}
	}
	return nil
}

// Attempts of one reply message: transient failures, and 429s.
const (
	replyAttempts      = 6
	replyQuotaAttempts = 10
)

func (b *Bot) replyPiece(ctx context.Context, chatID string, chunks []string, i int) error {
	var se *notify.SendError
	for attempt := 1; ; attempt++ {
		err := b.sendPiece(ctx, chatID, "", chunks, i)
		if err == nil {
			return nil
		}
		se = Classify(err)
		var wait time.Duration
		switch se.Class {
		case notify.RateLimited: // the pace slowed down: keep trying, losing nothing
			if se.RetryAfter > b.cfg.MaxRetryWait || attempt == replyQuotaAttempts {
				return se
			}
			wait = se.RetryAfter
		case notify.Retryable:
			var ae *APIError
			if attempt >= replyAttempts || (errors.As(err, &ae) && (ae.Code == http.StatusUnauthorized || ae.Code == http.StatusNotFound)) {
				return se
			}
			wait = time.Duration(attempt) * b.cfg.RetryWait
		default:
			return se
		}
		b.log.Info("zalo: reply failed, retrying", "chat", chatID, "class", se.Class.String(), "wait", wait)
		select {
		case <-b.clock.After(wait):
		case <-ctx.Done():
			return se
		}
	}
}

// Typing shows "typing…" in a chat (sendChatAction), for a reply that
// takes a while.
func (b *Bot) Typing(ctx context.Context, chatID string) error {
	if err := b.paced(ctx, chatID, "sendChatAction", map[string]string{"chat_id": chatID, "action": "typing"}); err != nil {
		return Classify(err)
	}
	return nil
}

// Limits are the default sending limits for notify's dispatcher on Zalo.
// Zalo publishes none for the Bot Platform: these are conservative guesses
// (DefaultRatePerSecond overall, DefaultRatePerChat per chat). Zalo's chat
// ids do not tell groups apart, so no group limit applies.
func Limits() notify.Limits {
	return notify.Limits{PerSecond: DefaultRatePerSecond, PerChatPerSecond: DefaultRatePerChat, IsGroup: func(string) bool { return false }}
}

// Limits are the bot's configured pace (ZALO_RATE_PER_SECOND,
// ZALO_RATE_PER_CHAT) for notify's dispatcher; the bot paces its own calls
// the same way and slows down after a 429.
func (b *Bot) Limits() notify.Limits {
	if b.cfg.RatePerSecond < 0 {
		return notify.Limits{IsGroup: func(string) bool { return false }}
	}
	return notify.Limits{PerSecond: b.cfg.RatePerSecond, PerChatPerSecond: b.cfg.RatePerChat, IsGroup: func(string) bool { return false }}
}

// AnswerCallback implements bot.Responder; Zalo has no callbacks (page
// requests typed as commands arrive as callbacks without an id).
func (b *Bot) AnswerCallback(context.Context, bot.Update, string) error { return nil }

// pageMemory remembers, per chat, the last paged listing shown, so that
// "/quahan 2" typed back becomes a page request.
type pageMemory struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	now   func() time.Time
	chats map[string]pageCtx
}

type pageCtx struct {
	command, args string
	until         time.Time
}

func newPageMemory(max int, ttl time.Duration, now func() time.Time) *pageMemory {
	return &pageMemory{ttl: ttl, max: max, now: now, chats: map[string]pageCtx{}}
}

// fromButtons reads the router's page buttons, remembers the listing and
// returns the hint for the next page ("" for none or on the last page).
func (p *pageMemory) fromButtons(chatID string, rows [][]notify.Button) string {
	var cmd, args string
	next, found := -1, false
	for _, row := range rows {
		for _, btn := range row {
			c, a, page, ok := bot.ParsePageData(btn.Data)
			if !ok {
				continue
			}
			cmd, args, found = c, a, true
			if !strings.HasPrefix(strings.TrimSpace(btn.Text), "«") && page > next {
				next = page
			}
		}
	}
	if !found {
		return ""
	}
	p.mu.Lock()
	now := p.now()
	if len(p.chats) >= p.max {
		for k, v := range p.chats {
			if now.After(v.until) || len(p.chats) >= p.max {
				delete(p.chats, k)
			}
		}
	}
	p.chats[chatID] = pageCtx{command: cmd, args: args, until: now.Add(p.ttl)}
	p.mu.Unlock()
	if next < 0 {
		return ""
	}
	typed := "/" + cmd
	if args != "" {
		typed += " " + args
	}
	if numberArg[cmd] {
		typed += " trang"
	}
	return fmt.Sprintf(hintNextPage, typed+" "+strconv.Itoa(next+1))
}

// numberArg are the commands whose own argument may be a bare number
// (/sapden 3: three working days): their pages are typed "/sapden trang 2".
var numberArg = map[string]bool{"sapden": true}

// translate turns "/<command> [args] <n>" typed in a chat whose last
// listing was that command with those args into the router's request for
// page n (a callback carrying bot.PageData).
func (p *pageMemory) translate(u *bot.Update) {
	c, ok := bot.ParseCommand(u.Text, u.Bot)
	if !ok || !c.Known || len(c.Args) == 0 {
		return
	}
	n, err := strconv.Atoi(c.Args[len(c.Args)-1])
	if err != nil || n < 1 {
		return
	}
	rest := c.Args[:len(c.Args)-1]
	if k := len(rest); k > 0 && bot.Fold(rest[k-1]) == "trang" {
		rest = rest[:k-1]
	} else if numberArg[c.Name] {
		return // "/sapden 3" is three days, not page 3
	}
	p.mu.Lock()
	pc, ok := p.chats[u.ChatID]
	p.mu.Unlock()
	if !ok || p.now().After(pc.until) || pc.command != c.Name ||
		!strings.EqualFold(strings.Join(rest, " "), strings.Join(strings.Fields(pc.args), " ")) {
		return
	}
	u.Callback = &bot.Callback{Data: bot.PageData(pc.command, pc.args, n-1)}
	u.Text = ""
}
