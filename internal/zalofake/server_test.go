package zalofake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

type reply struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
}

func post(t *testing.T, s *Server, token, method, body string) (int, reply) {
	t.Helper()
	resp, err := http.Post(s.URL+"/bot"+token+"/"+method, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r reply
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("%s: body is not JSON: %v", method, err)
	}
	return resp.StatusCode, r
}

func TestAuthAndGetMe(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	if code, r := post(t, s, "1:nope", "getMe", "{}"); code != 401 || r.OK || r.ErrorCode != 401 {
		t.Errorf("wrong token: %d %+v", code, r)
	}
	code, r := post(t, s, s.Token(), "getMe", "{}")
	var me struct {
		ID          string `json:"id"`
		AccountName string `json:"account_name"`
	}
	if code != 200 || !r.OK || json.Unmarshal(r.Result, &me) != nil || me.ID != s.BotID() || me.AccountName != s.BotName() {
		t.Errorf("getMe: %d %+v", code, r)
	}
}

func TestGetUpdatesOneAtATimeAndTimeout(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	a := s.PushText("u1", "một")
	if id := s.PushGroupText("g1", "u1", "không nhắc bot"); id != "" || s.Dropped() != 1 {
		t.Errorf("a group message not mentioning the bot was queued (%q, dropped %d)", id, s.Dropped())
	}
	if id := s.PushGroupText("g1", "u1", "@dondoc2 nhắc bot khác"); id != "" || s.Dropped() != 2 {
		t.Errorf("a message mentioning another bot was queued (%q, dropped %d)", id, s.Dropped())
	}
	s.PushGroupText("g1", "u1", "@DonDoc hai")
	for i, want := range []string{"một", "@DonDoc hai"} {
		_, r := post(t, s, s.Token(), "getUpdates", `{"timeout":"0"}`)
		var u struct {
			EventName string `json:"event_name"`
			Message   struct {
				Text      string `json:"text"`
				MessageID string `json:"message_id"`
				Chat      struct {
					ChatType string `json:"chat_type"`
				} `json:"chat"`
			} `json:"message"`
		}
		if !r.OK || json.Unmarshal(r.Result, &u) != nil || u.Message.Text != want || u.EventName != "message.text.received" {
			t.Fatalf("update %d: %+v", i, r)
		}
		if i == 0 && (u.Message.MessageID != a || u.Message.Chat.ChatType != "PRIVATE") {
			t.Errorf("first update: %+v", u)
		}
		if i == 1 && u.Message.Chat.ChatType != "GROUP" {
			t.Errorf("second update: %+v", u)
		}
	}
	start := time.Now()
	code, r := post(t, s, s.Token(), "getUpdates", `{"timeout":1}`)
	if code != 408 || r.ErrorCode != 408 || time.Since(start) < 900*time.Millisecond {
		t.Errorf("empty long poll: %d %+v after %v", code, r, time.Since(start))
	}
	// A long poll returns as soon as an update arrives.
	done := make(chan reply, 1)
	go func() { // no t.Fatal outside the test goroutine
		var r reply
		if resp, err := http.Post(s.URL+"/bot"+s.Token()+"/getUpdates", "application/json", strings.NewReader(`{"timeout":"30"}`)); err == nil {
			_ = json.NewDecoder(resp.Body).Decode(&r)
			resp.Body.Close()
		}
		done <- r
	}()
	if !s.WaitFor(5*time.Second, func(st State) bool { return st.Polling == 1 }) {
		t.Fatal("no poll waiting")
	}
	s.PushDuplicate(a)
	select {
	case r := <-done:
		if !r.OK || !bytes.Contains(r.Result, []byte(a)) {
			t.Errorf("redelivered update: %+v", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the long poll did not return")
	}
}

func TestSendLimitsAndRecording(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	ok := strings.Repeat("ệ", MaxText)
	if code, r := post(t, s, s.Token(), "sendMessage", `{"chat_id":"u1","text":"`+ok+`"}`); code != 200 || !r.OK {
		t.Errorf("2000 characters: %d %+v", code, r)
	}
	if code, r := post(t, s, s.Token(), "sendMessage", `{"chat_id":"u1","text":"`+ok+`x"}`); code != 404 || r.ErrorCode != 404 || !strings.Contains(r.Description, "2000") {
		t.Errorf("2001 characters: %d %+v", code, r)
	}
	if code, _ := post(t, s, s.Token(), "sendMessage", `{"chat_id":"u1","text":""}`); code != 404 {
		t.Errorf("empty text: %d", code)
	}
	if code, _ := post(t, s, s.Token(), "sendPhoto", `{"chat_id":"u1","photo":"not a url"}`); code != 404 {
		t.Errorf("photo without URL: %d", code)
	}
	if code, _ := post(t, s, s.Token(), "sendChatAction", `{"chat_id":"u1","action":"typing"}`); code != 200 {
		t.Errorf("chat action: %d", code)
	}
	s.FailNext("sendMessage", 1, InternalError())
	if code, r := post(t, s, s.Token(), "sendMessage", `{"chat_id":"u1","text":"a"}`); code != 403 || r.OK {
		t.Errorf("injected fault: %d %+v", code, r)
	}
	sent, err := s.WaitSent(time.Second, "sendMessage", 1)
	if err != nil || len(sent) != 1 || sent[0].ChatID != "u1" || sent[0].MessageID == "" {
		t.Errorf("recorded %+v, %v", sent, err)
	}
	if _, err := s.WaitSent(10*time.Millisecond, "sendMessage", 2); err == nil {
		t.Error("WaitSent did not time out")
	}
	if n := len(s.SentBy("sendChatAction")); n != 1 {
		t.Errorf("%d chat actions", n)
	}
}

func TestWebhookBlocksPolling(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	if code, _ := post(t, s, s.Token(), "setWebhook", `{"url":"https://x.example/z","secret_token":"short"}`); code != 400 {
		t.Errorf("short secret: %d", code)
	}
	if code, _ := post(t, s, s.Token(), "setWebhook", `{"url":"http://x.example/z","secret_token":"12345678"}`); code != 400 {
		t.Errorf("plain HTTP to a public host: %d", code)
	}
	if code, _ := post(t, s, s.Token(), "setWebhook", `{"url":"https://x.example/z","secret_token":"12345678"}`); code != 200 {
		t.Errorf("setWebhook: %d", code)
	}
	if code, r := post(t, s, s.Token(), "getUpdates", `{}`); code != 400 || r.ErrorCode != 400 {
		t.Errorf("getUpdates with a webhook: %d %+v", code, r)
	}
	if url, secret := s.WebhookSet(); url != "https://x.example/z" || secret != "12345678" {
		t.Errorf("webhook %q %q", url, secret)
	}
	post(t, s, s.Token(), "deleteWebhook", `{}`)
	if code, _ := post(t, s, s.Token(), "getUpdates", `{"timeout":0}`); code != 408 {
		t.Errorf("getUpdates after deleteWebhook: %d", code)
	}
}

func TestDeliverToWebhook(t *testing.T) {
	var got []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var env struct {
			Result struct {
				EventName string `json:"event_name"`
			} `json:"result"`
		}
		_ = json.NewDecoder(r.Body).Decode(&env)
		got = append(got, r.Header.Get(SecretHeader)+" "+env.Result.EventName)
	}))
	defer hook.Close()
	s := New(Options{})
	defer s.Close()
	if code, r := post(t, s, s.Token(), "setWebhook", `{"url":"`+hook.URL+`/zalo","secret_token":"s3cret-s3cret"}`); code != 200 || !r.OK {
		t.Fatalf("setWebhook on loopback HTTP: %d %+v", code, r)
	}
	if code, err := s.Deliver(s.Update(Message{FromID: "u1", Event: "message.sticker.received"})); err != nil || code != 200 {
		t.Fatalf("deliver: %d %v", code, err)
	}
	if code, err := s.Deliver(s.Update(Message{FromID: "u1", ChatID: "g", Group: true, Text: "hi"})); err != nil || code != 0 {
		t.Fatalf("group message not for the bot: %d %v", code, err)
	}
	if code, err := s.Deliver(s.Update(Message{FromID: "u1", ChatID: "g", Group: true, Text: "ok", ReplyToBot: true})); err != nil || code != 200 {
		t.Fatalf("reply to the bot: %d %v", code, err)
	}
	want := []string{"s3cret-s3cret message.sticker.received", "s3cret-s3cret message.text.received"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("delivered %q, want %q", got, want)
	}
}

func TestRandomFaultsAndCamelCase(t *testing.T) {
	s := New(Options{Seed: 7})
	defer s.Close()
	s.FailRandomly("sendMessage", 0.5, QuotaExceeded(), CamelCase(InternalError()))
	codes := map[int]int{}
	for range 200 {
		code, _ := post(t, s, s.Token(), "sendMessage", `{"chat_id":"u1","text":"a"}`)
		codes[code]++
	}
	if codes[200] < 60 || codes[429] < 30 || codes[403] < 30 || len(codes) != 3 {
		t.Errorf("status counts %v", codes)
	}
	if n := len(s.SentBy("sendMessage")); n != codes[200] {
		t.Errorf("%d recorded, %d succeeded", n, codes[200])
	}
	f := CamelCase(InternalError())
	if !strings.Contains(f.Body, `"errorCode":403`) {
		t.Errorf("camel case body %s", f.Body)
	}
}

func TestQuotaPerSecondRefusesWith429(t *testing.T) {
	clock := clockwork.NewFakeClock()
	s := New(Options{QuotaPerSecond: 2, Clock: clock})
	defer s.Close()
	send := func() int {
		code, _ := post(t, s, s.Token(), "sendMessage", `{"chat_id":"c1","text":"Nhắc việc"}`)
		return code
	}
	if a, b, c := send(), send(), send(); a != 200 || b != 200 || c != 429 {
		t.Errorf("three sends in one second: %d %d %d, want 200 200 429", a, b, c)
	}
	clock.Advance(time.Second)
	if code := send(); code != 200 {
		t.Errorf("a second later: %d", code)
	}
	if n := s.QuotaRefused(); n != 1 || len(s.SentBy("sendMessage")) != 3 {
		t.Errorf("%d refused, %d sent", n, len(s.SentBy("sendMessage")))
	}
}
