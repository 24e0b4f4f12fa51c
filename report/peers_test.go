package report

import (
	"reflect"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
)

// mergedInput is a province slice: two Sở, a commune, a ward, and two old
// communes merged into the commune on 1/7/2025.
func mergedInput(month time.Month, year int, own map[string]models.Counts) Input {
	until, from := models.NewDate(2025, 6, 30), models.NewDate(2025, 7, 1)
	return Input{Year: year, Month: month, Units: []models.Unit{
		{Code: "T", Name: "UBND tỉnh", Level: "tinh"},
		{Code: "S1", Name: "Sở Tư pháp", Level: "so", ParentCode: "T"},
		{Code: "S2", Name: "Sở Xây dựng", Level: "so", ParentCode: "T"},
		{Code: "X1", Name: "UBND xã Đông An", Level: "xa", ParentCode: "T", ValidFrom: from},
		{Code: "X1.KT", Name: "Phòng Kinh tế", Level: "phong", ParentCode: "X1", ValidFrom: from},
		{Code: "X1.VH", Name: "Phòng Văn hóa - Xã hội", Level: "phong", ParentCode: "X1", ValidFrom: from},
		{Code: "P1", Name: "UBND phường Bắc Sơn", Level: "phuong", ParentCode: "T", ValidFrom: from},
		{Code: "H", Name: "UBND huyện Đông", Level: "huyen", ParentCode: "T", ValidTo: until},
		{Code: "XA", Name: "UBND xã An", Level: "xa", ParentCode: "H", ValidTo: until, SuccessorCode: "X1"},
		{Code: "XB", Name: "UBND xã Bình", Level: "xa", ParentCode: "H", ValidTo: until, SuccessorCode: "X1"},
	}, Own: own}
}

func TestPeersNeverMixSoAndXa(t *testing.T) {
	c := func(n, ok int) models.Counts { return models.Counts{InScope: n, OnTime766: ok} }
	in := mergedInput(time.August, 2025, map[string]models.Counts{
		"S1": c(10, 9), "S2": c(10, 10), "X1.KT": c(10, 10), "X1.VH": c(10, 5), "P1": c(20, 20),
	})
	r := mustBuild(t, in)
	var got []string
	for _, g := range r.Groups {
		for _, u := range g.Rows {
			got = append(got, g.Label+": "+u.RankLabel()+" "+u.Code)
		}
	}
	want := []string{
		"các sở, ban, ngành: 1 S2", "các sở, ban, ngành: 2 S1",
		"các xã, phường: 1 P1", "các xã, phường: 2 X1",
		"các phòng, ban, trung tâm — UBND xã Đông An: 1 X1.KT", "các phòng, ban, trung tâm — UBND xã Đông An: 2 X1.VH",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groups =\n%q\nwant\n%q", got, want)
	}
	x1, _ := r.Row("X1")
	if x1.PlaceLine() != "hạng 2/2 trong các xã, phường" {
		t.Errorf("PlaceLine = %q", x1.PlaceLine())
	}
	// Units: the root, then the groups in rank order; the old district
	// (no figures in August) is left out.
	var codes []string
	for _, u := range r.Units {
		codes = append(codes, u.Code)
	}
	if !reflect.DeepEqual(codes, []string{"T", "S2", "S1", "P1", "X1", "X1.KT", "X1.VH"}) {
		t.Errorf("units = %v", codes)
	}
}

func TestScopeOfASuccessorBeforeTheMerger(t *testing.T) {
	c := func(n, ok int) models.Counts { return models.Counts{InScope: n, OnTime766: ok} }
	// June 2025: the old communes carry the figures; a report of the new
	// commune's scope shows them (its predecessors), ranked with each other.
	in := mergedInput(time.June, 2025, map[string]models.Counts{"XA": c(10, 8), "XB": c(10, 9), "S1": c(5, 5)})
	in.Scope = "X1"
	r := mustBuild(t, in)
	var got []string
	for _, u := range r.Units {
		got = append(got, u.RankLabel()+" "+u.Code)
	}
	if !reflect.DeepEqual(got, []string{"1 XB", "2 XA"}) {
		t.Errorf("June scope X1 = %q", got)
	}
	if tot := r.Total(); tot.InScope != 20 {
		t.Errorf("total = %+v", tot)
	}
	// August: the successor alone carries them.
	in = mergedInput(time.August, 2025, map[string]models.Counts{"X1": c(20, 17)})
	in.Scope = "X1"
	r = mustBuild(t, in)
	if len(r.Units) != 3 || r.Units[0].Code != "X1" || r.Total().InScope != 20 || r.Units[1].Rank != 0 {
		t.Errorf("August scope X1 = %+v", r.Units)
	}
}
