package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestBadInput sends what a careless or hostile client might. Each answer
// must be a 4xx with a message, and nothing may be stored.
func TestBadInput(t *testing.T) {
	e := newEnv(t, false)
	valid := item("urn:test:valid", e.clock.Now(), "")
	auth := []string{"Authorization", "Bearer " + e.token, "Content-Type", "application/json"}
	big := `{"uri": "urn:test:big", "versioncreated": "2026-01-02T10:00:00Z", "headlines": [{"value": "x"}], "bodies": [{"value": "` + strings.Repeat("a", 300<<10) + `"}]}`
	tests := []struct {
		name    string
		method  string
		path    string
		body    string
		headers []string
		status  int
		message string // part of the message
	}{
		{"malformed JSON", "POST", "/api/v1/items", `{"uri": "urn:x", `, auth, 400, "not valid JSON"},
		{"not an object", "POST", "/api/v1/items", `["urn:x"]`, auth, 400, "JSON object"},
		{"empty body", "POST", "/api/v1/items", ``, auth, 400, "empty"},
		{"wrong type uri", "POST", "/api/v1/items", `{"uri": 42, "versioncreated": "2026-01-02T10:00:00Z"}`, auth, 400, "uri must be text"},
		{"wrong type urgency", "POST", "/api/v1/items", `{"uri": "urn:x", "versioncreated": "2026-01-02T10:00:00Z", "urgency": "high"}`, auth, 400, "urgency must be a number from 1 to 9"},
		{"wrong type headlines", "POST", "/api/v1/items", `{"uri": "urn:x", "versioncreated": "2026-01-02T10:00:00Z", "headlines": "x"}`, auth, 400, "headlines must be a list"},
		{"bad date", "POST", "/api/v1/items", `{"uri": "urn:x", "versioncreated": "last Tuesday", "headlines": [{"value": "x"}]}`, auth, 400, "versioncreated must be a date and time"},
		{"unknown pubstatus", "POST", "/api/v1/items", `{"uri": "urn:x", "versioncreated": "2026-01-02T10:00:00Z", "pubstatus": "maybe"}`, auth, 400, "pubstatus must be one of usable, withheld, canceled"},
		{"no versioncreated", "POST", "/api/v1/items", `{"uri": "urn:x", "headlines": [{"value": "x"}]}`, auth, 422, "versioncreated"},
		{"no headline", "POST", "/api/v1/items", `{"uri": "urn:x", "versioncreated": "2026-01-02T10:00:00Z"}`, auth, 422, "headline"},
		{"headline only tags", "POST", "/api/v1/items", `{"uri": "urn:x", "versioncreated": "2026-01-02T10:00:00Z", "headlines": [{"value": "<script>x</script>"}]}`, auth, 422, "headline"},
		{"invalid UTF-8", "POST", "/api/v1/items", "{\"uri\": \"urn:\xff\xfe\", \"versioncreated\": \"2026-01-02T10:00:00Z\"}", auth, 400, "UTF-8"},
		{"body over the limit", "POST", "/api/v1/items", big, auth, 413, "larger than"},
		{"wrong content type", "POST", "/api/v1/items", valid, []string{"Authorization", "Bearer " + e.token, "Content-Type", "text/plain"}, 415, "application/json"},
		{"no token", "POST", "/api/v1/items", valid, []string{"Content-Type", "application/json"}, 401, "Bearer"},
		{"wrong token", "POST", "/api/v1/items", valid, []string{"Authorization", "Bearer dl_nope"}, 401, "not known"},
		{"not bearer", "POST", "/api/v1/items", valid, []string{"Authorization", "Basic dXNlcjpwYXNz"}, 401, "Bearer"},
		{"read-only token", "POST", "/api/v1/items", valid, []string{"Authorization", "Bearer " + e.read}, 403, "write scope"},
		{"PUT on items", "PUT", "/api/v1/items", "", nil, 405, ""},
		{"items without a token", "GET", "/api/v1/items", "", nil, 401, "Bearer"},
		{"unknown API path", "GET", "/api/v1/nothing", "", nil, 404, "No API endpoint"},
		{"unknown article id", "GET", "/politics/987654", "", nil, 404, "no article"},
		{"id not a number", "GET", "/politics/abc", "", nil, 404, "no article"},
		{"id too large", "GET", "/politics/99999999999999999999999", "", nil, 404, "no article"},
		{"unknown section", "GET", "/nosuchsection", "", nil, 404, "no page"},
		{"unknown section with id", "GET", "/nosuchsection/1", "", nil, 404, "no page"},
		{"10 KB slug", "GET", "/" + strings.Repeat("a", 10<<10), "", nil, 404, "no page"},
		{"10 KB topic slug", "GET", "/topics/" + strings.Repeat("x", 10<<10), "", nil, 404, "no topic"},
		{"unknown topic", "GET", "/topics/no-such-topic", "", nil, 404, "No topic"},
		{"unknown person", "GET", "/persons/no-such-person", "", nil, 404, "No person"},
		{"forged cursor", "GET", "/news?before=AAAA", "", nil, 400, "cursor"},
		{"cursor not base64", "GET", "/news?before=%%%", "", nil, 400, ""},
		{"empty cursor", "GET", "/news?before=", "", nil, 400, "cursor"},
		{"cursor on a section", "GET", "/politics?before=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "", nil, 400, "cursor"},
		{"page 0", "GET", "/politics/1?page=0", "", nil, 400, "page number"},
		{"page -1", "GET", "/politics/1?page=-1", "", nil, 400, "page number"},
		{"page not a number", "GET", "/politics/1?page=two", "", nil, 400, "page number"},
		{"page 10^9", "GET", "/politics/1?page=1000000000", "", nil, 400, "page number"},
		{"unknown filter section", "GET", "/news?s=nope", "", nil, 400, "no section"},
		{"unknown gallery", "GET", "/photo/424242", "", nil, 404, "No gallery"},
		{"gallery id not a number", "GET", "/photo/x", "", nil, 404, "no gallery"},
		{"unknown infographic", "GET", "/infographics/424242", "", nil, 404, "No infographic"},
		{"media path escape", "GET", "/media/../dateline.db", "", nil, 404, ""},
		{"missing media", "GET", "/media/demo/none.jpg", "", nil, 404, ""},
		{"POST on a page", "POST", "/news", "x", nil, 405, "GET and HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do(tt.method, tt.path, tt.body, tt.headers...)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %.300s", w.Code, tt.status, w.Body)
			}
			body := w.Body.String()
			if strings.HasPrefix(tt.path, "/api/") && tt.status != 405 {
				var a struct {
					Error struct {
						Status  int
						Message string
					}
				}
				if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil || a.Error.Message == "" {
					t.Fatalf("API error is not JSON with a message: %s", body)
				}
				body = a.Error.Message
			}
			if !strings.Contains(strings.ToLower(body), strings.ToLower(tt.message)) {
				t.Errorf("answer lacks %q: %.300s", tt.message, body)
			}
		})
	}
	if n, _ := e.store.CountArticles(context.Background(), ""); n != 0 {
		t.Errorf("bad input stored %d articles", n)
	}
	// After all that the site still works.
	if w := e.ingest(valid); w.Code != http.StatusCreated {
		t.Errorf("valid item after bad input: %d %s", w.Code, w.Body)
	}
}

func TestConditionalRequests(t *testing.T) {
	e := sharedDemo(t)
	a := seedArticle(t, e)
	url := fmt.Sprintf("/politics/%d", a.ID)
	w := e.get(url)
	etag, lastMod := w.Header().Get("ETag"), w.Header().Get("Last-Modified")
	if etag == "" || lastMod == "" {
		t.Fatalf("ETag %q Last-Modified %q", etag, lastMod)
	}
	if w := e.get(url, "If-None-Match", etag); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("If-None-Match: %d, %d bytes", w.Code, w.Body.Len())
	}
	if w := e.get(url, "If-None-Match", `"other", W/`+etag); w.Code != http.StatusNotModified {
		t.Errorf("weak ETag in a list: %d", w.Code)
	}
	if w := e.get(url, "If-None-Match", `"other"`); w.Code != 200 {
		t.Errorf("other ETag: %d", w.Code)
	}
	if w := e.get(url, "If-Modified-Since", lastMod); w.Code != http.StatusNotModified {
		t.Errorf("If-Modified-Since: %d", w.Code)
	}
	old := time.Unix(0, 0).UTC().Format(http.TimeFormat)
	if w := e.get(url, "If-Modified-Since", old); w.Code != 200 {
		t.Errorf("If-Modified-Since 1970: %d", w.Code)
	}
	gz := e.get(url, "Accept-Encoding", "gzip, br")
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Body.Len() >= w.Body.Len() || gz.Header().Get("ETag") != etag {
		t.Errorf("gzip: %q, %d bytes of %d", gz.Header().Get("Content-Encoding"), gz.Body.Len(), w.Body.Len())
	}
	if !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") {
		t.Error("no Vary: Accept-Encoding")
	}
	head := e.do("HEAD", url, "")
	if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: %d %d", head.Code, head.Body.Len())
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := sharedDemo(t)
	for _, p := range []string{"/", "/news", "/nope"} {
		w := e.get(p)
		csp := w.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		if w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", p)
		}
	}
}

func TestCachingRules(t *testing.T) {
	e := newEnv(t, false)
	e.ingest(item("urn:test:rules", e.clock.Now(), ""))
	// A reader's own filter is never for shared caches.
	for _, req := range [][]string{{"/news?filter=1&s=science"}, {"/news", "Cookie", "feed_sections=science"}} {
		w := e.get(req[0], req[1:]...)
		if cc := w.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
			t.Errorf("%v: Cache-Control %q", req, cc)
		}
	}
	if cc := e.get("/news").Header().Get("Cache-Control"); !strings.Contains(cc, "public") {
		t.Errorf("unfiltered feed: Cache-Control %q", cc)
	}
	// gzip;q=0 means no gzip.
	if enc := e.get("/news", "Accept-Encoding", "gzip;q=0, identity").Header().Get("Content-Encoding"); enc != "" {
		t.Errorf("gzip;q=0 got %q", enc)
	}
	// The day changes the headings even when no content does.
	if !strings.Contains(e.get("/news").Body.String(), "Today, ") {
		t.Fatal("no Today heading")
	}
	e.clock.Add(48 * time.Hour)
	if strings.Contains(e.get("/news").Body.String(), "Today, ") {
		t.Error("two days later the feed still says Today")
	}
	// Last-Modified moves with any change to the site.
	w := e.get("/science/1")
	before := w.Header().Get("Last-Modified")
	e.clock.Add(time.Hour)
	e.ingest(strings.Replace(item("urn:test:other", e.clock.Now(), ""), "Arctic shipping", "Other story", 1))
	if after := e.get("/science/1").Header().Get("Last-Modified"); after == before {
		t.Errorf("Last-Modified stayed %s after another story was added", after)
	}
}
