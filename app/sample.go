package app

import (
	"context"
	"fmt"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/sample"
)

// runSample writes the generated sample as the provincial system's CSV
// exports: dondoc sample [--dossiers N] [--officers N] [--units N] [--seed S] [--months M] --out DIR.
func runSample(ctx context.Context, a *app, args []string) error {
	fs := a.flags()
	dossiers := fs.Int("dossiers", sample.DefaultDossiers, "number of dossiers (1000000 for a province)")
	officers := fs.Int("officers", 0, "number of officers (0: each unit's basic roster)")
	units := fs.Int("units", 0, "number of commune-level units of 2026: xã, phường, đặc khu (0: 10, or 100 from 100000 dossiers; more than 15: every Sở)")
	seed := fs.Int64("seed", sample.DistrictSeed, "random seed; the same seed gives the same files")
	months := fs.Int("months", sample.DefaultMonths, "months of history before now")
	timing := fs.Bool("step-timing", false, "realistic step timing: durations by procedure, unit, officer and queue (for dondoc risk)")
	out := fs.String("out", "", "directory to write units.csv, officers.csv, dossiers.csv, steps.csv (required)")
	if done, err := parseFlags(a, fs, args, -1); done || err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usagef("unexpected argument %q", fs.Arg(0))
	case *out == "":
		return usagef("--out DIR is required")
	case *dossiers < 1:
		return usagef("--dossiers must be at least 1, got %d", *dossiers)
	case *officers < 0:
		return usagef("--officers must not be negative, got %d", *officers)
	case *units < 0:
		return usagef("--units must not be negative, got %d", *units)
	case *months < 1 || *months > 120:
		return usagef("--months must be between 1 and 120, got %d", *months)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	cal := models.NewCalendar(models.CalendarConfig{
		Location: a.cfg.Location, CutoffHour: a.cfg.CutoffHour, CutoffMinute: a.cfg.CutoffMinute,
	})
	now := a.clock().Now()
	cfg := sample.Config{
		Seed: *seed, Now: now, Months: *months, Dossiers: *dossiers, Officers: *officers, Units: *units,
		Location: cal.Location(), Calendar: cal, StepTiming: *timing,
	}
	start := a.wall().Now()
	files, err := sample.WriteExports(*out, cfg)
	if err != nil {
		return err
	}
	a.log.Info("sample written", "dir", *out, "dossiers", files.Dossiers.Rows, "elapsed", a.wall().Since(start).Round(time.Millisecond))
	fmt.Fprintf(a.stdout, "Dữ liệu mẫu đến %s (hạt giống %d):\n", now.In(cal.Location()).Format("02/01/2006 15:04"), *seed)
	for _, f := range files.All() {
		fmt.Fprintf(a.stdout, "  %-40s %9d dòng %12d byte\n", f.Path, f.Rows, f.Bytes)
	}
	return nil
}
