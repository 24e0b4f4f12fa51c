package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dondoc/dondoc/models"
)

type unitRow struct {
	Code          string `gorm:"primaryKey"`
	Name          string
	Level         string
	ParentCode    string
	ValidFrom     civil
	ValidTo       civil
	SuccessorCode string
	PortalID      string
}

func (unitRow) TableName() string { return "units" }

func (r *unitRow) model() models.Unit {
	return models.Unit{Code: r.Code, Name: r.Name, Level: r.Level, ParentCode: r.ParentCode,
		ValidFrom: models.Date(r.ValidFrom), ValidTo: models.Date(r.ValidTo), SuccessorCode: r.SuccessorCode, PortalID: r.PortalID}
}

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

func (r *officerRow) model() models.Officer {
	return models.Officer{Code: r.Code, Name: r.Name, UnitCode: r.UnitCode, Position: r.Position,
		Role: models.Role(r.Role), Phone: r.Phone, Email: r.Email, Active: r.Active}
}

// unitColumns and officerColumns are the columns an upsert by code writes.
var (
	unitColumns    = []string{"name", "level", "parent_code", "valid_from", "valid_to", "successor_code", "portal_id"}
	officerColumns = []string{"name", "unit_code", "position", "role", "phone", "email", "active"}
)

// unitRows are units as stored: text NFC-normalised.
func unitRows(units []models.Unit) []unitRow {
	rows := make([]unitRow, len(units))
	for i, u := range units {
		rows[i] = unitRow{Code: models.NFC(u.Code), Name: models.NFC(u.Name), Level: models.NFC(u.Level),
			ParentCode: models.NFC(u.ParentCode), ValidFrom: civil(u.ValidFrom), ValidTo: civil(u.ValidTo),
			SuccessorCode: models.NFC(u.SuccessorCode), PortalID: models.NFC(u.PortalID)}
	}
	return rows
}

// officerRows are officers as stored: text NFC-normalised, an empty role
// an officer's.
func officerRows(officers []models.Officer) []officerRow {
	rows := make([]officerRow, len(officers))
	for i, o := range officers {
		role := o.Role
		if role == "" {
			role = models.RoleOfficer
		}
		rows[i] = officerRow{Code: models.NFC(o.Code), Name: models.NFC(o.Name), UnitCode: models.NFC(o.UnitCode),
			Position: models.NFC(o.Position), Role: string(role), Phone: o.Phone, Email: o.Email, Active: o.Active}
	}
	return rows
}

// UpsertUnits inserts or replaces units by code.
func (s *Store) UpsertUnits(ctx context.Context, units []models.Unit) error {
	rows := dedupe(unitRows(units), func(r *unitRow) string { return r.Code })
	return upsert(ctx, s, "units", rows, []string{"code"}, unitColumns)
}

// Units returns every unit, by code.
func (s *Store) Units(ctx context.Context) ([]models.Unit, error) {
	return allByCode[unitRow, models.Unit](ctx, s.db, "units")
}

// Unit returns the unit with code, or models.ErrNotFound.
func (s *Store) Unit(ctx context.Context, code string) (models.Unit, error) {
	r, err := takeByCode[unitRow](ctx, s.db, "unit", code)
	if err != nil {
		return models.Unit{}, err
	}
	return r.model(), nil
}

// UpsertOfficers inserts or replaces officers by code.
func (s *Store) UpsertOfficers(ctx context.Context, officers []models.Officer) error {
	rows := dedupe(officerRows(officers), func(r *officerRow) string { return r.Code })
	return upsert(ctx, s, "officers", rows, []string{"code"}, officerColumns)
}

// Officer returns the officer with code, or models.ErrNotFound.
func (s *Store) Officer(ctx context.Context, code string) (models.Officer, error) {
	r, err := takeByCode[officerRow](ctx, s.db, "officer", code)
	if err != nil {
		return models.Officer{}, err
	}
	return r.model(), nil
}

// Officers returns every officer, by code (byte order). A province has
// 20,000: the rows are scanned directly (gorm's reflection took a quarter
// of a warm monthly report) and sorted here (Postgres sorting them under a
// libc collation took twenty times as long as reading them).
func (s *Store) Officers(ctx context.Context) ([]models.Officer, error) {
	rs, err := s.db.WithContext(ctx).Raw(
		"SELECT code, name, unit_code, position, role, phone, email, active FROM officers").Rows()
	if err != nil {
		return nil, fmt.Errorf("store: officers: %w", err)
	}
	defer rs.Close()
	var out []models.Officer
	for rs.Next() {
		var r officerRow
		if err := rs.Scan(&r.Code, &r.Name, &r.UnitCode, &r.Position, &r.Role, &r.Phone, &r.Email, &r.Active); err != nil {
			return nil, fmt.Errorf("store: officers: %w", err)
		}
		out = append(out, r.model())
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("store: officers: %w", err)
	}
	slices.SortFunc(out, func(a, b models.Officer) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

// OfficersByCode returns the officers with the given codes, by code
// (unknown codes are left out).
func (s *Store) OfficersByCode(ctx context.Context, codes []string) (map[string]models.Officer, error) {
	out := map[string]models.Officer{}
	for _, chunk := range chunks(codes, s.maxParams()) {
		var rows []officerRow
		if err := s.db.WithContext(ctx).Where("code IN ?", chunk).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("store: officers: %w", err)
		}
		for i := range rows {
			out[rows[i].Code] = rows[i].model()
		}
	}
	return out, nil
}

// UnitTree returns the tree of every unit.
func (s *Store) UnitTree(ctx context.Context) (*models.UnitTree, error) {
	units, err := s.Units(ctx)
	if err != nil {
		return nil, err
	}
	t, err := models.NewUnitTree(units)
	if err != nil {
		return nil, fmt.Errorf("store: unit tree: %w", err)
	}
	return t, nil
}

// UnitScope returns the codes of the units the scope of root covers —
// models.UnitTree.Scope: root's sub-tree plus every predecessor's sub-tree
// — for a query's unit_code IN (…); ErrNotFound for an unknown root. Every
// query that decides what a unit's leader, group, report or page covers
// asks this (or the tree) rather than walking parents itself.
func (s *Store) UnitScope(ctx context.Context, root string) ([]string, error) {
	t, err := s.UnitTree(ctx)
	if err != nil {
		return nil, err
	}
	codes := t.Scope(models.NFC(root))
	if codes == nil {
		return nil, fmt.Errorf("store: unit scope %q: %w", root, models.ErrNotFound)
	}
	return codes, nil
}
