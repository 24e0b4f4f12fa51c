package models

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalisation form C. Windows tools often write
// decomposed Vietnamese; everything dondoc stores or compares is NFC.
func NFC(s string) string {
	if valid, nfc := CheckNFC(s); valid && nfc {
		return s
	}
	return norm.NFC.String(s)
}

// CheckNFC reports whether s is valid UTF-8 and, if so, whether it is in
// NFC. Text made of runes below U+2000 (Latin, all of Vietnamese composed)
// is checked rune by rune against a table built once from the Unicode
// tables (nfcStable); anything else asks norm.NFC.IsNormalString. An
// import checks every cell: the norm package's own check, a trie lookup a
// rune, was a fifth of a re-import's CPU.
func CheckNFC(s string) (valid, nfc bool) {
	nfc = true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := decodeVN(s, i)
		if r == utf8.RuneError && size == 1 {
			return false, false
		}
		if r >= nfcTableEnd || nfcStable[r/64]&(1<<(r%64)) == 0 {
			nfc = false
		}
		i += size
	}
	if !nfc {
		nfc = norm.NFC.IsNormalString(s)
	}
	return true, nfc
}

// decodeVN is utf8.DecodeRuneInString(s[i:]) for s[i] ≥ utf8.RuneSelf,
// with the two- and three-byte sequences of Vietnamese (U+00C0–U+01B0,
// U+1EA0–U+1EF9) decoded here: the standard decoder's call for each
// non-ASCII rune was a third of CheckNFC on the export's names.
func decodeVN(s string, i int) (rune, int) {
	c := s[i]
	switch {
	case c >= 0xC2 && c <= 0xDF && i+1 < len(s):
		if c1 := s[i+1]; c1&0xC0 == 0x80 {
			return rune(c&0x1F)<<6 | rune(c1&0x3F), 2
		}
	case c >= 0xE1 && c <= 0xEC && i+2 < len(s):
		// Neither E0 (overlong forms) nor ED (surrogates): every
		// continuation byte is allowed.
		if c1, c2 := s[i+1], s[i+2]; c1&0xC0 == 0x80 && c2&0xC0 == 0x80 {
			return rune(c&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F), 3
		}
	}
	return utf8.DecodeRuneInString(s[i:])
}

// nfcTableEnd bounds the runes that nfcStable describes.
const nfcTableEnd = 0x2000

// nfcStable has a bit for each rune below nfcTableEnd that is in NFC alone
// and starts a new segment (combining class 0, composes with nothing
// before it). Any text of such runes is in NFC: nothing in it can compose
// with what precedes it or be reordered.
var nfcStable = func() (t [nfcTableEnd / 64]uint64) {
	for r := rune(0); r < nfcTableEnd; r++ {
		s := string(r)
		if utf8.ValidRune(r) && norm.NFC.PropertiesString(s).BoundaryBefore() && norm.NFC.IsNormalString(s) {
			t[r/64] |= 1 << (r % 64)
		}
	}
	return t
}()

// Fold returns a key for case- and diacritic-insensitive comparison of
// Vietnamese text: lower case, no combining marks, đ as d, runs of white
// space, '_' and '-' as one space, trimmed. "Ngày hẹn trả" and
// "NGAY_HEN_TRA" fold to the same key "ngay hen tra".
//
// Text in the Latin script (all Vietnamese, composed or decomposed) is
// folded rune by rune from a table built once; anything else goes through
// the full NFD, remove marks, NFC chain (foldSlow), with the same result.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r < 0x80:
		case unicode.Is(unicode.Mn, r):
			continue
		case r >= latinFrom && r < latinFrom+rune(len(latinBase)):
			r = latinBase[r-latinFrom]
		case r >= extFrom && r < extFrom+rune(len(extBase)):
			r = extBase[r-extFrom]
		default:
			return foldSlow(s)
		}
		fold1(&b, r, &space)
	}
	return b.String()
}

// fold1 writes r to b as Fold does (đ as d, white space runs as one space,
// lower case); it reports whether r was a separator.
func fold1(b *strings.Builder, r rune, space *bool) bool {
	switch {
	case r == 'đ' || r == 'Đ':
		r = 'd'
	case unicode.IsSpace(r) || r == '_' || r == '-' || r == '\u00a0':
		*space = true
		return true
	}
	if *space && b.Len() > 0 {
		b.WriteByte(' ')
	}
	*space = false
	b.WriteRune(unicode.ToLower(r))
	return false
}

// foldSlow is Fold through the normalisation chain, for any script.
func foldSlow(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	var b strings.Builder
	b.Grow(len(out))
	space := false
	for _, r := range out {
		fold1(&b, r, &space)
	}
	return b.String()
}

// The base letter of each rune of Latin-1 Supplement to Latin Extended-B
// and of Latin Extended Additional (where Vietnamese letters with two
// marks live): the first rune of its canonical decomposition.
const (
	latinFrom = rune(0x80)
	extFrom   = rune(0x1E00)
)

var latinBase, extBase = baseTable(latinFrom, 0x250), baseTable(extFrom, 0x1F00)

func baseTable(from, to rune) []rune {
	t := make([]rune, to-from)
	for r := from; r < to; r++ {
		base := r
		for _, d := range norm.NFD.String(string(r)) {
			base = d
			break
		}
		t[r-from] = base
	}
	return t
}
