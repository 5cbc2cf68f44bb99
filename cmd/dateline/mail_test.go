package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"dateline"
	"dateline/internal/mailpittest"
)

// TestMailCommand: mail test sends through a real Mailpit and says what
// it answered; mail outbox lists what waits and what failed; bad input is
// one line and exit 2.
func TestMailCommand(t *testing.T) {
	mp := mailpittest.Start(t)
	db := dbArgs(t, t.TempDir())
	must := mustCLI(t, db)
	for _, args := range [][]string{{"mail", "--help"}, {"mail", "test", "--help"}, {"mail", "outbox", "--help"}} {
		out, _, err := cli(t, args...)
		if (err != nil && exitCode(err) != 0) || !strings.Contains(out, "smtp+insecure://") {
			t.Errorf("%v: %v %q", args, err, out)
		}
	}
	out, _, err := cli(t, "mail", "test", "--smtp-url", mp.URL("news@example.org"), "--to", "editor@example.org")
	if err != nil || !strings.Contains(out, "the server answered: 2.0.0 Ok: queued") {
		t.Fatalf("mail test: %q %v", out, err)
	}
	ms := mp.Wait(t, 1, 10*time.Second)
	if m := mp.Message(t, ms[0].ID); m.To[0].Address != "editor@example.org" || !strings.Contains(m.HTML, "test message") || !strings.Contains(m.Text, "тестовое") {
		t.Errorf("the test message: %+v", m)
	}
	for _, tt := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"mail"}, "no mail command", 2},
		{[]string{"mail", "send"}, "unknown mail command", 2},
		{[]string{"mail", "test", "--to", "a@example.org"}, "--smtp-url URL is required", 2},
		{[]string{"mail", "test", "--smtp-url", "smtp://mail.example.org?from=a@example.org"}, "--to ADDRESS is required", 2},
		{[]string{"mail", "test", "--smtp-url", "ftp://x", "--to", "a@example.org"}, "scheme", 2},
		{[]string{"mail", "test", "--smtp-url", "smtp+insecure://" + mp.SMTP + "?from=a@example.org", "--to", "not an address"}, "refused the message for good", 1},
		{[]string{"mail", "outbox", "--status", "sent"}, "--status is pending, failed or all", 2},
		{[]string{"mail", "outbox", "--limit", "0"}, "--limit", 2},
	} {
		args := tt.args
		if len(args) > 1 && args[1] == "outbox" {
			args = append(args, db...)
		}
		_, _, err := cli(t, args...)
		if err == nil || !strings.Contains(message(err), tt.want) || exitCode(err) != tt.code || strings.Contains(message(err), "\n") {
			t.Errorf("%v: %v (exit %d), want %q and exit %d", tt.args, err, exitCode(err), tt.want, tt.code)
		}
	}

	store := openTestStore(t, db)
	ctx := context.Background()
	for _, to := range []string{"waiting@example.org", "bounced@example.org"} {
		if _, err := store.EnqueueMail(ctx, &dateline.OutMail{DedupeKey: to, ListID: "breaking", To: to, Subject: "Срочно", Text: "x"}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	claimed, _, _ := store.ClaimMail(ctx, time.Now(), time.Minute, 2)
	if err := store.FinishMail(ctx, []dateline.MailResult{{ID: claimed[1].ID, Error: "550 no such user"}, {ID: claimed[0].ID, Error: "421 busy", NextAt: time.Now().Add(time.Hour)}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	out = must("mail", "outbox")
	for _, want := range []string{"waiting@example.org", "pending", "421 busy", "bounced@example.org", "failed", "550 no such user", "Срочно"} {
		if !strings.Contains(out, want) {
			t.Errorf("mail outbox lacks %q:\n%s", want, out)
		}
	}
	if out := must("mail", "outbox", "--status", "failed"); strings.Contains(out, "waiting@") || !strings.Contains(out, "bounced@") {
		t.Errorf("mail outbox --status failed:\n%s", out)
	}
}

// TestServeBadSMTPURL: a wrong --smtp-url stops serve at the start, in one
// line.
func TestServeBadSMTPURL(t *testing.T) {
	for _, raw := range []string{"smtp://mail.example.org", "smtp+insecure://mail.example.org?from=a@example.org", "nonsense"} {
		_, _, err := cli(t, "serve", "--data", t.TempDir(), "--smtp-url", raw)
		if err == nil || exitCode(err) != 2 || !strings.HasPrefix(message(err), "--smtp-url: ") || strings.Contains(message(err), "\n") {
			t.Errorf("--smtp-url %s: %v (exit %d)", raw, err, exitCode(err))
		}
	}
	if _, _, err := cli(t, "serve", "--data", t.TempDir(), "--mail-rate", "0"); err == nil || exitCode(err) != 2 {
		t.Errorf("--mail-rate 0: %v", err)
	}
	for _, w := range []string{"10s", "25h"} {
		if _, _, err := cli(t, "serve", "--data", t.TempDir(), "--alert-window", w); err == nil || exitCode(err) != 2 || message(err) != "--alert-window is from 1m to 24h" {
			t.Errorf("--alert-window %s: %v", w, err)
		}
	}
}

// TestMailSurvivesKill: a node is killed (SIGKILL) while it sends the
// outbox to Mailpit; started again, it sends the rest once the lease of
// its last batch ends: every reader gets the message, and only one that
// was in flight at the kill may arrive twice.
func TestMailSurvivesKill(t *testing.T) {
	mp := mailpittest.Start(t)
	dir := t.TempDir()
	db := dbArgs(t, dir)
	store := openTestStore(t, db)
	ctx := context.Background()
	const n = 120
	for i := range n {
		m := &dateline.OutMail{DedupeKey: fmt.Sprint("alert:1:", i), ListID: "breaking", To: fmt.Sprintf("reader%d@example.org", i),
			Subject: "Breaking", Text: "Story", HTML: "<p>Story</p>"}
		if _, err := store.EnqueueMail(ctx, m, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	start := func() *exec.Cmd {
		return serveProcess(t, append([]string{"--push=false", "--smtp-url", mp.URL("news@example.org"), "--mail-rate", "40", "--mail-timeout", "1s"}, db...)...)
	}
	node := start()
	mp.Wait(t, 30, 30*time.Second)
	node.Process.Signal(syscall.SIGKILL)
	node.Wait()
	before := len(mp.Messages(t))
	node = start()
	t.Cleanup(func() {
		node.Process.Signal(os.Interrupt)
		node.Wait()
	})
	deadline := time.Now().Add(60 * time.Second)
	var seen map[string]int
	for {
		seen = map[string]int{}
		for _, m := range mp.Messages(t) {
			seen[m.To[0].Address]++
		}
		if len(seen) == n || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // anything sent twice has arrived
	total := len(mp.Messages(t))
	t.Logf("%d messages before the kill, %d in all for %d readers", before, total, len(seen))
	if len(seen) != n {
		t.Fatalf("%d of %d readers got the message", len(seen), n)
	}
	if total-n > 1 {
		t.Errorf("%d messages repeated; only the one in flight at the kill may be", total-n)
	}
	if p, _ := store.MailOutbox(ctx, dateline.MailPending, 10); len(p) != 0 {
		t.Errorf("still pending: %d", len(p))
	}
}
