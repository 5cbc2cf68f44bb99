package storetest

import (
	"testing"
	"time"

	"dateline"
)

// testArticleMeta: a story's meta description and social headline are
// stored with it, read back in lists and alone, changed and cleared by a
// save, and kept in its revision.
func testArticleMeta(t *testing.T, s dateline.Store) {
	a := article("urn:meta:1", "politics", base)
	a.MetaDescription, a.SocialHeadline = "The port works through the night from March.", "Night shifts for the port"
	rs := upsert(t, s, base, a)
	got, err := s.Article(ctx, rs[0].ID)
	if err != nil || got.MetaDescription != a.MetaDescription || got.SocialHeadline != a.SocialHeadline {
		t.Fatalf("Article = %q, %q, %v", got.MetaDescription, got.SocialHeadline, err)
	}
	list, err := s.Articles(ctx, dateline.ArticleFilter{Limit: 5})
	if err != nil || len(list) != 1 || list[0].SocialHeadline != a.SocialHeadline {
		t.Errorf("Articles = %+v, %v", list, err)
	}
	got.SocialHeadline, got.MetaDescription = "", "Cranes after dark."
	if err := s.SaveArticle(ctx, got, got.Version, nil, base.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	again, _ := s.Article(ctx, got.ID)
	if again.SocialHeadline != "" || again.MetaDescription != "Cranes after dark." {
		t.Errorf("after the save: %q, %q", again.MetaDescription, again.SocialHeadline)
	}
	if d := dateline.DraftOf(again); d.MetaDescription != "Cranes after dark." {
		t.Errorf("the draft of the story: %+v", d)
	}
}
