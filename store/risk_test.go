package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

func TestEachDossierWithSteps(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		defer store.SetEachBatch(2)()
		var ds []models.Dossier
		var steps []models.Step
		for i := 1; i <= 5; i++ {
			code := fmt.Sprintf("HS-%03d", i)
			ds = append(ds, models.Dossier{Code: code, ProcedureCode: "2.002", UnitCode: "X01", HandlerCode: "cb01",
				ReceivedAt: at(2026, 3, i, 8, 0), DueAt: at(2026, 3, i+5, 17, 0), Status: models.StatusProcessing,
				Supplements: []models.Interval{{Start: at(2026, 3, i+1, 9, 0)}}})
			for k := i % 3; k >= 1; k-- { // out of order on purpose
				steps = append(steps, models.Step{DossierCode: code, Seq: k, Name: "Bước", OfficerCode: "cb01",
					StartedAt: at(2026, 3, i, 8+k, 0), DueAt: at(2026, 3, i+1, 17, 0)})
			}
		}
		must(t, storetest.SeedDossiers(ctx, s, ds))
		must(t, storetest.SeedSteps(ctx, s, steps))
		var got []string
		err := s.EachDossierWithSteps(ctx, func(d *models.Dossier, st []models.Step) error {
			line := fmt.Sprintf("%s:%d:%d", d.Code, len(d.Supplements), len(st))
			for i := range st {
				if st[i].DossierCode != d.Code || st[i].Seq != i+1 {
					t.Errorf("%s: step %d is %+v", d.Code, i, st[i])
				}
			}
			got = append(got, line)
			return nil
		})
		must(t, err)
		want := "[HS-001:1:1 HS-002:1:2 HS-003:1:0 HS-004:1:1 HS-005:1:2]"
		if fmt.Sprint(got) != want {
			t.Errorf("got %v, want %s", got, want)
		}
	})
}
