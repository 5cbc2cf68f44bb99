package http_test

import (
	"strings"
	"testing"
)

// The index pages (issue 17, point 13) list the demo's topics, persons and
// running stories with published stories, alphabetically, linked to their
// pages, in both editions; the header and the 404 page link them.
func TestIndexPages(t *testing.T) {
	e := sharedDemo(t)
	for _, tc := range []struct{ path, link, heading string }{
		{"/topics/", "/topics/", "Topics"},
		{"/persons/", "/persons/", "Persons"},
		{"/stories/", "/stories/", "Running stories"},
		{"/ru/topics/", "/ru/topics/", "Темы"},
		{"/ru/stories/", "/ru/stories/", "Сюжеты"},
	} {
		w, doc := e.page(tc.path)
		if w.Code != 200 {
			t.Fatalf("%s = %d", tc.path, w.Code)
		}
		if h := doc.First("h1").Text(); h != tc.heading {
			t.Errorf("%s: heading %q, want %q", tc.path, h, tc.heading)
		}
		links := doc.All(".index-list a")
		if len(links) == 0 {
			t.Fatalf("%s lists nothing", tc.path)
		}
		prev := ""
		for _, a := range links {
			href := a.Attr("href")
			slug, ok := strings.CutPrefix(href, tc.link)
			if !ok || slug == "" || strings.Contains(slug, "/") {
				t.Errorf("%s links %q, want %s{slug}", tc.path, href, tc.link)
			}
			if slug < prev {
				t.Errorf("%s: %q after %q, want alphabetical order", tc.path, slug, prev)
			}
			prev = slug
			if w := e.get(href); w.Code != 200 {
				t.Errorf("%s links %s, which answers %d", tc.path, href, w.Code)
			}
		}
	}
	if _, doc := e.page("/stories/"); !strings.Contains(doc.First(".index-meta").Text(), "stor") {
		t.Errorf("/stories/ does not count each story's articles: %q", doc.First(".index-meta").Text())
	}
	for path, want := range map[string]string{"/topics": "/topics/", "/ru/stories": "/ru/stories/", "/PERSONS": "/persons/"} {
		if w := e.get(path); w.Code != 301 || w.Header().Get("Location") != want {
			t.Errorf("%s = %d %q, want 301 to %s", path, w.Code, w.Header().Get("Location"), want)
		}
	}
	if w := e.get("/topics/?after=%ff"); w.Code != 400 {
		t.Errorf("a broken cursor = %d, want 400", w.Code)
	}
	for _, path := range []string{"/", "/nowhere"} {
		_, doc := e.page(path)
		found := false
		for _, a := range doc.All("a") {
			found = found || a.Attr("href") == "/topics/"
		}
		if !found {
			t.Errorf("%s does not link /topics/", path)
		}
	}
}
