package http_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/ninjs"
)

// The README's "The lifecycle of a story", as readers and clients see it
// through the router: pages, the read API, the stream, tags, and ingest's
// answers.

// wire is a version of a story as a sender posts it: in a section of
// DefaultSections (or the test's Russian "politika"), sent at the clock's
// time to the millisecond; extra adds fields.
func (e *env) wire(uri, headline, section, extra string) string {
	e.helper()
	code, lang := "", "en"
	for _, s := range dateline.DefaultSections {
		if s.Slug == section {
			code = s.Codes[0]
		}
	}
	if section == "politika" {
		code, lang = "ru-politika", "ru"
	}
	if code == "" {
		e.t.Fatalf("no section %q", section)
	}
	return fmt.Sprintf(`{"uri": %q, "type": "text", "versioncreated": %q, "language": %q, "headlines": [{"value": %q}],
		"bodies": [{"role": "html", "contenttype": "text/html", "value": "<p>Body of %s.</p><p>Second paragraph.</p>"}],
		"subjects": [{"name": "x", "literal": %q}]%s}`,
		uri, e.clock.Now().UTC().Format(time.RFC3339Nano), lang, headline, headline, code, extra)
}

// send posts a version with the write token and returns the status and
// the answer.
func (e *env) send(doc string) (int, ingestAnswer) {
	e.helper()
	w := e.ingest(doc)
	var a ingestAnswer
	if err := jsonUnmarshal(w.Body.Bytes(), &a); err != nil {
		e.t.Fatalf("answer is not JSON: %v: %s", err, w.Body)
	}
	return w.Code, a
}

// russian opens the Russian edition with one section, "politika", that
// ingest fills from the subject code "ru-politika".
func (e *env) russian() {
	e.helper()
	if err := e.store.SaveSection(context.Background(), &dateline.Section{Slug: "politika", Name: "Политика", Position: 101, Lang: "ru",
		Codes: []string{"ru-politika"}}); err != nil {
		e.t.Fatal(err)
	}
	e.srv.Changed()
}

// embargoToken is a read token with the embargo scope.
func (e *env) embargoToken() string {
	e.helper()
	return e.makeTokenFor(&dateline.Token{Name: "embargo-client", Scope: "read", Embargo: true})
}

// release publishes what is due at the clock's time, as the release
// timer does.
func (e *env) release() {
	e.helper()
	if _, err := e.store.PublishDue(context.Background(), e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
	e.srv.Changed()
}

func TestKilledStoryAnswers410AtItsAddressOnly(t *testing.T) {
	e := newEnv(t, false)
	e.russian()
	const uri = "urn:test:lc:kill"
	code, a := e.send(e.wire(uri, "Minister visits Murmansk", "science", ""))
	if code != http.StatusCreated {
		t.Fatalf("create: %d %+v", code, a)
	}
	page := fmt.Sprintf("/science/%d", a.ID)
	w := e.get(page)
	if w.Code != 200 {
		t.Fatalf("published page: %d", w.Code)
	}
	etag := w.Header().Get("ETag")
	e.get(page, "Accept-Encoding", "gzip") // both forms are cached
	// Read, so that it is in the most-read lists.
	e.beacon(a.ID, "203.0.113.5", firefoxUA)
	e.viewsOf(a.ID)
	if !strings.Contains(e.get("/api/v1/most-read?period=now").Body.String(), "Minister visits Murmansk") {
		t.Fatal("the story is not among the most read")
	}

	e.clock.Add(time.Minute)
	code, k := e.send(e.wire(uri, "Kill/Takedown notice", "world", `, "pubstatus": "canceled", "ednote": "The visit was cancelled."`))
	if code != http.StatusOK || k.Status != "withdrawn" {
		t.Fatalf("kill: %d %+v", code, k)
	}
	for _, h := range [][]string{nil, {"Accept-Encoding", "gzip"}, {"If-None-Match", etag}} {
		w := e.get(page, h...)
		body := w.Body.String()
		if w.Header().Get("Content-Encoding") == "gzip" {
			body = gunzip(t, w.Body.Bytes())
		}
		if w.Code != http.StatusGone || !strings.Contains(body, "Minister visits Murmansk") || !strings.Contains(body, "The visit was cancelled.") {
			t.Errorf("%v: %d, want 410 with the story's headline and the reason", h, w.Code)
		}
		if strings.Contains(body, "Kill/Takedown") || strings.Contains(body, "Body of") {
			t.Errorf("%v: the kill notice's words or the story's body are shown", h)
		}
		if !strings.Contains(body, `<meta name="robots" content="noindex">`) {
			t.Errorf("%v: the notice may be indexed", h)
		}
	}
	// It leaves the most-read lists at once, not at their next reading.
	for _, p := range []string{"/api/v1/most-read?period=now", "/api/v1/most-read?period=week&section=science", "/", "/news"} {
		if strings.Contains(e.get(p).Body.String(), "Minister visits Murmansk") {
			t.Errorf("%s still shows the killed story", p)
		}
	}
	// Any other address of the id is 404, not a notice or a redirect.
	for _, p := range []string{fmt.Sprintf("/world/%d", a.ID), fmt.Sprintf("/politics/%d", a.ID), fmt.Sprintf("/ru/politika/%d", a.ID)} {
		w := e.get(p)
		if w.Code != http.StatusNotFound || w.Header().Get("Location") != "" || strings.Contains(w.Body.String(), "Murmansk") {
			t.Errorf("%s: %d %q", p, w.Code, w.Header().Get("Location"))
		}
	}
	// The wire cannot bring it back; a kill sent again changes nothing.
	e.clock.Add(time.Minute)
	if code, r := e.send(e.wire(uri, "Minister visits Murmansk again", "science", "")); code != http.StatusConflict || r.Error == nil || !strings.Contains(r.Error.Message, "restore") {
		t.Errorf("a newer version of a killed story: %d %+v", code, r)
	}
	if code, r := e.send(e.wire(uri, "Kill/Takedown notice", "science", `, "pubstatus": "canceled"`)); code != http.StatusOK || r.Result != "unchanged" {
		t.Errorf("the kill again: %d %+v", code, r)
	}
	if w := e.get(page); w.Code != http.StatusGone || strings.Contains(w.Body.String(), "again") {
		t.Errorf("after the refused version: %d", w.Code)
	}
}

func TestStoryKilledBeforeReleaseNeverExisted(t *testing.T) {
	e := newEnv(t, false)
	embargo := e.embargoToken()
	const uri = "urn:test:lc:early-kill"
	release := e.clock.Now().Add(time.Hour)
	code, a := e.send(e.wire(uri, "Budget figures leak", "politics",
		fmt.Sprintf(`, "embargoed": %q, "subjects": [{"name": "x", "literal": "POL"}, {"name": "Budget Leak"}]`, release.Format(time.RFC3339Nano))))
	if code != http.StatusCreated || a.Status != "scheduled" {
		t.Fatalf("embargoed: %d %+v", code, a)
	}
	e.clock.Add(time.Minute)
	if code, k := e.send(e.wire(uri, "Kill", "politics", `, "pubstatus": "canceled", "ednote": "Sent in error."`)); code != http.StatusOK {
		t.Fatalf("kill: %d %+v", code, k)
	}
	check := func(when string) {
		t.Helper()
		for _, p := range []string{fmt.Sprintf("/politics/%d", a.ID), fmt.Sprintf("/world/%d", a.ID), "/topics/budget-leak"} {
			w := e.get(p)
			if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "Budget") || strings.Contains(w.Body.String(), "withdrawn") {
				t.Errorf("%s: %s: %d", when, p, w.Code)
			}
		}
		item := fmt.Sprintf("/api/v1/items/%d", a.ID)
		if w := e.get(item, "Authorization", "Bearer "+e.read); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "Budget") {
			t.Errorf("%s: a plain token gets the item: %d", when, w.Code)
		}
		w := e.get(item, "Authorization", "Bearer "+embargo)
		it, err := ninjs.Parse(w.Body.Bytes())
		if w.Code != 200 || err != nil || it.PubStatus != "canceled" || len(it.Bodies) != 0 {
			t.Errorf("%s: the embargo token: %d %v %s", when, w.Code, err, w.Body)
		}
	}
	check("before the release time")
	e.clock.Add(2 * time.Hour)
	e.release()
	check("after the release time")
}

func TestWithheldStory(t *testing.T) {
	e := newEnv(t, false)
	e.russian()
	const uri = "urn:test:lc:withheld"
	_, a := e.send(e.wire(uri, "Court ruling on the port", "society", ""))
	page := fmt.Sprintf("/society/%d", a.ID)
	if w := e.get(page); w.Code != 200 {
		t.Fatalf("published: %d", w.Code)
	}
	e.clock.Add(time.Minute)
	if code, r := e.send(e.wire(uri, "WITHHELD: court ruling", "society", `, "pubstatus": "withheld"`)); code != http.StatusOK {
		t.Fatalf("withheld: %d %+v", code, r)
	}
	w := e.get(page)
	body := w.Body.String()
	if w.Code != http.StatusNotFound || !strings.Contains(body, "withheld for now") || !strings.Contains(body, `<meta name="robots" content="noindex">`) {
		t.Errorf("withheld page: %d %s", w.Code, excerpt(body))
	}
	if strings.Contains(body, "Court ruling") || strings.Contains(body, "WITHHELD") || strings.Contains(body, "Body of") {
		t.Error("the withheld page shows the story's words")
	}
	if w := e.get(fmt.Sprintf("/world/%d", a.ID)); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "withheld") {
		t.Errorf("another address of a withheld story: %d", w.Code)
	}
	for _, p := range []string{"/", "/news", "/society", "/feed.rss", "/search?q=court"} {
		if strings.Contains(e.get(p).Body.String(), "ourt ruling") {
			t.Errorf("%s lists the withheld story", p)
		}
	}
	w = e.get(fmt.Sprintf("/api/v1/items/%d", a.ID), "Authorization", "Bearer "+e.read)
	it, err := ninjs.Parse(w.Body.Bytes())
	if w.Code != 200 || err != nil || it.PubStatus != "withheld" || len(it.Bodies) != 0 {
		t.Errorf("withheld item: %d %v %s", w.Code, err, w.Body)
	}
	// usable brings it back.
	e.clock.Add(time.Minute)
	if code, r := e.send(e.wire(uri, "Court ruling on the port, corrected", "society", "")); code != http.StatusOK {
		t.Fatalf("usable again: %d %+v", code, r)
	}
	if w := e.get(page); w.Code != 200 || !strings.Contains(w.Body.String(), "Court ruling on the port, corrected") {
		t.Errorf("back: %d", w.Code)
	}

	// The Russian edition says it in Russian.
	_, ru := e.send(e.wire("urn:test:lc:withheld-ru", "Решение суда", "politika", ""))
	e.clock.Add(time.Minute)
	e.send(e.wire("urn:test:lc:withheld-ru", "Решение суда", "politika", `, "pubstatus": "withheld"`))
	w = e.get(fmt.Sprintf("/ru/politika/%d", ru.ID))
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "временно снят") || strings.Contains(w.Body.String(), "withheld for now") {
		t.Errorf("Russian withheld page: %d %s", w.Code, excerpt(w.Body.String()))
	}

	// Withheld before it was ever public: like any unknown address.
	_, never := e.send(e.wire("urn:test:lc:withheld-new", "Never shown", "society", `, "pubstatus": "withheld"`))
	w = e.get(fmt.Sprintf("/society/%d", never.ID))
	if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "withheld") || strings.Contains(w.Body.String(), "Never shown") {
		t.Errorf("withheld before publication: %d %s", w.Code, excerpt(w.Body.String()))
	}
	if w := e.get(fmt.Sprintf("/api/v1/items/%d", never.ID), "Authorization", "Bearer "+e.read); w.Code != http.StatusNotFound {
		t.Errorf("withheld before publication, API: %d", w.Code)
	}
}

// TestReadAPIByStatus is the read API's table: what a plain token and an
// embargo token get of a story in each state.
func TestReadAPIByStatus(t *testing.T) {
	e := newEnv(t, false)
	embargo := e.embargoToken()
	later := func() string {
		return fmt.Sprintf(`, "embargoed": %q`, e.clock.Now().Add(time.Hour).Format(time.RFC3339Nano))
	}
	story := func(uri string, versions ...string) int64 {
		t.Helper()
		var id int64
		for i, extra := range versions {
			code, a := e.send(e.wire(uri, "Story "+uri, "economy", extra))
			if code >= 300 {
				t.Fatalf("%s version %d: %d %+v", uri, i, code, a)
			}
			id = a.ID
			e.clock.Add(time.Second)
		}
		return id
	}
	cases := []struct {
		name           string
		id             int64
		plain, forEmb  string // pubstatus, or "404"
		embargoedField bool
	}{
		{"published", story("urn:test:api:pub", ""), "usable", "usable", false},
		{"killed after publication", story("urn:test:api:kill", "", `, "pubstatus": "canceled"`), "canceled", "canceled", false},
		{"killed before publication", story("urn:test:api:early", later(), `, "pubstatus": "canceled"`), "404", "canceled", false},
		{"withheld after publication", story("urn:test:api:wh", "", `, "pubstatus": "withheld"`), "withheld", "withheld", false},
		{"withheld before publication", story("urn:test:api:whnew", `, "pubstatus": "withheld"`), "404", "withheld", false},
		{"embargoed", story("urn:test:api:emb", later()), "404", "withheld", true},
	}
	for _, c := range cases {
		for _, tok := range []struct {
			name, secret, want string
		}{{"plain", e.read, c.plain}, {"embargo", embargo, c.forEmb}} {
			w := e.get(fmt.Sprintf("/api/v1/items/%d", c.id), "Authorization", "Bearer "+tok.secret)
			if tok.want == "404" {
				if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "Story ") {
					t.Errorf("%s, %s token: %d %s", c.name, tok.name, w.Code, w.Body)
				}
				continue
			}
			it, err := ninjs.Parse(w.Body.Bytes())
			if w.Code != 200 || err != nil || it.PubStatus != tok.want {
				t.Errorf("%s, %s token: %d %v %s", c.name, tok.name, w.Code, err, w.Body)
				continue
			}
			if hasBody := len(it.Bodies) > 0; hasBody != (tok.want == "usable" || c.embargoedField) {
				t.Errorf("%s, %s token: body sent %v", c.name, tok.name, hasBody)
			}
			if (it.Embargoed != nil) != c.embargoedField {
				t.Errorf("%s, %s token: embargoed %v", c.name, tok.name, it.Embargoed)
			}
		}
	}
	// The lists: only what is published for everyone; the embargoed one
	// for embargo tokens on asking.
	if code, p, _ := e.items("/api/v1/items", e.read); code != 200 || len(p.Items) != 1 {
		t.Errorf("public list: %d, %d items", code, len(p.Items))
	}
	if code, p, _ := e.items("/api/v1/items?embargoed=1", embargo); code != 200 || len(p.Items) != 1 || !strings.Contains(string(p.Items[0]), "urn:test:api:emb") {
		t.Errorf("embargoed list: %d %v", code, p.Items)
	}
	// Soonest release first, whatever was sent last.
	story("urn:test:api:soon", fmt.Sprintf(`, "embargoed": %q`, e.clock.Now().Add(time.Minute).Format(time.RFC3339Nano)))
	story("urn:test:api:late", fmt.Sprintf(`, "embargoed": %q`, e.clock.Now().Add(3*time.Hour).Format(time.RFC3339Nano)))
	if code, p, _ := e.items("/api/v1/items?embargoed=1", embargo); code != 200 || len(p.Items) != 3 ||
		!strings.Contains(string(p.Items[0]), "urn:test:api:soon") || !strings.Contains(string(p.Items[2]), "urn:test:api:late") {
		t.Errorf("embargoed list order: %d %d items", code, len(p.Items))
	}
	if code, _, _ := e.items("/api/v1/items?embargoed=1", e.read); code != http.StatusForbidden {
		t.Errorf("embargoed list for a plain token: %d", code)
	}
}

// TestIngestAnswers: the Location of a created story is its address in
// its edition, and refusals come back with their status and message.
func TestIngestAnswers(t *testing.T) {
	e := newEnv(t, false)
	e.russian()
	w := e.ingest(e.wire("urn:test:lc:ru", "Новость", "politika", ""))
	a := answer(t, w.Body.Bytes())
	if w.Code != http.StatusCreated || w.Header().Get("Location") != fmt.Sprintf("/ru/politika/%d", a.ID) {
		t.Errorf("Russian story: %d Location %q", w.Code, w.Header().Get("Location"))
	}
	if p := e.get(w.Header().Get("Location")); p.Code != 200 {
		t.Errorf("the Location answers %d", p.Code)
	}

	e.send(e.wire("urn:test:lc:mine", "Our story", "world", ""))
	other := e.makeToken("reuters", "write")
	e.clock.Add(time.Minute)
	for _, uri := range []string{"urn:test:lc:mine", "urn:dateline:newsroom:abc"} {
		if uri == "urn:dateline:newsroom:abc" {
			// A story written in the newsroom.
			if err := e.store.SaveArticle(context.Background(), &dateline.Article{URI: uri, Status: dateline.StatusPublished, Headline: "Desk story",
				Section: "world", Lang: "en", Pages: []string{"<p>x</p>"}}, 0, &dateline.Revision{Kind: dateline.RevisionSave}, e.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
		w := e.do("POST", "/api/v1/items", e.wire(uri, "Overwritten", "world", ""), "Authorization", "Bearer "+other, "Content-Type", "application/json")
		r := answer(t, w.Body.Bytes())
		if w.Code != http.StatusForbidden || r.Error == nil || r.Error.Message == "" {
			t.Errorf("%s from another source: %d %s", uri, w.Code, w.Body)
		}
		if got, _ := e.store.ArticleByURI(context.Background(), uri); got == nil || got.Headline == "Overwritten" {
			t.Errorf("%s was changed", uri)
		}
	}
	// An embargo for a public story: 409, send a kill instead.
	code, r := e.send(e.wire("urn:test:lc:mine", "Our story", "world", fmt.Sprintf(`, "embargoed": %q`, e.clock.Now().Add(time.Hour).Format(time.RFC3339))))
	if code != http.StatusConflict || r.Error == nil || !strings.Contains(r.Error.Message, "kill") {
		t.Errorf("embargo of a public story: %d %+v", code, r)
	}
	// A version that is not a version: 422.
	if code, _ := e.send(e.wire("urn:test:lc:mine", "Our story", "world", `, "version": "v2"`)); code != http.StatusUnprocessableEntity {
		t.Errorf("version v2: %d", code)
	}
}

// TestStreamEmbargoKinds: the public stream never sends an embargo
// event; a token with the embargo scope gets them on asking.
func TestStreamEmbargoKinds(t *testing.T) {
	e := newEnv(t, false)
	embargo := e.embargoToken()
	if w := e.get("/api/v1/stream?embargoed=1"); w.Code != http.StatusUnauthorized {
		t.Errorf("embargo stream without a token: %d", w.Code)
	}
	if w := e.get("/api/v1/stream?embargoed=1", "Authorization", "Bearer "+e.read); w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "embargo") {
		t.Errorf("embargo stream for a plain token: %d %s", w.Code, w.Body)
	}
	if w := e.get("/api/v1/stream?embargoed=yes"); w.Code != http.StatusBadRequest {
		t.Errorf("embargoed=yes: %d", w.Code)
	}
	s := startStreams(t, e)
	public := s.open("", "")
	private := s.open("?embargoed=1", embargo)
	e.send(e.wire("urn:test:stream:first", "Opening story", "economy", ""))
	firstID, _, _ := public.next(t)
	private.next(t)
	e.clock.Add(time.Second)
	e.send(e.wire("urn:test:stream:emb", "Embargoed rates decision", "economy",
		fmt.Sprintf(`, "embargoed": %q`, e.clock.Now().Add(time.Hour).Format(time.RFC3339))))
	e.clock.Add(time.Second)
	e.send(e.wire("urn:test:stream:emb", "Kill", "economy", `, "pubstatus": "canceled"`))
	e.clock.Add(time.Second)
	e.send(e.wire("urn:test:stream:pub", "Public story", "economy", ""))

	if _, ev, data := public.next(t); ev != "published" || !strings.Contains(data, "Public story") {
		t.Errorf("public stream's next event: %s %s", ev, data)
	}
	for _, want := range []string{"embargoed", "embargo-canceled", "published"} {
		if _, ev, data := private.next(t); ev != want {
			t.Errorf("embargo stream: %s %s, want %s", ev, data, want)
		}
	}
	// A public stream that resumes from before them gets only the public
	// one; an embargo stream gets them all.
	if _, ev, data := s.open("", "", "Last-Event-ID", firstID).next(t); ev != "published" || !strings.Contains(data, "Public story") {
		t.Errorf("resumed public stream: %s %s", ev, data)
	}
	if _, ev, _ := s.open("?embargoed=1", embargo, "Last-Event-ID", firstID).next(t); ev != "embargoed" {
		t.Errorf("resumed embargo stream: %s", ev)
	}
}

// streams is a real server with the readership running, for reading
// live streams.
type streams struct {
	e   *env
	url string
}

func startStreams(t *testing.T, e *env) *streams {
	ts := httptest.NewServer(e.srv)
	t.Cleanup(ts.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go e.srv.RunReadership(ctx)
	t.Cleanup(e.srv.CloseStreams)
	return &streams{e: e, url: ts.URL}
}

type stream struct{ r *bufio.Reader }

// open opens a stream with the query, the token (if any) and headers.
func (s *streams) open(query, token string, headers ...string) *stream {
	t := s.e.t
	t.Helper()
	req, _ := http.NewRequest("GET", s.url+"/api/v1/stream"+query, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != 200 {
		t.Fatalf("stream %s: %d", query, res.StatusCode)
	}
	time.Sleep(50 * time.Millisecond) // the stream is registered
	return &stream{r: bufio.NewReader(res.Body)}
}

// next reads the next event, skipping comments; it fails after 3 s.
func (st *stream) next(t *testing.T) (id, event, data string) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			line, err := st.r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case strings.HasPrefix(line, "id: "):
				id = line[4:]
			case strings.HasPrefix(line, "event: "):
				event = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = line[6:]
			case line == "" && event != "":
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("no event within 3 s")
	}
	return
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// TestNewsroomLifecycle: reporters see their own stories and published
// ones; an editor restores a killed story the wire tried to bring back;
// tokens have a source.
func TestNewsroomLifecycle(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	rita, rob := n.as("reporter@example.org"), n.as("reporter2@example.org")
	ed := n.as("editor@example.org")
	rita.create(storyForm("Rita writes on ports"))
	rob.create(storyForm("Rob's secret draft"))
	later := fmt.Sprintf(`, "embargoed": %q`, n.clock.Now().Add(time.Hour).Format(time.RFC3339))
	n.send(n.wire("urn:test:nr:emb", "Embargoed wire story", "politics", later+`, "subjects": [{"name": "x", "literal": "POL"}, {"name": "Quasar Treaty"}]`))
	_, pub := n.send(n.wire("urn:test:nr:pub", "Public wire story", "politics", ""))
	n.send(n.wire("urn:test:nr:wh", "Withheld wire story", "politics", ""))
	n.clock.Add(time.Second)
	n.send(n.wire("urn:test:nr:wh", "Withheld wire story", "politics", `, "pubstatus": "withheld"`))

	desk := rita.get("/newsroom/").Body
	for _, want := range []string{"Rita writes on ports", "Public wire story"} {
		if !strings.Contains(desk, want) {
			t.Errorf("the reporter's desk lacks %q", want)
		}
	}
	for _, not := range []string{"Rob&#39;s secret draft", "Embargoed wire story", "Withheld wire story"} {
		if strings.Contains(desk, not) {
			t.Errorf("the reporter's desk shows %q", not)
		}
	}
	if b := rita.get("/newsroom/?q=Embargoed").Body; strings.Contains(b, "Embargoed wire story") {
		t.Error("the reporter finds the embargoed story by searching")
	}
	if b := rita.get("/newsroom/api/articles?q=story").Body; strings.Contains(b, "Embargoed") || !strings.Contains(b, "Public wire story") {
		t.Errorf("the reporter's story picker: %s", b)
	}
	if b := rita.get("/newsroom/api/tags?kind=topics&q=Quasar").Body; strings.Contains(b, "Quasar") {
		t.Errorf("the reporter's tag suggestions name the embargoed story's topic: %s", b)
	}
	edDesk := ed.get("/newsroom/").Body
	for _, want := range []string{"Rob&#39;s secret draft", "Embargoed wire story", "Rita writes on ports"} {
		if !strings.Contains(edDesk, want) {
			t.Errorf("the editors' desk lacks %q", want)
		}
	}
	if b := ed.get("/newsroom/?status=withheld").Body; !strings.Contains(b, "Withheld wire story") || strings.Contains(b, "Public wire story") {
		t.Errorf("the desk's withheld filter: %s", excerpt(b))
	}
	if b := ed.get("/newsroom/api/tags?kind=topics&q=Quasar").Body; !strings.Contains(b, "Quasar Treaty") {
		t.Errorf("the editors' tag suggestions: %s", b)
	}

	// The wire kills the public story, then tries to bring it back.
	page := fmt.Sprintf("/politics/%d", pub.ID)
	before, _ := n.store.Article(ctx, pub.ID)
	n.clock.Add(time.Minute)
	n.send(n.wire("urn:test:nr:pub", "Kill", "politics", `, "pubstatus": "canceled", "ednote": "Legal advice."`))
	n.clock.Add(time.Minute)
	if code, _ := n.send(n.wire("urn:test:nr:pub", "Public wire story, again", "politics", "")); code != http.StatusConflict {
		t.Fatalf("a newer version of the killed story: %d", code)
	}
	if b := ed.get("/newsroom/?status=withdrawn").Body; !strings.Contains(b, "Wire tried to update") {
		t.Errorf("the desk does not mark the story the wire tried to update")
	}
	if b := ed.get(fmt.Sprintf("/newsroom/articles/%d/history", pub.ID)).Body; !strings.Contains(b, "Refused from the wire") {
		t.Errorf("the history does not show the refused version")
	}
	if b := ed.get(fmt.Sprintf("/newsroom/articles/%d", pub.ID)).Body; !strings.Contains(b, `action="/newsroom/articles/`+fmt.Sprint(pub.ID)+`/reinstate"`) {
		t.Errorf("the withdrawn story's page has no Restore form")
	}
	reinstate := func(b *browser, confirm bool) resp {
		v := url.Values{"version": {b.version(pub.ID)}}
		if confirm {
			v.Set("confirm", "1")
		}
		return b.post(fmt.Sprintf("/newsroom/articles/%d/reinstate", pub.ID), v)
	}
	if r := reinstate(rita, true); r.Code != http.StatusForbidden {
		t.Errorf("a reporter restores: %d", r.Code)
	}
	if r := reinstate(ed, false); r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "confirm") {
		t.Errorf("restore without the confirmation: %d", r.Code)
	}
	if w := n.get(page); w.Code != http.StatusGone {
		t.Fatalf("before the restore: %d", w.Code)
	}
	n.clock.Add(time.Minute)
	if r := reinstate(ed, true); r.Code != http.StatusSeeOther || !strings.Contains(r.Location, "done=reinstated") {
		t.Fatalf("restore: %d %s %s", r.Code, r.Location, excerpt(r.Body))
	}
	after, _ := n.store.Article(ctx, pub.ID)
	if after.Status != dateline.StatusPublished || !after.PublishedAt.Equal(before.PublishedAt) || after.WithdrawNote != "" {
		t.Errorf("restored: %s published %v (was %v) note %q", after.Status, after.PublishedAt, before.PublishedAt, after.WithdrawNote)
	}
	if w := n.get(page); w.Code != 200 || !strings.Contains(w.Body.String(), "Public wire story") {
		t.Errorf("the restored page: %d", w.Code)
	}
	if !strings.Contains(n.get("/news").Body.String(), "Public wire story") {
		t.Error("the restored story is not in the feed")
	}
	if b := n.as("admin@example.org").get("/newsroom/audit").Body; !strings.Contains(b, "article.restore") {
		t.Error("the audit log lacks the restore")
	}
	if b := ed.get(fmt.Sprintf("/newsroom/articles/%d/history", pub.ID)).Body; !strings.Contains(b, "restore: published again") {
		t.Error("the history lacks the restore")
	}
	// The wire's versions apply again.
	n.clock.Add(time.Minute)
	if code, r := n.send(n.wire("urn:test:nr:pub", "Public wire story, updated", "politics", "")); code != http.StatusOK || r.Result != "updated" {
		t.Errorf("a version after the restore: %d %+v", code, r)
	}
	if r := reinstate(ed, true); r.Code != http.StatusBadRequest {
		t.Errorf("restoring a published story: %d", r.Code)
	}

	// A story killed before it was public goes back to draft.
	_, emb := n.send(n.wire("urn:test:nr:emb2", "Early kill", "politics", later))
	n.clock.Add(time.Second)
	n.send(n.wire("urn:test:nr:emb2", "Kill", "politics", `, "pubstatus": "canceled"`))
	r := ed.post(fmt.Sprintf("/newsroom/articles/%d/reinstate", emb.ID), url.Values{"version": {ed.version(emb.ID)}, "confirm": {"1"}})
	if a, _ := n.store.Article(ctx, emb.ID); r.Code != http.StatusSeeOther || a.Status != dateline.StatusDraft {
		t.Errorf("restore of a story never public: %d, status %s", r.Code, a.Status)
	}
	if w := n.get(fmt.Sprintf("/politics/%d", emb.ID)); w.Code != http.StatusNotFound {
		t.Errorf("its page: %d", w.Code)
	}

	// Tokens speak for a source, by default the wire.
	adm := n.as("admin@example.org")
	adm.get("/newsroom/tokens")
	for _, v := range []url.Values{{"name": {"Reuters feed"}, "scope": {"write"}}, {"name": {"Reuters 2027"}, "scope": {"write"}, "source": {"reuters"}}} {
		if r := adm.post("/newsroom/tokens", v); r.Code != http.StatusCreated {
			t.Fatalf("token %v: %d %s", v, r.Code, excerpt(r.Body))
		}
	}
	if r := adm.post("/newsroom/tokens", url.Values{"name": {"Too long"}, "source": {strings.Repeat("s", 101)}}); r.Code != http.StatusBadRequest {
		t.Errorf("a 101-character source: %d", r.Code)
	}
	ts, _ := n.store.Tokens(ctx)
	sources := map[string]string{}
	for _, tk := range ts {
		sources[tk.Name] = tk.Source
	}
	if sources["Reuters feed"] != "wire" || sources["Reuters 2027"] != "reuters" {
		t.Errorf("token sources %v", sources)
	}
	if b := adm.get("/newsroom/tokens").Body; !strings.Contains(b, "<td>reuters</td>") || !strings.Contains(b, `name="source"`) {
		t.Error("the tokens page does not show or ask for the source")
	}
}

// TestMostReadFollowsUpdates: the most-read lists show a story's new
// headline within a second of its update, not at the rankings' next
// reading half a minute later.
func TestMostReadFollowsUpdates(t *testing.T) {
	e := newEnv(t, false)
	_, a := e.send(e.wire("urn:test:mr", "Old headline of a read story", "economy", ""))
	e.beacon(a.ID, "203.0.113.7", firefoxUA)
	e.viewsOf(a.ID)
	startStreams(t, e)
	home := e.get("/").Body.String()
	if !strings.Contains(home, "Old headline of a read story") {
		t.Fatal("the story is not on the home page")
	}
	e.clock.Add(time.Minute)
	e.send(e.wire("urn:test:mr", "New headline of a read story", "economy", ""))
	start := time.Now()
	for {
		api, home := e.get("/api/v1/most-read?period=now").Body.String(), e.get("/").Body.String()
		if strings.Contains(api, "New headline") && !strings.Contains(home, "Old headline") {
			break
		}
		if time.Since(start) > time.Second {
			t.Fatalf("after a second the most-read lists show the old headline (API new: %v, home old: %v)",
				strings.Contains(api, "New headline"), strings.Contains(home, "Old headline"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("new headline in the most-read lists after %v", time.Since(start))
}
