package models

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalisation form C. Windows tools often write
// decomposed Vietnamese; everything dondoc stores or compares is NFC.
func NFC(s string) string { return norm.NFC.String(s) }

// Fold returns a key for case- and diacritic-insensitive comparison of
// Vietnamese text: lower case, no combining marks, đ as d, runs of white
// space, '_' and '-' as one space, trimmed. "Ngày hẹn trả" and
// "NGAY_HEN_TRA" fold to the same key "ngay hen tra".
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	var b strings.Builder
	b.Grow(len(out))
	space := false
	for _, r := range out {
		switch {
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsSpace(r) || r == '_' || r == '-' || r == '\u00a0':
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
