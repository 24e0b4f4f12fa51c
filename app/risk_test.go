package app

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/sample"
	"github.com/dondoc/dondoc/store/storetest"
)

// timedDB writes 8 months of a district with realistic step timing (now
// 1/12/2026) to a migrated SQLite file.
func timedDB(t *testing.T) string {
	t.Helper()
	loc := models.DefaultLocation()
	data := &sample.Data{}
	err := sample.Generate(sample.Config{Seed: sample.DistrictSeed, Now: time.Date(2026, 12, 1, 10, 0, 0, 0, loc), Months: 8,
		Dossiers: 6000, StepTiming: true, Calendar: models.NewCalendar(models.CalendarConfig{Location: loc})}, data)
	if err != nil {
		t.Fatal(err)
	}
	return storetest.SQLiteFile(t, "risk.db", data)
}

func TestRiskCommand(t *testing.T) {
	db := timedDB(t)
	env := sampleEnv(map[string]string{"DONDOC_NOW": "2026-12-01T10:00:00+07:00", "DATABASE_URL": db})
	risk := commandRunner(env, "risk")
	t.Run("json for a unit, riskiest first", func(t *testing.T) {
		out, errs, code := risk(t, "--format", "json", "--unit", "X01", "--at", "2026-11-02T08:00:00+07:00")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var list []struct {
			Code   string   `json:"code"`
			Risk   *float64 `json:"risk"`
			Reason string   `json:"reason"`
			Unit   string   `json:"unit"`
		}
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatalf("not JSON: %v\n%.300s", err, out)
		}
		if len(list) == 0 {
			t.Fatal("no open dossier")
		}
		for i, r := range list {
			if r.Risk == nil || *r.Risk < 0 || *r.Risk > 1 || r.Reason == "" || !(strings.HasPrefix(r.Unit, "X01") || strings.HasPrefix(r.Unit, "H01.")) {
				t.Errorf("entry %d: %+v", i, r)
			}
			if i > 0 && *r.Risk > *list[i-1].Risk {
				t.Errorf("entry %d riskier than the one before", i)
			}
		}
	})
	t.Run("text", func(t *testing.T) {
		out, errs, code := risk(t, "--limit", "3")
		if code != exitOK || !strings.Contains(out, "NGUY CƠ TRỄ HẠN") || !strings.Contains(out, "còn ") {
			t.Fatalf("exit %d: %s\n%s", code, errs, out)
		}
	})
	t.Run("eval", func(t *testing.T) {
		out, errs, code := risk(t, "eval", "--from", "2026-09", "--to", "2026-11")
		if code != exitOK || !strings.Contains(out, "09/2026") || !strings.Contains(out, "tất cả") {
			t.Fatalf("exit %d: %s\n%s", code, errs, out)
		}
	})
	for _, args := range [][]string{
		{"--at", "yesterday"}, {"--format", "xml"}, {"--unit", "NOPE"}, {"eval"}, {"eval", "--from", "2026-11", "--to", "2026-09"},
		{"eval", "--from", "2030-01", "--to", "2030-02"},
	} {
		if _, _, code := risk(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
