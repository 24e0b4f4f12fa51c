package browsertest

import (
	"fmt"
	"strings"
	"testing"
)

// recorder keeps what Check reports instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

const head = `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head><body>`

// The probe tells a page that fits from one that overflows or hides an
// element: Check is not a test that always passes.
func TestCheckSeesOverflowAndHiddenElements(t *testing.T) {
	bin := Chromium(t)
	for _, c := range []struct {
		name, body string
		visible    []string
		want       string
	}{
		{"fits", `<form><button>OK</button></form>`, []string{"form", "button"}, ""},
		{"overflows", `<div style="width:600px">rộng</div>`, nil, "overflows"},
		{"hidden", `<form style="display:none"><button>OK</button></form>`, []string{"button"}, "not visible"},
		{"missing", `<p>x</p>`, []string{"input[type=file]"}, "not visible"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{TB: t}
			Check(r, bin, c.name, []byte(head+c.body+`</body></html>`), 390, 600, "", c.visible...)
			got := strings.Join(r.errs, "; ")
			if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
				t.Errorf("Check reported %q, want %q", got, c.want)
			}
		})
	}
}
