package http_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	dhttp "dateline/http"
)

// TestRenderLimit: one address may have RenderLimit pages a second
// rendered that the cache does not hold (twice as many at once); beyond
// that it gets 429 with Retry-After and a message, while cached pages
// are still served to it and other addresses are not held back.
func TestRenderLimit(t *testing.T) {
	e := newEnvWith(t, nil, func(c *dhttp.Config) { c.RenderLimit = 1 })
	from := func(addr, path string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.RemoteAddr = addr + ":4000"
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, r)
		return w
	}
	const a, b = "203.0.113.7", "198.51.100.2"
	for _, path := range []string{"/world", "/politics"} {
		if w := from(a, path); w.Code != 200 {
			t.Fatalf("%s: %d within the burst", path, w.Code)
		}
	}
	for _, path := range []string{"/economy", "/search?q=treaty", "/city"} {
		w := from(a, path)
		if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" || !strings.Contains(w.Body.String(), "Too many pages were asked for from your address at once") {
			t.Errorf("%s beyond the burst: %d, Retry-After %q", path, w.Code, w.Header().Get("Retry-After"))
		}
	}
	if w := from(a, "/world"); w.Code != 200 {
		t.Errorf("a cached page: %d", w.Code)
	}
	if w := from(b, "/economy"); w.Code != 200 {
		t.Errorf("another address: %d", w.Code)
	}
	// Loopback is the node's own tools, or a proxy not among the trusted
	// ones: not limited.
	for _, path := range []string{"/defense", "/science", "/society", "/sport"} {
		if w := from("127.0.0.1", path); w.Code != 200 {
			t.Errorf("%s from loopback: %d", path, w.Code)
		}
	}
}
