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
