package digest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/internal/golden"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

func goldenText(t *testing.T, name, got string) {
	t.Helper()
	golden.Text(t, filepath.Join("testdata", name+".golden"), got)
}

var procedures = []string{
	"Cấp giấy phép xây dựng nhà ở riêng lẻ",
	"Đăng ký khai sinh",
	"Chứng thực bản sao từ bản chính",
	"Cấp giấy chứng nhận quyền sử dụng đất lần đầu",
	"Đăng ký thành lập hộ kinh doanh",
}

var applicants = []string{"Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Võ Thị Phương"}

// shortDigest has one dossier in each section.
func shortDigest(t *testing.T) Digest {
	in := []models.Dossier{
		dossier("H37.12-261102-0001", endOf(11, 23), models.StatusProcessing),
		dossier("H37.12-261102-0002", at(11, 27, 16, 30), models.StatusProcessing),
		dossier("H37.12-261102-0003", endOf(11, 30), models.StatusProcessing),
		dossier("H37.12-261102-0004", endOf(12, 1), models.StatusProcessing),
	}
	for i := range in {
		in[i].ProcedureName = procedures[i]
		in[i].ApplicantName = applicants[i]
	}
	d, ok := Plan(testRules(), friday, "CB001", in)
	if !ok {
		t.Fatal("nothing planned")
	}
	return d
}

// longDigest has n dossiers spread over the sections.
func longDigest(t *testing.T, n int) Digest {
	dues := []time.Time{endOf(11, 10), endOf(11, 20), endOf(11, 25), at(11, 27, 10, 0), endOf(11, 27), endOf(11, 30), endOf(12, 1)}
	var in []models.Dossier
	for i := 0; i < n; i++ {
		d := dossier(fmt.Sprintf("H37.12-261102-%04d", i+1), dues[i%len(dues)], models.StatusProcessing)
		d.ProcedureName = procedures[i%len(procedures)]
		d.ApplicantName = applicants[i%len(applicants)]
		in = append(in, d)
	}
	d, ok := Plan(testRules(), friday, "CB001", in)
	if !ok && n > 0 {
		t.Fatal("nothing planned")
	}
	return d
}

func opts(f notify.Format, maxLen int, applicant bool) RenderOptions {
	return RenderOptions{Format: f, MaxLen: maxLen, Location: loc, OfficerName: "Nguyễn Văn An", ShowApplicant: applicant}
}

func TestRenderDigestGolden(t *testing.T) {
	short := shortDigest(t)
	long := longDigest(t, 120)
	silent, _ := Plan(testRules(), friday, "CB001", []models.Dossier{dossier("H37.12-261102-0009", endOf(12, 1), models.StatusProcessing)})
	cases := []digestCase{
		{"digest_short_html", short, opts(notify.FormatHTML, 4096, false)},
		{"digest_short_plain", short, opts(notify.FormatPlain, 2000, false)},
		{"digest_short_applicant_html", short, opts(notify.FormatHTML, 4096, true)},
		{"digest_short_applicant_plain", short, opts(notify.FormatPlain, 2000, true)},
		{"digest_long_html", long, opts(notify.FormatHTML, 4096, true)},
		{"digest_long_plain", long, opts(notify.FormatPlain, 2000, false)},
		{"digest_long_maxitems_plain", long, func() RenderOptions { o := opts(notify.FormatPlain, 2000, false); o.MaxItems = 5; return o }()},
		{"digest_silent_plain", silent, opts(notify.FormatPlain, 2000, false)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.render(t) })
	}
	if !strings.Contains(RenderDigest(long, opts(notify.FormatPlain, 2000, false)), "hồ sơ khác — gõ /hoso") {
		t.Error("long digest without the tail")
	}
	if strings.Contains(RenderDigest(short, opts(notify.FormatHTML, 4096, false)), "Trần Thị Bình") {
		t.Error("applicant shown without ShowApplicant")
	}
	if !silent.Silent || short.Silent {
		t.Errorf("Silent: only due soon %v, short %v", silent.Silent, short.Silent)
	}
}

func TestRenderDigestEmpty(t *testing.T) {
	if got := RenderDigest(Digest{}, RenderOptions{}); got != "" {
		t.Errorf("empty digest rendered %q", got)
	}
}

// digestCase is a digest rendered against its golden file.
type digestCase struct {
	name string
	d    Digest
	opt  RenderOptions
}

// render renders the digest, checks that it fits MaxLen (and its markup,
// in HTML) and compares it with the golden file named after the case; it
// returns the text.
func (c digestCase) render(t *testing.T) string {
	t.Helper()
	got := RenderDigest(c.d, c.opt)
	if c.opt.Format == notify.FormatHTML {
		checkHTML(t, got)
	}
	if n := u16len(got); n > c.opt.MaxLen {
		t.Errorf("%d UTF-16 units > MaxLen %d", n, c.opt.MaxLen)
	}
	goldenText(t, c.name, got)
	return got
}

// checkHTML fails when the markup is not balanced or a value was not escaped.
func checkHTML(t *testing.T, s string) {
	t.Helper()
	for _, tag := range []string{"b", "code"} {
		if o, c := strings.Count(s, "<"+tag+">"), strings.Count(s, "</"+tag+">"); o != c {
			t.Errorf("<%s> %d, </%s> %d in\n%s", tag, o, tag, c, s)
		}
	}
	rest := s
	for _, tag := range []string{"<b>", "</b>", "<code>", "</code>"} {
		rest = strings.ReplaceAll(rest, tag, "")
	}
	if strings.ContainsAny(rest, "<>") {
		t.Errorf("raw < or > outside the tags:\n%s", s)
	}
	for i := strings.IndexByte(rest, '&'); i >= 0; i = strings.IndexByte(rest, '&') {
		j := strings.IndexByte(rest[i:], ';')
		if j < 0 || !(rest[i:i+j+1] == "&amp;" || rest[i:i+j+1] == "&lt;" || rest[i:i+j+1] == "&gt;" || rest[i:i+j+1] == "&#34;" || rest[i:i+j+1] == "&#39;") {
			t.Errorf("bare & in\n%s", s)
			return
		}
		rest = rest[i+j+1:]
	}
}

func TestRenderDigestMaxLen(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 10, 25, 60, 150, 400} {
		d := longDigest(t, n)
		for _, max := range []int{1, 20, 60, 120, 200, 333, 500, 1000, 2000, 4096} {
			for _, f := range []notify.Format{notify.FormatHTML, notify.FormatPlain} {
				for _, app := range []bool{false, true} {
					o := opts(f, max, app)
					got := RenderDigest(d, o)
					if u := u16len(got); u > max {
						t.Fatalf("n=%d max=%d %s: %d UTF-16 units", n, max, f, u)
					}
					if got == "" {
						t.Fatalf("n=%d max=%d %s: empty", n, max, f)
					}
					if f == notify.FormatHTML {
						checkHTML(t, got)
					}
					if max >= 400 && strings.Count(got, "• ") < d.Len() && !strings.Contains(got, "hồ sơ khác — gõ /hoso") {
						t.Errorf("n=%d max=%d %s: truncated without the tail:\n%s", n, max, f, got)
					}
				}
			}
		}
	}
}

func TestRenderHTMLEscapes(t *testing.T) {
	x := dossier("A<1>&B", endOf(11, 20), models.StatusProcessing)
	x.ProcedureName = `Cấp <giấy> "phép" & đăng ký`
	x.ApplicantName = "<script>&"
	d, _ := Plan(testRules(), friday, "CB1", []models.Dossier{x})
	o := opts(notify.FormatHTML, 4096, true)
	o.OfficerName = "An <admin>"
	got := RenderDigest(d, o)
	checkHTML(t, got)
	for _, want := range []string{"<code>A&lt;1&gt;&amp;B</code>", "Cấp &lt;giấy&gt; &#34;phép&#34; &amp; đăng ký", "&lt;script&gt;&amp;", "An &lt;admin&gt;"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	plain := RenderDigest(d, opts(notify.FormatPlain, 2000, true))
	if !strings.Contains(plain, "A<1>&B") || strings.Contains(plain, "&lt;") {
		t.Errorf("plain text escaped:\n%s", plain)
	}
}

func TestWeekdayAndDue(t *testing.T) {
	want := []string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}
	for i := 0; i < 7; i++ {
		d := models.NewDate(2026, 11, 22+i) // Sun 22/11/2026 …
		if got := WeekdayVN(d); got != want[i] {
			t.Errorf("%v: %q, want %q", d, got, want[i])
		}
	}
	if got := dueVN(endOf(11, 27), loc); got != "27/11/2026" {
		t.Errorf("end of day: %q", got)
	}
	if got := dueVN(at(11, 27, 9, 5), loc); got != "09:05 27/11/2026" {
		t.Errorf("with a time: %q", got)
	}
}
