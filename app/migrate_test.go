package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dondoc/dondoc/store"
)

func runWith(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runEnv(mapEnv(env), "", args...)
}

func TestMigrateCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dondoc.db")
	env := map[string]string{"DATABASE_URL": "sqlite://" + db, "DONDOC_ENV_FILE": filepath.Join(t.TempDir(), "none.env")}

	// Before migrating, a command that needs the store refuses the schema.
	a := &app{}
	a.cfg.DatabaseURL = env["DATABASE_URL"]
	a.log = discardLogger()
	if _, err := openStore(context.Background(), a, false); !errors.Is(err, store.ErrSchemaOutdated) || !strings.Contains(err.Error(), "dondoc migrate") {
		t.Fatalf("openStore on a fresh database = %v; want ErrSchemaOutdated telling to run dondoc migrate", err)
	}

	probe, err := store.Open(context.Background(), env["DATABASE_URL"], nil)
	if err != nil {
		t.Fatal(err)
	}
	_, latest, err := probe.SchemaVersion(context.Background())
	probe.Close()
	if err != nil {
		t.Fatal(err)
	}
	all := make([]string, latest)
	for i := range all {
		all[i] = strconv.Itoa(i + 1)
	}
	code, out, errs := runWith(t, env, "migrate")
	if code != 0 || out != fmt.Sprintf("schema: version %d (applied: %s)\n", latest, strings.Join(all, ", ")) {
		t.Fatalf("first migrate: code %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, errs = runWith(t, env, "migrate")
	if code != 0 || out != fmt.Sprintf("schema: up to date (version %d)\n", latest) {
		t.Fatalf("second migrate: code %d, stdout %q, stderr %q", code, out, errs)
	}
	s, err := openStore(context.Background(), a, false)
	if err != nil {
		t.Fatalf("openStore after migrate: %v", err)
	}
	s.Close()

	if code, _, _ := runWith(t, env, "migrate", "extra"); code != exitUsage {
		t.Errorf("migrate extra: code %d, want %d", code, exitUsage)
	}
}

func TestOpenStoreAutoMigrate(t *testing.T) {
	a := &app{log: discardLogger()}
	a.cfg.DatabaseURL = filepath.Join(t.TempDir(), "auto.db")
	s, err := openStore(context.Background(), a, true)
	if err != nil {
		t.Fatalf("openStore(autoMigrate): %v", err)
	}
	defer s.Close()
	if err := s.CheckSchema(context.Background()); err != nil {
		t.Errorf("schema after auto-migrate: %v", err)
	}
}
