package app

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store/storetest"
)

// sampleDB writes the sample district (now 27/11/2026) to a migrated
// SQLite file and returns its path.
func sampleDB(t *testing.T) string {
	t.Helper()
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, models.DefaultLocation())
	return storetest.SQLiteFile(t, "dondoc.db", storetest.District(t, now))
}

func TestReportCommand(t *testing.T) {
	db := sampleDB(t)
	env := sampleEnv(map[string]string{"DONDOC_NOW": "2026-11-27T10:00:00+07:00", "DATABASE_URL": db})
	runReport := commandRunner(env, "report")

	t.Run("text defaults to the previous month", func(t *testing.T) {
		out, errs, code := runReport(t)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if !strings.Contains(out, "10/2026") || !strings.Contains(out, "UBND") {
			t.Errorf("text report lacks October 2026 or the units:\n%s", out)
		}
	})
	t.Run("json for a unit", func(t *testing.T) {
		out, errs, code := runReport(t, "--month", "2026-09", "--format", "json", "--unit", "H01.X01")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if !strings.Contains(out, "H01.X01") || strings.Contains(out, "H01.X02") {
			t.Errorf("JSON for H01.X01 shows other units:\n%.400s", out)
		}
	})
	t.Run("xlsx to the default file name", func(t *testing.T) {
		dir := t.TempDir()
		t.Chdir(dir)
		out, errs, code := runReport(t, "--month", "2026-10", "--format", "xlsx")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		name := "Báo cáo TTHC tháng 10-2026.xlsx"
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.HasPrefix(b, []byte("PK")) {
			t.Fatalf("%s: %v (%d bytes)", name, err, len(b))
		}
		if !strings.Contains(out, name) {
			t.Errorf("output does not name the file: %s", out)
		}
	})
	t.Run("png to -o", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "r.png")
		if _, errs, code := runReport(t, "--format", "png", "-o", path); code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		b, _ := os.ReadFile(path)
		if !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("not a PNG (%d bytes)", len(b))
		}
	})
	t.Run("the running month is judged at now", func(t *testing.T) {
		out, errs, code := runReport(t, "--month", "2026-11", "--format", "json")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var v struct {
			Provisional bool       `json:"provisional"`
			JudgedAt    *time.Time `json:"judged_at"`
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatal(err)
		}
		if !v.Provisional || v.JudgedAt == nil || !v.JudgedAt.Equal(time.Date(2026, 11, 27, 10, 0, 0, 0, models.DefaultLocation())) {
			t.Errorf("provisional = %v, judged_at = %v", v.Provisional, v.JudgedAt)
		}
		text, _, _ := runReport(t, "--month", "2026-11")
		if !strings.Contains(text, "tạm tính đến 10:00 27/11/2026") {
			t.Errorf("text lacks the provisional note:\n%.300s", text)
		}
		past, _, _ := runReport(t, "--month", "2026-10", "--format", "json")
		if !strings.Contains(past, `"provisional": false`) || strings.Contains(past, "judged_at") {
			t.Errorf("an ended month is not provisional:\n%.300s", past)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			code int
		}{
			{[]string{"--month", "2026-13"}, exitUsage},
			{[]string{"--format", "pdf"}, exitUsage},
			{[]string{"extra"}, exitUsage},
			{[]string{"--unit", "NOPE"}, exitFailure},
			{[]string{"--month", "2026-12"}, exitFailure}, // not begun
		} {
			if _, errs, code := runReport(t, c.args...); code != c.code {
				t.Errorf("%q: exit %d, want %d (%s)", c.args, code, c.code, errs)
			}
		}
	})
}
