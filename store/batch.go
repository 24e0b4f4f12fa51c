package store

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"
)

// batchSize returns how many rows of cols columns one statement carries:
// well under Postgres' 65535 bound parameters; on SQLite far under its
// 32766, because the pure-Go driver binds parameters in time quadratic in
// their number (one statement of 1,500 dossiers took 1.4 s).
func (s *Store) batchSize(cols int) int { return max(1, s.maxParams()/cols) }

func (s *Store) maxParams() int {
	if s.dialect == DialectSQLite {
		return 1000
	}
	return 30000
}

// dedupe keeps the last row of each key, in first-seen order: one
// INSERT … ON CONFLICT DO UPDATE may not touch a row twice.
func dedupe[T any, K comparable](rows []T, key func(*T) K) []T {
	idx := make(map[K]int, len(rows))
	out := rows[:0:0]
	for i := range rows {
		k := key(&rows[i])
		if j, ok := idx[k]; ok {
			out[j] = rows[i]
			continue
		}
		idx[k] = len(out)
		out = append(out, rows[i])
	}
	return out
}

// upsert inserts rows, replacing every column but the key on conflict.
func upsert[T any](ctx context.Context, s *Store, what string, rows []T, key []string, update []string) error {
	if len(rows) == 0 {
		return nil
	}
	cols := make([]clause.Column, len(key))
	for i, k := range key {
		cols[i] = clause.Column{Name: k}
	}
	n := s.batchSize(len(key) + len(update))
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: cols, DoUpdates: clause.AssignmentColumns(update)}).
		CreateInBatches(rows, n).Error
	if err != nil {
		return fmt.Errorf("store: upsert %s: %w", what, err)
	}
	return nil
}

// chunks splits xs into slices of at most n.
func chunks[T any](xs []T, n int) [][]T {
	var out [][]T
	for len(xs) > n {
		out = append(out, xs[:n])
		xs = xs[n:]
	}
	if len(xs) > 0 {
		out = append(out, xs)
	}
	return out
}
