package report

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
)

func TestBuildRollsUpAndOrdersTheTree(t *testing.T) {
	r := fixture(t)
	var got []string
	for _, u := range r.Units {
		got = append(got, strings.Repeat("  ", u.Depth)+u.Code)
	}
	// The root, then each peer group in rank order — the communes, then
	// the district's rooms (never ranked against each other); the expired
	// xã without figures and the province outside the scope are left out.
	want := []string{"H01", "  X01", "  X02", "  X03", "  P01", "  P02"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("order = %q, want %q", got, want)
	}
	total := r.Units[0].Counts
	if total.InScope != 170 || total.Received != 160 || total.OnTime766 != 143 || total.FinishedLate != 16 {
		t.Errorf("district total = %+v", total)
	}
	if r.Total() != total {
		t.Errorf("Total() = %+v, want the root's %+v", r.Total(), total)
	}
	if r.Issuer != "UBND huyện Đà Bắc" {
		t.Errorf("Issuer defaults to the scope unit's name, got %q", r.Issuer)
	}
	if r.Units[0].Prev == nil || r.Units[0].Prev.OnTime766 != 105 {
		t.Errorf("district prev = %+v, want the sum of its sub-tree's previous month", r.Units[0].Prev)
	}
	if r.Units[3].Code != "X03" || r.Units[3].Prev != nil {
		t.Errorf("X03 has no previous month: %+v", r.Units[3])
	}
	if r.Units[0].Rank != 0 {
		t.Errorf("the root is not ranked, got rank %d", r.Units[0].Rank)
	}
}

func TestBuildWithoutScopeRanksTheRoots(t *testing.T) {
	in := fixtureInput()
	in.Scope = ""
	r := mustBuild(t, in)
	var ranked []string
	for _, u := range r.Ranked() {
		ranked = append(ranked, u.Code)
	}
	// Two roots of different levels (a district, a province): each is
	// ranked among its own peers only.
	if !reflect.DeepEqual(ranked, []string{"H01", "T01"}) || r.Ranked()[0].Rank != 1 || r.Ranked()[1].Rank != 1 {
		t.Errorf("ranked = %v", ranked)
	}
	if len(r.Officers) != 4 {
		t.Errorf("all slow officers without a scope, got %d", len(r.Officers))
	}
}

func TestBuildScopeToOneCommune(t *testing.T) {
	in := fixtureInput()
	in.Scope = "X01"
	r := mustBuild(t, in)
	if len(r.Units) != 1 || r.Units[0].Rank != 1 {
		t.Fatalf("units = %+v", r.Units)
	}
	if len(r.Officers) != 1 || r.Officers[0].Code != "CB01" {
		t.Errorf("officers = %+v, want only CB01", r.Officers)
	}
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Input)
		want   string
	}{
		{"unknown scope", func(in *Input) { in.Scope = "NOPE" }, `"NOPE"`},
		{"duplicate code", func(in *Input) { in.Units = append(in.Units, models.Unit{Code: "X01", Name: "Trùng"}) }, `"X01" bị trùng`},
		{"missing parent", func(in *Input) {
			in.Units = append(in.Units, models.Unit{Code: "X10", Name: "Mồ côi", ParentCode: "H99"})
		}, `"H99"`},
		{"cycle", func(in *Input) {
			in.Units = append(in.Units, models.Unit{Code: "A", Name: "A", ParentCode: "B"}, models.Unit{Code: "B", Name: "B", ParentCode: "A"})
		}, "vòng lặp"},
		{"figures for an unknown unit", func(in *Input) { in.Own["ZZ"] = models.Counts{InScope: 1} }, `"ZZ"`},
		{"bad month", func(in *Input) { in.Month = 13 }, "tháng 13"},
		{"empty code", func(in *Input) { in.Units = append(in.Units, models.Unit{Name: "Không mã"}) }, "không có mã"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := fixtureInput()
			tt.change(&in)
			_, err := Build(in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %s", err, tt.want)
			}
		})
	}
}

func TestRankingTies(t *testing.T) {
	c := func(inScope, ok int) models.Counts { return models.Counts{InScope: inScope, OnTime766: ok} }
	tests := []struct {
		name  string
		units map[string]models.Counts // name → counts
		want  []string                 // "rank name"
	}{
		{"by score", map[string]models.Counts{"A": c(10, 9), "B": c(10, 10), "C": c(10, 5)},
			[]string{"1 B", "2 A", "3 C"}},
		{"equal score, larger volume first", map[string]models.Counts{"A": c(10, 8), "B": c(20, 16), "C": c(5, 4)},
			[]string{"1 B", "2 A", "3 C"}},
		{"equal score and volume share a rank", map[string]models.Counts{"Bê": c(10, 8), "An": c(10, 8), "C": c(10, 9)},
			[]string{"1 C", "2= An", "2= Bê"}},
		{"a tie in the middle", map[string]models.Counts{"A": c(10, 10), "B": c(10, 8), "C": c(10, 8), "D": c(10, 7)},
			[]string{"1 A", "2= B", "2= C", "4 D"}},
		// Nothing to judge is not 100 %: not ranked at all (Unranked).
		{"nothing in scope is not ranked", map[string]models.Counts{"A": c(0, 0), "B": c(10, 10), "C": c(10, 9)},
			[]string{"1 B", "2 C"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{Year: 2026, Month: 10, Scope: "R", Units: []models.Unit{{Code: "R", Name: "Gốc"}}, Own: map[string]models.Counts{}}
			for name, cnt := range tt.units {
				in.Units = append(in.Units, models.Unit{Code: name, Name: name, ParentCode: "R"})
				in.Own[name] = cnt
			}
			r := mustBuild(t, in)
			var got []string
			for _, u := range r.Ranked() {
				got = append(got, strings.Join([]string{u.RankLabel(), u.Name}, " "))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ranking = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTrends(t *testing.T) {
	r := fixture(t)
	byCode := map[string]UnitRow{}
	for _, u := range r.Units {
		byCode[u.Code] = u
	}
	tests := []struct {
		code        string
		score, rate Trend
	}{
		{"X01", Up, Up},     // 16,0 → 18,4; 87,5 % → 93,0 %
		{"X02", Down, Down}, // 17,5 → 16,0; 100 % → 85,7 %
		{"P01", Same, Same}, // unchanged
		{"X03", Same, Same}, // no previous month
	}
	for _, tt := range tests {
		u := byCode[tt.code]
		if u.ScoreTrend() != tt.score || u.RateTrend() != tt.rate {
			t.Errorf("%s: trends = %v/%v, want %v/%v", tt.code, u.ScoreTrend(), u.RateTrend(), tt.score, tt.rate)
		}
	}
	if Up.Arrow() != "▲" || Down.Arrow() != "▼" || Same.Arrow() != "" {
		t.Error("arrows")
	}
	// Equal at the precision shown is no change.
	if trend(0.93041, 0.93012, 3) != Same || trend(18.66, 18.64, 1) != Up {
		t.Error("trend precision")
	}
}

func TestSlowOfficersOrder(t *testing.T) {
	r := fixture(t)
	var got []string
	for _, o := range r.Officers {
		got = append(got, o.Code)
	}
	// Bình 6 late; Cường and An 3 each, by full name (Lê < Nguyễn); Dung
	// is not slow; Tỉnh is outside the scope.
	if want := []string{"CB02", "CB03", "CB01"}; !reflect.DeepEqual(got, want) {
		t.Errorf("officers = %v, want %v", got, want)
	}
	if r.Officers[0].UnitName != "UBND xã Tú Lý" || r.Officers[0].Lateness() != 6 {
		t.Errorf("first officer = %+v", r.Officers[0])
	}
}

func TestUnknownOfficerListedByCode(t *testing.T) {
	in := fixtureInput()
	in.Scope = ""
	in.OfficerCounts["CB77"] = models.OfficerCounts{Handled: 1, OverdueOpen: 1}
	r := mustBuild(t, in)
	found := false
	for _, o := range r.Officers {
		if o.Code == "CB77" && o.Name == "tài khoản chưa khai báo (CB77)" && o.Unknown && o.PublicName() == "tài khoản chưa khai báo" {
			found = true
		}
	}
	if !found {
		t.Errorf("officer without a record is lost: %+v", r.Officers)
	}
	// The public page never shows a system account name.
	var page bytes.Buffer
	if err := RenderHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	if p := page.String(); strings.Contains(p, "CB77") || strings.Contains(p, "CB01") || !strings.Contains(p, "tài khoản chưa khai báo") {
		t.Errorf("public page shows account names or lacks the unknown account")
	}
}

func TestFileName(t *testing.T) {
	if got := FileName(2026, time.October, "xlsx"); got != "Báo cáo TTHC tháng 10-2026.xlsx" {
		t.Errorf("FileName = %q", got)
	}
	if got := FileName(2026, time.March, ".csv"); got != "Báo cáo TTHC tháng 03-2026.csv" {
		t.Errorf("FileName = %q", got)
	}
}

func TestDateLineAndTitles(t *testing.T) {
	r := fixture(t)
	if got := r.DateLine(); got != "Đà Bắc, ngày 02 tháng 11 năm 2026" {
		t.Errorf("DateLine = %q", got)
	}
	if got := r.MonthTitle(); got != "Tháng 10 năm 2026" {
		t.Errorf("MonthTitle = %q", got)
	}
}

// The model carries no applicant data: no field of its types may hold it.
func TestModelHasNoApplicantData(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeOf(Report{}), reflect.TypeOf(UnitRow{}), reflect.TypeOf(OfficerRow{}),
		reflect.TypeOf(JSONReport{}), reflect.TypeOf(JSONUnit{}), reflect.TypeOf(JSONOfficer{})} {
		for i := 0; i < typ.NumField(); i++ {
			name := strings.ToLower(typ.Field(i).Name)
			if strings.Contains(name, "applicant") || strings.Contains(name, "phone") || strings.Contains(name, "email") {
				t.Errorf("%s.%s looks like personal data", typ.Name(), typ.Field(i).Name)
			}
		}
	}
	var b strings.Builder
	if err := RenderJSON(&b, fixture(t)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "0912000001") {
		t.Error("an officer's phone number leaked into the report")
	}
}
