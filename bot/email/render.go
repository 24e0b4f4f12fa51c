package email

import (
	"html"
	"strings"
	"unicode/utf8"

	"github.com/dondoc/dondoc/notify"
)

// Mail is a message as e-mail shows it.
type Mail struct {
	Subject string // the first line of the text, cut to MaxSubject characters
	Text    string // the text/plain part
	HTML    string // the text/html part: a small document around the text
}

// MaxSubject is the longest subject, in characters.
const MaxSubject = 120

// Render turns a notify.Message into the subject and the two parts of its
// mail. The message's text is Telegram HTML (the digest renderer's) or
// plain text; the plain part uses notify.Plain, the HTML part keeps the
// inline tags (<b>, <i>, <code>, <a>) and the line breaks.
func Render(msg notify.Message) Mail {
	text := strings.TrimSpace(notify.Plain(msg.Text, msg.Format))
	body := msg.Text
	if msg.Format != notify.FormatHTML {
		body = html.EscapeString(msg.Text)
	}
	subject := "Thông báo từ dondoc"
	if first, _, _ := strings.Cut(text, "\n"); strings.TrimSpace(first) != "" {
		subject = clip(strings.TrimSpace(first), MaxSubject)
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
	b.WriteString(html.EscapeString(subject))
	b.WriteString("</title>\n</head>\n<body>\n")
	b.WriteString(`<div style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; white-space: pre-wrap">`)
	b.WriteString(strings.TrimSpace(body))
	b.WriteString("</div>\n")
	if msg.Document != nil || msg.Photo != nil {
		b.WriteString("<p style=\"font-family: Arial, Helvetica, sans-serif; color: #555\">Tệp đính kèm: ")
		var names []string
		for _, f := range []*notify.File{msg.Document, msg.Photo} {
			if f != nil {
				names = append(names, html.EscapeString(f.Name))
			}
		}
		b.WriteString(strings.Join(names, ", "))
		b.WriteString("</p>\n")
	}
	b.WriteString("</body>\n</html>\n")
	return Mail{Subject: subject, Text: text + "\n", HTML: b.String()}
}

// clip cuts s to at most n characters at a word boundary, with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}
