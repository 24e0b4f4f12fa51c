package digest

import (
	"path/filepath"
	"testing"

	"github.com/dondoc/dondoc/internal/golden"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

func TestRenderWeeklyGolden(t *testing.T) {
	from, to := models.NewDate(2026, 11, 30), models.NewDate(2026, 12, 6)
	cases := []struct {
		name   string
		counts WeeklyCounts
		format notify.Format
	}{
		{"weekly_html", WeeklyCounts{Overdue: 3, DueThisWeek: 12}, notify.FormatHTML},
		{"weekly_plain", WeeklyCounts{Overdue: 3, DueThisWeek: 12}, notify.FormatPlain},
		{"weekly_nothing_plain", WeeklyCounts{}, notify.FormatPlain},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := RenderWeekly("UBND xã Bình An & Tân Lập", from, to, c.counts, c.format)
			golden.Text(t, filepath.Join("testdata", c.name+".golden"), got)
		})
	}
}
