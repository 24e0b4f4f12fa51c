package app

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/dondoc/dondoc/config"
	"github.com/dondoc/dondoc/store"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// openApp builds the app of env (its config, a silent logger) and opens its
// store, closed at cleanup.
func openApp(tb testing.TB, env map[string]string) (*app, *store.Store) {
	tb.Helper()
	cfg, err := config.Load(mapEnv(env))
	if err != nil {
		tb.Fatal(err)
	}
	a := &app{cfg: cfg, log: discardLogger(), getenv: mapEnv(env)}
	st, err := openStore(context.Background(), a, false)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return a, st
}

// runEnv runs dondoc with args, the environment getenv and stdin, and
// returns the exit status, stdout and stderr.
func runEnv(getenv func(string) string, stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// mapEnv is an environment holding exactly env.
func mapEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// wantLines fails the test for each of wants that got (what) lacks.
func wantLines(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, got)
		}
	}
}

// commandRunner runs the subcommand name with env and the given flags; it
// returns stdout, stderr and the exit status.
func commandRunner(env func(string) string, name string) func(t *testing.T, args ...string) (string, string, int) {
	return func(t *testing.T, args ...string) (string, string, int) {
		t.Helper()
		code, stdout, stderr := runEnv(env, "", append([]string{name}, args...)...)
		return stdout, stderr, code
	}
}
