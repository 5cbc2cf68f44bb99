package http_test

import (
	"fmt"
	"testing"
)

// The Most read block numbers seven stories a tab, however many were
// read (issue 17, point 14); the header links the currency converter and
// every page has a back-to-top link.
func TestMostReadSevenAndHeaderLinks(t *testing.T) {
	e := newEnv(t, false)
	var ids []int64
	for i := range 9 {
		id := e.publish(fmt.Sprintf("urn:test:mr7:%d", i), fmt.Sprintf("Read story %d", i), "politics", "")
		for j := 0; j <= i; j++ {
			e.beacon(id, fmt.Sprintf("10.0.7.%d", j), firefoxUA)
		}
		ids = append(ids, id)
	}
	e.viewsOf(ids[8])
	_, doc := e.page("/")
	items := doc.All("#mr-now li")
	if len(items) != 7 {
		t.Fatalf("the Most read block lists %d stories, want 7", len(items))
	}
	if first := items[0].Text(); first != "Read story 8" {
		t.Errorf("the most read story is %q, want Read story 8", first)
	}
	for _, path := range []string{"/", "/ru/", "/politics"} {
		_, doc := e.page(path)
		want := "/currency"
		if path == "/ru/" {
			want = "/ru/currency"
		}
		if doc.First(`header .tools a[href="`+want+`"]`) == nil {
			t.Errorf("%s: the header does not link %s", path, want)
		}
		if a := doc.First("footer a.to-top"); a == nil || a.Attr("href") != "#top" || doc.First("#top") == nil {
			t.Errorf("%s: no back-to-top link to the page's top", path)
		}
	}
}
