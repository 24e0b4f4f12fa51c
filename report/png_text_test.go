package report

import (
	"bytes"
	"strings"
	"testing"
)

// drawn renders r as PNG and returns every text the chart drew.
func drawn(t *testing.T, r *Report) []string {
	t.Helper()
	var got []string
	pngDrew = func(s string) { got = append(got, s) }
	defer func() { pngDrew = func(string) {} }()
	if err := RenderPNG(&bytes.Buffer{}, r, PNGOptions{}); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestPNGShowsTheSameNumbersAndNulls (issue #11 "every format shows the
// same numbers and the same nulls"): each charted unit's bar says the rate
// and the 766 score the text report says, "—" where there is none; a unit
// with nothing in scope is not charted; a running month says "tạm tính đến
// …"; a month without data says "chưa có dữ liệu".
func TestPNGShowsTheSameNumbersAndNulls(t *testing.T) {
	r := fixtureNulls(t)
	got := strings.Join(drawn(t, r), "\n")
	text := string(render(t, func(b *bytes.Buffer) error { return RenderText(b, r, TextOptions{}) }))
	for _, u := range r.Ranked() {
		rate, score := fmtRateOK(u.Counts.OnTimeRateOK()), fmtScoreOK(u.Counts.Score766OK())
		if !strings.Contains(got, rate+" · 766: "+score) {
			t.Errorf("%s: the chart lacks %q · %q:\n%s", u.Code, rate, score, got)
		}
		if !strings.Contains(text, "điểm "+score+"/20") && score != NoValue {
			t.Errorf("%s: the text report lacks the score %s", u.Code, score)
		}
	}
	if !strings.Contains(got, "UBND xã Đồng Chum") || !strings.Contains(got, NoValue+" · 766: 15,00") {
		t.Errorf("the unit with no finished dossier is not charted with —:\n%s", got)
	}
	if strings.Contains(got, "Mường Chiềng") {
		t.Errorf("a unit with nothing in scope is charted:\n%s", got)
	}

	prov := mustBuild(t, provisionalInput())
	if got := strings.Join(drawn(t, prov), "\n"); !strings.Contains(got, "tạm tính đến 09:05 02/12/2026") {
		t.Errorf("a running month's chart lacks tạm tính:\n%s", got)
	}
	none := mustBuild(t, emptyInput())
	if got := strings.Join(drawn(t, none), "\n"); !strings.Contains(got, NoData) {
		t.Errorf("an empty month's chart lacks %q:\n%s", NoData, got)
	}
}
