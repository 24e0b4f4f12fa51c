// Package golden compares test output with files under testdata/ and
// rewrites them when the tests run with -update. Every package's golden
// tests share this one flag.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/text/unicode/norm"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Update reports whether the tests run with -update.
func Update() bool { return *update }

// Check compares got with the file at path, or writes it under -update.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (go test -run %s -update to accept):\n--- got\n%s\n--- want\n%s",
			path, t.Name(), got, want)
	}
}

// Text is Check for rendered text, which must also be NFC: what users read
// is always composed Vietnamese.
func Text(t testing.TB, path string, got string) {
	t.Helper()
	if !norm.NFC.IsNormalString(got) {
		t.Errorf("%s: text is not NFC", path)
	}
	Check(t, path, []byte(got))
}

// Testdata is Text for the file name under the package's testdata/.
func Testdata(t testing.TB, name string, got string) {
	t.Helper()
	Text(t, filepath.Join("testdata", name), got)
}
