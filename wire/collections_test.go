package wire

import (
	"strconv"
	"testing"
	"time"

	"dateline"
)

// FuzzParseKey: a key from a URL is read only when it is exactly what
// Key writes, and then writes back the same.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"gallery-1", "infographic-42", "gallery-01", "gallery--1", "video-3", "gallery-", "-1", "gallery-9223372036854775808", "infographic-1x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, id, ok := ParseKey(s)
		if !ok {
			return
		}
		c := Collection{Kind: kind, ID: id}
		if id <= 0 || c.Key() != s {
			t.Errorf("%q read as %s %d", s, kind, id)
		}
	})
}

// The rule: only published collections a product covers, counted for the
// first product that covers them; a product without kinds takes both.
func TestShowsCollection(t *testing.T) {
	e := dateline.Entitlement{Products: []dateline.Product{
		{ID: 1, Kinds: []string{dateline.KindText}},
		{ID: 2, Kinds: []string{dateline.KindGallery}, Sections: []string{"sport"}},
		{ID: 3, Langs: []string{"ru"}},
		{ID: 4, Topics: []string{"war"}},
	}}
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		c       Collection
		product int64
		shows   bool
	}{
		{Collection{Kind: dateline.KindGallery, Section: "sport", Lang: "en", Status: dateline.StatusPublished}, 2, true},
		{Collection{Kind: dateline.KindGallery, Section: "sport", Lang: "en", Status: dateline.StatusWithdrawn}, 2, false},
		{Collection{Kind: dateline.KindGallery, Section: "sport", Lang: "en", Status: dateline.StatusDraft}, 2, false},
		{Collection{Kind: dateline.KindInfographic, Section: "sport", Lang: "en", Status: dateline.StatusPublished}, 0, false},
		{Collection{Kind: dateline.KindInfographic, Section: "politika", Lang: "ru", Status: dateline.StatusPublished}, 3, true},
		{Collection{Kind: dateline.KindGallery, Section: "world", Lang: "", Status: dateline.StatusPublished}, 0, false},
	}
	for i, tc := range cases {
		tc.c.ID, tc.c.PublishedAt = int64(i+1), at
		if got := ProductOfCollection(&e, &tc.c); got != tc.product {
			t.Errorf("case %d: product %d, want %d", i, got, tc.product)
		}
		if got := ShowsCollection(&e, &tc.c); got != tc.shows {
			t.Errorf("case %d: shows %v", i, got)
		}
	}
	if staff := (dateline.Entitlement{Products: []dateline.Product{{}}}); !ShowsCollection(&staff, &cases[3].c) {
		t.Error("a product of every kind does not take an infographic")
	}
}

// A gallery and an infographic of one id and second keep one order, and
// the cursor of the place between them splits them.
func TestPlaceOrder(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 500, time.UTC)
	g := Collection{Kind: dateline.KindGallery, ID: 5, PublishedAt: at}
	i := Collection{Kind: dateline.KindInfographic, ID: 5, PublishedAt: at.Add(300 * time.Millisecond)}
	if comparePlace(place(&g), place(&i)) <= 0 {
		t.Error("a gallery does not come before the infographic of its id and second")
	}
	cur, err := dateline.ParseCursor(place(&g).String())
	if err != nil || comparePlace(place(&i), cur) >= 0 || comparePlace(place(&g), cur) != 0 {
		t.Errorf("the gallery's cursor %v does not split them (%v)", cur, err)
	}
	if g.Key() != "gallery-"+strconv.Itoa(5) {
		t.Error(g.Key())
	}
}
