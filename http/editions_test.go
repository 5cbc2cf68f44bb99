package http_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"dateline"
	"dateline/demo"
	"dateline/i18n"
	"dateline/internal/htmlcheck"
)

// demoID is the id of a demo story by its key.
func demoID(t *testing.T, e *env, key string) *dateline.Article {
	t.Helper()
	a, err := e.store.ArticleByURI(context.Background(), "urn:dateline:demo:"+key)
	if err != nil {
		t.Fatalf("demo story %s: %v", key, err)
	}
	return a
}

// TestRussianEdition reads the demo's Russian edition: its own home,
// sections, feed and addresses, its interface and dates in Russian, and
// none of the English edition's stories.
func TestRussianEdition(t *testing.T) {
	e := sharedDemo(t)
	w, doc := e.page("/ru/")
	if w.Code != 200 {
		t.Fatalf("/ru/: %d", w.Code)
	}
	if got := doc.First("html").Attr("lang"); got != "ru" {
		t.Errorf("/ru/ html lang = %q", got)
	}
	nav := doc.All("nav.sections a")
	if len(nav) == 0 || nav[0].Text() != "Политика" || nav[0].Attr("href") != "/ru/politika" {
		t.Errorf("/ru/ section menu starts %v", texts(nav))
	}
	for _, a := range doc.All("nav.sections a") {
		if !strings.HasPrefix(a.Attr("href"), "/ru/") {
			t.Errorf("/ru/ menu links %s outside the edition", a.Attr("href"))
		}
	}
	body := doc.First("body").Text()
	for _, want := range []string{"Главное", "Лента новостей", "Поиск", "Режим чтения"} {
		if !strings.Contains(body, want) {
			t.Errorf("/ru/ lacks %q", want)
		}
	}
	for _, en := range []string{"Top stories", "News feed", "Reading mode", "Skip to content"} {
		if strings.Contains(body, en) {
			t.Errorf("/ru/ still says %q", en)
		}
	}
	english := demoID(t, e, "p1-lavrov-terrorists")
	if strings.Contains(body, english.Headline) {
		t.Errorf("/ru/ lists the English story %q", english.Headline)
	}
	// The English edition does not list Russian stories, and links to the
	// Russian one.
	_, home := e.page("/")
	russian := demoID(t, e, "p3-ru-lavrov-terrorists")
	if strings.Contains(home.First("body").Text(), russian.Headline) {
		t.Errorf("/ lists the Russian story %q", russian.Headline)
	}
	if sw := home.First("a.lang-switch"); sw == nil || sw.Attr("href") != "/ru/" || sw.Attr("hreflang") != "ru" {
		t.Errorf("/ has no switch to /ru/: %v", sw)
	}
	if l := home.First(`head link[hreflang="ru"]`); l == nil || l.Attr("href") != "https://news.example/ru/" {
		t.Errorf("/ has no hreflang link to /ru/")
	}

	// Feed list: Russian day headings and section, only Russian stories.
	w, doc = e.page("/ru/news")
	if w.Code != 200 {
		t.Fatalf("/ru/news: %d", w.Code)
	}
	if h := doc.First(".feed-day h2"); h == nil || !regexp.MustCompile(`^(Сегодня, |Вчера, )?\d{1,2} (января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)`).MatchString(h.Text()) {
		t.Errorf("/ru/news day heading = %v, want a Russian date", h)
	}
	for _, a := range doc.All("#feed a.teaser-title") {
		if !strings.HasPrefix(a.Attr("href"), "/ru/") {
			t.Errorf("/ru/news lists %s", a.Attr("href"))
		}
	}

	// A section of the other edition is sent to its own address.
	for path, want := range map[string]string{"/politika": "/ru/politika", "/ru/politics": "/politics", "/ru": "/ru/",
		"/ru?x=1": "/ru/?x=1", "/ru//news": "/ru/news", "/ru/a/../news": "/ru/news", "/ru/./": "/ru/"} {
		if w := e.get(path); w.Code != 301 || w.Header().Get("Location") != want {
			t.Errorf("%s = %d %s, want 301 to %s", path, w.Code, w.Header().Get("Location"), want)
		}
	}
	// A Russian story asked for at the English address moves to its own.
	if w := e.get(fmt.Sprintf("/%s/%d", russian.Section, russian.ID)); w.Code != 301 || w.Header().Get("Location") != fmt.Sprintf("/ru/%s/%d", russian.Section, russian.ID) {
		t.Errorf("Russian story at the English address: %d %s", w.Code, w.Header().Get("Location"))
	}
	// Only pages live under /ru/.
	for _, path := range []string{"/ru/api/v1/items", "/ru/newsroom/", "/ru/static/style.css", "/ru/sitemap.xml", "/ru/ru/", "/ru/en/news"} {
		if w := e.get(path); w.Code != 404 {
			t.Errorf("%s = %d, want 404", path, w.Code)
		}
	}
}

// TestTranslationsLinked checks the language switch and hreflang links of
// a story and its translation, both ways.
func TestTranslationsLinked(t *testing.T) {
	e := sharedDemo(t)
	en, ru := demoID(t, e, "p1-cbr-rate-cut"), demoID(t, e, "p3-ru-cbr-rate-cut")
	enURL, ruURL := fmt.Sprintf("/%s/%d", en.Section, en.ID), fmt.Sprintf("/ru/%s/%d", ru.Section, ru.ID)
	for _, tc := range []struct{ page, self, other, otherLang string }{
		{enURL, enURL, ruURL, "ru"},
		{ruURL, ruURL, enURL, "en"},
	} {
		w, doc := e.page(tc.page)
		if w.Code != 200 {
			t.Fatalf("%s: %d", tc.page, w.Code)
		}
		alts := map[string]string{}
		for _, l := range doc.All("head link[hreflang]") {
			alts[l.Attr("hreflang")] = strings.TrimPrefix(l.Attr("href"), "https://news.example")
		}
		if alts[tc.otherLang] != tc.other || len(alts) != 2 {
			t.Errorf("%s hreflang = %v, want itself and %s", tc.page, alts, tc.other)
		}
		sw := doc.First("a.lang-switch")
		if sw == nil || sw.Attr("href") != tc.other {
			t.Errorf("%s language switch = %v, want %s", tc.page, sw, tc.other)
		}
		if p := doc.First("p.translations a"); p == nil || p.Attr("href") != tc.other || p.Attr("lang") != tc.otherLang {
			t.Errorf("%s does not link its translation in the article", tc.page)
		}
	}
	_, doc := e.page(ruURL)
	if s := doc.First(".page-count"); s != nil {
		t.Errorf("Russian one-page story says %q", s.Text())
	}
	if d := doc.First(".body .dateline"); d == nil || !regexp.MustCompile(`^МОСКВА, \d{1,2} [а-я]+\. /DATELINE/\.$`).MatchString(d.Text()) {
		t.Errorf("Russian dateline = %v", d)
	}
	// A story without a translation switches to the other edition's home.
	_, doc = e.page(fmt.Sprintf("/%s/%d", "politics", demoID(t, e, "p1-putin-sacks-deputy-fm").ID))
	if sw := doc.First("a.lang-switch"); sw == nil || sw.Attr("href") != "/ru/" {
		t.Errorf("untranslated story's switch = %v, want /ru/", sw)
	}
	if l := doc.First("head link[hreflang]"); l != nil {
		t.Errorf("an untranslated story has hreflang %s", l.Attr("href"))
	}
}

// TestEditionFeeds reads each edition's site and section feeds.
func TestEditionFeeds(t *testing.T) {
	e := sharedDemo(t)
	for _, tc := range []struct{ path, lang, prefix string }{
		{"/ru/feed.rss", "ru", "https://news.example/ru/"},
		{"/ru/feed.atom", "ru", "https://news.example/ru/"},
		{"/ru/feed.json", "ru", "https://news.example/ru/"},
		{"/ru/ekonomika/feed.rss", "ru", "https://news.example/ru/ekonomika/"},
		{"/feed.rss", "en", "https://news.example/"},
	} {
		w := e.get(tc.path)
		if w.Code != 200 {
			t.Fatalf("%s: %d", tc.path, w.Code)
		}
		f, err := gofeed.NewParser().ParseString(w.Body.String())
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if f.Language != tc.lang {
			t.Errorf("%s language = %q, want %s", tc.path, f.Language, tc.lang)
		}
		if len(f.Items) == 0 {
			t.Errorf("%s is empty", tc.path)
		}
		for _, it := range f.Items {
			if !strings.HasPrefix(it.Link, tc.prefix) || (tc.lang == "en" && strings.HasPrefix(it.Link, "https://news.example/ru/")) {
				t.Errorf("%s has %s", tc.path, it.Link)
			}
		}
	}
	for _, path := range []string{"/ru/politics/feed.rss", "/ekonomika/feed.rss"} {
		if w := e.get(path); w.Code != 404 {
			t.Errorf("%s = %d, want 404", path, w.Code)
		}
	}
}

// TestEditionOff: without a Russian section there is no /ru/ edition,
// and a Russian story filed in an English section is read there, in the
// English edition, marked as Russian text.
func TestEditionOff(t *testing.T) {
	e := newEnv(t, false)
	doc := strings.Replace(strings.Replace(item("urn:test:ru1", e.clock.Now(), ""), `"language": "en"`, `"language": "ru"`, 1),
		"Arctic shipping season opens early", "Заголовок", 1)
	w := e.ingest(doc)
	if w.Code >= 300 {
		t.Fatalf("ingest: %d %s", w.Code, w.Body)
	}
	for _, path := range []string{"/ru/", "/ru/news", "/ru/feed.rss"} {
		if w := e.get(path); w.Code != 404 {
			t.Errorf("%s = %d with the edition off, want 404", path, w.Code)
		}
	}
	list, _ := e.store.Articles(context.Background(), dateline.ArticleFilter{Limit: 1})
	if len(list) != 1 {
		t.Fatal("the story was not stored")
	}
	a := list[0]
	path := fmt.Sprintf("/%s/%d", a.Section, a.ID)
	w, page := e.page(path)
	if w.Code != 200 || page.First("article.article").Attr("lang") != "ru" || page.First("html").Attr("lang") != "en" {
		t.Errorf("the Russian story's page = %d, article lang %q", w.Code, page.First("article.article").Attr("lang"))
	}
	if w := e.get("/ru" + path); w.Code != 301 || w.Header().Get("Location") != path {
		t.Errorf("/ru%s = %d %s, want 301 to its English-edition address", path, w.Code, w.Header().Get("Location"))
	}
	_, home := e.page("/")
	if home.First("a.lang-switch") != nil {
		t.Error("a language switch shows with one edition")
	}
	if !strings.Contains(home.First("body").Text(), "Заголовок") {
		t.Error("with one edition, the home page leaves out a Russian story")
	}
}

// TestTemplateTextTranslated checks that every text the reader templates
// pass to t has a Russian translation.
func TestTemplateTextTranslated(t *testing.T) {
	files, err := filepath.Glob("html/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	re := regexp.MustCompile(`\{\{t [$.A-Za-z]+ "((?:[^"\\]|\\.)+)"`)
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			key := strings.ReplaceAll(m[1], `\"`, `"`)
			n++
			if !i18n.Has(i18n.RU, key) {
				t.Errorf("%s: %q has no Russian translation", f, key)
			}
		}
	}
	if n < 50 {
		t.Errorf("found only %d translated texts in the templates", n)
	}
}

func texts(ns []*htmlcheck.Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Text())
	}
	return out
}

// TestNewsroomEditions: an admin opens the Russian edition by adding a
// section; an editor writes a Russian story there as a translation of an
// English one; mismatched languages and bad links are refused with
// nothing stored.
func TestNewsroomEditions(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	if w := n.get("/ru/"); w.Code != 404 {
		t.Fatalf("/ru/ before any Russian section: %d", w.Code)
	}
	admin := n.as("admin@example.org")
	if r := admin.post("/newsroom/sections", url.Values{"slug": {"politika"}, "name": {"Политика"}, "position": {"20"}, "lang": {"ru"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("add section: %d %s", r.Code, excerpt(r.Body))
	}
	if r := admin.post("/newsroom/sections", url.Values{"slug": {"deutsch"}, "name": {"Deutsch"}, "position": {"21"}, "lang": {"de"}}); r.Code != http.StatusBadRequest {
		t.Errorf("a section in German: %d", r.Code)
	}
	if w := n.get("/ru/"); w.Code != 200 {
		t.Fatalf("/ru/ after adding a Russian section: %d", w.Code)
	}

	ed := n.as("editor@example.org")
	enID := ed.create(storyForm("Minister visits Kazan"))
	if r := ed.act(enID, storyForm("Minister visits Kazan"), "publish"); !strings.Contains(r.Location, "done=published") {
		t.Fatalf("publish: %d %s", r.Code, excerpt(r.Body))
	}
	ru := func(extra ...string) url.Values {
		return storyForm("Министр посетил Казань", append([]string{"section", "politika", "lang", "ru"}, extra...)...)
	}
	before, _ := n.store.CountArticles(ctx, dateline.StatusDraft)
	for name, v := range map[string]url.Values{
		"English story in a Russian section":  storyForm("Wrong edition", "section", "politika"),
		"Russian story in an English section": ru("section", "politics"),
		"translation of a missing story":      ru("translation_of", "999999"),
		"translation of garbage":              ru("translation_of", "abc"),
		"translation in the same language":    storyForm("Same language", "translation_of", strconv.FormatInt(enID, 10)),
	} {
		r := ed.post("/newsroom/articles", v)
		if r.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, r.Code)
		}
	}
	if after, _ := n.store.CountArticles(ctx, dateline.StatusDraft); after != before {
		t.Errorf("refused forms stored %d drafts", after-before)
	}

	ruID := ed.create(ru("translation_of", strconv.FormatInt(enID, 10)))
	if r := ed.act(ruID, ru("translation_of", strconv.FormatInt(enID, 10)), "publish"); !strings.Contains(r.Location, "done=published") {
		t.Fatalf("publish Russian: %d %s", r.Code, excerpt(r.Body))
	}
	ruPath := fmt.Sprintf("/ru/politika/%d", ruID)
	w, doc := n.page(ruPath)
	if w.Code != 200 {
		t.Fatalf("%s: %d", ruPath, w.Code)
	}
	if l := doc.First(`head link[hreflang="en"]`); l == nil || l.Attr("href") != fmt.Sprintf("http://news.example/politics/%d", enID) {
		t.Errorf("%s has no hreflang link to the English story", ruPath)
	}
	if r := ed.get(fmt.Sprintf("/newsroom/articles/%d", ruID)); !strings.Contains(r.Body, fmt.Sprintf(`name="translation_of" value="%d"`, enID)) {
		t.Error("the editor does not show which story this one translates")
	}
	// Clearing the field unlinks them.
	if r := ed.act(ruID, ru(), "save"); r.Code != http.StatusSeeOther {
		t.Fatalf("unlink: %d %s", r.Code, excerpt(r.Body))
	}
	if tr, _ := n.store.Translations(ctx, enID); len(tr) != 0 {
		t.Errorf("still linked after clearing: %+v", tr)
	}
}

// TestRussianCurrencyPage: the converter exists in the Russian edition,
// in Russian, and links within it.
func TestRussianCurrencyPage(t *testing.T) {
	e := sharedDemo(t)
	w, doc := e.page("/ru/currency")
	if w.Code != 200 {
		t.Fatalf("/ru/currency: %d", w.Code)
	}
	if doc.First("html").Attr("lang") != "ru" {
		t.Error("/ru/currency is not in Russian")
	}
	if f := doc.First("form.converter"); f == nil || f.Attr("action") != "/ru/currency" {
		t.Errorf("/ru/currency form goes to %v", f)
	}
	_, home := e.page("/ru/")
	if a := home.First(`#rates-box-h a`); a == nil || a.Attr("href") != "/ru/currency" {
		t.Errorf("the Russian home's rates block links %v", a)
	}
}

// TestRussianSearch: the Russian search page offers its own sections and,
// when nothing is found, its own latest stories.
func TestRussianSearch(t *testing.T) {
	e := sharedDemo(t)
	w, doc := e.page("/ru/search?q=zzzzqqqq")
	if w.Code != 200 {
		t.Fatalf("/ru/search: %d", w.Code)
	}
	russian := map[string]bool{"": true}
	for _, sec := range demo.SectionsRU {
		russian[sec.Slug] = true
	}
	options := doc.All(`select[name=section] option`)
	if len(options) != len(russian) {
		t.Errorf("the Russian search offers %d sections, want %d", len(options), len(russian))
	}
	for _, o := range options {
		if !russian[o.Attr("value")] {
			t.Errorf("the Russian search offers the section %q", o.Attr("value"))
		}
	}
	latest := doc.All("#latest-h ~ ol a.teaser-title")
	if len(latest) == 0 {
		latest = doc.All("ol.teasers a.teaser-title")
	}
	if len(latest) == 0 {
		t.Fatal("no latest stories after an empty search")
	}
	for _, a := range latest {
		if !strings.HasPrefix(a.Attr("href"), "/ru/") {
			t.Errorf("the Russian search suggests %s", a.Attr("href"))
		}
	}
	if l := doc.First("link[rel=canonical]"); l == nil || l.Attr("href") != "https://news.example/ru/search" {
		t.Errorf("canonical %v", l)
	}
}

// TestRussianTagPage: a person's page in the Russian edition is headed
// with the name the Russian stories give the person.
func TestRussianTagPage(t *testing.T) {
	e := sharedDemo(t)
	ru := demoID(t, e, "p3-ru-cbr-rate-cut")
	if len(ru.Persons) != 1 || ru.Persons[0].Name != "Эльвира Набиуллина" {
		t.Fatalf("the Russian story's person is %+v", ru.Persons)
	}
	slug := ru.Persons[0].Slug
	for path, want := range map[string]string{"/ru/persons/" + slug: "Эльвира Набиуллина", "/persons/" + slug: "Elvira Nabiullina"} {
		w, doc := e.page(path)
		if w.Code != 200 {
			t.Fatalf("%s: %d", path, w.Code)
		}
		if h := doc.First("h1"); h == nil || h.Text() != want {
			t.Errorf("%s heading %v, want %q", path, h, want)
		}
	}
}
