package publish

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestPublicFilesShowNoAccountsAndJudgeTheRunningMonthAtNow (issue #11
// items 3 and 5): the public page and every file it offers (HTML, XLSX,
// CSV, JSON) show no system account name and no dossier code; the running
// month is judged at now and says "tạm tính đến …", a month that has ended
// does not.
func TestPublicFilesShowNoAccountsAndJudgeTheRunningMonthAtNow(t *testing.T) {
	s, data := district(t)
	root := site(t, s)
	running := now.In(time.FixedZone("ICT", 7*3600)).Format("2006-01")
	for _, m := range []string{"2026-10", running} {
		var all strings.Builder
		for _, ext := range []string{"", ".csv", ".json", ".xlsx"} {
			b := body(t, get(t, root, "/cong-khai/"+m+ext))
			if ext != ".xlsx" {
				all.WriteString(b)
				continue
			}
			f, err := excelize.OpenReader(bytes.NewReader([]byte(b)))
			if err != nil {
				t.Fatalf("%s.xlsx: %v", m, err)
			}
			for _, sheet := range f.GetSheetList() {
				rows, err := f.GetRows(sheet)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rows {
					all.WriteString(strings.Join(r, "\t") + "\n")
				}
			}
		}
		text := all.String()
		for _, o := range data.Officers {
			if strings.Contains(text, o.Code) {
				t.Errorf("%s: a public file shows the account %q", m, o.Code)
				break
			}
		}
		for _, d := range data.Dossiers {
			if d.HandlerCode != "" && strings.Contains(text, d.HandlerCode) {
				t.Errorf("%s: a public file shows the account %q", m, d.HandlerCode)
				break
			}
			if strings.Contains(text, d.Code) {
				t.Errorf("%s: a public file shows dossier %q", m, d.Code)
				break
			}
		}
		if got, want := strings.Contains(text, "tạm tính đến"), m == running; got != want {
			t.Errorf("%s: says tạm tính %v, want %v", m, got, want)
		}
	}
}
