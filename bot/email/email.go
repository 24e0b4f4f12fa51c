// Package email is the e-mail channel of dondoc: it sends a notify.Message
// (the morning digest, a secretariat note, an escalation) to an officer's
// official address as one multipart/alternative mail, plain text and HTML,
// over SMTP (SMTP_URL, MAIL_FROM). It implements notify.Channel and
// notify.Describer; it receives nothing.
//
// The message's ChatID is the recipient's address. Failures are classified
// for the dispatcher: a 5xx answer to RCPT TO or to the message is
// Permanent (that address cannot be reached: its link is marked inactive);
// 4xx answers, connection and TLS errors are Retryable; a 5xx to AUTH or
// MAIL FROM is dondoc's own configuration (wrong password, sender refused),
// Retryable so that no officer's address is blamed, and logged as an error.
// The SMTP password never reaches a log or an error.
package email

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// Platform is the platform name in notify.Message and chat accounts.
const Platform = "email"

// MaxText is the longest text of one mail: long enough for a whole digest
// (the digest renderer cuts its lists to fit).
const MaxText = 100_000

// Config configures a Mailer.
type Config struct {
	// URL is SMTP_URL: smtp://user:pass@host:port (STARTTLS when the
	// server offers it, port 587 by default) or smtps://user:pass@host:port
	// (TLS from the start, port 465 by default). User and password are
	// optional; both are percent-encoded in the URL.
	URL string
	// From is MAIL_FROM, e.g. "Văn phòng UBND huyện <vanphong@example.gov.vn>".
	From    string
	Logger  *slog.Logger
	Now     func() time.Time // the Date header; required
	Timeout time.Duration    // one send, default 30 s
	// TLSConfig overrides the TLS settings (tests); default: verify the
	// server's certificate for the URL's host.
	TLSConfig *tls.Config
}

// Mailer sends mail through one SMTP server.
type Mailer struct {
	cfg    Config
	from   *mail.Address
	host   string
	port   int
	ssl    bool
	user   string
	pass   string
	log    *slog.Logger
	domain string // the sender's domain, for Message-IDs
}

var (
	_ notify.Channel   = (*Mailer)(nil)
	_ notify.Describer = (*Mailer)(nil)
)

// New checks the configuration; it does not connect (the first Send does).
func New(cfg Config) (*Mailer, error) {
	if strings.TrimSpace(cfg.URL) == "" {
		return nil, errors.New("email: SMTP_URL is empty")
	}
	if cfg.Now == nil {
		return nil, errors.New("email: Config.Now is required")
	}
	u, err := url.Parse(cfg.URL)
	if err != nil {
		// url's error repeats the URL, password included: never show it.
		return nil, errors.New("email: SMTP_URL is not a URL like smtp://user:pass@host:587")
	}
	m := &Mailer{cfg: cfg, host: u.Hostname(), log: cfg.Logger}
	switch u.Scheme {
	case "smtp":
		m.port = 587
	case "smtps":
		m.port, m.ssl = 465, true
	default:
		return nil, fmt.Errorf("email: SMTP_URL scheme %q must be smtp or smtps", u.Scheme)
	}
	if m.host == "" {
		return nil, errors.New("email: SMTP_URL has no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("email: SMTP_URL port %q is not a port", p)
		}
		m.port = n
	}
	if u.User != nil {
		m.user = u.User.Username()
		m.pass, _ = u.User.Password()
	}
	if strings.TrimSpace(cfg.From) == "" {
		return nil, errors.New("email: MAIL_FROM is empty (e.g. \"Văn phòng UBND <vanphong@example.gov.vn>\")")
	}
	m.from, err = mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("email: MAIL_FROM %q is not an address: %w", cfg.From, err)
	}
	if _, d, ok := strings.Cut(m.from.Address, "@"); ok {
		m.domain = d
	}
	if cfg.Timeout <= 0 {
		m.cfg.Timeout = 30 * time.Second
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	m.log = m.log.With("platform", Platform)
	return m, nil
}

// RatePerSecond is the pace of mails: a submission server accepts a
// district's digests in a minute at this rate without flagging a burst.
const RatePerSecond = 5

// Description is what e-mail offers: an HTML and a plain-text part, a
// long text, attachments; no buttons, no groups, no linking in chat; at
// most RatePerSecond mails a second.
func Description() notify.Platform {
	return notify.Platform{Name: Platform, Label: "thư điện tử", Format: notify.FormatHTML, MaxText: MaxText,
		Files: true, Photos: true,
		Limits: notify.Limits{PerSecond: RatePerSecond, Burst: RatePerSecond, IsGroup: func(string) bool { return false }}}
}

// Describe implements notify.Describer.
func (m *Mailer) Describe() notify.Platform { return Description() }

// Platform implements notify.Channel.
func (m *Mailer) Platform() string { return Platform }

// Server is host:port of the SMTP server (for logs; no credentials).
func (m *Mailer) Server() string { return net.JoinHostPort(m.host, strconv.Itoa(m.port)) }

// Send implements notify.Channel: one mail to msg.ChatID, one attempt,
// the failure classified as a *notify.SendError.
func (m *Mailer) Send(ctx context.Context, msg notify.Message) error {
	to, err := mail.ParseAddress(msg.ChatID)
	if err != nil {
		return &notify.SendError{Class: notify.Permanent, Reason: "không phải địa chỉ thư điện tử", Err: err}
	}
	gm, err := m.compose(msg, to.Address)
	if err != nil {
		return &notify.SendError{Class: notify.Permanent, Reason: "compose", Err: err}
	}
	c, err := m.client()
	if err != nil {
		return &notify.SendError{Class: notify.Retryable, Reason: "smtp client", Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	if err := c.DialAndSendWithContext(ctx, gm); err != nil {
		se := Classify(err)
		if se.Class == notify.Retryable && se.Reason == reasonConfig {
			m.log.Error("email: the SMTP server refused dondoc's login or sender; check SMTP_URL and MAIL_FROM",
				"server", m.Server(), "err", se.Err)
		}
		return se
	}
	return nil
}

// client is a go-mail client for one send.
func (m *Mailer) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(m.port), gomail.WithTimeout(m.cfg.Timeout),
		gomail.WithHELO(helo(m.domain))}
	tc := m.cfg.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: m.host, MinVersion: tls.VersionTLS12}
	}
	opts = append(opts, gomail.WithTLSConfig(tc))
	if m.ssl {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic)) // on the configured port, no fallback to 25
	}
	if m.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(m.user), gomail.WithPassword(m.pass))
	}
	return gomail.NewClient(m.host, opts...)
}

func helo(domain string) string {
	if domain == "" {
		return "localhost"
	}
	return domain
}

// compose builds the mail of msg to addr.
func (m *Mailer) compose(msg notify.Message, addr string) (*gomail.Msg, error) {
	r := Render(msg)
	gm := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithCharset(gomail.CharsetUTF8),
		gomail.WithEncoding(gomail.EncodingQP))
	if err := gm.FromFormat(m.from.Name, m.from.Address); err != nil {
		return nil, err
	}
	if err := gm.To(addr); err != nil {
		return nil, err
	}
	gm.Subject(r.Subject)
	gm.SetDateWithValue(m.cfg.Now())
	if msg.Key != "" {
		// The same outbox entry sent twice (a retry after a lost answer)
		// has the same Message-ID: mail clients show it once.
		sum := sha256.Sum256([]byte(msg.Key))
		gm.SetMessageIDWithValue(hex.EncodeToString(sum[:12]) + "@" + helo(m.domain))
	} else {
		gm.SetMessageID()
	}
	gm.SetGenHeader(gomail.HeaderXMailer, "dondoc")
	if msg.Silent {
		gm.SetGenHeader(gomail.HeaderPriority, "non-urgent")
	}
	gm.SetBodyString(gomail.TypeTextPlain, r.Text)
	gm.AddAlternativeString(gomail.TypeTextHTML, r.HTML)
	for _, f := range []*notify.File{msg.Document, msg.Photo} {
		if f == nil {
			continue
		}
		var opts []gomail.FileOption
		if f.MIME != "" {
			opts = append(opts, gomail.WithFileContentType(gomail.ContentType(f.MIME)))
		}
		if err := gm.AttachReader(f.Name, strings.NewReader(string(f.Data)), opts...); err != nil {
			return nil, err
		}
	}
	return gm, nil
}

// reasonConfig marks a refusal of dondoc's own login or sender.
const reasonConfig = "SMTP server refused dondoc's login or sender"

// Classify turns an error of go-mail into a *notify.SendError.
func Classify(err error) *notify.SendError {
	if se, ok := notify.AsSendError(err); ok {
		return se
	}
	var ge *gomail.SendError
	if errors.As(err, &ge) {
		reason := models.Clip(ge.Error(), 200)
		if ge.IsTemp() || ge.ErrorCode()/100 == 4 {
			return &notify.SendError{Class: notify.Retryable, Reason: "temporary: " + reason, Err: err}
		}
		switch ge.Reason {
		case gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
			if ge.ErrorCode()/100 == 5 {
				// The reason reaches the secretariat's note: Vietnamese,
				// with the server's code.
				return &notify.SendError{Class: notify.Permanent, Reason: "máy chủ thư từ chối: " + reason, Err: err}
			}
		case gomail.ErrSMTPMailFrom:
			if ge.ErrorCode()/100 == 5 {
				return &notify.SendError{Class: notify.Retryable, Reason: reasonConfig, Err: err}
			}
		}
		return &notify.SendError{Class: notify.Retryable, Reason: reason, Err: err}
	}
	// Dial, TLS and AUTH failures come wrapped as "dial failed: …". An
	// AUTH refusal (535) is dondoc's configuration, not the address.
	msg := err.Error()
	if strings.Contains(msg, "535") || strings.Contains(strings.ToLower(msg), "auth") {
		return &notify.SendError{Class: notify.Retryable, Reason: reasonConfig, Err: err}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		return &notify.SendError{Class: notify.Retryable, Reason: "timeout", Err: err}
	}
	return &notify.SendError{Class: notify.Retryable, Reason: "connection", Err: err}
}
