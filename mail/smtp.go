package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Config is where and how messages are sent, from serve --smtp-url.
type Config struct {
	Host     string
	Port     int
	Username string // "" for no SMTP AUTH
	Password string
	// TLS is "starttls" (smtp://: STARTTLS when the server offers it),
	// "implicit" (smtps://: TLS from the first byte) or "none"
	// (smtp+insecure://: loopback test servers only).
	TLS  string
	From string // the From of every message: "Name <address>" or an address
	// Timeout of connecting and of each command (30 s).
	Timeout time.Duration
	// tlsConfig replaces the system's roots (tests trust their own
	// certificate).
	tlsConfig *tls.Config
}

// The URL forms, for messages.
const urlForms = "smtp://USER:PASSWORD@HOST:587?from=ADDRESS (STARTTLS when offered), smtps://USER:PASSWORD@HOST:465?from=ADDRESS (implicit TLS), or smtp+insecure://127.0.0.1:PORT?from=ADDRESS (a loopback test server)"

// ParseURL reads an SMTP URL: smtp://user:pass@host:587?from=... (STARTTLS
// when the server offers it), smtps://user:pass@host:465?from=... (implicit
// TLS) or smtp+insecure://127.0.0.1:1025?from=... (no TLS, loopback only).
// password is used when the URL has none (DATELINE_SMTP_PASSWORD). Errors
// are one sentence for a person, without the password.
func ParseURL(raw, password string) (Config, error) {
	var c Config
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.Opaque != "" {
		return c, fmt.Errorf("the SMTP URL cannot be read: use %s", urlForms)
	}
	switch u.Scheme {
	case "smtp":
		c.TLS, c.Port = "starttls", 587
	case "smtps":
		c.TLS, c.Port = "implicit", 465
	case "smtp+insecure":
		c.TLS, c.Port = "none", 25
	default:
		return c, fmt.Errorf("the SMTP URL's scheme %q is not one of smtp, smtps and smtp+insecure: use %s", u.Scheme, urlForms)
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return c, fmt.Errorf("the SMTP URL names no server: use %s", urlForms)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return c, fmt.Errorf("the SMTP URL's port %q is not a number from 1 to 65535", p)
		}
		c.Port = n
	}
	if c.TLS == "none" && !loopback(c.Host) {
		return c, fmt.Errorf("smtp+insecure:// sends passwords and messages in the clear, so only to a loopback server (127.0.0.1, ::1, localhost), not %s: use smtp:// or smtps://", c.Host)
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if c.Password == "" {
		c.Password = password
	}
	if c.Password != "" && c.Username == "" {
		return c, fmt.Errorf("the SMTP URL has a password but no user name: smtp://USER:PASSWORD@HOST")
	}
	q := u.Query()
	for k := range q {
		if k != "from" {
			return c, fmt.Errorf("the SMTP URL has an unknown parameter %q; the only one is from=ADDRESS", k)
		}
	}
	c.From = strings.TrimSpace(q.Get("from"))
	if c.From == "" {
		return c, fmt.Errorf("the SMTP URL needs the sender's address: ?from=news@example.org")
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return c, fmt.Errorf("the SMTP URL's from=%q is not an email address", c.From)
	}
	return c, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// String is the URL without its password, for logs.
func (c Config) String() string {
	scheme := map[string]string{"starttls": "smtp", "implicit": "smtps", "none": "smtp+insecure"}[c.TLS]
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), RawQuery: url.Values{"from": {c.From}}.Encode()}
	if c.Username != "" {
		u.User = url.User(c.Username)
	}
	return u.String()
}

// Domain is the domain of the From address, for Message-IDs.
func (c Config) Domain() string {
	a, err := mail.ParseAddress(c.From)
	if err != nil {
		return ""
	}
	_, d, _ := strings.Cut(a.Address, "@")
	return d
}

// client makes a go-mail client for the configuration.
func (c Config) client() (*gomail.Client, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	opts := []gomail.Option{gomail.WithPort(c.Port), gomail.WithTimeout(timeout), gomail.WithHELO("dateline")}
	switch c.TLS {
	case "implicit":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if c.tlsConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(c.tlsConfig))
	}
	if c.Username != "" {
		auth := gomail.SMTPAuthAutoDiscover
		if c.TLS == "none" {
			auth = gomail.SMTPAuthPlainNoEnc // loopback only (ParseURL)
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(c.Username), gomail.WithPassword(c.Password))
	}
	return gomail.NewClient(c.Host, opts...)
}

// Conn is a connection to the SMTP server that sends messages one after
// another.
type Conn struct {
	cfg Config
	c   *gomail.Client
}

// Dial connects to the server (TLS and AUTH as configured).
func Dial(ctx context.Context, cfg Config) (*Conn, error) {
	c, err := cfg.client()
	if err != nil {
		return nil, &Error{Temporary: false, Text: err.Error()}
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, classify(err)
	}
	return &Conn{cfg: cfg, c: c}, nil
}

// Send sends one message and returns the server's answer to it.
func (c *Conn) Send(m *Message) (string, error) {
	g, err := m.msg(c.cfg.From)
	if err != nil {
		return "", &Error{Text: err.Error()}
	}
	if err := c.c.Send(g); err != nil {
		if se := g.SendError(); se != nil {
			err = se
		}
		return "", classify(err)
	}
	return g.ServerResponse(), nil
}

// Close says QUIT and closes the connection.
func (c *Conn) Close() error { return c.c.Close() }

// Error is a failure to send, temporary (a 4xx answer, a connection that
// failed or broke: try again later) or not (a 5xx answer, a message that
// cannot be made).
type Error struct {
	Temporary bool
	Code      int // the SMTP reply code, 0 when the server gave none
	Text      string
}

func (e *Error) Error() string { return e.Text }

// classify tells a temporary failure from a permanent one: a 5xx reply is
// permanent, anything else (4xx, no connection, a broken one) temporary.
func classify(err error) *Error {
	e := &Error{Temporary: true, Text: err.Error()}
	var se *gomail.SendError
	if errors.As(err, &se) {
		e.Code = se.ErrorCode()
	}
	if e.Code >= 500 {
		e.Temporary = false
	}
	return e
}

// Send sends one message on a connection of its own (mail test).
func Send(ctx context.Context, cfg Config, m *Message) (string, error) {
	c, err := Dial(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer c.Close()
	return c.Send(m)
}
