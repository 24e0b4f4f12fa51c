package models

import (
	"strings"
	"unicode/utf8"
)

// Ellipsis ends a text cut by Clip.
const Ellipsis = "…"

// Clip returns s cut to at most max characters (runes), the last of them
// an ellipsis when s was longer. It is for echoing someone's text back
// (a command argument, a cell value in an error) without repeating all of it.
func Clip(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if len(s) <= max || utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return s[:i] + Ellipsis
		}
		n++
	}
	return s
}

// CutLines splits text after at most max characters (runes), at the end of
// a line when one ends in that room: head is the part that fits (without
// its final newline), rest what remains (empty when everything fits). A
// line longer than max on its own is cut inside, at a rune boundary.
func CutLines(text string, max int) (head, rest string) {
	if max <= 0 {
		return "", text
	}
	if len(text) <= max || utf8.RuneCountInString(text) <= max {
		return text, ""
	}
	end, n, lastNL := len(text), 0, -1
	for i, r := range text {
		if n == max {
			end = i
			break
		}
		if r == '\n' {
			lastNL = i
		}
		n++
	}
	if lastNL > 0 {
		return text[:lastNL], text[lastNL+1:]
	}
	return text[:end], text[end:]
}

// CSVText neutralises a text cell for a CSV file a spreadsheet will open:
// a value starting with =, +, -, @, a tab or a carriage return (which
// Excel and LibreOffice would run as a formula) gets a leading single
// quote, as OWASP recommends. Only text cells go through it: numbers that
// dondoc computes (counts, rates, a negative figure such as -5) are written
// as numbers and stay numbers.
func CSVText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	// A full-width equals or plus sign is read as a formula by some locales.
	if strings.HasPrefix(s, "＝") || strings.HasPrefix(s, "＋") {
		return "'" + s
	}
	return s
}
