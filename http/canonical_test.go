package http_test

import "testing"

// Near misses of a page's address (issue 17, point 13) move to the page,
// keeping the query, in both editions; the 404 page links Photo and
// Infographics.
func TestNearMissAddressesRedirect(t *testing.T) {
	e := sharedDemo(t)
	for path, want := range map[string]string{
		"/photo":           "/photo/",
		"/infographics":    "/infographics/",
		"/PHOTO/":          "/photo/",
		"/politics/":       "/politics",
		"/politics/?x=1":   "/politics?x=1",
		"/news/":           "/news",
		"/city/":           "/city",
		"/currency/":       "/currency",
		"/currency/?c=USD": "/currency?c=USD",
		"/POLITICS":        "/politics",
		"/Politics/":       "/politics",
		"/ru/politika/":    "/ru/politika",
		"/ru/POLITIKA?x=1": "/ru/politika?x=1",
		"/ru/photo":        "/ru/photo/",
		"/ru/infographics": "/ru/infographics/",
		"/ru/news/":        "/ru/news",
		"/politika/":       "/ru/politika",
	} {
		if w := e.get(path); w.Code != 301 || w.Header().Get("Location") != want {
			t.Errorf("%s = %d %q, want 301 to %s", path, w.Code, w.Header().Get("Location"), want)
		}
	}
	for _, path := range []string{"/photo/", "/infographics/", "/politics", "/news", "/ru/politika", "/ru/news"} {
		if w := e.get(path); w.Code != 200 {
			t.Errorf("%s = %d, want 200", path, w.Code)
		}
	}
	for _, path := range []string{"/nowhere/", "/NOWHERE", "/nowhere"} {
		if w := e.get(path); w.Code != 404 {
			t.Errorf("%s = %d, want 404", path, w.Code)
		}
	}
	for _, tc := range []struct{ path, photo, info string }{
		{"/nowhere", "/photo/", "/infographics/"},
		{"/ru/nowhere", "/ru/photo/", "/ru/infographics/"},
	} {
		w, doc := e.page(tc.path)
		if w.Code != 404 {
			t.Fatalf("%s = %d", tc.path, w.Code)
		}
		found := map[string]bool{}
		for _, a := range doc.All(".article a") {
			found[a.Attr("href")] = true
		}
		if !found[tc.photo] || !found[tc.info] {
			t.Errorf("%s: the 404 page links %v, want %s and %s too", tc.path, found, tc.photo, tc.info)
		}
	}
}
