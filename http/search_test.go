package http_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSearchPage(t *testing.T) {
	e := sharedDemo(t)
	w, doc := e.page("/search?q=" + url.QueryEscape("terrorists migration Syria"))
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	first := doc.First(".results li a.teaser-title")
	if first == nil || !strings.HasPrefix(first.Text(), "Lavrov calls for stopping terrorists") {
		t.Fatalf("first result %v", first)
	}
	if doc.First(".results .snippet mark") == nil {
		t.Error("no highlighted words in snippets")
	}
	if !strings.Contains(doc.First(".search-count").Text(), "result") {
		t.Error("no result count")
	}
	if v := doc.First("#search-q").Attr("value"); v != "terrorists migration Syria" {
		t.Errorf("the form lost the query: %q", v)
	}
	// Every page carries the search box and the OpenSearch link.
	_, home := e.page("/")
	if home.First(`form.site-search input[name=q]`) == nil || home.First(`link[rel=search]`) == nil {
		t.Error("home page lacks the search box or the OpenSearch link")
	}
	os := e.get("/opensearch.xml")
	if os.Code != 200 || !strings.Contains(os.Body.String(), `template="https://news.example/search?q={searchTerms}"`) {
		t.Errorf("opensearch.xml: %d %s", os.Code, os.Body)
	}
	// The search page with no query is a form, not an error.
	if w := e.get("/search"); w.Code != 200 {
		t.Errorf("empty search page: %d", w.Code)
	}
}

func TestSearchNothingFound(t *testing.T) {
	e := sharedDemo(t)
	w, doc := e.page("/search?q=Lavrov&section=sport")
	if w.Code != 200 || len(doc.All(".results li")) != 0 {
		t.Fatalf("status %d", w.Code)
	}
	again := doc.First(`.notice a`)
	if again == nil || !strings.Contains(again.Text(), "without the filters") || strings.Contains(again.Attr("href"), "section") {
		t.Fatalf("no offer to drop the filters: %v", again)
	}
	_, doc = e.page(again.Attr("href"))
	if len(doc.All(".results li")) == 0 {
		t.Error("dropping the filters found nothing")
	}
	_, doc = e.page("/search?q=qwertyuiopasdf")
	if doc.First(`section[aria-labelledby=latest-h] li`) == nil {
		t.Error("nothing found offers no latest news")
	}
}

func TestSearchAPI(t *testing.T) {
	e := sharedDemo(t)
	w := e.get("/api/v1/search?q=" + url.QueryEscape(`Путина`) + "&order=date")
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var res struct {
		Total   int
		Page    int
		Results []struct {
			URL, Headline, Snippet, Section string
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 || len(res.Results) == 0 || res.Page != 1 || !strings.HasPrefix(res.Results[0].URL, "https://news.example/") {
		t.Fatalf("answer %+v", res)
	}
	// Pages: the second page of a common word differs from the first.
	p1 := e.get("/api/v1/search?q=the").Body.String()
	p2 := e.get("/api/v1/search?q=the&page=2").Body.String()
	if p1 == p2 || !strings.Contains(p2, `"page": 2`) {
		t.Error("page 2 is page 1")
	}
}

// TestBadSearches: every bad query gets results or a clear 400, never a 500.
func TestBadSearches(t *testing.T) {
	e := sharedDemo(t)
	long := strings.Repeat("word ", 2048)
	for _, q := range []string{
		"q=", "q=%20%20", "q=" + url.QueryEscape(long), "q=-", "q=-%20-", "q=%22", "q=%22%22", "q=*", "q='", "q=--", "q=;",
		"q=NEAR(", "q=" + url.QueryEscape(`"unbalanced`), "q=%00", "q=%ff%fe", "q=a&page=1000000000", "q=a&page=0",
		"q=a&page=-1", "q=a&page=x", "q=a&order=random", "q=a&section=nope", "q=a&from=yesterday", "q=a&from=2026-12-01&to=2026-01-01",
		"q=AND%20OR%20NOT", "q=" + url.QueryEscape("a OR b NOT c"), "q=" + url.QueryEscape(`col:value`), "q=" + url.QueryEscape(`{headline}:x`),
		"q=%E2%80%94", "q=a&topic=%00", "q=" + url.QueryEscape(strings.Repeat("a ", 40)), "q=a&from=0000-01-01",
	} {
		for _, path := range []string{"/search?", "/api/v1/search?"} {
			w := e.get(path + q)
			if w.Code >= 500 {
				t.Errorf("%s%s: %d", path, truncateTest(q), w.Code)
			}
			if w.Code >= 400 && w.Code != http.StatusBadRequest {
				t.Errorf("%s%s: %d, want 200 or 400", path, truncateTest(q), w.Code)
			}
			if w.Code == http.StatusBadRequest && strings.HasPrefix(path, "/api/") && !strings.Contains(w.Body.String(), `"message"`) {
				t.Errorf("%s%s: 400 without a message", path, truncateTest(q))
			}
			if w.Code == http.StatusBadRequest && path == "/search?" && parse(w.Body.Bytes()).First(".notice[role=alert]") == nil {
				t.Errorf("%s%s: 400 page without a message", path, truncateTest(q))
			}
		}
	}
}

func truncateTest(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// FuzzSearch sends arbitrary queries through the router: never a 5xx.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"terrorists", `"central bank"`, "-x", "NEAR(", "\x00", "\xff", `*`, `';--`} {
		f.Add(s, "", "1")
	}
	e := newEnv(f, false)
	e.ingest(item("urn:fuzz:search", e.clock.Now(), ""))
	f.Fuzz(func(t *testing.T, q, section, page string) {
		v := url.Values{"q": {q}, "section": {section}, "page": {page}}
		for _, path := range []string{"/search?", "/api/v1/search?"} {
			if w := e.get(path + v.Encode()); w.Code >= 500 {
				t.Fatalf("%s%s: %d", path, v.Encode(), w.Code)
			}
		}
	})
}

func TestSearchWithinTopic(t *testing.T) {
	e := sharedDemo(t)
	_, doc := e.page("/persons/sergey-lavrov")
	form := doc.First(`form.tag-search input[name=person]`)
	if form == nil || form.Attr("value") != "sergey-lavrov" {
		t.Fatal("no search within the person")
	}
	_, res := e.page("/search?q=Syria&person=sergey-lavrov")
	hits := res.All(".results li a.teaser-title")
	if len(hits) == 0 {
		t.Fatal("nothing found within the person")
	}
	_, all := e.page("/search?q=Syria")
	if len(all.All(".results li")) <= len(hits) {
		t.Error("the person filter did not narrow the search")
	}
}
