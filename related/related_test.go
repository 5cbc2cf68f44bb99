package related

import (
	"testing"
	"time"

	"dateline"
)

func TestPick(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	a := &dateline.Article{ID: 1, Headline: "Lavrov meets Iraqi minister on Syria", Lead: "Talks on fighting terrorists in Syria.",
		ReadAlso: []dateline.ArticleRef{{ID: 9, Section: "world", Headline: "Editor's pick"}, {ID: 1, Headline: "itself"}, {ID: 8, Headline: "withdrawn"}, {URI: "urn:x", Headline: "not here"}}}
	pub := dateline.StatusPublished
	nb := func(id int64, shared int, age time.Duration, headline string) dateline.Neighbour {
		return dateline.Neighbour{Article: dateline.Article{ID: id, Status: pub, Headline: headline, PublishedAt: now.Add(-age)}, Shared: shared}
	}
	got := Pick(a, map[int64]bool{9: true}, []dateline.Neighbour{
		nb(2, 1, 2*time.Hour, "Snowfall in Moscow"),
		nb(3, 2, 7*24*time.Hour, "Lavrov and Iraqi minister discuss Syria terrorists"),
		nb(4, 2, time.Hour, "Operation in Syria nearing completion"),
		nb(9, 3, time.Hour, "Editor's pick again"),
		nb(1, 5, time.Hour, "The article itself"),
		{Article: dateline.Article{ID: 5, Status: dateline.StatusWithdrawn, Headline: "Lavrov Syria", PublishedAt: now}, Shared: 5},
	}, now, 4)
	var ids []int64
	for _, s := range got {
		ids = append(ids, s.ID)
	}
	want := []int64{9, 3, 4, 2}
	if len(ids) != len(want) {
		t.Fatalf("got %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("got %v, want %v", ids, want)
		}
	}
	if !got[0].ReadAlso || got[1].ReadAlso {
		t.Error("the editor's link is not marked as such")
	}
	if len(Pick(a, nil, nil, now, 5)) != 0 {
		t.Error("unpublished read-also links were picked")
	}
}
