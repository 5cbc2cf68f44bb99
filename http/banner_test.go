package http_test

import (
	"strings"
	"testing"
)

// The live banner calls an urgency-2 story URGENT, as the article marks
// it, and a breaking or urgency-1 story BREAKING (issue 17, point 12):
// the page gives the script both words in its language, and the script
// picks by the stream event's urgency.
func TestLiveBannerWords(t *testing.T) {
	e := sharedDemo(t)
	for _, tc := range []struct{ path, breaking, urgent string }{
		{"/", "BREAKING", "URGENT"},
		{"/news", "BREAKING", "URGENT"},
		{"/politics", "BREAKING", "URGENT"},
		{"/ru/", "СРОЧНО", "СРОЧНО"},
	} {
		w, doc := e.page(tc.path)
		if w.Code != 200 {
			t.Fatalf("%s: %d", tc.path, w.Code)
		}
		live := doc.First("#live")
		if live == nil {
			t.Fatalf("%s has no live box", tc.path)
		}
		if live.Attr("data-breaking") != tc.breaking || live.Attr("data-urgent") != tc.urgent {
			t.Errorf("%s live words = %q, %q; want %q, %q", tc.path, live.Attr("data-breaking"), live.Attr("data-urgent"), tc.breaking, tc.urgent)
		}
		if tc.path != "/" {
			continue
		}
		src := ""
		for _, s := range doc.All("script") {
			if strings.Contains(s.Attr("src"), "/static/site") {
				src = s.Attr("src")
			}
		}
		if src == "" {
			t.Fatal("/ loads no site script")
		}
		js := e.get(src)
		if js.Code != 200 {
			t.Fatalf("%s: %d", src, js.Code)
		}
		body := js.Body.String()
		if !strings.Contains(body, `e.urgency === 1)`) || !strings.Contains(body, "live.dataset.urgent") || strings.Contains(body, `make("strong", "breaking-label", tr("BREAKING"))`) {
			t.Errorf("%s does not label the banner by urgency", src)
		}
	}
}
