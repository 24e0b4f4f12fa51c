package bot

import (
	"strings"
	"unicode"
)

// Command is a parsed "/name@bot arg..." message.
type Command struct {
	Name    string   // canonical (Vietnamese) name, lower case, or the raw name if unknown
	Alias   string   // the name as typed, lower case, without "/" and "@bot"
	Known   bool     // Name is one of Commands
	Args    []string // whitespace-separated arguments
	ArgText string   // everything after the command, trimmed
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

// ParseCommand reads a command from text. It reports false for text that
// is not a command and for a command addressed to another bot
// ("/cmd@otherbot"); botUsername is compared case-insensitively, with or
// without a leading "@".
func ParseCommand(text, botUsername string) (Command, bool) {
	text = strings.TrimSpace(text)
	if len(text) < 2 || text[0] != '/' {
		return Command{}, false
	}
	head, rest, _ := strings.Cut(text[1:], " ")
	if i := strings.IndexFunc(head, unicode.IsSpace); i >= 0 { // "/cmd\nargs"
		rest = head[i:] + " " + rest
		head = head[:i]
	}
	name, at, addressed := strings.Cut(head, "@")
	if addressed && !strings.EqualFold(at, strings.TrimPrefix(botUsername, "@")) {
		return Command{}, false
	}
	name = strings.ToLower(name)
	if name == "" {
		return Command{}, false
	}
	c := Command{Name: name, Alias: name, ArgText: strings.TrimSpace(rest)}
	if c.ArgText != "" {
		c.Args = strings.Fields(c.ArgText)
	}
	if canon, ok := aliases[name]; ok {
		c.Name, c.Known = canon, true
	}
	return c, true
}
