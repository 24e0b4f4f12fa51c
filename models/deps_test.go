package models

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps the domain pure: models must not depend on a
// database driver, an ORM, a chat client or a spreadsheet library.
func TestDependencies(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not on PATH")
	}
	out, err := exec.Command(goBin, "list", "-deps", "./").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	banned := []string{"gorm", "telegram", "zalo", "pgx", "sqlite", "excelize"}
	for _, dep := range strings.Fields(string(out)) {
		for _, b := range banned {
			if strings.Contains(strings.ToLower(dep), b) {
				t.Errorf("models depends on %s (matches %q)", dep, b)
			}
		}
	}
}
