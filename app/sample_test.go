package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sampleEnv(m map[string]string) func(string) string {
	return func(k string) string {
		if k == "DONDOC_ENV_FILE" {
			return filepath.Join(os.TempDir(), "dondoc-sample-test-no-such.env")
		}
		return m[k]
	}
}

func TestSampleCommandWritesFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	env := sampleEnv(map[string]string{"DONDOC_NOW": "2026-11-27T10:00:00+07:00"})
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"sample", "--dossiers", "500", "--seed", "3", "--months", "2", "--out", dir},
		env, strings.NewReader(""), &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d, stderr: %s", code, stderr.String())
	}
	for _, name := range []string{"units.csv", "officers.csv", "dossiers.csv", "steps.csv"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
		if !strings.Contains(stdout.String(), name) {
			t.Errorf("output does not list %s:\n%s", name, stdout.String())
		}
	}
	if !strings.Contains(stdout.String(), "500 dòng") || !strings.Contains(stdout.String(), "27/11/2026 10:00") {
		t.Errorf("output lacks the count or the clock:\n%s", stdout.String())
	}
	b, _ := os.ReadFile(filepath.Join(dir, "dossiers.csv"))
	if n := bytes.Count(b, []byte("\n")); n != 501 {
		t.Errorf("dossiers.csv has %d lines, want 501", n)
	}
}

func TestSampleCommandUsage(t *testing.T) {
	env := sampleEnv(map[string]string{"DONDOC_NOW": "2026-11-27T10:00:00+07:00"})
	for _, args := range [][]string{
		{"sample"},
		{"sample", "--out", t.TempDir(), "--dossiers", "0"},
		{"sample", "--out", t.TempDir(), "--months", "0"},
		{"sample", "--out", t.TempDir(), "--bogus"},
		{"sample", "--out", t.TempDir(), "extra"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), args, env, strings.NewReader(""), &stdout, &stderr); code != exitUsage {
			t.Errorf("%q: exit %d, want %d (stderr %s)", args, code, exitUsage, stderr.String())
		}
	}
}
