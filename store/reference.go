package store

import (
	"context"
	"fmt"

	"github.com/dondoc/dondoc/models"
)

type procedureRow struct {
	Code         string `gorm:"primaryKey"`
	Name         string
	Field        string
	LimitDays    int
	LimitUnit    string
	CutoffMinute *int
}

func procRow(p models.Procedure) procedureRow {
	r := procedureRow{Code: models.NFC(p.Code), Name: models.NFC(p.Name), Field: models.NFC(p.Field), LimitDays: p.LimitDays,
		LimitUnit: string(p.Limit().Unit)}
	if p.HasCutoff {
		m := p.CutoffMinute
		r.CutoffMinute = &m
	}
	return r
}

func (r *procedureRow) model() models.Procedure {
	p := models.Procedure{Code: r.Code, Name: r.Name, Field: r.Field, LimitDays: r.LimitDays, LimitUnit: models.LimitUnit(r.LimitUnit)}
	if r.CutoffMinute != nil {
		p.CutoffMinute, p.HasCutoff = *r.CutoffMinute, true
	}
	return p
}

func sameProc(a, b *procedureRow) bool {
	return a.Code == b.Code && a.Name == b.Name && a.Field == b.Field && a.LimitDays == b.LimitDays && a.LimitUnit == b.LimitUnit &&
		(a.CutoffMinute == nil) == (b.CutoffMinute == nil) && (a.CutoffMinute == nil || *a.CutoffMinute == *b.CutoffMinute)
}

var procCols = []string{"name", "field", "limit_days", "limit_unit", "cutoff_minute"}

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
		rows[i] = procRow(p)
	}
	rows = dedupe(rows, func(r *procedureRow) string { return r.Code })
	return upsert(ctx, s, "procedures", rows, []string{"code"}, procCols)
}

// Procedures returns every procedure, by code.
func (s *Store) Procedures(ctx context.Context) ([]models.Procedure, error) {
	return allByCode[procedureRow, models.Procedure](ctx, s.db, "procedures")
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

// Procedure returns the procedure with code, or models.ErrNotFound.
func (s *Store) Procedure(ctx context.Context, code string) (models.Procedure, error) {
	var rows []procedureRow
	if err := s.db.WithContext(ctx).Where("code = ?", models.NFC(code)).Limit(1).Find(&rows).Error; err != nil {
		return models.Procedure{}, fmt.Errorf("store: procedure %q: %w", code, err)
	}
	if len(rows) == 0 {
		return models.Procedure{}, fmt.Errorf("store: procedure %q: %w", code, models.ErrNotFound)
	}
	return rows[0].model(), nil
}

// WriteProcedures stores procedures by code (ma_tthc) with their time
// limit, its unit and their cut-off.
func (im *Import) WriteProcedures(ctx context.Context, procs []models.Procedure) (models.ImportCounts, error) {
	rows := make([]procedureRow, len(procs))
	for i, p := range procs {
		rows[i] = procRow(p)
	}
	return writeChangedByCode(ctx, im, "procedures", rows, func(r *procedureRow) string { return r.Code }, sameProc, procCols)
}
