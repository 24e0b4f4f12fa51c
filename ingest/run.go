package ingest

// This file is the import run: it streams a Reader's rows in batches to an
// import session (a Sink, which the store's import session satisfies), the
// reading and parsing in one goroutine and the database work in another
// (two at once when the session can: see Writers),
// and counts what was inserted, updated, left unchanged and rejected, with
// every row error. The CLI (dondoc import), import by chat and the HTTP
// ingest API all use Run.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dondoc/dondoc/models"
)

// RunOptions say how Run imports.
type RunOptions struct {
	// Atomic stores nothing when any row is rejected.
	Atomic bool
	// DryRun checks every row (and counts what would change) but stores
	// nothing.
	DryRun bool
	// BatchSize is the rows per batch; 0: a size fit for the kind and
	// database.
	BatchSize int
	// Now stamps the rows' updated_at (nil: time.Now).
	Now func() time.Time
	// Rows is how many rows the input is expected to hold (0: not known;
	// see models.ImportOptions.Rows).
	Rows int64
	// Progress, when set, is called after each batch is read with the rows
	// read so far (from the reading goroutine).
	Progress func(rows int)
	Log      *slog.Logger
}

// MaxWarnings is how many warning messages a Result keeps (all are counted).
const MaxWarnings = 1000

// Result is the outcome of an import.
type Result struct {
	Summary
	// Unassigned counts the dossiers stored with an empty or unknown
	// handler or unit (each also a warning).
	Unassigned int
	// Errors holds every row error, in file order. The value of the
	// applicant's name is never kept (personal data).
	Errors []*RowError
	// Warnings holds the first MaxWarnings warnings; Summary.Warnings counts them all.
	Warnings []string
	// Stored reports whether the rows were kept (false for a dry run, an
	// atomic import with rejections, or a failure before any batch).
	Stored bool
	// Reassigned counts dossiers whose unassigned flag changed after a
	// units or officers import.
	Reassigned int64
}

// ReadError is a fault of the input that stopped the reading (damaged
// file, malformed JSON...), as opposed to a database failure.
type ReadError struct{ Err error }

func (e *ReadError) Error() string { return e.Err.Error() }
func (e *ReadError) Unwrap() error { return e.Err }

// Sink is an import session: batches of one kind written by natural key,
// counted, then committed or rolled back. *store.Import is one, B being
// its prepared dossier batch (*store.DossierBatch). PrepareDossiers may run
// in another goroutine than the writes.
type Sink[B any] interface {
	// PrepareDossiers converts a batch; again[i] says whether ds[i]'s key
	// came in an earlier batch of the session (nil: not known).
	PrepareDossiers(ds []*models.Dossier, again []bool) B
	WriteDossiers(ctx context.Context, b B) (models.ImportCounts, error)
	WriteUnits(ctx context.Context, units []models.Unit) (models.ImportCounts, error)
	WriteOfficers(ctx context.Context, officers []models.Officer) (models.ImportCounts, error)
	WriteHolidays(ctx context.Context, hs []models.Holiday) (models.ImportCounts, error)
	WriteProcedures(ctx context.Context, procs []models.Procedure) (models.ImportCounts, error)
	// WriteSteps also returns the indexes of the steps whose dossier is
	// not known.
	WriteSteps(ctx context.Context, steps []models.Step) (c models.ImportCounts, missing []int, err error)
	OfficerKnown(code string) bool
	UnitKnown(code string) bool
	// Unassigned reports whether the dossier at i of a prepared batch (in
	// the order given to PrepareDossiers) is stored as unassigned.
	Unassigned(b B, i int) bool
	// Kept reports whether the batches written so far stay stored whatever
	// ends the session (false when Rollback would undo them).
	Kept() bool
	// Writers is how many batches of dossiers WriteDossiers can take at
	// once, from as many goroutines, holding no key in common (1: one
	// after another). It is asked while no batch is being written.
	Writers() int
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
}

// Sessions begins import sessions of type S; *store.Store is one.
type Sessions[S any] interface {
	BeginImport(ctx context.Context, opt models.ImportOptions) (S, error)
	// RefreshUnassigned re-flags the dossiers whose handler or unit became
	// (un)known after a units or officers import, and counts the changes.
	RefreshUnassigned(ctx context.Context) (int64, error)
	// BatchRows is the rows per batch fit for the database for a file of
	// kind (0: the default for the kind).
	BatchRows(kind string) int
}

// batch is what the reading goroutine hands to the writer.
type batch[B any] struct {
	rows     []Row
	dossiers B
}

// Run imports everything r reads into a session that s begins. An error stops the import: a
// fatal reading error (rows stored before it stay stored unless Atomic or
// DryRun), a database error, or the context's end. The Result counts what
// was done until then.
func Run[S Sink[B], B any](ctx context.Context, s Sessions[S], r *Reader, opt RunOptions) (res Result, err error) {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	kind := r.Kind()
	if opt.BatchSize <= 0 {
		opt.BatchSize = s.BatchRows(string(kind))
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = defaultBatch(kind)
	}
	// A file holds one kind: a first import of it may go in bulk.
	im, err := s.BeginImport(ctx, models.ImportOptions{Atomic: opt.Atomic || opt.DryRun, Bulk: true, Rows: opt.Rows, Now: opt.Now})
	if err != nil {
		return res, err
	}
	defer func() {
		if !res.Stored {
			if rerr := im.Rollback(ctx); rerr != nil && err == nil {
				err = rerr
			}
		}
	}()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Three stages, so that both cores work while the database waits:
	// read and parse → prepare (hash; dossiers only) → write. The channels
	// hold no batch: one more batch in flight per stage kept the heap at
	// the import's memory limit, and the collector took a third of the CPU.
	read := make(chan batch[B])
	readErr := make(chan error, 1)
	go func() {
		defer close(read)
		n := 0
		readErr <- ReadBatches(ctx, r, opt.BatchSize, func(rows []Row) error {
			select {
			case read <- batch[B]{rows: rows}:
			case <-ctx.Done():
				return ctx.Err()
			}
			n += len(rows)
			if opt.Progress != nil {
				opt.Progress(n)
			}
			return nil
		})
	}()
	batches := make(chan batch[B])
	go func() {
		defer close(batches)
		for b := range read {
			if kind == KindDossiers && ctx.Err() == nil {
				ds := make([]*models.Dossier, 0, len(b.rows))
				again := make([]bool, 0, len(b.rows))
				for _, row := range b.rows {
					if row.OK() {
						ds = append(ds, row.Record.(*models.Dossier))
						again = append(again, row.Again)
					}
				}
				b.dossiers = im.PrepareDossiers(ds, again)
			}
			select {
			case batches <- b:
			case <-ctx.Done():
			}
		}
	}()

	// The writes: one batch after another, or, once the session says it
	// can (Writers), two at once on two connections (a re-import waits on
	// the database for nine tenths of its time, with a core to spare). A
	// batch that repeats a key of an earlier one waits until those are
	// written (the later line wins), and the batches' results are counted
	// in file order.
	var werr error
	var flying []*flight
	settle := func() {
		f := flying[0]
		flying = flying[1:]
		<-f.done
		if f.err != nil && werr == nil {
			werr = f.err
			cancel()
		}
		res.add(&f.res)
	}
	writers := 1
	for b := range batches {
		if werr != nil {
			continue // drain until the reader sees the cancellation
		}
		for len(flying) > 0 && (len(flying) >= writers || repeats(b.rows)) {
			settle()
		}
		if werr != nil {
			continue
		}
		if len(flying) == 0 && writers == 1 && kind == KindDossiers {
			writers = max(1, im.Writers())
		}
		f := &flight{done: make(chan struct{})}
		flying = append(flying, f)
		go func() {
			defer close(f.done)
			f.err = write(ctx, im, r.Name(), kind, b, &f.res)
		}()
	}
	for len(flying) > 0 {
		settle()
	}
	rerr := <-readErr
	if rerr != nil && !errors.Is(rerr, context.Canceled) {
		rerr = &ReadError{Err: rerr}
	}
	for _, w := range r.Warnings() {
		res.addWarning(w)
	}
	res.Warnings = res.Warnings[:min(len(res.Warnings), MaxWarnings)]
	res.Summary.Warnings += r.WarningCount()
	// Outside an atomic or bulk session every batch written is committed
	// already: whatever ends the import, Stored says whether any was.
	some := res.Inserted+res.Updated+res.Unchanged > 0
	written := im.Kept() && some
	switch {
	case werr != nil:
		_ = im.Rollback(ctx)
		res.Stored = written
		return res, werr
	case rerr != nil:
		if opt.Atomic || opt.DryRun {
			return res, rerr
		}
		// Rows before the damage are good: keep them.
		if cerr := im.Commit(ctx); cerr != nil {
			res.Stored = written
			return res, cerr
		}
		res.Stored = some
		return res, rerr
	case opt.DryRun || (opt.Atomic && res.Rejected > 0):
		return res, nil
	}
	if err := im.Commit(ctx); err != nil {
		res.Stored = written
		return res, err
	}
	res.Stored = true
	if kind == KindUnits || kind == KindOfficers {
		n, err := s.RefreshUnassigned(ctx)
		if err != nil {
			return res, err
		}
		res.Reassigned = n
	}
	opt.Log.Info("import done", "kind", string(kind), "file", r.Name(), "summary", res.Summary.String())
	return res, nil
}

// flight is a batch being written; done is closed once res and err hold
// its result.
type flight struct {
	done chan struct{}
	res  Result
	err  error
}

// repeats reports whether a row of a batch has a key that came in an
// earlier batch.
func repeats(rows []Row) bool {
	for i := range rows {
		if rows[i].Again && rows[i].OK() {
			return true
		}
	}
	return false
}

// add counts a batch's result (see flight) in res, after those before it.
func (res *Result) add(b *Result) {
	res.Inserted += b.Inserted
	res.Updated += b.Updated
	res.Unchanged += b.Unchanged
	res.Rejected += b.Rejected
	res.Summary.Warnings += b.Summary.Warnings
	res.NoDeadline += b.NoDeadline
	res.Unassigned += b.Unassigned
	res.Errors = append(res.Errors, b.Errors...)
	for _, w := range b.Warnings {
		res.addWarning(w)
	}
}

func defaultBatch(kind Kind) int {
	if kind == KindDossiers || kind == KindSteps {
		return 10000 // Postgres: a COPY and an upsert each; SQLite: one transaction each
	}
	return 2000
}

func (res *Result) addWarning(w string) {
	if len(res.Warnings) < MaxWarnings {
		res.Warnings = append(res.Warnings, w)
	}
}

func (res *Result) reject(row Row) {
	res.Rejected++
	for _, e := range row.Errors {
		if e.Field == "chu_ho_so" {
			c := *e
			c.Value = ""
			e = &c
		}
		res.Errors = append(res.Errors, e)
	}
}

// write stores one batch and counts it.
func write[B any](ctx context.Context, im Sink[B], name string, kind Kind, b batch[B], res *Result) error {
	var (
		c   models.ImportCounts
		err error
	)
	good := make([]Row, 0, len(b.rows))
	for _, row := range b.rows {
		if row.OK() {
			good = append(good, row)
		} else {
			res.reject(row)
		}
	}
	switch kind {
	case KindDossiers:
		c, err = im.WriteDossiers(ctx, b.dossiers)
		if err == nil {
			warnUnassigned(im, name, good, b.dossiers, res)
		}
	case KindUnits:
		c, err = im.WriteUnits(ctx, records[models.Unit](good))
	case KindOfficers:
		c, err = im.WriteOfficers(ctx, records[models.Officer](good))
	case KindHolidays:
		c, err = im.WriteHolidays(ctx, records[models.Holiday](good))
	case KindProcedures:
		c, err = im.WriteProcedures(ctx, records[models.Procedure](good))
	case KindSteps:
		var missing []int
		steps := records[models.Step](good)
		c, missing, err = im.WriteSteps(ctx, steps)
		res.NoDeadline += stepsWithoutDeadline(steps, missing)
		for _, i := range missing {
			st := good[i].Record.(*models.Step)
			res.reject(Row{Line: good[i].Line, Errors: []*RowError{{
				File: name, Line: good[i].Line, Column: "ma_ho_so", Field: "ma_ho_so", Value: st.DossierCode,
				Reason: "is not a known dossier (import the dossiers file first)",
			}}})
		}
	default:
		err = fmt.Errorf("ingest: unknown kind %q", kind)
	}
	if err != nil {
		return err
	}
	res.Inserted += c.Inserted
	res.Updated += c.Updated
	res.Unchanged += c.Unchanged
	return nil
}

// warnUnassigned warns of each dossier of b stored as unassigned, saying
// why (good are b's rows, in its order).
func warnUnassigned[B any](im Sink[B], name string, good []Row, b B, res *Result) {
	for i, row := range good {
		if !im.Unassigned(b, i) {
			continue
		}
		d := row.Record.(*models.Dossier)
		var why string
		switch {
		case d.HandlerCode == "":
			why = "has no handling officer (ma_can_bo)"
		case !im.OfficerKnown(d.HandlerCode):
			why = fmt.Sprintf("handling officer %q is not known", d.HandlerCode)
		case d.UnitCode == "":
			why = "has no unit (ma_don_vi)"
		case !im.UnitKnown(d.UnitCode):
			why = fmt.Sprintf("unit %q is not known", d.UnitCode)
		default:
			continue
		}
		res.Unassigned++
		res.Summary.Warnings++
		res.addWarning(fmt.Sprintf("%s:%d: dossier %q %s: stored as unassigned", name, row.Line, d.Code, why))
	}
}

// stepsWithoutDeadline counts the steps stored (not missing) that have no
// step deadline.
func stepsWithoutDeadline(steps []models.Step, missing []int) int {
	n := 0
	for i := range steps {
		if steps[i].DueAt.IsZero() {
			n++
		}
	}
	for _, i := range missing {
		if steps[i].DueAt.IsZero() {
			n--
		}
	}
	return n
}

func records[T any](rows []Row) []T {
	out := make([]T, len(rows))
	for i, row := range rows {
		out[i] = *row.Record.(*T)
	}
	return out
}
