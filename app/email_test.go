package app

import (
	"context"
	"mime"
	"net/mail"
	"strings"
	"testing"

	"github.com/dondoc/dondoc/internal/smtpfake"
	"github.com/dondoc/dondoc/store"
)

// With only SMTP_URL configured, dondoc remind sends each officer with
// open dossiers and an official address the day's digest by e-mail, once:
// a second run sends nothing more.
func TestRemindByEmail(t *testing.T) {
	env, _ := demoDB(t)
	sink, err := smtpfake.Start(smtpfake.Options{NoTLS: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	env["SMTP_URL"], env["MAIL_FROM"] = sink.URL(), "Văn phòng UBND <vanphong@example.gov.vn>"
	code, out, errs := runWith(t, env, "remind", "--date", "2026-11-27", "--wait", "1m")
	if code != 0 {
		t.Fatalf("remind: code %d\n%s\n%s", code, out, errs)
	}
	got := sink.Messages()
	if len(got) == 0 {
		t.Fatalf("no mail sent:\n%s", out)
	}
	st, err := store.Open(context.Background(), env["DATABASE_URL"], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	officers, err := st.Officers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byAddr := map[string]string{}
	for _, o := range officers {
		byAddr[strings.ToLower(o.Email)] = o.Name
	}
	seen := map[string]bool{}
	for _, m := range got {
		to := strings.ToLower(m.To[0])
		name, ok := byAddr[to]
		if !ok || seen[to] {
			t.Fatalf("mail to %s: not an officer's address, or a second digest", to)
		}
		seen[to] = true
		msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if !strings.Contains(subject, "Chào anh/chị") || !strings.HasPrefix(msg.Header.Get("Content-Type"), "multipart/alternative") {
			t.Errorf("mail to %s (%s): subject %q, type %q", to, name, subject, msg.Header.Get("Content-Type"))
		}
	}
	if code, out, errs := runWith(t, env, "remind", "--date", "2026-11-27", "--wait", "1m"); code != 0 || len(sink.Messages()) != len(got) {
		t.Fatalf("second remind: code %d, %d mails after %d\n%s\n%s", code, len(sink.Messages()), len(got), out, errs)
	}
	t.Logf("%d digests by e-mail", len(got))
}
