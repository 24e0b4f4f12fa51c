package storetest

import (
	"context"
	"fmt"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

// SeedDossiers writes ds through an import session, the one write path for
// dossiers: text is NFC-normalised as the readers do, a code given twice
// keeps its last version, every supplement wait is stored
// (WriteSupplementWaits), and a dossier is flagged unassigned when its
// handler or unit is empty or not stored yet. Units and officers seeded
// later do not change the flag until RefreshUnassigned or another seed.
func SeedDossiers(ctx context.Context, s *store.Store, ds []models.Dossier) error {
	if len(ds) == 0 {
		return nil
	}
	idx := make(map[string]int, len(ds))
	ptrs := make([]*models.Dossier, 0, len(ds))
	for i := range ds {
		d := ds[i]
		d.Code, d.ProcedureCode, d.ProcedureName = models.NFC(d.Code), models.NFC(d.ProcedureCode), models.NFC(d.ProcedureName)
		d.Field, d.UnitCode, d.HandlerCode = models.NFC(d.Field), models.NFC(d.UnitCode), models.NFC(d.HandlerCode)
		d.ApplicantName = models.NFC(d.ApplicantName)
		if j, ok := idx[d.Code]; ok {
			ptrs[j] = &d
			continue
		}
		idx[d.Code] = len(ptrs)
		ptrs = append(ptrs, &d)
	}
	return seed(ctx, s, func(im *store.Import) error {
		if _, err := im.WriteDossiers(ctx, im.PrepareDossiers(ptrs, nil)); err != nil {
			return err
		}
		_, err := im.WriteSupplementWaits(ctx, ptrs)
		return err
	})
}

// SeedSteps writes steps through an import session; every step's dossier
// must be stored already.
func SeedSteps(ctx context.Context, s *store.Store, steps []models.Step) error {
	if len(steps) == 0 {
		return nil
	}
	return seed(ctx, s, func(im *store.Import) error {
		_, missing, err := im.WriteSteps(ctx, steps)
		if err == nil && len(missing) > 0 {
			err = fmt.Errorf("storetest: %d steps of dossiers not stored (first: row %d)", len(missing), missing[0])
		}
		return err
	})
}

func seed(ctx context.Context, s *store.Store, write func(im *store.Import) error) error {
	im, err := s.BeginImport(ctx, models.ImportOptions{})
	if err != nil {
		return fmt.Errorf("storetest: seed: %w", err)
	}
	if err := write(im); err != nil {
		im.Rollback(ctx)
		return fmt.Errorf("storetest: seed: %w", err)
	}
	if err := im.Commit(ctx); err != nil {
		return fmt.Errorf("storetest: seed: %w", err)
	}
	return nil
}
