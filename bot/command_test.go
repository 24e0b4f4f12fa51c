package bot

import (
	"reflect"
	"testing"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		text  string
		ok    bool
		name  string
		known bool
		args  []string
	}{
		{"/start", true, "start", true, nil},
		{"/start abc_123", true, "start", true, []string{"abc_123"}},
		{"/quahan@dondoc_bot", true, "quahan", true, nil},
		{"/Overdue@DonDoc_Bot  2  3", true, "quahan", true, []string{"2", "3"}},
		{"/help", true, "trogiup", true, nil},
		{"/mine", true, "hoso", true, nil},
		{"/find@dondoc_bot H12.34-2026", true, "tra", true, []string{"H12.34-2026"}},
		{"/tra\nH1", true, "tra", true, []string{"H1"}},
		{"/ranking 10/2026", true, "xephang", true, []string{"10/2026"}},
		{"/report", true, "baocao", true, nil},
		{"/due", true, "sapden", true, nil},
		{"/quahan@otherbot", false, "", false, nil},
		{"/foo", true, "foo", false, nil},
		{"hello", false, "", false, nil},
		{"quá hạn", true, "quahan", true, nil},
		{"quahan", true, "quahan", true, nil},
		{"Quá Hạn cam hoa", true, "quahan", true, []string{"cam", "hoa"}},
		{"/qua han 2", true, "quahan", true, []string{"2"}},
		{"/quá_hạn", true, "quahan", true, nil},
		{"/bao-cao", true, "baocao", true, nil},
		{"/QUAHAN", true, "quahan", true, nil},
		{"sắp đến năm", true, "sapden", true, []string{"năm"}},
		{"gửi báo cáo 11/2026", true, "guibaocao", true, []string{"11/2026"}},
		{"trợ giúp", true, "trogiup", true, nil},
		{"tra cứu hồ sơ", true, "tra", true, []string{"cứu", "hồ", "sơ"}},
		{"xin chào", false, "", false, nil},
		{"quahan@dondoc_bot", false, "", false, nil},
		{"/quahan@DONDOC_BOT cam", true, "quahan", true, []string{"cam"}},
		{"//quahan", false, "", false, nil},
		{"AbCdEfGhIjKlMnOpQrStUv", false, "", false, nil},
		{"/", false, "", false, nil},
		{"", false, "", false, nil},
	}
	for _, tt := range tests {
		c, ok := ParseCommand(tt.text, "@dondoc_bot")
		if ok != tt.ok || c.Name != tt.name || c.Known != tt.known || !reflect.DeepEqual(c.Args, tt.args) {
			t.Errorf("ParseCommand(%q) = %+v, %v; want name %q known %v args %q ok %v", tt.text, c, ok, tt.name, tt.known, tt.args, tt.ok)
		}
	}
}

func TestNearest(t *testing.T) {
	for typed, want := range map[string]string{
		"quahn": "quahan", "quhan": "quahan", "sapdne": "sapden", "trogup": "trogiup", "hosso": "hoso",
		"overdeu": "quahan", "xyz": "", "a": "", "lienkte": "lienket", "": "",
	} {
		if got := Nearest(typed); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", typed, got, want)
		}
	}
	c, ok := ParseCommand("/quahn", "")
	if !ok || c.Known || c.Suggest != "quahan" {
		t.Errorf("/quahn = %+v, %v; want unknown with suggestion quahan", c, ok)
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{"Quá Hạn": "qua han", "Đống Đa": "dong da", "Cẩm Hòa": "cam hoa", "abc": "abc"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
