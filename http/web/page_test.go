package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

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
