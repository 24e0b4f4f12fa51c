package app

import (
	"regexp"
	"sort"
	"testing"

	"github.com/dondoc/dondoc/internal/srccheck"
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
	clean := map[string]bool{}
	for f := range realClockPending {
		clean[f] = true
	}
	var offenders []string
	for _, h := range srccheck.Grep(t, timeNowCall, func(rel string) bool { return !realClockAllowed[rel] }) {
		if realClockPending[h.File] {
			delete(clean, h.File)
			continue
		}
		offenders = append(offenders, h.String())
	}
	sort.Strings(offenders)
	for _, o := range offenders {
		t.Errorf("time.Now() outside cmd/dondoc/main.go: %s (take a clockwork.Clock from the caller)", o)
	}
	for f := range clean {
		t.Errorf("%s no longer calls time.Now(): remove it from realClockPending", f)
	}
}
