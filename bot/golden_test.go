package bot

import (
	"path/filepath"
	"testing"

	"github.com/dondoc/dondoc/internal/golden"
)

// goldenText compares got with testdata/name, or rewrites it with -update.
func goldenText(t *testing.T, name, got string) {
	t.Helper()
	golden.Text(t, filepath.Join("testdata", name), got)
}
