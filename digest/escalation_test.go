package digest

import (
	"strings"
	"testing"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

func testTree(t *testing.T) *models.UnitTree {
	tree, err := models.NewUnitTree([]models.Unit{
		{Code: "UBND", Name: "UBND xã Hòa An"},
		{Code: "DC", Name: "Bộ phận Địa chính – Xây dựng", ParentCode: "UBND"},
		{Code: "DC1", Name: "Tổ Đo đạc", ParentCode: "DC"},
		{Code: "TP", Name: "Bộ phận Tư pháp – Hộ tịch", ParentCode: "UBND"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

var leader = models.Officer{Code: "LD01", Name: "Lê Văn Cường", UnitCode: "DC", Role: models.RoleLeader}

var names = map[string]string{"CB1": "Nguyễn Văn An", "CB2": "Phạm Thị <Dung> & Co"}

func escalationInput() []models.Dossier {
	mk := func(code, unit, handler string, due int, st models.Status) models.Dossier {
		d := dossier(code, endOf(11, due), st)
		d.UnitCode, d.HandlerCode, d.ApplicantName = unit, handler, "Trần Thị Bình"
		return d
	}
	return []models.Dossier{
		mk("H-0003", "DC", "CB1", 24, models.StatusProcessing),
		mk("H-0001", "DC1", "CB2", 10, models.StatusProcessing), // oldest: CB2 first
		mk("H-0002", "DC", "CB1", 12, models.StatusProcessing),
		mk("H-0004", "DC1", "CB2", 25, models.StatusProcessing),
		mk("H-0005", "DC", "", 20, models.StatusProcessing),      // no handler
		mk("H-0006", "TP", "CB3", 10, models.StatusProcessing),   // another sub-tree
		mk("H-0007", "DC", "CB1", 10, models.StatusSupplement),   // paused
		mk("H-0008", "DC", "CB1", 30, models.StatusProcessing),   // not overdue yet
		mk("H-0009", "UBND", "CB1", 10, models.StatusProcessing), // above the leader's unit
	}
}

func TestPlanEscalation(t *testing.T) {
	e, ok := PlanEscalation(testRules(), friday, leader, testTree(t), escalationInput(), names)
	if !ok {
		t.Fatal("nothing planned")
	}
	var got []string
	for _, o := range e.ByOfficer {
		got = append(got, o.OfficerCode+":"+strings.Join(codes(o.Items), ","))
		for _, it := range o.Items {
			if it.ApplicantName != "" {
				t.Errorf("%s keeps the applicant", it.Code)
			}
		}
	}
	want := "CB2:H-0001,H-0004 CB1:H-0002,H-0003 :H-0005"
	if strings.Join(got, " ") != want || e.Total != 5 || e.UnitName != "Bộ phận Địa chính – Xây dựng" {
		t.Errorf("got %v total %d unit %q, want %s", got, e.Total, e.UnitName, want)
	}
	if e.ByOfficer[0].Name != names["CB2"] {
		t.Errorf("name %q", e.ByOfficer[0].Name)
	}

	// The fingerprint is the set: order does not matter, a change does.
	in := escalationInput()
	in[0], in[3] = in[3], in[0]
	e2, _ := PlanEscalation(testRules(), friday, leader, testTree(t), in, names)
	if e2.Fingerprint != e.Fingerprint {
		t.Error("fingerprint depends on the order of the rows")
	}
	in[0].Status, in[0].FinishedAt = models.StatusFinished, friday
	e3, _ := PlanEscalation(testRules(), friday, leader, testTree(t), in, names)
	if e3.Fingerprint == e.Fingerprint || e3.Total != 4 {
		t.Errorf("settling a dossier kept the fingerprint (total %d)", e3.Total)
	}

	for _, l := range []models.Officer{{Code: "X"}, {Code: "Y", UnitCode: "NOPE"}} {
		if _, ok := PlanEscalation(testRules(), friday, l, testTree(t), escalationInput(), names); ok {
			t.Errorf("leader %+v: planned", l)
		}
	}
	tp := models.Officer{Code: "LD02", UnitCode: "TP"}
	if e, ok := PlanEscalation(testRules(), friday, tp, testTree(t), escalationInput()[:5], names); ok {
		t.Errorf("nothing overdue in TP: planned %+v", e)
	}
}

func TestRenderEscalationGolden(t *testing.T) {
	e, _ := PlanEscalation(testRules(), friday, leader, testTree(t), escalationInput(), names)
	for _, tc := range []struct {
		name string
		opt  RenderOptions
	}{
		{"escalation_html", RenderOptions{Format: notify.FormatHTML, MaxLen: 4096, Location: loc, OfficerName: leader.Name, ShowApplicant: true}},
		{"escalation_plain", RenderOptions{Format: notify.FormatPlain, MaxLen: 2000, Location: loc, OfficerName: leader.Name}},
		{"escalation_short_plain", RenderOptions{Format: notify.FormatPlain, MaxLen: 560, Location: loc, OfficerName: leader.Name}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := RenderEscalation(e, tc.opt)
			if strings.Contains(got, "Trần Thị Bình") || strings.Contains(got, "Chủ hồ sơ") {
				t.Errorf("applicant in an escalation:\n%s", got)
			}
			if u16len(got) > tc.opt.MaxLen {
				t.Errorf("%d > MaxLen %d", u16len(got), tc.opt.MaxLen)
			}
			if tc.opt.Format == notify.FormatHTML {
				checkHTML(t, got)
			}
			goldenText(t, tc.name, got)
		})
	}
	if RenderEscalation(Escalation{}, RenderOptions{}) != "" {
		t.Error("empty escalation rendered")
	}
}

func TestRenderEscalationMaxLen(t *testing.T) {
	var in []models.Dossier
	for i := 0; i < 300; i++ {
		d := dossier("H-"+string(rune('A'+i%26))+strings.Repeat("x", i%7), endOf(11, 1+i%25), models.StatusProcessing)
		d.Code += "-" + string(rune('0'+i%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i/100))
		d.UnitCode, d.HandlerCode = "DC", "CB"+string(rune('0'+i%9))
		in = append(in, d)
	}
	e, ok := PlanEscalation(testRules(), friday, leader, testTree(t), in, names)
	if !ok {
		t.Fatal("nothing planned")
	}
	for _, max := range []int{1, 30, 100, 250, 500, 1000, 2000, 4096} {
		for _, f := range []notify.Format{notify.FormatHTML, notify.FormatPlain} {
			got := RenderEscalation(e, RenderOptions{Format: f, MaxLen: max, Location: loc})
			if u16len(got) > max || got == "" {
				t.Fatalf("max %d %s: %d units", max, f, u16len(got))
			}
			if f == notify.FormatHTML {
				checkHTML(t, got)
			}
			if max >= 250 && !strings.Contains(got, "hồ sơ khác — gõ /quahan") {
				t.Errorf("max %d: truncated without the tail", max)
			}
			// Taken in turns: one officer's many dossiers hide nobody.
			if max >= 2000 && strings.Count(got, "👤") != len(e.ByOfficer) {
				t.Errorf("max %d: %d of %d officers shown:\n%s", max, strings.Count(got, "👤"), len(e.ByOfficer), got)
			}
		}
	}
}

func TestShouldRepeat(t *testing.T) {
	cal := testCal()
	sentFri := models.NewDate(2026, 11, 27)
	cur := Escalation{Total: 3, Fingerprint: "aaa"}
	changed := Escalation{Total: 3, Fingerprint: "bbb"}
	prev := &Sent{Fingerprint: "aaa", Day: sentFri}
	cases := []struct {
		name  string
		prev  *Sent
		cur   Escalation
		today models.Date
		days  int
		want  bool
	}{
		{"never sent", nil, cur, sentFri, 5, true},
		{"same day, unchanged", prev, cur, sentFri, 5, false},
		{"Mon 30/11: 1 working day", prev, cur, models.NewDate(2026, 11, 30), 5, false},
		{"Tue 1/12: 2", prev, cur, models.NewDate(2026, 12, 1), 5, false},
		{"Wed 2/12 is a holiday: still 2", prev, cur, models.NewDate(2026, 12, 2), 5, false},
		{"Thu 3/12: 3", prev, cur, models.NewDate(2026, 12, 3), 5, false},
		{"Fri 4/12: 4", prev, cur, models.NewDate(2026, 12, 4), 5, false},
		{"Sat 5/12: still 4", prev, cur, models.NewDate(2026, 12, 5), 5, false},
		{"Mon 7/12: 5th working day, repeat", prev, cur, models.NewDate(2026, 12, 7), 5, true},
		{"Tue 8/12: past due for a repeat", prev, cur, models.NewDate(2026, 12, 8), 5, true},
		{"changed set, next day", prev, changed, models.NewDate(2026, 11, 30), 5, true},
		{"changed set, same day", prev, changed, sentFri, 5, true},
		{"repeatDays 0 means 5", prev, cur, models.NewDate(2026, 12, 4), 0, false},
		{"repeatDays 0 means 5, on the 5th", prev, cur, models.NewDate(2026, 12, 7), 0, true},
		{"repeatDays 1: every working day", prev, cur, models.NewDate(2026, 11, 30), 1, true},
		{"empty escalation", nil, Escalation{}, sentFri, 5, false},
	}
	for _, tc := range cases {
		if got := ShouldRepeat(tc.prev, tc.cur, tc.today, cal, tc.days); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
