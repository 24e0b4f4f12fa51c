package app

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestDemoBuildsTheSampleProvinceAndSummarises(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	env := map[string]string{"DONDOC_NOW": "2026-11-27T10:00:00+07:00", "LOG_LEVEL": "warn"}
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"demo", "--db", db}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := out.String()
	wantLines(t, "demo output", got,
		"UBND tỉnh Phú Lâm (chính quyền địa phương hai cấp)",
		"10 xã, phường, đặc khu",
		"6750 hồ sơ",
		"HỒ SƠ ĐANG QUÁ HẠN THEO CẤP VÀ ĐƠN VỊ",
		"  Sở, ban, ngành — ",
		"  Xã, phường, đặc khu — ",
		"tiếp nhận từ đơn vị trước sắp xếp",
		"KẾT QUẢ GIẢI QUYẾT HỒ SƠ TTHC — tháng 10/2026",
		"Xếp hạng các sở, ban, ngành theo Điểm tiến độ giải quyết (Bộ chỉ số 766)",
		"Xếp hạng các xã, phường, đặc khu theo Điểm tiến độ giải quyết (Bộ chỉ số 766)",
		"Cán bộ có hồ sơ chậm, muộn",
		"cán bộ khác",
		"trong vai chuyên viên Văn phòng UBND tỉnh",
	)
	// No unit that stopped existing on 30/6/2025 is shown as current: the
	// old district and communes are named only in the first line, as
	// history.
	_, rest, _ := strings.Cut(got, "\n")
	for _, old := range []string{" huyện ", "thị trấn", "Thương binh", "Tài nguyên và Môi trường", "Kế hoạch và Đầu tư"} {
		if strings.Contains(rest, old) {
			t.Errorf("demo shows %q as current:\n%s", old, got)
		}
	}
	// Issue #15: the early-warning backtest runs on the demo's last six
	// months (three months before them to learn from).
	out.Reset()
	env["DATABASE_URL"] = db
	if code := Run(context.Background(), []string{"risk", "eval", "--from", "2026-05", "--to", "2026-10"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("risk eval: exit %d: %s", code, errb.String())
	}
	for _, m := range []string{"05/2026", "06/2026", "07/2026", "08/2026", "09/2026", "10/2026", "tất cả"} {
		if !strings.Contains(out.String(), m) {
			t.Errorf("risk eval on the demo lacks %s:\n%s", m, out.String())
		}
	}
	delete(env, "DATABASE_URL")
	// Running it again recreates the database rather than failing.
	out.Reset()
	if code := Run(context.Background(), []string{"demo", "--db", db}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, errb.String())
	}
}
