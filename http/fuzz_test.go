package http_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzIngest posts arbitrary bodies: the answer is never a 5xx, and a
// stored article's page never carries script.
func FuzzIngest(f *testing.F) {
	files, _ := filepath.Glob("../testdata/ninjs/*.json")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		f.Add(string(data))
	}
	f.Add(`{"uri":"urn:f","versioncreated":"2026-01-02T10:00:00Z","headlines":[{"value":"<img src=x onerror=alert(1)>"}],"bodies":[{"contenttype":"text/html","value":"<svg onload=alert(1)><p>x</p>"}]}`)
	f.Add(`{"uri":"urn:f","versioncreated":"2026-01-02T10:00:00Z","embargoed":"9999-12-31T23:59:59Z","headlines":[{"value":"x"}]}`)
	f.Add(`{"uri":"","versioncreated":"0001-01-01T00:00:00Z","headlines":[{"value":"x"}],"urgency":1e308}`)
	f.Add(`{"uri":"urn:nul","versioncreated":"2026-01-02T10:00:00Z","headlines":[{"value":"a\u0000b"}],"people":[{"name":"\u0000"}],"bodies":[{"value":"x\u0000y"}]}`)
	f.Add(`{"uri":"urn:\u0000","versioncreated":"2026-01-02T10:00:00Z","headlines":[{"value":"x"}]}`)
	f.Add("\x00")
	e := newEnv(f, false)
	f.Fuzz(func(t *testing.T, body string) {
		w := e.ingest(body)
		if w.Code >= 500 {
			t.Fatalf("%d for %q: %s", w.Code, body, w.Body)
		}
		if w.Code == http.StatusCreated || w.Code == http.StatusOK {
			a := answer(t, w.Body.Bytes())
			page := e.get(fmt.Sprintf("/%s/%d", a.Section, a.ID))
			if page.Code >= 500 {
				t.Fatalf("article page %d", page.Code)
			}
			if strings.Contains(page.Body.String(), "alert(") {
				t.Fatalf("script survived into the page: %q", body)
			}
		}
	})
}

// FuzzPages requests arbitrary paths and queries: never a 5xx.
func FuzzPages(f *testing.F) {
	for _, s := range []string{"/", "/news?before=abc", "/news?s=politics&s=x", "/politics/1?page=2", "/topics/%00", "/topics/%ff", "/persons/%c3", "/photo/-1", "/media/..%2f..%2fetc/passwd", "/api/v1/items?x", "/%ff%fe"} {
		f.Add(s)
	}
	e := newEnv(f, false)
	e.ingest(item("urn:fuzz:1", e.clock.Now(), ""))
	f.Fuzz(func(t *testing.T, target string) {
		req, err := http.NewRequestWithContext(context.Background(), "GET", "http://x", nil)
		if err != nil {
			return
		}
		req.URL.Opaque = ""
		path, rawQuery, _ := strings.Cut(target, "?")
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		// The path arrives decoded, as net/http gives it to handlers.
		if p, err := url.PathUnescape(path); err == nil {
			path = p
		}
		req.URL.Path, req.URL.RawQuery = path, rawQuery
		req.RequestURI = ""
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%d for %q", w.Code, target)
		}
	})
}
