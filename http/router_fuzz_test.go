package http_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzRouter sends arbitrary requests to the whole router of a demo site:
// any method, path, query, headers and body, with and without a token.
// The answer is never a 5xx and nothing panics. CI runs it for a short
// while (test.sh); `go test -fuzz FuzzRouter ./http` runs it longer.
func FuzzRouter(f *testing.F) {
	seeds := []struct{ method, target, headers, body string }{
		{"GET", "/", "", ""},
		{"GET", "/news?before=abc&s=politics", "Cookie: city=moscow; feed_sections=politics,x", ""},
		{"GET", "/politics/1?page=2", "Accept-Encoding: gzip\nIf-None-Match: \"x\"", ""},
		{"HEAD", "/ru/politika/1", "", ""},
		{"GET", "/media/demo/x.jpg/x", "", ""},
		{"GET", "/media/" + strings.Repeat("a", 300) + ".jpg", "", ""},
		{"POST", "/api/v1/items", "Authorization: Bearer TOKEN\nContent-Type: application/json", `{"uri":"urn:f:1","versioncreated":"2026-01-02T10:00:00Z","headlines":[{"value":"x"}],"version":"2"}`},
		{"POST", "/api/v1/items", "Authorization: Bearer TOKEN", `{"uri":"urn:f:1","versioncreated":"2026-01-02T10:00:01Z","pubstatus":"canceled","headlines":[{"value":"k"}]}`},
		{"GET", "/api/v1/items?embargoed=1&cursor=%ff", "Authorization: Bearer READ", ""},
		{"GET", "/api/v1/items/99999999999999999999", "Authorization: Bearer READ", ""},
		{"GET", "/api/v1/search?q=%22a+b%22+-c&from=2026-13-40", "Authorization: Bearer READ", ""},
		{"POST", "/api/v1/views", "Content-Type: application/x-www-form-urlencoded", "id=-1"},
		{"POST", "/newsroom/login", "Content-Type: application/x-www-form-urlencoded\nCookie: dateline_login=a; dateline_device=1.2.3~x", "email=a&password=b&csrf=a"},
		{"POST", "/city", "Origin: null\nContent-Type: application/x-www-form-urlencoded", "city=moscow&back=//evil"},
		{"GET", "/unsubscribe/djEKcnUKYgpyZWFkZXJAZXhhbXBsZS5vcmc.AAAA", "", ""},
		{"POST", "/unsubscribe/djEKZW4KYgpj.x", "Content-Type: multipart/form-data; boundary=b", "List-Unsubscribe=One-Click"},
		{"POST", "/subscribe", "Content-Type: application/x-www-form-urlencoded", "email=a%40example.org&list=breaking:en&list=breaking:ru"},
		{"POST", "/ru/subscribe", "Content-Type: multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nx\r\n--b--"},
		{"POST", "/subscribe/confirm/djEKZW4KY29uZmlybQphQGIuYw.AAAA", "", ""},
		{"GET", "/subscriptions/djEKZW4KbWFuYWdlCmFAYi5j.x/export", "", ""},
		{"POST", "/subscriptions/x.y/remove", "Content-Type: application/x-www-form-urlencoded", "list=%ff"},
		{"GET", "/sitemaps/articles-2026-13.xml", "", ""},
		{"PROPFIND", "/topics/%00", "Range: bytes=5-1", ""},
		{"GET", "/api/v1/convert?from=USD&to=EUR&amount=1e400&date=9999-99-99", "", ""},
		{"OPTIONS", "*", "", ""},
		{"POST", "/api/v2/content/push", "Content-type: application/json\nx-superdesk-signature: sha1=8be62a607898504f87559cb52dc23f9ebee65a21", `{"guid": "g", "type": "text"}`},
		{"POST", "/api/v1/assets/push/", "Content-Type: multipart/form-data; boundary=b\nx-publisher-signature: sha1=", "--b\r\nContent-Disposition: form-data; name=\"media_id\"\r\n\r\na/b.jpg\r\n--b--\r\n"},
		{"GET", "/api/v2/assets/push/2025//a/../b.jpg", "", ""},
		{"GET", "/politics/1/feed.atom", "If-None-Match: \"x\"", ""},
		{"GET", "/ru/politika/007/feed.json", "", ""},
		{"HEAD", "/politics/99999999999999999999/feed.rss", "", ""},
		{"GET", "/stories/%ff/feed.atom", "", ""},
		{"GET", "/ru/stories/a--b/feed.json", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.target, s.headers, s.body)
	}
	e := newEnv(f, true)
	e.ingest(item("urn:fuzz:1", e.clock.Now(), ""))
	f.Fuzz(func(t *testing.T, method, target, headers, body string) {
		if method == "" || strings.ContainsAny(method, " \t\r\n()<>@,;:\\\"/[]?={}") || len(method) > 20 {
			method = "GET"
		}
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		req, err := http.NewRequestWithContext(context.Background(), method, "http://news.example"+target, strings.NewReader(body))
		if err != nil {
			return // not a request a server would parse
		}
		sc := bufio.NewScanner(strings.NewReader(headers))
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), ":")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if !ok || k == "" || strings.ContainsAny(k, " \t\r\n:") {
				continue
			}
			v = strings.ReplaceAll(v, "TOKEN", e.token)
			v = strings.ReplaceAll(v, "READ", e.read)
			req.Header.Add(k, v)
		}
		req.RemoteAddr = "192.0.2.1:1234"
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%d for %s %q headers %q body %q: %s", w.Code, method, target, headers, body, w.Body.String())
		}
	})
}
