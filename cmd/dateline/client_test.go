package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/auth"
)

// TestClientCommand makes a client, a product, a contract, a client user,
// a token and the feed addresses from the command line, and refuses bad
// command lines with one line and status 2 (or 1 for what the database
// refuses).
func TestClientCommand(t *testing.T) {
	db := dbArgs(t, t.TempDir())
	must := mustCLI(t, db)
	if out := must("client", "add", "--name", "Bank of Examples", "--seats", "1", "--from", "2026-01-01"); !strings.Contains(out, "client 1: Bank of Examples") {
		t.Errorf("add: %q", out)
	}
	if out := must("client", "product", "add", "--name", "Sport photos", "--sections", "sport,world", "--kinds", "photo", "--max-urgency", "3", "--embargoed"); !strings.Contains(out, "sections sport, world; kinds photo; urgency 1-3; with embargoed copy") {
		t.Errorf("product add: %q", out)
	}
	must("client", "take", "--client", "1", "--product", "1")
	if out := must("client", "list"); !strings.Contains(out, "Bank of Examples") || !strings.Contains(out, "yes") {
		t.Errorf("list: %q", out)
	}
	if out := must("client", "product", "list"); !strings.Contains(out, "Sport photos") {
		t.Errorf("product list: %q", out)
	}
	out := must("client", "user", "add", "--client", "1", "--email", "desk@bank.example", "--name", "Desk", "--role", "client-admin")
	_, password, ok := strings.Cut(out, "(shown once): ")
	password = strings.TrimSpace(password)
	secret := strings.TrimSpace(must("client", "token", "--client", "1", "--name", "terminal"))
	feeds := must("client", "feeds", "--client", "1", "--base-url", "https://news.example/")
	if !strings.Contains(feeds, "https://news.example/wire/feeds/1/1.rss?sig=") {
		t.Errorf("feeds: %q", feeds)
	}
	if again := must("client", "feeds", "--client", "1", "--rotate"); strings.Contains(feeds, strings.TrimSpace(strings.SplitN(again, "\t", 2)[1])) {
		t.Error("--rotate kept the signature")
	}
	// An invitation: a one-time link, its letter printed to pass on.
	inv := must("client", "invite", "--email", "desk@bank.example", "--base-url", "https://news.example/", "--lang", "ru")
	if !strings.Contains(inv, "To: desk@bank.example") || !strings.Contains(inv, "https://news.example/wire/invitation/") || !strings.Contains(inv, "Здравствуйте") {
		t.Errorf("invite: %q", inv)
	}
	// --send queues it in the outbox too, with its HTML part.
	sent := must("client", "invite", "--email", "desk@bank.example", "--base-url", "https://news.example/", "--send")
	if !strings.Contains(inv, "Not emailed") || !strings.Contains(sent, "Emailed: queued") {
		t.Errorf("invite says: %q, then %q", inv, sent)
	}
	store := openTestStore(t, db)
	ctx := context.Background()
	if ms, err := store.MailOutbox(ctx, dateline.MailPending, 10); err != nil || len(ms) != 1 || ms[0].To != "desk@bank.example" ||
		!strings.HasPrefix(ms[0].DedupeKey, "invitation:") || !strings.Contains(ms[0].HTML, "https://news.example/wire/invitation/"+strings.Fields(strings.SplitN(sent, "/wire/invitation/", 2)[1])[0]) {
		t.Errorf("the outbox after invite --send: %+v, %v", ms, err)
	}
	link := sent[strings.Index(sent, "/wire/invitation/")+len("/wire/invitation/"):]
	link = strings.Fields(link)[0]
	if _, err := store.Invitation(ctx, auth.Sum(link), time.Now()); err != nil {
		t.Errorf("the printed invitation is not stored: %v", err)
	}
	tok, err := store.TokenByHash(ctx, auth.Sum(secret))
	if err != nil || tok.ClientID != 1 || tok.Scope != "read" {
		t.Errorf("token: %+v, %v", tok, err)
	}
	u, err := store.ClientUserByEmail(ctx, "desk@bank.example")
	if !ok || err != nil || !auth.Verify(password, u.PasswordHash) || u.Role != dateline.ClientAdmin {
		t.Errorf("user: %+v, %v, password %q", u, err, password)
	}
	if e, err := store.Entitlement(ctx, 1, time.Now()); err != nil || len(e.Products) != 1 {
		t.Errorf("entitlement: %+v, %v", e, err)
	}

	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"client", "frob"}, 2, "unknown client command"},
		{[]string{"client", "add"}, 2, "--name is required"},
		{[]string{"client", "add", "--name", "X", "--until", "soon"}, 2, "--until is a date"},
		{[]string{"client", "take", "--client", "1"}, 2, "--product is required"},
		{[]string{"client", "take", "--client", "1", "--product", "99"}, 1, "No client 1 or no product 99."},
		{[]string{"client", "product", "add", "--name", "Bad", "--langs", "de"}, 1, "An edition is en or ru"},
		{[]string{"client", "product", "add", "--name", "sport PHOTOS"}, 1, "There is a product named"},
		{[]string{"client", "user", "add", "--client", "1", "--email", "b@bank.example", "--name", "B"}, 1, "Every seat of this client is taken"},
		{[]string{"client", "token", "--client", "9", "--name", "x"}, 1, "No client 9."},
		{[]string{"client", "invite"}, 2, "--email is required"},
		{[]string{"client", "invite", "--email", "x@bank.example", "--lang", "de"}, 2, "--lang is en or ru"},
		{[]string{"client", "invite", "--email", "x@bank.example", "--client", "1"}, 2, "--client and --name go together"},
		{[]string{"client", "invite", "--email", "nobody@bank.example"}, 1, "No client user has the email"},
		{[]string{"client", "invite", "--email", "new@bank.example", "--client", "1", "--name", "New"}, 1, "Every seat of this client is taken"},
		{[]string{"client", "drop", "--client", "1", "--product", "2"}, 1, "does not take product 2"},
	} {
		_, _, err := cli(t, append(tt.args, db...)...)
		if err == nil || exitCode(err) != tt.code || !strings.Contains(message(err), tt.want) || strings.Contains(message(err), "\n") {
			t.Errorf("%v: %v (status %d), want %q and status %d", tt.args, err, exitCode(err), tt.want, tt.code)
		}
	}
	if _, _, err := cli(t, "client"); err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "no client command") {
		t.Errorf("no command: %v", err)
	}
	if out, _, err := cli(t, "client", "--help"); err != nil || !strings.Contains(out, "dateline client product add") {
		t.Errorf("--help: %v %q", err, out)
	}
}
