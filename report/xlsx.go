package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The XLSX sheet names.
const (
	SheetUnits      = "Xếp hạng đơn vị"
	SheetOfficers   = "Cán bộ chậm muộn"
	SheetUnassigned = "Chưa phân công"
)

// XLSXHeaderRow is the row of the table headers on every sheet (rows
// above it carry the official heading block and are frozen with it).
const XLSXHeaderRow = 8

// The heading block's fixed texts.
const (
	NationalTitle   = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	NationalMotto   = "Độc lập - Tự do - Hạnh phúc"
	SignPreparer    = "NGƯỜI LẬP BIỂU"
	SignHead        = "THỦ TRƯỞNG ĐƠN VỊ"
	SignInstruction = "(Ký, ghi rõ họ tên)"
)

// cellKind says how a table column is written and formatted.
type cellKind int

const (
	kindText cellKind = iota
	kindName          // text indented by the unit's depth
	kindInt
	kindPercent // a 0–1 fraction shown as 0.00%
	kindScore   // 0.00
)

type column struct {
	header string
	width  float64
	kind   cellKind
}

type sheetSpec struct {
	name     string
	subtitle string
	cols     []column
	rows     [][]any
	depths   []int // per row, for kindName
}

// RenderXLSX writes the report as an Excel workbook: one sheet per table,
// each with the official heading block, bold filled bordered headers,
// frozen heading rows, numbers as numbers, rates as percentages, A4
// landscape fitted to the page width, and a signature block.
func RenderXLSX(w io.Writer, r *Report) error {
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsxWriter{f: f, r: r, indent: map[int]int{}}
	for i, s := range x.specs() {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return err
		}
		if err := x.writeSheet(s); err != nil {
			return fmt.Errorf("báo cáo XLSX, trang %q: %w", s.name, err)
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// cellOK is v, or an empty cell (nil) when there is no value.
func cellOK(v float64, ok bool) any {
	if !ok {
		return nil
	}
	return v
}

func (x *xlsxWriter) specs() []sheetSpec {
	r := x.r
	units := sheetSpec{name: SheetUnits, subtitle: "Xếp hạng theo điểm 766 (thang 20 điểm) trong từng nhóm đơn vị cùng cấp. " + TieBreak}
	widths := []float64{7, 30, 14, 38, 14, 11, 11, 10, 10, 10, 12, 12, 14, 14, 10, 12, 12}
	kinds := []cellKind{kindText, kindText, kindText, kindName, kindText, kindInt, kindInt, kindInt, kindInt, kindInt,
		kindInt, kindInt, kindInt, kindInt, kindInt, kindPercent, kindScore}
	for i, h := range UnitHeaders {
		units.cols = append(units.cols, column{h, widths[i], kinds[i]})
	}
	for _, u := range r.Units {
		c := u.Counts
		units.rows = append(units.rows, []any{u.RankLabel(), u.Group, u.Code, u.Name, u.Parent, c.InScope, c.Received,
			c.FinishedEarly, c.FinishedOnTime, c.FinishedLate, c.FinishedLateApology, c.LateOnSystem, c.OpenInTime,
			c.OpenOverdue, c.Paused, cellOK(c.OnTimeRateOK()), cellOK(c.Score766OK())})
		units.depths = append(units.depths, u.Depth)
	}

	officers := sheetSpec{name: SheetOfficers, subtitle: "Danh sách cán bộ có hồ sơ chậm, muộn"}
	widths = []float64{6, 14, 28, 34, 11, 10, 12, 12, 16, 12}
	kinds = []cellKind{kindInt, kindText, kindText, kindText, kindInt, kindInt, kindInt, kindInt, kindInt, kindPercent}
	for i, h := range OfficerHeaders {
		officers.cols = append(officers.cols, column{h, widths[i], kinds[i]})
	}
	for i, o := range r.Officers {
		officers.rows = append(officers.rows, []any{i + 1, o.Code, o.Name, o.UnitName, o.Handled, o.Late,
			o.LateApology, o.LateOnSystem, o.OverdueOpen, cellOK(o.OnTimeRateOK())})
		officers.depths = append(officers.depths, 0)
	}

	unassigned := sheetSpec{name: SheetUnassigned, subtitle: "Hồ sơ chưa phân công cán bộ xử lý",
		cols: []column{{"Nội dung", 48, kindText}, {"Số hồ sơ", 40, kindInt}},
		rows: [][]any{{UnassignedLabel, r.Unassigned}}, depths: []int{0}}
	// The codes, so that the secretariat can assign them (one a row).
	for _, code := range r.UnassignedCodes {
		unassigned.rows = append(unassigned.rows, []any{code, nil})
		unassigned.depths = append(unassigned.depths, 0)
	}
	if more := r.Unassigned - len(r.UnassignedCodes); len(r.UnassignedCodes) > 0 && more > 0 {
		unassigned.rows = append(unassigned.rows, []any{fmt.Sprintf("… và %d hồ sơ khác", more), nil})
		unassigned.depths = append(unassigned.depths, 0)
	}
	return []sheetSpec{units, officers, unassigned}
}

type xlsxWriter struct {
	f      *excelize.File
	r      *Report
	styles struct {
		issuer, national, motto, date, title, month, subtitle, header int
		text, integer, percent, score, sign, signNote                 int
	}
	indent map[int]int // depth → style
	ready  bool
}

func (x *xlsxWriter) newStyles() error {
	if x.ready {
		return nil
	}
	x.ready = true
	f := x.f
	font := func(bold, italic bool, size float64) *excelize.Font {
		return &excelize.Font{Bold: bold, Italic: italic, Size: size, Family: "Times New Roman"}
	}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	defs := []struct {
		id *int
		s  excelize.Style
	}{
		{&x.styles.issuer, excelize.Style{Font: font(true, false, 12), Alignment: center}},
		{&x.styles.national, excelize.Style{Font: font(true, false, 12), Alignment: center}},
		{&x.styles.motto, excelize.Style{Font: &excelize.Font{Bold: true, Size: 13, Family: "Times New Roman", Underline: "single"}, Alignment: center}},
		{&x.styles.date, excelize.Style{Font: font(false, true, 12), Alignment: center}},
		{&x.styles.title, excelize.Style{Font: font(true, false, 14), Alignment: center}},
		{&x.styles.month, excelize.Style{Font: font(true, false, 12), Alignment: center}},
		{&x.styles.subtitle, excelize.Style{Font: font(false, true, 12), Alignment: center}},
		{&x.styles.header, excelize.Style{Font: font(true, false, 11), Alignment: center, Border: border,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}}},
		{&x.styles.text, excelize.Style{Font: font(false, false, 11), Border: border,
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&x.styles.integer, excelize.Style{Font: font(false, false, 11), Border: border, NumFmt: 3,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&x.styles.percent, excelize.Style{Font: font(false, false, 11), Border: border, NumFmt: 10,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&x.styles.score, excelize.Style{Font: font(true, false, 11), Border: border, NumFmt: 2,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&x.styles.sign, excelize.Style{Font: font(true, false, 12), Alignment: center}},
		{&x.styles.signNote, excelize.Style{Font: font(false, true, 12), Alignment: center}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.s)
		if err != nil {
			return err
		}
		*d.id = id
	}
	return nil
}

func (x *xlsxWriter) indentStyle(depth int) (int, error) {
	if id, ok := x.indent[depth]; ok {
		return id, nil
	}
	id, err := x.f.NewStyle(&excelize.Style{
		Font: &excelize.Font{Bold: depth == 0, Size: 11, Family: "Times New Roman"},
		Border: []excelize.Border{
			{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
			{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
		},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true, Indent: 2 * depth},
	})
	x.indent[depth] = id
	return id, err
}

// block writes v into the merged cells of row from column c1 to c2.
func (x *xlsxWriter) block(sheet string, row, c1, c2 int, v string, style int) error {
	a, _ := excelize.CoordinatesToCellName(c1, row)
	b, _ := excelize.CoordinatesToCellName(c2, row)
	if c2 > c1 {
		if err := x.f.MergeCell(sheet, a, b); err != nil {
			return err
		}
	}
	if err := x.f.SetCellValue(sheet, a, v); err != nil {
		return err
	}
	return x.f.SetCellStyle(sheet, a, b, style)
}

func (x *xlsxWriter) writeSheet(s sheetSpec) error {
	if err := x.newStyles(); err != nil {
		return err
	}
	f, r, st, sheet := x.f, x.r, &x.styles, s.name
	n := len(s.cols)
	leftEnd := max(1, n/3)
	rightStart := n - n/2 + 1
	if n == 2 {
		leftEnd, rightStart = 1, 2
	}
	heading := []struct {
		row, c1, c2 int
		text        string
		style       int
	}{
		{1, 1, leftEnd, strings.ToUpper(r.Issuer), st.issuer},
		{2, 1, leftEnd, DocNumberLine, st.date},
		{1, rightStart, n, NationalTitle, st.national},
		{2, rightStart, n, NationalMotto, st.motto},
		{3, rightStart, n, r.DateLine(), st.date},
		{5, 1, n, Title, st.title},
		{6, 1, n, strings.TrimSuffix(r.MonthTitle()+" ("+r.ProvisionalNote()+")", " ()"), st.month},
		{7, 1, n, s.subtitle, st.subtitle},
	}
	for _, h := range heading {
		if err := x.block(sheet, h.row, h.c1, h.c2, h.text, h.style); err != nil {
			return err
		}
	}
	for _, row := range []int{1, 5} {
		if err := f.SetRowHeight(sheet, row, 32); err != nil {
			return err
		}
	}
	if err := f.SetRowHeight(sheet, XLSXHeaderRow, 45); err != nil {
		return err
	}
	for i, c := range s.cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, name, name, c.width); err != nil {
			return err
		}
		cell, _ := excelize.CoordinatesToCellName(i+1, XLSXHeaderRow)
		if err := f.SetCellValue(sheet, cell, c.header); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, cell, cell, st.header); err != nil {
			return err
		}
	}
	for ri, row := range s.rows {
		rowNum := XLSXHeaderRow + 1 + ri
		for ci, v := range row {
			cell, _ := excelize.CoordinatesToCellName(ci+1, rowNum)
			if v != nil {
				if err := f.SetCellValue(sheet, cell, v); err != nil {
					return err
				}
			}
			style := st.text
			switch s.cols[ci].kind {
			case kindName:
				id, err := x.indentStyle(s.depths[ri])
				if err != nil {
					return err
				}
				style = id
			case kindInt:
				style = st.integer
			case kindPercent:
				style = st.percent
			case kindScore:
				style = st.score
			}
			if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
				return err
			}
		}
	}
	signRow := XLSXHeaderRow + len(s.rows) + 3
	signs := []struct {
		row, c1, c2 int
		text        string
		style       int
	}{
		{signRow, 1, leftEnd, SignPreparer, st.sign},
		{signRow, rightStart, n, SignHead, st.sign},
		{signRow + 1, 1, leftEnd, SignInstruction, st.signNote},
		{signRow + 1, rightStart, n, SignInstruction, st.signNote},
	}
	for _, h := range signs {
		if err := x.block(sheet, h.row, h.c1, h.c2, h.text, h.style); err != nil {
			return err
		}
	}

	topLeft, _ := excelize.CoordinatesToCellName(1, XLSXHeaderRow+1)
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: XLSXHeaderRow, TopLeftCell: topLeft,
		ActivePane: "bottomLeft", Selection: []excelize.Selection{{SQRef: topLeft, ActiveCell: topLeft, Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	size, orient, fitW, fitH := 9, "landscape", 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient,
		FitToWidth: &fitW, FitToHeight: &fitH}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	// Page numbers in the footer of every printed page.
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: XLSXFooter}); err != nil {
		return err
	}
	// Repeat the header row on every printed page.
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", sheet, XLSXHeaderRow, XLSXHeaderRow)})
}
