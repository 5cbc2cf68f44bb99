package http_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"dateline"
)

func seedArticle(t *testing.T, e *env) *dateline.Article {
	t.Helper()
	a, err := e.store.ArticleByURI(context.Background(), "urn:dateline:demo:p1-lavrov-terrorists")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestHome(t *testing.T) {
	e := sharedDemo(t)
	w, doc := e.page("/")
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	if n := len(doc.All("nav.sections li a")); n != 8 {
		t.Errorf("%d section links, want 8", n)
	}
	if doc.First("html[lang=en]") == nil || doc.First("main#content") == nil || doc.First("h1") == nil {
		t.Error("page lacks lang, main or h1")
	}
	top := doc.All("section[aria-labelledby=top-h] a")
	if len(top) < 5 {
		t.Errorf("top stories: %d links", len(top))
	}
	for _, slug := range []string{"politics", "world", "economy", "defense", "science", "society", "sport", "pressreview"} {
		if len(doc.All("section[aria-labelledby=sec-"+slug+"] li")) == 0 {
			t.Errorf("no block for section %s", slug)
		}
	}
	if n := len(doc.All("section[aria-labelledby=photo-h] li")); n != 3 {
		t.Errorf("%d galleries on the home page, want 3", n)
	}
	if n := len(doc.All("section[aria-labelledby=info-h] li")); n != 4 {
		t.Errorf("%d infographics on the home page, want 4", n)
	}
	if n := len(doc.All("aside .feed-item")); n < 10 {
		t.Errorf("latest news: %d items", n)
	}
}

func TestArticlePage(t *testing.T) {
	e := sharedDemo(t)
	a := seedArticle(t, e)
	w, doc := e.page(fmt.Sprintf("/politics/%d", a.ID))
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	checks := []struct{ sel, want string }{
		{"article h1", "Lavrov calls for stopping terrorists’ migration elsewhere after defeat in Syria, Iraq"},
		{"article .section-link", "Russian Politics & Diplomacy"},
		{"article .lead", "The initiative of Russian President Vladimir Putin to create a global anti-terror coalition fully meets this task, Lavrov said"},
		{"article figcaption .credit", "© AP Photo/Raqqa Media Center of the Islamic State group"},
		{"article .body .dateline", "MOSCOW,"},
		{"article .read-also a", "Operation in Syria nearing completion — Russian defense minister"},
	}
	for _, c := range checks {
		n := doc.First(c.sel)
		if n == nil {
			t.Errorf("no %s", c.sel)
			continue
		}
		if !strings.Contains(n.Text(), c.want) {
			t.Errorf("%s = %q, want %q", c.sel, n.Text(), c.want)
		}
	}
	if d := doc.First("article .body .dateline").Text(); !strings.HasSuffix(d, "/DATELINE/.") {
		t.Errorf("dateline %q lacks the agency mark", d)
	}
	stamp := doc.First("article .stamp").Text()
	if !strings.Contains(stamp, "UTC+3 MOSCOW") {
		t.Errorf("stamp %q lacks the offset and city", stamp)
	}
	// "Read also" sits inside the body after the second paragraph.
	body := w.Body.String()
	second := strings.Index(body, "Lavrov said the sides discussed")
	readAlso := strings.Index(body, `class="read-also"`)
	third := strings.Index(body, "The task of all participants")
	if !(second < readAlso && readAlso < third) {
		t.Errorf("read-also at %d, not between paragraphs at %d and %d", readAlso, second, third)
	}
	for _, sel := range []string{`.tags a[href="/topics/syrian-conflict"]`, `.tags a[href="/topics/fight-against-terrorism"]`, `.tags a[href="/persons/sergey-lavrov"]`} {
		if doc.First(sel) == nil {
			t.Errorf("no %s", sel)
		}
	}
	if n := len(doc.All(".share a")); n < 8 {
		t.Errorf("%d share links", n)
	}
	if c := doc.First(`link[rel=canonical]`); c == nil || c.Attr("href") != fmt.Sprintf("https://news.example/politics/%d", a.ID) {
		t.Errorf("canonical link %v", c)
	}
	for _, s := range doc.All("script") {
		if s.Attr("type") == "application/ld+json" {
			continue // data (structured_test.go checks it), not run
		}
		if s.Attr("src") == "" || !strings.HasPrefix(s.Attr("src"), "/static/") {
			t.Errorf("script %q is inline or from elsewhere", s.Attr("src"))
		}
	}
}

func TestMultiPageArticle(t *testing.T) {
	e := sharedDemo(t)
	a, err := e.store.ArticleByURI(context.Background(), "urn:dateline:demo:p1-syria-operation")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Pages) < 2 {
		t.Fatalf("demo article has %d pages", len(a.Pages))
	}
	url := fmt.Sprintf("/defense/%d", a.ID)
	_, doc := e.page(url)
	if got := doc.First(".page-count").Text(); got != fmt.Sprintf("%d pages in this article", len(a.Pages)) {
		t.Errorf("page count %q", got)
	}
	if n := len(doc.All(".page-nav li")); n != len(a.Pages) {
		t.Errorf("%d page links", n)
	}
	w, doc2 := e.page(url + "?page=2")
	if w.Code != 200 || doc2.First(`.page-nav span[aria-current=page]`).Text() != "2" {
		t.Errorf("page 2: %d", w.Code)
	}
	if doc2.First(".body .dateline") != nil || doc2.First("article .lead") != nil {
		t.Error("page 2 repeats the dateline or lead")
	}
	if w := e.get(fmt.Sprintf("%s?page=%d", url, len(a.Pages)+1)); w.Code != 404 {
		t.Errorf("page past the end: %d", w.Code)
	}
}

func TestWrongSectionRedirects(t *testing.T) {
	e := sharedDemo(t)
	a := seedArticle(t, e)
	w := e.get(fmt.Sprintf("/sport/%d", a.ID))
	if w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != fmt.Sprintf("/politics/%d", a.ID) {
		t.Errorf("status %d location %q", w.Code, w.Header().Get("Location"))
	}
}

func TestNewsFeed(t *testing.T) {
	e := sharedDemo(t)
	w, doc := e.page("/news")
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	days := doc.All("#feed .feed-day")
	if len(days) < 2 {
		t.Fatalf("%d date groups", len(days))
	}
	// The newest story's day in the site's zone heads the feed: "Today"
	// or, shortly after midnight in Moscow, "Yesterday".
	newest, err := time.Parse(time.RFC3339, days[0].Find(".feed-item time").Attr("datetime"))
	if err != nil {
		t.Fatal(err)
	}
	want := "Today, "
	if y, m, d := newest.In(moscow).Date(); time.Date(y, m, d, 0, 0, 0, 0, moscow).Before(startOfDay(e.clock.Now().In(moscow))) {
		want = "Yesterday, "
	}
	if h := days[0].Find("h2").Text(); !strings.HasPrefix(h, want) || !strings.HasSuffix(h, newest.In(moscow).Format("January 2")) {
		t.Errorf("first heading %q, want %q and the newest story's day (%s)", h, want, newest)
	}
	items := doc.All("#feed .feed-item")
	if len(items) != 20 {
		t.Errorf("%d items on the first page, want 20", len(items))
	}
	more := doc.First("a[data-more]")
	if more == nil {
		t.Fatal("no More news link")
	}
	// Following every "More news" link lists every published article once.
	// Each edition's feed lists its own; together they list everything.
	seen := map[string]bool{}
	for _, feed := range []string{"/news", "/ru/news"} {
		next := feed
		for pages := 0; next != ""; pages++ {
			if pages > 20 {
				t.Fatal("More news never ends")
			}
			w, doc := e.page(next)
			if w.Code != 200 {
				t.Fatalf("%s: %d", next, w.Code)
			}
			for _, a := range doc.All("#feed .feed-item a.teaser-title") {
				if seen[a.Attr("href")] {
					t.Errorf("%s listed twice", a.Attr("href"))
				}
				seen[a.Attr("href")] = true
			}
			next = ""
			if m := doc.First("a[data-more]"); m != nil {
				next = feed + m.Attr("href")
			}
		}
	}
	n, _ := e.store.CountArticles(context.Background(), dateline.StatusPublished)
	if len(seen) != n {
		t.Errorf("paged through %d articles, %d are published", len(seen), n)
	}
}

func TestNewsFilterCookie(t *testing.T) {
	e := sharedDemo(t)
	w := e.get("/news?filter=1&s=sport&s=science")
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	var cookie *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == "feed_sections" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != "sport.science" && cookie.Value != "science.sport" {
		t.Fatalf("cookie %v", cookie)
	}
	doc := parse(w.Body.Bytes())
	for _, sec := range doc.All("#feed .feed-item .sec") {
		if sec.Text() != "Sport" && sec.Text() != "Science & Space" {
			t.Errorf("filtered feed shows %q", sec.Text())
		}
	}
	// The cookie alone applies the filter on the next visit.
	w2 := e.get("/news", "Cookie", "feed_sections="+cookie.Value)
	doc2 := parse(w2.Body.Bytes())
	if len(doc2.All("#feed .feed-item")) == 0 {
		t.Fatal("filtered feed empty")
	}
	for _, sec := range doc2.All("#feed .feed-item .sec") {
		if sec.Text() != "Sport" && sec.Text() != "Science & Space" {
			t.Errorf("cookie-filtered feed shows %q", sec.Text())
		}
	}
	if doc2.First(`input[value=sport][checked]`) == nil || doc2.First(`input[value=politics][checked]`) != nil {
		t.Error("filter form does not show the reader's choice")
	}
	if !strings.Contains(w2.Header().Get("Vary"), "Cookie") {
		t.Errorf("Vary %q lacks Cookie", w2.Header().Get("Vary"))
	}
	// "Show all news" clears it.
	w3 := e.get("/news?all=1", "Cookie", "feed_sections="+cookie.Value)
	cleared := false
	for _, c := range w3.Result().Cookies() {
		cleared = cleared || (c.Name == "feed_sections" && c.MaxAge < 0)
	}
	if !cleared {
		t.Error("all=1 does not clear the filter")
	}
}

func TestSectionTopicPersonPages(t *testing.T) {
	e := sharedDemo(t)
	for _, c := range []struct{ path, h1, item string }{
		{"/politics", "Russian Politics & Diplomacy", "Lavrov calls for stopping"},
		{"/sport", "Sport", ""},
		{"/topics/syrian-conflict", "Syrian conflict", "Lavrov calls for stopping"},
		{"/topics/fight-against-terrorism", "Fight against terrorism", "Lavrov calls for stopping"},
		{"/persons/sergey-lavrov", "Sergey Lavrov", "Lavrov calls for stopping"},
	} {
		w, doc := e.page(c.path)
		if w.Code != 200 {
			t.Errorf("%s: %d", c.path, w.Code)
			continue
		}
		if h := doc.First("h1"); h == nil || h.Text() != c.h1 {
			t.Errorf("%s: h1 %v", c.path, h)
		}
		if len(doc.All("#feed .feed-item")) == 0 {
			t.Errorf("%s: empty feed", c.path)
		}
		if c.item != "" && !strings.Contains(w.Body.String(), c.item) {
			t.Errorf("%s: lacks %q", c.path, c.item)
		}
	}
	_, doc := e.page("/politics")
	if a := doc.First(`nav.sections a[aria-current=page]`); a == nil || a.Text() != "Russian Politics & Diplomacy" {
		t.Error("section not marked current in the navigation")
	}
}

func TestGalleryAndInfographicPages(t *testing.T) {
	e := sharedDemo(t)
	_, doc := e.page("/photo/")
	cards := doc.All(".cards li a")
	if len(cards) != 5 {
		t.Fatalf("%d galleries, want 5", len(cards))
	}
	counts := map[string]int{}
	for _, c := range cards {
		w, d := e.page(c.Attr("href"))
		if w.Code != 200 {
			t.Fatalf("%s: %d", c.Attr("href"), w.Code)
		}
		counts[d.First("h1").Text()] = len(d.All(".gallery-photos figure img"))
	}
	for title, n := range map[string]int{
		"Meet Putin's presidential challenger - 'It Girl' turned 'anti-establishment' choice": 13,
		"Russia's top diplomat Sergey Lavrov celebrates his birthday":                         10,
		"Four Russians killed in Istanbul helicopter crash — Foreign Ministry":                3,
	} {
		if counts[title] != n {
			t.Errorf("gallery %q has %d photos, want %d", title, counts[title], n)
		}
	}
	_, doc = e.page("/infographics/")
	items := doc.All(".cards li a")
	if len(items) != 5 {
		t.Fatalf("%d infographics, want 5", len(items))
	}
	w, d := e.page(items[0].Attr("href"))
	if w.Code != 200 || d.First("article figure img") == nil || d.First("h1") == nil {
		t.Errorf("infographic page %d", w.Code)
	}
	// The images they show are served.
	img := d.First("article figure img").Attr("src")
	if w := e.get(img); w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "image/") {
		t.Errorf("%s: %d %s", img, w.Code, w.Header().Get("Content-Type"))
	}
}

func TestStaticAndHealth(t *testing.T) {
	e := sharedDemo(t)
	if w := e.get("/healthz"); w.Code != 200 {
		t.Errorf("healthz %d", w.Code)
	}
	_, doc := e.page("/")
	css := doc.First(`link[rel=stylesheet]`).Attr("href")
	w := e.get(css)
	if w.Code != 200 || !strings.Contains(w.Header().Get("Cache-Control"), "immutable") || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") {
		t.Errorf("%s: %d %q %q", css, w.Code, w.Header().Get("Cache-Control"), w.Header().Get("Content-Type"))
	}
	if w := e.get("/static/nope.css"); w.Code != 404 {
		t.Errorf("missing asset: %d", w.Code)
	}
	if w := e.get("/robots.txt"); w.Code != 200 {
		t.Errorf("robots %d", w.Code)
	}
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}
