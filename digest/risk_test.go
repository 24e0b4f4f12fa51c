package digest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// riskDossiers are one overdue, one due soon and eight due later, of which
// the list below says seven are at risk.
func riskDossiers() []models.Dossier {
	in := []models.Dossier{
		dossier("H37.12-261102-0001", endOf(11, 23), models.StatusProcessing),
		dossier("H37.12-261102-0002", endOf(12, 1), models.StatusProcessing),
	}
	for i := 3; i <= 10; i++ {
		in = append(in, dossier(fmt.Sprintf("H37.12-261102-%04d", i), endOf(12, 7+i), models.StatusProcessing))
	}
	for i := range in {
		in[i].ProcedureName = procedures[i%len(procedures)]
		in[i].ApplicantName = applicants[i%len(applicants)]
	}
	return in
}

// riskList assesses the dossiers as the model would: risk falling with the
// number, the overdue and due-soon ones too (they must stay out), one
// below the threshold, one with markup in its step name.
func riskList(in []models.Dossier) *models.RiskList {
	risks := []float64{0.99, 0.95, 0.91, 0.62, 0.83, 0.55, 0.74, 0.5, 0.49, 0.88}
	var as []models.RiskAssessment
	for i := range in {
		step := "Thẩm định, xử lý hồ sơ"
		if i == 4 {
			step = "Trình <ký> & duyệt"
		}
		as = append(as, models.RiskAssessment{Code: in[i].Code, UnitCode: "P.TP", Risk: risks[i], Step: step,
			Reason: "bước " + step + " thường mất 3,5 ngày, 80 % xong trong 5 ngày; đã ở bước này 2 ngày, còn 1,5 ngày làm việc"})
	}
	byCode := map[string]*models.Dossier{}
	for i := range in {
		byCode[in[i].Code] = &in[i]
	}
	return models.NewRiskList(testRules(), friday, models.DefaultRiskThreshold, as, func(c string) (*models.Dossier, bool) {
		d, ok := byCode[c]
		return d, ok
	})
}

func TestPlanAtRisk(t *testing.T) {
	in := riskDossiers()
	l := riskList(in)
	if l.Len() != 7 {
		t.Fatalf("list holds %d, want 7 (not the overdue, the due-soon or the one under the threshold)", l.Len())
	}
	d, ok := PlanWithRisks(testRules(), friday, "CB001", in, l)
	if !ok {
		t.Fatal("nothing planned")
	}
	if d.AtRiskTotal != 7 || len(d.AtRisk) != MaxAtRisk {
		t.Fatalf("AtRisk %d of %d, want %d of 7", len(d.AtRisk), d.AtRiskTotal, MaxAtRisk)
	}
	want := []string{"H37.12-261102-0003", "H37.12-261102-0010", "H37.12-261102-0005", "H37.12-261102-0007", "H37.12-261102-0004"}
	for i, w := range want {
		if d.AtRisk[i].Code != w {
			t.Errorf("AtRisk[%d] = %s, want %s (riskiest first)", i, d.AtRisk[i].Code, w)
		}
	}
	if len(d.Overdue) != 1 || len(d.DueSoon)+len(d.Apology) != 1 {
		t.Errorf("other sections changed: overdue %d, due soon %d, apology %d", len(d.Overdue), len(d.DueSoon), len(d.Apology))
	}
	// Without a list, the same dossiers give the digest of before.
	plain, _ := Plan(testRules(), friday, "CB001", in)
	if len(plain.AtRisk) != 0 || plain.AtRiskTotal != 0 {
		t.Errorf("AtRisk without a list: %d", len(plain.AtRisk))
	}
	// At risk only: sent, but silently.
	only, ok := PlanWithRisks(testRules(), friday, "CB001", in[2:], l)
	if !ok || !only.Silent || only.AtRiskTotal != 7 {
		t.Errorf("risk-only digest: ok %v silent %v total %d", ok, only.Silent, only.AtRiskTotal)
	}
	// A paused dossier is never at risk, whatever the list says.
	p := in[2]
	p.Status = models.StatusSupplement
	if _, ok := PlanWithRisks(testRules(), friday, "CB001", []models.Dossier{p}, l); ok {
		t.Error("paused dossier planned")
	}
}

func TestRenderDigestAtRiskGolden(t *testing.T) {
	in := riskDossiers()
	d, _ := PlanWithRisks(testRules(), friday, "CB001", in, riskList(in))
	few, _ := PlanWithRisks(testRules(), friday, "CB001", in[:4], riskList(in))
	for _, tc := range []digestCase{
		{"digest_risk_html", d, opts(notify.FormatHTML, 4096, true)},
		{"digest_risk_plain", d, opts(notify.FormatPlain, 2000, true)},
		{"digest_risk_few_plain", few, opts(notify.FormatPlain, 2000, false)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.render(t); !strings.Contains(got, "🟣") || !strings.Contains(got, "Lý do: bước") {
				t.Errorf("no risk section with its reason:\n%s", got)
			}
		})
	}
}

func TestCountByUnitInEscalationAndWeekly(t *testing.T) {
	tree := testTree(t)
	mk := func(code, unit string, risk float64) models.RiskAssessment {
		return models.RiskAssessment{Code: code, UnitCode: unit, Risk: risk, Reason: "r"}
	}
	as := []models.RiskAssessment{mk("R1", "DC", 0.9), mk("R2", "DC1", 0.8), mk("R3", "DC1", 0.7), mk("R4", "TP", 0.95), mk("R5", "DC", 0.2)}
	rows := map[string]*models.Dossier{}
	for _, a := range as {
		d := dossier(a.Code, endOf(12, 18), models.StatusProcessing)
		d.UnitCode = a.UnitCode
		rows[a.Code] = &d
	}
	l := models.NewRiskList(testRules(), friday, 0.5, as, func(c string) (*models.Dossier, bool) { d, ok := rows[c]; return d, ok })
	got := l.CountByUnit(tree, "DC")
	if len(got) != 2 || got[0].UnitCode != "DC1" || got[0].N != 2 || got[1].UnitCode != "DC" || got[1].N != 1 {
		t.Fatalf("CountByUnit(DC) = %+v, want DC1 2, DC 1 (TP is another sub-tree, R5 under the threshold)", got)
	}
	e, ok := PlanEscalation(testRules(), friday, leader, tree, escalationInput(), names)
	if !ok {
		t.Fatal("nothing planned")
	}
	fp := e.Fingerprint
	e.AtRisk = got
	if e.Fingerprint != fp {
		t.Error("risk counts changed the fingerprint")
	}
	for _, f := range []notify.Format{notify.FormatHTML, notify.FormatPlain} {
		got := RenderEscalation(e, RenderOptions{Format: f, MaxLen: 4096, Location: loc, OfficerName: leader.Name})
		if f == notify.FormatHTML {
			checkHTML(t, got)
		}
		goldenText(t, "escalation_risk_"+string(f), got)
	}
	w := RenderWeekly("Bộ phận Địa chính – Xây dựng", models.NewDate(2026, 11, 30), models.NewDate(2026, 12, 6),
		WeeklyCounts{Overdue: 3, DueThisWeek: 12, AtRisk: got}, notify.FormatPlain)
	goldenText(t, "weekly_risk_plain", w)
	w = RenderWeekly("Tổ Đo đạc", models.NewDate(2026, 11, 30), models.NewDate(2026, 12, 6),
		WeeklyCounts{AtRisk: l.CountByUnit(tree, "DC1")}, notify.FormatHTML)
	goldenText(t, "weekly_risk_only_html", w)
}
