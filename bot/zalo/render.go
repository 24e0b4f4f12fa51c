package zalo

import (
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/notify"
)

// Renderer shows the bot's replies exactly as Zalo shows them, for a
// channel that imitates Zalo (the demo console): plain text, a typed
// paging hint ("Gõ /quahan 2 để xem trang sau.") instead of buttons, a
// note instead of a file, and pieces of at most MaxText characters cut on
// line boundaries. Translate turns the typed page command back into the
// router's page request, as the Bot does with incoming messages.
type Renderer struct{ pages *pageMemory }

// NewRenderer returns a Renderer; now dates the paged listings it
// remembers (30 minutes).
func NewRenderer(now func() time.Time) *Renderer {
	return &Renderer{pages: newPageMemory(64, 30*time.Minute, now)}
}

// Render returns the messages Zalo would show for r in chat chatID.
func (z *Renderer) Render(chatID string, r bot.Reply) []string {
	if r.Text == "" && len(r.Pages) > 0 {
		var out []string
		for _, p := range r.Pages {
			page := r
			page.Text, page.Pages = p, nil
			out = append(out, z.Render(chatID, page)...)
		}
		return out
	}
	return Split(replyText(z.pages, chatID, r), MaxText)
}

// Translate rewrites a typed page command ("/quahan 2") of u into the
// page request of the last listing shown in its chat.
func (z *Renderer) Translate(u *bot.Update) { z.pages.translate(u) }

// replyText is r as Zalo shows it in chatID, before splitting: plain
// text, the typed paging hint (remembered in pages), the note for a file.
func replyText(pages *pageMemory, chatID string, r bot.Reply) string {
	text := notify.Plain(r.Text, r.Format)
	if hint := pages.fromButtons(chatID, r.Buttons); hint != "" {
		text += "\n" + hint
	}
	if r.Document != nil {
		text = withNote(text, r.Document)
	}
	return text
}
