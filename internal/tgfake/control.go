package tgfake

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dondoc/dondoc/internal/fakeserver"
)

// Fault is an injected failure of one call.
type Fault = fakeserver.Fault

func apiError(code int, desc string, params map[string]any) Fault {
	body := map[string]any{"ok": false, "error_code": code, "description": desc}
	if params != nil {
		body["parameters"] = params
	}
	b, _ := json.Marshal(body)
	return Fault{Status: code, Body: string(b)}
}

// RateLimited is a 429 asking to retry after sec seconds.
func RateLimited(sec int) Fault {
	return apiError(429, fmt.Sprintf("Too Many Requests: retry after %d", sec), map[string]any{"retry_after": sec})
}

// BadGateway is a proxy's 502 HTML page.
func BadGateway() Fault { return fakeserver.BadGateway() }

// Blocked is a 403 for a user who blocked the bot.
func Blocked() Fault { return apiError(403, "Forbidden: bot was blocked by the user", nil) }

// Kicked is a 403 for a group the bot was removed from.
func Kicked() Fault { return apiError(403, "Forbidden: bot was kicked from the supergroup chat", nil) }

// ChatNotFound is a 400 for an unknown chat.
func ChatNotFound() Fault { return apiError(400, "Bad Request: chat not found", nil) }

// Migrated is a 400 for a group that became the supergroup newID.
func Migrated(newID int64) Fault {
	return apiError(400, "Bad Request: group chat was upgraded to a supergroup chat", map[string]any{"migrate_to_chat_id": newID})
}

// Delay answers normally after d (or not at all if the client gives up first).
func Delay(d time.Duration) Fault { return fakeserver.Delay(d) }

// AddFile registers a downloadable file and returns its file_id.
func (s *Server) AddFile(path string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := "file" + strconv.Itoa(len(s.files)+1)
	s.files[id] = file{path: path, data: data}
	return id
}

// Push queues a raw update (without update_id) and returns its update_id.
func (s *Server) Push(update map[string]any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextUpdate
	s.nextUpdate++
	update["update_id"] = id
	s.updates = append(s.updates, queued{id: id, raw: update})
	s.history[id] = update
	s.mu.Changed()
	return id
}

// PushDuplicate queues the same update_id again, as Telegram may redeliver.
func (s *Server) PushDuplicate(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if raw, ok := s.history[id]; ok {
		s.updates = append(s.updates, queued{id: id, raw: raw})
	}
	s.mu.Changed()
}

// Update builds a message update without queueing it (for webhooks).
func (s *Server) Update(chatID, fromID int64, threadID int, text string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[string]any{"message": s.message(chatID, fromID, threadID, text)}
}

// message builds a message object; callers hold s.mu.
func (s *Server) message(chatID, fromID int64, threadID int, text string) map[string]any {
	s.nextMessage++
	chat := map[string]any{"id": chatID, "type": "private", "first_name": "U"}
	if chatID < 0 {
		chat = map[string]any{"id": chatID, "type": "supergroup", "title": "Nhóm " + strconv.FormatInt(-chatID, 10)}
		if threadID != 0 {
			chat["is_forum"] = true
		}
	}
	m := map[string]any{
		"message_id": s.nextMessage,
		"date":       s.opts.Clock.Now().Unix(),
		"chat":       chat,
		"from":       user(fromID),
		"text":       text,
	}
	if strings.HasPrefix(text, "/") {
		end := strings.IndexAny(text, " \n")
		if end < 0 {
			end = len(text)
		}
		m["entities"] = []map[string]any{{"type": "bot_command", "offset": 0, "length": len([]rune(text[:end]))}}
	}
	if threadID != 0 {
		m["message_thread_id"] = threadID
		m["is_topic_message"] = true
	}
	return m
}

func user(id int64) map[string]any {
	return map[string]any{"id": id, "is_bot": false, "first_name": "Người dùng " + strconv.FormatInt(id, 10),
		"username": "u" + strconv.FormatInt(id, 10), "language_code": "vi"}
}

// PushMessage queues a private or group message.
func (s *Server) PushMessage(chatID, fromID int64, text string) int64 {
	s.mu.Lock()
	m := s.message(chatID, fromID, 0, text)
	s.mu.Unlock()
	return s.Push(map[string]any{"message": m})
}

// PushGroupCommand queues a command in group chatID (negative), in forum
// topic threadID (0 for none).
func (s *Server) PushGroupCommand(chatID, fromID int64, threadID int, text string) int64 {
	s.mu.Lock()
	m := s.message(chatID, fromID, threadID, text)
	s.mu.Unlock()
	return s.Push(map[string]any{"message": m})
}

// PushCallback queues a press of an inline button on messageID.
func (s *Server) PushCallback(chatID, fromID int64, messageID int, data string) int64 {
	s.mu.Lock()
	s.nextMessage++
	cb := map[string]any{
		"id":            "cb" + strconv.Itoa(s.nextMessage),
		"from":          user(fromID),
		"chat_instance": "ci",
		"data":          data,
		"message":       map[string]any{"message_id": messageID, "date": s.opts.Clock.Now().Unix(), "chat": map[string]any{"id": chatID, "type": chatType(strconv.FormatInt(chatID, 10))}, "text": "…"},
	}
	s.mu.Unlock()
	return s.Push(map[string]any{"callback_query": cb})
}

// PushDocument queues a document message whose file can be downloaded.
func (s *Server) PushDocument(chatID, fromID int64, name, mimeType string, data []byte) int64 {
	id := s.AddFile("documents/"+name, data)
	s.mu.Lock()
	m := s.message(chatID, fromID, 0, "")
	delete(m, "text")
	m["document"] = map[string]any{"file_id": id, "file_unique_id": "u" + id, "file_name": name, "mime_type": mimeType, "file_size": len(data)}
	s.mu.Unlock()
	return s.Push(map[string]any{"message": m})
}

// CommandsSet returns the recorded setMyCommands calls.
func (s *Server) CommandsSet() []Commands {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Commands(nil), s.commands...)
}

// Webhook returns the webhook URL and secret set.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook, s.webhookSecret
}

// Violations is how many sends the limit enforcer refused.
func (s *Server) Violations() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limiter == nil {
		return 0
	}
	return s.limiter.violations
}

// Conflicts is how many getUpdates calls got 409 for a concurrent poll.
func (s *Server) Conflicts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conflicts
}

// Pending is the number of queued, unconfirmed updates.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// WaitFor blocks until cond (called with the server locked: it must not
// call other Server methods) holds or timeout passes; it reports whether
// cond held.
func (s *Server) WaitFor(timeout time.Duration, cond func(st State) bool) bool {
	return s.mu.WaitFor(timeout, func() bool {
		return cond(State{Sent: s.Recorded(), Calls: s.CallCounts(), Conflicts: s.conflicts, Pending: len(s.updates), Polling: s.polling})
	})
}

// State is what WaitFor's condition sees; do not keep it.
type State struct {
	Sent      []Sent
	Calls     map[string]int
	Conflicts int
	Pending   int
	Polling   int // getUpdates calls waiting now
}
