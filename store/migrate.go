package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrationFS embed.FS

// ErrSchemaOutdated means the database lacks migrations this dondoc needs.
var ErrSchemaOutdated = errors.New("lược đồ cơ sở dữ liệu chưa được cập nhật")

// ErrSchemaTooNew means the database was migrated by a newer dondoc.
var ErrSchemaTooNew = errors.New("lược đồ cơ sở dữ liệu mới hơn phiên bản dondoc này")

// migrationLockKey is the pg_advisory_lock key held while migrating
// (the bytes of "dondoc_m").
const migrationLockKey int64 = 0x646f6e646f635f6d

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded migrations of dialect, numbered
// 0001_name.sql from 1 without gaps.
func loadMigrations(dialect string) ([]migration, error) {
	dir := "migrations/" + dialect
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration file %s: expected NNNN_name.sql", e.Name())
		}
		b, err := migrationFS.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("store: migrations: %w", err)
		}
		out = append(out, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migrations of %s: expected version %d, found %d (%s)", dialect, i+1, m.version, m.name)
		}
	}
	return out, nil
}

const createSchemaMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at %s NOT NULL
)`

// Migrate applies the pending migrations, each in its own transaction, and
// returns the versions it applied (none when the schema is up to date). On
// Postgres it holds an advisory lock meanwhile, so that two processes
// starting together do not race; on SQLite, transactions begin IMMEDIATE
// and each re-checks its version.
func (s *Store) Migrate(ctx context.Context) ([]int, error) {
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Close()
	tsType := "TEXT"
	if s.dialect == DialectPostgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
			return nil, fmt.Errorf("store: migrate: lock: %w", err)
		}
		defer func() {
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockKey); err != nil {
				s.log.Warn("store: migrate: unlock", "err", err)
			}
		}()
		tsType = "timestamptz"
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(createSchemaMigrations, tsType)); err != nil {
		return nil, fmt.Errorf("store: migrate: create schema_migrations: %w", err)
	}
	var applied []int
	for _, m := range s.migrations {
		done, err := s.applyMigration(ctx, conn, m)
		if err != nil {
			return applied, err
		}
		if done {
			applied = append(applied, m.version)
			s.log.Info("store: migration applied", "version", m.version, "name", m.name)
		}
	}
	return applied, nil
}

// applyMigration runs m in a transaction unless it is already applied.
func (s *Store) applyMigration(ctx context.Context, conn *sql.Conn, m migration) (applied bool, err error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store: migration %d: %w", m.version, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = $1", m.version).Scan(&n); err != nil {
		return false, fmt.Errorf("store: migration %d: %w", m.version, err)
	}
	if n > 0 {
		return false, tx.Rollback()
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("store: migration %d (%s): %w", m.version, m.name, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
		m.version, m.name, SQLTime(s.clock.Now())); err != nil {
		return false, fmt.Errorf("store: migration %d: record: %w", m.version, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: migration %d: commit: %w", m.version, err)
	}
	return true, nil
}

// SchemaVersion returns the version the database is at (0 when never
// migrated) and the latest version this dondoc knows.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	latest = len(s.migrations)
	db := s.db.WithContext(ctx)
	if !db.Migrator().HasTable("schema_migrations") {
		return 0, latest, nil
	}
	var v sql.NullInt64
	if err := db.Raw("SELECT max(version) FROM schema_migrations").Scan(&v).Error; err != nil {
		return 0, latest, fmt.Errorf("store: schema version: %w", err)
	}
	return int(v.Int64), latest, nil
}

// CheckSchema returns nil when the database is at the latest version, a
// wrapped ErrSchemaOutdated (telling the user to run dondoc migrate) when it
// is behind, and a wrapped ErrSchemaTooNew when it is ahead.
func (s *Store) CheckSchema(ctx context.Context) error {
	cur, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch {
	case cur < latest:
		return fmt.Errorf("%w (phiên bản %d, cần %d): hãy chạy `dondoc migrate`", ErrSchemaOutdated, cur, latest)
	case cur > latest:
		return fmt.Errorf("%w (phiên bản %d, dondoc này biết đến %d): hãy cập nhật dondoc", ErrSchemaTooNew, cur, latest)
	}
	return nil
}
