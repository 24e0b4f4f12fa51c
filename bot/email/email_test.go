package email_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot/email"
	"github.com/dondoc/dondoc/digest"
	"github.com/dondoc/dondoc/internal/golden"
	"github.com/dondoc/dondoc/internal/smtpfake"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

var ict = time.FixedZone("ICT", 7*3600)

var now = time.Date(2026, 11, 27, 7, 30, 0, 0, ict)

// digestMessage is a morning digest rendered for e-mail, as the digest
// job renders it (the platform's Format and MaxText).
func digestMessage(t *testing.T, to string) notify.Message {
	t.Helper()
	day := models.DateOf(now, ict)
	due := func(d int) time.Time { return time.Date(2026, 11, 27+d, 17, 0, 0, 0, ict) }
	dg := digest.Digest{OfficerCode: "CB001", Day: day,
		Overdue: []digest.Item{{Code: "H37.12-261102-0001", ProcedureName: "Cấp giấy phép xây dựng nhà ở riêng lẻ",
			ApplicantName: "Trần Thị Bình", DueAt: due(-17),
			Class: models.Classification{Class: models.ClassOverdue, Deadline: due(-17), WorkingDaysOverdue: 13}}},
		DueToday: []digest.Item{{Code: "H37.12-261120-0007", ProcedureName: "Đăng ký khai sinh & nhận cha, mẹ, con",
			ApplicantName: "Lê Văn Cường", DueAt: due(0),
			Class: models.Classification{Class: models.ClassDueToday, Deadline: due(0)}}},
	}
	p := email.Description()
	text := digest.RenderDigest(dg, digest.RenderOptions{Format: p.Format, MaxLen: p.MaxText, Location: ict,
		OfficerName: "Nguyễn Văn An", ShowApplicant: true})
	return notify.Message{Key: digest.DigestKey("CB001", day) + "/email", Platform: email.Platform, ChatID: to,
		Text: text, Format: p.Format}
}

func newMailer(t *testing.T, sink *smtpfake.Server, url string, log *slog.Logger) *email.Mailer {
	t.Helper()
	m, err := email.New(email.Config{URL: url, From: "Văn phòng UBND huyện Cẩm Hòa <vanphong@camhoa.gov.vn>",
		Now: func() time.Time { return now }, Logger: log, Timeout: 5 * time.Second, TLSConfig: sink.ClientTLS()})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func startSink(t *testing.T, opt smtpfake.Options) *smtpfake.Server {
	t.Helper()
	s, err := smtpfake.Start(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// part is one decoded part of a received mail.
type part struct {
	ctype string
	body  string
}

// parse reads a received mail: its decoded subject and its
// multipart/alternative parts, decoded.
func parse(t *testing.T, raw []byte) (*mail.Message, string, []part) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	var parts []part
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			r = quotedprintable.NewReader(p)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		parts = append(parts, part{ctype: ct, body: string(b)})
	}
	return msg, subject, parts
}

// A digest sent by e-mail arrives as one multipart/alternative mail to
// the officer's address: a plain-text part without markup and an HTML
// part, both in correct Vietnamese, with the subject encoded for mail.
func TestDigestMailArrivesWithBothParts(t *testing.T) {
	sink := startSink(t, smtpfake.Options{User: "vanphong", Password: "mật-khẩu 1"})
	m := newMailer(t, sink, strings.Replace(sink.URL(), "mật-khẩu 1", "m%E1%BA%ADt-kh%E1%BA%A9u%201", 1), nil)
	msg := digestMessage(t, "an.nv@camhoa.gov.vn")
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	<-sink.Arrived()
	got := sink.Messages()
	if len(got) != 1 || len(got[0].To) != 1 || got[0].To[0] != "an.nv@camhoa.gov.vn" || got[0].From != "vanphong@camhoa.gov.vn" {
		t.Fatalf("envelope %+v", got)
	}
	hdr, subject, parts := parse(t, got[0].Data)
	if !strings.HasPrefix(subject, "Chào anh/chị Nguyễn Văn An, hôm nay thứ Sáu 27/11/2026") {
		t.Errorf("subject %q", subject)
	}
	if raw := hdr.Header.Get("Subject"); !strings.HasPrefix(raw, "=?UTF-8?") {
		t.Errorf("subject not MIME-encoded: %q", raw)
	}
	from, err := hdr.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Văn phòng UBND huyện Cẩm Hòa" {
		t.Errorf("From %v %v", from, err)
	}
	if d, err := hdr.Header.Date(); err != nil || !d.Equal(now) {
		t.Errorf("Date %v %v", d, err)
	}
	if len(parts) != 2 || parts[0].ctype != "text/plain" || parts[1].ctype != "text/html" {
		t.Fatalf("parts %+v", parts)
	}
	plain, html := parts[0].body, parts[1].body
	for _, want := range []string{"H37.12-261102-0001", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Đăng ký khai sinh & nhận cha, mẹ, con", "Quá hạn"} {
		if !strings.Contains(plain, want) {
			t.Errorf("plain part lacks %q:\n%s", want, plain)
		}
	}
	if strings.ContainsAny(plain, "<>") || strings.Contains(plain, "&amp;") {
		t.Errorf("markup in the plain part:\n%s", plain)
	}
	for _, want := range []string{`<html lang="vi">`, "<b>Quá hạn</b>", "<code>H37.12-261102-0001</code>", "khai sinh &amp; nhận"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, html)
		}
	}
	if mid := hdr.Header.Get("Message-Id"); mid == "" || !strings.HasSuffix(mid, "@camhoa.gov.vn>") {
		t.Errorf("Message-Id %q", mid)
	}
}

// The rendered mail (subject, plain text, HTML) of a digest.
func TestDigestMailGolden(t *testing.T) {
	r := email.Render(digestMessage(t, "an.nv@camhoa.gov.vn"))
	golden.Text(t, "testdata/digest_mail.golden",
		"Subject: "+r.Subject+"\n\n--- text/plain\n"+r.Text+"\n--- text/html\n"+r.HTML)
}

// A 5xx to RCPT TO or to the message is permanent for that address; a 4xx
// and a connection failure are retried; a refused login is dondoc's
// configuration (retried, logged as an error, the password never shown).
func TestErrorClasses(t *testing.T) {
	sink := startSink(t, smtpfake.Options{User: "vanphong", Password: "s3cret-pass"})
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	m := newMailer(t, sink, sink.URL(), log)
	sink.RejectRcpt("khong-ton-tai@camhoa.gov.vn", 550, "No such user")
	sink.RejectRcpt("day@camhoa.gov.vn", 452, "Mailbox full, try later")
	ctx := context.Background()
	class := func(to string, m *email.Mailer) (notify.Class, error) {
		err := m.Send(ctx, digestMessage(t, to))
		if err == nil {
			return -1, nil
		}
		var se *notify.SendError
		if !errors.As(err, &se) {
			t.Fatalf("%s: %v is not a *notify.SendError", to, err)
		}
		return se.Class, err
	}
	if c, err := class("khong-ton-tai@camhoa.gov.vn", m); c != notify.Permanent || !strings.Contains(err.Error(), "550") {
		t.Errorf("550: class %v (%v), want permanent", c, err)
	}
	if c, err := class("day@camhoa.gov.vn", m); c != notify.Retryable {
		t.Errorf("452: class %v (%v), want retryable", c, err)
	}
	sink.RejectData(554, "Message rejected as spam")
	if c, err := class("an.nv@camhoa.gov.vn", m); c != notify.Permanent {
		t.Errorf("554 after DATA: class %v (%v), want permanent", c, err)
	}
	sink.RejectData(451, "Local error in processing")
	if c, err := class("an.nv@camhoa.gov.vn", m); c != notify.Retryable {
		t.Errorf("451 after DATA: class %v (%v), want retryable", c, err)
	}
	sink.RejectData(0, "")
	if c, err := class("not an address", m); c != notify.Permanent {
		t.Errorf("bad address: class %v (%v), want permanent", c, err)
	}
	if len(sink.Messages()) != 0 {
		t.Errorf("%d messages accepted", len(sink.Messages()))
	}

	wrong := newMailer(t, sink, strings.Replace(sink.URL(), "s3cret-pass", "wrong-pass", 1), log)
	c, err := class("an.nv@camhoa.gov.vn", wrong)
	if c != notify.Retryable || sink.AuthFailures() == 0 {
		t.Errorf("wrong password: class %v (%v), auth failures %d; want retryable", c, err, sink.AuthFailures())
	}
	if !strings.Contains(logs.String(), "check SMTP_URL") {
		t.Errorf("no error log for the refused login:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "wrong-pass") || strings.Contains(err.Error(), "wrong-pass") {
		t.Errorf("the password reached a log or an error")
	}

	sink.Close()
	if c, err := class("an.nv@camhoa.gov.vn", m); c != notify.Retryable {
		t.Errorf("server down: class %v (%v), want retryable", c, err)
	}
}

// A bad SMTP_URL is refused without repeating the password.
func TestConfigErrorsHideThePassword(t *testing.T) {
	for _, url := range []string{"smtp://u:top-secret@[::1", "ftp://u:top-secret@host:21", "smtp://u:top-secret@:25"} {
		_, err := email.New(email.Config{URL: url, From: "a@b.vn", Now: func() time.Time { return now }})
		if err == nil || strings.Contains(err.Error(), "top-secret") {
			t.Errorf("%s: %v", url, err)
		}
	}
	if _, err := email.New(email.Config{URL: "smtps://mail.example.vn", From: "không phải địa chỉ", Now: time.Now}); err == nil {
		t.Error("a bad MAIL_FROM was accepted")
	}
}

// The reason a refused address records (shown to the secretariat) names
// the server's answer.
func TestRefusalReason(t *testing.T) {
	sink := startSink(t, smtpfake.Options{})
	m := newMailer(t, sink, sink.URL(), nil)
	sink.RejectRcpt("x@camhoa.gov.vn", 550, "No such user")
	err := m.Send(context.Background(), digestMessage(t, "x@camhoa.gov.vn"))
	var se *notify.SendError
	if !errors.As(err, &se) || !strings.HasPrefix(se.Reason, "máy chủ thư từ chối: ") || !strings.Contains(se.Reason, "No such user") {
		t.Errorf("reason %q", se.Reason)
	}
	t.Log(se.Reason)
}
