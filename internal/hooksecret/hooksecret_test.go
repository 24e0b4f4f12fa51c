package hooksecret

import (
	"strings"
	"testing"
)

func TestZalo(t *testing.T) {
	for s, want := range map[string]bool{
		"":                       false,
		"1234567":                false,
		"12345678":               true,
		"a-b_c.d~e!f":            true,
		"with space":             false,
		"tab\there!":             false,
		"bí-mật-123":             false,
		strings.Repeat("x", 256): true,
		strings.Repeat("x", 257): false,
	} {
		if got := Zalo(s); got != want {
			t.Errorf("Zalo(%q) = %v, want %v", s, got, want)
		}
	}
}
