package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot/telegram"
	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
)

// TestGuibaocaoPreviewsThenSendsOnConfirmation: the secretariat's
// /guibaocao shows what will go to how many groups with a «Gửi» button;
// pressing it queues the month's results for each bound group, once.
func TestGuibaocaoPreviewsThenSendsOnConfirmation(t *testing.T) {
	a, st, fake, tg, code := secretariatChat(t)
	ctx := context.Background()
	units, _ := st.Units(ctx)
	root := units[0].Code // the province, current: it has dossiers every month
	for _, u := range units {
		if u.ParentCode == "" && u.ValidTo == models.NoDate {
			root = u.Code
			break
		}
	}
	if err := st.BindGroup(ctx, "telegram", "-1001", root, a.cfg.Now); err != nil {
		t.Fatal(err)
	}

	pollAndLink(t, a, st, fake, tg, 77, code)
	fake.PushMessage(77, 77, "/guibaocao 2026-10")
	preview := waitText(t, fake, "Gửi kết quả tháng")
	if !strings.Contains(preview.Text, "Gửi kết quả tháng 10/2026") || !strings.Contains(preview.Text, "1 nhóm đơn vị sẽ nhận") {
		t.Fatalf("preview: %q", preview.Text)
	}
	var markup struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(preview.ReplyMarkup), &markup); err != nil || len(markup.InlineKeyboard) == 0 {
		t.Fatalf("no confirmation button: %q (%v)", preview.ReplyMarkup, err)
	}
	if n, _ := st.OutboxCounts(ctx); len(n) != 0 {
		t.Fatalf("the preview queued messages: %v", n)
	}

	fake.PushCallback(77, 77, preview.MessageID, markup.InlineKeyboard[0][0].CallbackData)
	waitText(t, fake, "Đã xếp")
	// A second press (or another secretary) sends nothing twice.
	fake.PushCallback(77, 77, preview.MessageID, markup.InlineKeyboard[0][0].CallbackData)
	waitText(t, fake, "không gửi lại")
	entries, err := st.Outbox().Entries(ctx, "")
	if err != nil || len(entries) == 0 {
		t.Fatalf("nothing queued for the group: %v", err)
	}
	for _, e := range entries {
		if e.Message.ChatID != "-1001" {
			t.Errorf("queued for chat %s, want the bound group -1001", e.Message.ChatID)
		}
	}
}

// secretariatChat is chatApp with a link code for a secretariat officer.
func secretariatChat(t *testing.T) (*app, *store.Store, *tgfake.Server, *telegram.Bot, string) {
	t.Helper()
	a, st, fake, tg, _ := chatApp(t, "")
	return a, st, fake, tg, secretariatCode(t, a, st)
}

// pollAndLink runs the chat loop (long polling) until the test ends, and
// links the Telegram user with code, waiting for the greeting.
func pollAndLink(t *testing.T, a *app, st *store.Store, fake *tgfake.Server, tg *telegram.Bot, user int64, code string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	wait, err := startChat(ctx, a, st, nil, tg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		wait()
	})
	fake.PushMessage(user, user, "/start "+code)
	if _, err := fake.WaitSent(10*time.Second, "sendMessage", 1); err != nil {
		t.Fatal(err)
	}
}

// secretariatCode is a link code for the first secretariat officer.
func secretariatCode(t *testing.T, a *app, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	officers, err := st.Officers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var secretariat string
	for _, o := range officers {
		if o.Role == models.RoleSecretariat {
			secretariat = o.Code
			break
		}
	}
	code, err := st.CreateLinkCode(ctx, store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: secretariat, Now: a.cfg.Now})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// TestImportByChat: the secretariat sends an export as a document; dondoc
// downloads it, imports it with the importer and answers with the summary,
// the row errors and the full list as a CSV.
func TestImportByChat(t *testing.T) {
	a, st, fake, tg, code := secretariatChat(t)
	pollAndLink(t, a, st, fake, tg, 78, code)
	csv := "\ufeffNgày;Loại;Tên\n31/12/2026;nghỉ;Nghỉ thử\n30/02/2026;nghỉ;Ngày sai\n"
	fake.PushDocument(78, 78, "ngay-nghi.csv", "text/csv", []byte(csv))
	docs, err := fake.WaitSent(10*time.Second, "sendDocument", 1)
	if err != nil {
		for _, x := range fake.Sent() {
			t.Logf("%s %q", x.Method, x.Text)
		}
		t.Fatal(err)
	}
	reply := docs[0]
	for _, want := range []string{"Đã nhập", "thêm mới 1", "bị từ chối 1", "30/02/2026"} {
		if !strings.Contains(reply.Text, want) {
			t.Errorf("reply lacks %q: %q", want, reply.Text)
		}
	}
	if !strings.HasSuffix(reply.FileName, ".csv") || !strings.Contains(string(reply.FileData), "30/02/2026") {
		t.Errorf("error list %q: %q", reply.FileName, reply.FileData)
	}
	hs, err := st.Holidays(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range hs {
		found = found || h.Name == "Nghỉ thử"
	}
	if !found {
		t.Errorf("the good row was not stored: %v", hs)
	}
}

// waitText waits for a sent message containing want and returns it; the
// router's "đang xử lý" notice, which a slow -race run may add, is skipped.
func waitText(t *testing.T, fake *tgfake.Server, want string) tgfake.Sent {
	t.Helper()
	var got tgfake.Sent
	ok := fake.WaitFor(60*time.Second, func(st tgfake.State) bool {
		for _, x := range st.Sent {
			if strings.Contains(x.Text, want) {
				got = x
				return true
			}
		}
		return false
	})
	if !ok {
		for _, x := range fake.Sent() {
			t.Logf("%s %q", x.Method, x.Text)
		}
		t.Fatalf("no message containing %q", want)
	}
	return got
}

// TestImportByChatPacedLikeTheOutbox: on a strict Telegram (per-chat
// limits enforced with 429s), the answers to an import by chat — the
// notice, the summary, the error list — take their turns from the
// dispatcher's pacer: no 429 is dondoc's own doing.
func TestImportByChatPacedLikeTheOutbox(t *testing.T) {
	a, st, fake, tg, _ := chatAppWith(t, "", tgfake.Options{Limits: true})
	ctx := context.Background()
	code := secretariatCode(t, a, st)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	pacer := notify.NewPacer(deliveryLimits(map[string]notify.Channel{telegram.Platform: tg}), a.wall())
	wait, err := startChatOn(runCtx, a, st, nil, tg, chatOptions{pacer: pacer})
	if err != nil {
		t.Fatal(err)
	}
	defer wait()
	defer cancel()
	fake.PushMessage(79, 79, "/start "+code)
	if _, err := fake.WaitSent(10*time.Second, "sendMessage", 1); err != nil {
		t.Fatal(err)
	}
	csv := "\ufeffNgày;Loại;Tên\n31/12/2026;nghỉ;Nghỉ thử\n30/02/2026;nghỉ;Ngày sai\n"
	fake.PushDocument(79, 79, "ngay-nghi.csv", "text/csv", []byte(csv))
	fake.PushMessage(79, 79, "/help")
	if _, err := fake.WaitSent(30*time.Second, "sendDocument", 1); err != nil {
		t.Fatalf("%v; getUpdates %d, getFile %d, sendMessage %d, violations %d", err, fake.Calls("getUpdates"), fake.Calls("getFile"), fake.Calls("sendMessage"), fake.Violations())
	}
	waitText(t, fake, "/")
	if v := fake.Violations(); v != 0 {
		for _, x := range fake.Sent() {
			t.Logf("%s %q", x.Method, x.Text)
		}
		t.Fatalf("%d Telegram limit violations (429s dondoc caused)", v)
	}
	t.Logf("%d messages to one chat, 0 limit violations", len(fake.Sent()))
}
