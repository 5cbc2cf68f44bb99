package mail

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/internal/enginetest"
	"dateline/internal/htmlcheck"
	"dateline/internal/mailpittest"
)

var ctx = context.Background()

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestMessageInMailpit sends one message to a real Mailpit and reads it
// back: both parts, the list headers, the encoded subject.
func TestMessageInMailpit(t *testing.T) {
	mp := mailpittest.Start(t)
	cfg, err := ParseURL(mp.URL("Dateline <news@example.org>"), "")
	if err != nil {
		t.Fatal(err)
	}
	key := []byte("k")
	unsub := UnsubscribeURL("https://news.example.org", key, Unsubscription{Address: "reader@example.org", List: "breaking", Lang: "ru"})
	subject := "Срочно: землетрясение на Камчатке — magnitude 7"
	html := `<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Срочно</title></head><body><p>Землетрясение <a href="https://news.example.org/world/1">на Камчатке</a>.</p></body></html>`
	ans, err := Send(ctx, cfg, &Message{To: "reader@example.org", Subject: subject, Text: "Землетрясение на Камчатке.\n",
		HTML: html, MessageID: OutboxMessageID(7, "alert:1:reader@example.org", cfg.Domain()), Unsubscribe: unsub, ListID: ListID("breaking", "https://news.example.org")})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the server answered %q", ans)
	ms := mp.Wait(t, 1, 10*time.Second)
	got := mp.Message(t, ms[0].ID)
	if got.Subject != subject || len(got.To) != 1 || got.To[0].Address != "reader@example.org" {
		t.Errorf("message: %+v", got)
	}
	if strings.TrimSpace(got.Text) != "Землетрясение на Камчатке." || !strings.Contains(got.HTML, `<a href="https://news.example.org/world/1">на Камчатке</a>`) {
		t.Errorf("parts: text %q, html %q", got.Text, got.HTML)
	}
	h := mp.Headers(t, ms[0].ID)
	want := map[string]string{
		"List-Unsubscribe":      "<" + unsub + ">",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"List-Id":               "<breaking.news.example.org>",
		"Message-Id":            "<dateline.7.",
	}
	for k, v := range want {
		if len(h[k]) != 1 || !strings.HasPrefix(h[k][0], v) {
			t.Errorf("%s: %q, want %q", k, h[k], v)
		}
	}
	raw := mp.Raw(t, ms[0].ID)
	parsed, err := netmail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	rawSubject := parsed.Header.Get("Subject") // unfolded, still encoded
	if !strings.HasPrefix(rawSubject, "=?UTF-8?") {
		t.Errorf("the subject is not RFC 2047-encoded: %q", rawSubject)
	}
	if dec, err := new(mime.WordDecoder).DecodeHeader(rawSubject); err != nil || dec != subject {
		t.Errorf("the subject decodes to %q, %v", dec, err)
	}
	for _, want := range []string{"multipart/alternative", "text/plain; charset=UTF-8", "text/html; charset=UTF-8", "Date: "} {
		if !strings.Contains(raw, want) {
			t.Errorf("the source has no %q", want)
		}
	}
	htmlcheck.Nu(t, map[string][]byte{"the message's HTML": []byte(got.HTML)})
}

// counter counts outcomes, as the metrics do.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) Mail(outcome string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[outcome] += n
}

func (c *counter) get(outcome string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[outcome]
}

func enqueue(t testing.TB, s dateline.Store, key, list, to string) *dateline.OutMail {
	t.Helper()
	m := &dateline.OutMail{DedupeKey: key, ListID: list, To: to, Subject: "Story " + key, Text: "Text of " + key, HTML: "<p>HTML of " + key + "</p>"}
	if ok, err := s.EnqueueMail(ctx, m, time.Now()); err != nil || !ok {
		t.Fatalf("enqueue %s: %v %v", key, ok, err)
	}
	return m
}

// drain runs the outboxes until fn is true or 20 s pass.
func runUntil(t *testing.T, fn func() bool, outboxes ...*Outbox) {
	t.Helper()
	c, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, o := range outboxes {
		wg.Go(func() { o.Run(c) })
	}
	deadline := time.Now().Add(20 * time.Second)
	for !fn() {
		if time.Now().After(deadline) {
			cancel()
			wg.Wait()
			t.Fatal("not done in 20 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	wg.Wait()
}

// TestOutboxTwoNodes: two nodes on one database send a queue at once;
// Mailpit gets each message once, and the suppressed address none of its
// list's.
func TestOutboxTwoNodes(t *testing.T) {
	mp := mailpittest.Start(t)
	enginetest.Engines(t, func(t *testing.T, open func() dateline.Store) {
		a, b := open(), open()
		const n = 40
		for i := range n {
			enqueue(t, a, fmt.Sprint("story:1:", i), "breaking", fmt.Sprintf("r%d-%s@example.org", i, t.Name()[len("TestOutboxTwoNodes/"):]))
		}
		// Queued again: not queued.
		if ok, _ := a.EnqueueMail(ctx, &dateline.OutMail{DedupeKey: "story:1:0", To: "x@example.org", Text: "x"}, time.Now()); ok {
			t.Fatal("a dedupe key was queued twice")
		}
		if err := b.Suppress(ctx, "R3-"+t.Name()[len("TestOutboxTwoNodes/"):]+"@example.org", "breaking", time.Now()); err != nil {
			t.Fatal(err)
		}
		cfg, _ := ParseURL(mp.URL("news@example.org"), "")
		var ca, cb counter
		oc := OutboxConfig{SMTP: cfg, BaseURL: "https://news.example.org", Rate: 20, Every: 20 * time.Millisecond}
		na, nb := NewOutbox(a, oc, quiet, time.Now, &ca), NewOutbox(b, oc, quiet, time.Now, &cb)
		before := len(mp.Messages(t))
		runUntil(t, func() bool { return ca.get("sent")+cb.get("sent") >= n-1 }, na, nb)
		if s := ca.get("suppressed") + cb.get("suppressed"); s != 1 {
			t.Errorf("suppressed %d, want 1", s)
		}
		t.Logf("node a sent %d, node b %d", ca.get("sent"), cb.get("sent"))
		if ca.get("sent") == 0 || cb.get("sent") == 0 {
			t.Error("one node sent everything: the test did not see both at work")
		}
		ms := mp.Wait(t, before+n-1, 10*time.Second)
		seen := map[string]int{}
		suffix := "-" + t.Name()[len("TestOutboxTwoNodes/"):] + "@example.org"
		for _, m := range ms {
			if strings.HasSuffix(m.To[0].Address, suffix) {
				seen[m.To[0].Address]++
			}
		}
		if len(seen) != n-1 {
			t.Errorf("Mailpit has messages to %d addresses, want %d", len(seen), n-1)
		}
		for addr, c := range seen {
			if c != 1 {
				t.Errorf("%s got %d messages", addr, c)
			}
		}
		if seen["r3"+suffix] != 0 {
			t.Error("the suppressed address got its message")
		}
		if p, _ := a.MailOutbox(ctx, dateline.MailPending, 100); len(p) != 0 {
			t.Errorf("still pending: %+v", p)
		}
	})
}

// TestOutboxRetries: a server that refuses for a while (4xx) gets the
// message once it accepts; a 5xx fails at once with the reason kept; a
// node that died mid-send (a claim never finished) loses nothing: its
// message goes when the lease ends.
func TestOutboxRetries(t *testing.T) {
	enginetest.Engines(t, func(t *testing.T, open func() dateline.Store) {
		s := open()
		f := startFakeSMTP(t, func(rcpt string, attempt int) string {
			switch {
			case rcpt == "busy@example.org" && attempt <= 2:
				return "451 4.7.1 greylisted, try again later"
			case rcpt == "gone@example.org":
				return "550 5.1.1 no such user here"
			}
			return "250 ok"
		})
		// The dying node: claims the first message and never says what
		// came of it.
		enqueue(t, s, "orphan", "", "orphan@example.org")
		claimed := time.Now()
		if held, _, err := s.ClaimMail(ctx, claimed, 400*time.Millisecond, 1); err != nil || len(held) != 1 || held[0].To != "orphan@example.org" {
			t.Fatalf("claim: %+v %v", held, err)
		}
		enqueue(t, s, "busy", "breaking", "busy@example.org")
		gone := enqueue(t, s, "gone", "breaking", "gone@example.org")
		var c counter
		o := NewOutbox(s, OutboxConfig{SMTP: f.config(), BaseURL: "https://news.example.org", Rate: 100, Every: 20 * time.Millisecond,
			MinBackoff: 50 * time.Millisecond, MaxBackoff: 100 * time.Millisecond}, quiet, time.Now, &c)

		runUntil(t, func() bool { return c.get("sent") == 2 && c.get("failed") == 1 }, o)
		if f.received("busy@example.org") != 1 || f.attempts("busy@example.org") != 3 || c.get("retried") != 2 {
			t.Errorf("busy: received %d after %d attempts, %d retried", f.received("busy@example.org"), f.attempts("busy@example.org"), c.get("retried"))
		}
		// Measured from the claim, not from the outbox's start: on a busy
		// machine the two may be far apart.
		if f.received("orphan@example.org") != 1 || time.Since(claimed) < 400*time.Millisecond {
			t.Errorf("orphan: received %d, %v after the dead node's claim (its lease was 400 ms)", f.received("orphan@example.org"), time.Since(claimed))
		}
		if f.attempts("gone@example.org") != 1 {
			t.Errorf("gone was tried %d times", f.attempts("gone@example.org"))
		}
		failed, _ := s.MailOutbox(ctx, dateline.MailFailed, 10)
		if len(failed) != 1 || failed[0].ID != gone.ID || !strings.Contains(failed[0].LastError, "550") || !strings.Contains(failed[0].LastError, "no such user here") {
			t.Errorf("failed: %+v", failed)
		}
	})
}

// TestOutboxGivesUp: temporary failures past GiveUp fail the message.
func TestOutboxGivesUp(t *testing.T) {
	enginetest.Engines(t, func(t *testing.T, open func() dateline.Store) {
		s := open()
		f := startFakeSMTP(t, func(string, int) string { return "421 4.3.2 shutting down" })
		enqueue(t, s, "never", "", "never@example.org")
		var c counter
		o := NewOutbox(s, OutboxConfig{SMTP: f.config(), Rate: 100, Every: 20 * time.Millisecond,
			MinBackoff: 20 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, GiveUp: 300 * time.Millisecond}, quiet, time.Now, &c)
		runUntil(t, func() bool { return c.get("failed") == 1 }, o)
		failed, _ := s.MailOutbox(ctx, dateline.MailFailed, 10)
		if len(failed) != 1 || !strings.HasPrefix(failed[0].LastError, "given up after retrying: ") || !strings.Contains(failed[0].LastError, "421") || f.received("never@example.org") != 0 {
			t.Errorf("failed: %+v", failed)
		}
	})
}

// TestOutboxNoServer: with the server down, one connection attempt puts
// the whole batch off by its backoff.
func TestOutboxNoServer(t *testing.T) {
	enginetest.Engines(t, func(t *testing.T, open func() dateline.Store) {
		s := open()
		for i := range 3 {
			enqueue(t, s, fmt.Sprint("down", i), "", fmt.Sprintf("r%d@example.org", i))
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		cfg, _ := ParseURL("smtp+insecure://"+addr+"?from=news@example.org", "")
		var c counter
		o := NewOutbox(s, OutboxConfig{SMTP: cfg, Rate: 100}, quiet, time.Now, &c)
		if n, err := o.Send(ctx); n != 3 || err != nil {
			t.Fatalf("Send = %d, %v", n, err)
		}
		if c.get("retried") != 3 {
			t.Errorf("retried %d, want 3", c.get("retried"))
		}
		pending, _ := s.MailOutbox(ctx, dateline.MailPending, 10)
		for _, m := range pending {
			if m.Attempts != 1 || !m.NextAt.After(time.Now().Add(50*time.Second)) || !strings.Contains(m.LastError, "connection refused") {
				t.Errorf("after a refused connection: %+v", m)
			}
		}
		if len(pending) != 3 {
			t.Errorf("%d pending", len(pending))
		}
	})
}

// finishCounter is the real store, noting how many outcomes each
// FinishMail writes.
type finishCounter struct {
	dateline.Store
	mu     sync.Mutex
	writes []int
}

func (s *finishCounter) FinishMail(ctx context.Context, results []dateline.MailResult, now time.Time) error {
	s.mu.Lock()
	s.writes = append(s.writes, len(results))
	s.mu.Unlock()
	return s.Store.FinishMail(ctx, results, now)
}

func (s *finishCounter) get() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.writes...)
}

// TestOutboxRecordsInGroups: at a rate the sender never waits for, the
// outcomes are written a group a transaction, each message still sent
// once; at a slow rate each outcome is written before the next message
// begins (alone), so a kill repeats at most the one in flight.
func TestOutboxRecordsInGroups(t *testing.T) {
	mp := mailpittest.Start(t)
	cfg, _ := ParseURL(mp.URL("news@example.org"), "")
	for _, tc := range []struct {
		name string
		rate float64
		n    int
	}{{"fast", 10000, 60}, {"slow", 2, 3}} {
		t.Run(tc.name, func(t *testing.T) {
			enginetest.Engines(t, func(t *testing.T, open func() dateline.Store) {
				s := &finishCounter{Store: open()}
				tag := strings.ReplaceAll(t.Name(), "/", "-")
				for i := range tc.n {
					enqueue(t, s, fmt.Sprint("group:", tc.name, ":", i), "breaking", fmt.Sprintf("g%d-%s@example.org", i, tag))
				}
				var c counter
				before := len(mp.Messages(t))
				o := NewOutbox(s, OutboxConfig{SMTP: cfg, BaseURL: "https://news.example.org", Rate: tc.rate, Every: 20 * time.Millisecond}, quiet, time.Now, &c)
				runUntil(t, func() bool {
					p, err := s.MailOutbox(ctx, dateline.MailPending, 1)
					return err == nil && len(p) == 0
				}, o)
				if sent, err := s.MailOutbox(ctx, dateline.MailSent, tc.n+1); err != nil || len(sent) != tc.n || c.get("sent") != tc.n {
					t.Fatalf("sent %d (counted %d), %v; want %d", len(sent), c.get("sent"), err, tc.n)
				}
				seen := map[string]int{}
				for _, m := range mp.Wait(t, before+tc.n, 10*time.Second) {
					if strings.HasSuffix(m.To[0].Address, "-"+tag+"@example.org") {
						seen[m.To[0].Address]++
					}
				}
				for i := range tc.n {
					if a := fmt.Sprintf("g%d-%s@example.org", i, tag); seen[a] != 1 {
						t.Errorf("%s got %d messages", a, seen[a])
					}
				}
				writes, total := s.get(), 0
				for _, w := range writes {
					total += w
				}
				t.Logf("%d outcomes in %d writes: %v", total, len(writes), writes)
				switch {
				case total != tc.n:
					t.Errorf("%d outcomes written, want %d", total, tc.n)
				case tc.name == "fast" && len(writes) >= tc.n:
					t.Errorf("%d writes for %d messages: not grouped", len(writes), tc.n)
				case tc.name == "slow" && len(writes) != tc.n:
					t.Errorf("writes %v: at a slow rate each outcome is written alone", writes)
				}
			})
		})
	}
}
