package zalo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/internal/zalofake"
	"github.com/dondoc/dondoc/notify"
)

func TestSendClassification(t *testing.T) {
	for _, tc := range []struct {
		name       string
		fault      zalofake.Fault
		chat       string
		timeout    time.Duration
		class      notify.Class
		retryAfter time.Duration
	}{
		{name: "429 quota exceeded, no retry_after", fault: zalofake.QuotaExceeded(), class: notify.RateLimited, retryAfter: defaultQuotaRetry},
		{name: "errorCode 429 in a 200", fault: zalofake.InBody(zalofake.CamelCase(zalofake.QuotaExceeded())), class: notify.RateLimited, retryAfter: defaultQuotaRetry},
		{name: "403 is Zalo's internal error, not blocked", fault: zalofake.InternalError(), class: notify.Retryable},
		{name: "408 timeout", fault: zalofake.RequestTimeout(), class: notify.Retryable},
		{name: "400 wrong method", fault: zalofake.BadRequest(), class: notify.Retryable},
		{name: "404 without State", fault: zalofake.InvalidRequest(), class: notify.Retryable},
		{name: "a proxy's 502 page", fault: zalofake.ProxyError(), class: notify.Retryable},
		{name: "client timeout", fault: zalofake.Delay(2 * time.Second), timeout: 100 * time.Millisecond, class: notify.Retryable},
		{name: "token revoked: the channel stops, the entry stays pending", fault: zalofake.Unauthorized(), class: notify.RateLimited, retryAfter: stoppedRetry},
		{name: "no chat id", chat: "-", class: notify.Permanent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, b, _ := setup(t, Config{})
			if tc.fault != (zalofake.Fault{}) {
				fake.FailNext("sendMessage", 1, tc.fault)
			}
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			chat := "u2"
			if tc.chat == "-" {
				chat = ""
			}
			err := b.Send(ctx, notify.Message{Platform: Platform, ChatID: chat, Text: "Nhắc việc"})
			var se *notify.SendError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, not a *notify.SendError", err)
			}
			if se.Class != tc.class || se.RetryAfter != tc.retryAfter {
				t.Errorf("class %v retry %v, want %v %v (%v)", se.Class, se.RetryAfter, tc.class, tc.retryAfter, se)
			}
			if strings.Contains(err.Error(), fake.Token()) {
				t.Errorf("the token leaked: %v", err)
			}
		})
	}
}

func TestSendSplitsLongText(t *testing.T) {
	fake, b, _ := setup(t, Config{})
	var lines []string
	for i := range 120 {
		lines = append(lines, fmt.Sprintf("%d. Hồ sơ H%05d — chuyên viên Nguyễn Thị Hoà, quá hạn %d ngày làm việc", i+1, i, i%9+1))
	}
	text := strings.Join(lines, "\n")
	if err := b.Send(context.Background(), notify.Message{Platform: Platform, ChatID: "u2", Text: text}); err != nil {
		t.Fatal(err)
	}
	sent := fake.SentBy("sendMessage")
	if len(sent) < 3 {
		t.Fatalf("%d messages for %d characters", len(sent), utf8.RuneCountInString(text))
	}
	var got []string
	for _, s := range sent {
		if n := utf8.RuneCountInString(s.Text); n > MaxText {
			t.Errorf("a message of %d characters", n)
		}
		got = append(got, s.Text)
	}
	if strings.Join(got, "\n") != text {
		t.Error("the pieces, joined by newlines, are not the text: a line was cut")
	}
}

func TestSplit(t *testing.T) {
	long := strings.TrimSpace(strings.Repeat("Hồ sơ quá hạn ", 400)) // one line of 5599 characters
	for _, tc := range []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"short", "Xin chào", 10, []string{"Xin chào"}},
		{"blank", " \n\n ", 10, nil},
		{"lines", "một\nhai\nba\nbốn", 8, []string{"một\nhai", "ba\nbốn"}},
		{"long word", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"at a space", "aa bb cc dd", 6, []string{"aa bb", "cc dd"}},
	} {
		if got := Split(tc.text, tc.limit); strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	pieces := Split(long, MaxText)
	if len(pieces) != 3 {
		t.Fatalf("%d pieces", len(pieces))
	}
	for _, p := range pieces {
		if n := utf8.RuneCountInString(p); n > MaxText || !utf8.ValidString(p) || strings.HasSuffix(p, " ") {
			t.Errorf("piece of %d characters ending %q", n, p[len(p)-5:])
		}
	}
}

func TestSendResumesAfterPartialFailure(t *testing.T) {
	fake, b, _ := setup(t, Config{})
	text := strings.Repeat(strings.Repeat("x", 99)+"\n", 50) // 5000 characters: 3 messages
	fake.FailNext("sendMessage", 1, zalofake.Fault{})
	fake.FailNext("sendMessage", 1, zalofake.InternalError())
	m := notify.Message{Key: "digest/u2/2026-11-27", Platform: Platform, ChatID: "u2", Text: text}
	if err := b.Send(context.Background(), m); notify.ClassOf(err) != notify.Retryable {
		t.Fatalf("first attempt: %v", err)
	}
	if err := b.Send(context.Background(), m); err != nil {
		t.Fatalf("retry: %v", err)
	}
	sent := fake.SentBy("sendMessage")
	if len(sent) != 3 {
		t.Fatalf("%d messages delivered, want 3 (the first must not be sent twice)", len(sent))
	}
	if got := sent[0].Text + "\n" + sent[1].Text + "\n" + sent[2].Text; got != strings.TrimSuffix(text, "\n") {
		t.Error("pieces out of order")
	}
}

func TestSendHTMLAsPlainText(t *testing.T) {
	fake, b, _ := setup(t, Config{})
	err := b.Send(context.Background(), notify.Message{Platform: Platform, ChatID: "u2", Format: notify.FormatHTML,
		Text: "<b>Hồ sơ</b> &lt;quá hạn&gt; &amp; <i>sắp đến hạn</i>"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fake.SentBy("sendMessage")[0].Text; got != "Hồ sơ <quá hạn> & sắp đến hạn" {
		t.Errorf("text %q", got)
	}
	// Plain text is sent as it is, angle brackets included.
	if err := b.Send(context.Background(), notify.Message{Platform: Platform, ChatID: "u2", Text: "<b>"}); err != nil {
		t.Fatal(err)
	}
	if got := fake.SentBy("sendMessage")[1].Text; got != "<b>" {
		t.Errorf("plain text %q", got)
	}
}

func TestSendAttachments(t *testing.T) {
	fake, b, _ := setup(t, Config{})
	doc := &notify.File{Name: "Báo cáo TTHC tháng 10-2026.xlsx", Data: []byte("PK")}
	if err := b.Send(context.Background(), notify.Message{Platform: Platform, ChatID: "u2", Text: "Báo cáo tháng 10", Document: doc}); err != nil {
		t.Fatal(err)
	}
	if got := fake.SentBy("sendMessage")[0].Text; !strings.HasPrefix(got, "Báo cáo tháng 10\n\n(Zalo chưa cho phép bot gửi tệp") ||
		!strings.Contains(got, "«Báo cáo TTHC tháng 10-2026.xlsx»") {
		t.Errorf("document note: %q", got)
	}
	photo := &notify.File{Name: "xephang.png", MIME: "image/png", Data: []byte{0x89}}
	if err := b.Send(context.Background(), notify.Message{Platform: Platform, ChatID: "u2", Text: "Xếp hạng", Photo: photo}); err != nil {
		t.Fatal(err)
	}
	if got := fake.SentBy("sendMessage")[1].Text; !strings.Contains(got, "«xephang.png»") {
		t.Errorf("photo without a URL: %q", got)
	}
	if n := len(fake.SentBy("sendPhoto")); n != 0 {
		t.Errorf("%d sendPhoto calls without a public URL", n)
	}

	fake2, b2, _ := setup(t, Config{PhotoURL: func(_ context.Context, f notify.File) (string, error) {
		return "https://dondoc.example.gov.vn/files/" + f.Name, nil
	}})
	if err := b2.Send(context.Background(), notify.Message{Platform: Platform, ChatID: "u2", Text: "<b>Xếp hạng</b>", Format: notify.FormatHTML, Photo: photo}); err != nil {
		t.Fatal(err)
	}
	ph := fake2.SentBy("sendPhoto")
	if len(ph) != 1 || ph[0].Photo != "https://dondoc.example.gov.vn/files/xephang.png" || ph[0].Text != "Xếp hạng" {
		t.Errorf("sendPhoto calls %+v", ph)
	}
}

func TestReplyRetriesAndDropsButtons(t *testing.T) {
	fake, b, _ := setup(t, Config{MaxRetryWait: time.Second})
	fake.FailNext("sendMessage", 1, zalofake.ProxyError())
	to := bot.Update{Platform: Platform, ChatID: "u2", ChatType: bot.ChatPrivate, UserID: "u2"}
	err := b.Reply(context.Background(), to, bot.Reply{Text: "Chọn:", Buttons: [][]notify.Button{{{Text: "Có", Data: "yes"}}}})
	if err != nil {
		t.Fatal(err)
	}
	sent := fake.SentBy("sendMessage")
	if len(sent) != 1 || sent[0].Text != "Chọn:" || fake.Calls("sendMessage") != 2 {
		t.Errorf("sends %+v after %d calls", sent, fake.Calls("sendMessage"))
	}
	// A 429 whose pause grows beyond MaxRetryWait is returned, not waited out.
	b.cfg.MaxRetryWait = time.Millisecond
	fake.FailNext("sendMessage", 1, zalofake.QuotaExceeded())
	err = b.Reply(context.Background(), to, bot.Reply{Text: "Xin chào"})
	if notify.ClassOf(err) != notify.RateLimited {
		t.Errorf("err = %v", err)
	}
	if err := b.AnswerCallback(context.Background(), to, "x"); err != nil {
		t.Errorf("AnswerCallback: %v", err)
	}
}

func TestReplyPagesAndTyping(t *testing.T) {
	fake, b, _ := setup(t, Config{})
	to := bot.Update{Platform: Platform, ChatID: "u2", ChatType: bot.ChatPrivate, UserID: "u2"}
	if err := b.Reply(context.Background(), to, bot.Reply{Pages: []string{"Trang một", "<b>Trang hai</b>"}, Format: notify.FormatHTML}); err != nil {
		t.Fatal(err)
	}
	sent := fake.SentBy("sendMessage")
	if len(sent) != 2 || sent[0].Text != "Trang một" || sent[1].Text != "Trang hai" {
		t.Errorf("pages sent: %+v", sent)
	}
	if err := b.Typing(context.Background(), "u2"); err != nil {
		t.Fatal(err)
	}
	if a := fake.SentBy("sendChatAction"); len(a) != 1 || a[0].Action != "typing" || a[0].ChatID != "u2" {
		t.Errorf("chat actions %+v", a)
	}
}
