package bot

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dondoc/dondoc/notify"
)

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
