package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// TestUnassignedCodesInFigures (issue #11 item 5): asked for them, the
// month's figures list the codes of the in-scope dossiers marked
// unassigned, by unit (an ended unit's under its successor), in code order
// and bounded; a dossier out of the period's scope is not listed; not
// asked, none are read. SQLite and Postgres.
func TestUnassignedCodesInFigures(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		must(t, s.UpsertUnits(ctx, []models.Unit{{Code: "U1", Name: "Đơn vị 1"},
			{Code: "OLD", Name: "Đơn vị cũ", ValidTo: models.NewDate(2026, 3, 31), SuccessorCode: "U1"}}))
		must(t, s.UpsertOfficers(ctx, []models.Officer{{Code: "cb01", Name: "A", UnitCode: "U1", Role: models.RoleOfficer}}))
		mk := func(code, unit, handler string, rec time.Time) models.Dossier {
			return models.Dossier{Code: code, HandlerCode: handler, UnitCode: unit, ReceivedAt: rec,
				DueAt: rec.Add(72 * time.Hour), Status: models.StatusProcessing}
		}
		must(t, storetest.SeedDossiers(ctx, s, []models.Dossier{
			mk("A", "U1", "cb01", at(2026, 4, 1, 8, 0)),   // assigned
			mk("C", "U1", "cb99", at(2026, 4, 2, 8, 0)),   // unknown handler
			mk("B", "U1", "", at(2026, 4, 3, 8, 0)),       // no handler
			mk("D", "OLD", "", at(2026, 3, 20, 8, 0)),     // carried over from an ended unit
			mk("E", "U1", "", at(2026, 5, 4, 8, 0)),       // received after April
			mk("F", "NOPE", "cb01", at(2026, 4, 6, 8, 0)), // unknown unit
		}))
		april := models.MonthPeriod(2026, time.April, vnLoc())
		figs := func(n int) *models.Figures {
			f, err := s.MonthFigures(ctx, models.FiguresQuery{Period: april, UnassignedCodes: n})
			must(t, err)
			return f
		}
		f := figs(10)
		want := map[string][]string{"U1": {"B", "C", "D"}, "NOPE": {"F"}}
		if !reflect.DeepEqual(f.UnassignedCodes, want) || f.Unassigned != 4 {
			t.Errorf("codes %v (%d unassigned), want %v (4)", f.UnassignedCodes, f.Unassigned, want)
		}
		if f := figs(2); !reflect.DeepEqual(f.UnassignedCodes, map[string][]string{"U1": {"B", "C"}}) || f.Unassigned != 4 {
			t.Errorf("at most 2: codes %v (%d unassigned)", f.UnassignedCodes, f.Unassigned)
		}
		if f := figs(0); f.UnassignedCodes != nil {
			t.Errorf("not asked: codes %v", f.UnassignedCodes)
		}
	})
}
