// Package srccheck greps the module's own Go source for the tests that
// police it (no time.Now() outside main, no decision on a platform's name
// outside the adapters).
package srccheck

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Hit is a line whose code matched.
type Hit struct {
	File string // slash-separated, relative to the module root
	Line int    // 1-based
	Text string // the whole line, trimmed
}

func (h Hit) String() string { return fmt.Sprintf("%s:%d: %s", h.File, h.Line, h.Text) }

// Root returns the module root: the nearest directory holding go.mod at or
// above the test's working directory.
func Root(tb testing.TB) string {
	tb.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatalf("srccheck: no go.mod at or above the working directory")
		}
		dir = parent
	}
}

// Grep returns the lines of the module's non-test .go files (hidden
// directories, testdata and vendor left out) whose code, outside a //
// comment, matches re; only files for which keep(path relative to the
// root) is true are read.
func Grep(tb testing.TB, re *regexp.Regexp, keep func(rel string) bool) []Hit {
	tb.Helper()
	root := Root(tb)
	var hits []Hit
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !keep(rel) {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			code, _, _ := strings.Cut(line, "//")
			if re.MatchString(code) {
				hits = append(hits, Hit{File: rel, Line: i + 1, Text: strings.TrimSpace(line)})
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return hits
}
