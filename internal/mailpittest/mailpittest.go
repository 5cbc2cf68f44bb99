// Package mailpittest runs a real SMTP server for tests: Mailpit on
// loopback, on random ports, with its messages kept in memory, and reads
// the messages it received back through its HTTP API. The mailpit binary
// is named by DATELINE_MAILPIT, which test.sh builds and sets; without it
// the tests that need it skip, and fail when CI=true.
package mailpittest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"dateline/internal/freeport"
)

// Server is a running Mailpit.
type Server struct {
	SMTP string // 127.0.0.1:PORT, plain SMTP that takes any sender and no password
	API  string // http://127.0.0.1:PORT, the HTTP API
	log  string
}

// Start starts Mailpit and stops it when the test ends, with more of its
// flags in args (such as --smtp-tls-cert). It skips the test when
// DATELINE_MAILPIT is not set (fails it with CI=true).
func Start(t testing.TB, args ...string) *Server {
	t.Helper()
	bin := os.Getenv("DATELINE_MAILPIT")
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("DATELINE_MAILPIT is not set: the email tests need a Mailpit binary (test.sh builds one and sets it)")
		}
		t.Skip("DATELINE_MAILPIT is not set: no Mailpit for the email tests (test.sh builds one and sets it)")
	}
	dir := t.TempDir()
	for attempt := 0; ; attempt++ {
		p := freeport.Ports(t, 2)
		s := &Server{SMTP: "127.0.0.1:" + strconv.Itoa(p[0]), API: "http://127.0.0.1:" + strconv.Itoa(p[1]), log: filepath.Join(dir, "mailpit.log")}
		logf, err := os.Create(s.log)
		if err != nil {
			t.Fatal(err)
		}
		began := time.Now()
		flags := []string{"--smtp", s.SMTP, "--listen", "127.0.0.1:" + strconv.Itoa(p[1]),
			"--database", filepath.Join(dir, "mailpit.db"), "--max", "5000",
			"--smtp-auth-accept-any", "--disable-version-check", "--smtp-disable-rdns", "--quiet"}
		if !slices.Contains(args, "--smtp-tls-cert") {
			// Any user and password, or none, also without TLS.
			flags = append(flags, "--smtp-auth-allow-insecure")
		}
		cmd := exec.Command(bin, append(flags, args...)...)
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatalf("mailpit: %v", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); logf.Close(); close(exited) }()
		stop := func() {
			cmd.Process.Kill()
			<-exited
		}
		if s.ready(exited) {
			t.Cleanup(stop)
			t.Logf("Mailpit answers at %s (SMTP) and %s (API), in %v", s.SMTP, s.API, time.Since(began).Round(time.Millisecond))
			return s
		}
		stop()
		// A port taken in between: try others, twice.
		if attempt == 2 {
			t.Fatalf("mailpit did not start:\n%s", s.logTail())
		}
	}
}

// ready waits up to 20 s for both ports to answer, and false when the
// process ended first.
func (s *Server) ready(exited chan struct{}) bool {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return false
		default:
		}
		if c, err := net.DialTimeout("tcp", s.SMTP, time.Second); err == nil {
			c.Close()
			if resp, err := http.Get(s.API + "/api/v1/info"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					return true
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

func (s *Server) logTail() string {
	b, _ := os.ReadFile(s.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// URL is the server's address for serve --smtp-url and mail test, with
// the sender address from.
func (s *Server) URL(from string) string {
	return "smtp+insecure://" + s.SMTP + "?from=" + from
}

// Address is a name and an address of a message.
type Address struct {
	Name    string
	Address string
}

// Summary is one message of the list.
type Summary struct {
	ID        string
	MessageID string
	From      Address
	To        []Address
	Subject   string
	Created   time.Time
}

// Messages lists the messages received, newest first (up to 1,000).
func (s *Server) Messages(t testing.TB) []Summary {
	t.Helper()
	var out struct {
		Total    int
		Messages []Summary
	}
	s.getJSON(t, "/api/v1/messages?limit=1000", &out)
	return out.Messages
}

// Message is one message as Mailpit parsed it.
type Message struct {
	ID        string
	MessageID string
	Subject   string
	To        []Address
	Text      string
	HTML      string
}

// Message returns the message with Mailpit's id.
func (s *Server) Message(t testing.TB, id string) Message {
	t.Helper()
	var m Message
	s.getJSON(t, "/api/v1/message/"+id, &m)
	return m
}

// Headers returns the message's headers as sent (values decoded from RFC
// 2047 are not: see Raw).
func (s *Server) Headers(t testing.TB, id string) map[string][]string {
	t.Helper()
	var h map[string][]string
	s.getJSON(t, "/api/v1/message/"+id+"/headers", &h)
	return h
}

// Raw returns the message's source, as the SMTP server received it.
func (s *Server) Raw(t testing.TB, id string) string {
	t.Helper()
	return string(s.get(t, "/api/v1/message/"+id+"/raw"))
}

// Wait returns the messages once there are at least n, or fails the test
// after timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Summary {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ms := s.Messages(t)
		if len(ms) >= n {
			return ms
		}
		if time.Now().After(deadline) {
			t.Fatalf("Mailpit has %d messages after %v, want %d", len(ms), timeout, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) get(t testing.TB, path string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.API+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("mailpit %s: %d %v %s", path, resp.StatusCode, err, strings.TrimSpace(string(b)))
	}
	return b
}

func (s *Server) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(s.get(t, path), v); err != nil {
		t.Fatal(fmt.Errorf("mailpit %s: %w", path, err))
	}
}
