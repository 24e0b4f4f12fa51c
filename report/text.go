package report

import (
	"fmt"
	"html"
	"io"
	"strings"
	"unicode/utf16"

	"github.com/dondoc/dondoc/models"
)

// TextOptions choose the chat rendering.
type TextOptions struct {
	HTML   bool // Telegram HTML (<b>, escaped values); else plain text (Zalo)
	MaxLen int  // TextChunks: the longest message, in UTF-16 units (Telegram 4096, Zalo 2000); 0 = no limit
}

// RenderText writes the report for a chat as one text: per-unit lines, not
// tables. Use TextChunks to send it in messages of at most opt.MaxLen.
func RenderText(w io.Writer, r *Report, opt TextOptions) error {
	_, err := io.WriteString(w, strings.Join(textLines(r, opt), "\n")+"\n")
	return err
}

// TextChunks splits the chat text into messages of at most opt.MaxLen
// UTF-16 units, only at line boundaries (a line longer than MaxLen on its
// own, which the report does not produce at 2000, is cut at a rune).
// Every HTML tag opens and closes on one line, so each chunk is valid.
func TextChunks(r *Report, opt TextOptions) []string {
	lines := textLines(r, opt)
	if opt.MaxLen <= 0 {
		return []string{strings.Join(lines, "\n")}
	}
	var chunks []string
	var cur []string
	size := 0
	flush := func() {
		// A chunk never starts or ends with blank lines.
		for len(cur) > 0 && cur[len(cur)-1] == "" {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			chunks = append(chunks, strings.Join(cur, "\n"))
		}
		cur, size = nil, 0
	}
	for _, line := range lines {
		for _, part := range cutLine(line, opt.MaxLen) {
			n := u16len(part)
			if len(cur) > 0 && size+1+n > opt.MaxLen {
				flush()
			}
			if len(cur) == 0 && part == "" {
				continue
			}
			if len(cur) > 0 {
				size++
			}
			cur = append(cur, part)
			size += n
		}
	}
	flush()
	return chunks
}

func u16len(s string) int { return len(utf16.Encode([]rune(s))) }

// cutLine cuts a line longer than max at rune boundaries.
func cutLine(s string, max int) []string {
	if u16len(s) <= max {
		return []string{s}
	}
	var out []string
	var b strings.Builder
	n := 0
	for _, r := range s {
		k := len(utf16.Encode([]rune{r}))
		if n+k > max {
			out = append(out, b.String())
			b.Reset()
			n = 0
		}
		b.WriteRune(r)
		n += k
	}
	return append(out, b.String())
}

// textLines renders the report as chat lines.
func textLines(r *Report, opt TextOptions) []string {
	esc := func(s string) string { return s }
	bold := func(s string) string { return s }
	if opt.HTML {
		esc = html.EscapeString
		bold = func(s string) string { return "<b>" + s + "</b>" }
	}
	var out []string
	add := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }

	add("%s", bold(esc(fmt.Sprintf("KẾT QUẢ GIẢI QUYẾT HỒ SƠ TTHC — tháng %02d/%04d", int(r.Month), r.Year))))
	if r.Issuer != "" {
		add("%s", esc(r.Issuer))
	}
	if note := r.ProvisionalNote(); note != "" {
		add("%s", esc("("+note+")"))
	}
	if r.NoData() {
		add("")
		add("%s", esc(fmt.Sprintf("Tháng %02d/%04d %s: không có hồ sơ nào trong kỳ.", int(r.Month), r.Year, NoData)))
		return out
	}
	if len(r.Units) > 0 {
		t := r.Total()
		add("%s", esc(fmt.Sprintf("Toàn đơn vị: điểm %s/20 · %s %s · tiếp nhận %s · đã giải quyết %s · quá hạn %s",
			fmtScoreOK(t.Score766OK()), models.LabelEarlyOnTime, fmtRateOK(t.OnTimeRateOK()), fmtInt(t.Received), fmtInt(t.Finished()), fmtInt(t.Overdue()))))
	}

	groups := r.TopGroups()
	ranked := 0
	for _, g := range groups {
		if g.Ranked() == 0 || (len(g.Rows) == 1 && g.Rows[0].Code == r.Scope) {
			continue // a unit with no sub-units is not ranked against itself
		}
		ranked += g.Ranked()
		add("")
		add("%s", bold(esc(fmt.Sprintf("Xếp hạng %s theo "+models.LabelScore766+", thang 20:", g.Label))))
		for _, u := range g.Rows {
			if u.Rank > 0 {
				add("%s", esc(UnitLine(u)))
			}
		}
	}
	if ranked == 0 {
		add("")
		add("%s", bold(esc("Xếp hạng đơn vị theo "+models.LabelScore766+", thang 20:")))
		add("%s", esc("Không có đơn vị nào."))
	} else {
		add("%s", esc(TieBreak))
		arrows := false
		for _, u := range r.Ranked() {
			arrows = arrows || u.ScoreTrend() != Same || u.RateTrend() != Same
		}
		if arrows {
			add("%s", esc(TrendLegend))
		}
		if un := r.Unranked(); len(un) > 0 {
			names := make([]string, len(un))
			for i, u := range un {
				names[i] = u.Name
			}
			add("%s", esc(fmt.Sprintf("Không xếp hạng (%s): %s.", NoDossiers, strings.Join(names, ", "))))
		}
	}

	add("")
	add("%s", bold(esc(fmt.Sprintf("Cán bộ có hồ sơ chậm, muộn (%d):", len(r.Officers)))))
	if len(r.Officers) == 0 {
		add("%s", esc("Không có cán bộ nào có hồ sơ chậm, muộn."))
	}
	for i, o := range r.Officers {
		add("%s", esc(fmt.Sprintf("%d. %s", i+1, OfficerLine(o))))
	}
	if r.Unassigned > 0 {
		add("")
		add("%s", esc(fmt.Sprintf("Hồ sơ chưa phân công cán bộ xử lý: %s", fmtInt(r.Unassigned))))
	}
	return out
}

// TrendLegend explains the arrows (one per figure: the score, the rate).
const TrendLegend = "▲ tăng, ▼ giảm so với tháng trước."

// UnitLine is a unit's chat line, e.g.
// "1. UBND xã Tân Lập — 766: 18,6/20 ▲ · đúng hạn 93,0% ▼ · quá hạn 3"
// ("2=. …" for a tie).
func UnitLine(u UnitRow) string {
	score := "điểm " + fmtScoreOK(u.Counts.Score766OK()) + "/20"
	if a := u.ScoreTrend().Arrow(); a != "" {
		score += " " + a
	}
	rate := models.LabelEarlyOnTime + " " + fmtRateOK(u.Counts.OnTimeRateOK())
	if a := u.RateTrend().Arrow(); a != "" {
		rate += " " + a
	}
	line := fmt.Sprintf("%s. %s — %s · %s · quá hạn %s", u.RankLabel(), u.Name, score, rate, fmtInt(u.Counts.Overdue()))
	if n := u.Counts.FinishedLateApology; n > 0 {
		line += " (đã xin lỗi " + fmtInt(n) + ")"
	}
	if n := u.Counts.SecondExtension; n > 0 {
		line += " · gia hạn lần 2: " + fmtInt(n)
	}
	return line
}

// OfficerLine is a slow officer's chat line without its number.
func OfficerLine(o OfficerRow) string {
	name := o.Name
	if o.UnitName != "" {
		name += " (" + o.UnitName + ")"
	}
	late := models.LabelLate + " " + fmtInt(o.Late)
	if o.LateApology > 0 {
		late += " · " + models.LabelLateApology + " " + fmtInt(o.LateApology)
	}
	return fmt.Sprintf("%s — %s · %s %s · %s %s · %s %s", name, late,
		models.LabelLateOnSystem, fmtInt(o.LateOnSystem), models.LabelOverdueOpen, fmtInt(o.OverdueOpen),
		models.LabelHandlings, fmtInt(o.Handled))
}
