// Package storetest opens fresh, migrated stores for tests: always a SQLite
// temp file, plus a Postgres database of its own when
// DONDOC_TEST_DATABASE_URL is set (created on that server for each call and
// dropped at cleanup, so packages testing in parallel never collide). When
// the URL is set but the server is unreachable the test fails: it never
// skips silently.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"github.com/dondoc/dondoc/store"
)

// EnvURL names the variable holding the Postgres server URL for tests.
const EnvURL = "DONDOC_TEST_DATABASE_URL"

// Open returns fresh migrated stores: SQLite always, Postgres when EnvURL
// is set. They are closed (and the Postgres database dropped) at cleanup.
func Open(t testing.TB) []*store.Store {
	t.Helper()
	out := []*store.Store{OpenSQLite(t)}
	if os.Getenv(EnvURL) != "" {
		out = append(out, OpenPostgres(t))
	}
	return out
}

// Test is a test of one store; it may take the subtest's context (t.Context())
// first.
type Test interface {
	func(t *testing.T, s *store.Store) | func(ctx context.Context, t *testing.T, s *store.Store)
}

// ForEach runs fn as a subtest named after each store's dialect.
func ForEach[F Test](t *testing.T, fn F) {
	t.Helper()
	for _, s := range Open(t) {
		t.Run(s.Dialect(), func(t *testing.T) {
			switch fn := any(fn).(type) {
			case func(*testing.T, *store.Store):
				fn(t, s)
			case func(context.Context, *testing.T, *store.Store):
				fn(t.Context(), t, s)
			}
		})
	}
}

// ForEachWith is ForEach with stores opened with opts (store.WithRules).
func ForEachWith(t *testing.T, opts []store.Option, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	stores := []*store.Store{openMigrated(t, filepath.Join(t.TempDir(), "dondoc.db"), opts...)}
	if u := os.Getenv(EnvURL); u != "" {
		stores = append(stores, openMigrated(t, CreateDatabase(t, u), opts...))
	}
	for _, s := range stores {
		t.Run(s.Dialect(), func(t *testing.T) { fn(t, s) })
	}
}

// EmptyDatabases returns where to open fresh, unmigrated stores: the path
// of a SQLite file called name in a temp directory, and a new Postgres
// database (dropped at cleanup) when EnvURL is set. For tests of opening
// and migrating.
func EmptyDatabases(t *testing.T, name string) []string {
	t.Helper()
	urls := []string{filepath.Join(t.TempDir(), name)}
	if u := os.Getenv(EnvURL); u != "" {
		urls = append(urls, CreateDatabase(t, u))
	}
	return urls
}

// OpenSQLite returns a fresh migrated store on a SQLite temp file.
func OpenSQLite(t testing.TB) *store.Store {
	t.Helper()
	return openMigrated(t, filepath.Join(t.TempDir(), "dondoc.db"))
}

// OpenPostgres returns a fresh migrated store on a new database of the
// server at EnvURL; the test fails when EnvURL is unset or unreachable.
func OpenPostgres(t testing.TB) *store.Store {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		t.Fatalf("storetest: %s is not set", EnvURL)
	}
	dbURL := CreateDatabase(t, u)
	return openMigrated(t, dbURL)
}

// OpenPostgresOrSkip is OpenPostgres, or skips the test when EnvURL is
// unset (a test of what only Postgres does).
func OpenPostgresOrSkip(t testing.TB) *store.Store {
	t.Helper()
	if os.Getenv(EnvURL) == "" {
		t.Skip(EnvURL + " is not set: a Postgres-only test")
	}
	return OpenPostgres(t)
}

// CreateDatabase creates a uniquely named empty database on the server of
// serverURL, drops it at cleanup, and returns its URL.
func CreateDatabase(t testing.TB, serverURL string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pu, err := url.Parse(serverURL)
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvURL, err)
	}
	admin, err := sql.Open("pgx", serverURL)
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvURL, err)
	}
	defer admin.Close()
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("storetest: Postgres at %s is unreachable: %v", pu.Redacted(), err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "dondoc_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("storetest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		db, err := sql.Open("pgx", serverURL)
		if err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
			return
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})
	pu.Path = "/" + name
	return pu.String()
}

// OpenURL opens the store at u (a SQLite path or a Postgres URL), migrates
// it and closes it at cleanup. It neither creates nor drops the database:
// benchmarks use it on the databases they keep between runs.
func OpenURL(t testing.TB, u string, opts ...store.Option) *store.Store {
	t.Helper()
	return openMigrated(t, u, opts...)
}

func openMigrated(t testing.TB, u string, opts ...store.Option) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, u, nil, opts...)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate %s: %v", s.Dialect(), err)
	}
	return s
}
