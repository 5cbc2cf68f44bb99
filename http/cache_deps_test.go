package http_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"dateline"
	dhttp "dateline/http"
	"dateline/media"
)

// TestCacheNeverStale plays a wire against the page cache: random new
// stories, updates that change headlines, sections, topics and persons,
// and kills, each followed by reading a set of pages (home, news, sections,
// topics, persons, stories, feeds, sitemaps) through the node that took the
// write and through a second node on the same database whose cache is
// emptied before every request. Every page must be the same bytes on both,
// and a change must leave the pages it did not touch in the cache.
func TestCacheNeverStale(t *testing.T) {
	e := newEnv(t, false)
	fresh, err := dhttp.NewServer(e.store, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), dhttp.Config{
		SiteName: "Dateline", AgencyMark: "DATELINE", BaseURL: "https://news.example",
		City: dhttp.City{Name: "Moscow", Zone: moscow}, Media: media.Dir{Root: filepath.Join(e.dir, "media")}, MaxBodySize: 256 << 10,
		RenderLimit: -1, // it renders every page it is asked for
	}, e.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	seed := rng.Uint64()
	rng = rand.New(rand.NewPCG(seed, 7))
	t.Logf("seed %d", seed)
	sections := []string{"politics", "world", "economy", "sport"}
	topics := []string{"Elections", "Oil", "Football", "Summit", "Rates"}
	persons := []string{"Anna Petrova", "Ivan Sokolov", "Maria Lind"}
	type story struct {
		uri     string
		id      int64
		section string
		version int
		killed  bool
	}
	var stories []*story
	send := func(s *story, headline string, killed bool) {
		s.version++
		e.clock.Add(time.Second)
		s.section = sections[rng.IntN(len(sections))]
		code := ""
		for _, sec := range dateline.DefaultSections {
			if sec.Slug == s.section {
				code = sec.Codes[0]
			}
		}
		topic := topics[rng.IntN(len(topics))]
		person := persons[rng.IntN(len(persons))]
		status := "usable"
		if killed {
			status = "canceled"
		}
		doc := fmt.Sprintf(`{"uri": %q, "version": "%d", "versioncreated": %q, "pubstatus": %q, "language": "en", "headlines": [{"value": %q}],
			"bodies": [{"role": "html", "contenttype": "text/html", "value": "<p>Text of %s.</p><p>More.</p>"}],
			"subjects": [{"name": "x", "literal": %q}, {"name": %q}], "people": [{"name": %q}]}`,
			s.uri, s.version, e.clock.Now().Format(time.RFC3339), status, headline, headline, code, topic, person)
		w := e.ingest(doc)
		if w.Code >= 300 {
			t.Fatalf("ingest %s v%d: %d %s", s.uri, s.version, w.Code, w.Body)
		}
		var r struct{ ID int64 }
		json.Unmarshal(w.Body.Bytes(), &r)
		s.id = r.ID
		s.killed = killed
	}
	// The pages read after every change: lists of every kind, a few
	// stories, the feeds and the sitemaps.
	paths := func() []string {
		ps := []string{"/", "/news", "/feed.rss", "/feed.json", "/sitemap.xml", "/sitemaps/news.xml"}
		for _, s := range sections {
			ps = append(ps, "/"+s, "/"+s+"/feed.atom")
		}
		for _, tp := range topics {
			slug := strings.ToLower(tp)
			ps = append(ps, "/topics/"+slug, "/topics/"+slug+"/feed.rss")
		}
		for _, p := range persons {
			ps = append(ps, "/persons/"+strings.ToLower(strings.ReplaceAll(p, " ", "-")))
		}
		for i, s := range stories {
			if i%3 == 0 || i >= len(stories)-3 {
				ps = append(ps, fmt.Sprintf("/%s/%d", s.section, s.id))
			}
		}
		// The months the sitemap index names.
		fresh.DropCache()
		rec := httptest.NewRecorder()
		fresh.ServeHTTP(rec, httptest.NewRequest("GET", "/sitemap.xml", nil))
		index := rec.Body.String()
		for _, m := range regexp.MustCompile(`https://news\.example(/sitemaps/[^<]+)`).FindAllStringSubmatch(index, -1) {
			ps = append(ps, m[1])
		}
		return ps
	}
	compare := func(step string) {
		for _, p := range paths() {
			got := e.get(p)
			fresh.DropCache()
			want := httptest.NewRecorder()
			fresh.ServeHTTP(want, httptest.NewRequest("GET", p, nil))
			if got.Code != want.Code || !bytes.Equal(emptyFeedTime(got.Body.Bytes()), emptyFeedTime(want.Body.Bytes())) {
				t.Fatalf("after %s, %s is stale: %d, %d bytes; a fresh render is %d, %d bytes\n%s", step, p, got.Code, got.Body.Len(), want.Code, want.Body.Len(), firstDiff(got.Body.String(), want.Body.String()))
			}
		}
	}
	for i := range 12 {
		s := &story{uri: fmt.Sprintf("urn:cache:%d", i)}
		send(s, fmt.Sprintf("Story %d first words", i), false)
		stories = append(stories, s)
	}
	compare("the first stories")
	hits := e.srv.CacheHits()
	for step := range 40 {
		s := stories[rng.IntN(len(stories))]
		what := ""
		switch n := rng.IntN(10); {
		case n < 4:
			s = &story{uri: fmt.Sprintf("urn:cache:new:%d", step)}
			stories = append(stories, s)
			send(s, fmt.Sprintf("New story %d", step), false)
			what = "a new story"
		case n < 8 && !s.killed:
			send(s, fmt.Sprintf("Story %s, version %d", s.uri, s.version+1), false)
			what = "an update"
		case !s.killed:
			send(s, "Killed "+s.uri, true)
			what = "a kill"
		default:
			continue
		}
		compare(fmt.Sprintf("step %d (%s of %s)", step, what, s.uri))
	}
	// The cache answered some of the reads: changes dropped only what
	// they touched.
	if e.srv.CacheHits() == hits {
		t.Error("no page outlived a change: the cache drops everything")
	}
	t.Logf("%d reads answered from the cache", e.srv.CacheHits()-hits)
}

// emptyFeedTime blanks the time of a feed with no entries: it is the time
// its node last changed, which differs between two nodes.
func emptyFeedTime(b []byte) []byte {
	// The header's clock, too, shows the second the page was made in its
	// minute.
	b = regexp.MustCompile(`<time class="city-time"[^>]*>`).ReplaceAll(b, nil)
	if !bytes.Contains(b, []byte("<feed")) || bytes.Contains(b, []byte("<entry>")) {
		return b
	}
	return regexp.MustCompile(`<updated>[^<]*</updated>`).ReplaceAll(b, nil)
}

// firstDiff shows where two bodies part.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-120)
	return fmt.Sprintf("cached: …%s…\nfresh:  …%s…", a[lo:min(len(a), i+120)], b[lo:min(len(b), i+120)])
}
