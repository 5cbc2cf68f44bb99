package http_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"dateline"
	dhttp "dateline/http"
	"dateline/ingest"
	"dateline/media"
)

var feedExts = []string{"rss", "atom", "json"}

var feedTypes = map[string]string{
	"rss":  "application/rss+xml; charset=utf-8",
	"atom": "application/atom+xml; charset=utf-8",
	"json": "application/feed+json; charset=utf-8",
}

// newEnvWith is newEnv (without the demo) with the configuration changed
// by set.
func newEnvWith(t *testing.T, log *slog.Logger, set func(*dhttp.Config)) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	store := openStore(t, dir)
	for _, s := range dateline.DefaultSections {
		if err := store.SaveSection(ctx, &s); err != nil {
			t.Fatal(err)
		}
	}
	c := &clock{t: time.Now().UTC().Truncate(time.Second)}
	in := &ingest.Service{Store: store, Now: c.Now, FallbackSection: "world"}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	cfg := dhttp.Config{SiteName: "Dateline", AgencyMark: "DATELINE", BaseURL: "https://news.example",
		City: dhttp.City{Name: "Moscow", Zone: moscow}, Media: media.Dir{Root: filepath.Join(dir, "media")}, MaxBodySize: 256 << 10,
		RenderLimit: -1} // every request comes from one address; TestRenderLimit sets one
	set(&cfg)
	srv, err := dhttp.NewServer(store, in, log, cfg, c.Now)
	if err != nil {
		t.Fatal(err)
	}
	in.Changed = srv.StoriesChanged
	e := &env{t: t, store: store, srv: srv, clock: c, dir: dir}
	e.token = e.makeToken("editorial", "write")
	return e
}

// jsonFeedSchema is the JSON Feed 1.1 schema from testdata.
func jsonFeedSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/feeds/jsonfeed/schema-v1.1.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("https://jsonfeed.org/schema-v1.1.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("https://jsonfeed.org/schema-v1.1.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// checkFeed fetches a feed, checks its type, validators and encoding,
// validates a JSON Feed against the schema, and parses it with gofeed.
func checkFeed(t *testing.T, e *env, path string, schema *jsonschema.Schema) (*gofeed.Feed, string) {
	t.Helper()
	w := e.get(path)
	if w.Code != http.StatusOK {
		t.Fatalf("%s: %d %.300s", path, w.Code, w.Body)
	}
	ext := path[strings.LastIndexByte(path, '.')+1:]
	if got := w.Header().Get("Content-Type"); got != feedTypes[ext] {
		t.Errorf("%s: Content-Type %q, want %q", path, got, feedTypes[ext])
	}
	body := w.Body.String()
	etag, mod := w.Header().Get("ETag"), w.Header().Get("Last-Modified")
	if etag == "" || mod == "" {
		t.Errorf("%s: ETag %q Last-Modified %q", path, etag, mod)
	}
	if c := e.get(path, "If-None-Match", etag).Code; c != http.StatusNotModified {
		t.Errorf("%s with If-None-Match: %d, want 304", path, c)
	}
	if c := e.get(path, "If-Modified-Since", mod).Code; c != http.StatusNotModified {
		t.Errorf("%s with If-Modified-Since: %d, want 304", path, c)
	}
	if len(body) > 1024 {
		gz := e.get(path, "Accept-Encoding", "gzip")
		zr, err := gzip.NewReader(gz.Body)
		if gz.Header().Get("Content-Encoding") != "gzip" || err != nil {
			t.Errorf("%s: not gzipped (%v)", path, err)
		} else if b, _ := io.ReadAll(zr); string(b) != body {
			t.Errorf("%s: gzip body differs", path)
		}
	}
	if ext == "json" && schema != nil {
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(body))
		if err != nil {
			t.Fatalf("%s is not JSON: %v", path, err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%s does not match the JSON Feed 1.1 schema: %v", path, err)
		}
	}
	f, err := gofeed.NewParser().ParseString(body)
	if err != nil {
		t.Fatalf("%s does not parse: %v\n%.500s", path, err, body)
	}
	want := map[string]string{"rss": "rss", "atom": "atom", "json": "json"}[ext]
	if f.FeedType != want {
		t.Errorf("%s parsed as %s, want %s", path, f.FeedType, want)
	}
	if len(f.Items) > 30 {
		t.Errorf("%s has %d items, want at most 30", path, len(f.Items))
	}
	for _, it := range f.Items {
		if !strings.HasPrefix(it.Link, "https://news.example/") || it.Title == "" || it.PublishedParsed == nil {
			t.Errorf("%s: item %q link %q published %v", path, it.Title, it.Link, it.PublishedParsed)
		}
	}
	return f, body
}

func itemLinks(f *gofeed.Feed) []string {
	var out []string
	for _, it := range f.Items {
		out = append(out, it.Link)
	}
	return out
}

// demoTags finds a topic and a person of the demo site's newest stories.
func demoTags(t *testing.T, e *env) (topic, person string) {
	t.Helper()
	list, err := e.store.Articles(context.Background(), dateline.ArticleFilter{Limit: 60})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		full, err := e.store.Article(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if topic == "" && len(full.Topics) > 0 {
			topic = full.Topics[0].Slug
		}
		if person == "" && len(full.Persons) > 0 {
			person = full.Persons[0].Slug
		}
	}
	if topic == "" || person == "" {
		t.Fatalf("the demo has no topic (%q) or person (%q)", topic, person)
	}
	return topic, person
}

// TestFeedsParse checks every kind of feed of the demo site in the three
// formats: gofeed parses them, the JSON Feed matches its schema, the
// stories are the newest published ones, with their photos, full text and
// absolute links.
func TestFeedsParse(t *testing.T) {
	e := sharedDemo(t)
	schema := jsonFeedSchema(t)
	topic, person := demoTags(t, e)
	// The main edition's feed holds the stories of its sections.
	var english []string
	for _, sec := range dateline.DefaultSections {
		english = append(english, sec.Slug)
	}
	newest, err := e.store.Articles(context.Background(), dateline.ArticleFilter{Sections: english, Limit: 30})
	if err != nil {
		t.Fatal(err)
	}
	for _, base := range []string{"/feed", "/politics/feed", "/topics/" + topic + "/feed", "/persons/" + person + "/feed"} {
		for _, ext := range feedExts {
			path := base + "." + ext
			f, body := checkFeed(t, e, path, schema)
			if len(f.Items) == 0 {
				t.Errorf("%s has no items", path)
				continue
			}
			if strings.Contains(body, `src=\"/`) || strings.Contains(body, `src=&quot;/`) || strings.Contains(body, `src=&#34;/`) || strings.Contains(body, `href=&#34;/`) || strings.Contains(body, `href=&quot;/`) {
				t.Errorf("%s has links relative to the site", path)
			}
			if base != "/feed" {
				continue
			}
			// The site feed: the 30 newest, newest first, each with its
			// photo, section and full text.
			var want []string
			for _, a := range newest {
				want = append(want, "https://news.example/"+a.Section+"/"+fmt.Sprint(a.ID))
			}
			if got := itemLinks(f); !slices.Equal(got, want) {
				t.Errorf("%s items = %v, want %v", path, got, want)
			}
			for i, it := range f.Items {
				a := newest[i]
				title := a.Headline
				if a.Commercial == dateline.CommercialPartner {
					title = "Partner material: " + title // see TestCommercialLabels
				}
				if it.Title != title || !slices.Contains(it.Categories, a.SectionName) {
					t.Errorf("%s item %d: title %q categories %v", path, i, it.Title, it.Categories)
				}
				if !strings.Contains(it.Content, "<p>") {
					t.Errorf("%s item %d has no full text: %.100q", path, i, it.Content)
				}
				if a.Photo == nil {
					continue
				}
				photo := "https://news.example/media/" + a.Photo.Path
				switch ext {
				case "rss":
					if len(it.Enclosures) != 1 || it.Enclosures[0].URL != photo || it.Enclosures[0].Length != "0" || it.Enclosures[0].Type != "image/jpeg" {
						t.Errorf("%s item %d enclosures %+v, want %s", path, i, it.Enclosures, photo)
					}
					if mc := it.Extensions["media"]["content"]; len(mc) != 1 || mc[0].Attrs["url"] != photo || mc[0].Attrs["medium"] != "image" {
						t.Errorf("%s item %d media:content %+v", path, i, mc)
					}
				case "atom":
					if len(it.Enclosures) != 1 || it.Enclosures[0].URL != photo {
						t.Errorf("%s item %d enclosures %+v, want %s", path, i, it.Enclosures, photo)
					}
				case "json":
					if it.Image == nil || it.Image.URL != photo {
						t.Errorf("%s item %d image %+v, want %s", path, i, it.Image, photo)
					}
				}
			}
		}
	}
}

// TestFeedsFollowStatus checks that feeds show published stories only: an
// embargoed story appears when it is released and a withdrawn one leaves
// every feed at once, on each engine.
func TestFeedsFollowStatus(t *testing.T) {
	e := newEnv(t, false)
	now := e.clock.Now()
	ids := map[string]int64{}
	for _, uri := range []string{"urn:test:feed1", "urn:test:feed2"} {
		w := e.ingest(item(uri, now.Add(-time.Hour), `, "by": "Anna Petrova"`))
		if w.Code != http.StatusCreated {
			t.Fatalf("ingest %s: %d %s", uri, w.Code, w.Body)
		}
		ids[uri] = answer(t, w.Body.Bytes()).ID
	}
	w := e.ingest(item("urn:test:feed-embargo", now, fmt.Sprintf(`, "embargoed": %q`, now.Add(2*time.Hour).Format(time.RFC3339))))
	ids["urn:test:feed-embargo"] = answer(t, w.Body.Bytes()).ID
	url := func(uri string) string { return fmt.Sprintf("https://news.example/science/%d", ids[uri]) }

	check := func(when string, in, out []string) {
		t.Helper()
		for _, base := range []string{"/feed", "/science/feed", "/topics/arctic/feed", "/persons/yelena-vorontsova/feed"} {
			for _, ext := range feedExts {
				f, _ := checkFeed(t, e, base+"."+ext, nil)
				links := itemLinks(f)
				for _, uri := range in {
					if !slices.Contains(links, url(uri)) {
						t.Errorf("%s: %s.%s lacks %s: %v", when, base, ext, uri, links)
					}
				}
				for _, uri := range out {
					if slices.Contains(links, url(uri)) {
						t.Errorf("%s: %s.%s has %s", when, base, ext, uri)
					}
				}
			}
		}
	}
	check("published", []string{"urn:test:feed1", "urn:test:feed2"}, []string{"urn:test:feed-embargo"})
	if f, _ := checkFeed(t, e, "/feed.atom", nil); len(f.Items) > 0 && (len(f.Items[0].Authors) == 0 || f.Items[0].Authors[0].Name != "Anna Petrova") {
		t.Errorf("Atom entry authors %+v, want the byline", f.Items[0].Authors)
	}

	etag := e.get("/feed.rss").Header().Get("ETag")
	w = e.ingest(item("urn:test:feed1", now.Add(-time.Hour+time.Minute), `, "pubstatus": "canceled"`))
	if a := answer(t, w.Body.Bytes()); a.Status != "withdrawn" {
		t.Fatalf("cancel: %+v", a)
	}
	if c := e.get("/feed.rss", "If-None-Match", etag).Code; c != http.StatusOK {
		t.Errorf("the site feed after a withdrawal answers %d to its old ETag, want 200", c)
	}
	check("withdrawn", []string{"urn:test:feed2"}, []string{"urn:test:feed1", "urn:test:feed-embargo"})

	e.clock.Add(3 * time.Hour)
	if _, err := e.store.PublishDue(context.Background(), e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.srv.Changed()
	check("released", []string{"urn:test:feed2", "urn:test:feed-embargo"}, []string{"urn:test:feed1"})
}

// TestFeedSummary checks --feed-content summary: leads, no story text.
func TestFeedSummary(t *testing.T) {
	e := newEnvWith(t, nil, func(c *dhttp.Config) { c.FeedContent = dhttp.FeedSummary })
	id := e.publish("urn:test:summary", "Summary only", "world", `, "descriptions": [{"role": "summary", "value": "The lead."}]`)
	for _, ext := range feedExts {
		f, body := checkFeed(t, e, "/world/feed."+ext, jsonFeedSchema(t))
		if len(f.Items) != 1 || f.Items[0].Link != fmt.Sprintf("https://news.example/world/%d", id) {
			t.Fatalf("%s items %v", ext, itemLinks(f))
		}
		if strings.Contains(body, "Body of Summary only") || !strings.Contains(body, "The lead.") {
			t.Errorf("summary %s feed: %s", ext, body)
		}
	}
	if _, err := dhttp.NewServer(e.store, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), dhttp.Config{FeedContent: "everything"}, nil); err == nil {
		t.Error("NewServer took feed content \"everything\"")
	}
}

// TestFeedLinksInHead checks each page names its own feed and the site's.
func TestFeedLinksInHead(t *testing.T) {
	e := sharedDemo(t)
	topic, person := demoTags(t, e)
	list, _ := e.store.Articles(context.Background(), dateline.ArticleFilter{Sections: []string{"politics"}, Limit: 1})
	if len(list) == 0 {
		t.Fatal("no politics story in the demo")
	}
	site := []string{"/feed.rss", "/feed.atom", "/feed.json"}
	own := func(base string) []string {
		return append([]string{base + ".rss", base + ".atom", base + ".json"}, site...)
	}
	for _, tc := range []struct {
		page string
		want []string
	}{
		{"/", site},
		{"/news", site},
		{"/politics", own("/politics/feed")},
		{fmt.Sprintf("/politics/%d", list[0].ID), append([]string{fmt.Sprintf("/politics/%d/feed.rss", list[0].ID), fmt.Sprintf("/politics/%d/feed.atom", list[0].ID),
			fmt.Sprintf("/politics/%d/feed.json", list[0].ID)}, own("/politics/feed")...)},
		{"/topics/" + topic, own("/topics/" + topic + "/feed")},
		{"/persons/" + person, own("/persons/" + person + "/feed")},
		{"/no-such-page", site},
	} {
		_, doc := e.page(tc.page)
		var got []string
		for _, n := range doc.All("head link[rel=alternate]") {
			if n.Attr("hreflang") != "" {
				continue // another edition's version of the page
			}
			href := n.Attr("href")
			got = append(got, strings.TrimPrefix(href, "https://news.example"))
			ext := href[strings.LastIndexByte(href, '.')+1:]
			if typ, _, _ := strings.Cut(feedTypes[ext], ";"); n.Attr("type") != typ || n.Attr("title") == "" {
				t.Errorf("%s: link %s type %q title %q", tc.page, href, n.Attr("type"), n.Attr("title"))
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s links feeds %v, want %v", tc.page, got, tc.want)
		}
		// Every feed a page names answers.
		for _, p := range got {
			if c := e.get(p).Code; c != http.StatusOK {
				t.Errorf("%s names %s, which answers %d", tc.page, p, c)
			}
		}
	}
}

// TestFeedBadInput checks that unknown sections, topics and persons and
// malformed addresses get 404 (or 405), never 500.
func TestFeedBadInput(t *testing.T) {
	e := sharedDemo(t)
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/nosuch/feed.rss", 404},
		{"GET", "/topics/no-such-topic/feed.rss", 404},
		{"GET", "/persons/no-such-person/feed.atom", 404},
		{"GET", "/topics/%00/feed.json", 404},
		{"GET", "/topics/" + strings.Repeat("x", 300) + "/feed.json", 404},
		{"GET", "/topics/%FF%FE/feed.rss", 404},
		{"GET", "/politics/feed.xml", 404},
		{"GET", "/politics/feed.", 404},
		{"GET", "/feed.xml", 404},
		{"GET", "/politics/feed.rss/x", 404},
		{"POST", "/feed.rss", 405},
		{"POST", "/politics/feed.rss", 405},
		{"HEAD", "/politics/feed.rss", 200},
		{"GET", "/feed.rss?before=junk", 200},
	} {
		if w := e.do(tc.method, tc.path, ""); w.Code != tc.want {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, w.Code, tc.want)
		}
	}
}

// hubRecorder is a WebSub hub that records pings.
type hubRecorder struct {
	mu     sync.Mutex
	pings  []hubPing
	status int
	delay  time.Duration
}

type hubPing struct {
	at          time.Time
	contentType string
	form        url.Values
}

func (h *hubRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(h.delay)
	r.ParseForm()
	h.mu.Lock()
	h.pings = append(h.pings, hubPing{at: time.Now(), contentType: r.Header.Get("Content-Type"), form: r.PostForm})
	status := h.status
	h.mu.Unlock()
	if status == 0 {
		status = http.StatusNoContent
	}
	w.WriteHeader(status)
}

func (h *hubRecorder) byFeed() map[string][]hubPing {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string][]hubPing{}
	for _, p := range h.pings {
		out[p.form.Get("hub.url")] = append(out[p.form.Get("hub.url")], p)
	}
	return out
}

// TestWebSub checks that feeds name the hub and themselves, and that a
// change pings the hub about the site's and the section's feeds, at most
// once a second each, with failures logged.
func TestWebSub(t *testing.T) {
	rec := &hubRecorder{}
	hub := httptest.NewServer(rec)
	defer hub.Close()
	logs := &syncBuffer{} // newsroom_test.go
	e := newEnvWith(t, slog.New(slog.NewTextHandler(logs, nil)), func(c *dhttp.Config) { c.WebSubHub = hub.URL + "/hub" })
	e.publish("urn:test:websub", "Hub news", "science", "")

	_, rss := checkFeed(t, e, "/science/feed.rss", nil)
	_, atom := checkFeed(t, e, "/science/feed.atom", nil)
	_, js := checkFeed(t, e, "/science/feed.json", jsonFeedSchema(t))
	for _, want := range []string{`<atom:link rel="hub" href="` + hub.URL + `/hub"></atom:link>`, `<atom:link rel="self" type="application/rss+xml" href="https://news.example/science/feed.rss"></atom:link>`} {
		if !strings.Contains(rss, want) {
			t.Errorf("RSS lacks %s", want)
		}
	}
	for _, want := range []string{`<link rel="hub" href="` + hub.URL + `/hub"></link>`, `<link rel="self" type="application/atom+xml" href="https://news.example/science/feed.atom"></link>`} {
		if !strings.Contains(atom, want) {
			t.Errorf("Atom lacks %s", want)
		}
	}
	var doc struct {
		FeedURL string `json:"feed_url"`
		Hubs    []struct{ Type, URL string }
	}
	json.Unmarshal([]byte(js), &doc)
	if doc.FeedURL != "https://news.example/science/feed.json" || len(doc.Hubs) != 1 || doc.Hubs[0].Type != "WebSub" || doc.Hubs[0].URL != hub.URL+"/hub" {
		t.Errorf("JSON Feed feed_url %q hubs %+v", doc.FeedURL, doc.Hubs)
	}

	// The events of the change, as the live event pump reads them.
	es, err := e.store.Events(context.Background(), 0, 100)
	if err != nil || len(es) == 0 {
		t.Fatalf("events: %v, %v", es, err)
	}
	start := time.Now()
	for range 5 {
		e.srv.NotifyHub(es)
	}
	e.srv.WaitHub()
	feeds := []string{"/feed.rss", "/feed.atom", "/feed.json", "/science/feed.rss", "/science/feed.atom", "/science/feed.json"}
	got := rec.byFeed()
	if len(got) != len(feeds) {
		t.Errorf("pinged about %d feeds, want %d: %v", len(got), len(feeds), got)
	}
	for _, f := range feeds {
		ps := got["https://news.example"+f]
		// One ping at once, and the four asked for within the second
		// merged into one when it is up.
		if len(ps) != 2 {
			t.Errorf("%s: %d pings, want 2", f, len(ps))
			continue
		}
		if d := ps[1].at.Sub(ps[0].at); d < 900*time.Millisecond {
			t.Errorf("%s: second ping %v after the first, want a second", f, d)
		}
		for _, p := range ps {
			if p.contentType != "application/x-www-form-urlencoded" || p.form.Get("hub.mode") != "publish" {
				t.Errorf("%s: ping %q %v", f, p.contentType, p.form)
			}
		}
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("pings took %v", d)
	}

	// A hub that fails is logged, and nothing else happens.
	rec.mu.Lock()
	rec.status = http.StatusInternalServerError
	rec.mu.Unlock()
	time.Sleep(1100 * time.Millisecond)
	e.srv.NotifyHub(es[:1])
	e.srv.WaitHub()
	if !strings.Contains(logs.String(), "websub hub refused a ping") {
		t.Errorf("a refused ping is not logged: %s", logs.String())
	}
	// A hub that does not answer in time is given up on.
	rec.mu.Lock()
	rec.status, rec.delay = 0, 2*time.Second
	rec.mu.Unlock()
	e.srv.SetHubTimeout(200 * time.Millisecond)
	time.Sleep(1100 * time.Millisecond)
	start = time.Now()
	e.srv.NotifyHub(es[:1])
	e.srv.WaitHub()
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("a slow hub held the pings %v", d)
	}
	if !strings.Contains(logs.String(), "websub ping failed") {
		t.Errorf("a timed-out ping is not logged: %s", logs.String())
	}
}
