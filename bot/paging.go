package bot

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// TruncMarker ends a reply, or a page of one, cut to fit its platform.
const TruncMarker = "… (đã rút gọn)"

// DefaultEchoChars is how much of a user's own text a reply repeats when
// Config.EchoChars is 0 (CHAT_ECHO_CHARS).
const DefaultEchoChars = 64

// MaxPages is the most pages a long reply is split into; the rest is cut.
const MaxPages = 50

// replyLimit is the most characters rep's text may have on platform p: a
// document's caption may be shorter than a message (p.MaxCaption, when
// the platform sends captions).
func replyLimit(p notify.Platform, rep Reply) int {
	limit := TextLimit(p)
	if rep.Document != nil && p.MaxCaption > 0 {
		limit = min(limit, p.MaxCaption)
	}
	return limit
}

// Fit cuts text to at most limit characters on a line boundary, ending it
// with TruncMarker on a line of its own; text that fits is returned as is.
func Fit(text string, limit int) string { return fit(text, limit, false) }

// fit is Fit; html keeps Telegram HTML valid (a tag cut in the middle is
// dropped, open tags are closed; room is kept for the closing tags).
func fit(text string, limit int, html bool) string {
	if utf8.RuneCountInString(text) <= limit {
		return text
	}
	room := limit - utf8.RuneCountInString(TruncMarker) - 1
	if html {
		room -= htmlReserve
	}
	head, _ := models.CutLines(text, max(room, 1))
	if html {
		head, _ = htmlTail(head, nil)
	}
	return head + "\n" + TruncMarker
}

// htmlReserve is room kept on a cut HTML page for the tags it reopens and
// closes.
const htmlReserve = 64

// SplitText cuts a long text into pages of at most limit characters each,
// on line boundaries, every page but the last ending with TruncMarker (the
// rest follows on the next page).
func SplitText(text string, limit int) []string { return splitText(text, limit, false) }

func splitText(text string, limit int, html bool) []string {
	room := limit - utf8.RuneCountInString(TruncMarker) - 1
	if html {
		room -= htmlReserve
	}
	room = max(room, 1)
	// Past MaxPages pages the text is cut: nobody pages through more, and a
	// 30 MB text would cost a scan per page.
	if total := MaxPages * room; len(text) > total && utf8.RuneCountInString(text) > total {
		text = fit(text, total, html)
	}
	var pages []string
	var open []string
	for len(text) > room && utf8.RuneCountInString(text) > room {
		head, rest := models.CutLines(text, room)
		if html {
			// What htmlTail drops at the cut goes to the next page.
			if i := strings.LastIndexByte(head, '<'); i >= 0 && !strings.Contains(head[i:], ">") {
				head, rest = head[:i], head[i:]+rest
			} else if i := strings.LastIndexByte(head, '&'); i >= 0 && !strings.Contains(head[i:], ";") {
				head, rest = head[:i], head[i:]+rest
			}
			head, open = htmlTail(head, open)
		}
		pages = append(pages, head+"\n"+TruncMarker)
		text = rest
	}
	if html {
		text, _ = htmlTail(text, open)
	}
	return append(pages, text)
}

// bound makes a handler's reply fit its platform: a text too long for one
// message becomes pages (shown with « Trước / Sau »; a document's caption
// is cut instead), and a page too long is cut.
func bound(rep Reply, limit int) Reply {
	html := rep.Format == notify.FormatHTML
	switch {
	case len(rep.Pages) > 0:
		pages := make([]string, len(rep.Pages))
		for i, p := range rep.Pages {
			pages[i] = fit(p, limit-pageReserve, html)
		}
		rep.Pages = pages
	case rep.Document != nil:
		rep.Text = fit(rep.Text, limit, html)
	case utf8.RuneCountInString(rep.Text) > limit:
		rep.Pages, rep.Text = splitText(rep.Text, limit-pageReserve, html), ""
	}
	return rep
}

// MaxCallbackData is Telegram's limit on an inline button's data, in bytes.
const MaxCallbackData = 64

// pageReserve is room left on every page for the "Trang i/n" footer.
const pageReserve = 24

// Paginate splits items into pages of at most limit characters (rune count)
// each, at item boundaries, each page starting with header. Items are
// joined with a newline. An item longer than a page on its own is cut.
func Paginate(header string, items []string, limit int) []string {
	budget := limit - pageReserve
	var pages []string
	var b strings.Builder
	n := 0
	start := func() {
		b.Reset()
		b.WriteString(header)
		n = utf8.RuneCountInString(header)
	}
	start()
	empty := true
	for _, it := range items {
		size := utf8.RuneCountInString(it) + 1
		if !empty && n+size > budget {
			pages = append(pages, b.String())
			start()
		}
		if n+size > budget { // a single oversize item
			it = cut(it, budget-n-2) + "…"
			size = utf8.RuneCountInString(it) + 1
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(it)
		n += size
		empty = false
	}
	if !empty || len(pages) == 0 {
		pages = append(pages, b.String())
	}
	return pages
}

func cut(s string, runes int) string {
	if runes < 0 {
		runes = 0
	}
	i := 0
	for j := range s {
		if i == runes {
			return s[:j]
		}
		i++
	}
	return s
}

// PageData encodes (command, args, page) as callback data of at most
// MaxCallbackData bytes: "pg:<command>:<page>:<args>". Arguments that do
// not fit are cut at a rune boundary.
func PageData(command, args string, page int) string {
	s := "pg:" + command + ":" + strconv.Itoa(page) + ":"
	room := MaxCallbackData - len(s)
	for len(args) > room {
		_, size := utf8.DecodeLastRuneInString(args)
		args = args[:len(args)-size]
	}
	return s + args
}

// ParsePageData decodes PageData.
func ParsePageData(data string) (command, args string, page int, ok bool) {
	rest, ok := strings.CutPrefix(data, "pg:")
	if !ok {
		return "", "", 0, false
	}
	parts := strings.SplitN(rest, ":", 3)
	if len(parts) != 3 {
		return "", "", 0, false
	}
	page, err := strconv.Atoi(parts[1])
	if err != nil || page < 0 || parts[0] == "" {
		return "", "", 0, false
	}
	return parts[0], parts[2], page, true
}

// renderPage turns r.Pages into the text and keyboard of page i (clamped).
func renderPage(r Reply, command, args string, i int) Reply {
	if i >= len(r.Pages) {
		i = len(r.Pages) - 1
	}
	if i < 0 {
		i = 0
	}
	out := r
	out.Pages = nil
	out.Text = r.Pages[i]
	if len(r.Pages) > 1 {
		out.Text += "\n\nTrang " + strconv.Itoa(i+1) + "/" + strconv.Itoa(len(r.Pages))
		var row []notify.Button
		if i > 0 {
			row = append(row, notify.Button{Text: "« Trước", Data: PageData(command, args, i-1)})
		}
		if i < len(r.Pages)-1 {
			row = append(row, notify.Button{Text: "Sau »", Data: PageData(command, args, i+1)})
		}
		out.Buttons = append([][]notify.Button{row}, r.Buttons...)
	}
	return out
}
