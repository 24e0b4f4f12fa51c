package store

import (
	"context"
	"fmt"

	"github.com/dondoc/dondoc/models"
)

// EachDossierWithSteps calls fn for every dossier with its steps (in step
// order) and supplement waits, in code order, reading in batches (keyset
// pagination) so that a province never sits in memory at once. It is
// read-only; the dossier and the steps slice are reused after fn returns.
// It stops at the first error of fn, which it returns. The early-warning
// model (models.RiskData) is loaded through it.
func (s *Store) EachDossierWithSteps(ctx context.Context, fn func(*models.Dossier, []models.Step) error) error {
	after := ""
	var steps []models.Step
	for {
		var rows []dossierRow
		err := s.db.WithContext(ctx).Where("code > ?", after).Order("code").Limit(eachBatch).Find(&rows).Error
		if err != nil {
			return fmt.Errorf("store: each dossier with steps: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		ds, err := s.dossierModels(ctx, rows)
		if err != nil {
			return err
		}
		byCode := map[string][]stepRow{}
		codes := make([]string, len(rows))
		for i := range rows {
			codes[i] = rows[i].Code
		}
		for _, chunk := range chunks(codes, s.maxParams()) {
			var srows []stepRow
			err := s.db.WithContext(ctx).Where("dossier_code IN ?", chunk).Order("dossier_code, seq").Find(&srows).Error
			if err != nil {
				return fmt.Errorf("store: steps for risk: %w", err)
			}
			for _, r := range srows {
				byCode[r.DossierCode] = append(byCode[r.DossierCode], r)
			}
		}
		for i := range ds {
			steps = steps[:0]
			for _, r := range byCode[ds[i].Code] {
				steps = append(steps, models.Step{DossierCode: r.DossierCode, Seq: r.Seq, Name: r.Name, OfficerCode: r.OfficerCode,
					StartedAt: r.StartedAt.time(), DueAt: r.DueAt.time(), FinishedAt: r.FinishedAt.time()})
			}
			if err := fn(&ds[i], steps); err != nil {
				return err
			}
		}
		if len(rows) < eachBatch {
			return nil
		}
		after = rows[len(rows)-1].Code
	}
}
