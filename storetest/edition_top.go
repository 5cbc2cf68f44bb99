package storetest

import (
	"strings"
	"testing"
	"time"

	"dateline"
)

// testEditionTop: each edition has its own top stories; an article leads
// only its own edition's list, a story page one edition's at most, and
// saving one list leaves the other as it was.
func testEditionTop(t *testing.T, s dateline.Store) {
	ru := dateline.Section{Slug: "politika", Name: "Политика", Position: 20, Lang: "ru"}
	if err := s.SaveSection(ctx, &ru); err != nil {
		t.Fatal(err)
	}
	en1 := article("urn:et:en1", "politics", base.Add(-time.Hour))
	en2 := article("urn:et:en2", "world", base)
	ru1 := article("urn:et:ru1", "politika", base)
	ru1.Lang, ru1.Headline = "ru", "Выборы в Думу"
	rs := upsert(t, s, base, en1, en2, ru1)
	page := &dateline.Story{Title: "Conflict in Syria"}
	if err := s.SaveStory(ctx, page, time.Now()); err != nil {
		t.Fatal(err)
	}
	enList := []dateline.TopRef{{ArticleID: rs[1].ID}, {StoryID: page.ID}, {ArticleID: rs[0].ID}}
	if err := s.SetTopStories(ctx, enList); err != nil {
		t.Fatal(err)
	}
	ruList := []dateline.TopRef{{ArticleID: rs[2].ID}}
	if err := s.SetEditionTop(ctx, "ru", ruList); err != nil {
		t.Fatal(err)
	}
	// Saving the English list again leaves the Russian one.
	if err := s.SetEditionTop(ctx, "en", enList); err != nil {
		t.Fatal(err)
	}
	for ed, want := range map[string][]dateline.TopRef{"en": enList, "ru": ruList} {
		got, err := s.EditionTopRefs(ctx, ed)
		if err != nil || len(got) != len(want) {
			t.Fatalf("EditionTopRefs(%s) = %v, %v; want %v", ed, got, err, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("EditionTopRefs(%s) = %v, want %v", ed, got, want)
			}
		}
	}
	if top, err := s.EditionTop(ctx, "ru"); err != nil || len(top) != 1 || top[0].Article == nil || top[0].Article.Headline != "Выборы в Думу" {
		t.Errorf("EditionTop(ru) = %+v, %v", top, err)
	}
	if top, err := s.TopStories(ctx); err != nil || len(top) != 3 || top[1].Story == nil || top[1].Story.ID != page.ID {
		t.Errorf("TopStories = %+v, %v", top, err)
	}

	// The Russian story on the English list, and the English on the
	// Russian, are refused with words, and nothing changes.
	err := s.SetEditionTop(ctx, "en", append([]dateline.TopRef{{ArticleID: rs[2].ID}}, enList...))
	wantCode(t, err, dateline.EINVALID)
	if msg := dateline.ErrorMessage(err); !strings.Contains(msg, "Выборы в Думу") || !strings.Contains(msg, "Russian edition") {
		t.Errorf("refusing a Russian story for English: %q", msg)
	}
	err = s.SetEditionTop(ctx, "ru", []dateline.TopRef{{ArticleID: rs[0].ID}})
	wantCode(t, err, dateline.EINVALID)
	if msg := dateline.ErrorMessage(err); !strings.Contains(msg, "English edition") {
		t.Errorf("refusing an English story for Russian: %q", msg)
	}
	wantCode(t, s.SetEditionTop(ctx, "ru", []dateline.TopRef{{StoryID: page.ID}}), dateline.EINVALID)
	wantCode(t, s.SetEditionTop(ctx, "de", nil), dateline.EINVALID)
	wantCode(t, s.SetEditionTop(ctx, "ru", []dateline.TopRef{{ArticleID: 999999}}), dateline.ENOTFOUND)
	if got, _ := s.EditionTopRefs(ctx, "ru"); len(got) != 1 || got[0] != ruList[0] {
		t.Errorf("after refusals the Russian list is %v", got)
	}
	if got, _ := s.TopRefs(ctx); len(got) != 3 {
		t.Errorf("after refusals the English list is %v", got)
	}
}
