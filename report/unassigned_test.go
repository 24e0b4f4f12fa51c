package report

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
)

// TestUnassignedCodesListed (issue #11 item 5): the XLSX sheet "Chưa phân
// công" lists the codes of the scope's unassigned dossiers under their
// count, so the secretariat can assign them; Monthly asks the store for
// them and keeps the scope's.
func TestUnassignedCodesListed(t *testing.T) {
	src := testSource()
	oct := src.byMonth[time.October]
	oct.UnassignedCodes = map[string][]string{"X1": {"X1-02", "X1-01"}, "GONE": {"G-01"}}
	var (
		mu    sync.Mutex
		asked []int // the month and the month before are asked at once
	)
	wrapped := figuresFunc(func(ctx context.Context, q models.FiguresQuery) (*models.Figures, error) {
		mu.Lock()
		if q.Period.Start.Month() == time.October {
			asked = append([]int{q.UnassignedCodes}, asked...)
		} else {
			asked = append(asked, q.UnassignedCodes)
		}
		mu.Unlock()
		return src.MonthFigures(ctx, q)
	})
	for _, c := range []struct {
		scope string
		want  []string
	}{{"", []string{"G-01", "X1-01", "X1-02"}}, {"X1", []string{"X1-01", "X1-02"}}, {"X2", nil}} {
		asked = nil
		r, err := Monthly(context.Background(), wrapped, testUnits, testOfficers, 2026, time.October, c.scope, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(r.UnassignedCodes, c.want) {
			t.Errorf("scope %q: codes %q, want %q", c.scope, r.UnassignedCodes, c.want)
		}
		if len(asked) != 2 || asked[0] != MaxUnassignedCodes {
			t.Errorf("scope %q: asked for %v codes, want %d for the month", c.scope, asked, MaxUnassignedCodes)
		}
	}

	r := fixture(t)
	r.Unassigned, r.UnassignedCodes = 4, []string{"=HS-1", "HS-2", "HS-3"}
	f := openXLSX(t, r)
	row := XLSXHeaderRow + 1
	for i, want := range []string{UnassignedLabel, "=HS-1", "HS-2", "HS-3", "… và 1 hồ sơ khác"} {
		cell := cellName(1, row+i)
		if got, err := f.GetCellValue(SheetUnassigned, cell); err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", cell, got, err, want)
		}
		if formula, _ := f.GetCellFormula(SheetUnassigned, cell); formula != "" {
			t.Errorf("%s is a formula %q", cell, formula)
		}
	}
}

type figuresFunc func(context.Context, models.FiguresQuery) (*models.Figures, error)

func (f figuresFunc) MonthFigures(ctx context.Context, q models.FiguresQuery) (*models.Figures, error) {
	return f(ctx, q)
}
