package http_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"dateline"
)

// A one-page story does not say "1 page in this article"; a story of
// several pages does. The byline is under the headline, in the article's
// header, not after the body (issue 17, point 19).
func TestArticleHeadBylineAndPageCount(t *testing.T) {
	e := newEnv(t, false)
	id := e.publish("urn:test:byline", "Bylined", "world", "")
	a, err := e.store.Article(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	a.SourceVersion, a.Byline = a.SourceVersion.Add(time.Minute), "By Anna Petrova"
	if _, err := e.store.UpsertArticles(context.Background(), []*dateline.Article{a}, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.srv.Changed()
	w, doc := e.page(fmt.Sprintf("/world/%d", id))
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	if b := doc.All("article .byline"); len(b) != 1 {
		t.Errorf("%d bylines, want one", len(b))
	}
	if b := doc.First("article header.article-head .byline"); b == nil || b.Text() != "By Anna Petrova" {
		t.Errorf("header byline = %v, want By Anna Petrova under the headline", b)
	}
	if p := doc.First(".page-count"); p != nil {
		t.Errorf("a one-page story says %q", p.Text())
	}

	d := sharedDemo(t)
	multi, err := d.store.ArticleByURI(context.Background(), "urn:dateline:demo:p1-syria-operation")
	if err != nil {
		t.Fatal(err)
	}
	_, doc = d.page(fmt.Sprintf("/defense/%d", multi.ID))
	if p := doc.First(".page-count"); p == nil || p.Text() != fmt.Sprintf("%d pages in this article", len(multi.Pages)) {
		t.Errorf("a %d-page story's page count = %v", len(multi.Pages), p)
	}
	one := seedArticle(t, d)
	_, doc = d.page(fmt.Sprintf("/politics/%d", one.ID))
	if p := doc.First(".page-count"); p != nil {
		t.Errorf("the one-page seed story says %q", p.Text())
	}
}
