package digest

import (
	"html"
	"strconv"
	"strings"
	"sync"
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
	// TetWarning, in RenderSecretariat only, says that next year's Tết is
	// not official yet (see models.NextTetWarning); nil: nothing to say.
	TetWarning *models.TetWarning
	// ZNS, in RenderSecretariat only, is last month's count and estimated
	// cost of ZNS template messages; nil: nothing to say.
	ZNS *ZNSMonth
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
func u16len[T string | []byte](s T) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x80 || c >= 0xC0 && c < 0xF0:
			n++ // ASCII, or the lead byte of a 2- or 3-byte sequence
		case c >= 0xF0:
			n += 2 // 4-byte sequence: a surrogate pair
		}
	}
	return n
}

// writer renders text into one reused buffer, escaping values for HTML.
type writer struct {
	html bool
	loc  *time.Location
	buf  []byte
	mark int // start of the text take returns
}

var writers = sync.Pool{New: func() any { return &writer{buf: make([]byte, 0, 8192)} }}

func newWriter(opt *RenderOptions) *writer {
	w := writers.Get().(*writer)
	w.html, w.loc, w.buf, w.mark = opt.Format == notify.FormatHTML, opt.loc(), w.buf[:0], 0
	return w
}

// done returns the whole text and gives the buffer back.
func (w *writer) done() string {
	s := string(w.buf)
	if cap(w.buf) <= 1<<16 {
		writers.Put(w)
	}
	return s
}

// text appends literal text (never user data).
func (w *writer) text(s string) { w.buf = append(w.buf, s...) }

// int appends a number.
func (w *writer) int(n int) { w.buf = strconv.AppendInt(w.buf, int64(n), 10) }

// val appends a value, escaped with html.EscapeString for HTML.
func (w *writer) val(s string) {
	if w.html && needsEscape(s) {
		s = html.EscapeString(s)
	}
	w.buf = append(w.buf, s...)
}

// needsEscape reports whether html.EscapeString would change s.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<', '>', '&', '\'', '"':
			return true
		}
	}
	return false
}

// bold appends a value in bold (HTML) or as is (plain).
func (w *writer) bold(s string) { w.tagged("<b>", s, "</b>") }

// code appends a dossier code: monospace on Telegram (tap to copy).
func (w *writer) code(s string) { w.tagged("<code>", s, "</code>") }

// tagged appends a value between an HTML opening and closing tag (HTML),
// or as is (plain).
func (w *writer) tagged(open, s, close string) {
	if w.html {
		w.text(open)
	}
	w.val(s)
	if w.html {
		w.text(close)
	}
}

// date appends dd/MM/yyyy.
func (w *writer) date(d models.Date) {
	y, m, dd := d.YMD()
	w.buf = append(w.buf, byte('0'+dd/10), byte('0'+dd%10), '/', byte('0'+int(m)/10), byte('0'+int(m)%10), '/')
	w.buf = strconv.AppendInt(w.buf, int64(y), 10)
}

// due appends a due instant: dd/MM/yyyy, with HH:mm before it when it is
// not the end of the day (a due date given without a time).
func (w *writer) due(t time.Time) {
	lt := t.In(w.loc)
	y, m, d := lt.Date()
	if h, mi := lt.Hour(), lt.Minute(); h != 23 || mi != 59 {
		w.buf = append(w.buf, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ' ')
	}
	w.date(models.NewDate(y, m, d))
}

// take returns the text written since the last take.
func (w *writer) take() string {
	s := string(w.buf[w.mark:])
	w.mark = len(w.buf)
	return s
}

// weekdays are the Vietnamese day names, Sunday first.
var weekdays = [...]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}

// WeekdayVN returns the Vietnamese name of d's weekday ("thứ Sáu").
func WeekdayVN(d models.Date) string { return weekdays[d.Weekday()] }

// dueVN formats a due instant: dd/MM/yyyy, with HH:mm before it when it is
// not the end of the day (a due date given without a time).
func dueVN(t time.Time, loc *time.Location) string {
	w := writer{loc: loc}
	w.due(t)
	return string(w.buf)
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

// lister lays out blocks (one or more lines that stay together) in a
// writer's buffer within a length limit and an item limit, and can take
// items back to make room for a closing line.
// beginList starts a message rendered with opt: its writer, and a lister
// bounded by opt's MaxLen and MaxItems with its first block open.
func beginList(opt *RenderOptions) (*writer, lister) {
	w := newWriter(opt)
	l := lister{w: w, max: opt.maxLen(), maxItems: opt.MaxItems}
	l.begin()
	return w, l
}

type lister struct {
	w             *writer
	max, maxItems int
	reserve       int // units kept free for what comes after the items
	n             int // UTF-16 units written
	shown         int
	full          bool
	start         int   // offset of the open block
	marks         []int // per item shown: offset and units before it
}

// begin opens a block: a line break before it unless it is the first.
func (l *lister) begin() {
	l.start = len(l.w.buf)
	if l.start > 0 {
		l.w.buf = append(l.w.buf, '\n')
	}
}

// commit keeps the block written since begin when it fits (with room for
// l.reserve), else removes it and marks the list full.
func (l *lister) commit(item bool) bool {
	u := u16len(l.w.buf[l.start:])
	if l.full || l.n+u+l.reserve > l.max || item && l.maxItems > 0 && l.shown >= l.maxItems {
		l.w.buf = l.w.buf[:l.start]
		l.full = true
		return false
	}
	if item {
		l.marks = append(l.marks, l.start, l.n)
		l.shown++
	}
	l.n += u
	return true
}

// add writes a ready-made block.
func (l *lister) add(block string, item bool) bool {
	if l.full {
		return false
	}
	l.begin()
	l.w.text(block)
	return l.commit(item)
}

// tail closes the list with line(rest) after a blank line when items were
// left out (rest = total - shown), taking items back until it fits.
func (l *lister) tail(total int, line func(rest int) string) {
	for l.shown < total {
		t := line(total - l.shown)
		if l.n+2+u16len(t)+l.reserve <= l.max {
			l.w.text("\n\n")
			l.w.text(t)
			l.n += 2 + u16len(t)
			return
		}
		if len(l.marks) == 0 {
			return
		}
		k := len(l.marks) - 2
		l.w.buf, l.n = l.w.buf[:l.marks[k]], l.marks[k+1]
		l.marks = l.marks[:k]
		l.shown--
	}
}

// moreLine is "… và N hồ sơ khác — gõ /cmd".
func moreLine(n int, cmd string) string {
	return "… và " + strconv.Itoa(n) + " hồ sơ khác — gõ " + cmd
}

func moreDossiers(cmd string) func(int) string {
	return func(n int) string { return moreLine(n, cmd) }
}

// greeting is "Chào anh/chị <name>, hôm nay thứ Sáu 27/11/2026". Only a
// person is greeted by name: an account named after an office ("Văn phòng
// UBND", "Bộ phận một cửa") gets "Chào anh/chị" alone.
func greeting(w *writer, name string, day models.Date) {
	w.text("Chào anh/chị")
	if name = strings.TrimSpace(name); name != "" && !IsOrganisationName(name) {
		w.text(" ")
		w.val(name)
	}
	if day != models.NoDate {
		w.text(", hôm nay ")
		w.text(WeekdayVN(day))
		w.text(" ")
		w.date(day)
	}
}

// organisationPrefixes are folded words an office's name starts with.
// (Not "tổ", "bộ", "ban": Tô, Bồ, Bàn are surnames.)
var organisationPrefixes = []string{"van phong", "ubnd", "uy ban", "hdnd", "phong ", "bo phan", "trung tam", "so ",
	"ban quan ly", "chi cuc", "cuc ", "cong an", "tong cuc"}

// IsOrganisationName reports whether name is an office's rather than a
// person's ("Văn phòng UBND", "Bộ phận một cửa", "Phòng Tư pháp").
func IsOrganisationName(name string) bool {
	f := models.Fold(name) + " "
	for _, p := range organisationPrefixes {
		if strings.HasPrefix(f, p) {
			return true
		}
	}
	return false
}
