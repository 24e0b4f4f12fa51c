package bot

import (
	"strings"
	"unicode"

	"github.com/dondoc/dondoc/models"
)

// Command is a parsed command: "/name@bot arg...", or a command as people
// type it: without "/", in Vietnamese words with or without diacritics
// ("quá hạn", "quahan", "/qua han").
type Command struct {
	Name    string   // canonical (Vietnamese) name, lower case, or the raw name if unknown
	Alias   string   // the name as typed, lower case, folded, without "/" and "@bot"
	Known   bool     // Name is one of Commands
	Args    []string // whitespace-separated arguments
	ArgText string   // everything after the command, trimmed
	// Suggest, for an unknown command, is the known command nearest to
	// what was typed ("" when none is near).
	Suggest string
}

// aliases maps every accepted name to the canonical one.
var aliases = func() map[string]string {
	m := map[string]string{}
	for _, c := range Commands {
		m[c.Name] = c.Name
		for _, a := range c.Aliases {
			m[a] = c.Name
		}
	}
	return m
}()

// maxCommandWords is the most words a command name takes when typed as
// Vietnamese words ("gửi báo cáo").
const maxCommandWords = 3

// maxCommandLen bounds the text parsed as a command name.
const maxCommandLen = 64

// Fold returns s in lower case without Vietnamese diacritics ("Quá hạn"
// → "qua han", "Đơn" → "don"), for matching what people type
// (models.Fold).
func Fold(s string) string { return models.Fold(s) }

// foldWord folds one typed word into command-name form ("hạn" → "han",
// "quá_hạn" → "quahan").
func foldWord(w string) string { return strings.ReplaceAll(models.Fold(w), " ", "") }

// ParseCommand reads a command from text. A text starting with "/" is a
// command (known or not); a text without it is one only when its first
// one to three words, folded and joined, name a known command. It reports
// false for other text and for a command addressed to another bot
// ("/cmd@otherbot"); botUsername is compared case-insensitively, with or
// without a leading "@".
func ParseCommand(text, botUsername string) (Command, bool) {
	text = strings.TrimSpace(text)
	slash := strings.HasPrefix(text, "/")
	if slash {
		text = strings.TrimLeftFunc(text[1:], unicode.IsSpace)
		if text != "" && text[0] == '/' {
			return Command{}, false
		}
	}
	words := strings.Fields(firstLen(text, maxCommandLen*maxCommandWords))
	if len(words) == 0 {
		return Command{}, false
	}
	head := words[0]
	if name, at, addressed := strings.Cut(head, "@"); addressed {
		if !slash || !strings.EqualFold(at, strings.TrimPrefix(botUsername, "@")) {
			return Command{}, false
		}
		if name == "" {
			return Command{}, false
		}
		words[0] = name
	}
	// The longest run of leading words that names a command.
	for n := min(maxCommandWords, len(words)); n >= 1; n-- {
		var joined strings.Builder
		for _, w := range words[:n] {
			joined.WriteString(foldWord(w))
		}
		if canon, ok := aliases[joined.String()]; ok {
			return withArgs(Command{Name: canon, Alias: joined.String(), Known: true}, text, n), true
		}
	}
	if !slash {
		return Command{}, false
	}
	name := foldWord(words[0])
	if len(name) > maxCommandLen {
		// One byte over the bound, so that an echo of the name still
		// shows it was cut (Request.Echo clips it with "…").
		name = firstLen(name, maxCommandLen+1)
	}
	return withArgs(Command{Name: name, Alias: name, Suggest: Nearest(name)}, text, 1), true
}

// withArgs sets c's arguments to what follows the first n words of text.
func withArgs(c Command, text string, n int) Command {
	rest := text
	for range n {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		i := strings.IndexFunc(rest, unicode.IsSpace)
		if i < 0 {
			rest = ""
			break
		}
		rest = rest[i:]
	}
	c.ArgText = strings.TrimSpace(rest)
	if c.ArgText != "" {
		c.Args = strings.Fields(c.ArgText)
	}
	return c
}

// firstLen returns the longest prefix of s of at most n bytes that ends on
// a rune boundary.
func firstLen(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Nearest returns the canonical name of the command whose name or alias is
// nearest to typed (folded), within two edits and less than half its
// length; "" when none is.
func Nearest(typed string) string {
	typed = foldWord(typed)
	if typed == "" || len(typed) > maxCommandLen {
		return ""
	}
	best, bestD := "", 3
	for alias, canon := range aliases {
		d := editDistance(typed, alias)
		if d < bestD || (d == bestD && best != "" && canon < best) {
			if 2*d < len([]rune(alias)) {
				best, bestD = canon, d
			}
		}
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b
// (insertions, deletions, substitutions and swaps of neighbours).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
