package storetest

import (
	"testing"

	"dateline"
)

// testTopicsOf: dateline.Tagging.TopicsOf gives each article's topics in
// the article's order, leaves out articles without topics and unknown
// ids, and refuses more than 1000 ids.
func testTopicsOf(t *testing.T, s dateline.Store) {
	// b is stored first, so that topic ids do not follow a's order.
	b := article("urn:topicsof:b", "world", base)
	b.Topics = []dateline.Topic{{Name: "Zeta talks"}, {Name: "Alpha summit"}}
	a := article("urn:topicsof:a", "politics", base)
	a.Topics = []dateline.Topic{{Name: "Middle East"}, {Name: "Alpha summit"}, {Name: "Zeta talks"}}
	none := article("urn:topicsof:none", "sport", base)
	rs := upsert(t, s, base, b)
	rs = append(rs, upsert(t, s, base, a, none)...)
	bID, aID, noneID := rs[0].ID, rs[1].ID, rs[2].ID

	names := func(ts []dateline.Topic) []string {
		out := []string{}
		for _, t := range ts {
			out = append(out, t.Name)
		}
		return out
	}
	same := func(got []dateline.Topic, want ...string) bool {
		g := names(got)
		if len(g) != len(want) {
			return false
		}
		for i := range g {
			if g[i] != want[i] {
				return false
			}
		}
		return true
	}

	got, err := s.TopicsOf(ctx, []int64{noneID, aID, 424242, bID})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Errorf("TopicsOf has %d articles, want 2: %v", len(got), got)
	}
	if !same(got[aID], "Middle East", "Alpha summit", "Zeta talks") {
		t.Errorf("topics of a = %q, want their order", names(got[aID]))
	}
	if !same(got[bID], "Zeta talks", "Alpha summit") {
		t.Errorf("topics of b = %q, want their order", names(got[bID]))
	}
	if _, ok := got[noneID]; ok {
		t.Errorf("an article without topics is in the map: %v", got[noneID])
	}
	if _, ok := got[424242]; ok {
		t.Errorf("an unknown article is in the map")
	}
	if ts := got[aID]; len(ts) > 0 && (ts[0].ID == 0 || ts[0].Slug != "middle-east") {
		t.Errorf("topic = %+v, want id and slug", ts[0])
	}
	// The same topic is the same row for every article.
	if ga, gb := got[aID], got[bID]; len(ga) == 3 && len(gb) == 2 && (ga[1].ID != gb[1].ID || ga[2].ID != gb[0].ID) {
		t.Errorf("shared topics differ: %+v and %+v", ga, gb)
	}

	// Order of the ids does not matter; none gives an empty map.
	if got, err := s.TopicsOf(ctx, []int64{bID}); err != nil || len(got) != 1 || !same(got[bID], "Zeta talks", "Alpha summit") {
		t.Errorf("TopicsOf(b) = %v, %v", got, err)
	}
	if got, err := s.TopicsOf(ctx, nil); err != nil || got == nil || len(got) != 0 {
		t.Errorf("TopicsOf(nil) = %v, %v; want an empty map", got, err)
	}

	// 1000 ids is the most.
	many := make([]int64, 1000)
	for i := range many {
		many[i] = aID + int64(i)
	}
	if got, err := s.TopicsOf(ctx, many); err != nil || !same(got[aID], "Middle East", "Alpha summit", "Zeta talks") {
		t.Errorf("TopicsOf(1000 ids) = %v, %v", got, err)
	}
	_, err = s.TopicsOf(ctx, append(many, 1001))
	wantCode(t, err, dateline.EINVALID)
}
