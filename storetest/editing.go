package storetest

import (
	"strings"
	"testing"
	"time"

	"dateline"
)

// testLoginWhileLocked: a right password checked while wrong ones locked
// the account must not lift the lock.
func testLoginWhileLocked(t *testing.T, s dateline.Store) {
	u := mkUser(t, s, "anna@example.org", "Anna", dateline.RoleEditor)
	const lock = 15 * time.Minute
	// Wrong passwords at once lock the account at base until 10:58 UTC,
	// then one more counts a failure.
	if _, err := s.LoginFailed(ctx, u.ID, base, 1, lock); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoginFailed(ctx, u.ID, base, 100, lock); err != nil {
		t.Fatal(err)
	}
	before, err := s.User(ctx, u.ID)
	if err != nil || !before.LockedUntil.Equal(base.Add(lock)) || before.Failures != 1 {
		t.Fatalf("locked account = %+v, %v", before, err)
	}

	for _, now := range []time.Time{base, base.Add(time.Minute), base.Add(lock - time.Second)} {
		err := s.LoginSucceeded(ctx, u.ID, now)
		wantCode(t, err, dateline.EFORBIDDEN)
		if msg := dateline.ErrorMessage(err); !strings.Contains(msg, "10:58 UTC") {
			t.Errorf("message %q does not say until when", msg)
		}
		if got, _ := s.User(ctx, u.ID); !got.LockedUntil.Equal(before.LockedUntil) || got.Failures != 1 {
			t.Errorf("at %v: a sign-in on a locked account changed it: %+v", now, got)
		}
	}

	// Once the lock ends, the sign-in clears it and the failures.
	if err := s.LoginSucceeded(ctx, u.ID, base.Add(lock)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, u.ID); !got.LockedUntil.IsZero() || got.Failures != 0 {
		t.Errorf("after the lock ended: %+v", got)
	}
	// An account with failures but no lock is cleared at once.
	if _, err := s.LoginFailed(ctx, u.ID, base, 100, lock); err != nil {
		t.Fatal(err)
	}
	if err := s.LoginSucceeded(ctx, u.ID, base); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, u.ID); !got.LockedUntil.IsZero() || got.Failures != 0 {
		t.Errorf("after success: %+v", got)
	}
	wantCode(t, s.LoginSucceeded(ctx, 424242, base), dateline.ENOTFOUND)
}

// testStoryArticleIDs: an edit of a story's attachments starts from all of
// them, not only the published ones its page shows.
func testStoryArticleIDs(t *testing.T, s dateline.Store) {
	st := &dateline.Story{Title: "Conflict in Syria"}
	empty := &dateline.Story{Title: "Arctic shipping"}
	for _, x := range []*dateline.Story{st, empty} {
		if err := s.SaveStory(ctx, x, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	published := article("urn:sids:1", "world", base.Add(-time.Hour))
	scheduled := article("urn:sids:2", "world", time.Time{})
	scheduled.Status, scheduled.EmbargoUntil = dateline.StatusScheduled, base.Add(time.Hour)
	drafted := article("urn:sids:3", "world", base)
	drafted.Status = dateline.StatusDraft
	withdrawn := article("urn:sids:4", "world", base.Add(-2*time.Hour))
	withdrawn.Status = dateline.StatusWithdrawn
	rs := upsert(t, s, base, published, scheduled, drafted, withdrawn)
	all := []int64{rs[0].ID, rs[1].ID, rs[2].ID, rs[3].ID}
	if err := s.SetStoryArticles(ctx, st.ID, []int64{rs[3].ID, rs[1].ID, rs[0].ID, rs[2].ID}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.StoryByID(ctx, st.ID); len(got.Articles) != 1 {
		t.Fatalf("the page shows %v, want only the published one", ids(got.Articles))
	}
	got, err := s.StoryArticleIDs(ctx, st.ID)
	if err != nil || !sameIDs(got, all) {
		t.Errorf("StoryArticleIDs = %v, %v; want %v", got, err, all)
	}
	if got, err := s.StoryArticleIDs(ctx, empty.ID); err != nil || got == nil || len(got) != 0 {
		t.Errorf("StoryArticleIDs(empty) = %#v, %v; want an empty list", got, err)
	}
	_, err = s.StoryArticleIDs(ctx, 424242)
	wantCode(t, err, dateline.ENOTFOUND)
}

// testTopRefs: an edit of the home page's list starts from all of it,
// articles not yet published included.
func testTopRefs(t *testing.T, s dateline.Store) {
	if got, err := s.TopRefs(ctx); err != nil || got == nil || len(got) != 0 {
		t.Errorf("TopRefs of nothing = %#v, %v; want an empty list", got, err)
	}
	published := article("urn:trefs:1", "world", base.Add(-time.Hour))
	scheduled := article("urn:trefs:2", "world", time.Time{})
	scheduled.Status, scheduled.EmbargoUntil = dateline.StatusScheduled, base.Add(time.Hour)
	drafted := article("urn:trefs:3", "world", base)
	drafted.Status = dateline.StatusDraft
	rs := upsert(t, s, base, published, scheduled, drafted)
	st := &dateline.Story{Title: "Conflict in Syria"}
	if err := s.SaveStory(ctx, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	refs := []dateline.TopRef{{ArticleID: rs[1].ID}, {StoryID: st.ID}, {ArticleID: rs[0].ID}, {ArticleID: rs[2].ID}}
	if err := s.SetTopStories(ctx, refs); err != nil {
		t.Fatal(err)
	}
	if top, _ := s.TopStories(ctx); len(top) != 2 {
		t.Fatalf("TopStories shows %d, want the story page and the published article", len(top))
	}
	got, err := s.TopRefs(ctx)
	if err != nil || len(got) != len(refs) {
		t.Fatalf("TopRefs = %v, %v; want %v", got, err, refs)
	}
	for i := range refs {
		if got[i] != refs[i] {
			t.Errorf("TopRefs = %v, want %v", got, refs)
			break
		}
	}
}
