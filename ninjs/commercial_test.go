package ninjs

import (
	"encoding/json"
	"testing"
	"time"

	"dateline"
)

// A marked article goes out with its genre, the item is valid ninjs 2.2,
// and the mark reads back.
func TestCommercialRoundTrip(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for _, mark := range []string{dateline.CommercialNone, dateline.CommercialPartner, dateline.CommercialAdvertising} {
		a := dateline.Article{URI: "urn:x:" + mark, Section: "economy", SectionName: "Economy", Lang: "en", Headline: "H",
			Status: dateline.StatusPublished, Version: 1, PublishedAt: now, CreatedAt: now, ModifiedAt: now, Commercial: mark}
		data, err := json.Marshal(FromArticle(&a, "https://news.example"))
		if err != nil {
			t.Fatal(err)
		}
		it, err := Parse(data)
		if err != nil {
			t.Fatalf("%q: not valid ninjs: %v\n%s", mark, err, data)
		}
		if got := Commercial(it); got != mark {
			t.Errorf("mark %q read back as %q from %s", mark, got, data)
		}
		if mark == "" && len(it.Genres) != 0 {
			t.Errorf("news item has genres %+v", it.Genres)
		}
	}
}

func TestCommercialFromGenres(t *testing.T) {
	for _, tc := range []struct {
		genres []Concept
		want   string
	}{
		{nil, ""},
		{[]Concept{{Literal: "Analysis"}}, ""},
		{[]Concept{{Name: "Feature"}, {Literal: "ADVERTISING"}}, dateline.CommercialAdvertising},
		{[]Concept{{Name: "Partner material"}}, dateline.CommercialPartner},
		{[]Concept{{Name: " advertisement "}}, dateline.CommercialAdvertising},
		{[]Concept{{URI: "https://x.example/partner"}}, ""},
	} {
		if got := Commercial(&Item{Genres: tc.genres}); got != tc.want {
			t.Errorf("Commercial(%+v) = %q, want %q", tc.genres, got, tc.want)
		}
	}
}
