package http_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestNothingLeaksBeforeRelease watches every public output, in both
// editions, plain, gzip and conditional on the cached pages: an
// embargoed story shows nowhere before its release, and a story killed
// before its release shows nowhere ever. The released story does show,
// so the watching is known to see.
func TestNothingLeaksBeforeRelease(t *testing.T) {
	e := newEnv(t, false)
	e.russian()
	// Public stories, so every list has something.
	e.send(e.wire("urn:test:leak:pub", "Harbour reopens after storm", "politics", `, "subjects": [{"name": "x", "literal": "POL"}, {"name": "Harbours"}], "people": [{"name": "Olga Public"}]`))
	e.send(e.wire("urn:test:leak:pub-ru", "Порт открылся после шторма", "politika", `, "subjects": [{"name": "x", "literal": "ru-politika"}, {"name": "Порты"}]`))
	e.clock.Add(time.Minute)

	s := startStreams(t, e)
	stream := s.open("", "")

	// The outputs, warmed into the page cache before the secrets arrive.
	paths := []string{
		"/", "/news", "/politics", "/topics/harbours", "/persons/olga-public",
		"/feed.rss", "/feed.atom", "/feed.json", "/politics/feed.rss", "/politics/feed.atom", "/politics/feed.json",
		"/topics/harbours/feed.rss", "/topics/harbours/feed.json", "/persons/olga-public/feed.atom",
		"/ru/", "/ru/news", "/ru/politika", "/ru/feed.rss", "/ru/feed.atom", "/ru/feed.json", "/ru/politika/feed.rss",
		"/ru/topics/порты", "/sitemap.xml", "/sitemaps/news.xml", "/api/v1/most-read?period=week",
	}
	secretWords := []string{"Zanzibarite", "Xylophonic", "Зюзюка", "Фыфырка"}
	for _, w := range secretWords {
		paths = append(paths, "/search?q="+w, "/ru/search?q="+w)
	}
	etags := map[string]string{}
	for _, p := range paths {
		w := e.get(p)
		etags[p] = w.Header().Get("ETag")
		e.get(p, "Accept-Encoding", "gzip")
	}

	release := e.clock.Now().Add(time.Hour + 500*time.Millisecond)
	emb := fmt.Sprintf(`, "embargoed": %q`, release.Format(time.RFC3339Nano))
	tags := func(topic, person, code string) string {
		return fmt.Sprintf(`, "subjects": [{"name": "x", "literal": %q}, {"name": %q}, {"name": "Harbours"}], "people": [{"name": %q}]`, code, topic, person)
	}
	send := func(doc string) int64 {
		t.Helper()
		code, a := e.send(doc)
		if code >= 300 {
			t.Fatalf("ingest: %d %+v", code, a)
		}
		return a.ID
	}
	// Embargoed, to be released: A (English), C (Russian).
	idA := send(e.wire("urn:test:leak:a", "Zanzibarite accord signed", "politics", emb+tags("Quasar Treaty", "Boris Quellmann", "POL")))
	idC := send(e.wire("urn:test:leak:c", "Зюзюка подписана", "politika", emb+tags("Зюзюка Тема", "Иван Зюзюкин", "ru-politika")))
	// Embargoed, then killed before release: B, D.
	idB := send(e.wire("urn:test:leak:b", "Xylophonic merger agreed", "politics", emb+tags("Ghost Merger", "Greta Ghost", "POL")))
	idD := send(e.wire("urn:test:leak:d", "Фыфырка согласована", "politika", emb+tags("Фыфырка Тема", "Пётр Фыфыркин", "ru-politika")))
	// An update under embargo without `embargoed` keeps it.
	e.clock.Add(time.Second)
	send(e.wire("urn:test:leak:a", "Zanzibarite accord signed, update", "politics", tags("Quasar Treaty", "Boris Quellmann", "POL")))
	e.clock.Add(time.Second)
	send(e.wire("urn:test:leak:b", "Kill", "politics", `, "pubstatus": "canceled", "ednote": "Xylophonic kill note"`))
	send(e.wire("urn:test:leak:d", "Kill", "politika", `, "pubstatus": "canceled", "ednote": "Фыфырка kill note"`))

	secretPaths := map[string][]int64{"politics": {idA, idB}, "ru/politika": {idC, idD}}
	killed := []string{"Xylophonic", "merger agreed", "Фыфырка", "согласована", "Ghost Merger", "ghost-merger", "Greta Ghost", "greta-ghost", "Фыфыркин"}
	embargoed := []string{"Zanzibarite", "accord signed", "Зюзюка", "подписана", "Quasar Treaty", "quasar-treaty", "Boris Quellmann", "boris-quellmann", "Зюзюкин"}
	var idRes []*regexp.Regexp
	for sec, ids := range secretPaths {
		for _, id := range ids {
			idRes = append(idRes, regexp.MustCompile(fmt.Sprintf(`/%s/%d(?:[^0-9]|$)`, sec, id)))
		}
	}
	leaks := func(when, p, body string, words []string, checkIDs bool) {
		t.Helper()
		body = strings.ToLower(body)
		if _, q, ok := strings.Cut(p, "q="); ok {
			// A search page says what was asked.
			q, _, _ = strings.Cut(q, " ")
			body = strings.ReplaceAll(body, strings.ToLower(q), "")
		}
		for _, w := range words {
			if strings.Contains(body, strings.ToLower(w)) {
				t.Errorf("%s: %s shows %q", when, p, w)
			}
		}
		if checkIDs {
			for _, re := range idRes {
				if re.MatchString(body) {
					t.Errorf("%s: %s links %s", when, p, re)
				}
			}
		}
	}
	// watch reads every output: plain, gzip and with the old ETag.
	watch := func(when string, words []string, checkIDs bool) {
		t.Helper()
		all := append([]string(nil), paths...)
		// The sitemaps the index names.
		for _, m := range regexp.MustCompile(`<loc>https://news\.example(/[^<]+)</loc>`).FindAllStringSubmatch(e.get("/sitemap.xml").Body.String(), -1) {
			all = append(all, m[1])
		}
		for _, p := range all {
			variants := [][]string{nil, {"Accept-Encoding", "gzip"}}
			if tag := etags[p]; tag != "" {
				variants = append(variants, []string{"If-None-Match", tag}, []string{"If-None-Match", tag, "Accept-Encoding", "gzip"})
			}
			for _, h := range variants {
				w := e.get(p, h...)
				body := w.Body.String()
				if w.Header().Get("Content-Encoding") == "gzip" {
					body = gunzip(t, w.Body.Bytes())
				}
				leaks(when, fmt.Sprintf("%s %v (%d)", p, h, w.Code), body, words, checkIDs)
			}
		}
		// The API with a token without the embargo scope.
		for _, p := range []string{"/api/v1/items", "/api/v1/items?section=politika", "/api/v1/topics", "/api/v1/persons",
			"/api/v1/search?q=Zanzibarite", "/api/v1/search?q=Xylophonic", "/api/v1/search?q=Зюзюка", "/api/v1/search?q=Фыфырка"} {
			w := e.get(p, "Authorization", "Bearer "+e.read)
			leaks(when, p, w.Body.String(), words, false)
		}
		// The killed stories' own addresses, their items and tags.
		for _, id := range []int64{idB, idD} {
			for _, p := range []string{fmt.Sprintf("/politics/%d", id), fmt.Sprintf("/ru/politika/%d", id)} {
				if w := e.get(p); w.Code != http.StatusNotFound {
					t.Errorf("%s: %s answers %d", when, p, w.Code)
				}
			}
			if w := e.get(fmt.Sprintf("/api/v1/items/%d", id), "Authorization", "Bearer "+e.read); w.Code != http.StatusNotFound {
				t.Errorf("%s: item %d answers %d", when, id, w.Code)
			}
		}
		for _, p := range []string{"/topics/ghost-merger", "/persons/greta-ghost", "/topics/ghost-merger/feed.rss", "/ru/topics/ghost-merger",
			"/persons/greta-ghost/feed.json"} {
			if w := e.get(p); w.Code != http.StatusNotFound {
				t.Errorf("%s: %s answers %d", when, p, w.Code)
			}
		}
	}

	watch("before the release", append(append([]string(nil), killed...), embargoed...), true)
	for _, id := range []int64{idA, idC} {
		for _, p := range []string{fmt.Sprintf("/politics/%d", id), fmt.Sprintf("/ru/politika/%d", id), fmt.Sprintf("/politics/%d?page=1", id)} {
			if w := e.get(p); w.Code != http.StatusNotFound {
				t.Errorf("before the release: %s answers %d", p, w.Code)
			}
		}
		if w := e.get(fmt.Sprintf("/api/v1/items/%d", id), "Authorization", "Bearer "+e.read); w.Code != http.StatusNotFound {
			t.Errorf("before the release: item %d answers %d", id, w.Code)
		}
	}
	for _, p := range []string{"/topics/quasar-treaty", "/persons/boris-quellmann", "/topics/quasar-treaty/feed.rss", "/persons/boris-quellmann/feed.atom"} {
		if w := e.get(p); w.Code != http.StatusNotFound {
			t.Errorf("before the release: %s answers %d", p, w.Code)
		}
	}
	// The public stream: a public story sent after them is the next event.
	send(e.wire("urn:test:leak:sentinel", "Sentinel story", "world", ""))
	_, ev, data := stream.next(t)
	if ev != "published" || !strings.Contains(data, "Sentinel story") {
		t.Errorf("the public stream sent %s %s before the sentinel", ev, data)
	}

	// A millisecond before the instant nothing is released; after it, A
	// and C are everywhere, and B and D still nowhere.
	e.clock.Add(release.Sub(e.clock.Now()) - time.Millisecond)
	e.release()
	watch("a millisecond before the release", append(append([]string(nil), killed...), embargoed...), true)
	e.clock.Add(time.Millisecond)
	e.release()
	idRes = idRes[:0]
	for _, id := range []int64{idB} {
		idRes = append(idRes, regexp.MustCompile(fmt.Sprintf(`/politics/%d(?:[^0-9]|$)`, id)))
	}
	for _, id := range []int64{idD} {
		idRes = append(idRes, regexp.MustCompile(fmt.Sprintf(`/ru/politika/%d(?:[^0-9]|$)`, id)))
	}
	watch("after the release", killed, true)
	for p, want := range map[string]string{"/news": "Zanzibarite accord signed, update", "/ru/news": "Зюзюка подписана", "/feed.rss": "Zanzibarite",
		"/search?q=Zanzibarite": "Zanzibarite", "/topics/quasar-treaty": "Zanzibarite", "/persons/boris-quellmann": "Zanzibarite",
		"/sitemaps/news.xml": "Zanzibarite", fmt.Sprintf("/politics/%d", idA): "Zanzibarite"} {
		if w := e.get(p); w.Code != 200 || !strings.Contains(w.Body.String(), want) {
			t.Errorf("after the release %s: %d, lacks %q", p, w.Code, want)
		}
	}
}
