// Package store keeps dondoc's data in Postgres or in an embedded SQLite
// file through gorm: row structs mapped to and from the models types,
// queries, and versioned SQL migrations (never AutoMigrate).
//
// Instants are stored in UTC: timestamptz on Postgres; on SQLite, TEXT in
// the driver's format "2006-01-02 15:04:05.999999999+00:00", always UTC, so
// that text order is time order and SQL comparisons work. Both dialects keep
// microseconds (values are truncated to the microsecond on write). A zero
// time.Time is NULL. Civil dates (models.Date) are date on Postgres and
// "YYYY-MM-DD" TEXT on SQLite. Pass times to hand-written queries through
// SQLTime so they compare correctly on both databases.
//
// One file per aggregate: dossiers.go (dossier rows and reads; the open
// dossiers' queries in dossiers_open.go, their steps in steps.go), units.go
// (units and officers), chats.go and links.go (chat accounts, groups, the
// bot's directory, link codes), outbox.go, runs.go (the job run log),
// figures.go (monthly figures), reference.go (procedures and holidays).
// Dossiers are written only through the import session (imports.go,
// import_pg.go). The SQL status lists come from models (status.go). The
// store stamps rows with its clock (WithClock; the real clock by default).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jonboulle/clockwork"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/dondoc/dondoc/models"
)

// Dialect names.
const (
	DialectPostgres = "postgres"
	DialectSQLite   = "sqlite"
)

// Store is dondoc's database.
type Store struct {
	db         *gorm.DB
	sqlDB      *sql.DB
	dialect    string
	log        *slog.Logger
	clock      clockwork.Clock
	rules      *models.Rules // the dossiers' facts follow these (WithRules)
	migrations []migration
}

// Option configures Open.
type Option func(*Store)

// WithClock sets the clock the store stamps rows with (updated_at, created
// outbox entries, applied migrations, the chat directory's cache); the
// default is the real clock. A nil clock keeps the default.
func WithClock(c clockwork.Clock) Option {
	return func(s *Store) {
		if c != nil {
			s.clock = c
		}
	}
}

// Clock returns the store's clock.
func (s *Store) Clock() clockwork.Clock { return s.clock }

// IsPostgresURL reports whether url selects Postgres.
func IsPostgresURL(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// Open connects to url: postgres:// or postgresql:// for Postgres (pgx),
// anything else is a SQLite file (a path, or sqlite://path). It does not
// migrate; see Migrate and CheckSchema.
func Open(ctx context.Context, url string, log *slog.Logger, opts ...Option) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st := &Store{log: log, clock: clockwork.NewRealClock(), rules: defaultFactsRules()}
	for _, o := range opts {
		o(st)
	}
	clock := st.clock
	cfg := &gorm.Config{
		Logger:                 gormLogger{log: log},
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return clock.Now().UTC() },
	}
	var (
		dialector gorm.Dialector
		dialect   string
	)
	if IsPostgresURL(url) {
		dialector, dialect = postgres.Open(url), DialectPostgres
	} else {
		dsn, err := sqliteDSN(url)
		if err != nil {
			return nil, err
		}
		dialector, dialect = sqlite.Open(dsn), DialectSQLite
	}
	db, err := gorm.Open(dialector, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dialect, err)
	}
	if dialect == DialectSQLite {
		// SQLite has one writer: transactions start with BEGIN IMMEDIATE
		// (_txlock) and wait on busy_timeout, so a few connections let
		// readers run beside the writer (WAL) without SQLITE_BUSY.
		sqlDB.SetMaxOpenConns(4)
		sqlDB.SetMaxIdleConns(4)
		sqlDB.SetConnMaxIdleTime(0)
	} else {
		sqlDB.SetMaxOpenConns(16)
		sqlDB.SetMaxIdleConns(4)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", dialect, err)
	}
	migs, err := loadMigrations(dialect)
	if err != nil {
		sqlDB.Close()
		return nil, err
	}
	st.db, st.sqlDB, st.dialect, st.migrations = db, sqlDB, dialect, migs
	return st, nil
}

// sqliteDSN turns a path or sqlite://path into the driver's DSN with the
// pragmas dondoc relies on.
func sqliteDSN(u string) (string, error) {
	path := strings.TrimPrefix(u, "sqlite://")
	path, query, _ := strings.Cut(path, "?")
	if path == "" {
		return "", errors.New("store: empty SQLite path")
	}
	if path == ":memory:" || strings.Contains(path, "mode=memory") {
		return "", errors.New("store: an in-memory SQLite database is not supported (each pooled connection would see its own); use a file")
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("store: SQLite URL %q: %w", u, err)
	}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return path + "?" + q.Encode(), nil
}

// Close closes the connection pool.
func (s *Store) Close() error { return s.sqlDB.Close() }

// DB returns the gorm handle, for queries this package does not offer.
func (s *Store) DB() *gorm.DB { return s.db }

// Dialect returns "postgres" or "sqlite".
func (s *Store) Dialect() string { return s.dialect }

// gormLogger routes gorm's messages to slog at debug level. SQL is logged
// without its parameters: they may hold personal data.
type gormLogger struct{ log *slog.Logger }

func (l gormLogger) LogMode(logger.LogLevel) logger.Interface { return l }

func (l gormLogger) Info(ctx context.Context, msg string, args ...any) {
	l.log.DebugContext(ctx, "store: gorm: "+fmt.Sprintf(msg, args...))
}

func (l gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	l.log.DebugContext(ctx, "store: gorm: "+fmt.Sprintf(msg, args...))
}

func (l gormLogger) Error(ctx context.Context, msg string, args ...any) {
	l.log.DebugContext(ctx, "store: gorm: "+fmt.Sprintf(msg, args...))
}

func (l gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if !l.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	q, rows := fc()
	attrs := []any{slog.String("sql", q), slog.Int64("rows", rows), slog.Duration("elapsed", time.Since(begin))}
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		attrs = append(attrs, slog.String("err", err.Error()))
	}
	l.log.DebugContext(ctx, "store: sql", attrs...)
}

// ParamsFilter keeps parameter values out of the log.
func (l gormLogger) ParamsFilter(_ context.Context, q string, _ ...any) (string, []any) {
	return q, nil
}

// InTx runs fn in one transaction on a Store bound to it (its Outbox and
// every method use the transaction); an error or a panic rolls back.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c := *s
		c.db = tx
		return fn(&c)
	})
}
