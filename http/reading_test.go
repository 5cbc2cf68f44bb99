package http_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestReadingMode(t *testing.T) {
	e := newEnv(t, false)
	css := func(cookie string) string {
		var h []string
		if cookie != "" {
			h = []string{"Cookie", cookie}
		}
		w := e.get("/reading-mode.css", h...)
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") || w.Header().Get("Vary") != "Cookie" {
			t.Fatalf("reading-mode.css: %d %v", w.Code, w.Header())
		}
		return w.Body.String()
	}
	if strings.Contains(css(""), "125%") {
		t.Error("the mode is on without the cookie")
	}
	w := e.do("POST", "/reading-mode", "", "Referer", "https://news.example/news?all=1")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/news?all=1" {
		t.Fatalf("toggle: %d %q", w.Code, w.Header().Get("Location"))
	}
	set := w.Header().Get("Set-Cookie")
	if !strings.HasPrefix(set, "reading_mode=1") || !strings.Contains(set, "HttpOnly") {
		t.Fatalf("cookie %q", set)
	}
	if !strings.Contains(css("reading_mode=1"), "font-size: 125%") {
		t.Error("the mode's stylesheet is not sent with the cookie")
	}
	// Toggling again switches it off; a foreign Referer sends the reader home.
	w = e.do("POST", "/reading-mode", "", "Cookie", "reading_mode=1", "Referer", "https://evil.example/x")
	if w.Header().Get("Location") != "/" || !strings.Contains(w.Header().Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("toggle off: %q %q", w.Header().Get("Location"), w.Header().Get("Set-Cookie"))
	}
	// A form from another site changes nothing.
	for _, h := range [][]string{{"Origin", "null"}, {"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "cross-site"}} {
		w = e.do("POST", "/reading-mode", "", h...)
		if w.Code != http.StatusForbidden || w.Header().Get("Set-Cookie") != "" {
			t.Errorf("toggle with %v: %d %q", h, w.Code, w.Header().Get("Set-Cookie"))
		}
	}
	// Every page carries the switch and the stylesheet, and stays the same
	// for every reader (so it is still cached).
	for _, p := range []string{"/", "/news", "/politics", "/search?q=x"} {
		b := e.get(p).Body.String()
		if !strings.Contains(b, `href="/reading-mode.css"`) || !strings.Contains(b, `action="/reading-mode"`) {
			t.Errorf("%s lacks the reading mode", p)
		}
	}
}
