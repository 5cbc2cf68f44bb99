package clienttest

import (
	"bytes"
	"slices"
	"sync"
	"testing"
	"time"

	"dateline"
)

// FillPortal adds a session, an invitation, a bookmark, a follow and a
// usage count to the client FillClients made, for the tests that move
// every table.
func FillPortal(t testing.TB, s dateline.Store, articleID int64) {
	t.Helper()
	u, err := s.ClientUserByEmail(ctx, "desk@bank.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateClientSession(ctx, &dateline.ClientSession{Hash: bytes.Repeat([]byte{0xba}, 32), UserID: u.ID, CSRF: "c", ExpiresAt: base.Add(time.Hour)}, base); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateInvitation(ctx, &dateline.Invitation{Hash: bytes.Repeat([]byte{0xbb}, 32), UserID: u.ID, ExpiresAt: base.Add(time.Hour)}, base); err != nil {
		t.Fatal(err)
	}
	if err := s.AddBookmark(ctx, u.ID, articleID, base); err != nil {
		t.Fatal(err)
	}
	if err := s.AddFollow(ctx, &dateline.Follow{UserID: u.ID, Kind: dateline.FollowTopic, Value: "football"}, base); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUsage(ctx, []dateline.Usage{{ClientID: u.ClientID, ProductID: 1, Day: "2026-10-23", Kind: dateline.UsageDownloaded, Count: 2}}); err != nil {
		t.Fatal(err)
	}
}

// testPortal checks client sessions, the lockout, invitations (once,
// expiry), bookmarks, follows and usage.
func testPortal(t *testing.T, s dateline.Store) {
	c := &dateline.Client{Name: "Portal Bank", SeatLimit: 5}
	if err := s.CreateClient(ctx, c, base); err != nil {
		t.Fatal(err)
	}
	u := &dateline.ClientUser{ClientID: c.ID, Email: "ann@bank.example", Name: "Ann", PasswordHash: "old"}
	if err := s.CreateClientUser(ctx, u, base); err != nil {
		t.Fatal(err)
	}

	// Sessions: live until their end, gone with a disabled user or a new password.
	hash := bytes.Repeat([]byte{1}, 32)
	if err := s.CreateClientSession(ctx, &dateline.ClientSession{Hash: hash, UserID: u.ID, CSRF: "tok", ExpiresAt: base.Add(time.Hour)}, base); err != nil {
		t.Fatal(err)
	}
	se, err := s.ClientSession(ctx, hash, base.Add(59*time.Minute))
	if err != nil || se.User == nil || se.User.Email != u.Email || se.CSRF != "tok" {
		t.Fatalf("ClientSession = %+v, %v", se, err)
	}
	if _, err := s.ClientSession(ctx, hash, base.Add(time.Hour)); dateline.ErrorCode(err) != dateline.EUNAUTHORIZED {
		t.Errorf("an ended session: %v, want EUNAUTHORIZED", err)
	}
	if _, err := s.ClientSession(ctx, []byte("nope"), base); dateline.ErrorCode(err) != dateline.EUNAUTHORIZED {
		t.Errorf("an unknown session: %v, want EUNAUTHORIZED", err)
	}
	if err := s.CreateClientSession(ctx, &dateline.ClientSession{Hash: []byte("x"), UserID: 999999, ExpiresAt: base}, base); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("a session of no one: %v, want ENOTFOUND", err)
	}
	if err := s.SetClientPassword(ctx, u.ID, "new"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClientSession(ctx, hash, base); dateline.ErrorCode(err) != dateline.EUNAUTHORIZED {
		t.Errorf("a new password leaves the session: %v", err)
	}
	if got, _ := s.ClientUser(ctx, u.ID); got == nil || got.PasswordHash != "new" {
		t.Errorf("password hash = %+v", got)
	}
	s.CreateClientSession(ctx, &dateline.ClientSession{Hash: hash, UserID: u.ID, ExpiresAt: base.Add(time.Hour)}, base)
	if err := s.DeleteExpiredClientSessions(ctx, base.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClientSession(ctx, hash, base); dateline.ErrorCode(err) != dateline.EUNAUTHORIZED {
		t.Errorf("an expired session was not removed: %v", err)
	}

	// The lockout: five failures at once lock once, a success then is refused.
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.ClientLoginFailed(ctx, u.ID, base, 5, 15*time.Minute); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, _ := s.ClientUser(ctx, u.ID)
	if !got.LockedUntil.Equal(base.Add(15*time.Minute)) || got.Failures != 0 {
		t.Errorf("after 5 failures: locked until %v, %d failures", got.LockedUntil, got.Failures)
	}
	if err := s.ClientLoginSucceeded(ctx, u.ID, base.Add(time.Minute)); dateline.ErrorCode(err) != dateline.EFORBIDDEN {
		t.Errorf("success while locked: %v, want EFORBIDDEN", err)
	}
	if err := s.ClientLoginSucceeded(ctx, u.ID, base.Add(16*time.Minute)); err != nil {
		t.Errorf("success after the lock: %v", err)
	}
	if _, err := s.ClientLoginFailed(ctx, 999999, base, 5, time.Minute); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("failure of no one: %v", err)
	}

	// Invitations: the newest only, once, before their end.
	inv1, inv2 := bytes.Repeat([]byte{2}, 32), bytes.Repeat([]byte{3}, 32)
	for _, h := range [][]byte{inv1, inv2} {
		if err := s.CreateInvitation(ctx, &dateline.Invitation{Hash: h, UserID: u.ID, ExpiresAt: base.Add(time.Hour)}, base); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Invitation(ctx, inv1, base); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("a replaced invitation: %v, want ENOTFOUND", err)
	}
	if _, err := s.AcceptInvitation(ctx, inv2, "h", base.Add(time.Hour)); dateline.ErrorCode(err) != dateline.EGONE {
		t.Errorf("an expired invitation: %v, want EGONE", err)
	}
	var accepted int
	var mu sync.Mutex
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := s.AcceptInvitation(ctx, inv2, "invited", base)
			if err == nil {
				mu.Lock()
				accepted++
				mu.Unlock()
				if got.ID != u.ID {
					t.Errorf("accepted for %d, want %d", got.ID, u.ID)
				}
			} else if c := dateline.ErrorCode(err); c != dateline.ENOTFOUND && c != dateline.EGONE {
				t.Errorf("a second use: %v", err)
			}
		}()
	}
	wg.Wait()
	if accepted != 1 {
		t.Errorf("an invitation was used %d times, want once", accepted)
	}
	if got, _ := s.ClientUser(ctx, u.ID); got.PasswordHash != "invited" {
		t.Errorf("the invitation set %q", got.PasswordHash)
	}

	// Bookmarks.
	rs := upsert(t, s, base, article("urn:portal:1", "sport", base), article("urn:portal:2", "sport", base))
	a, b := rs[0], rs[1]
	for i, id := range []int64{a.ID, b.ID, a.ID} {
		if err := s.AddBookmark(ctx, u.ID, id, base.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddBookmark(ctx, u.ID, 999999, base); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("a bookmark of nothing: %v", err)
	}
	if ids, err := s.Bookmarks(ctx, u.ID); err != nil || !slices.Equal(ids, []int64{b.ID, a.ID}) {
		t.Errorf("Bookmarks = %v, %v; want %v", ids, err, []int64{b.ID, a.ID})
	}
	if err := s.RemoveBookmark(ctx, u.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.Bookmarks(ctx, u.ID); !slices.Equal(ids, []int64{a.ID}) {
		t.Errorf("after removing: %v", ids)
	}

	// Follows.
	f := &dateline.Follow{UserID: u.ID, Kind: dateline.FollowTopic, Value: " Football "}
	if err := s.AddFollow(ctx, f, base); err != nil || f.Value != "football" {
		t.Fatalf("AddFollow: %v (%q)", err, f.Value)
	}
	if err := s.AddFollow(ctx, &dateline.Follow{UserID: u.ID, Kind: dateline.FollowTopic, Value: "football"}, base); dateline.ErrorCode(err) != dateline.ECONFLICT {
		t.Errorf("a second follow of one topic: %v", err)
	}
	if err := s.AddFollow(ctx, &dateline.Follow{UserID: u.ID, Kind: "mood", Value: "x"}, base); dateline.ErrorCode(err) != dateline.EINVALID {
		t.Errorf("a follow of a mood: %v", err)
	}
	s.AddFollow(ctx, &dateline.Follow{UserID: u.ID, Kind: dateline.FollowPerson, Value: "ivan-petrov"}, base)
	s.AddFollow(ctx, &dateline.Follow{UserID: u.ID, Kind: dateline.FollowSearch, Value: "central  bank"}, base)
	fs, err := s.Follows(ctx, u.ID)
	if err != nil || len(fs) != 3 || fs[2].Value != "central bank" {
		t.Fatalf("Follows = %+v, %v", fs, err)
	}
	for _, tc := range []struct {
		topics, persons []string
		want            int
	}{{nil, nil, 1}, {[]string{"football"}, nil, 2}, {[]string{"chess"}, []string{"ivan-petrov"}, 2}, {[]string{"football"}, []string{"ivan-petrov"}, 3}} {
		if got, err := s.FollowsFor(ctx, tc.topics, tc.persons); err != nil || len(got) != tc.want {
			t.Errorf("FollowsFor(%v, %v) = %d follows, %v; want %d", tc.topics, tc.persons, len(got), err, tc.want)
		}
	}
	if err := s.DeleteFollow(ctx, u.ID+1, fs[0].ID); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("deleting another's follow: %v", err)
	}
	if err := s.DeleteFollow(ctx, u.ID, fs[0].ID); err != nil {
		t.Error(err)
	}

	// Usage adds up per client, product, day and kind.
	for range 2 {
		if err := s.AddUsage(ctx, []dateline.Usage{{ClientID: c.ID, ProductID: 7, Day: "2026-10-23", Kind: dateline.UsageDownloaded, Count: 2},
			{ClientID: c.ID, ProductID: 7, Day: "2026-10-24", Kind: dateline.UsageDelivered, Count: 5}}); err != nil {
			t.Fatal(err)
		}
	}
	us, err := s.UsageOf(ctx, c.ID, "2026-10-01", "2026-10-31")
	if err != nil || len(us) != 2 || us[0].Count != 4 || us[1].Count != 10 || us[1].Kind != dateline.UsageDelivered {
		t.Errorf("UsageOf = %+v, %v", us, err)
	}
	if us, _ := s.UsageOf(ctx, c.ID, "2026-10-24", "2026-10-24"); len(us) != 1 {
		t.Errorf("one day's usage: %+v", us)
	}
}
