package mail

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
)

func TestParseURL(t *testing.T) {
	good := []struct {
		raw, env string
		want     Config
	}{
		{"smtp://news:s3cret@mail.example.org?from=news@example.org", "",
			Config{Host: "mail.example.org", Port: 587, Username: "news", Password: "s3cret", TLS: "starttls", From: "news@example.org"}},
		{"smtps://news@mail.example.org:2465?from=Dateline+%3Cnews@example.org%3E", "from-env",
			Config{Host: "mail.example.org", Port: 2465, Username: "news", Password: "from-env", TLS: "implicit", From: "Dateline <news@example.org>"}},
		{"smtp+insecure://127.0.0.1:1025?from=t@example.org", "",
			Config{Host: "127.0.0.1", Port: 1025, TLS: "none", From: "t@example.org"}},
		{"smtp+insecure://[::1]:1025?from=t@example.org", "", Config{Host: "::1", Port: 1025, TLS: "none", From: "t@example.org"}},
	}
	for _, g := range good {
		got, err := ParseURL(g.raw, g.env)
		if err != nil || got != g.want {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", g.raw, got, err, g.want)
		}
	}
	bad := map[string]string{
		"":                                                      "cannot be read",
		"mail.example.org":                                      "cannot be read",
		"http://mail.example.org?from=a@b.c":                    "scheme",
		"smtp://mail.example.org":                               "from=",
		"smtp://mail.example.org?from=nobody":                   "not an email address",
		"smtp://mail.example.org:0?from=a@b.c":                  "port",
		"smtp://mail.example.org:x?from=a@b.c":                  "cannot be read",
		"smtp+insecure://mail.example.org:25?from=a@b.c":        "loopback",
		"smtp://:pw@mail.example.org?from=a@b.c":                "no user name",
		"smtp://u:topsecret@mail.example.org?from=a@b.c&tls=no": "unknown parameter",
	}
	for raw, want := range bad {
		_, err := ParseURL(raw, "")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseURL(%q) = %v, want an error about %q", raw, err, want)
			continue
		}
		if strings.Contains(err.Error(), "topsecret") || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseURL(%q): %q shows the password or is not one line", raw, err)
		}
	}
	c, _ := ParseURL("smtp://news:s3cret@mail.example.org?from=news@example.org", "")
	if s := c.String(); strings.Contains(s, "s3cret") || !strings.HasPrefix(s, "smtp://news@mail.example.org:587") {
		t.Errorf("String() = %q", s)
	}
	if d := c.Domain(); d != "example.org" {
		t.Errorf("Domain() = %q", d)
	}
}

// fakeSMTP is a tiny SMTP server for the failures Mailpit cannot play:
// reply decides the answer to RCPT TO for an address and the attempt
// (counted from 1 per address); messages it took are counted by address.
type fakeSMTP struct {
	addr  string
	reply func(rcpt string, attempt int) string
	mu    sync.Mutex
	tries map[string]int
	got   map[string]int
}

func startFakeSMTP(t *testing.T, reply func(rcpt string, attempt int) string) *fakeSMTP {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{addr: l.Addr().String(), reply: reply, tries: map[string]int{}, got: map[string]int{}}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(s string) { c.Write([]byte(s + "\r\n")) }
	say("220 fake ESMTP")
	var rcpt string
	ok := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-fake\r\n250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM"):
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			rcpt = strings.Trim(strings.TrimSpace(line)[len("RCPT TO:"):], "<> ")
			f.mu.Lock()
			f.tries[rcpt]++
			n := f.tries[rcpt]
			f.mu.Unlock()
			ans := f.reply(rcpt, n)
			ok = strings.HasPrefix(ans, "2")
			say(ans)
		case cmd == "DATA":
			if !ok {
				say("503 no valid recipients")
				continue
			}
			say("354 go on")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			f.mu.Lock()
			f.got[rcpt]++
			f.mu.Unlock()
			say("250 2.0.0 queued as FAKE1")
		case cmd == "RSET", cmd == "NOOP":
			say("250 ok")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("502 unknown command")
		}
	}
}

func (f *fakeSMTP) received(rcpt string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.got[rcpt]
}

func (f *fakeSMTP) attempts(rcpt string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tries[rcpt]
}

func (f *fakeSMTP) config() Config {
	c, err := ParseURL("smtp+insecure://"+f.addr+"?from=news@example.org", "")
	if err != nil {
		panic(err)
	}
	return c
}

// TestSendClassifies: a 4xx answer is temporary, a 5xx permanent, and a
// server that is not there temporary.
func TestSendClassifies(t *testing.T) {
	f := startFakeSMTP(t, func(rcpt string, _ int) string {
		switch rcpt {
		case "busy@example.org":
			return "451 4.3.0 try again later"
		case "gone@example.org":
			return "550 5.1.1 no such user"
		}
		return "250 ok"
	})
	m := func(to string) *Message { return &Message{To: to, Subject: "Test", Text: "Hello"} }
	if ans, err := Send(ctx, f.config(), m("ok@example.org")); err != nil || !strings.Contains(ans, "queued as FAKE1") {
		t.Fatalf("send: %q %v", ans, err)
	}
	_, err := Send(ctx, f.config(), m("busy@example.org"))
	if e, ok := err.(*Error); !ok || !e.Temporary || e.Code != 451 {
		t.Errorf("busy: %#v", err)
	}
	_, err = Send(ctx, f.config(), m("gone@example.org"))
	if e, ok := err.(*Error); !ok || e.Temporary || e.Code != 550 {
		t.Errorf("gone: %#v", err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	cfg := f.config()
	cfg.Port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	_, err = Send(ctx, cfg, m("ok@example.org"))
	if e, ok := err.(*Error); !ok || !e.Temporary {
		t.Errorf("no server: %#v", err)
	}
	if _, err := Send(ctx, f.config(), m("not an address")); err == nil {
		t.Error("a bad address was sent")
	} else if e := err.(*Error); e.Temporary {
		t.Errorf("a bad address is temporary: %v", e)
	}
}
