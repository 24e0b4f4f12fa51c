package storetest

import (
	"context"
	"testing"

	"github.com/dondoc/dondoc/sample"
	"github.com/dondoc/dondoc/store"
)

// LoadSample writes data (a sample district or province) into s: its
// units, officers, procedures, dossiers and steps. It fails the test on an
// error.
func LoadSample(tb testing.TB, s *store.Store, data *sample.Data) {
	tb.Helper()
	ctx := context.Background()
	for _, err := range []error{
		s.UpsertUnits(ctx, data.Units), s.UpsertOfficers(ctx, data.Officers), s.UpsertProcedures(ctx, data.Procedures),
		SeedDossiers(ctx, s, data.Dossiers), SeedSteps(ctx, s, data.Steps),
	} {
		if err != nil {
			tb.Fatal(err)
		}
	}
}
