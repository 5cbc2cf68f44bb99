package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"dateline"
)

// testListsByKeyset pages through every kind of list (all, sections, a
// topic, a person, both, a topic in a section, since a time) seven at a
// time by cursor, and checks each against the list worked out here: the
// same articles, newest first, ties by id, none twice or left out.
func testListsByKeyset(t *testing.T, s dateline.Store) {
	sections := []string{"politics", "world", "sport"}
	type made struct {
		a              *dateline.Article
		topic, person  bool
		section        string
		published, out bool // out: withdrawn after publication
	}
	var ms []*made
	var as []*dateline.Article
	for i := range 60 {
		// Three articles share each second, to page across ties.
		a := article(fmt.Sprintf("urn:keyset:%d", i), sections[i%3], base.Add(-time.Duration(i/3)*time.Minute))
		m := &made{a: a, section: sections[i%3], topic: i%2 == 0, person: i%5 == 0, published: true}
		if m.topic {
			a.Topics = []dateline.Topic{{Slug: "elections", Name: "Elections"}}
		}
		if m.person {
			a.Persons = []dateline.Person{{Slug: "anna-petrova", Name: "Anna Petrova"}}
		}
		ms, as = append(ms, m), append(as, a)
	}
	upsert(t, s, base, as...)
	// Two leave the site; their tags and places in lists go with them.
	for _, i := range []int{4, 10} {
		gone := *ms[i].a
		gone.Status, gone.SourceVersion = dateline.StatusWithdrawn, base.Add(time.Hour)
		upsert(t, s, base.Add(time.Minute), &gone)
		ms[i].out = true
	}
	since := base.Add(-12 * time.Minute)
	cases := []struct {
		name string
		f    dateline.ArticleFilter
		in   func(m *made) bool
	}{
		{"all", dateline.ArticleFilter{}, func(m *made) bool { return true }},
		{"section", dateline.ArticleFilter{Sections: []string{"world"}}, func(m *made) bool { return m.section == "world" }},
		{"sections", dateline.ArticleFilter{Sections: []string{"sport", "politics"}}, func(m *made) bool { return m.section != "world" }},
		{"topic", dateline.ArticleFilter{Topic: "elections"}, func(m *made) bool { return m.topic }},
		{"person", dateline.ArticleFilter{Person: "anna-petrova"}, func(m *made) bool { return m.person }},
		{"topic and person", dateline.ArticleFilter{Topic: "elections", Person: "anna-petrova"}, func(m *made) bool { return m.topic && m.person }},
		{"topic in sections", dateline.ArticleFilter{Topic: "elections", Sections: []string{"world", "sport"}}, func(m *made) bool { return m.topic && m.section != "politics" }},
		{"since", dateline.ArticleFilter{Since: since}, func(m *made) bool { return !m.a.PublishedAt.Before(since) }},
		{"section since", dateline.ArticleFilter{Sections: []string{"sport"}, Since: since}, func(m *made) bool { return m.section == "sport" && !m.a.PublishedAt.Before(since) }},
		{"unknown section", dateline.ArticleFilter{Sections: []string{"nowhere"}}, func(m *made) bool { return false }},
		{"unknown topic", dateline.ArticleFilter{Topic: "nothing"}, func(m *made) bool { return false }},
	}
	for _, c := range cases {
		var want []int64
		for _, m := range ms {
			if !m.out && c.in(m) {
				want = append(want, m.a.ID)
			}
		}
		byID := map[int64]time.Time{}
		for _, m := range ms {
			byID[m.a.ID] = m.a.PublishedAt
		}
		slices.SortFunc(want, func(x, y int64) int {
			if c := byID[y].Compare(byID[x]); c != 0 {
				return c
			}
			return int(y - x)
		})
		f := c.f
		f.Limit = 7
		got := []int64{}
		for range 20 {
			page, err := s.Articles(ctx, f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if len(page) > 7 {
				t.Fatalf("%s: page of %d, limit 7", c.name, len(page))
			}
			got = append(got, ids(page)...)
			if len(page) < 7 {
				break
			}
			last := page[len(page)-1]
			f.Before = &dateline.Cursor{Time: last.PublishedAt, ID: last.ID}
		}
		if want == nil {
			want = []int64{}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: paged\n%v\nwant\n%v", c.name, got, want)
		}
	}
}

// testSearchByDateCursor pages a search by date seven hits at a time, each
// page from the last hit's id, and finds every match once, newest first.
func testSearchByDateCursor(t *testing.T, s dateline.Store) {
	var as []*dateline.Article
	for i := range 30 {
		// Published in id order, as the wire's stories are.
		as = append(as, story(fmt.Sprintf("urn:harvest:%d", i), "economy", fmt.Sprintf("Harvest report %d", i), "Grain.",
			base.Add(-time.Duration(30-i)*time.Hour)))
	}
	as = append(as, story("urn:other", "economy", "Markets calm", "Nothing grows.", base))
	var want []string
	for i := 29; i >= 0; i-- {
		want = append(want, fmt.Sprintf("urn:harvest:%d", i))
	}
	upsert(t, s, base, as...)
	var got []string
	var before int64
	for range 10 {
		var last int64
		page := find(t, s, "harvest", func(f *dateline.SearchFilter) {
			f.ByDate, f.Limit, f.Before = true, 7, before
		})
		for _, uri := range page {
			a, err := s.ArticleByURI(ctx, uri)
			if err != nil {
				t.Fatal(err)
			}
			last = a.ID
		}
		got = append(got, page...)
		if len(page) < 7 {
			break
		}
		before = last
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged by date\n%v\nwant\n%v", got, want)
	}
}

// testSearchByDatePages pages a search by date from an offset, as the
// wire's and the site's searches do, seven and then forty hits at a time,
// over more matches than a first page reads: the oldest story by id is the
// newest by publication (an embargo lifted late), and pairs of stories
// share a publication time. Every page must be a slice of one order,
// newest first and ties by id, so no match is shown twice or missed.
func testSearchByDatePages(t *testing.T, s dateline.Store) {
	const n = dateline.SearchCandidates + 20
	var as []*dateline.Article
	for i := range n {
		published := base
		if i > 0 {
			published = base.Add(-time.Duration(1+(n-i)/2) * time.Minute)
		}
		as = append(as, story(fmt.Sprintf("urn:sheaf:%d", i), "economy", fmt.Sprintf("Sheaf count %d", i), "Grain.", published))
	}
	upsert(t, s, base, as...)
	want := []string{"urn:sheaf:0"}
	for i := n - 1; i > 0; i-- {
		want = append(want, fmt.Sprintf("urn:sheaf:%d", i))
	}
	for _, limit := range []int{7, 40} {
		var got []string
		for offset := 0; offset < n+limit; offset += limit {
			got = append(got, find(t, s, "sheaf", func(f *dateline.SearchFilter) {
				f.ByDate, f.Offset, f.Limit = true, offset, limit
			})...)
		}
		if !slices.Equal(got, want) {
			seen := map[string]int{}
			for _, uri := range got {
				seen[uri]++
			}
			var twice, missed []string
			for _, uri := range want {
				if seen[uri] > 1 {
					twice = append(twice, uri)
				}
				if seen[uri] == 0 {
					missed = append(missed, uri)
				}
			}
			i := 0
			for i < min(len(got), len(want)) && got[i] == want[i] {
				i++
			}
			t.Errorf("paged by date %d at a time: %d hits, want %d; first difference at hit %d; twice %v; missed %v",
				limit, len(got), len(want), i, twice, missed)
		}
	}
}
