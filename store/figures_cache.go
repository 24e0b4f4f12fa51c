package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// figuresRow is one row of figuresSQL: kind "u" (a stored unit code) or
// "o" (an officer), the key and the sixteen counts.
type figuresRow struct {
	Kind string    `json:"k"`
	Key  string    `json:"c"`
	V    [16]int64 `json:"v"`
}

// figuresCacheRow is a period's figures as figuresSQL returned them,
// tagged with the facts generation they were computed at (migration 0009).
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
// wrote facts commits (the triggers of migration 0009): the number of such
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
	var rows []figuresRow
	if err := json.Unmarshal([]byte(row.Payload), &rows); err != nil {
		return nil, false
	}
	return rows, true
}

// keepFigures stores rows for key at generation gen, replacing what was
// kept for an older generation. A failure only costs the next request a
// recomputation: it is logged, not returned.
func (s *Store) keepFigures(db *gorm.DB, key string, gen int64, rows []figuresRow) {
	b, err := json.Marshal(rows)
	if err == nil {
		err = db.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "period_key"}},
			DoUpdates: clause.AssignmentColumns([]string{"generation", "payload", "computed_at"}),
		}).Create(&figuresCacheRow{PeriodKey: key, Generation: gen, Payload: string(b), ComputedAt: tstamp(s.clock.Now())}).Error
	}
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
