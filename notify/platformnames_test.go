package notify_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	var offenders []string
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
		for _, p := range nameAllowed {
			if strings.HasPrefix(rel, p) {
				return nil
			}
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			code, _, _ := strings.Cut(line, "//")
			if nameComparison.MatchString(code) {
				offenders = append(offenders, rel+":"+itoa(i+1)+": "+strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(offenders) > 0 {
		t.Errorf("platform names compared outside the adapters and app (decide by notify.Platform instead):\n%s",
			strings.Join(offenders, "\n"))
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
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
