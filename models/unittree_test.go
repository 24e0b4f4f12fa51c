package models

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// testUnits is a province before and after 1 July 2025: district H1 with
// communes XA and XB until 30/6/2025, merged into the new commune-level X1;
// a department S with two offices.
func testUnits() []Unit {
	until := NewDate(2025, time.June, 30)
	from := NewDate(2025, time.July, 1)
	return []Unit{
		{Code: "T", Name: "UBND tỉnh", Level: "tinh"},
		{Code: "H1", Name: "UBND huyện Đông", Level: "huyen", ParentCode: "T", ValidTo: until, SuccessorCode: "X1"},
		{Code: "XA", Name: "UBND xã An", Level: "xa", ParentCode: "H1", ValidTo: until, SuccessorCode: "X1"},
		{Code: "XB", Name: "UBND xã Bình", Level: "xa", ParentCode: "H1", ValidTo: until, SuccessorCode: "X1"},
		{Code: "X1", Name: "UBND xã Đông An", Level: "xa", ParentCode: "T", ValidFrom: from},
		{Code: "S", Name: "Sở Tư pháp", Level: "so", ParentCode: "T"},
		{Code: "S2", Name: "Phòng Hành chính tư pháp", Level: "phong", ParentCode: "S"},
		{Code: "S1", Name: "Phòng Bổ trợ tư pháp", Level: "phong", ParentCode: "S"},
	}
}

func TestUnitTree(t *testing.T) {
	tr, err := NewUnitTree(testUnits())
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Warnings()) != 0 || tr.Len() != 8 {
		t.Errorf("Len %d, warnings %v", tr.Len(), tr.Warnings())
	}
	if got := tr.Roots(); !reflect.DeepEqual(got, []string{"T"}) {
		t.Errorf("Roots = %v", got)
	}
	// Ordered by folded name: "so tu phap" < "ubnd huyen dong" < "ubnd xa dong an".
	if got := tr.Children("T"); !reflect.DeepEqual(got, []string{"S", "H1", "X1"}) {
		t.Errorf("Children(T) = %v", got)
	}
	if got := tr.Children("S"); !reflect.DeepEqual(got, []string{"S1", "S2"}) {
		t.Errorf("Children(S) = %v", got)
	}
	if got := tr.Children("S1"); len(got) != 0 {
		t.Errorf("Children(S1) = %v", got)
	}
	if got := tr.Descendants("H1"); !reflect.DeepEqual(got, []string{"H1", "XA", "XB"}) {
		t.Errorf("Descendants(H1) = %v", got)
	}
	if got := tr.Descendants("T"); len(got) != 8 || got[0] != "T" {
		t.Errorf("Descendants(T) = %v", got)
	}
	if got := tr.Descendants("nope"); got != nil {
		t.Errorf("Descendants(unknown) = %v", got)
	}
	if got := tr.Path("XB"); !reflect.DeepEqual(got, []string{"T", "H1", "XB"}) {
		t.Errorf("Path(XB) = %v", got)
	}
	if u, ok := tr.Get("S1"); !ok || u.Name != "Phòng Bổ trợ tư pháp" {
		t.Errorf("Get(S1) = %+v, %v", u, ok)
	}
	for _, tc := range []struct {
		anc, code string
		want      bool
	}{
		{"T", "XA", true}, {"H1", "XA", true}, {"XA", "XA", true}, {"XA", "H1", false},
		{"S", "XA", false}, {"X1", "XA", false}, {"T", "nope", false}, {"nope", "XA", false},
	} {
		if got := tr.Contains(tc.anc, tc.code); got != tc.want {
			t.Errorf("Contains(%s, %s) = %v", tc.anc, tc.code, got)
		}
	}
	before, after := NewDate(2025, time.June, 30), NewDate(2026, time.October, 31)
	for _, tc := range []struct {
		code string
		on   Date
		want string
	}{
		{"XA", before, "XA"}, {"XA", after, "X1"}, {"H1", after, "X1"}, {"X1", after, "X1"},
		{"S1", after, "S1"}, {"nope", after, "nope"},
	} {
		if got := tr.Resolve(tc.code, tc.on); got != tc.want {
			t.Errorf("Resolve(%s, %s) = %s, want %s", tc.code, tc.on, got, tc.want)
		}
	}
}

func TestUnitTreeRollUp(t *testing.T) {
	tr, err := NewUnitTree(testUnits())
	if err != nil {
		t.Fatal(err)
	}
	own := map[string]Counts{
		"XA":    {InScope: 2, FinishedLate: 1},
		"XB":    {InScope: 3, OnTime766: 3},
		"X1":    {InScope: 5, OnTime766: 4},
		"S1":    {InScope: 1, OpenOverdue: 1},
		"other": {InScope: 7},
	}
	got := tr.RollUp(own)
	want := map[string]Counts{
		"XA":    {InScope: 2, FinishedLate: 1},
		"XB":    {InScope: 3, OnTime766: 3},
		"H1":    {InScope: 5, FinishedLate: 1, OnTime766: 3},
		"X1":    {InScope: 5, OnTime766: 4},
		"S1":    {InScope: 1, OpenOverdue: 1},
		"S":     {InScope: 1, OpenOverdue: 1},
		"T":     {InScope: 11, FinishedLate: 1, OnTime766: 7, OpenOverdue: 1},
		"other": {InScope: 7},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RollUp =\n%+v\nwant\n%+v", got, want)
	}
}

func TestUnitTreeErrors(t *testing.T) {
	cases := []struct {
		name  string
		units []Unit
		err   string // substring; "" means no error
		warns int
	}{
		{"parent cycle", []Unit{
			{Code: "A", Name: "a", ParentCode: "C"}, {Code: "B", Name: "b", ParentCode: "A"}, {Code: "C", Name: "c", ParentCode: "B"},
		}, "A → C → B → A", 0},
		{"self parent", []Unit{{Code: "A", Name: "a", ParentCode: "A"}}, "the unit itself", 0},
		{"successor cycle", []Unit{
			{Code: "A", Name: "a", SuccessorCode: "B"}, {Code: "B", Name: "b", SuccessorCode: "A"},
		}, "successor forms a cycle", 0},
		{"duplicate code", []Unit{{Code: "A", Name: "a"}, {Code: "A", Name: "b"}}, "given twice", 0},
		{"empty code", []Unit{{Code: "A", Name: "a"}, {Name: "b"}}, "đơn vị thứ 2", 0},
		{"unknown parent and successor: warnings", []Unit{
			{Code: "A", Name: "a", ParentCode: "Z"}, {Code: "B", Name: "b", SuccessorCode: "Y"},
		}, "", 2},
		{"empty", nil, "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := NewUnitTree(tc.units)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.Warnings()) != tc.warns {
				t.Errorf("warnings = %v, want %d", tr.Warnings(), tc.warns)
			}
		})
	}
	tr, _ := NewUnitTree([]Unit{{Code: "A", Name: "a", ParentCode: "Z"}, {Code: "B", Name: "b", ParentCode: "A"}})
	if got := tr.Roots(); !reflect.DeepEqual(got, []string{"A"}) || !tr.Contains("A", "B") {
		t.Errorf("unknown parent: roots %v", got)
	}
	if u, _ := tr.Get("A"); u.ParentCode != "" {
		t.Errorf("unknown parent kept: %q", u.ParentCode)
	}
}
