package report

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strings"
	"sync"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// PNGOptions size the chart.
type PNGOptions struct {
	Width int // pixels; 0 = DefaultPNGWidth
}

// DefaultPNGWidth suits a phone screen shared in a chat.
const DefaultPNGWidth = 1080

// fonts are DejaVu Sans, embedded: it has every Vietnamese letter.
var fonts struct {
	once          sync.Once
	regular, bold *opentype.Font
	err           error
}

func loadFonts() (*opentype.Font, *opentype.Font, error) {
	fonts.once.Do(func() {
		fonts.regular, fonts.err = opentype.Parse(dejavusans.TTF)
		if fonts.err == nil {
			fonts.bold, fonts.err = opentype.Parse(dejavusansbold.TTF)
		}
	})
	return fonts.regular, fonts.bold, fonts.err
}

// chartUnits returns the ranked units in chart order: each top-level peer
// group in rank order, the groups one after the other (a Sở is never drawn
// against a xã: the ranks start again at 1 in each group).
func chartUnits(r *Report) []UnitRow { return r.Ranked() }

// chartLabel is a bar's label: "2=. UBND xã Tân Lập".
func chartLabel(u UnitRow) string { return u.RankLabel() + ". " + u.Name }

// ChartLabels returns the unit labels RenderPNG draws, top to bottom
// (rank and unit name; a name wider than the chart is cut with "…" when drawn).
func ChartLabels(r *Report) []string {
	var out []string
	for _, u := range chartUnits(r) {
		out = append(out, chartLabel(u))
	}
	return out
}

var (
	colInk    = color.RGBA{0x1f, 0x29, 0x37, 0xff}
	colMuted  = color.RGBA{0x4b, 0x55, 0x63, 0xff}
	colGrid   = color.RGBA{0xd1, 0xd5, 0xdb, 0xff}
	colTrack  = color.RGBA{0xf1, 0xf5, 0xf9, 0xff}
	colGood   = color.RGBA{0x15, 0x80, 0x3d, 0xff}
	colFair   = color.RGBA{0xb4, 0x53, 0x09, 0xff}
	colPoor   = color.RGBA{0xb9, 0x1c, 0x1c, 0xff}
	colWhite  = color.RGBA{0xff, 0xff, 0xff, 0xff}
	colBorder = color.RGBA{0xe5, 0xe7, 0xeb, 0xff}
)

// rateColor is green from 90 %, amber from 70 %, red below.
func rateColor(rate float64) color.RGBA {
	switch {
	case rate >= 0.9:
		return colGood
	case rate >= 0.7:
		return colFair
	}
	return colPoor
}

// pngDrew sees every text RenderPNG draws (tests read the chart's words
// and figures through it).
var pngDrew = func(string) {}

// RenderPNG draws a horizontal bar chart of the ranked units by on-time
// rate, the 766 score written on each bar, with a title; each unit's name
// sits on its own line above its bar so long Vietnamese names stay whole.
func RenderPNG(w io.Writer, r *Report, opt PNGOptions) error {
	regular, bold, err := loadFonts()
	if err != nil {
		return fmt.Errorf("biểu đồ: phông chữ: %w", err)
	}
	width := opt.Width
	if width <= 0 {
		width = DefaultPNGWidth
	}
	if width < 320 {
		return fmt.Errorf("biểu đồ: chiều rộng %d px quá nhỏ (tối thiểu 320)", width)
	}
	s := float64(width) / 1080
	px := func(v float64) int { return int(v*s + 0.5) }
	face := func(f *opentype.Font, size float64) (font.Face, error) {
		return opentype.NewFace(f, &opentype.FaceOptions{Size: size * s, DPI: 72, Hinting: font.HintingFull})
	}
	titleFace, err := face(bold, 44)
	if err != nil {
		return err
	}
	subFace, _ := face(regular, 30)
	labelFace, _ := face(bold, 34)
	barFace, _ := face(bold, 32)
	smallFace, _ := face(regular, 26)

	units := chartUnits(r)
	margin := px(48)
	rowH := px(44 + 64 + 28)
	top := px(220)
	height := top + max(1, len(units))*rowH + px(110)
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.NewUniform(colWhite), image.Point{}, draw.Src)

	text := func(f font.Face, c color.Color, x, y int, s string) {
		pngDrew(s)
		d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, y)}
		d.DrawString(s)
	}
	measure := func(f font.Face, s string) int { return font.MeasureString(f, s).Round() }
	fit := func(f font.Face, s string, maxW int) string {
		if measure(f, s) <= maxW {
			return s
		}
		rs := []rune(s)
		for len(rs) > 0 && measure(f, string(rs)+"…") > maxW {
			rs = rs[:len(rs)-1]
		}
		return string(rs) + "…"
	}
	rect := func(x0, y0, x1, y1 int, c color.Color) {
		draw.Draw(img, image.Rect(x0, y0, x1, y1), image.NewUniform(c), image.Point{}, draw.Src)
	}

	inner := width - 2*margin
	text(titleFace, colInk, margin, px(80), fit(titleFace, "Tỷ lệ giải quyết hồ sơ đúng hạn", inner))
	sub := r.MonthTitle()
	if note := r.ProvisionalNote(); note != "" {
		sub += " (" + note + ")"
	}
	if r.Issuer != "" {
		sub += " · " + r.Issuer
	}
	text(subFace, colMuted, margin, px(130), fit(subFace, sub, inner))
	text(smallFace, colMuted, margin, px(176), fit(smallFace, "Trên mỗi cột: tỷ lệ đúng hạn · điểm 766 (thang 20)", inner))
	rect(margin, px(196), width-margin, px(198), colBorder)

	// Grid lines at 0, 25, 50, 75 and 100 %.
	chartTop, chartBottom := top, top+max(1, len(units))*rowH
	for i := 0; i <= 4; i++ {
		x := margin + inner*i/4
		rect(x, chartTop, x+max(1, px(2)), chartBottom, colGrid)
		lbl := fmt.Sprintf("%d%%", 25*i)
		lx := x - measure(smallFace, lbl)/2
		lx = min(max(lx, margin), width-margin-measure(smallFace, lbl))
		text(smallFace, colMuted, lx, chartBottom+px(40), lbl)
	}
	if len(units) == 0 {
		msg := "Không có số liệu đơn vị."
		if r.NoData() {
			msg = fmt.Sprintf("Tháng %02d/%04d %s.", int(r.Month), r.Year, NoData)
		}
		text(labelFace, colMuted, margin, top+px(70), msg)
	}
	for i, u := range units {
		y := top + i*rowH
		text(labelFace, colInk, margin, y+px(40), fit(labelFace, chartLabel(u), inner))
		barY0, barY1 := y+px(56), y+px(56+64)
		rect(margin, barY0, width-margin, barY1, colTrack)
		rate, _ := u.Counts.OnTimeRateOK()
		barW := int(float64(inner) * rate)
		rect(margin, barY0, margin+barW, barY1, rateColor(rate))
		val := fmtRateOK(u.Counts.OnTimeRateOK()) + " · 766: " + fmtScoreOK(u.Counts.Score766OK())
		if a := u.ScoreTrend().Arrow(); a != "" {
			val += " " + a
		}
		tw := measure(barFace, val)
		ty := barY0 + (barY1-barY0)/2 + px(12)
		if barW >= tw+px(32) {
			text(barFace, colWhite, margin+barW-tw-px(16), ty, val)
		} else {
			text(barFace, colInk, margin+barW+px(16), ty, val)
		}
	}
	foot := "Nguồn: dondoc · " + strings.TrimSpace(r.DateLine())
	text(smallFace, colMuted, margin, height-px(24), fit(smallFace, foot, inner))
	return png.Encode(w, img)
}
