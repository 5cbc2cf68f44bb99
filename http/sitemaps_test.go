package http_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/demo"
)

// xmllint validates a document with xmllint against a schema in
// testdata/feeds/sitemaps. Without xmllint (Debian libxml2-utils) the
// test fails under CI=true and skips otherwise.
func xmllint(t *testing.T, schema, name string, doc []byte) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is required under CI (Debian package libxml2-utils)")
		}
		t.Skip("xmllint is not installed (Debian package libxml2-utils)")
	}
	f := filepath.Join(t.TempDir(), strings.NewReplacer("/", "_").Replace(name))
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--noout", "--nonet", "--schema", filepath.Join("testdata", "feeds", "sitemaps", schema), f).CombinedOutput()
	if err != nil {
		t.Errorf("%s does not validate against %s: %v\n%s", name, schema, err, out)
	}
}

type sitemapIndexDoc struct {
	Sitemaps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"sitemap"`
}

type urlsetDoc struct {
	URLs []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
		Images  []struct {
			Loc string `xml:"loc"`
		} `xml:"http://www.google.com/schemas/sitemap-image/1.1 image"`
		News *struct {
			Name     string `xml:"publication>name"`
			Language string `xml:"publication>language"`
			Date     string `xml:"publication_date"`
			Title    string `xml:"title"`
		} `xml:"http://www.google.com/schemas/sitemap-news/0.9 news"`
	} `xml:"url"`
}

// sitemapSite is everything a site's sitemaps list, read from its index.
type sitemapSite struct {
	files    []string // paths of the files the index lists, in order
	lastmod  map[string]string
	urls     map[string][]string // file → locs
	images   map[string]string   // loc → image loc
	news     []string            // locs of news.xml…, in order
	newsDocs []urlsetDoc
}

// readSitemaps fetches /robots.txt, the index and every file it lists,
// validating each against the sitemap schemas.
func readSitemaps(t *testing.T, e *env) *sitemapSite {
	t.Helper()
	robots := e.get("/robots.txt").Body.String()
	for _, want := range []string{"Sitemap: https://news.example/sitemap.xml\n", "Sitemap: https://news.example/sitemaps/news.xml\n", "Disallow: /api/\n"} {
		if !strings.Contains(robots, want) {
			t.Errorf("robots.txt lacks %q:\n%s", want, robots)
		}
	}
	w := e.get("/sitemap.xml")
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/xml; charset=utf-8" {
		t.Fatalf("/sitemap.xml: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	xmllint(t, "siteindex.xsd", "sitemap.xml", w.Body.Bytes())
	var idx sitemapIndexDoc
	if err := xml.Unmarshal(w.Body.Bytes(), &idx); err != nil {
		t.Fatal(err)
	}
	site := &sitemapSite{lastmod: map[string]string{}, urls: map[string][]string{}, images: map[string]string{}}
	for _, sm := range idx.Sitemaps {
		path, ok := strings.CutPrefix(sm.Loc, "https://news.example")
		if !ok {
			t.Fatalf("index lists %s", sm.Loc)
		}
		site.files = append(site.files, path)
		site.lastmod[path] = sm.LastMod
		w := e.get(path)
		if w.Code != 200 {
			t.Fatalf("%s: %d", path, w.Code)
		}
		var doc urlsetDoc
		if err := xml.Unmarshal(w.Body.Bytes(), &doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(doc.URLs) > 0 {
			xmllint(t, "urlset.xsd", path, w.Body.Bytes())
		}
		for _, u := range doc.URLs {
			site.urls[path] = append(site.urls[path], u.Loc)
			if len(u.Images) > 0 {
				site.images[u.Loc] = u.Images[0].Loc
			}
		}
		if strings.HasPrefix(path, "/sitemaps/news") {
			site.newsDocs = append(site.newsDocs, doc)
			for _, u := range doc.URLs {
				site.news = append(site.news, u.Loc)
			}
		}
	}
	return site
}

// articleLocs are the locs of every month file, in order.
func (s *sitemapSite) articleLocs() []string {
	var out []string
	for _, f := range s.files {
		if strings.HasPrefix(f, "/sitemaps/articles-") {
			out = append(out, s.urls[f]...)
		}
	}
	return out
}

// TestSitemapsValidate checks the demo site's sitemaps against the
// sitemaps.org, image and news schemas, and that they list every
// published story once with its photo, the news sitemap the last 48
// hours', and the sections, topics and persons.
func TestSitemapsValidate(t *testing.T) {
	e := sharedDemo(t)
	site := readSitemaps(t, e)
	ctx := context.Background()
	published, err := e.store.CountArticles(ctx, dateline.StatusPublished)
	if err != nil {
		t.Fatal(err)
	}
	locs := site.articleLocs()
	if len(locs) != published {
		t.Errorf("month files list %d stories, want the %d published", len(locs), published)
	}
	seen := map[string]bool{}
	for _, l := range locs {
		if seen[l] {
			t.Errorf("%s listed twice", l)
		}
		seen[l] = true
	}
	newest, _ := e.store.Articles(ctx, dateline.ArticleFilter{Limit: 200})
	photos := 0
	cutoff := e.clock.Now().Add(-48 * time.Hour)
	var news []string
	for _, a := range newest {
		loc := fmt.Sprintf("https://news.example/%s/%d", a.Section, a.ID)
		if a.Lang == "ru" {
			loc = fmt.Sprintf("https://news.example/ru/%s/%d", a.Section, a.ID)
		}
		if !seen[loc] {
			t.Errorf("%s is not in the month files", loc)
		}
		if a.Photo != nil {
			photos++
			if got := site.images[loc]; got != "https://news.example/media/"+a.Photo.Path {
				t.Errorf("%s image %q, want its photo %s", loc, got, a.Photo.Path)
			}
		}
		if !a.PublishedAt.Before(cutoff) && a.Commercial == "" { // paid-for content is not news
			news = append(news, loc)
		}
	}
	if photos == 0 {
		t.Error("the demo has no photos to check")
	}
	if !slices.Equal(site.news, news) || len(news) == 0 {
		t.Errorf("news sitemap lists %v, want the last 48 hours newest first %v", site.news, news)
	}
	for _, doc := range site.newsDocs {
		for _, u := range doc.URLs {
			lang := "en"
			if strings.HasPrefix(u.Loc, "https://news.example/ru/") {
				lang = "ru"
			}
			if u.News == nil || u.News.Name != "Dateline" || u.News.Language != lang || u.News.Title == "" || u.News.Date == "" {
				t.Errorf("news entry %s: %+v", u.Loc, u.News)
			}
		}
	}
	sections := site.urls["/sitemaps/sections.xml"]
	// Each edition's home, feed and sections.
	if len(sections) != 4+len(dateline.DefaultSections)+len(demo.SectionsRU) || sections[0] != "https://news.example/" ||
		!slices.Contains(sections, "https://news.example/politics") || !slices.Contains(sections, "https://news.example/ru/politika") {
		t.Errorf("sections sitemap %v", sections)
	}
	topic, person := demoTags(t, e)
	if !slices.Contains(site.urls["/sitemaps/topics.xml"], "https://news.example/topics/"+topic) ||
		!slices.Contains(site.urls["/sitemaps/persons.xml"], "https://news.example/persons/"+person) {
		t.Errorf("topics %v persons %v", site.urls["/sitemaps/topics.xml"], site.urls["/sitemaps/persons.xml"])
	}
	// Every listed page answers.
	for _, f := range []string{"/sitemaps/sections.xml", "/sitemaps/topics.xml", "/sitemaps/persons.xml"} {
		for _, l := range site.urls[f] {
			if c := e.get(strings.TrimPrefix(l, "https://news.example")).Code; c != 200 {
				t.Errorf("%s lists %s, which answers %d", f, l, c)
			}
		}
	}
	for _, l := range locs[:min(10, len(locs))] {
		if c := e.get(strings.TrimPrefix(l, "https://news.example")).Code; c != 200 {
			t.Errorf("month file lists %s, which answers %d", l, c)
		}
	}
	// Validators and gzip, as for pages.
	w := e.get("/sitemaps/news.xml")
	if c := e.get("/sitemaps/news.xml", "If-None-Match", w.Header().Get("ETag")).Code; c != http.StatusNotModified {
		t.Errorf("news.xml with its ETag: %d", c)
	}
	if g := e.get("/sitemap.xml", "Accept-Encoding", "gzip"); len(g.Body.Bytes()) > 1024 && g.Header().Get("Content-Encoding") != "gzip" {
		t.Error("the index is not gzipped")
	}
}

// TestSitemapMonths checks the month files and their split, the news
// files' split, and that a withdrawn story leaves them at once, with the
// month's files counted again.
func TestSitemapMonths(t *testing.T) {
	e := newEnv(t, false)
	e.srv.SetSitemapSizes(2, 2, 1)
	now := e.clock.Now()
	m0 := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	at := map[string]time.Time{
		"a1": m0.AddDate(0, -2, 3), "a2": m0.AddDate(0, -2, 4), "a3": m0.AddDate(0, -2, 5),
		"b1": m0.AddDate(0, -1, 10),
	}
	ids := map[string]int64{}
	for _, k := range []string{"a1", "a2", "a3", "b1"} {
		e.clock.t = at[k]
		ids[k] = e.publish("urn:test:sm-"+k, "Story "+k, "world", "")
	}
	e.clock.t = now
	for i, k := range []string{"c1", "c2", "c3"} {
		e.clock.t = now.Add(time.Duration(i-3) * time.Minute)
		extra := ""
		if k == "c1" {
			extra = `, "people": [{"name": "Anna Petrova"}, {"name": "Boris Ivanov"}]`
		}
		if k == "c2" {
			extra = `, "associations": [{"name": "pic", "type": "picture", "uri": "urn:test:pic", "renditions": [{"name": "r", "href": "https://images.example/c2.jpg", "width": 1600, "height": 900, "contenttype": "image/jpeg"}]}]`
		}
		ids[k] = e.publish("urn:test:sm-"+k, "Story "+k, "world", extra)
	}
	e.clock.t = now
	loc := func(k string) string { return fmt.Sprintf("https://news.example/world/%d", ids[k]) }
	month := func(t time.Time, n int) string {
		name := "/sitemaps/articles-" + t.Format("2006-01")
		if n > 1 {
			name += fmt.Sprintf("-%d", n)
		}
		return name + ".xml"
	}
	ma, mb := at["a1"], at["b1"]

	if err := e.srv.WarmSitemaps(context.Background()); err != nil {
		t.Fatal(err)
	}
	site := readSitemaps(t, e)
	wantFiles := []string{month(m0, 1), month(m0, 2), month(mb, 1), month(ma, 1), month(ma, 2)}
	var got []string
	for _, f := range site.files {
		if strings.HasPrefix(f, "/sitemaps/articles-") {
			got = append(got, f)
		}
	}
	if !slices.Equal(got, wantFiles) {
		t.Errorf("month files %v, want %v", got, wantFiles)
	}
	wantLocs := []string{loc("c1"), loc("c2"), loc("c3"), loc("b1"), loc("a1"), loc("a2"), loc("a3")}
	if got := site.articleLocs(); !slices.Equal(got, wantLocs) {
		t.Errorf("stories %v, want %v", got, wantLocs)
	}
	if site.images[loc("c2")] != "https://images.example/c2.jpg" || len(site.images) != 1 {
		t.Errorf("images %v", site.images)
	}
	if !slices.Equal(site.news, []string{loc("c3"), loc("c2"), loc("c1")}) || !slices.Contains(site.files, "/sitemaps/news-2.xml") {
		t.Errorf("news %v in files %v", site.news, site.files)
	}
	if p1, p2 := site.urls["/sitemaps/persons.xml"], site.urls["/sitemaps/persons-2.xml"]; len(p1) != 1 || len(p2) != 1 ||
		p1[0] != "https://news.example/persons/anna-petrova" || p2[0] != "https://news.example/persons/boris-ivanov" {
		t.Errorf("persons files %v %v in %v", p1, p2, site.files)
	}
	lastmodA := site.lastmod[month(ma, 1)]

	// A withdrawal two months back: its month is one file now, with the
	// withdrawal's time, and the story is in no file.
	e.clock.Add(time.Minute)
	w := e.ingest(item("urn:test:sm-a2", at["a2"].Add(time.Hour), `, "pubstatus": "canceled"`))
	if w.Code >= 300 {
		t.Fatalf("withdraw: %d %s", w.Code, w.Body)
	}
	if c := e.get(month(ma, 2)).Code; c != http.StatusNotFound {
		t.Errorf("%s after the withdrawal: %d, want 404", month(ma, 2), c)
	}
	site = readSitemaps(t, e)
	if got := site.articleLocs(); slices.Contains(got, loc("a2")) || len(got) != 6 {
		t.Errorf("after the withdrawal: %v", got)
	}
	if lm := site.lastmod[month(ma, 1)]; lm == lastmodA || lm != e.clock.Now().UTC().Format(time.RFC3339) {
		t.Errorf("lastmod of %s after the withdrawal %q (was %q)", month(ma, 1), lm, lastmodA)
	}
	// The last story of a month leaves: so does the month.
	e.ingest(item("urn:test:sm-b1", at["b1"].Add(time.Hour), `, "pubstatus": "canceled"`))
	if c := e.get(month(mb, 1)).Code; c != http.StatusNotFound {
		t.Errorf("%s with no story: %d, want 404", month(mb, 1), c)
	}
	if strings.Contains(e.get("/sitemap.xml").Body.String(), month(mb, 1)) {
		t.Errorf("the index still lists %s", month(mb, 1))
	}

	// Two days on, the news sitemap is empty.
	e.clock.Add(49 * time.Hour)
	e.srv.Changed()
	if b := e.get("/sitemaps/news.xml").Body.String(); strings.Contains(b, "<url>") {
		t.Errorf("news sitemap after two days: %s", b)
	}
}

// TestSitemapBadInput checks that malformed and unknown sitemap
// addresses are 404 (or 405), never 500.
func TestSitemapBadInput(t *testing.T) {
	e := sharedDemo(t)
	this := e.clock.Now().Format("2006-01")
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/sitemaps/articles-" + this + ".xml", 200},
		{"GET", "/sitemaps/articles-2026-13.xml", 404},
		{"GET", "/sitemaps/articles-2026-00.xml", 404},
		{"GET", "/sitemaps/articles-1999-01.xml", 404},
		{"GET", "/sitemaps/articles-0001-01.xml", 404},
		{"GET", "/sitemaps/articles-26-11.xml", 404},
		{"GET", "/sitemaps/articles-2026-1.xml", 404},
		{"GET", "/sitemaps/articles-" + this + "-1.xml", 404},
		{"GET", "/sitemaps/articles-" + this + "-02.xml", 404},
		{"GET", "/sitemaps/articles-" + this + "-0.xml", 404},
		{"GET", "/sitemaps/articles-" + this + "-2.xml", 404},
		{"GET", "/sitemaps/articles-" + this + "-99999999999999999999.xml", 404},
		{"GET", "/sitemaps/articles-" + this + "--2.xml", 404},
		{"GET", "/sitemaps/articles-" + this + ".xml.gz", 404},
		{"GET", "/sitemaps/articles-" + this, 404},
		{"GET", "/sitemaps/articles.xml", 404},
		{"GET", "/sitemaps/news-1.xml", 404},
		{"GET", "/sitemaps/news-9.xml", 404},
		{"GET", "/sitemaps/newsx.xml", 404},
		{"GET", "/sitemaps/topics-0.xml", 404},
		{"GET", "/sitemaps/topics-999.xml", 404},
		{"GET", "/sitemaps/persons-2.xml", 404},
		{"GET", "/sitemaps/sections-2.xml", 404},
		{"GET", "/sitemaps/%00.xml", 404},
		{"GET", "/sitemaps/", 404},
		{"GET", "/sitemaps/x/y.xml", 404},
		{"POST", "/sitemap.xml", 405},
		{"POST", "/sitemaps/news.xml", 405},
		{"HEAD", "/sitemaps/news.xml", 200},
		{"GET", "/sitemap.xml?x=%zz", 200},
	} {
		if w := e.do(tc.method, tc.path, ""); w.Code != tc.want {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, w.Code, tc.want)
		}
	}
}
