package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// Reports with merged units, on SQLite and Postgres: June 2025 shows the
// old communes, August 2025 the new ones, and the year 2025 counts every
// dossier once.
func TestReportsAcrossTheMerger(t *testing.T) {
	m := storetest.NewMerger()
	loc := storetest.MergerLoc
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		m.Load(t, s)
		monthly := func(month time.Month, scope string) *report.Report {
			t.Helper()
			r, err := report.Monthly(ctx, s, m.Units, m.Officers, 2025, month, scope, report.Options{Location: loc})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		rows := func(r *report.Report) map[string]int { // code → in scope
			out := map[string]int{}
			for _, u := range r.Units {
				out[u.Code] = u.Counts.InScope
			}
			return out
		}

		june := rows(monthly(time.June, ""))
		for code, want := range map[string]int{"T": 5, "S": 1, "H": 4, "XA": 2, "XB": 1, "XC": 1} {
			if june[code] != want {
				t.Errorf("June: %s in scope %d, want %d (%v)", code, june[code], want, june)
			}
		}
		for _, code := range []string{"X1", "X2", "X1.KT"} {
			if _, ok := june[code]; ok {
				t.Errorf("June shows %s, a unit from 1/7/2025: %v", code, june)
			}
		}

		aug := rows(monthly(time.August, ""))
		// X1: XA-2 (still open) and XB-1 (finished in August) carried over,
		// X1-1 of its room; X2: XC-1.
		for code, want := range map[string]int{"T": 4, "X1": 3, "X1.KT": 1, "X2": 1} {
			if aug[code] != want {
				t.Errorf("August: %s in scope %d, want %d (%v)", code, aug[code], want, aug)
			}
		}
		for _, code := range []string{"H", "XA", "XB", "XC"} {
			if _, ok := aug[code]; ok {
				t.Errorf("August shows %s, a unit ended on 30/6/2025: %v", code, aug)
			}
		}

		// The new commune's own report of June: its predecessors.
		j1 := monthly(time.June, "X1")
		if got := rows(j1); got["XA"] != 2 || got["XB"] != 1 || len(got) != 2 || j1.Total().InScope != 3 {
			t.Errorf("June, scope X1: %v", got)
		}

		// The year: every dossier once, under the units of 31/12/2025.
		f, err := s.MonthFigures(ctx, models.FiguresQuery{Period: models.YearPeriod(2025, loc), Location: loc})
		if err != nil {
			t.Fatal(err)
		}
		var inScope, received int
		for code, c := range f.Own {
			if slices.Contains([]string{"H", "XA", "XB", "XC"}, code) {
				t.Errorf("year 2025 keeps figures under %s", code)
			}
			inScope += c.InScope
			received += c.Received
		}
		if inScope != len(m.Dossiers) || received != len(m.Dossiers) || f.Own["X1"].InScope != 3 || f.Own["X2"].InScope != 1 {
			t.Errorf("year 2025: in scope %d, received %d of %d dossiers: %+v", inScope, received, len(m.Dossiers), f.Own)
		}
		// The months add up to the year: each dossier received once.
		monthsReceived := 0
		for mo := time.January; mo <= time.December; mo++ {
			f, err := s.MonthFigures(ctx, models.FiguresQuery{Period: models.MonthPeriod(2025, mo, loc), Location: loc})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range f.Own {
				monthsReceived += c.Received
			}
		}
		if monthsReceived != received {
			t.Errorf("months receive %d, the year %d", monthsReceived, received)
		}
	})
}

// Scope with merged units, cell by cell, as the store answers it: the
// leader of a new commune sees the open dossiers of its predecessors.
func TestScopeAcrossTheMerger(t *testing.T) {
	m := storetest.NewMerger()
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		m.Load(t, s)
		dir := s.ChatDirectory(time.Minute)
		tree, err := dir.Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		open := func(root string) []string {
			ds, err := s.OpenDossiersInUnits(ctx, tree.Scope(root), time.Time{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, d := range ds {
				out = append(out, d.Code)
			}
			return out
		}
		for root, want := range map[string][]string{
			"X1": {"XA-2"}, "X2": {"XC-1"}, "T": {"XC-1", "XA-2"}, "S": nil, "X1.KT": nil, "H": {"XC-1", "XA-2"},
		} {
			if got := open(root); !slices.Equal(got, want) {
				t.Errorf("open dossiers in the scope of %s = %v, want %v", root, got, want)
			}
		}
		if codes, err := s.UnitScope(ctx, "X1"); err != nil || !slices.Equal(codes, tree.Scope("X1")) || !slices.Contains(codes, "XB") {
			t.Errorf("UnitScope(X1) = %v, %v", codes, err)
		}
		if _, err := s.UnitScope(ctx, "nope"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("UnitScope(unknown) err = %v", err)
		}
		ds, total, err := s.OpenDossiers(ctx, store.OpenQuery{Units: tree.Scope("X1"), Limit: 10})
		if err != nil || total != 1 || ds[0].Code != "XA-2" {
			t.Errorf("OpenDossiers(scope X1) = %v, %d, %v", ds, total, err)
		}
		leader := models.Person{OfficerCode: "lx1", UnitCode: "X1", Role: models.RoleLeader}
		for unit, want := range map[string]bool{"X1": true, "X1.KT": true, "XA": true, "XB": true, "XC": false, "X2": false, "H": false, "S": false} {
			if got, err := dir.InScope(ctx, leader, unit); err != nil || got != want {
				t.Errorf("InScope(leader of X1, %s) = %v, %v; want %v", unit, got, err, want)
			}
		}
		units, all, err := dir.ScopeUnits(ctx, leader, "")
		if err != nil || all || !slices.Contains(units, "XA") || slices.Contains(units, "XC") {
			t.Errorf("ScopeUnits(leader of X1) = %v, %v, %v", units, all, err)
		}
	})
}
