package report

import (
	"bytes"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

func openXLSX(t *testing.T, r *Report) *excelize.File {
	t.Helper()
	raw := render(t, func(b *bytes.Buffer) error { return RenderXLSX(b, r) })
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// xlsxNumber reads a cell that must be stored as a number.
func xlsxNumber(t *testing.T, f *excelize.File, sheet, cell string) float64 {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Fatalf("%s!%s has type %v, want a number", sheet, cell, typ)
	}
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if v == "" {
		return math.NaN() // an empty cell: no value
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("%s!%s = %q is not a number", sheet, cell, v)
	}
	return n
}

func numFmt(t *testing.T, f *excelize.File, sheet, cell string) int {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.NumFmt
}

func TestXLSXReadBack(t *testing.T) {
	r := fixture(t)
	f := openXLSX(t, r)
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{SheetUnits, SheetOfficers, SheetUnassigned}) {
		t.Fatalf("sheets = %q", got)
	}
	get := func(sheet, cell string) string {
		v, err := f.GetCellValue(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, sheet := range f.GetSheetList() {
		t.Run(sheet, func(t *testing.T) {
			cols, _ := f.GetCols(sheet)
			n := len(cols)
			right := cellName(n-n/2+1, 1)
			if n == 2 {
				right = "B1"
			}
			rightCol := strings.TrimRight(right, "0123456789")
			heading := map[string]string{
				"A1":           "UBND HUYỆN ĐÀ BẮC",
				right:          NationalTitle,
				rightCol + "2": NationalMotto,
				rightCol + "3": "Đà Bắc, ngày 02 tháng 11 năm 2026",
				"A5":           Title,
				"A6":           "Tháng 10 năm 2026",
			}
			for cell, want := range heading {
				if got := get(sheet, cell); got != want {
					t.Errorf("%s = %q, want %q", cell, got, want)
				}
			}
			// Signature block under the table.
			rows, _ := f.GetRows(sheet)
			var signs []string
			for _, row := range rows[XLSXHeaderRow:] {
				for _, v := range row {
					if v != "" && (v == SignPreparer || v == SignHead || v == SignInstruction) {
						signs = append(signs, v)
					}
				}
			}
			if want := []string{SignPreparer, SignHead, SignInstruction, SignInstruction}; !reflect.DeepEqual(signs, want) {
				t.Errorf("signature block = %q", signs)
			}
			// Frozen heading rows.
			panes, err := f.GetPanes(sheet)
			if err != nil || !panes.Freeze || panes.YSplit != XLSXHeaderRow || panes.TopLeftCell != cellName(1, XLSXHeaderRow+1) {
				t.Errorf("panes = %+v, %v", panes, err)
			}
			// A4 landscape, fitted to one page wide.
			pl, err := f.GetPageLayout(sheet)
			if err != nil || pl.Size == nil || *pl.Size != 9 || pl.Orientation == nil || *pl.Orientation != "landscape" ||
				pl.FitToWidth == nil || *pl.FitToWidth != 1 {
				t.Errorf("page layout = %+v, %v", pl, err)
			}
			props, err := f.GetSheetProps(sheet)
			if err != nil || props.FitToPage == nil || !*props.FitToPage {
				t.Errorf("fit to page not set: %v", err)
			}
			// Bold filled bordered headers.
			id, _ := f.GetCellStyle(sheet, cellName(1, XLSXHeaderRow))
			st, _ := f.GetStyle(id)
			if st.Font == nil || !st.Font.Bold || len(st.Fill.Color) == 0 || len(st.Border) != 4 {
				t.Errorf("header style = %+v", st)
			}
			nameCol := "C"
			if sheet == SheetUnits {
				nameCol = "D" // after rank, peer group and code
			}
			if w, _ := f.GetColWidth(sheet, nameCol); n > 2 && w < 20 {
				t.Errorf("column %s width = %v", nameCol, w)
			}
		})
	}

	headers, _ := f.GetRows(SheetUnits)
	if got := headers[XLSXHeaderRow-1]; !reflect.DeepEqual(got, UnitHeaders) {
		t.Errorf("unit headers = %q", got)
	}
	offRows, _ := f.GetRows(SheetOfficers)
	if got := offRows[XLSXHeaderRow-1]; !reflect.DeepEqual(got, OfficerHeaders) {
		t.Errorf("officer headers = %q", got)
	}

	// Cell by cell: the district row and the first ranked xã.
	row := XLSXHeaderRow + 1
	if get(SheetUnits, cellName(4, row)) != "UBND huyện Đà Bắc" || get(SheetUnits, "A9") != "" {
		t.Errorf("first unit row: %q rank %q", get(SheetUnits, cellName(4, row)), get(SheetUnits, "A9"))
	}
	if v := xlsxNumber(t, f, SheetUnits, cellName(6, row)); v != 170 {
		t.Errorf("district in scope = %v", v)
	}
	if v := xlsxNumber(t, f, SheetUnits, cellName(17, row)); !near(v, 20*143.0/170, eps) {
		t.Errorf("district score = %v", v)
	}
	if got := numFmt(t, f, SheetUnits, cellName(16, row)); got != 10 {
		t.Errorf("rate cell number format = %d, want 10 (0.00%%)", got)
	}
	if got := numFmt(t, f, SheetOfficers, cellName(10, row)); got != 10 {
		t.Errorf("officer rate cell number format = %d, want 10", got)
	}
	if got := get(SheetUnits, cellName(16, row)); got != "89.26%" {
		t.Errorf("district rate shows %q", got)
	}
	// X01 (Tân Lập) comes right after the district: first of the communes.
	x01 := XLSXHeaderRow + 2
	if get(SheetUnits, cellName(3, x01)) != "X01" || get(SheetUnits, cellName(1, x01)) != "1" || get(SheetUnits, cellName(2, x01)) != "các xã" {
		t.Errorf("X01 row: %q %q %q", get(SheetUnits, cellName(1, x01)), get(SheetUnits, cellName(2, x01)), get(SheetUnits, cellName(3, x01)))
	}
	if get(SheetOfficers, cellName(3, row)) != "Trần Thị Bình" || get(SheetOfficers, cellName(4, row)) != "UBND xã Tú Lý" {
		t.Errorf("first officer row: %q", offRows[row-1])
	}
	if get(SheetUnassigned, "A9") != UnassignedLabel {
		t.Errorf("unassigned label = %q", get(SheetUnassigned, "A9"))
	}
}

// Every sheet is printed with the document-number line and page numbers.
func TestXLSXDocumentNumberAndPageNumbers(t *testing.T) {
	f := openXLSX(t, fixture(t))
	for _, sheet := range f.GetSheetList() {
		hf, err := f.GetHeaderFooter(sheet)
		if err != nil || hf == nil || hf.OddFooter != XLSXFooter {
			t.Errorf("%s: footer %+v, %v; want page numbers", sheet, hf, err)
		}
		if v, _ := f.GetCellValue(sheet, "A2"); v != DocNumberLine {
			t.Errorf("%s: A2 = %q, want %q", sheet, v, DocNumberLine)
		}
	}
}
