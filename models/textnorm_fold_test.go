package models

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestFoldEqualsTheNormalisationChain: the table path of Fold gives what
// NFD → remove marks → NFC gives, for every rune of the tables' ranges
// (composed and decomposed) and for Vietnamese text.
func TestFoldEqualsTheNormalisationChain(t *testing.T) {
	var in []string
	for _, span := range [][2]rune{{0x20, 0x250}, {0x1E00, 0x1F00}} {
		for r := span[0]; r < span[1]; r++ {
			in = append(in, "A"+string(r)+"b", norm.NFD.String("x "+string(r)))
		}
	}
	in = append(in, "Ngày hẹn trả", "NGAY_HEN_TRA", "  Phòng Kinh tế,  Hạ tầng và Đô thị  ", "Nguyễn Thị Ánh\u00a0Tuyết",
		norm.NFD.String("Trung tâm Phục vụ hành chính công xã Nghĩa Phú"), "Ủy ban - nhân_dân", "中文 và tiếng Việt", "ẞ ǅ ﬁ")
	for _, s := range in {
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	}
	if got := Fold("Đặng Khánh Nga"); got != "dang khanh nga" {
		t.Errorf("Fold = %q", got)
	}
}
