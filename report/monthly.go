package report

// This file joins a figures source (the store's monthly SQL figures) to the
// report model: it asks for a month's figures and the month before (for the
// ▲▼ trends), keeps what the unit list knows, and builds the report of a
// scope (a unit's sub-tree, or every unit). It also renders a report in a
// named format, for the command line and the public pages.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/dondoc/dondoc/models"
)

// FiguresSource computes a period's figures; *store.Store is one. The
// report package declares it so that it needs no store.
type FiguresSource interface {
	MonthFigures(ctx context.Context, q models.FiguresQuery) (*models.Figures, error)
}

// Options are Monthly's optional settings.
type Options struct {
	Location    *time.Location // the month's local time; nil: models.DefaultLocation()
	Place       string         // for the date line, e.g. "Bình Minh"
	Issuer      string         // default: the scope unit's name, else the only root's
	GeneratedAt time.Time      // the date line; zero: the first day of the next month
	// Now is when the report is made: a month not yet ended is judged at
	// Now (provisional, "tạm tính"), a month not yet begun is refused
	// (ErrFutureMonth). Zero: the month is judged at its last moment.
	Now time.Time
}

// MaxUnassignedCodes bounds the unassigned dossiers Monthly lists by code
// (the XLSX sheet "Chưa phân công"); the count is always whole.
const MaxUnassignedCodes = 1000

// ErrFutureMonth is Monthly's error for a month that has not begun.
var ErrFutureMonth = errors.New("tháng này chưa bắt đầu: chưa có kết quả")

// Monthly builds the results of year/month for scope (a unit code: its
// sub-tree; "" for every unit), with the month before for trends. Figures
// of units missing from units (dossiers of an unknown unit) are left out
// of the unit rows; those dossiers are marked unassigned and counted in
// Unassigned of the whole-scope report. Unassigned counts the in-scope
// dossiers of the scope's sub-tree marked unassigned (no known handler or
// unit).
func Monthly(ctx context.Context, src FiguresSource, units []models.Unit, officers []models.Officer,
	year int, month time.Month, scope string, opt Options) (*Report, error) {
	if month < time.January || month > time.December {
		return nil, fmt.Errorf("kết quả tháng: tháng %d không hợp lệ", month)
	}
	tree, err := models.NewUnitTree(units)
	if err != nil {
		return nil, fmt.Errorf("kết quả tháng: %w", err)
	}
	if scope != "" {
		if _, ok := tree.Get(scope); !ok {
			return nil, fmt.Errorf("kết quả tháng: không có đơn vị %q", scope)
		}
	}
	loc := opt.Location
	if loc == nil {
		loc = models.DefaultLocation()
	}
	p := models.MonthPeriod(year, month, loc)
	at, provisional := p.Last(), false
	if !opt.Now.IsZero() {
		if opt.Now.Before(p.Start) {
			return nil, fmt.Errorf("kết quả tháng %02d/%04d: %w", int(month), year, ErrFutureMonth)
		}
		at, provisional = p.JudgedAt(opt.Now)
	}
	// The month and the month before (for ▲▼) at once: two queries, two
	// connections, both cores.
	var cur, prev *models.Figures
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		cur, err = src.MonthFigures(gctx, models.FiguresQuery{Period: p, Location: loc, Tree: tree, At: at,
			UnassignedCodes: MaxUnassignedCodes})
		return err
	})
	g.Go(func() (err error) {
		prevStart := p.Start.AddDate(0, -1, 0)
		prev, err = src.MonthFigures(gctx, models.FiguresQuery{
			Period: models.MonthPeriod(prevStart.Year(), prevStart.Month(), loc), Location: loc, Tree: tree})
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	known := func(m map[string]models.Counts) map[string]models.Counts {
		out := make(map[string]models.Counts, len(m))
		for code, c := range m {
			if _, ok := tree.Get(code); ok {
				out[code] = c
			}
		}
		return out
	}
	unassigned := cur.Unassigned
	if scope != "" {
		unassigned = 0
		for code, n := range cur.UnassignedByUnit {
			if tree.Covers(scope, code) {
				unassigned += n
			}
		}
	}
	var unassignedCodes []string
	for unit, codes := range cur.UnassignedCodes {
		if scope == "" || tree.Covers(scope, unit) {
			unassignedCodes = append(unassignedCodes, codes...)
		}
	}
	slices.Sort(unassignedCodes)
	issuer := opt.Issuer
	if issuer == "" {
		code := scope
		if roots := tree.Roots(); code == "" && len(roots) == 1 {
			code = roots[0]
		}
		if u, ok := tree.Get(code); ok {
			issuer = u.Name
		}
	}
	return Build(Input{
		Year: year, Month: month, Scope: scope, Issuer: issuer, Place: opt.Place, GeneratedAt: opt.GeneratedAt,
		Units: units, Own: known(cur.Own), PrevOwn: known(prev.Own),
		Officers: officers, OfficerCounts: cur.Officers, Unassigned: unassigned, UnassignedCodes: unassignedCodes,
		JudgedAt: at, Provisional: provisional,
	})
}

// Formats are the formats Render writes, by name.
var Formats = []string{"text", "json", "csv", "xlsx", "html", "png"}

// Extension returns the file extension of format ("text" → "txt").
func Extension(format string) string {
	if format == "text" {
		return "txt"
	}
	return format
}

// ContentType returns the MIME type of format.
func ContentType(format string) string {
	switch format {
	case "json":
		return "application/json; charset=utf-8"
	case "csv":
		return "text/csv; charset=utf-8"
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "html":
		return "text/html; charset=utf-8"
	case "png":
		return "image/png"
	}
	return "text/plain; charset=utf-8"
}

// Binary reports a format not meant for a terminal.
func Binary(format string) bool { return format == "xlsx" || format == "png" }

// Render writes r in format (one of Formats).
func Render(w io.Writer, r *Report, format string) error {
	switch format {
	case "text":
		return RenderText(w, r, TextOptions{})
	case "json":
		return RenderJSON(w, r)
	case "csv":
		return RenderCSV(w, r)
	case "xlsx":
		return RenderXLSX(w, r)
	case "html":
		return RenderHTML(w, r)
	case "png":
		return RenderPNG(w, r, PNGOptions{})
	}
	return fmt.Errorf("định dạng %q không được hỗ trợ (text, json, csv, xlsx, html, png)", format)
}

// Store is where a month's report is read from; *store.Store is one.
type Store interface {
	FiguresSource
	Units(ctx context.Context) ([]models.Unit, error)
	Officers(ctx context.Context) ([]models.Officer, error)
}

// Reports serves a month's report for a scope straight from the store's
// SQL figures: the chat's /xephang and /baocao, the public pages and the
// monthly broadcast all read the same numbers through it.
type Reports struct {
	Store   Store
	Options Options          // GeneratedAt is taken from Clock at each call
	Clock   func() time.Time // nil: Options.GeneratedAt as given
}

// Monthly returns the report of year/month for the sub-tree of scope
// ("" for every unit).
func (r *Reports) Monthly(ctx context.Context, year int, month time.Month, scope string) (*Report, error) {
	units, err := r.Store.Units(ctx)
	if err != nil {
		return nil, err
	}
	officers, err := r.Store.Officers(ctx)
	if err != nil {
		return nil, err
	}
	opt := r.Options
	if r.Clock != nil {
		opt.GeneratedAt = r.Clock()
		opt.Now = opt.GeneratedAt
	}
	return Monthly(ctx, r.Store, units, officers, year, month, scope, opt)
}
