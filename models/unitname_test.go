package models

import "testing"

func TestUnitTreeNameFallsBackToTheCode(t *testing.T) {
	tree, err := NewUnitTree([]Unit{{Code: "U1", Name: "UBND xã An"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := tree.Name("U1"); got != "UBND xã An" {
		t.Errorf("Name(U1) = %q", got)
	}
	if got := tree.Name("X9"); got != "X9" {
		t.Errorf("Name(X9) = %q, want the code", got)
	}
}
