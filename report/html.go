package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

// htmlCell is one table cell; Label heads its column (and labels the cell
// when a narrow screen shows rows as cards).
type htmlCell struct {
	Label, Text, Class string
	Trend              string // "▲", "▼" or ""
	Indent             int    // name cells: the unit's depth
	Name               bool
}

type htmlRow struct {
	Top   bool
	Cells []htmlCell
}

type htmlTable struct {
	Headers []string
	Rows    []htmlRow
}

type htmlBar struct {
	Name, Value    string
	Y, TextY, BarY int
	Width          float64 // 0–100, % of the track
	Color          string
	ValueInside    bool
	ValueX         float64 // % of the chart width
}

type htmlView struct {
	Issuer, IssuerUpper, National, Motto, DateLine, Title, Month string
	Total                                                        map[string]string
	Units, Officers                                              htmlTable
	Unassigned, UnassignedLabel, TieBreak                        string
	Bars                                                         []htmlBar
	ChartHeight                                                  int
}

// The page's columns: the figures a reader looks for first come first.
var (
	htmlUnitHeaders = []string{"Hạng", "Xếp hạng trong", "Đơn vị", "Điểm 766", "Tỷ lệ đúng hạn", "Quá hạn", "Hồ sơ trong kỳ",
		"Tiếp nhận mới", "Trước hạn", "Đúng hạn", "Trễ hạn", "Trễ trên hệ thống", "Đang giải quyết trong hạn",
		"Đang giải quyết quá hạn", "Tạm dừng", "Mã đơn vị"}
	htmlOfficerHeaders = []string{"STT", "Họ và tên", "Đơn vị", "Trễ hạn", "Trễ trên hệ thống",
		"Quá hạn chưa giải quyết xong", "Hồ sơ xử lý", "Tỷ lệ đúng hạn", "Mã cán bộ"}
)

func cells(headers []string, texts ...string) []htmlCell {
	out := make([]htmlCell, len(texts))
	for i, t := range texts {
		out[i] = htmlCell{Label: headers[i], Text: t}
	}
	return out
}

func hexColor(rate float64) string {
	c := rateColor(rate)
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

func rateClass(rate float64) string {
	switch {
	case rate >= 0.9:
		return "good"
	case rate >= 0.7:
		return "fair"
	}
	return "poor"
}

// RenderHTML writes one self-contained page (inline CSS, the chart as
// inline SVG, no external assets) with the units and officers tables,
// readable on a phone: tables scroll inside their own box, the page never
// overflows horizontally. Every value is escaped by html/template.
func RenderHTML(w io.Writer, r *Report) error {
	t := r.Total()
	v := htmlView{
		Issuer: r.Issuer, IssuerUpper: strings.ToUpper(r.Issuer), National: NationalTitle, Motto: NationalMotto,
		DateLine: r.DateLine(), Title: Title, Month: r.MonthTitle(),
		Total: map[string]string{
			"score": fmtScore(t.Score766()), "rate": fmtRate(t.OnTimeRate()), "received": fmtInt(t.Received),
			"inscope": fmtInt(t.InScope), "overdue": fmtInt(t.Overdue()), "finished": fmtInt(t.Finished()),
		},
		Unassigned: fmtInt(r.Unassigned), UnassignedLabel: UnassignedLabel, TieBreak: TieBreak,
		Units:    htmlTable{Headers: htmlUnitHeaders},
		Officers: htmlTable{Headers: htmlOfficerHeaders},
	}
	for _, u := range r.Units {
		c := u.Counts
		row := htmlRow{Top: u.Depth == 0, Cells: cells(htmlUnitHeaders, u.RankLabel(), u.Group, u.Name, fmtScore(c.Score766()),
			fmtRate(c.OnTimeRate()), fmtInt(c.Overdue()), fmtInt(c.InScope), fmtInt(c.Received),
			fmtInt(c.FinishedEarly), fmtInt(c.FinishedOnTime), fmtInt(c.FinishedLate), fmtInt(c.LateOnSystem),
			fmtInt(c.OpenInTime), fmtInt(c.OpenOverdue), fmtInt(c.Paused), u.Code)}
		row.Cells[1].Class = "left"
		row.Cells[2].Name = true
		row.Cells[3].Trend = u.ScoreTrend().Arrow()
		row.Cells[4].Trend, row.Cells[4].Class = u.RateTrend().Arrow(), rateClass(c.OnTimeRate())
		v.Units.Rows = append(v.Units.Rows, row)
	}
	for i, o := range r.Officers {
		row := htmlRow{Cells: cells(htmlOfficerHeaders, fmt.Sprint(i+1), o.Name, o.UnitName, fmtInt(o.Late),
			fmtInt(o.LateOnSystem), fmtInt(o.OverdueOpen), fmtInt(o.Handled), fmtRate(o.OnTimeRate()), o.Code)}
		row.Cells[1].Name, row.Cells[2].Class = true, "left"
		v.Officers.Rows = append(v.Officers.Rows, row)
	}
	const rowH = 64
	for i, u := range chartUnits(r) {
		rate := u.Counts.OnTimeRate()
		b := htmlBar{
			Name: chartLabel(u), Value: strings.TrimSpace(fmtRate(rate) + " · 766: " + fmtScore(u.Counts.Score766()) + " " + u.ScoreTrend().Arrow()),
			Y: i * rowH, TextY: i*rowH + 18, BarY: i*rowH + 26, Width: rate * 100, Color: hexColor(rate),
			ValueInside: rate >= 0.55,
		}
		if b.ValueInside {
			b.ValueX = b.Width - 1
		} else {
			b.ValueX = b.Width + 1
		}
		v.Bars = append(v.Bars, b)
	}
	v.ChartHeight = max(1, len(v.Bars)) * rowH
	return htmlTemplate.Execute(w, v)
}
