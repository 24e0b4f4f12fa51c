package tgfake

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

func (s *Server) send(w http.ResponseWriter, method string, p url.Values, files map[string]uploaded) {
	rec := Sent{
		Method:              method,
		ChatID:              p.Get("chat_id"),
		Text:                p.Get("text"),
		ParseMode:           p.Get("parse_mode"),
		ReplyMarkup:         p.Get("reply_markup"),
		DisableNotification: p.Get("disable_notification") == "true",
		CallbackQueryID:     p.Get("callback_query_id"),
		Params:              p,
	}
	rec.ThreadID, _ = strconv.Atoi(p.Get("message_thread_id"))
	switch method {
	case "answerCallbackQuery":
		if rec.CallbackQueryID == "" {
			writeError(w, 400, "Bad Request: query is too old and response timeout expired or query ID is invalid", nil)
			return
		}
		s.Record(rec)
		writeOK(w, true)
		return
	case "sendDocument", "sendPhoto":
		field := "document"
		if method == "sendPhoto" {
			field = "photo"
		}
		f, ok := files[field]
		if !ok {
			writeError(w, 400, "Bad Request: there is no "+field+" in the request", nil)
			return
		}
		rec.FileName, rec.FileData, rec.Text = f.name, f.data, p.Get("caption")
		if len([]rune(rec.Text)) > 1024 {
			writeError(w, 400, "Bad Request: message caption is too long", nil)
			return
		}
	default:
		if strings.TrimSpace(rec.Text) == "" {
			writeError(w, 400, "Bad Request: message text is empty", nil)
			return
		}
		if len([]rune(rec.Text)) > 4096 {
			writeError(w, 400, "Bad Request: message is too long", nil)
			return
		}
	}
	if rec.ChatID == "" {
		writeError(w, 400, "Bad Request: chat_id is empty", nil)
		return
	}
	if strings.EqualFold(rec.ParseMode, "HTML") {
		if msg := CheckHTML(rec.Text); msg != "" {
			writeError(w, 400, "Bad Request: can't parse entities: "+msg, nil)
			return
		}
	}
	if s.limiter != nil && method != "editMessageText" {
		s.mu.Lock()
		retry := s.limiter.allow(rec.ChatID, s.opts.Clock.Now())
		s.mu.Unlock()
		if retry > 0 {
			writeError(w, 429, errorf("Too Many Requests: retry after %d", retry), map[string]any{"retry_after": retry})
			return
		}
	}
	if method == "editMessageText" {
		rec.MessageID, _ = strconv.Atoi(p.Get("message_id"))
	} else {
		s.mu.Lock()
		s.nextMessage++
		rec.MessageID = s.nextMessage
		s.mu.Unlock()
	}
	s.Record(rec)
	id, _ := strconv.ParseInt(rec.ChatID, 10, 64)
	msg := map[string]any{"message_id": rec.MessageID, "date": s.opts.Clock.Now().Unix(),
		"chat": map[string]any{"id": id, "type": chatType(rec.ChatID)}}
	if rec.Text != "" {
		msg["text"] = rec.Text
	}
	if rec.FileName != "" {
		msg["document"] = map[string]any{"file_id": "sent" + strconv.Itoa(rec.MessageID), "file_unique_id": "us", "file_name": rec.FileName}
	}
	writeOK(w, msg)
}

// allowedTags are the tags Telegram's HTML parse mode accepts.
var allowedTags = map[string]bool{"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "code": true, "pre": true, "a": true, "tg-spoiler": true,
	"span": true, "blockquote": true}

// CheckHTML is a simple version of Telegram's HTML entity parser: it returns
// "" for acceptable text, or the reason Telegram would give after
// "can't parse entities: ".
func CheckHTML(text string) string {
	var stack []string
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '&':
			end := strings.IndexByte(text[i:], ';')
			if end < 2 || end > 10 || strings.ContainsAny(text[i+1:i+end], " <>&") {
				return errorf("Character entity expected at byte offset %d", i)
			}
		case '>':
			// A lone '>' is accepted by Telegram.
		case '<':
			end := strings.IndexByte(text[i:], '>')
			if end < 0 {
				return errorf("Unclosed start tag at byte offset %d", i)
			}
			tag := text[i+1 : i+end]
			closing := strings.HasPrefix(tag, "/")
			name := strings.ToLower(strings.TrimPrefix(tag, "/"))
			if sp := strings.IndexAny(name, " \t\n"); sp >= 0 {
				name = name[:sp]
			}
			if name == "" {
				return errorf("Empty tag name at byte offset %d", i)
			}
			if !allowedTags[name] {
				if closing {
					return errorf("Unexpected end tag at byte offset %d", i)
				}
				return errorf("Unsupported start tag \"%s\" at byte offset %d", name, i)
			}
			if closing {
				if len(stack) == 0 || stack[len(stack)-1] != name {
					want := ""
					if len(stack) > 0 {
						want = stack[len(stack)-1]
					}
					return errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, want, name)
				}
				stack = stack[:len(stack)-1]
			} else {
				stack = append(stack, name)
			}
			i += end
		}
	}
	if len(stack) > 0 {
		return errorf("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1])
	}
	return ""
}

// limiter enforces Telegram's published flood limits.
type limiter struct {
	all        []time.Time
	perChat    map[string][]time.Time
	violations int
}

func newLimiter() *limiter { return &limiter{perChat: map[string][]time.Time{}} }

func within(ts []time.Time, now time.Time, d time.Duration) []time.Time {
	out := ts[:0]
	for _, t := range ts {
		if now.Sub(t) < d {
			out = append(out, t)
		}
	}
	return out
}

// allow records a send at now and returns 0, or the seconds to wait.
func (l *limiter) allow(chat string, now time.Time) int {
	l.all = within(l.all, now, time.Second)
	window, max := time.Second, 1
	if strings.HasPrefix(chat, "-") {
		window, max = time.Minute, 20
	}
	hist := within(l.perChat[chat], now, window)
	recent := within(append([]time.Time(nil), hist...), now, time.Second)
	if len(l.all) >= 30 || len(hist) >= max || len(recent) >= 1 {
		l.violations++
		l.perChat[chat] = hist
		if len(hist) >= max && window == time.Minute {
			return int(window.Seconds()-now.Sub(hist[0]).Seconds()) + 1
		}
		return 1
	}
	l.all = append(l.all, now)
	l.perChat[chat] = append(hist, now)
	return 0
}
