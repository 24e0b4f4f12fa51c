package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/dondoc/dondoc/report"
)

// runReport writes a month's results:
// dondoc report [--month YYYY-MM] [--unit CODE] [--format F] [-o FILE].
func runReport(ctx context.Context, a *app, args []string) error {
	fs := a.flags()
	month := fs.String("month", "", "month YYYY-MM (default: the previous month)")
	unit := fs.String("unit", "", "unit code: the report covers its sub-tree (default: every unit)")
	format := fs.String("format", "text", "text, json, csv, xlsx, html or png")
	out := fs.String("o", "", "output file (default: stdout for text/json/csv/html, the report's file name for xlsx/png)")
	place := fs.String("place", "", "place name for the date line, e.g. \"Bình Minh\"")
	reconcile := fs.Bool("reconcile", false, "per unit, dondoc's figure beside the national portal's (dondoc import portal), the difference and the dossiers that explain it")
	if done, err := parseFlags(a, fs, args, 0); done || err != nil {
		return err
	}
	if !slices.Contains(report.Formats, *format) {
		return usagef("--format must be one of %s, got %q", strings.Join(report.Formats, ", "), *format)
	}
	loc := a.cfg.Location
	now := a.clock().Now().In(loc)
	year, mon := now.Year(), now.Month()-1
	if mon == 0 {
		year, mon = year-1, time.December
	}
	if *month != "" {
		t, err := time.ParseInLocation("2006-01", *month, loc)
		if err != nil {
			return usagef("--month must be YYYY-MM, got %q", *month)
		}
		year, mon = t.Year(), t.Month()
	}
	s, err := openStore(ctx, a, false)
	if err != nil {
		return err
	}
	defer s.Close()
	if *reconcile {
		rc, err := reconcileMonth(ctx, a, s, year, mon)
		if err != nil {
			return err
		}
		return report.RenderReconcileText(a.stdout, rc)
	}
	units, err := s.Units(ctx)
	if err != nil {
		return err
	}
	officers, err := s.Officers(ctx)
	if err != nil {
		return err
	}
	r, err := report.Monthly(ctx, s, units, officers, year, mon, *unit,
		report.Options{Location: loc, Place: *place, GeneratedAt: now, Now: now})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.Render(&buf, r, *format); err != nil {
		return err
	}
	path := *out
	if path == "" && report.Binary(*format) {
		path = report.FileName(year, mon, report.Extension(*format))
	}
	if path == "" || path == "-" {
		_, err := a.stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("ghi báo cáo: %w", err)
	}
	fmt.Fprintf(a.stdout, "Đã ghi %s (%d byte)\n", path, buf.Len())
	return nil
}
