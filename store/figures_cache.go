package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// figuresRow is one row of figuresSQL: kind "u" (a stored unit code) or
// "o" (an officer), the key and the sixteen counts.
type figuresRow struct {
	Kind string
	Key  string
	V    [16]int64
}

// figuresCacheRow is a period's figures as figuresSQL returned them,
// tagged with the facts generation they were computed at (migration 0009_figures_cache).
type figuresCacheRow struct {
	PeriodKey  string `gorm:"primaryKey"`
	Generation int64
	Payload    string
	ComputedAt tstamp
}

func (figuresCacheRow) TableName() string { return "figures_cache" }

// figuresKey names a period cut at its judged end.
func figuresKey(start, end time.Time) string {
	return start.UTC().Format(time.RFC3339Nano) + "/" + end.UTC().Format(time.RFC3339Nano)
}

// factsGeneration is a number that changes whenever a transaction that
// wrote facts commits (the triggers of migration 0009_figures_cache): the number of such
// transactions on Postgres, the number of rows written on SQLite.
func (s *Store) factsGeneration(db *gorm.DB) (int64, error) {
	q := "SELECT n FROM facts_generation WHERE id = 1"
	if s.dialect == DialectPostgres {
		q = "SELECT COUNT(*) FROM facts_changes"
	}
	var n int64
	if err := db.Raw(q).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("store: facts generation: %w", err)
	}
	return n, nil
}

// cachedFigures returns the rows kept for key at generation gen, if any.
func (s *Store) cachedFigures(db *gorm.DB, key string, gen int64) ([]figuresRow, bool) {
	var row figuresCacheRow
	err := db.Where("period_key = ? AND generation = ?", key, gen).Limit(1).Find(&row).Error
	if err != nil || row.PeriodKey == "" {
		return nil, false
	}
	rows, err := decodeFigures(row.Payload)
	if err != nil {
		s.log.Warn("store: figures kept are unreadable; recomputing", "period", key, "err", err)
		return nil, false
	}
	return rows, true
}

// encodeFigures writes rows one a line: the kind, the quoted key and the
// sixteen counts, tab-separated (a province's month is ~25,000 rows: JSON
// took 15 ms to read back, this a tenth of it).
func encodeFigures(rows []figuresRow) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.Kind)
		b.WriteByte('\t')
		b.WriteString(strconv.Quote(r.Key))
		for _, v := range r.V {
			b.WriteByte('\t')
			b.WriteString(strconv.FormatInt(v, 10))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// decodeFigures reads what encodeFigures wrote, field by field (no split
// slices: a province's month is read back in a few milliseconds).
func decodeFigures(s string) ([]figuresRow, error) {
	rows := make([]figuresRow, 0, strings.Count(s, "\n"))
	for line := range strings.Lines(s) {
		line = strings.TrimSuffix(line, "\n")
		kind, rest, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("store: figures kept: a line without fields")
		}
		quoted, rest, _ := strings.Cut(rest, "\t")
		key, err := strconv.Unquote(quoted)
		if err != nil {
			return nil, fmt.Errorf("store: figures kept: key %s: %w", quoted, err)
		}
		r := figuresRow{Kind: kind, Key: key}
		for i := range r.V {
			var f string
			f, rest, ok = strings.Cut(rest, "\t")
			if f == "" || (!ok && i != len(r.V)-1) || (ok && i == len(r.V)-1) {
				return nil, fmt.Errorf("store: figures kept: a line with other than 18 fields")
			}
			if r.V[i], err = strconv.ParseInt(f, 10, 64); err != nil {
				return nil, fmt.Errorf("store: figures kept: %w", err)
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// keepFigures stores rows for key at generation gen, replacing what was
// kept for an older generation. A failure only costs the next request a
// recomputation: it is logged, not returned.
func (s *Store) keepFigures(db *gorm.DB, key string, gen int64, rows []figuresRow) {
	err := db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "period_key"}},
		DoUpdates: clause.AssignmentColumns([]string{"generation", "payload", "computed_at"}),
	}).Create(&figuresCacheRow{PeriodKey: key, Generation: gen, Payload: encodeFigures(rows), ComputedAt: tstamp(s.clock.Now())}).Error
	if err != nil {
		s.log.Warn("store: figures cache not kept", "period", key, "err", err)
	}
}

// FiguresKept returns how many periods have figures kept (any generation);
// 0 when it cannot tell.
func (s *Store) FiguresKept(ctx context.Context) int {
	var n int64
	if err := s.db.WithContext(ctx).Model(&figuresCacheRow{}).Count(&n).Error; err != nil {
		return 0
	}
	return int(n)
}

// FactsGeneration returns the facts generation (see factsGeneration): it
// changes when a transaction that wrote facts commits.
func (s *Store) FactsGeneration(ctx context.Context) (int64, error) {
	return s.factsGeneration(s.db.WithContext(ctx))
}
