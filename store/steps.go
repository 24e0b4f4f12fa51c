package store

import (
	"context"
	"fmt"

	"github.com/dondoc/dondoc/models"
)

type stepRow struct {
	DossierCode string `gorm:"primaryKey"`
	Seq         int    `gorm:"primaryKey"`
	Name        string
	OfficerCode string
	StartedAt   tstamp
	DueAt       tstamp
	FinishedAt  tstamp
}

func (stepRow) TableName() string { return "steps" }

func (r *stepRow) model() models.Step {
	return models.Step{DossierCode: r.DossierCode, Seq: r.Seq, Name: r.Name, OfficerCode: r.OfficerCode,
		StartedAt: r.StartedAt.time(), DueAt: r.DueAt.time(), FinishedAt: r.FinishedAt.time()}
}

// Steps returns the steps of a dossier in order.
func (s *Store) Steps(ctx context.Context, dossierCode string) ([]models.Step, error) {
	var rows []stepRow
	err := s.db.WithContext(ctx).Where("dossier_code = ?", models.NFC(dossierCode)).Order("seq").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: steps of %q: %w", dossierCode, err)
	}
	out := make([]models.Step, len(rows))
	for i, r := range rows {
		out[i] = models.Step{DossierCode: r.DossierCode, Seq: r.Seq, Name: r.Name, OfficerCode: r.OfficerCode,
			StartedAt: r.StartedAt.time(), DueAt: r.DueAt.time(), FinishedAt: r.FinishedAt.time()}
	}
	return out, nil
}

// EachStep calls fn for every step, in (dossier, seq) order, in batches.
func (s *Store) EachStep(ctx context.Context, fn func(models.Step) error) error {
	afterCode, afterSeq := "", 0
	for {
		var rows []stepRow
		err := s.db.WithContext(ctx).Where("dossier_code > ? OR (dossier_code = ? AND seq > ?)", afterCode, afterCode, afterSeq).
			Order("dossier_code, seq").Limit(eachBatch).Find(&rows).Error
		if err != nil {
			return fmt.Errorf("store: each step: %w", err)
		}
		for _, r := range rows {
			st := models.Step{DossierCode: r.DossierCode, Seq: r.Seq, Name: r.Name, OfficerCode: r.OfficerCode,
				StartedAt: r.StartedAt.time(), DueAt: r.DueAt.time(), FinishedAt: r.FinishedAt.time()}
			if err := fn(st); err != nil {
				return err
			}
		}
		if len(rows) < eachBatch {
			return nil
		}
		afterCode, afterSeq = rows[len(rows)-1].DossierCode, rows[len(rows)-1].Seq
	}
}
