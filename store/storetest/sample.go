package storetest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/sample"
	"github.com/dondoc/dondoc/store"
)

// LoadSample writes data (a sample district or province) into s: its
// units, officers, procedures, dossiers and steps. It fails the test on an
// error.
func LoadSample(tb testing.TB, s *store.Store, data *sample.Data) {
	tb.Helper()
	ctx := context.Background()
	for _, err := range []error{
		s.UpsertUnits(ctx, data.Units), s.UpsertOfficers(ctx, data.Officers), s.UpsertProcedures(ctx, data.Procedures),
		SeedDossiers(ctx, s, data.Dossiers), SeedSteps(ctx, s, data.Steps),
	} {
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// District generates the sample district whose history runs to now, on
// the default calendar of now's location. It fails the test on an error.
func District(tb testing.TB, now time.Time) *sample.Data {
	tb.Helper()
	data, err := sample.District(now, models.NewCalendar(models.CalendarConfig{Location: now.Location()}))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// SQLiteFile writes data to a fresh migrated SQLite file called name in a
// temp directory and returns its path, the store closed again: for tests
// that hand the file to a command as DATABASE_URL.
func SQLiteFile(tb testing.TB, name string, data *sample.Data) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	s, err := store.Open(context.Background(), path, nil)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	defer s.Close()
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatalf("storetest: migrate %s: %v", path, err)
	}
	LoadSample(tb, s, data)
	return path
}

// Loader is a sample.Sink that writes a generated province into Store in
// batches of 5,000 dossiers (units, officers and procedures first), for
// samples too large to hold in memory. Call Flush after sample.Generate.
type Loader struct {
	Ctx   context.Context
	Store *store.Store
	// SkipSteps drops the steps (benchmarks that read only dossiers).
	SkipSteps bool
	// Dossiers and Steps count what was written.
	Dossiers, Steps int

	units    []models.Unit
	officers []models.Officer
	procs    []models.Procedure
	refsDone bool
	ds       []models.Dossier
	steps    []models.Step
}

var _ sample.Sink = (*Loader)(nil)

func (l *Loader) Unit(u models.Unit) error           { l.units = append(l.units, u); return nil }
func (l *Loader) Officer(o models.Officer) error     { l.officers = append(l.officers, o); return nil }
func (l *Loader) Procedure(p models.Procedure) error { l.procs = append(l.procs, p); return nil }

func (l *Loader) Step(st models.Step) error {
	if !l.SkipSteps {
		l.steps = append(l.steps, st)
	}
	return nil
}

func (l *Loader) Dossier(d *models.Dossier) error {
	if !l.refsDone {
		for _, err := range []error{
			l.Store.UpsertUnits(l.Ctx, l.units), l.Store.UpsertOfficers(l.Ctx, l.officers), l.Store.UpsertProcedures(l.Ctx, l.procs),
		} {
			if err != nil {
				return err
			}
		}
		l.refsDone = true
	}
	c := *d
	c.Supplements = append([]models.Interval(nil), d.Supplements...)
	l.ds = append(l.ds, c)
	if len(l.ds) >= 5000 {
		return l.Flush()
	}
	return nil
}

// Flush writes the dossiers and steps held back (dossiers first).
func (l *Loader) Flush() error {
	if err := SeedDossiers(l.Ctx, l.Store, l.ds); err != nil {
		return err
	}
	if err := SeedSteps(l.Ctx, l.Store, l.steps); err != nil {
		return err
	}
	l.Dossiers += len(l.ds)
	l.Steps += len(l.steps)
	l.ds, l.steps = l.ds[:0], l.steps[:0]
	return nil
}
