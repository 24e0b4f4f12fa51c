package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dondoc/dondoc/internal/golden"
	"github.com/dondoc/dondoc/models"
)

// TestChatRiskEndToEnd: /nguyco (/risk, "nguy cơ") over the real
// early-warning cache and store, through the real Telegram adapter: each
// asker sees only the dossiers at risk of their scope — an officer their
// own, a leader their sub-tree (not a unit outside it), a bound group its
// unit — and never an applicant's name.
func TestChatRiskEndToEnd(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env, p people) {
		list, err := e.risk.Risks(t.Context(), e.clock())
		if err != nil {
			t.Fatal(err)
		}
		// An officer with dossiers at risk, and the leader of their unit.
		leaders := map[string]models.Officer{}
		byCode := map[string]models.Officer{}
		for _, o := range e.data.Officers {
			byCode[o.Code] = o
			if o.Role == models.RoleLeader && o.Active {
				if _, ok := leaders[o.UnitCode]; !ok {
					leaders[o.UnitCode] = o
				}
			}
		}
		var officer, leader models.Officer
		for _, w := range list.Items {
			o := byCode[w.HandlerCode]
			if o.Role == models.RoleOfficer && o.Active {
				if l, ok := leaders[o.UnitCode]; ok {
					officer, leader = o, l
					break
				}
			}
		}
		if officer.Code == "" {
			t.Fatalf("no linked-able officer with a dossier at risk among %d", list.Len())
		}
		const uRiskOfficer, uRiskLeader, group = 301, 302, -3001
		e.link(uSecretariat, p.secretariat.Code)
		e.link(uRiskOfficer, officer.Code)
		e.link(uRiskLeader, leader.Code)
		e.link(uOther, p.otherLeader.Code)

		codesIn := func(text string, keep func(w *models.RiskWarning) bool) (in, out int) {
			for i := range list.Items {
				w := &list.Items[i]
				if !strings.Contains(text, w.Code) {
					continue
				}
				if keep(w) {
					in++
				} else {
					out++
				}
			}
			return in, out
		}
		var b strings.Builder

		r := e.say(uRiskOfficer, uRiskOfficer, "/nguyco")
		transcript(&b, "/nguyco (chuyên viên)", r)
		mine := len(list.Filter(func(w *models.RiskWarning) bool { return w.HandlerCode == officer.Code }))
		in, out := codesIn(r.Text, func(w *models.RiskWarning) bool { return w.HandlerCode == officer.Code })
		if in != min(mine, 10) || out != 0 || !strings.Contains(r.Text, "Lý do: ") {
			t.Errorf("officer /nguyco: %d own (of %d), %d of others:\n%s", in, mine, out, r.Text)
		}
		if r2 := e.say(uRiskOfficer, uRiskOfficer, "/risk"); r2.Text != r.Text {
			t.Errorf("/risk differs from /nguyco:\n%s", r2.Text)
		}
		if r2 := e.say(uRiskOfficer, uRiskOfficer, "nguy cơ"); r2.Text != r.Text {
			t.Errorf("typed «nguy cơ» differs from /nguyco:\n%s", r2.Text)
		}
		if r := e.say(uRiskOfficer, uRiskOfficer, "/nguyco "+leader.UnitCode); !strings.Contains(r.Text, "chính mình") {
			t.Errorf("officer /nguyco <unit>: %q", r.Text)
		}

		sub := func(w *models.RiskWarning) bool { return e.tree.Contains(leader.UnitCode, w.UnitCode) }
		r = e.say(uRiskLeader, uRiskLeader, "/nguyco")
		transcript(&b, "/nguyco (lãnh đạo đơn vị)", r)
		want := len(list.Filter(sub))
		if in, out := codesIn(r.Text, sub); in == 0 || out != 0 || !strings.Contains(r.Text, "Có <b>"+fmt.Sprint(want)+"</b> hồ sơ") {
			t.Errorf("leader /nguyco: %d in the sub-tree, %d outside, want a count of %d:\n%s", in, out, want, r.Text)
		}
		if strings.Contains(r.Text, "Người nộp") {
			t.Errorf("applicant in /nguyco:\n%s", r.Text)
		}
		foreign := ""
		for _, u := range e.data.Units {
			if !e.tree.Contains(leader.UnitCode, u.Code) && !e.tree.Contains(u.Code, leader.UnitCode) {
				foreign = u.Code
				break
			}
		}
		if r := e.say(uRiskLeader, uRiskLeader, "/nguyco "+foreign); !strings.Contains(r.Text, "Không tìm thấy đơn vị") {
			t.Errorf("leader /nguyco of a unit outside the sub-tree: %q", r.Text)
		}

		// A group bound to the officer's unit.
		r = e.say(uSecretariat, uSecretariat, "/maketnoi donvi "+officer.UnitCode)
		m := lienketRE.FindStringSubmatch(r.Text)
		if m == nil {
			t.Fatalf("/maketnoi donvi: %q", r.Text)
		}
		e.say(group, uSecretariat, "/lienket "+m[1])
		unit := func(w *models.RiskWarning) bool { return e.tree.Contains(officer.UnitCode, w.UnitCode) }
		r = e.say(group, uRiskLeader, "/nguyco")
		transcript(&b, "/nguyco (nhóm của đơn vị, lãnh đạo)", r)
		if in, out := codesIn(r.Text, unit); in == 0 || out != 0 || strings.Contains(r.Text, "Người nộp") {
			t.Errorf("group /nguyco: %d of the unit, %d outside:\n%s", in, out, r.Text)
		}
		e.silent(group, uOther, "/nguyco") // a leader of another unit: nothing
		golden.Testdata(t, "risk.golden", b.String())
		if n := e.risk.Fits(); n != 1 {
			t.Errorf("%d fits for one day of questions, want 1", n)
		}
	})
}
