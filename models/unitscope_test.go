package models

import (
	"reflect"
	"testing"
	"time"
)

// scopeUnits: testUnits plus a room of the old district (its successor the
// new commune), a room of the new commune, and a second merger step: X1
// itself taken into Y on 1/1/2026 — every predecessor's sub-tree follows.
func scopeUnits() []Unit {
	us := testUnits()
	until := NewDate(2025, time.June, 30)
	return append(us,
		Unit{Code: "H1.TP", Name: "Phòng Tư pháp huyện Đông", Level: "phong", ParentCode: "H1", ValidTo: until, SuccessorCode: "X1"},
		Unit{Code: "X1.KT", Name: "Phòng Kinh tế", Level: "phong", ParentCode: "X1"},
		Unit{Code: "XA.VP", Name: "Văn phòng xã An", Level: "phong", ParentCode: "XA", ValidTo: until},
		Unit{Code: "XC", Name: "UBND xã Cũ", Level: "xa", ParentCode: "T", ValidTo: until},
	)
}

func TestUnitTreeScope(t *testing.T) {
	tr, err := NewUnitTree(scopeUnits())
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.Predecessors("X1"); !reflect.DeepEqual(got, []string{"H1.TP", "H1", "XA", "XB"}) {
		t.Errorf("Predecessors(X1) = %v", got)
	}
	// X1's scope: itself, its room, its predecessors and their sub-trees —
	// H1's whole sub-tree too, since H1 names X1 as its successor.
	if got := tr.Scope("X1"); !reflect.DeepEqual(got, []string{"X1", "X1.KT", "H1.TP", "H1", "XA", "XB", "XA.VP"}) {
		t.Errorf("Scope(X1) = %v", got)
	}
	if got := tr.Scope("XA"); !reflect.DeepEqual(got, []string{"XA", "XA.VP"}) {
		t.Errorf("Scope(XA) = %v", got)
	}
	if got := tr.Scope("nope"); got != nil {
		t.Errorf("Scope(unknown) = %v", got)
	}
	if got := tr.Scope("T"); len(got) != tr.Len() {
		t.Errorf("Scope(T) = %v, want every unit", got)
	}
	codes := []string{"T", "H1", "H1.TP", "XA", "XA.VP", "XB", "XC", "X1", "X1.KT", "S", "S1", "S2", "nope"}
	// Each row: a root, and the codes it covers; every other cell is false.
	covers := map[string][]string{
		"T":     {"T", "H1", "H1.TP", "XA", "XA.VP", "XB", "XC", "X1", "X1.KT", "S", "S1", "S2"},
		"X1":    {"X1", "X1.KT", "H1", "H1.TP", "XA", "XA.VP", "XB"},
		"H1":    {"H1", "H1.TP", "XA", "XA.VP", "XB"},
		"XA":    {"XA", "XA.VP"},
		"XB":    {"XB"},
		"XC":    {"XC"},
		"X1.KT": {"X1.KT"},
		"S":     {"S", "S1", "S2"},
		"S1":    {"S1"},
		"nope":  nil,
	}
	for root, want := range covers {
		in := map[string]bool{}
		for _, c := range want {
			in[c] = true
		}
		scope := map[string]bool{}
		for _, c := range tr.Scope(root) {
			scope[c] = true
		}
		for _, c := range codes {
			if got := tr.Covers(root, c); got != in[c] {
				t.Errorf("Covers(%s, %s) = %v, want %v", root, c, got, in[c])
			}
			if scope[c] != in[c] {
				t.Errorf("Scope(%s) has %s: %v, want %v", root, c, scope[c], in[c])
			}
		}
	}
}

func TestUnitTreeScopeChain(t *testing.T) {
	// A → B → C: C's leader sees A's dossiers; a mixed parent/successor
	// loop in bad data ends.
	tr, err := NewUnitTree([]Unit{
		{Code: "A", Name: "a", SuccessorCode: "B"},
		{Code: "B", Name: "b", SuccessorCode: "C"},
		{Code: "C", Name: "c"},
		{Code: "P", Name: "p", ParentCode: "Q"},
		{Code: "Q", Name: "q", SuccessorCode: "P"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Covers("C", "A") || tr.Covers("A", "C") || !tr.Covers("B", "A") {
		t.Error("successor chain not followed")
	}
	if got := tr.Scope("C"); !reflect.DeepEqual(got, []string{"C", "B", "A"}) {
		t.Errorf("Scope(C) = %v", got)
	}
	if !tr.Covers("P", "Q") || !tr.Covers("Q", "P") || tr.Covers("P", "A") {
		t.Error("loop")
	}
}

func TestPeerClassOf(t *testing.T) {
	for _, tc := range []struct {
		level string
		want  PeerClass
	}{
		{"tinh", PeerProvince}, {"so", PeerDepartment}, {"Sở, ban, ngành", PeerDepartment},
		{"xa", PeerCommune}, {"phuong", PeerCommune}, {"Phường", PeerCommune}, {"dac_khu", PeerCommune},
		{"Đặc khu", PeerCommune}, {"thi_tran", PeerCommune}, {"huyen", PeerDistrict}, {"phong", PeerSubUnit},
		{"Phòng", PeerSubUnit}, {"", PeerOther}, {"gì đó", PeerOther},
	} {
		if got := PeerClassOf(tc.level); got != tc.want {
			t.Errorf("PeerClassOf(%q) = %q, want %q", tc.level, got, tc.want)
		}
	}
	if LevelLabel("dac_khu") != "đặc khu" || LevelLabel("xyz") != "xyz" {
		t.Error("LevelLabel")
	}
}
