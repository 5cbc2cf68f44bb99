package clienttest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"dateline"
)

// FillMail queues a message, sends another and suppresses an address,
// for the tests that move every table.
func FillMail(t testing.TB, s dateline.Store) {
	t.Helper()
	for i, to := range []string{"reader@example.org", "other@example.org"} {
		m := &dateline.OutMail{DedupeKey: fmt.Sprintf("fill:%d", i), ListID: "breaking", Lang: "ru", To: to, Subject: "Срочно", Text: "Text", HTML: "<p>Text</p>"}
		if ok, err := s.EnqueueMail(ctx, m, base); err != nil || !ok {
			t.Fatalf("EnqueueMail: %v %v", ok, err)
		}
	}
	ms, _, err := s.ClaimMail(ctx, base, time.Minute, 1)
	if err != nil || len(ms) != 1 {
		t.Fatalf("ClaimMail: %v %v", ms, err)
	}
	if err := s.FinishMail(ctx, []dateline.MailResult{{ID: ms[0].ID, Sent: true}}, base); err != nil {
		t.Fatal(err)
	}
	if err := s.Suppress(ctx, "gone@example.org", "breaking", base); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MailKey(ctx); err != nil {
		t.Fatal(err)
	}
}

func testMail(t *testing.T, s dateline.Store) {
	enqueue := func(key, list, to string, at time.Time) (*dateline.OutMail, bool) {
		t.Helper()
		m := &dateline.OutMail{DedupeKey: key, ListID: list, To: to, Subject: "Сейсмологи: " + key, Text: "text " + key, HTML: "<p>" + key + "</p>"}
		ok, err := s.EnqueueMail(ctx, m, at)
		if err != nil {
			t.Fatalf("EnqueueMail(%s): %v", key, err)
		}
		return m, ok
	}
	// The same dedupe key is queued once, whatever the rest says.
	a, ok := enqueue("story:1:a@example.org", "breaking", "a@example.org", base)
	if !ok || a.ID == 0 || a.Status != dateline.MailPending {
		t.Fatalf("first enqueue: %v %+v", ok, a)
	}
	if _, ok := enqueue("story:1:a@example.org", "breaking", "A@example.org", base.Add(time.Second)); ok {
		t.Fatal("the same dedupe key was queued twice")
	}
	for _, bad := range []*dateline.OutMail{{DedupeKey: "k", To: "", Text: "x"}, {DedupeKey: "", To: "a@example.org", Text: "x"},
		{DedupeKey: "k", To: "a@example.org"}, {DedupeKey: "k", To: "a@example.org\r\nBcc: x@example.org", Text: "x"}} {
		_, err := s.EnqueueMail(ctx, bad, base)
		wantCode(t, err, dateline.EINVALID)
	}
	b, _ := enqueue("story:1:b@example.org", "breaking", "B@Example.org", base)
	c, _ := enqueue("invite:c", "", "c@example.org", base)
	later, _ := enqueue("story:2:a@example.org", "breaking", "a@example.org", base.Add(time.Hour))

	// Suppression is per list and ignores case; a message without a list
	// is never suppressed.
	if err := s.Suppress(ctx, " b@example.ORG ", "breaking", base); err != nil {
		t.Fatal(err)
	}
	if err := s.Suppress(ctx, "b@example.org", "breaking", base); err != nil {
		t.Fatalf("suppressing twice: %v", err)
	}
	wantCode(t, s.Suppress(ctx, "", "breaking", base), dateline.EINVALID)
	if err := s.Suppress(ctx, "c@example.org", "newsletter", base); err != nil {
		t.Fatal(err)
	}
	if yes, err := s.Suppressed(ctx, "B@EXAMPLE.org", "breaking"); err != nil || !yes {
		t.Fatalf("Suppressed = %v %v", yes, err)
	}
	if yes, _ := s.Suppressed(ctx, "b@example.org", "newsletter"); yes {
		t.Fatal("suppressed from another list")
	}

	now := base.Add(time.Minute)
	got, suppressed, err := s.ClaimMail(ctx, now, time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	if suppressed != 1 || len(got) != 2 || got[0].ID != a.ID || got[1].ID != c.ID {
		t.Fatalf("claimed %+v, suppressed %d; want a and c, b suppressed", got, suppressed)
	}
	if got[0].Attempts != 1 || got[0].HTML != "<p>story:1:a@example.org</p>" || got[0].Subject != a.Subject || got[0].ListID != "breaking" || got[0].Lang != "en" {
		t.Errorf("claimed message: %+v", got[0])
	}
	// Leased: not claimed again before the lease ends, then again.
	if again, _, _ := s.ClaimMail(ctx, now.Add(30*time.Second), time.Minute, 10); len(again) != 0 {
		t.Fatalf("claimed again within the lease: %+v", again)
	}
	again, _, err := s.ClaimMail(ctx, now.Add(61*time.Second), time.Minute, 1)
	if err != nil || len(again) != 1 || again[0].ID != a.ID || again[0].Attempts != 2 {
		t.Fatalf("after the lease: %+v %v", again, err)
	}
	done := now.Add(2 * time.Minute)
	if err := s.FinishMail(ctx, []dateline.MailResult{
		{ID: a.ID, Sent: true},
		{ID: c.ID, Error: "550 no such user"},
	}, done); err != nil {
		t.Fatal(err)
	}
	failed, err := s.MailOutbox(ctx, dateline.MailFailed, 10)
	if err != nil || len(failed) != 1 || failed[0].ID != c.ID || failed[0].LastError != "550 no such user" {
		t.Fatalf("failed: %+v %v", failed, err)
	}
	sup, _ := s.MailOutbox(ctx, dateline.MailSuppressed, 10)
	if len(sup) != 1 || sup[0].ID != b.ID {
		t.Fatalf("suppressed: %+v", sup)
	}
	// A retry waits for its time.
	l, _, _ := s.ClaimMail(ctx, base.Add(time.Hour), time.Minute, 10)
	if len(l) != 1 || l[0].ID != later.ID {
		t.Fatalf("later: %+v", l)
	}
	if err := s.FinishMail(ctx, []dateline.MailResult{{ID: later.ID, Error: "421 busy", NextAt: base.Add(2 * time.Hour)}}, base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if l, _, _ := s.ClaimMail(ctx, base.Add(2*time.Hour-time.Second), time.Minute, 10); len(l) != 0 {
		t.Fatalf("claimed before its retry: %+v", l)
	}
	pending, _ := s.MailOutbox(ctx, dateline.MailPending, 10)
	if len(pending) != 1 || pending[0].LastError != "421 busy" {
		t.Fatalf("pending: %+v", pending)
	}
	// Pruning takes what was sent or suppressed before the time, and
	// their keys: the same key may be queued again.
	n, err := s.PruneMail(ctx, done.Add(time.Second))
	if err != nil || n != 2 {
		t.Fatalf("PruneMail = %d %v, want 2 (sent and suppressed)", n, err)
	}
	if _, ok := enqueue("story:1:a@example.org", "breaking", "a@example.org", done); !ok {
		t.Fatal("a pruned key was not queued again")
	}
	// One key, made once.
	k1, err := s.MailKey(ctx)
	if err != nil || len(k1) != 32 {
		t.Fatalf("MailKey: %x %v", k1, err)
	}
	if k2, _ := s.MailKey(ctx); !bytes.Equal(k1, k2) {
		t.Fatal("the mail key changed")
	}
}

// testMailClaimsOnce has several claimers take a queue at once: each
// message is claimed by one of them.
func testMailClaimsOnce(t *testing.T, s dateline.Store) {
	const n = 60
	for i := range n {
		m := &dateline.OutMail{DedupeKey: fmt.Sprint("k", i), To: fmt.Sprintf("r%d@example.org", i), Text: "x"}
		if _, err := s.EnqueueMail(ctx, m, base); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				ms, _, err := s.ClaimMail(ctx, base.Add(time.Second), time.Hour, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ms) == 0 {
					return
				}
				mu.Lock()
				for _, m := range ms {
					seen[m.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Fatalf("%d messages claimed, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("message %d claimed %d times", id, c)
		}
	}
}
