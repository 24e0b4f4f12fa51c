package notify_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/dondoc/dondoc/internal/srccheck"
)

// platformNames are the channels' names (notify.Platform.Name).
const platformNames = `telegram|zalo|zalo_oa|zns|email|console`

// nameComparison is a decision on a platform's name: a comparison with a
// name or an adapter's Platform constant, or a switch case on a name.
var nameComparison = regexp.MustCompile(`(==|!=)\s*("(` + platformNames + `)"|(telegram|zalo|zalooa|zns|email|console)\.Platform\b)` +
	`|"(` + platformNames + `)"\s*(==|!=)` +
	`|\bcase\s+("(` + platformNames + `)"\s*,\s*)*"(` + platformNames + `)"\s*[,:]`)

// nameAllowed are where platform names may be compared: each adapter
// (it knows its own platform), app (the one wiring list and its
// commands), cmd, and the fakes of internal/ that speak a platform.
var nameAllowed = []string{"bot/telegram/", "bot/zalo/", "bot/zalooa/", "bot/zns/", "bot/email/", "bot/console/",
	"app/", "cmd/", "internal/"}

// TestNoPlatformNameDecisions: outside the adapters and app, code decides
// by a channel's description (notify.Platform: format, longest text,
// buttons, files…), never by comparing its name.
func TestNoPlatformNameDecisions(t *testing.T) {
	var offenders []string
	for _, h := range srccheck.Grep(t, nameComparison, func(rel string) bool {
		for _, p := range nameAllowed {
			if strings.HasPrefix(rel, p) {
				return false
			}
		}
		return true
	}) {
		offenders = append(offenders, h.String())
	}
	if len(offenders) > 0 {
		t.Errorf("platform names compared outside the adapters and app (decide by notify.Platform instead):\n%s",
			strings.Join(offenders, "\n"))
	}
}

// The pattern finds what it must and leaves data alone.
func TestNameComparisonPattern(t *testing.T) {
	for _, s := range []string{`if a.Platform != "telegram" {`, `q.Update.Platform == "telegram"`, `case "zalo":`,
		`case "telegram", "zalo":`, `if platform != telegram.Platform {`, `"email" == p`} {
		if !nameComparison.MatchString(s) {
			t.Errorf("not found: %s", s)
		}
	}
	for _, s := range []string{`oEmail: {"email", []string{"Thư điện tử"}, false},`, `Platform: "telegram",`,
		`const Platform = "zalo"`, `p.Format == notify.FormatHTML`, `d.Platform() == x`, `if a.Platform != first.Platform {`} {
		if nameComparison.MatchString(s) {
			t.Errorf("found in: %s", s)
		}
	}
}
