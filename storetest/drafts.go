package storetest

import (
	"testing"
	"time"

	"dateline"
)

// testDeleteDraft: a newsroom draft readers never saw goes with its
// revisions, autosaves, attachments and translation link, at the version
// the person saw; published, withdrawn and wire stories stay.
func testDeleteDraft(t *testing.T, s dateline.Store) {
	ru := dateline.Section{Slug: "politika", Name: "Политика", Position: 20, Lang: "ru"}
	if err := s.SaveSection(ctx, &ru); err != nil {
		t.Fatal(err)
	}
	u := mkUser(t, s, "del@example.org", "Dana Deleter", dateline.RoleEditor)
	d := draft("urn:del:draft", "politics", "Draft to delete")
	save(t, s, d, 0, u.ID, base)
	save(t, s, d, 1, u.ID, base.Add(time.Minute))
	if err := s.SaveAutosave(ctx, &dateline.Autosave{ArticleID: d.ID, UserID: u.ID, Base: 2, Data: []byte(`{}`), SavedAt: base}, base); err != nil {
		t.Fatal(err)
	}
	// A Russian translation of it, a story following it, and a story page
	// holding it.
	tr := draft("urn:del:ru", "politika", "Черновик")
	tr.Lang = "ru"
	of := d.ID
	if err := s.SaveArticle(ctx, tr, 0, &dateline.Revision{Kind: dateline.RevisionSave, UserID: u.ID, Data: []byte(`{}`), TranslationOf: &of}, base); err != nil {
		t.Fatal(err)
	}
	next := draft("urn:del:next", "politics", "Follow-up")
	next.Follows = d.ID
	save(t, s, next, 0, u.ID, base)
	page := &dateline.Story{Title: "Deletions"}
	if err := s.SaveStory(ctx, page, base); err != nil {
		t.Fatal(err)
	}
	if err := s.SetStoryArticles(ctx, page.ID, []int64{d.ID, next.ID}, base); err != nil {
		t.Fatal(err)
	}

	wantCode(t, s.DeleteDraft(ctx, d.ID, 1), dateline.ECONFLICT)
	wantCode(t, s.DeleteDraft(ctx, 424242, 1), dateline.ENOTFOUND)
	if err := s.DeleteDraft(ctx, d.ID, 2); err != nil {
		t.Fatalf("DeleteDraft: %v", err)
	}
	_, err := s.Article(ctx, d.ID)
	wantCode(t, err, dateline.ENOTFOUND)
	if revs, err := s.Revisions(ctx, d.ID); err != nil || len(revs) != 0 {
		t.Errorf("Revisions after delete = %v, %v", revs, err)
	}
	_, err = s.Autosave(ctx, d.ID, u.ID)
	wantCode(t, err, dateline.ENOTFOUND)
	if got := get(t, s, next.ID); got.Follows != 0 {
		t.Errorf("the follow-up still follows %d", got.Follows)
	}
	if of, err := s.TranslationOf(ctx, tr.ID); err != nil || of != 0 {
		t.Errorf("TranslationOf(the translation) = %d, %v; want 0", of, err)
	}
	if got, err := s.StoryArticleIDs(ctx, page.ID); err != nil || !sameIDs(got, []int64{next.ID}) {
		t.Errorf("StoryArticleIDs = %v, %v; want [%d]", got, err, next.ID)
	}
	wantCode(t, s.DeleteDraft(ctx, d.ID, 2), dateline.ENOTFOUND)

	// A submitted draft may go; what readers saw, and the wire's, stay.
	sub := draft("urn:del:submitted", "politics", "Submitted")
	sub.Status = dateline.StatusSubmitted
	save(t, s, sub, 0, u.ID, base)
	if err := s.DeleteDraft(ctx, sub.ID, 1); err != nil {
		t.Errorf("DeleteDraft(submitted): %v", err)
	}
	pub := draft("urn:del:published", "politics", "Published")
	pub.Status = dateline.StatusPublished
	save(t, s, pub, 0, u.ID, base)
	wantCode(t, s.DeleteDraft(ctx, pub.ID, 1), dateline.EINVALID)
	pub.Status = dateline.StatusWithdrawn
	save(t, s, pub, 1, u.ID, base.Add(time.Minute))
	wantCode(t, s.DeleteDraft(ctx, pub.ID, 2), dateline.EINVALID)
	w := wire("urn:del:wire", "politics", "From the wire", base, "1")
	w.Status = dateline.StatusDraft
	rs := upsert(t, s, base, w)
	wantCode(t, s.DeleteDraft(ctx, rs[0].ID, get(t, s, rs[0].ID).Version), dateline.EINVALID)
	if _, err := s.Article(ctx, pub.ID); err != nil {
		t.Errorf("the withdrawn story is gone: %v", err)
	}
}
