package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dondoc/dondoc/models"
)

// maxParams bounds the bound parameters of one statement: under Postgres'
// 65535 and SQLite's 32766.
const maxParams = 30000

// batchSize returns how many rows of cols columns fit in one statement.
func batchSize(cols int) int { return maxParams / cols }

type unitRow struct {
	Code          string `gorm:"primaryKey"`
	Name          string
	Level         string
	ParentCode    string
	ValidFrom     civil
	ValidTo       civil
	SuccessorCode string
}

func (unitRow) TableName() string { return "units" }

type officerRow struct {
	Code     string `gorm:"primaryKey"`
	Name     string
	UnitCode string
	Position string
	Role     string
	Phone    string
	Email    string
	Active   bool
}

func (officerRow) TableName() string { return "officers" }

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

// dedupe keeps the last row of each key, in first-seen order: one
// INSERT … ON CONFLICT DO UPDATE may not touch a row twice.
func dedupe[T any, K comparable](rows []T, key func(*T) K) []T {
	idx := make(map[K]int, len(rows))
	out := rows[:0:0]
	for i := range rows {
		k := key(&rows[i])
		if j, ok := idx[k]; ok {
			out[j] = rows[i]
			continue
		}
		idx[k] = len(out)
		out = append(out, rows[i])
	}
	return out
}

// upsert inserts rows, replacing every column but the key on conflict.
func upsert[T any](ctx context.Context, db *gorm.DB, what string, rows []T, key []string, update []string) error {
	if len(rows) == 0 {
		return nil
	}
	cols := make([]clause.Column, len(key))
	for i, k := range key {
		cols[i] = clause.Column{Name: k}
	}
	n := batchSize(len(key) + len(update))
	err := db.WithContext(ctx).Clauses(clause.OnConflict{Columns: cols, DoUpdates: clause.AssignmentColumns(update)}).
		CreateInBatches(rows, n).Error
	if err != nil {
		return fmt.Errorf("store: upsert %s: %w", what, err)
	}
	return nil
}

// UpsertUnits inserts or replaces units by code.
func (s *Store) UpsertUnits(ctx context.Context, units []models.Unit) error {
	rows := make([]unitRow, len(units))
	for i, u := range units {
		rows[i] = unitRow{Code: models.NFC(u.Code), Name: models.NFC(u.Name), Level: models.NFC(u.Level),
			ParentCode: models.NFC(u.ParentCode), ValidFrom: civil(u.ValidFrom), ValidTo: civil(u.ValidTo),
			SuccessorCode: models.NFC(u.SuccessorCode)}
	}
	rows = dedupe(rows, func(r *unitRow) string { return r.Code })
	return upsert(ctx, s.db, "units", rows, []string{"code"},
		[]string{"name", "level", "parent_code", "valid_from", "valid_to", "successor_code"})
}

// Units returns every unit, by code.
func (s *Store) Units(ctx context.Context) ([]models.Unit, error) {
	var rows []unitRow
	if err := s.db.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: units: %w", err)
	}
	out := make([]models.Unit, len(rows))
	for i, r := range rows {
		out[i] = models.Unit{Code: r.Code, Name: r.Name, Level: r.Level, ParentCode: r.ParentCode,
			ValidFrom: models.Date(r.ValidFrom), ValidTo: models.Date(r.ValidTo), SuccessorCode: r.SuccessorCode}
	}
	return out, nil
}

// UpsertOfficers inserts or replaces officers by code.
func (s *Store) UpsertOfficers(ctx context.Context, officers []models.Officer) error {
	rows := make([]officerRow, len(officers))
	for i, o := range officers {
		role := o.Role
		if role == "" {
			role = models.RoleOfficer
		}
		rows[i] = officerRow{Code: models.NFC(o.Code), Name: models.NFC(o.Name), UnitCode: models.NFC(o.UnitCode),
			Position: models.NFC(o.Position), Role: string(role), Phone: o.Phone, Email: o.Email, Active: o.Active}
	}
	rows = dedupe(rows, func(r *officerRow) string { return r.Code })
	return upsert(ctx, s.db, "officers", rows, []string{"code"},
		[]string{"name", "unit_code", "position", "role", "phone", "email", "active"})
}

func (r *officerRow) model() models.Officer {
	return models.Officer{Code: r.Code, Name: r.Name, UnitCode: r.UnitCode, Position: r.Position,
		Role: models.Role(r.Role), Phone: r.Phone, Email: r.Email, Active: r.Active}
}

// Officer returns the officer with code, or models.ErrNotFound.
func (s *Store) Officer(ctx context.Context, code string) (models.Officer, error) {
	var r officerRow
	err := s.db.WithContext(ctx).Where("code = ?", models.NFC(code)).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Officer{}, fmt.Errorf("store: officer %q: %w", code, models.ErrNotFound)
	}
	if err != nil {
		return models.Officer{}, fmt.Errorf("store: officer %q: %w", code, err)
	}
	return r.model(), nil
}

// Officers returns every officer, by code.
func (s *Store) Officers(ctx context.Context) ([]models.Officer, error) {
	var rows []officerRow
	if err := s.db.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: officers: %w", err)
	}
	out := make([]models.Officer, len(rows))
	for i := range rows {
		out[i] = rows[i].model()
	}
	return out, nil
}

// UpsertProcedures inserts or replaces procedures by code.
func (s *Store) UpsertProcedures(ctx context.Context, procs []models.Procedure) error {
	rows := make([]procedureRow, len(procs))
	for i, p := range procs {
		rows[i] = procedureRow{Code: models.NFC(p.Code), Name: models.NFC(p.Name), Field: models.NFC(p.Field), LimitDays: p.LimitDays}
	}
	rows = dedupe(rows, func(r *procedureRow) string { return r.Code })
	return upsert(ctx, s.db, "procedures", rows, []string{"code"}, []string{"name", "field", "limit_days"})
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
	return upsert(ctx, s.db, "holidays", rows, []string{"date"}, []string{"kind", "name", "source"})
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
