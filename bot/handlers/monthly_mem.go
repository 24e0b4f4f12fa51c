package handlers

import (
	"context"
	"fmt"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/store"
)

// MemReports computes a month's report by streaming every dossier and step
// from the store through models.Rules.Tally and OfficerTally, then
// report.Build. It is simple and slow on big databases: the SQL
// implementation replaces it there.
type MemReports struct {
	Store *store.Store
	Rules *models.Rules
	Clock func() time.Time
	Place string // the date line's place, e.g. "Bình Minh"
}

var _ MonthlyReports = (*MemReports)(nil)

// Monthly implements MonthlyReports.
func (m *MemReports) Monthly(ctx context.Context, year int, month time.Month, scope string) (*report.Report, error) {
	loc := m.Rules.Cal.Location()
	units, err := m.Store.Units(ctx)
	if err != nil {
		return nil, err
	}
	tree, err := models.NewUnitTree(units)
	if err != nil {
		return nil, fmt.Errorf("báo cáo: %w", err)
	}
	if scope != "" {
		if _, ok := tree.Get(scope); !ok {
			return nil, fmt.Errorf("báo cáo: không có đơn vị %q", scope)
		}
	}
	officers, err := m.Store.Officers(ctx)
	if err != nil {
		return nil, err
	}
	steps := map[string][]models.Step{}
	if err := m.Store.EachStep(ctx, func(s models.Step) error {
		steps[s.DossierCode] = append(steps[s.DossierCode], s)
		return nil
	}); err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, o := range officers {
		known[o.Code] = true
	}
	cur := models.MonthPeriod(year, month, loc)
	prev := models.MonthPeriod(year, month-1, loc)
	curDay, prevDay := models.DateOf(cur.Last(), loc), models.DateOf(prev.Last(), loc)
	own, prevOwn := map[string]models.Counts{}, map[string]models.Counts{}
	oc := map[string]models.OfficerCounts{}
	unassigned := 0
	inScope := func(unit string) bool { return scope == "" || tree.Contains(scope, unit) }
	err = m.Store.EachDossier(ctx, func(d *models.Dossier) error {
		unit := tree.Resolve(d.UnitCode, curDay)
		if _, ok := tree.Get(unit); !ok {
			return nil // a unit the tree does not know: left out of the report
		}
		if c, ok := m.Rules.Tally(d, cur); ok {
			acc := own[unit]
			acc.Add(c)
			own[unit] = acc
			if !known[d.HandlerCode] && inScope(unit) {
				unassigned++
			}
		}
		if c, ok := m.Rules.Tally(d, prev); ok {
			pu := tree.Resolve(d.UnitCode, prevDay)
			acc := prevOwn[pu]
			acc.Add(c)
			prevOwn[pu] = acc
		}
		m.Rules.OfficerTally(d, steps[d.Code], cur, func(code string, c models.OfficerCounts) {
			acc := oc[code]
			acc.Add(c)
			oc[code] = acc
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for code := range prevOwn {
		if _, ok := tree.Get(code); !ok {
			delete(prevOwn, code)
		}
	}
	now := time.Now
	if m.Clock != nil {
		now = m.Clock
	}
	return report.Build(report.Input{
		Year: year, Month: month, Scope: scope, Place: m.Place, GeneratedAt: now().In(loc),
		Units: units, Own: own, PrevOwn: prevOwn, Officers: officers, OfficerCounts: oc, Unassigned: unassigned,
	})
}
