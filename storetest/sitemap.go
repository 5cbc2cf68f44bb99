package storetest

import (
	"testing"
	"time"

	"dateline"
)

// testSitemaps checks dateline.Sitemaps: month counts and their refresh,
// stretches of a month, tags with published articles, and feed bodies.
func testSitemaps(t *testing.T, s dateline.Store) {
	sm := s
	sep := time.Date(2026, 9, 30, 23, 59, 59, 0, time.UTC)
	oct := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	nov := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

	// September: one; October: five published (two at the same second),
	// one withdrawn, one scheduled and one draft.
	a := article("urn:test:sep", "world", sep)
	a.Topics = []dateline.Topic{{Slug: "space", Name: "Space"}}
	upsert(t, s, base, a)
	var ids []int64
	for i, at := range []time.Time{oct, oct.Add(time.Hour), oct.Add(time.Hour), oct.Add(48 * time.Hour), nov.Add(-time.Second)} {
		a := article("urn:test:oct"+string(rune('a'+i)), "science", at)
		if i == 1 {
			a.Photo = &dateline.Photo{URI: "urn:photo:oct", Path: "t/oct.jpg", Width: 1200, Height: 800, Caption: "A launch"}
			a.Topics = []dateline.Topic{{Slug: "space", Name: "Space"}}
			a.Persons = []dateline.Person{{Slug: "yuri-gagarin", Name: "Yuri Gagarin"}}
			a.Pages = []string{"<p>One.</p>", "<p>Two.</p>"}
			a.Corrections = []dateline.Correction{{At: base, Text: "The date was wrong."}}
		}
		ids = append(ids, upsert(t, s, base, a)[0].ID)
	}
	w := article("urn:test:gone", "science", oct.Add(2*time.Hour))
	w.Topics = []dateline.Topic{{Slug: "withdrawn-only", Name: "Withdrawn only"}}
	upsert(t, s, base, w)
	w.Status, w.SourceVersion = dateline.StatusWithdrawn, w.SourceVersion.Add(time.Minute)
	upsert(t, s, base.Add(time.Minute), w)
	sch := article("urn:test:later", "science", time.Time{})
	sch.Status, sch.EmbargoUntil = dateline.StatusScheduled, base.Add(time.Hour)
	upsert(t, s, base, sch)
	d := article("urn:test:draft", "science", time.Time{})
	d.Status = dateline.StatusDraft
	upsert(t, s, base, d)

	months, err := sm.SitemapMonths(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := []dateline.MonthCount{
		{Month: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), Count: 1, Modified: base},
		{Month: oct, Count: 5, Modified: base.Add(time.Minute)}, // the withdrawal changed October
	}
	checkMonths(t, "all", months, want)

	// Nothing changed since: nothing to count again.
	if months, err = sm.SitemapMonths(ctx, base.Add(2*time.Minute)); err != nil || len(months) != 0 {
		t.Errorf("SitemapMonths(after every change) = %v, %v; want none", months, err)
	}
	// The September story is withdrawn: its month comes back with 0.
	gone := article("urn:test:sep", "world", sep)
	gone.Status, gone.SourceVersion = dateline.StatusWithdrawn, sep.Add(time.Hour)
	upsert(t, s, base.Add(time.Hour), gone)
	months, err = sm.SitemapMonths(ctx, base.Add(30*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	checkMonths(t, "changed", months, []dateline.MonthCount{{Month: want[0].Month, Count: 0, Modified: base.Add(time.Hour)}})
	// The scheduled story is released: October is counted again.
	if _, err := s.PublishDue(ctx, base.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	months, err = sm.SitemapMonths(ctx, base.Add(90*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	checkMonths(t, "released", months, []dateline.MonthCount{{Month: oct, Count: 6, Modified: base.Add(2 * time.Hour)}})

	// October, oldest first, in stretches.
	list, err := sm.SitemapArticles(ctx, oct, nov, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 6 {
		t.Fatalf("SitemapArticles(October) = %d articles, want 6", len(list))
	}
	for i := 1; i < len(list); i++ {
		p, q := list[i-1], list[i]
		if q.PublishedAt.Before(p.PublishedAt) || (q.PublishedAt.Equal(p.PublishedAt) && q.ID < p.ID) {
			t.Errorf("entry %d (%d at %v) before entry %d (%d at %v)", i, q.ID, q.PublishedAt, i-1, p.ID, p.PublishedAt)
		}
	}
	first := list[1]
	if first.ID != ids[1] || first.Section != "science" || first.Headline != "Headline urn:test:octb" || first.Lang != "en" ||
		!first.PublishedAt.Equal(oct.Add(time.Hour)) || first.Photo == nil || first.Photo.Path != "t/oct.jpg" {
		t.Errorf("entry with a photo = %+v (photo %+v)", first, first.Photo)
	}
	if list[0].Photo != nil {
		t.Errorf("entry without a photo has %+v", list[0].Photo)
	}
	page, err := sm.SitemapArticles(ctx, oct, nov, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 2 || page[0].ID != list[2].ID || page[1].ID != list[3].ID {
		t.Errorf("offset 2 limit 2 = %v, want ids %d, %d", entryIDs(page), list[2].ID, list[3].ID)
	}
	if page, _ := sm.SitemapArticles(ctx, oct, nov, 6, 10); len(page) != 0 {
		t.Errorf("past the end: %v", entryIDs(page))
	}
	if page, _ := sm.SitemapArticles(ctx, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), oct, 0, 10); len(page) != 0 {
		t.Errorf("September after its withdrawal: %v", entryIDs(page))
	}
	if n, err := sm.SitemapCount(ctx, oct, nov); err != nil || n != 6 {
		t.Errorf("SitemapCount(October) = %d, %v; want 6", n, err)
	}
	if n, err := sm.SitemapCount(ctx, oct.Add(time.Hour), oct.Add(time.Hour+time.Second)); err != nil || n != 2 {
		t.Errorf("SitemapCount(one second) = %d, %v; want 2", n, err)
	}
	for _, bad := range [][2]int{{0, 0}, {0, 50001}, {-1, 10}} {
		_, err := sm.SitemapArticles(ctx, oct, nov, bad[0], bad[1])
		wantCode(t, err, dateline.EINVALID)
	}

	// Tags: only those with published articles.
	last, err := sm.LastTagID(ctx, dateline.TagTopic)
	if err != nil || last < 2 {
		t.Fatalf("LastTagID(topic) = %d, %v", last, err)
	}
	tags, err := sm.SitemapTags(ctx, dateline.TagTopic, 0, int(last))
	if err != nil {
		t.Fatal(err)
	}
	if len(tags) != 1 || tags[0].Slug != "space" || tags[0].Name != "Space" || !tags[0].Modified.Equal(oct.Add(time.Hour)) {
		t.Errorf("topics = %+v, want space modified %v", tags, oct.Add(time.Hour))
	}
	if tags, _ := sm.SitemapTags(ctx, dateline.TagTopic, tags[0].ID, 1000); len(tags) != 0 {
		t.Errorf("topics after the last with articles = %+v", tags)
	}
	persons, err := sm.SitemapTags(ctx, dateline.TagPerson, 0, 1000)
	if err != nil || len(persons) != 1 || persons[0].Slug != "yuri-gagarin" {
		t.Errorf("persons = %+v, %v", persons, err)
	}
	_, err = sm.SitemapTags(ctx, "section", 0, 10)
	wantCode(t, err, dateline.EINVALID)
	_, err = sm.LastTagID(ctx, "section")
	wantCode(t, err, dateline.EINVALID)
	_, err = sm.SitemapTags(ctx, dateline.TagTopic, 0, 50001)
	wantCode(t, err, dateline.EINVALID)

	// A tag's newest stories, as Articles lists them.
	more := article("urn:test:space2", "science", oct.Add(72*time.Hour))
	more.Topics = []dateline.Topic{{Slug: "space", Name: "Space"}}
	upsert(t, s, base.Add(3*time.Hour), more)
	for _, limit := range []int{1, 2, 10} {
		want, err := s.Articles(ctx, dateline.ArticleFilter{Topic: "space", Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		got, err := sm.TagArticles(ctx, dateline.TagTopic, "space", limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || len(got) != min(limit, 2) {
			t.Fatalf("TagArticles(space, %d) = %d articles, Articles %d", limit, len(got), len(want))
		}
		for i := range got {
			if got[i].ID != want[i].ID || got[i].Headline != want[i].Headline || got[i].Section != want[i].Section ||
				(got[i].Photo == nil) != (want[i].Photo == nil) || !got[i].PublishedAt.Equal(want[i].PublishedAt) {
				t.Errorf("TagArticles(space, %d)[%d] = %+v, Articles gives %+v", limit, i, got[i], want[i])
			}
		}
	}
	if got, err := sm.TagArticles(ctx, dateline.TagPerson, "yuri-gagarin", 10); err != nil || len(got) != 1 || got[0].ID != ids[1] {
		t.Errorf("TagArticles(person) = %v, %v", got, err)
	}
	if got, err := sm.TagArticles(ctx, dateline.TagTopic, "withdrawn-only", 10); err != nil || len(got) != 0 {
		t.Errorf("TagArticles of a topic whose story was withdrawn = %v, %v", got, err)
	}
	if got, err := sm.TagArticles(ctx, dateline.TagTopic, "no-such-topic", 10); err != nil || len(got) != 0 {
		t.Errorf("TagArticles(unknown) = %v, %v", got, err)
	}
	_, err = sm.TagArticles(ctx, "section", "science", 10)
	wantCode(t, err, dateline.EINVALID)
	_, err = sm.TagArticles(ctx, dateline.TagTopic, "space", 201)
	wantCode(t, err, dateline.EINVALID)

	// Feed bodies: pages in order and corrections.
	bodies, err := sm.FeedBodies(ctx, []int64{ids[0], ids[1], 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	b := bodies[ids[1]]
	if len(b.Pages) != 2 || b.Pages[0] != "<p>One.</p>" || b.Pages[1] != "<p>Two.</p>" ||
		len(b.Corrections) != 1 || b.Corrections[0].Text != "The date was wrong." || !b.Corrections[0].At.Equal(base) {
		t.Errorf("FeedBodies = %+v", b)
	}
	if len(bodies[ids[0]].Pages) != 1 {
		t.Errorf("FeedBodies of a one-page story = %+v", bodies[ids[0]])
	}
	if _, ok := bodies[1<<40]; ok {
		t.Errorf("FeedBodies of an unknown id = %+v", bodies[1<<40])
	}
	_, err = sm.FeedBodies(ctx, make([]int64, 201))
	wantCode(t, err, dateline.EINVALID)
}

func checkMonths(t *testing.T, name string, got, want []dateline.MonthCount) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: months = %v, want %v", name, got, want)
		return
	}
	for i := range got {
		if !got[i].Month.Equal(want[i].Month) || got[i].Count != want[i].Count || !got[i].Modified.Equal(want[i].Modified) {
			t.Errorf("%s: month %d = %v %d %v, want %v %d %v", name, i, got[i].Month, got[i].Count, got[i].Modified,
				want[i].Month, want[i].Count, want[i].Modified)
		}
	}
}

func entryIDs(es []dateline.SitemapEntry) []int64 {
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	return ids
}
