package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dondoc/dondoc/models"
	"golang.org/x/text/unicode/norm"
)

// Format is the syntax of an input.
type Format string

// The formats.
const (
	FormatCSV    Format = "csv"
	FormatXLSX   Format = "xlsx"
	FormatJSON   Format = "json"
	FormatNDJSON Format = "ndjson"
)

// FormatOf returns the format a file name's extension says.
func FormatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".txt", ".tsv":
		return FormatCSV, nil
	case ".xlsx", ".xlsm":
		return FormatXLSX, nil
	case ".json":
		return FormatJSON, nil
	case ".ndjson", ".jsonl":
		return FormatNDJSON, nil
	case ".xls":
		return "", fmt.Errorf("%s: old Excel 97-2003 workbooks (.xls) are not read: open it in Excel and save it as .xlsx", filepath.Base(path))
	}
	return "", fmt.Errorf("%s: unknown file type (expected .csv, .xlsx, .json or .ndjson)", filepath.Base(path))
}

// DefaultHeaderSearch is how many leading non-blank rows may precede the
// header row (a report's title block).
const DefaultHeaderSearch = 30

// Options says what to read and how.
type Options struct {
	Kind     Kind
	Format   Format         // Open: from the extension when empty
	Sheet    string         // XLSX: the sheet to read; empty = the first
	Location *time.Location // for local times; nil = Asia/Ho_Chi_Minh
	Name     string         // the file name in messages; Open: the base name
	// HeaderSearch is how many leading rows may come before the header row;
	// 0 means DefaultHeaderSearch.
	HeaderSearch int
	// OfficerExists, when set, makes an officer code it does not know a row
	// error (dossiers' ma_can_bo, steps' ma_can_bo).
	OfficerExists func(code string) bool
	// Limits bound the input; zero fields take DefaultLimits.
	Limits Limits
	// PortalColumn, for units, is one more header naming the unit's id on
	// the national portal (ma_cong_dvc), as the province's list calls it.
	PortalColumn string
}

// Row is one record read, or why it was rejected.
type Row struct {
	Line   int         // physical line (CSV, NDJSON), row number (XLSX), element index + 1 (JSON array)
	Key    string      // the record's key (ma_ho_so, ...); empty when rejected
	Record any         // *models.Dossier, *models.Unit, *models.Officer, *models.Step, *models.Holiday; nil when rejected
	Errors []*RowError // every problem found in the row
	// Again is set by ReadBatches on a valid row whose key came in an
	// earlier batch (this row replaces it: the later row wins).
	Again bool
	prev  int // the line of the last earlier valid row with the same key; 0: none
}

// OK reports whether the row holds a valid record.
func (r Row) OK() bool { return len(r.Errors) == 0 && r.Record != nil }

// Reader reads records from one input, a row at a time.
type Reader struct {
	opt      Options
	loc      *time.Location
	fields   []Field
	src      source
	fieldCol []int    // field index → column index, -1 when absent
	colName  []string // field index → header text in the file
	ignored  []string
	warnings []string
	nwarn    int
	seen     keyLines
	seed     maphash.Seed
	vals     []string
	caps     []int // field index → most characters allowed
	err      error
	rows     int
	memo     memo
	// stepSeqs: the last step number per dossier, once a step named by
	// text was read (see rowCtx.stepSeq).
	stepSeqs map[string]int

	jsonWarned bool
}

const maxWarnings = 1000

// ErrNoRows is returned by Next when a CSV or XLSX file has a header row
// but no data rows under it.
var ErrNoRows = errors.New("the file has a header row but no data rows")

// Open opens a file; its format comes from opt.Format or the extension.
// Close the reader when done.
func Open(path string, opt Options) (*Reader, error) {
	if opt.Name == "" {
		opt.Name = filepath.Base(path)
	}
	if opt.Format == "" {
		f, err := FormatOf(path)
		if err != nil {
			return nil, err
		}
		opt.Format = f
	}
	if opt.Format == FormatXLSX {
		src, err := openXLSX(path, opt.Name, opt.Sheet, opt.Limits.withDefaults())
		if err != nil {
			return nil, err
		}
		return newReader(src, opt)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := NewReader(f, opt.Format, opt)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	r.src = closer{r.src, f}
	return r, nil
}

type closer struct {
	source
	c io.Closer
}

func (c closer) close() error {
	err := c.source.close()
	if cerr := c.c.Close(); err == nil {
		err = cerr
	}
	return err
}

// NewReader reads from in. XLSX input is copied to a temporary file first
// (the workbook needs random access); the reader removes it on Close.
func NewReader(in io.Reader, format Format, opt Options) (*Reader, error) {
	opt.Format = format
	if opt.Name == "" {
		opt.Name = "input." + string(format)
	}
	if kindFields[opt.Kind] == nil {
		return nil, fmt.Errorf("%s: unknown kind %q", opt.Name, opt.Kind)
	}
	var src source
	var err error
	switch format {
	case FormatCSV:
		src, err = newCSVSource(in, opt.Name)
	case FormatXLSX:
		src, err = openXLSXReader(in, opt.Name, opt.Sheet, opt.Limits.withDefaults())
	case FormatJSON, FormatNDJSON:
		src, err = newJSONSource(in, format, opt.Kind, opt.Name)
	default:
		err = fmt.Errorf("%s: unknown format %q (expected csv, xlsx, json or ndjson)", opt.Name, format)
	}
	if err != nil {
		return nil, err
	}
	return newReader(src, opt)
}

func newReader(src source, opt Options) (*Reader, error) {
	opt.Limits = opt.Limits.withDefaults()
	src = cellLimit{source: src, max: opt.Limits.MaxCellChars, name: opt.Name}
	fields := kindFields[opt.Kind]
	if fields == nil {
		_ = src.close()
		return nil, fmt.Errorf("%s: unknown kind %q", opt.Name, opt.Kind)
	}
	r := &Reader{
		opt: opt, loc: opt.Location, fields: fields, src: src,
		seed: maphash.MakeSeed(),
		vals: make([]string, len(fields)), caps: make([]int, len(fields)),
	}
	for i, f := range fields {
		r.caps[i] = FieldCap(f.Name, opt.Limits)
	}
	if r.loc == nil {
		r.loc = models.DefaultLocation()
	}
	if _, ok := r.json(); ok {
		r.fieldCol = make([]int, len(fields))
		r.colName = make([]string, len(fields))
		for i, f := range fields {
			r.fieldCol[i], r.colName[i] = i, f.Name
		}
		return r, nil
	}
	if err := r.findHeader(); err != nil {
		_ = src.close()
		return nil, err
	}
	return r, nil
}

// findHeader takes the first row, among the first HeaderSearch non-blank
// ones, that names every required field.
func (r *Reader) findHeader() error {
	limit := r.opt.HeaderSearch
	if limit <= 0 {
		limit = DefaultHeaderSearch
	}
	var best []int
	bestLine, bestN, seen := 0, 0, 0
	for n := 0; n < limit; n++ {
		cells, line, err := r.src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return r.fatal(err)
		}
		seen++
		fc, matched := r.mapHeader(cells)
		if matched > bestN {
			best, bestLine, bestN = fc, line, matched
		}
		if missing := r.missing(fc); len(missing) == 0 {
			r.setHeader(cells, fc)
			return nil
		}
	}
	if bestN == 0 {
		if seen == 0 {
			return fmt.Errorf("%s: the file is empty", r.opt.Name)
		}
		return fmt.Errorf("%s: no header row found in the first %d rows: is this a %s file? Expected columns such as %s",
			r.opt.Name, limit, r.opt.Kind, describeAccepted(r.fields[0]))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d: the header row lacks required columns:", r.opt.Name, bestLine)
	for _, i := range r.missing(best) {
		fmt.Fprintf(&b, " %s (accepted: %s);", r.fields[i].Name, describeAccepted(r.fields[i]))
	}
	return errors.New(strings.TrimSuffix(b.String(), ";"))
}

func (r *Reader) mapHeader(cells []string) ([]int, int) {
	fc := make([]int, len(r.fields))
	for i := range fc {
		fc[i] = -1
	}
	idx := headerIndex[r.opt.Kind]
	portal := ""
	if r.opt.Kind == KindUnits && strings.TrimSpace(r.opt.PortalColumn) != "" {
		portal = models.Fold(r.opt.PortalColumn)
	}
	n := 0
	for c, h := range cells {
		fh := models.Fold(h)
		if portal != "" && fh == portal && fc[uPortal] < 0 {
			fc[uPortal] = c
			n++
			continue
		}
		if f, ok := idx[fh]; ok && fc[f] < 0 {
			fc[f] = c
			n++
		}
	}
	return fc, n
}

func (r *Reader) missing(fc []int) []int {
	var out []int
	for i, f := range r.fields {
		if f.Required && (fc == nil || fc[i] < 0) {
			out = append(out, i)
		}
	}
	return out
}

func (r *Reader) setHeader(cells []string, fc []int) {
	r.fieldCol = fc
	r.colName = make([]string, len(r.fields))
	used := make(map[int]bool, len(fc))
	for f, c := range fc {
		if c >= 0 {
			r.colName[f] = strings.TrimSpace(models.NFC(cells[c]))
			used[c] = true
		} else {
			r.colName[f] = r.fields[f].Name
		}
	}
	for c, h := range cells {
		h = strings.TrimSpace(models.NFC(h))
		if !used[c] && h != "" {
			r.ignored = append(r.ignored, h)
		}
	}
	if len(r.ignored) > 0 {
		r.warn("%s: columns ignored (no matching field): %s", r.opt.Name, strings.Join(r.ignored, ", "))
	}
}

func (r *Reader) fatal(err error) error {
	var le *LimitError
	if errors.As(err, &le) {
		le.Stopped = r.rows > 0
		r.err = err // names the file already
		return r.err
	}
	r.err = fmt.Errorf("%s: %w", r.opt.Name, err)
	return r.err
}

// Ignored returns the columns (or JSON keys) that match no field.
func (r *Reader) Ignored() []string {
	if js, ok := r.json(); ok {
		return js.ignoredKeys()
	}
	return r.ignored
}

// Warnings returns the warnings so far (the first 1000), such as
// duplicated keys. WarningCount counts them all.
func (r *Reader) Warnings() []string { return r.warnings }

// WarningCount returns how many warnings there were.
func (r *Reader) WarningCount() int { return r.nwarn }

// Kind returns the kind being read.
func (r *Reader) Kind() Kind { return r.opt.Kind }

// Name returns the input's name used in messages.
func (r *Reader) Name() string { return r.opt.Name }

func (r *Reader) warn(format string, args ...any) {
	r.nwarn++
	if len(r.warnings) < maxWarnings {
		r.warnings = append(r.warnings, fmt.Sprintf(format, args...))
	}
}

// Close releases the input (and removes a temporary copy).
func (r *Reader) Close() error { return r.src.close() }

// Rows yields the rows Next returns, up to the end of the input. An error
// that stops the reading is yielded once, with a zero Row, and ends the
// sequence; io.EOF is not yielded.
func (r *Reader) Rows() iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		for {
			row, err := r.Next()
			if err == io.EOF {
				return
			}
			if !yield(row, err) || err != nil {
				return
			}
		}
	}
}

// Next returns the next non-blank row, io.EOF at the end, or an error that
// stops the reading (damaged file, not UTF-8...): rows already returned
// stay good.
func (r *Reader) Next() (Row, error) {
	if r.err != nil {
		return Row{}, r.err
	}
	cells, line, err := r.src.next()
	if err == io.EOF {
		if js, ok := r.json(); ok && !r.jsonWarned {
			r.jsonWarned = true
			if keys := js.ignoredKeys(); len(keys) > 0 {
				r.warn("%s: fields ignored (no matching field): %s", r.opt.Name, strings.Join(keys, ", "))
			}
		}
		if _, ok := r.json(); !ok && r.rows == 0 {
			r.err = fmt.Errorf("%s: %w", r.opt.Name, ErrNoRows)
			return Row{}, r.err
		}
		return Row{}, io.EOF
	}
	if err != nil {
		return Row{}, r.fatal(err)
	}
	r.rows++
	if r.rows > r.opt.Limits.MaxRows {
		r.err = &LimitError{Name: r.opt.Name, Limit: LimitRows, Max: int64(r.opt.Limits.MaxRows), Line: line, Stopped: true}
		return Row{}, r.err
	}
	for f, c := range r.fieldCol {
		v := ""
		if c >= 0 && c < len(cells) {
			v = cells[c]
		}
		valid, nfc := models.CheckNFC(v)
		if !valid {
			r.err = legacyError(fmt.Sprintf("%s:%d", r.opt.Name, line), []byte(v))
			return Row{}, r.err
		}
		if !nfc {
			v = norm.NFC.String(v)
		}
		r.vals[f] = v
	}
	ctx := rowCtx{r: r, line: line}
	ctx.capFields()
	if js, ok := r.json(); ok && len(js.errs) > 0 {
		for _, e := range js.errs {
			if e.Field == "" {
				return Row{Line: line, Errors: []*RowError{e}}, nil
			}
			ctx.errs = append(ctx.errs, e)
			ctx.mark(r.fieldIndex(e.Field))
		}
	}
	rec, key := ctx.build()
	row := Row{Line: line, Errors: ctx.errs}
	if len(row.Errors) > 0 {
		return row, nil
	}
	row.Record, row.Key = rec, key
	if prev := r.seen.put(maphash.String(r.seed, key), line); prev > 0 {
		r.warn("%s:%d: %s %q also on line %d: the later row wins", r.opt.Name, line, r.fields[0].Name, key, prev)
		row.prev = prev
	}
	return row, nil
}

// json returns the JSON source under the limits, if the input is JSON.
func (r *Reader) json() (*jsonSource, bool) {
	src := r.src
	if c, ok := src.(closer); ok {
		src = c.source
	}
	if c, ok := src.(cellLimit); ok {
		src = c.source
	}
	js, ok := src.(*jsonSource)
	return js, ok
}

// cellLimit refuses the input at the first cell longer than max characters.
type cellLimit struct {
	source
	max  int
	name string
}

func (c cellLimit) next() ([]string, int, error) {
	cells, line, err := c.source.next()
	for _, v := range cells {
		if len(v) > c.max && utf8.RuneCountInString(v) > c.max {
			return nil, line, &LimitError{Name: c.name, Limit: LimitCell, Max: int64(c.max), Line: line}
		}
	}
	return cells, line, err
}

func (r *Reader) fieldIndex(name string) int {
	for i, f := range r.fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// yieldRows is how often the reading yields its CPU. It never waits
// otherwise, and the writes of an import wait on the database at each
// statement: woken with every CPU busy, the writer waited for the
// scheduler's 10 ms preemption, a second of a re-import's eight.
const yieldRows = 256

// batchIndex returns the index in batch of the valid row with row's key,
// or -1. Next gave row the line of the last earlier valid row with its key
// (prev, by a hash of the key): there is one in batch only if that line is
// in it, and batch is in line order. A hash shared by two keys sends it to
// a row with another key, and then it looks at every row.
func batchIndex(batch []Row, row *Row, first int) int {
	if row.prev == 0 || row.prev < first || len(batch) == 0 {
		return -1
	}
	i, found := slices.BinarySearchFunc(batch, row.prev, func(r Row, line int) int { return cmp.Compare(r.Line, line) })
	if found && batch[i].Key == row.Key {
		return i
	}
	for i := range batch {
		if batch[i].Key == row.Key && batch[i].OK() {
			return i
		}
	}
	return -1
}

// ReadBatches reads r to the end and hands rows to fn in batches of size
// (valid and rejected rows alike, in file order). Inside a batch a key
// appears once: a later row with the same key replaces the earlier one, so
// an upsert never touches a row twice; a row whose key came in an earlier
// batch has Again set. fn may keep the batch.
func ReadBatches(ctx context.Context, r *Reader, size int, fn func(batch []Row) error) error {
	if size <= 0 {
		size = 1000
	}
	batch := make([]Row, 0, size)
	first := 0 // the line of the batch's first row
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := fn(batch)
		batch = make([]Row, 0, size)
		return err
	}
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if n%yieldRows == 0 {
			runtime.Gosched()
		}
		row, err := r.Next()
		if err == io.EOF {
			return flush()
		}
		if err != nil {
			if ferr := flush(); ferr != nil {
				return ferr
			}
			return err
		}
		if len(batch) == 0 {
			first = row.Line
		}
		if row.OK() {
			row.Again = row.prev > 0 && row.prev < first
			if i := batchIndex(batch, &row, first); i >= 0 {
				row.Again = row.Again || batch[i].Again
				batch = append(batch[:i], batch[i+1:]...)
			}
		}
		batch = append(batch, row)
		if len(batch) >= size {
			if err := flush(); err != nil {
				return err
			}
		}
	}
}
