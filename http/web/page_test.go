package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCacheKeepsNothingRenderedBeforeAChange(t *testing.T) {
	c := NewCache(8)
	k := Key{Kind: "home"}
	gen := c.Gen()
	c.Invalidate()
	c.Put(k, &Page{Body: []byte("old")}, gen)
	if c.Get(k) != nil {
		t.Fatal("a page rendered before a change was kept")
	}
	c.Put(k, &Page{Body: []byte("new")}, c.Gen())
	if p := c.Get(k); p == nil || string(p.Body) != "new" {
		t.Fatalf("Get = %v", p)
	}
}

func TestCursorsFillAQuarter(t *testing.T) {
	c := NewCache(8)
	for i := range 5 {
		c.Put(Key{Kind: "news", B: strings.Repeat("x", i+1)}, &Page{}, c.Gen())
	}
	if n := len(c.pages); n != 2 {
		t.Errorf("%d pages deep in feeds kept, want 2 (a quarter of 8)", n)
	}
}

func TestSweep(t *testing.T) {
	c := NewCache(8)
	c.Put(Key{Kind: "home", Zone: "moscow", Minute: 10}, &Page{}, c.Gen())
	c.Put(Key{Kind: "feed"}, &Page{}, c.Gen())
	c.Sweep(11)
	if c.Get(Key{Kind: "home", Zone: "moscow", Minute: 10}) != nil || c.Get(Key{Kind: "feed"}) == nil {
		t.Error("Sweep should forget only the pages of past minutes")
	}
}

func TestWriteAnswersConditionalRequests(t *testing.T) {
	p := &Page{Body: []byte(strings.Repeat("<p>news</p>", 200)), CacheFor: 10}
	p.Finish()
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	p.Write(w, r)
	if w.Code != 200 || w.Header().Get("Content-Encoding") != "gzip" || w.Header().Get("Content-Security-Policy") == "" {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	r = httptest.NewRequest("GET", "/", nil)
	r.Header.Set("If-None-Match", `W/`+w.Header().Get("ETag")+`, "other"`)
	w = httptest.NewRecorder()
	p.Write(w, r)
	if w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", w.Code)
	}
}

func TestETagMatch(t *testing.T) {
	for _, c := range []struct {
		list string
		want bool
	}{{`"a"`, true}, {` "b" , "a" `, true}, {`W/"a"`, true}, {`*`, true}, {`"b"`, false}, {``, false}} {
		if got := ETagMatch(c.list, `"a"`); got != c.want {
			t.Errorf("ETagMatch(%q) = %v", c.list, got)
		}
	}
}
