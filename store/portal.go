package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/dondoc/dondoc/models"
)

type portalRow struct {
	Period        string `gorm:"primaryKey"`
	PortalID      string `gorm:"primaryKey"`
	Name          string
	IsParent      bool
	TotalReceived *int
	TotalOnTime   *int
	TotalOverdue  *int
	Ratio         *float64
	Score         *float64
	MaxScore      *float64
}

func (portalRow) TableName() string { return "portal_progress" }

// ReplacePortalProgress stores the portal's figures of period (YYYY-MM),
// replacing what an earlier import of the same period stored.
func (s *Store) ReplacePortalProgress(ctx context.Context, period string, ps []models.PortalProgress) error {
	rows := make([]portalRow, len(ps))
	for i, p := range ps {
		rows[i] = portalRow{Period: period, PortalID: models.NFC(p.PortalID), Name: models.NFC(p.Name), IsParent: p.Parent,
			TotalReceived: p.Received, TotalOnTime: p.OnTime, TotalOverdue: p.Overdue, Ratio: p.Ratio, Score: p.Score, MaxScore: p.MaxScore}
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("period = ?", period).Delete(&portalRow{}).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.CreateInBatches(rows, 200).Error
	})
	if err != nil {
		return fmt.Errorf("store: portal progress %s: %w", period, err)
	}
	return nil
}

// PortalProgress returns the portal's figures of period, the parent first.
func (s *Store) PortalProgress(ctx context.Context, period string) ([]models.PortalProgress, error) {
	var rows []portalRow
	err := s.db.WithContext(ctx).Where("period = ?", period).Order("is_parent DESC, portal_id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: portal progress %s: %w", period, err)
	}
	out := make([]models.PortalProgress, len(rows))
	for i, r := range rows {
		out[i] = models.PortalProgress{Period: r.Period, PortalID: r.PortalID, Name: r.Name, Parent: r.IsParent,
			Received: r.TotalReceived, OnTime: r.TotalOnTime, Overdue: r.TotalOverdue, Ratio: r.Ratio, Score: r.Score, MaxScore: r.MaxScore}
	}
	return out, nil
}
