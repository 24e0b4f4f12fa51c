package ingest

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// Legacy Vietnamese encodings still come out of old Windows tools. Their text
// is never valid UTF-8 for long, so the file is refused with the likely
// encoding named; guessing and converting would risk storing garbled names.

// Encoding names as the secretariat knows them.
const (
	EncWindows1258 = "Windows-1258 (CP1258)"
	EncTCVN3       = "TCVN3 (ABC)"
	EncVNI         = "VNI (VNI-Windows)"
	EncUnknown     = "an unknown 8-bit encoding"
)

// GuessLegacyEncoding names the likeliest legacy Vietnamese encoding of b.
// Windows-1258 is recognised by decoding: its text (precomposed letters such
// as ê, ơ, ư, đ followed by combining tone marks, the way Excel and Notepad
// write it) composes into Vietnamese letters and nothing else, which TCVN3
// and VNI bytes never do. Otherwise the telltale bytes of each encoding are
// scored.
func GuessLegacyEncoding(b []byte) string {
	if looksWindows1258(b) {
		return EncWindows1258
	}
	var cp, tcvn, vni int
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < 0x80 {
			continue
		}
		// Valid UTF-8 sequences (a mixed file) are not evidence.
		if r, size := utf8.DecodeRune(b[i:]); r != utf8.RuneError && size > 1 {
			i += size - 1
			continue
		}
		prevLetter := i > 0 && isASCIILetter(b[i-1])
		switch c {
		// Windows-1258 combining tone marks (grave, acute, hook, tilde, dot)
		// follow a base letter; ư ơ đ Đ are single bytes.
		case 0xCC, 0xEC, 0xD2, 0xDE, 0xF2:
			if prevLetter {
				cp += 2
			}
		case 0xFD, 0xF0, 0xD0, 0xDD:
			cp++
		}
		// VNI writes a base letter then a diacritic byte (ø ù û õ ï for the
		// tones, â ê ô for the hats, ö for the horn of ư).
		switch c {
		case 0xF8, 0xF9, 0xFB, 0xEF, 0xF6, 0xF1, 0xD1:
			if prevLetter {
				vni += 2
			}
		case 0xF5, 0xE2, 0xEA, 0xF4:
			if prevLetter {
				vni++
			}
		}
		// TCVN3 puts precomposed lower-case letters in 0xA8–0xFE, often
		// several in one word, and the capitals Ă Â Ê Ô Ơ Ư Đ at 0xA1–0xA7.
		if c >= 0xA1 && c <= 0xBF {
			tcvn += 2
		} else if c >= 0xC6 && c <= 0xFE && c != 0xF8 && c != 0xF9 && c != 0xFB {
			tcvn++
		}
	}
	switch {
	case cp == 0 && vni == 0 && tcvn == 0:
		return EncUnknown
	case cp >= vni && cp >= tcvn:
		return EncWindows1258
	case vni >= tcvn:
		return EncVNI
	}
	return EncTCVN3
}

// looksWindows1258 decodes b as Windows-1258 and reports whether the
// non-ASCII letters it gives are (nearly) all Vietnamese ones.
func looksWindows1258(b []byte) bool {
	dec, err := charmap.Windows1258.NewDecoder().Bytes(b)
	if err != nil {
		return false
	}
	good, bad := 0, 0
	for _, r := range norm.NFC.String(string(dec)) {
		switch {
		case r < 0x80:
		case vietLetter(r):
			good++
		case unicode.IsPunct(r) || unicode.IsSpace(r) || r == '°' || r == '₫' || r == '€':
			// quotes, dashes, « », no-break spaces: neutral
		default:
			bad++
		}
	}
	return good > 0 && bad*50 <= good
}

// vietLower holds every lower-case letter of Vietnamese beyond ASCII.
const vietLower = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"

func vietLetter(r rune) bool { return strings.ContainsRune(vietLower, unicode.ToLower(r)) }

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func legacyError(name string, sample []byte) error {
	return fmt.Errorf("%s: the file is not UTF-8; it is likely in %s. Nothing was imported. "+
		"Open it in Excel and save it as \"CSV UTF-8 (Comma delimited) (*.csv)\" or as .xlsx; "+
		"for TCVN3/VNI text, first convert it to Unicode (e.g. with UniKey's Convert tool)", name, GuessLegacyEncoding(sample))
}
