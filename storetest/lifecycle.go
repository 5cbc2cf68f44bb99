package storetest

import (
	"testing"
	"time"

	"dateline"
)

// restore is an editor's "Restore" of a withdrawn story in the newsroom:
// published again, with headline when it is not "".
func restore(t *testing.T, s dateline.Store, id int64, headline string, now time.Time) *dateline.Article {
	t.Helper()
	a := get(t, s, id)
	a.Status = dateline.StatusPublished
	if headline != "" {
		a.Headline = headline
	}
	if err := s.SaveArticle(ctx, a, a.Version, &dateline.Revision{Kind: dateline.RevisionRestore}, now); err != nil {
		t.Fatalf("restore %d: %v", id, err)
	}
	return a
}
