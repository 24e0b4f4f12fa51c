package app

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// timeNowCall is a call of the real clock.
var timeNowCall = regexp.MustCompile(`\btime\.Now\(\)`)

// realClockAllowed are the only non-test files that may call time.Now():
// main owns the process, nothing else reads the real clock directly.
var realClockAllowed = map[string]bool{"cmd/dondoc/main.go": true}

// realClockPending are files still waiting for a clock; the test fails
// once an entry is clean, so the list only shrinks. Empty since the store
// took store.WithClock.
var realClockPending = map[string]bool{}

// TestNoTimeNowOutsideMain greps every non-test .go file of the module
// (internal fakes and helper commands included) for time.Now(): every
// other package takes its clock (clockwork.Clock, or a now func made from
// one) from its caller, so DONDOC_NOW is one fake clock everywhere.
func TestNoTimeNowOutsideMain(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	var offenders []string
	clean := map[string]bool{}
	for f := range realClockPending {
		clean[f] = true
	}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
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
		if realClockAllowed[rel] {
			return nil
		}
		hits, err := grepCode(path)
		if err != nil {
			return err
		}
		if len(hits) > 0 && realClockPending[rel] {
			delete(clean, rel)
			return nil
		}
		for _, h := range hits {
			offenders = append(offenders, rel+":"+h)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(offenders)
	for _, o := range offenders {
		t.Errorf("time.Now() outside cmd/dondoc/main.go: %s (take a clockwork.Clock from the caller)", o)
	}
	for f := range clean {
		t.Errorf("%s no longer calls time.Now(): remove it from realClockPending", f)
	}
}

// grepCode returns "line: text" for each line of path calling time.Now()
// outside a // comment.
func grepCode(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var hits []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		if timeNowCall.MatchString(line) {
			hits = append(hits, strings.TrimSpace(sc.Text()))
			hits[len(hits)-1] = strconv.Itoa(n) + ": " + hits[len(hits)-1]
		}
	}
	return hits, sc.Err()
}
