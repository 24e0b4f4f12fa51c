package app

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/internal/zalofake"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

var uploadURLRE = regexp.MustCompile(`https://dondoc\.example\.gov\.vn(/tai-len/[A-Za-z0-9_-]{32})`)

// TestServeUploadByLinkOnZalo: dondoc serve with a Zalo bot (which never
// receives files) and PUBLIC_URL. The secretariat links on Zalo, asks
// /tailen, opens the link, uploads a holidays CSV; the page shows the
// summary, the summary arrives in the Zalo chat through the outbox, and
// the link then refuses itself (403, nothing imported). An officer asking
// /tailen is refused.
func TestServeUploadByLinkOnZalo(t *testing.T) {
	env, _ := demoDB(t)
	fake := zalofake.New(zalofake.Options{})
	t.Cleanup(fake.Close)
	env["HTTP_ADDR"], env["PUBLIC_URL"] = "127.0.0.1:0", "https://dondoc.example.gov.vn"
	env["ZALO_BOT_TOKEN"], env["ZALO_API_BASE"] = fake.Token(), fake.BaseURL()

	ctx := context.Background()
	st, err := store.Open(ctx, env["DATABASE_URL"], nil)
	if err != nil {
		t.Fatal(err)
	}
	officers, err := st.Officers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var secretariat, officer string
	for _, o := range officers {
		if o.Active && o.Role == models.RoleSecretariat && secretariat == "" {
			secretariat = o.Code
		}
		if o.Active && o.Role == models.RoleOfficer && officer == "" {
			officer = o.Code
		}
	}
	now, _ := time.Parse(time.RFC3339, env["DONDOC_NOW"])
	codes := map[string]string{}
	for _, c := range []string{secretariat, officer} {
		if codes[c], err = st.CreateLinkCode(ctx, store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: c, Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	holidaysBefore, err := st.Holidays(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	var errb bytes.Buffer
	base, stop := serveInTest(t, ctx, env, &errb, 30*time.Second)
	t.Cleanup(func() {
		if _, stopped := stop(); !stopped {
			t.Error("serve did not stop")
		}
	})

	// The jobs run too (the morning digest caught up at 10:00 goes to the
	// accounts just linked): wait for the message to a chat that says want.
	used := map[string]bool{}
	wait := func(chat, want string) zalofake.Sent {
		t.Helper()
		var got zalofake.Sent
		ok := fake.WaitFor(20*time.Second, func(st zalofake.State) bool {
			for _, s := range st.Sent {
				if s.Method == "sendMessage" && s.ChatID == chat && strings.Contains(s.Text, want) && !used[s.MessageID] {
					got = s
					return true
				}
			}
			return false
		})
		if !ok {
			t.Fatalf("no message to %s saying %q; sent: %+v", chat, want, fake.SentBy("sendMessage"))
		}
		used[got.MessageID] = true
		return got
	}
	say := func(user, text, want string) string {
		t.Helper()
		fake.PushText(user, text)
		return wait(user, want).Text
	}
	say("zs", codes[secretariat], "Xin chào")
	say("zo", codes[officer], "Xin chào")
	if r := say("zo", "/tailen", "/tailen"); !strings.Contains(r, "không dành cho vai trò") || uploadURLRE.MatchString(r) {
		t.Errorf("officer /tailen: %q", r)
	}
	r := say("zs", "tải lên", "tai-len")
	m := uploadURLRE.FindStringSubmatch(r)
	if m == nil || strings.Contains(r, "<") {
		t.Fatalf("secretariat /tailen on Zalo (plain text with a link): %q", r)
	}
	link := base + m[1]

	res, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(page), `type="file"`) {
		t.Fatalf("GET the link: %d %.300s", res.StatusCode, page)
	}

	post := func(csv string) (int, string) {
		t.Helper()
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		_ = mw.WriteField("kind", "holidays")
		w, _ := mw.CreateFormFile("file", "ngay-nghi.csv")
		_, _ = io.WriteString(w, csv)
		_ = mw.Close()
		res, err := http.Post(link, mw.FormDataContentType(), &b)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	code, body := post("Ngày,Loại,Tên\n30/12/2026,nghỉ,Nghỉ thử một\n31/12/2026,nghỉ,Nghỉ thử hai\n")
	if code != http.StatusOK || !strings.Contains(body, "Đã nhập ngay-nghi.csv (ngày nghỉ): thêm mới 2") {
		t.Fatalf("POST: %d %.600s", code, body)
	}

	// The summary arrives in the secretariat's Zalo chat (the dispatcher
	// sends the outbox).
	summary := wait("zs", "Đã nhập")
	if !strings.Contains(summary.Text, "Đã nhập ngay-nghi.csv (ngày nghỉ): thêm mới 2, cập nhật 0, không đổi 0, bị từ chối 0") {
		t.Errorf("summary in the chat: %q", summary.Text)
	}

	if code, body := post("Ngày,Loại,Tên\n25/12/2026,nghỉ,Không được nhập\n"); code != http.StatusForbidden || !strings.Contains(body, "đã được dùng") {
		t.Errorf("reused link: %d %.300s", code, body)
	}
	st, err = store.Open(ctx, env["DATABASE_URL"], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hs, err := st.Holidays(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != len(holidaysBefore)+2 {
		t.Errorf("%d holidays, want %d: the upload imports once", len(hs), len(holidaysBefore)+2)
	}
}
