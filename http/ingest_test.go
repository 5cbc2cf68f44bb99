package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type ingestAnswer struct {
	ID             int64  `json:"id"`
	Result         string `json:"result"`
	Status         string `json:"status"`
	Section        string `json:"section"`
	SectionMatched bool   `json:"section_matched"`
	Message        string `json:"message"`
	Error          *struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	} `json:"error"`
}

func answer(t *testing.T, body []byte) ingestAnswer {
	t.Helper()
	var a ingestAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, body)
	}
	return a
}

// item is a small valid ninjs document.
func item(uri string, version time.Time, extra string) string {
	return fmt.Sprintf(`{
		"uri": %q,
		"type": "text",
		"versioncreated": %q,
		"language": "en",
		"urgency": 4,
		"headlines": [{"role": "main", "value": "Arctic shipping season opens early"}],
		"descriptions": [{"role": "summary", "value": "Ice charts show open water a month ahead of the average."}],
		"bodies": [{"role": "html", "contenttype": "text/html", "value": "<p>First paragraph.</p><p>Second paragraph.</p>"}],
		"subjects": [{"name": "Science", "literal": "13000000"}, {"name": "Arctic"}],
		"people": [{"name": "Yelena Vorontsova"}],
		"located": "Murmansk"%s
	}`, uri, version.UTC().Format(time.RFC3339), extra)
}

func TestIngestCreateUpdateUnchanged(t *testing.T) {
	e := newEnv(t, false)
	v1 := e.clock.Now().Add(-time.Hour)
	w := e.ingest(item("urn:test:arctic", v1, ""))
	if w.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	a := answer(t, w.Body.Bytes())
	if a.Result != "created" || a.Section != "science" || !a.SectionMatched || a.Status != "published" {
		t.Fatalf("create answer %+v", a)
	}
	url := fmt.Sprintf("/science/%d", a.ID)
	if w.Header().Get("Location") != url {
		t.Errorf("Location %q", w.Header().Get("Location"))
	}
	page, doc := e.page(url)
	if page.Code != 200 || doc.First("h1").Text() != "Arctic shipping season opens early" {
		t.Fatalf("article page %d", page.Code)
	}
	if !strings.HasPrefix(doc.First(".body .dateline").Text(), "MURMANSK,") {
		t.Errorf("dateline %q", doc.First(".body .dateline").Text())
	}
	if doc.First(`.tags a[href="/topics/arctic"]`) == nil || doc.First(`.tags a[href="/persons/yelena-vorontsova"]`) == nil {
		t.Error("topic or person missing")
	}
	if doc.First(`.tags a[href="/topics/science"]`) != nil {
		t.Error("the subject that chose the section also became a topic")
	}
	if doc.First(".updated") != nil {
		t.Error("a first version shows an Updated time")
	}

	// A newer version updates in place.
	e.clock.Add(time.Minute)
	v2 := v1.Add(30 * time.Minute)
	doc2 := strings.Replace(item("urn:test:arctic", v2, ""), "opens early", "opens a month early", 1)
	w = e.ingest(doc2)
	a2 := answer(t, w.Body.Bytes())
	if w.Code != 200 || a2.Result != "updated" || a2.ID != a.ID {
		t.Fatalf("update: %d %+v", w.Code, a2)
	}
	_, doc = e.page(url)
	if doc.First("h1").Text() != "Arctic shipping season opens a month early" {
		t.Errorf("page not updated: %q", doc.First("h1").Text())
	}
	if doc.First(".updated") == nil {
		t.Error("no Updated time after an update")
	}

	// The same or an older version changes nothing and says so.
	for _, v := range []time.Time{v2, v1} {
		w = e.ingest(strings.Replace(item("urn:test:arctic", v, ""), "opens early", "STALE", 1))
		a3 := answer(t, w.Body.Bytes())
		if w.Code != 200 || a3.Result != "unchanged" || !strings.Contains(a3.Message, "nothing changed") {
			t.Errorf("version %v: %d %+v", v, w.Code, a3)
		}
	}
	got, _ := e.store.Article(context.Background(), a.ID)
	if got.Version != 2 || strings.Contains(got.Headline, "STALE") {
		t.Errorf("stored version %d headline %q", got.Version, got.Headline)
	}
}

func TestIngestRealExamples(t *testing.T) {
	e := newEnv(t, false)
	files, _ := filepath.Glob("../testdata/ninjs/*.json")
	if len(files) != 4 {
		t.Fatalf("%d examples", len(files))
	}
	want := map[string]string{ // file -> section
		"dpa_text.json":            "world", // no section code: the fallback
		"ninjsExSimpleText_2.json": "world",
		"ntb_text.json":            "world",
		"tt_text_image_2.json":     "defense", // subject 16000000
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w := e.ingest(string(data))
		if w.Code != http.StatusCreated {
			t.Errorf("%s: %d %s", f, w.Code, w.Body)
			continue
		}
		a := answer(t, w.Body.Bytes())
		if a.Section != want[filepath.Base(f)] {
			t.Errorf("%s: section %s, want %s", f, a.Section, want[filepath.Base(f)])
		}
		page, doc := e.page(fmt.Sprintf("/%s/%d", a.Section, a.ID))
		if page.Code != 200 || doc.First("article h1") == nil || doc.First("article .body p") == nil {
			t.Errorf("%s: page %d", f, page.Code)
		}
		// Sending the same document again changes nothing.
		if a2 := answer(t, e.ingest(string(data)).Body.Bytes()); a2.Result != "unchanged" || a2.ID != a.ID {
			t.Errorf("%s: resend %+v", f, a2)
		}
	}
	tt, err := e.store.ArticleByURI(context.Background(), "http://tt.se/media/text/210526-militarovning-a0f2d045")
	if err != nil {
		t.Fatal(err)
	}
	if tt.Lang != "sv" || tt.Place != "Sverige" || tt.Photo == nil || tt.Photo.Credit != "Karl Melander/TT" || len(tt.Persons) != 1 {
		t.Errorf("TT item mapped to lang %q place %q photo %+v persons %v", tt.Lang, tt.Place, tt.Photo, tt.Persons)
	}
	if strings.Contains(tt.Pages[0], "<h1") || strings.Contains(tt.Pages[0], "<title") || strings.Contains(tt.Pages[0], "<html") {
		t.Errorf("TT body kept its document wrapper: %.200s", tt.Pages[0])
	}
	ntb, _ := e.store.ArticleByURI(context.Background(), "urn:8d19cf88-b3ab-4972-8fec-1207599f2872")
	if ntb.Lang != "nb" || !strings.HasPrefix(ntb.Lead, "IT-giganten Google") {
		t.Errorf("NTB item: lang %q lead %q", ntb.Lang, ntb.Lead)
	}
}

func TestIngestCancelWithdraws(t *testing.T) {
	e := newEnv(t, false)
	v1 := e.clock.Now().Add(-time.Hour)
	a := answer(t, e.ingest(item("urn:test:cancel", v1, "")).Body.Bytes())
	url := fmt.Sprintf("/science/%d", a.ID)
	if w := e.get(url); w.Code != 200 {
		t.Fatalf("before cancel: %d", w.Code)
	}
	if !strings.Contains(e.get("/news").Body.String(), url) || !strings.Contains(e.get("/").Body.String(), url) {
		t.Fatal("story not listed before cancel")
	}
	w := e.ingest(item("urn:test:cancel", v1.Add(time.Minute), `, "pubstatus": "canceled"`))
	if c := answer(t, w.Body.Bytes()); c.Status != "withdrawn" {
		t.Fatalf("cancel answer %+v", c)
	}
	w = e.get(url)
	if w.Code != http.StatusGone || !strings.Contains(w.Body.String(), "withdrawn") {
		t.Errorf("withdrawn page: %d", w.Code)
	}
	for _, list := range []string{"/", "/news", "/science", "/topics/arctic", "/persons/yelena-vorontsova"} {
		if strings.Contains(e.get(list).Body.String(), url) {
			t.Errorf("%s still lists the withdrawn story", list)
		}
	}
}

func TestIngestEmbargo(t *testing.T) {
	e := newEnv(t, false)
	now := e.clock.Now()
	release := now.Add(2 * time.Hour)
	w := e.ingest(item("urn:test:embargo", now, fmt.Sprintf(`, "embargoed": %q`, release.Format(time.RFC3339))))
	a := answer(t, w.Body.Bytes())
	if w.Code != http.StatusCreated || a.Status != "scheduled" || w.Header().Get("Location") != "" {
		t.Fatalf("embargoed item: %d %+v location %q", w.Code, a, w.Header().Get("Location"))
	}
	url := fmt.Sprintf("/science/%d", a.ID)
	for _, p := range []string{url, "/", "/news", "/science", "/topics/arctic"} {
		w := e.get(p)
		if p == url && w.Code != 404 {
			t.Errorf("embargoed page answers %d", w.Code)
		}
		if strings.Contains(w.Body.String(), "Arctic shipping season") {
			t.Errorf("%s shows the embargoed story", p)
		}
	}
	// What the scheduler does each second: nothing before the time...
	if ids, _ := e.store.PublishDue(context.Background(), release.Add(-time.Second)); len(ids) != 0 {
		t.Fatalf("released early: %v", ids)
	}
	// ... and the story is everywhere once it has come.
	e.clock.Add(2*time.Hour + time.Second)
	ids, err := e.store.PublishDue(context.Background(), e.clock.Now())
	if err != nil || len(ids) != 1 {
		t.Fatalf("PublishDue %v %v", ids, err)
	}
	e.srv.Changed()
	if w := e.get(url); w.Code != 200 {
		t.Errorf("after release: %d", w.Code)
	}
	if !strings.Contains(e.get("/news").Body.String(), url) {
		t.Error("released story not in the feed")
	}
	got, _ := e.store.Article(context.Background(), a.ID)
	if !got.PublishedAt.Equal(release.Truncate(time.Second)) {
		t.Errorf("published at %v, want the embargo time %v", got.PublishedAt, release)
	}
}

func TestIngestUnknownSection(t *testing.T) {
	e := newEnv(t, false)
	doc := `{"uri": "urn:test:nosection", "versioncreated": "2026-01-02T10:00:00Z",
		"headlines": [{"value": "A story without a section"}], "subjects": [{"name": "Gardening", "literal": "99999"}]}`
	w := e.ingest(doc)
	a := answer(t, w.Body.Bytes())
	if w.Code != http.StatusCreated || a.Section != "world" || a.SectionMatched || !strings.Contains(a.Message, "No genre or subject matched") {
		t.Errorf("fallback: %d %+v", w.Code, a)
	}
	// With the fallback switched off such items are refused.
	e2 := newEnvNoFallback(t)
	w = e2.ingest(strings.Replace(doc, "nosection", "nosection2", 1))
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(answer(t, w.Body.Bytes()).Error.Message, "section") {
		t.Errorf("no fallback: %d %s", w.Code, w.Body)
	}
	if n, _ := e2.store.CountArticles(context.Background(), ""); n != 0 {
		t.Errorf("refused item stored: %d", n)
	}
}

func TestIngestGenreChoosesSection(t *testing.T) {
	e := newEnv(t, false)
	doc := `{"uri": "urn:test:genre", "versioncreated": "2026-01-02T10:00:00Z",
		"headlines": [{"value": "Derby ends level"}],
		"genres": [{"name": "Sport", "uri": "http://cv.iptc.org/newscodes/mediatopic/15000000"}],
		"subjects": [{"name": "Politics", "literal": "11000000"}]}`
	a := answer(t, e.ingest(doc).Body.Bytes())
	if a.Section != "sport" {
		t.Errorf("section %s, want sport (genres before subjects)", a.Section)
	}
	doc2 := `{"uri": "urn:test:qcode", "versioncreated": "2026-01-02T10:00:00Z",
		"headlines": [{"value": "Budget passes"}], "subjects": [{"name": "economy", "qcode": "medtop:04000000"}]}`
	if a := answer(t, e.ingest(doc2).Body.Bytes()); a.Section != "economy" {
		t.Errorf("qcode: section %s", a.Section)
	}
}

func TestIngestSanitises(t *testing.T) {
	e := newEnv(t, false)
	doc := `{"uri": "urn:test:xss", "versioncreated": "2026-01-02T10:00:00Z",
		"headlines": [{"value": "<script>alert(1)</script>Budget <b onmouseover=alert(2)>passes</b>"}],
		"descriptions": [{"value": "<img src=x onerror=alert(3)>Lead"}],
		"bodies": [{"contenttype": "text/html", "value": "<p onclick=\"alert(4)\">Text <a href=\"javascript:alert(5)\">link</a> <a href=\"https://example.org/x\">ok</a></p><script>alert(6)</script><iframe src=\"https://evil.example\"></iframe><style>body{display:none}</style><p style=\"color:red\">More</p>"}],
		"subjects": [{"literal": "04000000"}]}`
	w := e.ingest(doc)
	a := answer(t, w.Body.Bytes())
	if w.Code != http.StatusCreated {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	body := e.get(fmt.Sprintf("/economy/%d", a.ID)).Body.String()
	for _, bad := range []string{"alert(", "onerror", "onclick", "onmouseover", "javascript:", "<iframe", "display:none", `style="color`} {
		if strings.Contains(body, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if !strings.Contains(body, `href="https://example.org/x"`) {
		t.Error("a safe link was dropped")
	}
	got, _ := e.store.Article(context.Background(), a.ID)
	if got.Headline != "Budget passes" || got.Lead != "Lead" {
		t.Errorf("stored headline %q lead %q", got.Headline, got.Lead)
	}
}

func TestIngestChangesCachedPages(t *testing.T) {
	e := newEnv(t, false)
	before := e.get("/news")
	if strings.Contains(before.Body.String(), "Arctic shipping") {
		t.Fatal("story there before ingest")
	}
	e.ingest(item("urn:test:cache", e.clock.Now(), ""))
	after := e.get("/news")
	if !strings.Contains(after.Body.String(), "Arctic shipping") {
		t.Error("cached feed not refreshed after ingest")
	}
	if before.Header().Get("ETag") == after.Header().Get("ETag") {
		t.Error("ETag did not change")
	}
}

func newEnvNoFallback(t *testing.T) *env { return newEnvFallback(t, false, "") }
