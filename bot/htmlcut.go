package bot

import "strings"

// htmlTail cleans the end of a piece of Telegram HTML cut anywhere: a tag
// or an entity cut in the middle is dropped, and the tags left open are
// closed. open are the tags open before head began (reopened in front of
// it); the tags still open at the cut are returned, to reopen on the next
// page.
func htmlTail(head string, open []string) (string, []string) {
	if i := strings.LastIndexByte(head, '<'); i >= 0 && !strings.Contains(head[i:], ">") {
		head = head[:i]
	}
	if i := strings.LastIndexByte(head, '&'); i >= 0 && !strings.Contains(head[i:], ";") {
		head = head[:i]
	}
	var prefix strings.Builder
	for _, t := range open {
		prefix.WriteString(t)
	}
	stack := append([]string(nil), open...)
	for rest := head; ; {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '>')
		if j < 0 {
			break
		}
		tag := rest[i : i+j+1]
		rest = rest[i+j+1:]
		switch {
		case strings.HasPrefix(tag, "</"):
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case !strings.HasSuffix(tag, "/>"):
			stack = append(stack, tag)
		}
	}
	var closing strings.Builder
	for i := len(stack) - 1; i >= 0; i-- {
		name := strings.TrimPrefix(stack[i], "<")
		if k := strings.IndexAny(name, " >"); k >= 0 {
			name = name[:k]
		}
		closing.WriteString("</" + name + ">")
	}
	return prefix.String() + head + closing.String(), stack
}
