// Package smtpfake is a tiny SMTP server on 127.0.0.1 for tests: it
// accepts mail (optionally after AUTH PLAIN with one user and password),
// records every message delivered, and answers chosen recipients with a
// chosen SMTP error (550 for an address that does not exist, 451 for a
// mailbox that is busy…), so that the real mail client is driven over the
// real wire protocol.
package smtpfake

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message the server accepted.
type Message struct {
	From string
	To   []string
	Data []byte // the raw message, headers and body, with CRLF line ends
}

// Server is a running SMTP sink. Close it at the end of the test.
type Server struct {
	srv  *smtp.Server
	ln   net.Listener
	pool *x509.CertPool // trusts the server's certificate
	user string
	pass string

	mu       sync.Mutex
	messages []Message
	rcptErr  map[string]*smtp.SMTPError // lower-cased address → answer to RCPT TO
	dataErr  *smtp.SMTPError
	arrived  chan struct{} // one value per accepted message
	authFail int           // failed AUTH attempts
}

// Options configure Start.
type Options struct {
	// User and Password, when User is set, are required (AUTH PLAIN)
	// before MAIL FROM.
	User, Password string
	// NoTLS: do not offer STARTTLS (a client that cannot be given the
	// sink's certificate, e.g. dondoc configured from the environment).
	NoTLS bool
}

// Start listens on 127.0.0.1 on a free port and serves until Close.
func Start(opt Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("smtpfake: %w", err)
	}
	s := &Server{ln: ln, user: opt.User, pass: opt.Password, rcptErr: map[string]*smtp.SMTPError{},
		arrived: make(chan struct{}, 1024)}
	cert, pool, err := selfSigned()
	if err != nil {
		ln.Close()
		return nil, err
	}
	s.pool = pool
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "smtp.fake.test"
	if !opt.NoTLS {
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	s.srv.AllowInsecureAuth = true // 127.0.0.1 only
	s.srv.MaxMessageBytes = 32 << 20
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Addr is host:port of the server.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is an SMTP_URL for the server ("smtp://user:pass@127.0.0.1:port").
func (s *Server) URL() string {
	if s.user == "" {
		return "smtp://" + s.Addr()
	}
	return "smtp://" + s.user + ":" + s.pass + "@" + s.Addr()
}

// ClientTLS is a TLS configuration that trusts the server's self-signed
// certificate (STARTTLS is offered, as real submission servers do).
func (s *Server) ClientTLS() *tls.Config {
	return &tls.Config{RootCAs: s.pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// selfSigned makes a certificate for 127.0.0.1 valid for a day around
// the real time (TLS checks it against the real clock).
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("smtpfake: %w", err)
	}
	start := time.Unix(0, 0)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smtp.fake.test"},
		NotBefore: start, NotAfter: start.AddDate(200, 0, 0), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("smtpfake: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("smtpfake: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// RejectRcpt makes RCPT TO addr answer code (e.g. 550 "no such user", 452
// "mailbox full"); code 0 accepts it again.
func (s *Server) RejectRcpt(addr string, code int, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(addr)
	if code == 0 {
		delete(s.rcptErr, key)
		return
	}
	s.rcptErr[key] = &smtp.SMTPError{Code: code, EnhancedCode: enhanced(code), Message: message}
}

// RejectData makes the end of DATA answer code (0: accept).
func (s *Server) RejectData(code int, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dataErr = nil
	if code != 0 {
		s.dataErr = &smtp.SMTPError{Code: code, EnhancedCode: enhanced(code), Message: message}
	}
}

func enhanced(code int) smtp.EnhancedCode {
	return smtp.EnhancedCode{code / 100, 0, 0}
}

// Messages returns the accepted messages, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Arrived receives one value per accepted message (wait on it instead of
// sleeping).
func (s *Server) Arrived() <-chan struct{} { return s.arrived }

// AuthFailures counts refused AUTH attempts.
func (s *Server) AuthFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authFail
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &session{s: s, authed: s.user == ""}, nil
}

type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

var errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.s.user || pass != ss.s.pass {
			ss.s.mu.Lock()
			ss.s.authFail++
			ss.s.mu.Unlock()
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if !ss.authed {
		return errAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !ss.authed {
		return errAuthRequired
	}
	ss.s.mu.Lock()
	e := ss.s.rcptErr[strings.ToLower(to)]
	ss.s.mu.Unlock()
	if e != nil {
		return e
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return err
	}
	if len(ss.to) == 0 {
		return errors.New("smtpfake: no recipient")
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.dataErr != nil {
		return ss.s.dataErr
	}
	ss.s.messages = append(ss.s.messages, Message{From: ss.from, To: append([]string(nil), ss.to...), Data: b.Bytes()})
	select {
	case ss.s.arrived <- struct{}{}:
	default:
	}
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }
