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
	Provisional, NoData                                          string // the notes: "tạm tính đến …", "chưa có dữ liệu"
	DocNumber, ScoreLabel, RateLabel                             string
	Total                                                        map[string]string
	Units, Officers                                              htmlTable
	Unassigned, UnassignedLabel, TieBreak                        string
	Bars                                                         []htmlBar
	ChartHeight                                                  int
}

// The page's columns: the figures a reader looks for first come first.
var (
	htmlUnitHeaders = []string{"Hạng", "Xếp hạng trong", "Đơn vị", colScore, colRate, "Quá hạn", "Hồ sơ trong kỳ",
		"Tiếp nhận mới", "Trước hạn", "Đúng hạn", colLate, colLateApology, colLateOnSystem, "Đang giải quyết trong hạn",
		"Đang giải quyết quá hạn", "Tạm dừng", "Mã đơn vị"}
	htmlOfficerHeaders = []string{"STT", "Họ và tên", "Đơn vị", colLate, colLateApology, colLateOnSystem,
		colOverdueOpen, colHandlings, colRate}
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
		DateLine: r.DateLine(), Title: Title, Month: r.MonthTitle(), Provisional: r.ProvisionalNote(),
		DocNumber: DocNumberLine, ScoreLabel: colScore, RateLabel: colRate,
		Total: map[string]string{
			"score": fmtScoreOK(t.Score766OK()), "rate": fmtRateOK(t.OnTimeRateOK()), "received": fmtInt(t.Received),
			"inscope": fmtInt(t.InScope), "overdue": fmtInt(t.Overdue()), "finished": fmtInt(t.Finished()),
		},
		Unassigned: fmtInt(r.Unassigned), UnassignedLabel: UnassignedLabel, TieBreak: TieBreak,
		Units:    htmlTable{Headers: htmlUnitHeaders},
		Officers: htmlTable{Headers: htmlOfficerHeaders},
	}
	for _, u := range r.Units {
		c := u.Counts
		row := htmlRow{Top: u.Depth == 0, Cells: cells(htmlUnitHeaders, u.RankLabel(), u.Group, u.Name, fmtScoreOK(c.Score766OK()),
			fmtRateOK(c.OnTimeRateOK()), fmtInt(c.Overdue()), fmtInt(c.InScope), fmtInt(c.Received),
			fmtInt(c.FinishedEarly), fmtInt(c.FinishedOnTime), fmtInt(c.FinishedLate), fmtInt(c.FinishedLateApology),
			fmtInt(c.LateOnSystem), fmtInt(c.OpenInTime), fmtInt(c.OpenOverdue), fmtInt(c.Paused), u.Code)}
		row.Cells[1].Class = "left"
		row.Cells[2].Name, row.Cells[2].Indent = true, u.Depth
		row.Cells[3].Trend = u.ScoreTrend().Arrow()
		row.Cells[4].Trend = u.RateTrend().Arrow()
		if rate, ok := c.OnTimeRateOK(); ok {
			row.Cells[4].Class = rateClass(rate)
		}
		v.Units.Rows = append(v.Units.Rows, row)
	}
	for i, o := range r.Officers {
		// The public page: no system account names (no officer codes).
		row := htmlRow{Cells: cells(htmlOfficerHeaders, fmt.Sprint(i+1), o.PublicName(), o.UnitName, fmtInt(o.Late),
			fmtInt(o.LateApology), fmtInt(o.LateOnSystem), fmtInt(o.OverdueOpen), fmtInt(o.Handled),
			fmtRateOK(o.OnTimeRateOK()))}
		row.Cells[1].Name, row.Cells[2].Class = true, "left"
		v.Officers.Rows = append(v.Officers.Rows, row)
	}
	const rowH = 64
	if r.NoData() {
		v.NoData = fmt.Sprintf("Tháng %02d/%04d %s.", int(r.Month), r.Year, NoData)
	}
	for i, u := range chartUnits(r) {
		rate, _ := u.Counts.OnTimeRateOK()
		b := htmlBar{
			Name: chartLabel(u), Value: strings.TrimSpace(fmtRateOK(u.Counts.OnTimeRateOK()) + " · 766: " + fmtScoreOK(u.Counts.Score766OK()) + " " + u.ScoreTrend().Arrow()),
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
