package jobs_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestRenderWeeklyGolden(t *testing.T) {
	from, to := models.NewDate(2026, 11, 30), models.NewDate(2026, 12, 6)
	cases := []struct {
		name   string
		counts jobs.WeeklyCounts
		format notify.Format
	}{
		{"weekly_html", jobs.WeeklyCounts{Overdue: 3, DueThisWeek: 12}, notify.FormatHTML},
		{"weekly_plain", jobs.WeeklyCounts{Overdue: 3, DueThisWeek: 12}, notify.FormatPlain},
		{"weekly_nothing_plain", jobs.WeeklyCounts{}, notify.FormatPlain},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := jobs.RenderWeekly("UBND xã Bình An & Tân Lập", from, to, c.counts, c.format)
			path := filepath.Join("testdata", c.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if got != string(want) {
				t.Fatalf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
