package bot

import (
	"os"
	"strings"
	"testing"
)

// The README shows the access table; it must be the one the code enforces.
func TestREADMEShowsTheAccessTable(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), strings.TrimRight(AccessMarkdown(), "\n")) {
		t.Errorf("README.md does not contain the access table; paste this:\n%s", AccessMarkdown())
	}
}
