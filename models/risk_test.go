package models

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// riskFixture builds small histories by hand: one procedure "P" with a
// 5-working-day limit at unit "U", received on Mondays of late 2026.
type riskFixture struct {
	cal  *Calendar
	loc  *time.Location
	data *RiskData
	n    int
}

func newRiskFixture() *riskFixture {
	cal := NewCalendar(CalendarConfig{Location: UTC7})
	return &riskFixture{cal: cal, loc: UTC7, data: NewRiskData(cal)}
}

// day returns 08:00 on the n-th working day from Mon 2/11/2026.
func (f *riskFixture) day(n int, hour int) time.Time {
	return f.cal.AddWorkingDays(NewDate(2026, 11, 2), n).At(hour, 0, f.loc)
}

// add records a dossier received on working day recv, examined by officer
// for exam working days (0: still open), with a 5-day limit.
func (f *riskFixture) add(proc, officer string, recv, exam int) string {
	f.n++
	code := fmt.Sprintf("HS-%04d", f.n)
	rec := f.day(recv, 8)
	d := Dossier{Code: code, ProcedureCode: proc, UnitCode: "U", HandlerCode: officer, ReceivedAt: rec,
		DueAt: f.cal.DueDate(rec, 5), Status: StatusProcessing}
	steps := []Step{{DossierCode: code, Seq: 1, Name: "Thẩm định", OfficerCode: officer, StartedAt: rec}}
	if exam > 0 {
		end := f.day(recv+exam, 9)
		steps[0].FinishedAt = end
		d.FinishedAt, d.Status = end, StatusFinished
	}
	f.data.Add(&d, steps)
	return code
}

func find(list []RiskAssessment, code string) (RiskAssessment, bool) {
	for _, a := range list {
		if a.Code == code {
			return a, true
		}
	}
	return RiskAssessment{}, false
}

// TestRiskPooling: an officer with enough finished examples is judged on
// their own; one with too few is pooled into the unit; the slow officer's
// open dossier is riskier than the fast one's.
func TestRiskPooling(t *testing.T) {
	f := newRiskFixture()
	for i := 0; i < 12; i++ {
		f.add("P", "fast", i, 1)  // finishes in a day
		f.add("P", "slow", i, 7)  // late every time
		f.add("P", "mixed", i, 3) // on time
	}
	f.add("P", "new", 0, 6)
	at := f.day(25, 8)
	fastOpen := f.add("P", "fast", 24, 0) // a day in: its examples took a day and an hour
	slowOpen := f.add("P", "slow", 23, 0)
	newOpen := f.add("P", "new", 23, 0)
	m := f.data.Fit(at, RiskOptions{MinEvents: 5})
	list := m.Assess(nil)
	fast, _ := find(list, fastOpen)
	slow, _ := find(list, slowOpen)
	nw, _ := find(list, newOpen)
	if fast.Level != "cán bộ" || slow.Level != "cán bộ" {
		t.Errorf("levels fast %q slow %q, want cán bộ", fast.Level, slow.Level)
	}
	if nw.Level != "đơn vị" {
		t.Errorf("an officer with 1 example: level %q, want đơn vị", nw.Level)
	}
	if !(slow.Risk > 0.9 && fast.Risk < 0.1) {
		t.Errorf("risks slow %.2f fast %.2f", slow.Risk, fast.Risk)
	}
	if len(list) != 3 || list[0].Code != slowOpen {
		t.Errorf("want 3 open dossiers, slow first; got %+v", list)
	}
	if !strings.Contains(slow.Reason, "bước Thẩm định (cán bộ này) thường mất 7 ngày, 80 % xong trong 7 ngày") ||
		!strings.Contains(slow.Reason, "đã ở bước này 2 ngày, còn 4 ngày làm việc") {
		t.Errorf("reason %q", slow.Reason)
	}
}

// TestRiskBadInput: bad records neither panic nor claim more than the
// data supports, and a thin history says so.
func TestRiskBadInput(t *testing.T) {
	f := newRiskFixture()
	rec := f.day(0, 8)
	// A step that ends before it starts, a dossier with no steps, a
	// dossier without a reception time, one without a due date.
	f.data.Add(&Dossier{Code: "bad-step", ProcedureCode: "Q", UnitCode: "U", ReceivedAt: rec, DueAt: f.cal.DueDate(rec, 3),
		FinishedAt: f.day(5, 9), Status: StatusFinished},
		[]Step{{DossierCode: "bad-step", Seq: 1, Name: "Thẩm định", OfficerCode: "a", StartedAt: f.day(2, 9), FinishedAt: f.day(1, 9)}})
	f.data.Add(&Dossier{Code: "no-recv", ProcedureCode: "Q", Status: StatusProcessing}, nil)
	f.data.Add(&Dossier{Code: "no-due", ProcedureCode: "Q", UnitCode: "U", ReceivedAt: rec, Status: StatusProcessing}, nil)
	f.data.Add(&Dossier{Code: "open-no-steps", ProcedureCode: "Q", UnitCode: "U", ReceivedAt: f.day(5, 8), DueAt: f.cal.DueDate(f.day(5, 8), 3),
		Status: StatusProcessing}, nil)
	f.data.Add(&Dossier{Code: "open-step", ProcedureCode: "Q", UnitCode: "U", ReceivedAt: f.day(5, 8), DueAt: f.cal.DueDate(f.day(5, 8), 3),
		Status: StatusProcessing}, []Step{{Name: "Thẩm định", OfficerCode: "a", StartedAt: f.day(5, 9)}})
	at := f.day(6, 8)
	m := f.data.Fit(at, RiskOptions{MinEvents: 5})
	list := m.Assess(nil)
	if len(list) != 2 {
		t.Fatalf("want the 2 open dossiers with a due date, got %+v", list)
	}
	for _, a := range list {
		// One finished example: at most 1/(1+5) of a risk.
		if a.Risk > 1.0/6+1e-9 || !a.Thin || !strings.HasPrefix(a.Reason, "ít dữ liệu") {
			t.Errorf("%s: risk %.3f thin %v reason %q", a.Code, a.Risk, a.Thin, a.Reason)
		}
	}
	// No history at all.
	empty := NewRiskData(f.cal)
	if got := empty.Fit(at, RiskOptions{}).Assess(nil); len(got) != 0 {
		t.Errorf("empty history: %+v", got)
	}
	x := Dossier{Code: "x", ProcedureCode: "new", ReceivedAt: f.day(5, 8), DueAt: f.day(8, 17), Status: StatusProcessing}
	// Its only step ends before it starts: left out, so it is before any step.
	a, ok := empty.Fit(at, RiskOptions{}).AssessDossier(&x, []Step{{Name: "Bước lạ", StartedAt: f.day(5, 9), FinishedAt: f.day(4, 9)}})
	if !ok || a.Risk != 0 || !strings.HasPrefix(a.Reason, "ít dữ liệu") || a.Step != "" {
		t.Errorf("no history: %+v, %v", a, ok)
	}
}

// TestRiskCensoring: dossiers still open at the fitting instant count as
// running, not as fast — the risk of a dossier judged with them is higher
// than if they were dropped.
func TestRiskCensoring(t *testing.T) {
	f := newRiskFixture()
	for i := 0; i < 10; i++ {
		f.add("P", "a", i, 2)
	}
	for i := 0; i < 10; i++ {
		f.add("P", "a", 10+i%3, 0) // long-running, still open at at
	}
	at := f.day(22, 8)
	open := f.add("P", "a", 21, 0)
	m := f.data.Fit(at, RiskOptions{MinEvents: 5})
	a, ok := find(m.Assess(nil), open)
	if !ok {
		t.Fatal("open dossier not assessed")
	}
	// Examples: 10 finished in 2 days, 10 running for 9–12 days (already
	// past any 5-day limit): the open dossier at 1 day has S(1) = 1 and
	// S(1 + 4 days left) = 10/20.
	if math.Abs(a.Risk-0.5) > 1e-9 {
		t.Errorf("risk %.3f, want 0.5 (%s)", a.Risk, a.Reason)
	}
}

// TestAssessDossierFromOutside: a dossier from the store, with a step name
// the history never saw, is judged and named.
func TestAssessDossierFromOutside(t *testing.T) {
	f := newRiskFixture()
	for i := 0; i < 10; i++ {
		f.add("P", "a", i, 2)
	}
	at := f.day(22, 8)
	m := f.data.Fit(at, RiskOptions{MinEvents: 5})
	rec := f.day(21, 8)
	x := Dossier{Code: "ngoai", ProcedureCode: "P", UnitCode: "U", HandlerCode: "a", ReceivedAt: rec, DueAt: f.cal.DueDate(rec, 5), Status: StatusProcessing}
	a, ok := m.AssessDossier(&x, []Step{{Name: "Lấy ý kiến sở ngành", OfficerCode: "a", StartedAt: rec.Add(time.Hour)}})
	if !ok || a.Step != "Lấy ý kiến sở ngành" || !strings.Contains(a.Reason, "Lấy ý kiến sở ngành") || a.Code != "ngoai" {
		t.Errorf("%+v, %v", a, ok)
	}
	x.Status, x.FinishedAt = StatusFinished, f.day(21, 15)
	if _, ok := m.AssessDossier(&x, nil); ok {
		t.Error("a finished dossier was assessed")
	}
}
