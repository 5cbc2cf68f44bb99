package storetest

import (
	"reflect"
	"testing"
	"time"

	"dateline"
)

// testArticlesByID: a batch read returns each article as Article does
// (pages, tags, links, corrections, chain, a withdrawn story's marks), in
// the order asked, once each, leaving out unknown ids.
func testArticlesByID(t *testing.T, s dateline.Store) {
	a := article("urn:batch:1", "politics", base.Add(-time.Hour))
	a.Pages = []string{"<p>One.</p>", "<p>Two.</p>"}
	a.Topics = []dateline.Topic{{Name: "Arctic"}, {Name: "Energy"}}
	a.Persons = []dateline.Person{{Name: "Sergey Lavrov"}}
	a.ReadAlso = []dateline.ArticleRef{{URI: "urn:batch:2"}, {URI: "urn:batch:missing"}}
	a.Corrections = []dateline.Correction{{At: base.Add(-30 * time.Minute), Text: "Corrects a name."}}
	b := article("urn:batch:2", "world", base.Add(-2*time.Hour))
	b.Topics = []dateline.Topic{{Name: "Arctic"}}
	w := article("urn:batch:3", "world", base.Add(-3*time.Hour))
	rs := upsert(t, s, base, a, b, w)
	kill := article("urn:batch:3", "world", base.Add(-3*time.Hour))
	kill.SourceVersion, kill.Status, kill.WithdrawNote = base, dateline.StatusWithdrawn, "Withdrawn."
	upsert(t, s, base, kill)
	ed := mkUser(t, s, "batch@example.org", "Ed", dateline.RoleEditor)
	head := draft("urn:batch:chain:1", "world", "Flash")
	head.Status = dateline.StatusPublished
	save(t, s, head, 0, ed.ID, base)
	next := draft("urn:batch:chain:2", "world", "Update")
	next.Status, next.Follows = dateline.StatusPublished, head.ID
	save(t, s, next, 0, ed.ID, base.Add(time.Minute))

	ids := []int64{rs[1].ID, 424242, rs[0].ID, next.ID, rs[2].ID, rs[0].ID, head.ID}
	got, err := s.ArticlesByID(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	var want []*dateline.Article
	for _, id := range []int64{rs[1].ID, rs[0].ID, next.ID, rs[2].ID, head.ID} {
		want = append(want, get(t, s, id))
	}
	if len(got) != len(want) {
		t.Fatalf("ArticlesByID = %d articles, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("ArticlesByID[%d] =\n%+v\nwant as Article reads it\n%+v", i, got[i], want[i])
		}
	}
	if got[1].Pages == nil || got[1].Corrections == nil || got[1].ReadAlso[0].ID != rs[1].ID || len(got[2].Chain) != 2 {
		t.Errorf("the batch lost parts: %+v", got[1])
	}
	if none, err := s.ArticlesByID(ctx, nil); err != nil || none == nil || len(none) != 0 {
		t.Errorf("ArticlesByID(nil) = %v, %v; want an empty list", none, err)
	}
	_, err = s.ArticlesByID(ctx, make([]int64, 1001))
	wantCode(t, err, dateline.EINVALID)
}
