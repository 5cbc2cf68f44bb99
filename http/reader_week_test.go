package http_test

import (
	"fmt"
	"regexp"
	"strings"
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

// The Russian edition (point 18): links to English stories in "Читайте
// также" and "Материалы по теме" say so, English galleries on /ru/photo/
// are marked, and rates are written with a decimal comma.
func TestRussianEditionMarks(t *testing.T) {
	e := sharedDemo(t)
	// Every Russian story of the first page of the feed: those that link
	// English ones must mark them, and only them.
	_, feed := e.page("/ru/news")
	english := 0
	for _, item := range feed.All("#feed .teaser-title") {
		_, doc := e.page(item.Attr("href"))
		for _, li := range append(doc.All(".read-also li"), doc.All(".related-list li")...) {
			a := li.Find("a")
			if href := a.Attr("href"); !strings.HasPrefix(href, "/ru/") {
				english++
				if a.Attr("lang") != "en" || !strings.Contains(li.Text(), "(англ.)") {
					t.Errorf("%s: the link to the English story %s is not marked: %q", item.Attr("href"), href, li.Text())
				}
			} else if strings.Contains(li.Text(), "(англ.)") {
				t.Errorf("%s: a Russian story is marked English: %q", item.Attr("href"), li.Text())
			}
		}
	}
	if english == 0 {
		t.Fatal("no Russian story of the demo links an English one")
	}
	_, doc := e.page("/ru/photo/")
	if len(doc.All(".card")) == 0 {
		t.Fatal("/ru/photo/ lists no gallery")
	}
	for _, card := range doc.All(".card") {
		if a := card.Find("a"); a.Attr("lang") == "en" != strings.Contains(card.Text(), "(англ.)") {
			t.Errorf("/ru/photo/: %q is marked wrongly (lang %q)", card.Text(), a.Attr("lang"))
		}
	}
	if _, doc := e.page("/photo/"); strings.Contains(doc.First("main").Text(), "(in ") {
		t.Error("/photo/ marks its own edition's galleries")
	}
	comma := regexp.MustCompile(`^\d+,\d+`)
	for _, path := range []string{"/ru/", "/ru/currency"} {
		_, doc := e.page(path)
		cells := doc.All("td.num")
		if len(cells) == 0 {
			t.Fatalf("%s shows no rates", path)
		}
		for _, td := range cells {
			if txt := strings.TrimSpace(td.Text()); txt != "" && !comma.MatchString(txt) {
				t.Errorf("%s: the rate %q has no decimal comma", path, txt)
			}
		}
	}
	if _, doc := e.page("/currency"); strings.Contains(doc.First("td.num").Text(), ",") {
		t.Errorf("/currency: %q, want a decimal point in English", doc.First("td.num").Text())
	}
}
