package dateline

import (
	"testing"
	"time"
)

func TestStoredStatusRoundTrip(t *testing.T) {
	for _, s := range []Status{StatusDraft, StatusSubmitted, StatusWithheld, StatusScheduled, StatusPublished, StatusWithdrawn} {
		stored := StoredStatus(s)
		if got := ReadStatus(stored, s == StatusSubmitted, s == StatusWithheld); got != s {
			t.Errorf("ReadStatus(StoredStatus(%q)) = %q", s, got)
		}
	}
	if StoredStatus(StatusSubmitted) != string(StatusDraft) || StoredStatus(StatusWithheld) != string(StatusDraft) {
		t.Error("submitted and withheld are stored as drafts")
	}
}

func TestTopRefsValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		refs TopRefs
		ok   bool
	}{
		{"empty", nil, true},
		{"article and story", TopRefs{{ArticleID: 1}, {StoryID: 1}}, true},
		{"neither", TopRefs{{}}, false},
		{"both", TopRefs{{ArticleID: 1, StoryID: 2}}, false},
		{"twice", TopRefs{{ArticleID: 1}, {ArticleID: 1}}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.refs.Validate()
			if (err == nil) != c.ok || (err != nil && ErrorCode(err) != EINVALID) {
				t.Errorf("Validate = %v", err)
			}
		})
	}
}

func TestMergeViewCounts(t *testing.T) {
	got := MergeViewCounts([]ViewCount{{ArticleID: 2, Minute: 5, Count: 1}, {ArticleID: 1, Minute: 5, Count: 2},
		{ArticleID: 2, Minute: 5, Count: 3}, {ArticleID: 0, Minute: 4, Count: 9}, {ArticleID: 3, Minute: 4, Count: 0}})
	want := []ViewCount{{ArticleID: 1, Minute: 5, Count: 2}, {ArticleID: 2, Minute: 5, Count: 4}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("MergeViewCounts = %v, want %v", got, want)
	}
}

func TestSettleWriteKeepsSubmission(t *testing.T) {
	submitted := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	now := submitted.Add(time.Hour)
	old := &StoredArticle{ID: 7, Status: StatusSubmitted, SubmittedAt: submitted, AuthorID: 3, Source: "wire"}
	a := &Article{Status: StatusSubmitted}
	a.SettleWrite(old, now)
	if !a.SubmittedAt.Equal(submitted) || a.AuthorID != 3 || a.Source != "wire" {
		t.Errorf("SettleWrite kept %v, author %d, source %q", a.SubmittedAt, a.AuthorID, a.Source)
	}
	a = &Article{Status: StatusDraft, SubmittedAt: submitted}
	a.SettleWrite(nil, now)
	if !a.SubmittedAt.IsZero() {
		t.Errorf("a draft keeps no submission time, got %v", a.SubmittedAt)
	}
}
