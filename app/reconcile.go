package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/store"
)

// runImportPortal is dondoc import portal FILE --month YYYY-MM: the
// portal's published "Tiến độ giải quyết" of a month, replacing an earlier
// import of the same month.
func runImportPortal(ctx context.Context, a *app, path, month string) error {
	if month == "" {
		return usagef("dondoc import portal TỆP cần --month YYYY-MM (tháng của số liệu Cổng)")
	}
	if _, err := time.Parse("2006-01", month); err != nil {
		return usagef("--month cần dạng YYYY-MM, không phải %q", month)
	}
	f, err := os.Open(path)
	if err != nil {
		return &exitError{exitFailure, fmt.Errorf("không mở được tệp: %w", err)}
	}
	defer f.Close()
	ps, err := ingest.ReadPortalProgress(f, filepath.Base(path), month)
	if err != nil {
		return &exitError{exitFailure, fmt.Errorf("không nhập được: %w", err)}
	}
	st, err := openStore(ctx, a, false)
	if err != nil {
		return &exitError{exitFailure, err}
	}
	defer st.Close()
	if err := st.ReplacePortalProgress(ctx, month, ps); err != nil {
		return &exitError{exitFailure, err}
	}
	units, err := st.Units(ctx)
	if err != nil {
		return &exitError{exitFailure, err}
	}
	mapped := map[string]bool{}
	for _, u := range units {
		if u.PortalID != "" {
			mapped[u.PortalID] = true
		}
	}
	unknown := 0
	for _, p := range ps {
		if !mapped[p.PortalID] && !p.Parent {
			unknown++
		}
	}
	fmt.Fprintf(a.stdout, "Cổng DVCQG, tháng %s: %d đơn vị", month, len(ps))
	if unknown > 0 {
		fmt.Fprintf(a.stdout, " (%d chưa ứng với đơn vị nào trong dondoc: thêm cột mã trên Cổng, ma_cong_dvc, vào tệp đơn vị)", unknown)
	}
	fmt.Fprintln(a.stdout)
	return nil
}

// reconcileMonth puts dondoc's figures of a month beside the portal's,
// with the dossiers that explain the differences.
func reconcileMonth(ctx context.Context, a *app, st *store.Store, year int, month time.Month) (*report.Reconciliation, error) {
	units, err := st.Units(ctx)
	if err != nil {
		return nil, err
	}
	officers, err := st.Officers(ctx)
	if err != nil {
		return nil, err
	}
	now := a.clock().Now().In(a.cfg.Location)
	rep, err := report.Monthly(ctx, st, units, officers, year, month, "", report.Options{Location: a.cfg.Location, GeneratedAt: now, Now: now})
	if err != nil {
		return nil, err
	}
	portal, err := st.PortalProgress(ctx, fmt.Sprintf("%04d-%02d", year, int(month)))
	if err != nil {
		return nil, err
	}
	cal, err := loadCalendar(ctx, a, st)
	if err != nil {
		return nil, err
	}
	rules := rulesFor(a, cal)
	p := models.MonthPeriod(year, month, a.cfg.Location)
	at := p.Last()
	if now.Before(p.End) {
		at = now
	}
	mappedTo := portalAncestors(units)
	explained := map[string]*report.Explained{}
	err = st.EachDossier(ctx, func(d *models.Dossier) error {
		key := mappedTo[d.UnitCode]
		add := func(w report.Why) {
			e := explained[key]
			if e == nil {
				e = &report.Explained{}
				explained[key] = e
			}
			e.Add(w, d.Code)
		}
		if key == "" {
			if _, in := rules.TallyAt(d, p, at); in {
				add(report.WhyDondocOnly)
			}
			return nil
		}
		if w, ok := report.Explain(rules, d, p); ok {
			add(w)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return report.Reconcile(rep, units, portal, explained), nil
}

// portalAncestors maps each unit code to the code of the nearest unit at
// or above it that has a portal id ("" when none).
func portalAncestors(units []models.Unit) map[string]string {
	byCode := make(map[string]*models.Unit, len(units))
	for i := range units {
		byCode[units[i].Code] = &units[i]
	}
	out := make(map[string]string, len(units))
	for i := range units {
		u := &units[i]
		for depth := 0; u != nil && depth < len(units)+1; depth++ {
			if u.PortalID != "" {
				out[units[i].Code] = u.Code
				break
			}
			u = byCode[u.ParentCode]
		}
	}
	return out
}
