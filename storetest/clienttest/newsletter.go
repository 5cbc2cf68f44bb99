package clienttest

import (
	"testing"
	"time"

	"dateline"
)

// FillNews records a confirmed and an unconfirmed subscriber, for the
// tests that move every table.
func FillNews(t testing.TB, s dateline.Store) {
	t.Helper()
	for i, addr := range []string{"Reader@Example.org", "new@example.org"} {
		sub := &dateline.NewsSubscriber{Address: addr, Lang: "ru", Zone: "Asia/Vladivostok", Lists: []dateline.NewsList{
			{ListID: "breaking:ru"}, {ListID: "digest:en", Sections: []string{"politics", "world"}, Hour: 7}}}
		if err := s.Subscribe(ctx, sub, base); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, err := s.ConfirmNews(ctx, addr, base); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// testNewsletters: subscribing (validation, upsert), confirming per list,
// reading an address back in any case, recipients by prefix (confirmed,
// not suppressed), one-click unsubscribes lifted by asking again,
// stopping a list, deleting an address with its outbox messages.
func testNewsletters(t *testing.T, s dateline.Store) {
	now := time.Now()
	for _, bad := range []*dateline.NewsSubscriber{
		{Address: "", Lists: []dateline.NewsList{{ListID: "breaking:en"}}},
		{Address: "a@example.org"},
		{Address: "a@example.org\r\nBcc: b@example.org", Lists: []dateline.NewsList{{ListID: "breaking:en"}}},
	} {
		wantCode(t, s.Subscribe(ctx, bad, now), dateline.EINVALID)
	}
	if _, err := s.ConfirmNews(ctx, "nobody@example.org", now); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("ConfirmNews of an unknown address: %v", err)
	}
	FillNews(t, s)
	got, err := s.NewsSubscriber(ctx, "READER@example.org")
	if err != nil || got.Address != "Reader@Example.org" || got.Lang != "ru" || got.Zone != "Asia/Vladivostok" || len(got.Lists) != 2 {
		t.Fatalf("NewsSubscriber = %+v, %v", got, err)
	}
	if d := got.Lists[1]; d.ListID != "digest:en" || d.Hour != 7 || len(d.Sections) != 2 || d.Confirmed.IsZero() || d.Stopped {
		t.Errorf("the digest: %+v", d)
	}
	// A new list of a confirmed address waits for its own confirmation;
	// the form, which anyone may send for any address, changes nothing
	// of the address or its confirmed lists (its language, the digest's
	// hour stay).
	if err := s.Subscribe(ctx, &dateline.NewsSubscriber{Address: "reader@example.org", Lang: "en", Lists: []dateline.NewsList{{ListID: "topic:summit"}, {ListID: "digest:en", Hour: 9}}}, now); err != nil {
		t.Fatal(err)
	}
	got, _ = s.NewsSubscriber(ctx, "reader@example.org")
	if len(got.Lists) != 3 || got.Lists[1].Hour != 7 || got.Lists[1].Confirmed.IsZero() || !got.Lists[2].Confirmed.IsZero() || got.Lang != "ru" || got.Address != "Reader@Example.org" {
		t.Errorf("after subscribing again: %+v", got)
	}
	rs, err := s.NewsRecipients(ctx, "digest:")
	if err != nil || len(rs) != 1 || rs[0].Address != "Reader@Example.org" || rs[0].Hour != 7 || rs[0].Zone != "Asia/Vladivostok" {
		t.Errorf("digest recipients: %+v %v", rs, err)
	}
	if rs, _ := s.NewsRecipients(ctx, "topic:"); len(rs) != 0 {
		t.Errorf("an unconfirmed list has recipients: %+v", rs)
	}
	// One-click unsubscribe: left out; asked again and confirmed: back.
	if err := s.Suppress(ctx, "reader@example.org", "breaking:ru", now); err != nil {
		t.Fatal(err)
	}
	if rs, _ := s.NewsRecipients(ctx, "breaking:"); len(rs) != 0 {
		t.Errorf("a suppressed list has recipients: %+v", rs)
	}
	if got, _ := s.NewsSubscriber(ctx, "reader@example.org"); !got.Lists[0].Stopped {
		t.Errorf("not shown stopped: %+v", got.Lists[0])
	}
	if err := s.Subscribe(ctx, &dateline.NewsSubscriber{Address: "reader@example.org", Lists: []dateline.NewsList{{ListID: "breaking:ru"}}}, now); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ConfirmNews(ctx, "reader@example.org", now); err != nil || n != 2 {
		t.Errorf("ConfirmNews = %d, %v; want 2 (the topic and the list asked again)", n, err)
	}
	if yes, _ := s.Suppressed(ctx, "reader@example.org", "breaking:ru"); yes {
		t.Error("confirming did not lift the unsubscribe")
	}
	if rs, _ := s.NewsRecipients(ctx, "breaking:"); len(rs) != 1 {
		t.Errorf("breaking recipients after confirming again: %+v", rs)
	}
	if err := s.Unfollow(ctx, "reader@example.org", "topic:summit"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.NewsSubscriber(ctx, "reader@example.org"); len(got.Lists) != 2 {
		t.Errorf("after Unfollow: %+v", got.Lists)
	}
	m := &dateline.OutMail{DedupeKey: "alert:1:reader@example.org", ListID: "breaking:ru", To: "Reader@example.org", Text: "x"}
	if _, err := s.EnqueueMail(ctx, m, now); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteNewsSubscriber(ctx, "reader@EXAMPLE.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.NewsSubscriber(ctx, "reader@example.org"); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("after delete: %v", err)
	}
	if ms, _ := s.MailOutbox(ctx, dateline.MailPending, 10); len(ms) != 0 {
		t.Errorf("the outbox kept messages to a deleted address: %+v", ms)
	}
	if err := s.DeleteNewsSubscriber(ctx, "reader@example.org"); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("deleting twice: %v", err)
	}
	if got, _ := s.NewsSubscriber(ctx, "new@example.org"); got == nil || len(got.Lists) != 2 {
		t.Errorf("another address was touched: %+v", got)
	}
}
