package models

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestCheckNFC(t *testing.T) {
	for _, tc := range []struct {
		in          string
		valid, want bool
	}{
		{"", true, true},
		{"HS-0001", true, true},
		{"Nguyễn Thị Hoà — Phường Hoàn Kiếm", true, true},
		{"Nguye\u0302\u0303n", true, false}, // decomposed ễ
		{"Đắk Lắk", true, true},
		{"A\u030A", true, false},       // Å decomposed
		{"\u212B", true, false},        // Ångström sign: a singleton, NFC is U+00C5
		{"\u0340", true, false},        // combining grave tone mark: NFC is U+0300
		{"e\u0301\u0323", true, false}, // marks out of order
		{"ệ\u0301", true, true},        // a mark nothing composes with: NFC as it is
		{"日本語", true, true},
		{"\xff\xfe", false, false},
		{"ok\xc3", false, false},
	} {
		valid, nfc := CheckNFC(tc.in)
		if valid != tc.valid || (valid && nfc != tc.want) {
			t.Errorf("CheckNFC(%q) = %v, %v; want %v, %v", tc.in, valid, nfc, tc.valid, tc.want)
		}
		if valid && nfc != norm.NFC.IsNormalString(tc.in) {
			t.Errorf("CheckNFC(%q) = %v, norm says %v", tc.in, nfc, !nfc)
		}
	}
}

// TestCheckNFCTable: every pair of runes the table calls stable is NFC,
// as the norm package says (each rune with 97 others, by a fixed stride).
func TestCheckNFCTable(t *testing.T) {
	var stable []rune
	for r := rune(0); r < nfcTableEnd; r++ {
		if nfcStable[r/64]&(1<<(r%64)) != 0 {
			stable = append(stable, r)
		}
	}
	if len(stable) < 1000 {
		t.Fatalf("only %d stable runes", len(stable))
	}
	for i, a := range stable {
		for k := 0; k < 97; k++ {
			b := stable[(i*31+k*7919)%len(stable)]
			s := string(a) + string(b)
			if _, nfc := CheckNFC(s); !nfc || !norm.NFC.IsNormalString(s) {
				t.Fatalf("%U %U: CheckNFC %v, norm %v", a, b, nfc, norm.NFC.IsNormalString(s))
			}
		}
	}
}

func FuzzCheckNFC(f *testing.F) {
	for _, s := range []string{"Nguyễn", "Nguye\u0302\u0303n", "\u212B", "ệ\u0301", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		valid, nfc := CheckNFC(s)
		if valid != utf8.ValidString(s) {
			t.Fatalf("CheckNFC(%q) valid = %v", s, valid)
		}
		if valid && nfc != norm.NFC.IsNormalString(s) {
			t.Fatalf("CheckNFC(%q) = %v, norm says %v", s, nfc, !nfc)
		}
		if valid && NFC(s) != norm.NFC.String(s) {
			t.Fatalf("NFC(%q) differs from norm", s)
		}
	})
}

// TestDecodeVN: decodeVN decodes as utf8.DecodeRuneInString every rune
// and every broken sequence around the ones it decodes itself.
func TestDecodeVN(t *testing.T) {
	var cases []string
	for r := rune(0x80); r < 0x10000; r++ {
		cases = append(cases, string(r))
	}
	for c := 0x80; c < 0x100; c++ {
		for _, tail := range []string{"", "\x80", "\xbf", "a", "\x80\x80", "\xbf\xbf", "\x80a", "\xc0\x80"} {
			cases = append(cases, string([]byte{byte(c)})+tail)
		}
	}
	for _, s := range cases {
		r, n := decodeVN(s, 0)
		wr, wn := utf8.DecodeRuneInString(s)
		if r != wr || n != wn {
			t.Fatalf("decodeVN(%q) = %U, %d; want %U, %d", s, r, n, wr, wn)
		}
	}
}

func BenchmarkCheckNFC(b *testing.B) {
	names := []string{"Nguyễn Thị Hoà", "Cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở", "Phường Hoàn Kiếm", "H04.X05-250204-000440", "Đắk Lắk"}
	for b.Loop() {
		for _, s := range names {
			CheckNFC(s)
		}
	}
}
