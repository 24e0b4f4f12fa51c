package bot

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPaginate(t *testing.T) {
	for _, limit := range []int{4096, 2000} {
		var items []string
		for i := range 300 {
			items = append(items, fmt.Sprintf("%d. Hồ sơ H%05d — quá hạn %d ngày làm việc, cán bộ Nguyễn Văn Ấn", i+1, i, i%9))
		}
		pages := Paginate("Hồ sơ quá hạn:", items, limit)
		if len(pages) < 2 {
			t.Fatalf("limit %d: %d pages", limit, len(pages))
		}
		var joined []string
		for i, p := range pages {
			r := renderPage(Reply{Pages: pages}, "quahan", "", i)
			if n := utf8.RuneCountInString(r.Text); n > limit {
				t.Errorf("limit %d: page %d has %d characters", limit, i, n)
			}
			if !strings.HasPrefix(p, "Hồ sơ quá hạn:\n") {
				t.Errorf("page %d lacks the header", i)
			}
			joined = append(joined, strings.Split(strings.TrimPrefix(p, "Hồ sơ quá hạn:\n"), "\n")...)
		}
		if strings.Join(joined, "|") != strings.Join(items, "|") {
			t.Errorf("limit %d: items lost or split across pages", limit)
		}
	}
	if got := Paginate("H", nil, 100); len(got) != 1 || got[0] != "H" {
		t.Errorf("empty list: %q", got)
	}
	long := strings.Repeat("ấ", 5000)
	for _, p := range Paginate("", []string{"a", long, "b"}, 4096) {
		if utf8.RuneCountInString(p) > 4096 {
			t.Error("an oversize item was not cut")
		}
	}
}

func TestPageData(t *testing.T) {
	tests := []struct {
		cmd, args string
		page      int
	}{
		{"quahan", "", 0},
		{"tra", "H12.34-2026", 7},
		{"xephang", strings.Repeat("đơn vị ", 20), 3},
	}
	for _, tt := range tests {
		d := PageData(tt.cmd, tt.args, tt.page)
		if len(d) > MaxCallbackData || !utf8.ValidString(d) {
			t.Errorf("PageData(%q) = %q: %d bytes", tt.args, d, len(d))
		}
		cmd, args, page, ok := ParsePageData(d)
		if !ok || cmd != tt.cmd || page != tt.page || !strings.HasPrefix(tt.args, args) {
			t.Errorf("round trip of %+v: %q %q %d %v", tt, cmd, args, page, ok)
		}
	}
	for _, bad := range []string{"", "pg:", "pg:x:y:", "pg::1:", "xx:quahan:1:", "pg:quahan:-1:"} {
		if _, _, _, ok := ParsePageData(bad); ok {
			t.Errorf("ParsePageData(%q) ok", bad)
		}
	}
	r := renderPage(Reply{Pages: []string{"a", "b", "c"}}, "quahan", "x", 1)
	if len(r.Buttons) != 1 || len(r.Buttons[0]) != 2 || r.Buttons[0][0].Text != "« Trước" || r.Buttons[0][1].Text != "Sau »" {
		t.Errorf("middle page buttons: %+v", r.Buttons)
	}
	if r := renderPage(Reply{Pages: []string{"a"}}, "quahan", "", 0); len(r.Buttons) != 0 || r.Text != "a" {
		t.Errorf("single page: %+v", r)
	}
}
