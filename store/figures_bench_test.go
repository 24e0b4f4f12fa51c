package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/sample"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// EnvBenchURL names the Postgres database BenchmarkMonthFigures1M fills
// once with the 1M-dossier province and keeps (it is never dropped).
const EnvBenchURL = "DONDOC_BENCH_DATABASE_URL"

const benchDossiers = 1_000_000

// BenchmarkMonthFigures1M times MonthFigures for October 2026 over a
// province of a million dossiers (12 months, 20 000 officers) on Postgres.
// The database at DONDOC_BENCH_DATABASE_URL is loaded on the first run
// only (when it does not hold exactly that many dossiers). Target: ≤ 3 s.
//
//	createdb -h 127.0.0.1 -U postgres dondoc_figures_bench
//	DONDOC_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dondoc_figures_bench?sslmode=disable \
//	  go test ./store -run '^$' -bench MonthFigures1M -benchtime 3x -timeout 2h
func BenchmarkMonthFigures1M(b *testing.B) {
	u := os.Getenv(EnvBenchURL)
	if u == "" {
		b.Skip(EnvBenchURL + " is not set")
	}
	ctx := context.Background()
	s, err := store.Open(ctx, u, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	loc := vnLoc()
	cal := models.NewCalendar(models.CalendarConfig{Location: loc})
	now := time.Date(2026, time.November, 12, 10, 30, 0, 0, loc)
	n, err := s.CountDossiers(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if n != benchDossiers {
		start := time.Now()
		l := &benchLoader{ctx: ctx, s: s}
		err := sample.Generate(sample.Config{Seed: 1, Now: now, Months: 12, Dossiers: benchDossiers, Officers: 20_000,
			Location: loc, Calendar: cal}, l)
		if err == nil {
			err = l.flush()
		}
		if err != nil {
			b.Fatal(err)
		}
		if err := s.DB().WithContext(ctx).Exec("ANALYZE").Error; err != nil {
			b.Fatal(err)
		}
		b.Logf("loaded %d dossiers, %d steps in %s", l.dossiers, l.steps, time.Since(start).Round(time.Second))
	}
	units, err := s.Units(ctx)
	if err != nil {
		b.Fatal(err)
	}
	tree, err := models.NewUnitTree(units)
	if err != nil {
		b.Fatal(err)
	}
	q := models.FiguresQuery{Period: models.MonthPeriod(2026, time.October, loc), Location: loc, Tree: tree}
	b.ResetTimer()
	var f *models.Figures
	for b.Loop() {
		if f, err = s.MonthFigures(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var total models.Counts
	for _, c := range f.Own {
		total.Add(c)
	}
	b.Logf("October 2026: %d units, %d officers, %d dossiers in scope", len(f.Own), len(f.Officers), total.InScope)
}

// benchLoader writes the generated province through the store's upserts
// in batches (dossiers before their steps).
type benchLoader struct {
	ctx             context.Context
	s               *store.Store
	units           []models.Unit
	officers        []models.Officer
	procs           []models.Procedure
	refsDone        bool
	ds              []models.Dossier
	st              []models.Step
	dossiers, steps int
}

func (l *benchLoader) Unit(u models.Unit) error       { l.units = append(l.units, u); return nil }
func (l *benchLoader) Officer(o models.Officer) error { l.officers = append(l.officers, o); return nil }
func (l *benchLoader) Procedure(p models.Procedure) error {
	l.procs = append(l.procs, p)
	return nil
}

func (l *benchLoader) Dossier(d *models.Dossier) error {
	if !l.refsDone {
		if err := l.s.UpsertUnits(l.ctx, l.units); err != nil {
			return err
		}
		if err := l.s.UpsertOfficers(l.ctx, l.officers); err != nil {
			return err
		}
		if err := l.s.UpsertProcedures(l.ctx, l.procs); err != nil {
			return err
		}
		l.refsDone = true
	}
	c := *d
	c.Supplements = append([]models.Interval(nil), d.Supplements...)
	l.ds = append(l.ds, c)
	if len(l.ds) >= 5000 {
		return l.flush()
	}
	return nil
}

func (l *benchLoader) Step(st models.Step) error { l.st = append(l.st, st); return nil }

func (l *benchLoader) flush() error {
	if err := storetest.SeedDossiers(l.ctx, l.s, l.ds); err != nil {
		return err
	}
	if err := storetest.SeedSteps(l.ctx, l.s, l.st); err != nil {
		return err
	}
	l.dossiers += len(l.ds)
	l.steps += len(l.st)
	l.ds, l.st = l.ds[:0], l.st[:0]
	return nil
}
