package digest

import (
	"html"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// RenderOptions say how a message is written for one chat.
type RenderOptions struct {
	// Format: notify.FormatHTML for Telegram (every value escaped),
	// notify.FormatPlain for Zalo and the console.
	Format notify.Format
	// MaxLen bounds the text, counted in UTF-16 code units of the whole
	// rendered text, markup included (what Telegram counts, and never less
	// than the characters Zalo counts): 4096 for Telegram, 2000 for Zalo;
	// 0 means 4096.
	MaxLen int
	// MaxItems bounds the dossiers listed (0: as many as fit); the rest are
	// summed up as "… và N hồ sơ khác — gõ /hoso".
	MaxItems int
	// Location for dates and times; nil means models.DefaultLocation().
	Location *time.Location
	// OfficerName is the addressee's name in the greeting ("" leaves it out).
	OfficerName string
	// ShowApplicant shows "Chủ hồ sơ: …" under each item of an officer's
	// own digest: set it only for the handling officer's private chat.
	// Escalations and the secretariat's notes never show applicants.
	ShowApplicant bool
	// Day is the date in the greeting of RenderSecretariat (a Digest and an
	// Escalation carry their own); NoDate leaves the date out.
	Day models.Date
}

// DefaultMaxLen is used when RenderOptions.MaxLen is 0 (Telegram's limit).
const DefaultMaxLen = 4096

func (o *RenderOptions) maxLen() int {
	if o.MaxLen <= 0 {
		return DefaultMaxLen
	}
	return o.MaxLen
}

func (o *RenderOptions) loc() *time.Location {
	if o.Location == nil {
		return models.DefaultLocation()
	}
	return o.Location
}

// u16len returns the length of s in UTF-16 code units.
func u16len(s string) int {
	n := 0
	for _, r := range s {
		if r > 0xFFFF {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// writer renders lines in one format, escaping values for HTML.
type writer struct {
	html bool
	loc  *time.Location
	sb   strings.Builder
	line strings.Builder
}

func newWriter(opt *RenderOptions) *writer {
	return &writer{html: opt.Format == notify.FormatHTML, loc: opt.loc()}
}

// text appends literal text (never user data) to the current line.
func (w *writer) text(s string) { w.line.WriteString(s) }

// val appends a value, escaped for HTML.
func (w *writer) val(s string) {
	if w.html {
		w.line.WriteString(html.EscapeString(s))
	} else {
		w.line.WriteString(s)
	}
}

// bold appends a value in bold (HTML) or as is (plain).
func (w *writer) bold(s string) {
	if w.html {
		w.line.WriteString("<b>")
		w.line.WriteString(html.EscapeString(s))
		w.line.WriteString("</b>")
	} else {
		w.line.WriteString(s)
	}
}

// code appends a dossier code: monospace on Telegram (tap to copy).
func (w *writer) code(s string) {
	if w.html {
		w.line.WriteString("<code>")
		w.line.WriteString(html.EscapeString(s))
		w.line.WriteString("</code>")
	} else {
		w.line.WriteString(s)
	}
}

// take returns the current line and starts a new one.
func (w *writer) take() string {
	s := w.line.String()
	w.line.Reset()
	return s
}

// weekdays are the Vietnamese day names, Sunday first.
var weekdays = [...]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}

// WeekdayVN returns the Vietnamese name of d's weekday ("thứ Sáu").
func WeekdayVN(d models.Date) string { return weekdays[d.Weekday()] }

// dueVN formats a due instant: dd/MM/yyyy, with HH:mm before it when it is
// not the end of the day (a due date given without a time).
func dueVN(t time.Time, loc *time.Location) string {
	lt := t.In(loc)
	day := models.DateOf(lt, loc).VN()
	if lt.Hour() == 23 && lt.Minute() == 59 {
		return day
	}
	return lt.Format("15:04") + " " + day
}

// clip cuts s to at most max UTF-16 units at a line break when it can,
// else at a rune boundary without leaving half an HTML entity. Lines are
// rendered self-contained (every tag closed on its line), so a cut at a
// line break keeps the markup valid.
func clip(s string, max int, isHTML bool) string {
	if u16len(s) <= max {
		return s
	}
	n, cut, lastNL := 0, 0, -1
	for i, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if n+w > max {
			break
		}
		n += w
		cut = i + utf8.RuneLen(r)
		if r == '\n' {
			lastNL = i
		}
	}
	if lastNL > 0 {
		return strings.TrimRight(s[:lastNL], "\n")
	}
	out := s[:cut]
	if isHTML {
		// Drop a partial tag or entity and any tag left open.
		if i := strings.LastIndexAny(out, "<&"); i >= 0 && !strings.ContainsAny(out[i:], ">;") {
			out = out[:i]
		}
		out = stripTags(out)
	}
	return out
}

// stripTags removes every tag from a (short, last-resort) HTML fragment.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lister lays out a header, then blocks (a block is one or more lines that
// stay together), then a tail saying how many were left out, within a
// length limit and an item limit.
type lister struct {
	max, maxItems int
	out           strings.Builder
	n             int // UTF-16 units written
	shown         int
	full          bool
}

// add appends a block if it fits with room kept for a tail of reserve
// units; once a block does not fit, nothing more is added.
func (l *lister) add(block string, reserve int, item bool) bool {
	if l.full {
		return false
	}
	if item && l.maxItems > 0 && l.shown >= l.maxItems {
		l.full = true
		return false
	}
	sep := 0
	if l.out.Len() > 0 {
		sep = 1
	}
	w := u16len(block)
	if l.n+sep+w+reserve > l.max {
		l.full = true
		return false
	}
	if sep == 1 {
		l.out.WriteByte('\n')
	}
	l.out.WriteString(block)
	l.n += sep + w
	if item {
		l.shown++
	}
	return true
}

// tail appends the closing line when it fits.
func (l *lister) tail(s string) {
	if s == "" {
		return
	}
	if l.out.Len() > 0 {
		if l.n+2+u16len(s) > l.max {
			return
		}
		l.out.WriteString("\n\n")
		l.n += 2
	}
	l.out.WriteString(s)
	l.n += u16len(s)
}

// moreLine is "… và N hồ sơ khác — gõ /cmd".
func moreLine(n int, cmd string) string {
	return "… và " + strconv.Itoa(n) + " hồ sơ khác — gõ " + cmd
}

// greeting is "Chào anh/chị <name>, hôm nay thứ Sáu 27/11/2026".
func greeting(w *writer, name string, day models.Date) {
	w.text("Chào anh/chị")
	if name = strings.TrimSpace(name); name != "" {
		w.text(" ")
		w.val(name)
	}
	if day != models.NoDate {
		w.text(", hôm nay ")
		w.text(WeekdayVN(day))
		w.text(" ")
		w.text(day.VN())
	}
}
