package tgfake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

type reply struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func call(t *testing.T, s *Server, method string, v url.Values) (int, reply) {
	t.Helper()
	resp, err := http.PostForm(s.URL+"/bot"+s.Token()+"/"+method, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r reply
	_ = json.NewDecoder(resp.Body).Decode(&r)
	return resp.StatusCode, r
}

func TestCheckHTML(t *testing.T) {
	tests := []struct {
		in, want string // want: "" or a substring of the reason
	}{
		{"plain", ""},
		{"<b>đậm</b> <i>x</i> <a href=\"https://t.me\">l</a>", ""},
		{"<pre><code>x</code></pre><tg-spoiler>s</tg-spoiler><blockquote>q</blockquote>", ""},
		{"a &lt; b &amp;&gt;", ""},
		{"<b>x", "Can't find end tag corresponding to start tag \"b\""},
		{"<b><i>x</b></i>", "Unmatched end tag"},
		{"<div>x</div>", "Unsupported start tag \"div\""},
		{"a < b>", "Empty tag name"},
		{"a <b", "Unclosed start tag"},
		{"AT&T", "Character entity expected"},
		{"</b>", "Unmatched end tag"},
	}
	for _, tt := range tests {
		got := CheckHTML(tt.in)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("CheckHTML(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSendMessageRecordsAndRejects(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	code, r := call(t, s, "sendMessage", url.Values{"chat_id": {"-5"}, "text": {"<b>x</b>"}, "parse_mode": {"HTML"},
		"message_thread_id": {"3"}, "disable_notification": {"true"}, "reply_markup": {`{"inline_keyboard":[]}`}})
	if code != 200 || !r.OK {
		t.Fatalf("%d %+v", code, r)
	}
	got := s.SentBy("sendMessage")
	if len(got) != 1 || got[0].ThreadID != 3 || !got[0].DisableNotification || got[0].ParseMode != "HTML" || got[0].ReplyMarkup == "" {
		t.Errorf("recorded %+v", got)
	}
	code, r = call(t, s, "sendMessage", url.Values{"chat_id": {"1"}, "text": {"<b>x"}, "parse_mode": {"HTML"}})
	if code != 400 || !strings.HasPrefix(r.Description, "Bad Request: can't parse entities: ") {
		t.Errorf("bad HTML: %d %+v", code, r)
	}
	code, _ = call(t, s, "sendMessage", url.Values{"chat_id": {"1"}, "text": {strings.Repeat("a", 4097)}})
	if code != 400 {
		t.Errorf("4097 characters accepted")
	}
	resp, err := http.PostForm(s.URL+"/botWRONG/getMe", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("wrong token: %d", resp.StatusCode)
	}
}

func TestFaults(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	s.FailNext("sendMessage", 2, RateLimited(3))
	for range 2 {
		code, r := call(t, s, "sendMessage", url.Values{"chat_id": {"1"}, "text": {"x"}})
		if code != 429 || r.Parameters.RetryAfter != 3 || r.Description != "Too Many Requests: retry after 3" {
			t.Errorf("%d %+v", code, r)
		}
	}
	if code, _ := call(t, s, "sendMessage", url.Values{"chat_id": {"1"}, "text": {"x"}}); code != 200 {
		t.Errorf("third call: %d", code)
	}
	s.FailNext("getMe", 1, BadGateway())
	resp, _ := http.PostForm(s.URL+"/bot"+s.Token()+"/getMe", nil)
	resp.Body.Close()
	if resp.StatusCode != 502 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("502: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestLimits(t *testing.T) {
	s := New(Options{Limits: true})
	defer s.Close()
	if code, _ := call(t, s, "sendMessage", url.Values{"chat_id": {"1"}, "text": {"x"}}); code != 200 {
		t.Fatal(code)
	}
	code, r := call(t, s, "sendMessage", url.Values{"chat_id": {"1"}, "text": {"x"}})
	if code != 429 || r.Parameters.RetryAfter < 1 || s.Violations() != 1 {
		t.Errorf("second message to a chat within 1 s: %d %+v, violations %d", code, r, s.Violations())
	}
	if code, _ := call(t, s, "sendMessage", url.Values{"chat_id": {"2"}, "text": {"x"}}); code != 200 {
		t.Errorf("another chat: %d", code)
	}
	l := newLimiter()
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	for i := range 20 {
		if l.allow("-9", now.Add(time.Duration(i)*2*time.Second)) != 0 {
			t.Fatalf("group message %d refused", i)
		}
	}
	if l.allow("-9", now.Add(41*time.Second)) == 0 {
		t.Error("21st group message within a minute accepted")
	}
	for i := range 30 {
		l.allow(string(rune('a'+i)), now.Add(time.Hour))
	}
	if l.allow("z9", now.Add(time.Hour)) == 0 {
		t.Error("31st message within a second accepted")
	}
}

func TestGetUpdates(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	s.PushMessage(1, 1, "/start")
	id2 := s.PushGroupCommand(-100, 1, 7, "/quahan@dondoc_test_bot")
	_, r := call(t, s, "getUpdates", url.Values{"timeout": {"0"}})
	var ups []map[string]any
	_ = json.Unmarshal(r.Result, &ups)
	if len(ups) != 2 {
		t.Fatalf("%d updates", len(ups))
	}
	// The offset confirms earlier updates.
	_, r = call(t, s, "getUpdates", url.Values{"offset": {"2"}, "timeout": {"0"}})
	_ = json.Unmarshal(r.Result, &ups)
	if len(ups) != 1 || int64(ups[0]["update_id"].(float64)) != id2 || s.Pending() != 1 {
		t.Errorf("after offset: %+v", ups)
	}
	// A long poll returns as soon as an update arrives.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, r := call(t, s, "getUpdates", url.Values{"offset": {"3"}, "timeout": {"10"}})
		var ups []map[string]any
		_ = json.Unmarshal(r.Result, &ups)
		if len(ups) != 1 {
			t.Errorf("long poll got %d updates", len(ups))
		}
	}()
	if !s.WaitFor(5*time.Second, func(st State) bool { return st.Polling == 1 }) {
		t.Fatal("long poll not started")
	}
	// A second concurrent poller gets 409.
	code, r := call(t, s, "getUpdates", url.Values{"timeout": {"0"}, "offset": {"3"}})
	if code != 409 || !strings.HasPrefix(r.Description, "Conflict: terminated by other getUpdates request") || s.Conflicts() != 1 {
		t.Errorf("concurrent poll: %d %q", code, r.Description)
	}
	s.PushMessage(1, 1, "/help")
	wg.Wait()
	// Polling is refused while a webhook is set.
	call(t, s, "setWebhook", url.Values{"url": {"https://x"}, "secret_token": {"abc"}})
	if code, _ := call(t, s, "getUpdates", nil); code != 409 {
		t.Errorf("getUpdates with a webhook set: %d", code)
	}
}
