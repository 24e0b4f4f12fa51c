package app

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestDemoBuildsTheSampleDistrictAndSummarises(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	env := map[string]string{"DONDOC_NOW": "2026-11-27T10:00:00+07:00", "LOG_LEVEL": "warn"}
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"demo", "--db", db}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := out.String()
	for _, want := range []string{
		"UBND huyện Bình Minh",
		"3000 hồ sơ",
		"HỒ SƠ ĐANG QUÁ HẠN THEO ĐƠN VỊ",
		"KẾT QUẢ GIẢI QUYẾT HỒ SƠ TTHC — tháng 10/2026",
		"Xếp hạng đơn vị",
		"Cán bộ có hồ sơ chậm, muộn",
		"cán bộ khác",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("demo output lacks %q:\n%s", want, got)
		}
	}
	// Running it again recreates the database rather than failing.
	out.Reset()
	if code := Run(context.Background(), []string{"demo", "--db", db}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, errb.String())
	}
}
