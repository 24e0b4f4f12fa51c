package notify

import (
	"io"
	"strings"

	"golang.org/x/net/html"
)

// PlainText turns Telegram-HTML text into plain text: tags are dropped and
// entities unescaped ("<b>Hồ sơ</b> &lt;quá hạn&gt;" → "Hồ sơ <quá hạn>").
func PlainText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return b.String()
			}
			return html.UnescapeString(s) // cannot happen with a strings.Reader
		case html.TextToken:
			b.Write(z.Text())
		}
	}
}

// Plain returns text in format f as plain text: HTML is converted with
// PlainText, plain text is returned as is. Every adapter that shows plain
// text uses it (one converter for all).
func Plain(text string, f Format) string {
	if f == FormatHTML {
		return PlainText(text)
	}
	return text
}
