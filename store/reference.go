package store

import (
	"context"
	"fmt"

	"github.com/dondoc/dondoc/models"
)

type procedureRow struct {
	Code      string `gorm:"primaryKey"`
	Name      string
	Field     string
	LimitDays int
}

func (procedureRow) TableName() string { return "procedures" }

type holidayRow struct {
	Date   civil `gorm:"primaryKey;column:date"`
	Kind   string
	Name   string
	Source string
}

func (holidayRow) TableName() string { return "holidays" }

// UpsertProcedures inserts or replaces procedures by code.
func (s *Store) UpsertProcedures(ctx context.Context, procs []models.Procedure) error {
	rows := make([]procedureRow, len(procs))
	for i, p := range procs {
		rows[i] = procedureRow{Code: models.NFC(p.Code), Name: models.NFC(p.Name), Field: models.NFC(p.Field), LimitDays: p.LimitDays}
	}
	rows = dedupe(rows, func(r *procedureRow) string { return r.Code })
	return upsert(ctx, s, "procedures", rows, []string{"code"}, []string{"name", "field", "limit_days"})
}

// Procedures returns every procedure, by code.
func (s *Store) Procedures(ctx context.Context) ([]models.Procedure, error) {
	var rows []procedureRow
	if err := s.db.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: procedures: %w", err)
	}
	out := make([]models.Procedure, len(rows))
	for i, r := range rows {
		out[i] = models.Procedure{Code: r.Code, Name: r.Name, Field: r.Field, LimitDays: r.LimitDays}
	}
	return out, nil
}

// UpsertHolidays inserts or replaces official overrides by date.
func (s *Store) UpsertHolidays(ctx context.Context, hs []models.Holiday) error {
	rows := make([]holidayRow, len(hs))
	for i, h := range hs {
		if h.Date == models.NoDate {
			return fmt.Errorf("store: upsert holidays: entry %d (%q) has no date", i+1, h.Name)
		}
		kind := h.Kind
		if kind == "" {
			kind = models.DayOff
		}
		rows[i] = holidayRow{Date: civil(h.Date), Kind: string(kind), Name: models.NFC(h.Name), Source: models.NFC(h.Source)}
	}
	rows = dedupe(rows, func(r *holidayRow) civil { return r.Date })
	return upsert(ctx, s, "holidays", rows, []string{"date"}, []string{"kind", "name", "source"})
}

// Holidays returns every stored override, by date.
func (s *Store) Holidays(ctx context.Context) ([]models.Holiday, error) {
	var rows []holidayRow
	if err := s.db.WithContext(ctx).Order("date").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: holidays: %w", err)
	}
	out := make([]models.Holiday, len(rows))
	for i, r := range rows {
		out[i] = models.Holiday{Date: models.Date(r.Date), Kind: models.DayKind(r.Kind), Name: r.Name, Source: r.Source}
	}
	return out, nil
}
