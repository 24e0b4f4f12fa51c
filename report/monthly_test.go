package report

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
)

// fakeSource returns figures by month start, and records the queries.
type fakeSource struct {
	byMonth map[time.Month]*models.Figures
	mu      sync.Mutex
	asked   []models.Period // latest first (the month and the month before are asked at once)
}

func (f *fakeSource) MonthFigures(_ context.Context, q models.FiguresQuery) (*models.Figures, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, q.Period)
	sort.Slice(f.asked, func(i, j int) bool { return f.asked[i].Start.After(f.asked[j].Start) })
	if x, ok := f.byMonth[q.Period.Start.Month()]; ok {
		return x, nil
	}
	return &models.Figures{}, nil
}

var testUnits = []models.Unit{
	{Code: "H", Name: "UBND huyện Bình Minh"},
	{Code: "X1", Name: "UBND xã An Phú", ParentCode: "H"},
	{Code: "X2", Name: "UBND xã Bình Hòa", ParentCode: "H"},
}

var testOfficers = []models.Officer{
	{Code: "A", Name: "Nguyễn Văn A", UnitCode: "X1", Role: models.RoleOfficer},
	{Code: "B", Name: "Trần Thị B", UnitCode: "X2", Role: models.RoleOfficer},
}

func testSource() *fakeSource {
	return &fakeSource{byMonth: map[time.Month]*models.Figures{
		time.October: {
			Own: map[string]models.Counts{
				"X1":   {InScope: 10, Received: 8, FinishedOnTime: 6, FinishedLate: 2, OpenInTime: 2, OnTime766: 8},
				"X2":   {InScope: 5, Received: 5, FinishedEarly: 5, OnTime766: 5},
				"GONE": {InScope: 1, OpenOverdue: 1},
			},
			Officers: map[string]models.OfficerCounts{
				"A": {Handled: 10, Finished: 8, Late: 2, FinishedOnTime: 6},
				"B": {Handled: 5, Finished: 5, FinishedOnTime: 5},
			},
			UnassignedByUnit: map[string]int{"X1": 2, "GONE": 1},
			Unassigned:       3,
		},
		time.September: {Own: map[string]models.Counts{"X1": {InScope: 4, OnTime766: 4}}},
	}}
}

func TestMonthlyWholeScope(t *testing.T) {
	src := testSource()
	r, err := Monthly(context.Background(), src, testUnits, testOfficers, 2026, time.October, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(src.asked) != 2 || src.asked[0].Start.Month() != time.October || src.asked[1].Start.Month() != time.September {
		t.Fatalf("asked %v, want October and September", src.asked)
	}
	if r.Issuer != "UBND huyện Bình Minh" {
		t.Errorf("issuer %q, want the only root's name", r.Issuer)
	}
	if tot := r.Total(); tot.InScope != 15 {
		t.Errorf("total in scope %d, want 15 (the unknown unit left out)", tot.InScope)
	}
	if r.Unassigned != 3 {
		t.Errorf("unassigned %d, want 3", r.Unassigned)
	}
	var x1 *models.Counts
	for _, u := range r.Units {
		if u.Code == "X1" {
			x1 = u.Prev
		}
	}
	if x1 == nil || x1.InScope != 4 {
		t.Errorf("X1 previous month %+v, want in scope 4", x1)
	}
	if len(r.Officers) != 1 || r.Officers[0].Code != "A" {
		t.Errorf("slow officers %+v, want A only", r.Officers)
	}
}

func TestMonthlySubTree(t *testing.T) {
	r, err := Monthly(context.Background(), testSource(), testUnits, testOfficers, 2026, time.October, "X1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Issuer != "UBND xã An Phú" || r.Unassigned != 2 || len(r.Units) != 1 || r.Total().InScope != 10 {
		t.Errorf("got issuer %q, unassigned %d, units %d, in scope %d", r.Issuer, r.Unassigned, len(r.Units), r.Total().InScope)
	}
	if _, err := Monthly(context.Background(), testSource(), testUnits, nil, 2026, time.October, "NOPE", Options{}); err == nil ||
		!strings.Contains(err.Error(), "NOPE") {
		t.Errorf("unknown scope: err %v", err)
	}
}

func TestRenderEveryFormat(t *testing.T) {
	r, err := Monthly(context.Background(), testSource(), testUnits, testOfficers, 2026, time.October, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Formats {
		var b bytes.Buffer
		if err := Render(&b, r, f); err != nil || b.Len() == 0 {
			t.Errorf("%s: %d bytes, err %v", f, b.Len(), err)
		}
	}
	if err := Render(&bytes.Buffer{}, r, "pdf"); err == nil {
		t.Error("pdf: no error")
	}
}
