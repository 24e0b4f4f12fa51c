package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/dondoc/dondoc/ingest"
)

// exitRejected: some rows were rejected, the others stored.
const exitRejected = 3

// importMemoryLimit is the Go heap's soft limit at the start of an
// import; it grows by importKeptPerRow for each row read (the reader's
// index of the keys seen: a 5M-row file kept the collector busy for
// most of the import under a fixed 128 MiB).
const (
	importMemoryLimit = 128 << 20
	importKeptPerRow  = 32
)

// csvBytesPerRow estimates the rows of a CSV file from its size (see
// ingest.RunOptions.Rows): a dossier of the portal's export takes 300–350
// bytes; guessing long rows errs toward fewer.
const csvBytesPerRow = 400

// maxPrintedErrors is how many row errors dondoc import prints.
const maxPrintedErrors = 50

const importUsage = "usage: dondoc import units|officers|procedures|dossiers|steps|holidays FILE [--sheet NAME] [--errors FILE.csv] [--atomic] [--dry-run] [--portal-column NAME]\n" +
	"       dondoc import portal FILE.json --month YYYY-MM"

// parseInterspersed parses flags placed before, between or after the
// positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// runImport: dondoc import KIND FILE. Exit status 0: every row accepted;
// 3: some rows rejected, the others stored (or, with --dry-run, would be);
// 1: nothing imported (unreadable file, missing column, --atomic with
// rejections, database error); 2: usage error.
func runImport(ctx context.Context, a *app, args []string) error {
	fs := a.flags()
	fs.SetOutput(io.Discard)
	sheet := fs.String("sheet", "", "XLSX: the sheet to read (default: the first)")
	errFile := fs.String("errors", "", "write every row error to this CSV file")
	atomic := fs.Bool("atomic", false, "store nothing if any row is rejected")
	dryRun := fs.Bool("dry-run", false, "only check the file; store nothing")
	batch := fs.Int("batch", 0, "rows per batch (0: automatic)")
	portalCol := fs.String("portal-column", "", "units: the header naming the unit's id on the national portal (default: ma_cong_dvc and its aliases)")
	month := fs.String("month", "", "portal: the month of the portal's figures, YYYY-MM")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(a.stdout, importUsage)
			fs.SetOutput(a.stdout)
			fs.PrintDefaults()
			return nil
		}
		return usagef("%v\n%s", err, importUsage)
	}
	if len(pos) != 2 {
		return usagef("expected a kind and a file, got %d arguments\n%s", len(pos), importUsage)
	}
	if pos[0] == "portal" {
		return runImportPortal(ctx, a, pos[1], *month)
	}
	kind, err := ingest.ParseKind(pos[0])
	if err != nil {
		return usagef("%v", err)
	}
	if *batch < 0 {
		return usagef("--batch must not be negative")
	}
	path := pos[1]
	format, err := ingest.FormatOf(path)
	if err != nil {
		return &exitError{exitFailure, err}
	}
	if format != ingest.FormatCSV && format != ingest.FormatXLSX {
		return &exitError{exitFailure, fmt.Errorf("%s: dondoc import reads .csv and .xlsx files (JSON goes through the ingest API)", filepath.Base(path))}
	}
	if *sheet != "" && format != ingest.FormatXLSX {
		return usagef("--sheet applies to .xlsx files only")
	}

	limited := a.getenv("GOMEMLIMIT") == ""
	if limited {
		// Imports stream; a soft limit keeps the heap's garbage in check
		// when the machine has little memory to spare.
		debug.SetMemoryLimit(importMemoryLimit)
	}
	s, err := openStore(ctx, a, false)
	if err != nil {
		return &exitError{exitFailure, err}
	}
	defer s.Close()

	opt := ingest.Options{Kind: kind, Sheet: *sheet, Location: a.cfg.Location, Name: filepath.Base(path), Limits: ingest.Limits(a.cfg.IngestLimits), PortalColumn: *portalCol}
	prog := newProgress(a, filepath.Base(path))
	var r *ingest.Reader
	if format == ingest.FormatXLSX {
		r, err = ingest.Open(path, opt)
	} else {
		var f *os.File
		if f, err = os.Open(path); err == nil {
			defer f.Close()
			if st, serr := f.Stat(); serr == nil {
				prog.total = st.Size()
			}
			r, err = ingest.NewReader(prog.wrap(f), format, opt)
		}
	}
	if err != nil {
		return &exitError{exitFailure, fmt.Errorf("không nhập được: %w", err)}
	}
	defer r.Close()

	res, err := ingest.Run(ctx, s, r, ingest.RunOptions{
		Atomic: *atomic, DryRun: *dryRun, BatchSize: *batch, Now: a.clock().Now, Log: a.log,
		Rows: prog.total / csvBytesPerRow,
		Progress: func(n int) {
			prog.update(n)
			if limited {
				// The reader keeps every key it has read (duplicates are
				// warned about): the limit grows with it, or the collector
				// would run without pause once those keys fill it.
				debug.SetMemoryLimit(importMemoryLimit + int64(n)*importKeptPerRow)
			}
		},
	})
	prog.finish()
	if len(res.Errors) > 0 {
		fmt.Fprint(a.stderr, ingest.FormatErrors(res.Errors, maxPrintedErrors))
	}
	if n := len(res.Warnings); n > 0 {
		shown := res.Warnings[:min(n, 10)]
		fmt.Fprintf(a.stderr, "Cảnh báo:\n  %s\n", strings.Join(shown, "\n  "))
		if res.Summary.Warnings > len(shown) {
			fmt.Fprintf(a.stderr, "  … và %d cảnh báo khác\n", res.Summary.Warnings-len(shown))
		}
	}
	if *errFile != "" {
		if werr := writeErrorsFile(*errFile, res.Errors); werr != nil {
			fmt.Fprintf(a.stderr, "dondoc import: %v\n", werr)
		} else if len(res.Errors) > 0 {
			fmt.Fprintf(a.stderr, "Đã ghi %d lỗi vào %s\n", len(res.Errors), *errFile)
		}
	}
	prefix := ""
	if *dryRun {
		prefix = "dry run (nothing stored): "
	}
	fmt.Fprintf(a.stdout, "%s%s\n", prefix, res.Summary)
	if res.Unassigned > 0 {
		fmt.Fprintf(a.stdout, "%d hồ sơ chưa phân công (cán bộ hoặc đơn vị xử lý chưa có trong danh sách): xem `dondoc unassigned`\n", res.Unassigned)
	}
	if res.Reassigned > 0 {
		fmt.Fprintf(a.stdout, "%d hồ sơ được cập nhật trạng thái phân công\n", res.Reassigned)
	}
	switch {
	case err != nil && !res.Stored:
		return &exitError{exitFailure, fmt.Errorf("không nhập được: %w", err)}
	case err != nil:
		return &exitError{exitRejected, fmt.Errorf("dừng giữa chừng, các lô trước đó đã được lưu: %w", err)}
	case *atomic && !*dryRun && res.Rejected > 0:
		return &exitError{exitFailure, fmt.Errorf("không lưu gì (--atomic): %d dòng bị từ chối", res.Rejected)}
	case res.Rejected > 0:
		return &exitError{exitRejected, nil}
	}
	return nil
}

func writeErrorsFile(path string, errs []*ingest.RowError) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := ingest.WriteErrorsCSV(f, errs); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
