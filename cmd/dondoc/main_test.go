package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWithDotEnv: the .env file fills what the environment leaves unset;
// a variable set in the environment wins; a missing file changes nothing.
func TestWithDotEnv(t *testing.T) {
	file := filepath.Join(t.TempDir(), "test.env")
	if err := os.WriteFile(file, []byte("DATABASE_URL=from-file.db\nLOG_LEVEL=debug\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DONDOC_ENV_FILE": file, "LOG_LEVEL": "warn"}
	get := withDotEnv(func(k string) string { return env[k] })
	for k, want := range map[string]string{"DATABASE_URL": "from-file.db", "LOG_LEVEL": "warn", "HTTP_ADDR": ""} {
		if got := get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	env["DONDOC_ENV_FILE"] = filepath.Join(t.TempDir(), "missing.env")
	if got := withDotEnv(func(k string) string { return env[k] })("DATABASE_URL"); got != "" {
		t.Errorf("missing file: DATABASE_URL = %q, want empty", got)
	}
}
