package storetest

import (
	"fmt"
	"strings"
	"testing"
)

// fakeTB records a fatal failure instead of failing the real test.
type fakeTB struct {
	testing.TB
	fatal string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	panic(f)
}

func TestUnreachablePostgresFails(t *testing.T) {
	t.Setenv(EnvURL, "postgres://postgres@127.0.0.1:1/dondoc?sslmode=disable&connect_timeout=5")
	f := &fakeTB{TB: t}
	func() {
		defer func() {
			if r := recover(); r != nil && r != any(f) {
				panic(r)
			}
		}()
		OpenPostgres(f)
	}()
	if !strings.Contains(f.fatal, "unreachable") {
		t.Fatalf("OpenPostgres on an unreachable server: fatal %q; want a failure saying it is unreachable", f.fatal)
	}
}
