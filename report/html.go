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

type htmlUnit struct {
	Rank, Code, Name, Parent           string
	Indent                             int // em
	Top                                bool
	InScope, Received, Early, OnTime   string
	Late, LateOnSystem, OpenIn, OpenOv string
	Paused, Rate, Score                string
	RateTrend, ScoreTrend              string
	RateClass                          string
}

type htmlOfficer struct {
	N, Code, Name, Unit                  string
	Handled, Late, LateOnSystem, Overdue string
	Rate                                 string
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
	Units                                                        []htmlUnit
	Officers                                                     []htmlOfficer
	Unassigned, UnassignedLabel                                  string
	Bars                                                         []htmlBar
	ChartHeight                                                  int
	UnitHeaders, OfficerHeaders                                  []string
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
		Unassigned: fmtInt(r.Unassigned), UnassignedLabel: UnassignedLabel,
		UnitHeaders: UnitHeaders, OfficerHeaders: OfficerHeaders,
	}
	for _, u := range r.Units {
		c := u.Counts
		rank := ""
		if u.Rank > 0 {
			rank = fmt.Sprint(u.Rank)
		}
		v.Units = append(v.Units, htmlUnit{
			Rank: rank, Code: u.Code, Name: u.Name, Parent: u.Parent, Indent: u.Depth, Top: u.Depth == 0,
			InScope: fmtInt(c.InScope), Received: fmtInt(c.Received), Early: fmtInt(c.FinishedEarly),
			OnTime: fmtInt(c.FinishedOnTime), Late: fmtInt(c.FinishedLate), LateOnSystem: fmtInt(c.LateOnSystem),
			OpenIn: fmtInt(c.OpenInTime), OpenOv: fmtInt(c.OpenOverdue), Paused: fmtInt(c.Paused),
			Rate: fmtRate(c.OnTimeRate()), Score: fmtScore(c.Score766()),
			RateTrend: u.RateTrend().Arrow(), ScoreTrend: u.ScoreTrend().Arrow(),
			RateClass: rateClass(c.OnTimeRate()),
		})
	}
	for i, o := range r.Officers {
		v.Officers = append(v.Officers, htmlOfficer{
			N: fmt.Sprint(i + 1), Code: o.Code, Name: o.Name, Unit: o.UnitName, Handled: fmtInt(o.Handled),
			Late: fmtInt(o.Late), LateOnSystem: fmtInt(o.LateOnSystem), Overdue: fmtInt(o.OverdueOpen),
			Rate: fmtRate(o.OnTimeRate()),
		})
	}
	const rowH = 64
	for i, u := range chartUnits(r) {
		rate := u.Counts.OnTimeRate()
		b := htmlBar{
			Name: u.Name, Value: fmtRate(rate) + " · 766: " + fmtScore(u.Counts.Score766()),
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
