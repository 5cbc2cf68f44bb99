package clienttest

import (
	"context"
	"slices"
	"testing"
	"time"

	"dateline"
)

// everyone is a fan-out plan that sends every event to every destination,
// the body being the event's kind.
func everyone(_ context.Context, events []dateline.Event, dests []dateline.PushDestination, _ map[int64][]int64) ([]dateline.PushItem, error) {
	var items []dateline.PushItem
	for _, ev := range events {
		it := dateline.PushItem{ArticleID: ev.ArticleID, Event: ev.Kind, Version: 1, Body: []byte(ev.Kind)}
		for _, d := range dests {
			it.Destinations = append(it.Destinations, d.ID)
		}
		items = append(items, it)
	}
	return items, nil
}

// FillPush adds a destination and a delivery, for the tests that move
// every table.
func FillPush(t testing.TB, s dateline.Store) {
	t.Helper()
	cs, err := s.ClientList(ctx)
	if err != nil || len(cs) == 0 {
		t.Fatalf("no client to push to: %v", err)
	}
	d := &dateline.PushDestination{ClientID: cs[0].ID, URL: "https://bank.example/wire"}
	if err := s.CreatePushDestination(ctx, d, base); err != nil {
		t.Fatal(err)
	}
	upsert(t, s, base, wire("urn:fill:push", "world", "Pushed", base, "1"))
	if _, err := s.FanOutPush(ctx, 100, base, everyone); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPushPaused(ctx, d.ID, true); err != nil {
		t.Fatal(err)
	}
}

// testPush checks destinations, the fan-out's cursor, claims with their
// order per story and leases, outcomes, the log and replay.
func testPush(t *testing.T, s dateline.Store) {
	c := &dateline.Client{Name: "Portal"}
	if err := s.CreateClient(ctx, c, base); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.CreatePushDestination(ctx, &dateline.PushDestination{ClientID: 999, URL: "https://x.example/"}, base), dateline.ENOTFOUND)
	wantCode(t, s.CreatePushDestination(ctx, &dateline.PushDestination{ClientID: c.ID, URL: "https://x.example/ a"}, base), dateline.EINVALID)
	// Stories before the first destination are not pushed.
	upsert(t, s, base, wire("urn:push:old", "world", "Old", base, "1"))
	if n, err := s.FanOutPush(ctx, 100, base, everyone); n != 0 || err != nil {
		t.Fatalf("fan-out with no destination = %d, %v", n, err)
	}
	d1 := &dateline.PushDestination{ClientID: c.ID, URL: "https://one.example/in"}
	d2 := &dateline.PushDestination{ClientID: c.ID, URL: "https://two.example/in"}
	for _, d := range []*dateline.PushDestination{d1, d2} {
		if err := s.CreatePushDestination(ctx, d, base); err != nil {
			t.Fatal(err)
		}
	}
	if len(d1.Secret) != 64 || d1.Secret == d2.Secret {
		t.Fatalf("secrets %q, %q", d1.Secret, d2.Secret)
	}
	got, err := s.PushDestination(ctx, d1.ID)
	if err != nil || got.URL != d1.URL || got.Secret != d1.Secret || got.ClientID != c.ID || !got.CreatedAt.Equal(base) {
		t.Fatalf("PushDestination = %+v, %v", got, err)
	}
	_, err = s.PushDestination(ctx, 999)
	wantCode(t, err, dateline.ENOTFOUND)

	// A story published, then updated: two events, fanned out once.
	upsert(t, s, base, wire("urn:push:a", "world", "A", base, "1"))
	upsert(t, s, base, wire("urn:push:a", "world", "A2", base.Add(time.Minute), "2"))
	if n, err := s.FanOutPush(ctx, 100, base, everyone); n != 2 || err != nil {
		t.Fatalf("fan-out = %d, %v; want 2 events", n, err)
	}
	if n, err := s.FanOutPush(ctx, 100, base, everyone); n != 0 || err != nil {
		t.Fatalf("second fan-out = %d, %v; want nothing", n, err)
	}
	// The plan hears which destinations had a story before.
	upsert(t, s, base, wire("urn:push:a", "world", "A3", base.Add(2*time.Minute), "3"))
	var prior []int64
	if _, err := s.FanOutPush(ctx, 100, base, func(_ context.Context, _ []dateline.Event, _ []dateline.PushDestination, p map[int64][]int64) ([]dateline.PushItem, error) {
		for _, ids := range p {
			prior = ids
		}
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(prior)
	if !slices.Equal(prior, []int64{d1.ID, d2.ID}) {
		t.Errorf("prior = %v, want both destinations", prior)
	}

	// Order per story: only the first delivery of each destination is
	// due; the second waits until it is sent.
	lease := 30 * time.Second
	now := base.Add(time.Second)
	claim := func(at time.Time) []dateline.PushDelivery {
		t.Helper()
		ds, err := s.ClaimPushDeliveries(ctx, at, lease, 100)
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	ds := claim(now)
	if len(ds) != 2 || ds[0].Event != dateline.EventPublished || ds[1].Event != dateline.EventPublished ||
		string(ds[0].Body) != dateline.EventPublished || ds[0].Attempts != 1 || ds[0].URL == "" || ds[0].Secret == "" {
		t.Fatalf("first claim = %+v", ds)
	}
	if again := claim(now); len(again) != 0 {
		t.Fatalf("claimed while leased: %+v", again)
	}
	// The lease ends: the same deliveries again, a second attempt.
	ds = claim(now.Add(lease))
	if len(ds) != 2 || ds[0].Attempts != 2 {
		t.Fatalf("after the lease: %+v", ds)
	}
	now = now.Add(lease)
	var one, two int64
	for _, d := range ds {
		if d.DestinationID == d1.ID {
			one = d.ID
		} else {
			two = d.ID
		}
	}
	if err := s.FinishPushDeliveries(ctx, []dateline.PushResult{
		{ID: one, Sent: true, Status: 204},
		{ID: two, Status: 503, Error: "the destination answered 503", NextAt: now.Add(time.Minute)},
	}, now); err != nil {
		t.Fatal(err)
	}
	ds = claim(now)
	if len(ds) != 1 || ds[0].DestinationID != d1.ID || ds[0].Event != dateline.EventUpdated {
		t.Fatalf("after one sent: %+v", ds)
	}
	if err := s.FinishPushDeliveries(ctx, []dateline.PushResult{{ID: ds[0].ID, Status: 500, Error: "gone"}}, now); err != nil {
		t.Fatal(err)
	}
	// Paused: nothing of d2 is claimed, even when due.
	if err := s.SetPushPaused(ctx, d2.ID, true); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.SetPushPaused(ctx, 999, true), dateline.ENOTFOUND)
	if ds := claim(now.Add(time.Hour)); len(ds) != 0 {
		t.Fatalf("claimed of a paused destination: %+v", ds)
	}
	if err := s.SetPushPaused(ctx, d2.ID, false); err != nil {
		t.Fatal(err)
	}
	if ds := claim(now.Add(time.Hour)); len(ds) != 1 || ds[0].ID != two || ds[0].Attempts != 3 {
		t.Fatalf("resumed: %+v", ds)
	}

	// The log: newest first, with outcomes.
	log, err := s.PushDeliveries(ctx, d1.ID, 0, 10)
	if err != nil || len(log) != 2 {
		t.Fatalf("log = %+v, %v", log, err)
	}
	if log[0].Status != dateline.DeliveryFailed || log[0].LastError != "gone" || log[0].Event != dateline.EventUpdated ||
		log[1].Status != dateline.DeliverySent || log[1].LastStatus != 204 || !log[1].SentAt.Equal(now) || !log[1].CreatedAt.Equal(base) {
		t.Fatalf("log = %+v", log)
	}
	if page, _ := s.PushDeliveries(ctx, d1.ID, log[0].ID, 10); len(page) != 1 || page[0].ID != log[1].ID {
		t.Fatalf("log before %d = %+v", log[0].ID, page)
	}

	// Replay: the two deliveries again, in order, pending.
	n, err := s.ReplayPush(ctx, d1.ID, base, now.Add(time.Minute))
	if err != nil || n != 2 {
		t.Fatalf("ReplayPush = %d, %v", n, err)
	}
	_, err = s.ReplayPush(ctx, 999, base, now)
	wantCode(t, err, dateline.ENOTFOUND)
	ds = claim(now.Add(time.Minute))
	if len(ds) != 1 || ds[0].DestinationID != d1.ID || ds[0].Event != dateline.EventPublished {
		t.Fatalf("replayed: %+v", ds)
	}

	if err := s.DeletePushDestination(ctx, d1.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.DeletePushDestination(ctx, d1.ID), dateline.ENOTFOUND)
	if list, err := s.PushDestinations(ctx, c.ID); err != nil || len(list) != 1 || list[0].ID != d2.ID {
		t.Fatalf("destinations = %+v, %v", list, err)
	}
}
