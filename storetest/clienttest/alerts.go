package clienttest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"dateline"
)

// alertEveryone records an item of each event's story for each user.
func alertEveryone(users ...int64) dateline.AlertPlan {
	return func(_ context.Context, events []dateline.Event) ([]dateline.AlertItem, error) {
		var out []dateline.AlertItem
		for _, ev := range events {
			for _, u := range users {
				out = append(out, dateline.AlertItem{UserID: u, ArticleID: ev.ArticleID, Follows: []string{"topic:football", "search:cup final"}})
			}
		}
		return out, nil
	}
}

// FillAlerts records an alert of every story so far for the client user
// FillClients made, for the tests that move every table.
func FillAlerts(t testing.TB, s dateline.Store) {
	t.Helper()
	u, err := s.ClientUserByEmail(ctx, "desk@bank.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetAlertLang(ctx, u.ID, "ru"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FanOutAlerts(ctx, 100, base, alertEveryone(u.ID)); err != nil { // starts the cursor
		t.Fatal(err)
	}
	upsert(t, s, base, wire("urn:fill:alert", "world", "Alerted", base, "1"))
	for {
		n, err := s.FanOutAlerts(ctx, 100, base, alertEveryone(u.ID))
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
}

// testAlerts checks the alerts' fan-out (each event once, a story once
// per user) and flush (the window, sent and dropped items, the email in
// the outbox in the same transaction).
func testAlerts(t *testing.T, s dateline.Store) {
	c := &dateline.Client{Name: "Alerts Bank", SeatLimit: 5}
	if err := s.CreateClient(ctx, c, base); err != nil {
		t.Fatal(err)
	}
	var users []int64
	for i := range 2 {
		u := &dateline.ClientUser{ClientID: c.ID, Email: fmt.Sprintf("a%d@alerts.example", i), Name: "A"}
		if err := s.CreateClientUser(ctx, u, base); err != nil {
			t.Fatal(err)
		}
		users = append(users, u.ID)
	}
	// The language of a user's alerts: none, then kept, then changed.
	if l, err := s.AlertLang(ctx, users[0]); err != nil || l != "" {
		t.Errorf("AlertLang before = %q, %v", l, err)
	}
	for _, l := range []string{"ru", "en"} {
		if err := s.SetAlertLang(ctx, users[0], l); err != nil {
			t.Fatal(err)
		}
		if got, err := s.AlertLang(ctx, users[0]); err != nil || got != l {
			t.Errorf("AlertLang = %q, %v; want %q", got, err, l)
		}
	}
	wantCode(t, s.SetAlertLang(ctx, users[0], "de"), dateline.EINVALID)
	wantCode(t, s.SetAlertLang(ctx, users[1]+1000, "ru"), dateline.ENOTFOUND)
	// The first read starts the cursor: the stories before it are not
	// alerted.
	plan := alertEveryone(users...)
	upsert(t, s, base, wire("urn:alerts:0", "world", "Zero", base, "1"))
	if n, err := s.FanOutAlerts(ctx, 100, base, plan); err != nil || n != 0 {
		t.Fatalf("the first FanOutAlerts = %d, %v; want 0", n, err)
	}
	upsert(t, s, base, wire("urn:alerts:1", "world", "One", base, "1"), wire("urn:alerts:2", "world", "Two", base, "1"))
	twice := func(ctx context.Context, events []dateline.Event) ([]dateline.AlertItem, error) {
		items, err := plan(ctx, events)
		return append(items, items...), err
	}
	n, err := s.FanOutAlerts(ctx, 100, base, twice)
	if err != nil || n == 0 {
		t.Fatalf("FanOutAlerts = %d, %v", n, err)
	}
	if n, err := s.FanOutAlerts(ctx, 100, base, plan); err != nil || n != 0 {
		t.Fatalf("FanOutAlerts again = %d, %v; want 0", n, err)
	}
	items, err := s.AlertItems(ctx, users[0])
	if err != nil || len(items) != 2 || items[0].Status != dateline.AlertPending || !slices.Equal(items[0].Follows, []string{"topic:football", "search:cup final"}) {
		t.Fatalf("AlertItems = %+v, %v", items, err)
	}
	// A flush: the first user's email carries the first item only (the
	// other is dropped); the second user's compose sends nothing.
	calls := 0
	compose := func(_ context.Context, user int64, items []dateline.AlertItem) (*dateline.OutMail, []int64, error) {
		calls++
		if user != users[0] {
			return nil, nil, nil
		}
		return &dateline.OutMail{DedupeKey: fmt.Sprintf("alerts:%d:%d", user, items[0].ID), ListID: dateline.AlertList, To: "a0@alerts.example", Subject: "Alert", Text: "x"}, []int64{items[0].ID}, nil
	}
	if n, err := s.FlushAlerts(ctx, base, 15*time.Minute, 10, compose); err != nil || n != 1 || calls != 2 {
		t.Fatalf("FlushAlerts = %d, %v, %d calls; want 1 email of 2 calls", n, err, calls)
	}
	items, _ = s.AlertItems(ctx, users[0])
	if items[0].Status != dateline.AlertSent || items[1].Status != dateline.AlertDropped || !items[0].SentAt.Equal(base) {
		t.Errorf("after the flush: %+v", items)
	}
	if ms, err := s.MailOutbox(ctx, dateline.MailPending, 10); err != nil || len(ms) != 1 || ms[0].ListID != dateline.AlertList {
		t.Errorf("the outbox: %+v, %v", ms, err)
	}
	// A new story: the first user waits for the window, the second (no
	// email yet) does not.
	upsert(t, s, base, wire("urn:alerts:3", "world", "Three", base, "1"))
	if _, err := s.FanOutAlerts(ctx, 100, base, plan); err != nil {
		t.Fatal(err)
	}
	calls = 0
	if n, err := s.FlushAlerts(ctx, base.Add(14*time.Minute), 15*time.Minute, 10, compose); err != nil || n != 0 || calls != 1 {
		t.Fatalf("FlushAlerts within the window = %d, %v, %d calls; want 0, 1 call (the second user)", n, err, calls)
	}
	calls = 0
	if n, err := s.FlushAlerts(ctx, base.Add(15*time.Minute), 15*time.Minute, 10, compose); err != nil || n != 1 || calls != 1 {
		t.Fatalf("FlushAlerts after the window = %d, %v, %d calls; want 1", n, err, calls)
	}
	if n, err := s.FlushAlerts(ctx, base.Add(time.Hour), 15*time.Minute, 10, compose); err != nil || n != 0 {
		t.Fatalf("FlushAlerts with nothing pending = %d, %v", n, err)
	}
}
