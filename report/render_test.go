package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dondoc/dondoc/models"
	"golang.org/x/image/font/sfnt"
)

func render(t *testing.T, f func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	r := fixtureNulls(t)
	goldenFile(t, "text_plain.golden", render(t, func(b *bytes.Buffer) error { return RenderText(b, r, TextOptions{}) }))
	goldenFile(t, "text_html.golden", render(t, func(b *bytes.Buffer) error { return RenderText(b, r, TextOptions{HTML: true}) }))
	goldenFile(t, "report.csv.golden", render(t, func(b *bytes.Buffer) error { return RenderCSV(b, r) }))
	goldenFile(t, "report.json.golden", render(t, func(b *bytes.Buffer) error { return RenderJSON(b, r) }))
}

func TestTextLineFormat(t *testing.T) {
	r := fixture(t)
	text := string(render(t, func(b *bytes.Buffer) error { return RenderText(b, r, TextOptions{}) }))
	for _, want := range []string{
		"Xếp hạng các xã theo Điểm tiến độ giải quyết (Bộ chỉ số 766), thang 20:\n1. UBND xã Tân Lập — điểm 18,40/20 ▲ · trước và đúng hạn 93,02% ▲ · quá hạn 3",
		"2. UBND xã Tú Lý — điểm 16,00/20 ▼ · trước và đúng hạn 85,71% ▼ · quá hạn 7",
		"3. UBND xã Hiền Lương — điểm 16,00/20",
		"Xếp hạng các phòng, ban, trung tâm theo Điểm tiến độ giải quyết (Bộ chỉ số 766), thang 20:\n1. Phòng Tư pháp — điểm 20,00/20 · trước và đúng hạn 100,00% · quá hạn 0",
		TieBreak,
		"▲ tăng, ▼ giảm so với tháng trước.",
		"Trần Thị Bình (UBND xã Tú Lý) — giải quyết quá hạn 3 · quá hạn trên Hệ thống 1 · đang quá hạn 2 · lượt xử lý 15",
		"Hồ sơ chưa phân công cán bộ xử lý: 4",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	html := string(render(t, func(b *bytes.Buffer) error { return RenderText(b, r, TextOptions{HTML: true}) }))
	if !strings.Contains(html, "Phòng Tài nguyên &amp; Môi trường") || strings.Contains(html, "nguyên & Môi") {
		t.Errorf("HTML text does not escape values:\n%s", html)
	}
	if strings.Contains(text, "&amp;") {
		t.Error("plain text must not be escaped")
	}
}

// bigReport has many units with long names, for chunking.
func bigReport(t *testing.T, n int) *Report {
	in := Input{Year: 2026, Month: 10, Scope: "R", Units: []models.Unit{{Code: "R", Name: "UBND tỉnh <Thử> & nghiệm"}},
		Own: map[string]models.Counts{}, OfficerCounts: map[string]models.OfficerCounts{}}
	for i := range n {
		code := fmt.Sprintf("U%03d", i)
		in.Units = append(in.Units, models.Unit{Code: code, Name: fmt.Sprintf("UBND xã Nghĩa Đồng & Ẩm Thủy số %d", i), ParentCode: "R"})
		in.Own[code] = models.Counts{InScope: 100 + i, FinishedOnTime: 50, FinishedLate: i % 7, OnTime766: 90}
		oc := "CB" + code
		in.Officers = append(in.Officers, models.Officer{Code: oc, Name: "Nguyễn Thị Hồng <Nhung> " + code, UnitCode: code})
		in.OfficerCounts[oc] = models.OfficerCounts{Handled: 9, Late: 1 + i%3}
	}
	return mustBuild(t, in)
}

func TestTextChunks(t *testing.T) {
	r := bigReport(t, 120)
	for _, opt := range []TextOptions{{MaxLen: 4096}, {MaxLen: 2000}, {MaxLen: 4096, HTML: true}, {MaxLen: 2000, HTML: true}, {MaxLen: 300}} {
		t.Run(fmt.Sprintf("html=%v,max=%d", opt.HTML, opt.MaxLen), func(t *testing.T) {
			chunks := TextChunks(r, opt)
			if len(chunks) < 2 {
				t.Fatalf("expected several chunks, got %d", len(chunks))
			}
			var lines []string
			for i, c := range chunks {
				if n := u16len(c); n > opt.MaxLen {
					t.Errorf("chunk %d has %d units > %d", i, n, opt.MaxLen)
				}
				if strings.TrimSpace(c) == "" {
					t.Errorf("chunk %d is empty", i)
				}
				if opt.HTML && strings.Count(c, "<b>") != strings.Count(c, "</b>") {
					t.Errorf("chunk %d has unbalanced tags", i)
				}
				for _, l := range strings.Split(c, "\n") {
					if l != "" {
						lines = append(lines, l)
					}
				}
			}
			// Every line of the whole text is in some chunk, whole and in order.
			var want []string
			for _, l := range textLines(r, opt) {
				if l != "" {
					want = append(want, l)
				}
			}
			if !reflect.DeepEqual(lines, want) {
				t.Errorf("chunks split or lost lines: %d lines vs %d", len(lines), len(want))
			}
		})
	}
	if got := TextChunks(fixture(t), TextOptions{MaxLen: 4096}); len(got) != 1 {
		t.Errorf("the fixture fits one message, got %d", len(got))
	}
}

func TestCutLongLine(t *testing.T) {
	parts := cutLine(strings.Repeat("ạ", 25), 10)
	if len(parts) != 3 || parts[0] != strings.Repeat("ạ", 10) || !utf8.ValidString(parts[2]) {
		t.Errorf("cutLine = %q", parts)
	}
}

const eps = 1e-9

// near compares two numbers; NaN stands for "no value" (JSON null, an
// empty cell) and equals only NaN.
func near(a, b float64, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol
}

// value is v, or NaN when there is none.
func value(v float64, ok bool) float64 {
	if !ok {
		return math.NaN()
	}
	return v
}

// ptr is *p, or NaN for a JSON null.
func ptr(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// unitNumbers are the numbers every format must show for a unit (NaN: no
// value, shown as null, an empty cell or "—").
func unitNumbers(c models.Counts) []float64 {
	return []float64{float64(c.Received), float64(c.FinishedEarly), float64(c.FinishedOnTime), float64(c.FinishedLate),
		float64(c.FinishedLateApology), float64(c.LateOnSystem), float64(c.OpenInTime), float64(c.OpenOverdue),
		float64(c.Paused), value(c.OnTimeRateOK()), value(c.Score766OK())}
}

func officerNumbers(o models.OfficerCounts) []float64 {
	return []float64{float64(o.Handled), float64(o.Late), float64(o.LateApology), float64(o.LateOnSystem),
		float64(o.OverdueOpen), value(o.OnTimeRateOK())}
}

func checkNumbers(t *testing.T, format, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s %s: %d numbers, want %d", format, what, len(got), len(want))
		return
	}
	for i := range want {
		if !near(got[i], want[i], tol) {
			t.Errorf("%s %s: number %d = %v, want %v", format, what, i, got[i], want[i])
		}
	}
}

func TestFormatsShowTheSameNumbers(t *testing.T) {
	r := fixtureNulls(t)

	// JSON.
	var j JSONReport
	if err := json.Unmarshal(render(t, func(b *bytes.Buffer) error { return RenderJSON(b, r) }), &j); err != nil {
		t.Fatal(err)
	}
	if j.Month != "2026-10" || j.Unassigned != r.Unassigned || len(j.Units) != len(r.Units) || len(j.Officers) != len(r.Officers) {
		t.Fatalf("JSON header = %+v", j)
	}
	for i, u := range j.Units {
		checkNumbers(t, "JSON", u.Code, []float64{float64(u.Received), float64(u.FinishedEarly), float64(u.FinishedOnTime),
			float64(u.FinishedLate), float64(u.FinishedLateApology), float64(u.LateOnSystem), float64(u.OpenInTime),
			float64(u.OpenOverdue), float64(u.Paused), ptr(u.OnTimeRate), ptr(u.Score766)}, unitNumbers(r.Units[i].Counts), eps)
	}
	for i, o := range j.Officers {
		checkNumbers(t, "JSON", o.Code, []float64{float64(o.Handled), float64(o.Late), float64(o.LateApology),
			float64(o.LateOnSystem), float64(o.OverdueOpen), ptr(o.OnTimeRate)}, officerNumbers(r.Officers[i].OfficerCounts), eps)
	}

	// CSV: units from row 1, officers after the blank line; rates in %.
	raw := render(t, func(b *bytes.Buffer) error { return RenderCSV(b, r) })
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
		t.Fatal("CSV has no BOM")
	}
	cr := csv.NewReader(bytes.NewReader(raw[3:]))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	num := func(s string) float64 {
		if s == "" {
			return math.NaN()
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("CSV cell %q is not a number", s)
		}
		return f
	}
	for i, u := range r.Units {
		rec := recs[1+i]
		if rec[2] != u.Code || rec[0] != u.RankLabel() || rec[1] != u.Group {
			t.Fatalf("CSV row %d is %q, want %s", i+1, rec[:3], u.Code)
		}
		var got []float64
		for _, k := range []int{6, 7, 8, 9, 10, 11, 12, 13, 14} {
			got = append(got, num(rec[k]))
		}
		got = append(got, num(rec[15])/100, num(rec[16]))
		checkNumbers(t, "CSV", u.Code, got, unitNumbers(u.Counts), 0.005) // two decimals
	}
	off := 1 + len(r.Units) // encoding/csv skips the blank line
	if !reflect.DeepEqual(recs[off], OfficerHeaders) {
		t.Fatalf("CSV officers header = %q", recs[off])
	}
	for i, o := range r.Officers {
		rec := recs[off+1+i]
		got := []float64{num(rec[4]), num(rec[5]), num(rec[6]), num(rec[7]), num(rec[8]), num(rec[9]) / 100}
		checkNumbers(t, "CSV", o.Code, got, officerNumbers(o.OfficerCounts), 0.005)
	}
	if recs[len(recs)-1][0] != TieBreak {
		t.Errorf("CSV lacks the tie-break: %q", recs[len(recs)-1])
	}
	last := recs[len(recs)-2]
	if last[0] != UnassignedLabel || last[1] != "4" {
		t.Errorf("CSV unassigned = %q", last)
	}

	// XLSX.
	f := openXLSX(t, r)
	for i, u := range r.Units {
		row := XLSXHeaderRow + 1 + i
		if v, _ := f.GetCellValue(SheetUnits, cellName(3, row)); v != u.Code {
			t.Fatalf("XLSX row %d is %q, want %s", row, v, u.Code)
		}
		var got []float64
		for col := 7; col <= 17; col++ {
			got = append(got, xlsxNumber(t, f, SheetUnits, cellName(col, row)))
		}
		checkNumbers(t, "XLSX", u.Code, got, unitNumbers(u.Counts), eps)
	}
	for i, o := range r.Officers {
		row := XLSXHeaderRow + 1 + i
		var got []float64
		for col := 5; col <= 10; col++ {
			got = append(got, xlsxNumber(t, f, SheetOfficers, cellName(col, row)))
		}
		checkNumbers(t, "XLSX", o.Code, got, officerNumbers(o.OfficerCounts), eps)
	}
	if v := xlsxNumber(t, f, SheetUnassigned, cellName(2, XLSXHeaderRow+1)); v != 4 {
		t.Errorf("XLSX unassigned = %v", v)
	}
}

func TestPNG(t *testing.T) {
	r := fixture(t)
	for _, width := range []int{0, 720} {
		raw := render(t, func(b *bytes.Buffer) error { return RenderPNG(b, r, PNGOptions{Width: width}) })
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		wantW := width
		if wantW == 0 {
			wantW = DefaultPNGWidth
		}
		b := img.Bounds()
		if b.Dx() != wantW {
			t.Errorf("width = %d, want %d", b.Dx(), wantW)
		}
		// Title area + one row per ranked unit + axis: taller than wide here.
		wantH := int(float64(wantW)/1080*(220+110)+0.5) + 5*int(float64(wantW)/1080*136+0.5)
		if d := b.Dy() - wantH; d < -2 || d > 2 {
			t.Errorf("height = %d, want about %d", b.Dy(), wantH)
		}
	}
	want := []string{"1. UBND xã Tân Lập", "2. UBND xã Tú Lý", "3. UBND xã Hiền Lương", "1. Phòng Tư pháp", "2. Phòng Tài nguyên & Môi trường"}
	if got := ChartLabels(r); !reflect.DeepEqual(got, want) {
		t.Errorf("ChartLabels = %q, want %q (each peer group in rank order)", got, want)
	}
	// A unit with no on-time rate comes last; one without any dossier is
	// not ranked, so not charted.
	want = append(want, "1. UBND xã Đồng Chum")
	if got := ChartLabels(fixtureNulls(t)); !reflect.DeepEqual(got, want) {
		t.Errorf("ChartLabels with nulls = %q, want %q", got, want)
	}
	if err := RenderPNG(&bytes.Buffer{}, r, PNGOptions{Width: 100}); err == nil {
		t.Error("a 100 px chart should be refused")
	}
}

const vietnameseLetters = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ"

func TestEmbeddedFontHasEveryVietnameseLetter(t *testing.T) {
	regular, bold, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	for name, f := range map[string]*sfnt.Font{"regular": regular, "bold": bold} {
		for _, r := range vietnameseLetters + "▲▼…·—%" {
			g, err := f.GlyphIndex(&buf, r)
			if err != nil || g == 0 {
				t.Errorf("%s font has no glyph for %q (%v)", name, r, err)
			}
		}
	}
}

func TestRenderHTMLIsSelfContained(t *testing.T) {
	page := string(render(t, func(b *bytes.Buffer) error { return RenderHTML(b, fixture(t)) }))
	for _, want := range []string{`<html lang="vi">`, `<meta name="viewport"`, "DejaVu Sans", "<svg", "class=\"scroll\"",
		"Phòng Tài nguyên &amp; Môi trường", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Đà Bắc, ngày 02 tháng 11 năm 2026",
		"Trần Thị Bình", "18,40", "93,02%"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "<link", "src=\"http", "url(", "@import", "0912000001"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if got := strings.Count(page, "<tr"); got != 1+len(fixture(t).Units)+1+3 {
		t.Errorf("page has %d table rows", got)
	}
}

// TestProvisionalAndNoData: a month judged before it ended says "tạm tính
// đến …" in every format (JSON: provisional, judged_at); a month without
// any dossier says "chưa có dữ liệu" instead of a perfect ranking, and its
// rates and scores are null.
func TestProvisionalAndNoData(t *testing.T) {
	r := mustBuild(t, provisionalInput())
	const note = "tạm tính đến 09:05 02/12/2026"
	for _, f := range []string{"text", "csv", "html"} {
		out := string(render(t, func(b *bytes.Buffer) error { return Render(b, r, f) }))
		want := note
		if f == "csv" {
			want = ProvisionalLabel + ",09:05 02/12/2026"
		}
		if !strings.Contains(out, want) {
			t.Errorf("%s lacks %q", f, want)
		}
	}
	// No rate: "—" in text and HTML (CSV, XLSX, JSON: TestFormatsShowTheSameNumbers).
	for _, f := range []string{"text", "html"} {
		out := string(render(t, func(b *bytes.Buffer) error { return Render(b, r, f) }))
		if !strings.Contains(out, NoValue) || !strings.Contains(out, NoDossiers) && f == "text" {
			t.Errorf("%s lacks %q for a unit with no rate", f, NoValue)
		}
	}
	var j map[string]any
	if err := json.Unmarshal(render(t, func(b *bytes.Buffer) error { return RenderJSON(b, r) }), &j); err != nil {
		t.Fatal(err)
	}
	if j["provisional"] != true || j["judged_at"] != "2026-12-02T09:05:00+07:00" {
		t.Errorf("JSON provisional = %v, judged_at = %v", j["provisional"], j["judged_at"])
	}
	if v, _ := f0(openXLSX(t, r).GetCellValue(SheetUnits, "A6")); !strings.Contains(v, note) {
		t.Errorf("XLSX month line = %q", v)
	}

	r = mustBuild(t, emptyInput())
	if !r.NoData() || len(r.Ranked()) != 0 {
		t.Fatalf("NoData = %v, ranked %d", r.NoData(), len(r.Ranked()))
	}
	text := string(render(t, func(b *bytes.Buffer) error { return RenderText(b, r, TextOptions{}) }))
	if !strings.Contains(text, "chưa có dữ liệu") || strings.Contains(text, "20,0/20") || strings.Contains(text, "100,0%") {
		t.Errorf("an empty month:\n%s", text)
	}
	var je JSONReport
	if err := json.Unmarshal(render(t, func(b *bytes.Buffer) error { return RenderJSON(b, r) }), &je); err != nil {
		t.Fatal(err)
	}
	if !je.NoData || je.Provisional || je.JudgedAt != nil {
		t.Errorf("JSON of an empty month: %+v", je)
	}
	for _, u := range je.Units {
		if u.Score766 != nil || u.Rate766 != nil || u.OnTimeRate != nil || u.Rank != 0 {
			t.Errorf("unit %s of an empty month has a value: %+v", u.Code, u)
		}
	}
}

func f0(v string, err error) (string, error) { return v, err }
