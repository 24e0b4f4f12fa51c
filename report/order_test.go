package report

import (
	"bytes"
	"html"
	"strings"
	"testing"
)

// TestHTMLRowsInRankOrder (issue #12 item 2): the HTML page's unit table
// runs in the report's order — the root, then each peer group in rank
// order, the units with nothing to judge after them — as the CSV and XLSX
// rows do (TestFormatsShowTheSameNumbers): each row names its unit, its
// rank (2= for a tie) and its peer group.
func TestHTMLRowsInRankOrder(t *testing.T) {
	for name, r := range map[string]*Report{"fixture": fixture(t), "nulls": fixtureNulls(t)} {
		t.Run(name, func(t *testing.T) {
			page := string(render(t, func(b *bytes.Buffer) error { return RenderHTML(b, r) }))
			_, body, ok := strings.Cut(page, "<tbody>")
			body, _, ok2 := strings.Cut(body, "</tbody>")
			if !ok || !ok2 {
				t.Fatal("no unit table in the page")
			}
			rows := strings.Split(body, "<tr")[1:]
			if len(rows) != len(r.Units) {
				t.Fatalf("%d rows, want %d units", len(rows), len(r.Units))
			}
			cell := func(label, text string) string {
				if text == "" {
					return `<td data-label="` + html.EscapeString(label) + `"></td>`
				}
				return `<td data-label="` + html.EscapeString(label) + `"><span>` + html.EscapeString(text) + `</span></td>`
			}
			for i, u := range r.Units {
				row := rows[i]
				if !strings.Contains(row, ">"+html.EscapeString(u.Name)+"</th>") {
					t.Errorf("row %d is not %s (%s): %.200q", i+1, u.Name, u.Code, row)
				}
				for _, want := range []string{cell(htmlUnitHeaders[0], u.RankLabel()), cell(htmlUnitHeaders[16], u.Code)} {
					if !strings.Contains(row, want) {
						t.Errorf("row %d (%s) lacks %q", i+1, u.Code, want)
					}
				}
			}
		})
	}
}
