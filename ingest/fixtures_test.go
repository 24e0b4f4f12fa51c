package ingest

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dondoc/dondoc/internal/golden"
)

var fixtures = []struct {
	file string
	kind Kind
}{
	{"dossiers.csv", KindDossiers},
	{"dossiers_vendor2.csv", KindDossiers},
	{"units.csv", KindUnits},
	{"officers.csv", KindOfficers},
	{"steps.csv", KindSteps},
	{"holidays.csv", KindHolidays},
}

var knownOfficers = map[string]bool{"cv.lan": true, "cv.minh": true, "nguyen.an": true}

// writeXLSXFixture turns a CSV fixture into a workbook the way vendors'
// exports look: the title rows merged across the table, dates as real
// date-formatted cells, the data on a sheet named "Báo cáo".
func writeXLSXFixture(t *testing.T, csvPath, xlsxPath string) {
	t.Helper()
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	src, err := newCSVSource(f, csvPath)
	if err != nil {
		t.Fatal(err)
	}
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "Báo cáo"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	dateStyle, _ := x.NewStyle(&excelize.Style{NumFmt: 22}) // m/d/yy h:mm
	dayStyle, _ := x.NewStyle(&excelize.Style{NumFmt: 14})  // m/d/yyyy
	for {
		cells, line, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		// one blank row in the middle, as exports have
		row := line
		if line > 6 {
			row++
		}
		nonEmpty := 0
		for _, c := range cells {
			if c != "" {
				nonEmpty++
			}
		}
		for i, c := range cells {
			ref, _ := excelize.CoordinatesToCellName(i+1, row)
			if strings.Contains(c, "/") && len(c) >= 8 && len(c) <= 19 {
				if tm, hasTime, err := ParseDate(c, time.UTC); err == nil {
					_ = x.SetCellValue(sheet, ref, tm)
					st := dayStyle
					if hasTime {
						st = dateStyle
					}
					_ = x.SetCellStyle(sheet, ref, ref, st)
					continue
				}
			}
			_ = x.SetCellStr(sheet, ref, c)
		}
		if nonEmpty == 1 && len(cells) > 3 && cells[0] != "" {
			last, _ := excelize.CoordinatesToCellName(len(cells), row)
			first, _ := excelize.CoordinatesToCellName(1, row)
			_ = x.MergeCell(sheet, first, last)
		}
	}
	if err := x.SaveAs(xlsxPath); err != nil {
		t.Fatal(err)
	}
}

// render reads a whole input and renders what came out: records, errors,
// ignored columns and warnings.
func render(t *testing.T, path string, opt Options) string {
	t.Helper()
	r, err := Open(path, opt)
	if err != nil {
		return "open error: " + err.Error() + "\n"
	}
	defer r.Close()
	var b strings.Builder
	var errs []*RowError
	for row, err := range r.Rows() {
		if err != nil {
			fmt.Fprintf(&b, "stopped: %v\n", err)
			break
		}
		if row.OK() {
			js, _ := json.Marshal(row.Record)
			fmt.Fprintf(&b, "%d %s %s\n", row.Line, row.Key, js)
		}
		errs = append(errs, row.Errors...)
	}
	fmt.Fprintf(&b, "ignored: %q\n", r.Ignored())
	fmt.Fprintf(&b, "warnings (%d):\n%s\n", r.WarningCount(), strings.Join(r.Warnings(), "\n"))
	b.WriteString("errors:\n")
	b.WriteString(FormatErrors(errs, 0))
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Text(t, filepath.Join("testdata", "golden", name), got)
}

func TestFixturesGolden(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	for _, fx := range fixtures {
		csvPath := filepath.Join("testdata", fx.file)
		xlsxPath := strings.TrimSuffix(csvPath, ".csv") + ".xlsx"
		if golden.Update() {
			writeXLSXFixture(t, csvPath, xlsxPath)
		}
		exists := func(code string) bool { return knownOfficers[code] }
		for _, p := range []string{csvPath, xlsxPath} {
			t.Run(filepath.Base(p), func(t *testing.T) {
				opt := Options{Kind: fx.kind, Location: loc, OfficerExists: exists}
				got := render(t, p, opt)
				checkGolden(t, filepath.Base(p)+".txt", got)
			})
		}
	}
}

// TestCSVAndXLSXAgree: the same table read from CSV and from its XLSX twin
// gives the same records and the same errors (apart from line numbers).
func TestCSVAndXLSXAgree(t *testing.T) {
	for _, fx := range fixtures {
		csvPath := filepath.Join("testdata", fx.file)
		xlsxPath := strings.TrimSuffix(csvPath, ".csv") + ".xlsx"
		a := keysAndReasons(t, csvPath, fx.kind)
		b := keysAndReasons(t, xlsxPath, fx.kind)
		if a != b {
			t.Errorf("%s: CSV and XLSX disagree:\n%s\n---\n%s", fx.file, a, b)
		}
	}
}

func keysAndReasons(t *testing.T, path string, kind Kind) string {
	r, err := Open(path, Options{Kind: kind, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var b strings.Builder
	for row, err := range r.Rows() {
		if err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(row.Record)
		fmt.Fprintf(&b, "%s %s\n", row.Key, js)
		for _, e := range row.Errors {
			fmt.Fprintf(&b, "  %s %s %s\n", e.Column, e.Field, e.Reason) // XLSX shows dates as serials
		}
	}
	return b.String()
}
