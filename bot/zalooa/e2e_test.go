package zalooa_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dondoc/dondoc/bot/zalooa"
	"github.com/dondoc/dondoc/internal/zalooafake"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// TestWebhookLinkingAndCommands drives the adapter through signed webhook
// events: a wrong signature is refused, an officer links by sending the
// one-time code to the OA and then uses the commands in private; a
// redelivered event is answered once; what the bot cannot read gets one
// short answer.
func TestWebhookLinkingAndCommands(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		e := newOEnv(t, st)
		leader := e.officer(models.RoleLeader)
		const user = "2468000000000000001"

		ev := zalooafake.Event{Name: "user_send_text", UserID: user, MsgID: "m-sig", Text: "/trogiup", Timestamp: e.now.UnixMilli()}
		body := e.fake.Body(ev)
		other := e.fake.Body(zalooafake.Event{Name: "user_send_text", UserID: user, MsgID: "m-other", Text: "x", Timestamp: e.now.UnixMilli()})
		for name, sig := range map[string]string{
			"none":                  "",
			"garbage":               "mac=00",
			"another body's":        e.fake.Sign(other, e.now.UnixMilli()),
			"another timestamp's":   e.fake.Sign(body, e.now.UnixMilli()+1),
			"without the mac= part": strings.Repeat("a", 64),
		} {
			if code, err := e.fake.DeliverRaw(e.hook.URL, body, sig); err != nil || code != http.StatusUnauthorized {
				t.Errorf("signature %s: HTTP %d, %v; want 401", name, code, err)
			}
		}
		e.bot.Wait()
		if n := len(e.fake.Sent()); n != 0 {
			t.Fatalf("%d messages after refused events", n)
		}
		if code, err := e.fake.DeliverRaw(e.hook.URL, body, e.fake.Sign(body, e.now.UnixMilli())); err != nil || code != http.StatusOK {
			t.Fatalf("right signature: HTTP %d, %v", code, err)
		}
		e.bot.Wait()
		if sent := e.fake.Sent(); len(sent) == 0 || sent[0].UserID != user {
			t.Fatalf("no answer to a signed event: %+v", sent)
		}

		if r := e.say(user, "quá hạn"); !strings.Contains(r, "chưa được liên kết") {
			t.Errorf("unlinked: %q", r)
		}
		if welcome := e.link(user, leader); !strings.Contains(welcome, "Xin chào") || !strings.Contains(welcome, leader.Name) {
			t.Fatalf("welcome after linking: %q", welcome)
		}
		for _, tc := range []struct{ text, want string }{
			{"/quahan", "quá hạn"},
			{"quá hạn", "quá hạn"},
			{"/sapden", "sắp đến hạn"},
			{"/xephang", "Xếp hạng"},
			{"/quahn", "Ý anh/chị là /quahan?"},
		} {
			if r := e.say(user, tc.text); !strings.Contains(r, tc.want) {
				t.Errorf("%q: %q, want it to contain %q", tc.text, r, tc.want)
			}
		}

		// Redelivered: answered once.
		_, first := e.event(zalooafake.Event{Name: "user_send_text", UserID: user, MsgID: "m-again", Text: "/quahan"})
		_, again := e.event(zalooafake.Event{Name: "user_send_text", UserID: user, MsgID: "m-again", Text: "/quahan"})
		if len(first) == 0 || len(again) != 0 {
			t.Errorf("redelivery: %d then %d messages", len(first), len(again))
		}
		// Paging by typing, as on the Zalo bot: the listing says what to
		// type, "/sapden trang 2" is its page 2, "/sapden 3" three days.
		if r := e.say(user, "/sapden"); !strings.Contains(r, "Trang 1/") || !strings.Contains(r, "Gõ /sapden trang 2 để xem trang sau.") {
			t.Errorf("/sapden paging hint: %q", r)
		}
		if r := e.say(user, "/sapden trang 2"); !strings.Contains(r, "Trang 2/") {
			t.Errorf("/sapden trang 2: %q", r)
		}
		if r := e.say(user, "/sapden 3"); !strings.Contains(r, "3 ngày làm việc") {
			t.Errorf("/sapden 3: %q", r)
		}
		// An image, a sticker: one short answer; the OA's own events: none.
		for _, name := range []string{"user_send_image", "user_send_sticker"} {
			if _, sent := e.event(zalooafake.Event{Name: name, UserID: user}); len(sent) != 1 || !strings.Contains(sent[0].Text, "chỉ đọc tin nhắn chữ") {
				t.Errorf("%s: %+v", name, sent)
			}
		}
		if code, sent := e.event(zalooafake.Event{Name: "oa_send_text", UserID: user, Text: "hi"}); code != http.StatusOK || len(sent) != 0 {
			t.Errorf("oa_send_text: HTTP %d, %d messages", code, len(sent))
		}
		if strings.Contains(e.logs.String(), e.fake.SecretKey()) || strings.Contains(e.logs.String(), e.fake.FirstRefreshToken()) {
			t.Error("a secret reached the log")
		}
	})
}

// TestSendWindowAndFiles: notifications as consulting messages, split at
// 2000 characters; error 230 fails the message for good without touching
// the link; the monthly XLSX goes as an uploaded file.
func TestSendWindowAndFiles(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		e := newOEnv(t, st)
		ctx := context.Background()
		const user = "2468000000000000002"
		long := strings.Repeat("Hồ sơ H-2026-001 quá hạn 3 ngày làm việc.\n", 120) // ~5,000 characters
		if err := e.bot.Send(ctx, notify.Message{Key: "digest/u/2026-11-27", Platform: zalooa.Platform, ChatID: user,
			Text: "<b>Nhắc việc</b>\n" + long, Format: notify.FormatHTML}); err != nil {
			t.Fatal(err)
		}
		sent := e.fake.Sent()
		if len(sent) != 3 {
			t.Fatalf("a 5,000-character digest in %d messages, want 3", len(sent))
		}
		var joined []string
		for _, s := range sent {
			if n := utf8.RuneCountInString(s.Text); n > zalooa.MaxText || s.UserID != user || strings.Contains(s.Text, "<b>") {
				t.Errorf("message of %d characters to %s: %.60q", n, s.UserID, s.Text)
			}
			joined = append(joined, s.Text)
		}
		if got := strings.Join(joined, "\n"); got != "Nhắc việc\n"+strings.TrimSuffix(long, "\n") {
			t.Errorf("split digest differs from the text (%d vs %d characters)", len(got), len(long))
		}

		xlsx := []byte("PK\x03\x04 monthly")
		if err := e.bot.Send(ctx, notify.Message{Platform: zalooa.Platform, ChatID: user, Text: "Báo cáo tháng 10",
			Document: &notify.File{Name: "Báo cáo TTHC tháng 10-2026.xlsx", Data: xlsx}}); err != nil {
			t.Fatal(err)
		}
		sent = e.fake.Sent()[3:]
		if len(sent) != 2 || sent[0].Text != "Báo cáo tháng 10" || sent[1].FileName != "Báo cáo TTHC tháng 10-2026.xlsx" || string(sent[1].FileData) != string(xlsx) {
			t.Fatalf("monthly report: %+v", sent)
		}

		e.fake.SetUserError(user, -230)
		err := e.bot.Send(ctx, notify.Message{Key: "digest/u/2026-11-30", Platform: zalooa.Platform, ChatID: user, Text: "Nhắc việc"})
		var se *notify.SendError
		if !errors.As(err, &se) || se.Class != notify.Permanent || !errors.Is(err, notify.ErrNotNow) || !errors.Is(err, zalooa.ErrOutsideWindow) ||
			!strings.Contains(se.Reason, "230") {
			t.Fatalf("error 230: %v", err)
		}
		if e.bot.Ready() != nil {
			t.Errorf("230 stopped the channel: %v", e.bot.Ready())
		}
	})
}

// TestFileEvents: a file sent to the OA by the secretariat goes through
// the import by chat (downloaded from the event's URL only) and is
// answered with the summary and the error CSV; an officer's file is
// refused and never downloaded.
func TestFileEvents(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		e := newOEnv(t, st)
		const uSec, uOfficer = "2468000000000000003", "2468000000000000004"
		e.link(uSec, e.officer(models.RoleSecretariat))
		e.link(uOfficer, e.officer(models.RoleOfficer))
		csv := []byte("Mã hồ sơ,Ngày hẹn trả\nH1,31/02/2026\n")

		url := e.fake.AddFile("ho-so.csv", csv)
		_, sent := e.event(zalooafake.Event{Name: "user_send_file", UserID: uSec, FileURL: url, FileName: "ho-so.csv", FileSize: int64(len(csv))})
		if got := e.imported(); len(got) != 1 || got[0] != "dossiers ho-so.csv "+string(csv) {
			t.Fatalf("imports: %q", got)
		}
		if len(sent) < 2 || !strings.Contains(sent[0].Text, "ho-so.csv") || sent[len(sent)-1].FileName != "loi-ho-so.csv" ||
			!strings.Contains(string(sent[len(sent)-1].FileData), "31/02/2026") {
			t.Fatalf("answer to the secretariat's file: %+v", sent)
		}

		url = e.fake.AddFile("officer.csv", csv)
		_, sent = e.event(zalooafake.Event{Name: "user_send_file", UserID: uOfficer, FileURL: url, FileName: "ho-so.csv", FileSize: int64(len(csv))})
		if len(sent) != 1 || !strings.Contains(sent[0].Text, "Chỉ Văn phòng") {
			t.Errorf("officer's file: %+v", sent)
		}
		if n := e.fake.Downloads("officer.csv"); n != 0 || len(e.imported()) != 1 {
			t.Errorf("officer's file downloaded %d times, %d imports", n, len(e.imported()))
		}

		// Over the size cap: refused by the announced size, nothing read.
		big := e.fake.AddFile("big.csv", make([]byte, 2<<20))
		_, sent = e.event(zalooafake.Event{Name: "user_send_file", UserID: uSec, FileURL: big, FileName: "ho-so.csv", FileSize: 60 << 20})
		if len(sent) != 1 || !strings.Contains(sent[0].Text, "quá lớn") || e.fake.Downloads("big.csv") != 0 {
			t.Errorf("oversized file: %+v, %d downloads", sent, e.fake.Downloads("big.csv"))
		}
		// Announced small but larger than the adapter's cap: the download stops.
		_, sent = e.event(zalooafake.Event{Name: "user_send_file", UserID: uSec, FileURL: big, FileName: "ho-so.csv", FileSize: 100})
		if len(sent) != 1 || !strings.Contains(sent[0].Text, "Không tải được") || len(e.imported()) != 1 {
			t.Errorf("file over the cap: %+v", sent)
		}
	})
}

// TestBadInput: a signed body that is not an event, an oversized body, an
// unknown event and a 10,000-character text are acknowledged (Zalo must
// not retry them), logged, and answered at most once — no panic.
func TestBadInput(t *testing.T) {
	e := newOEnv(t, storetest.OpenSQLite(t))
	const user = "2468000000000000020"
	ts := e.now.UnixMilli()
	junk := []byte(`{"timestamp":"` + strconv.FormatInt(ts, 10) + `","event_name":["not","a","string"]}`)
	if code, err := e.fake.DeliverRaw(e.hook.URL, junk, e.fake.Sign(junk, ts)); err != nil || code != http.StatusOK {
		t.Errorf("signed junk: HTTP %d, %v", code, err)
	}
	huge := []byte(`{"timestamp":"1","message":{"text":"` + strings.Repeat("a", 2<<20) + `"}}`)
	if code, err := e.fake.DeliverRaw(e.hook.URL, huge, e.fake.Sign(huge, 1)); err != nil || code != http.StatusOK {
		t.Errorf("2 MiB body: HTTP %d, %v", code, err)
	}
	if code, sent := e.event(zalooafake.Event{Name: "follow", UserID: user}); code != http.StatusOK || len(sent) != 0 {
		t.Errorf("follow: HTTP %d, %d messages", code, len(sent))
	}
	if r := e.say(user, strings.Repeat("quá hạn ", 1250)); r == "" || utf8.RuneCountInString(r) > 2*zalooa.MaxText {
		t.Errorf("10,000 characters: %d characters answered", utf8.RuneCountInString(r))
	}
	for _, want := range []string{"not an event", "over 1 MiB", "event ignored"} {
		if !strings.Contains(e.logs.String(), want) {
			t.Errorf("no log line %q", want)
		}
	}
}
