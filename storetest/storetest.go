// Package storetest is the storage suite: one set of tests that every
// engine behind dateline.Store must pass, run by each engine's own tests.
package storetest

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"dateline"
	"dateline/storetest/clienttest"
	"dateline/storetest/kit"
	"dateline/storetest/livetest"
	"dateline/storetest/readertest"
	"dateline/storetest/wiretest"
)

// The shared steps of the suites, by the short names the tests use.
var (
	ctx       = kit.Ctx
	base      = kit.Base
	article   = kit.Article
	draft     = kit.Draft
	embargoed = kit.Embargoed
	wire      = kit.Wire
	upsert    = kit.Upsert
	wantCode  = kit.WantCode
	mkUser    = kit.MkUser
	save      = kit.Save
	get       = kit.Get
	restore   = kit.Restore
	ids       = kit.IDs
	sameIDs   = kit.SameIDs
	find      = kit.Find
)

// Opener returns a new, empty, migrated store for one test.
type Opener func(t *testing.T) dateline.Store

// Run runs the whole suite against stores made by open.
func Run(t *testing.T, open Opener) {
	tests := []kit.Test{
		{Name: "Sections", Fn: testSections},
		{Name: "CreateAndRead", Fn: testCreateAndRead},
		{Name: "UpdateByVersion", Fn: testUpdateByVersion},
		{Name: "Withdraw", Fn: testWithdraw},
		{Name: "Embargo", Fn: testEmbargo},
		{Name: "ListsAndCursor", Fn: testListsAndCursor},
		{Name: "ListsByKeyset", Fn: testListsByKeyset},
		{Name: "TopicsAndPersons", Fn: testTopicsAndPersons},
		{Name: "ReadAlso", Fn: testReadAlso},
		{Name: "ArticlesByID", Fn: testArticlesByID},
		{Name: "TopStories", Fn: testTopStories},
		{Name: "BatchIsOneTransaction", Fn: testBatchAtomic},
		{Name: "Galleries", Fn: testGalleries},
		{Name: "Infographics", Fn: testInfographics},
		{Name: "CollectionStatus", Fn: testCollectionStatus},
		{Name: "CollectionEvents", Fn: testCollectionEvents},
		{Name: "ArticleMeta", Fn: testArticleMeta},
		{Name: "Tokens", Fn: testTokens},
		{Name: "ConcurrentWriters", Fn: testConcurrentWriters},
		{Name: "Search", Fn: testSearch},
		{Name: "SearchByDateCursor", Fn: testSearchByDateCursor},
		{Name: "SearchByDatePages", Fn: testSearchByDatePages},
		{Name: "SearchFollowsStatus", Fn: testSearchFollowsStatus},
		{Name: "PhotoReupload", Fn: testPhotoReupload},
		{Name: "TopicsOf", Fn: testTopicsOf},
		{Name: "Sitemaps", Fn: testSitemaps},
		{Name: "Partners", Fn: testPartners},
		{Name: "Rates", Fn: testRates},
		{Name: "Ads", Fn: testAds},
		{Name: "Commercial", Fn: testCommercial},
		{Name: "OldPaths", Fn: testOldPaths},
	}
	tests = append(tests, newsroomTests...)
	tests = append(tests, readertest.Tests...)
	tests = append(tests, editionTests...)
	tests = append(tests, wiretest.Tests...)
	tests = append(tests, clienttest.Tests...)
	tests = append(tests, livetest.Tests...)
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			s := open(t)
			seedSections(t, s)
			tt.Fn(t, s)
		})
	}
}

func seedSections(t *testing.T, s dateline.Store) {
	t.Helper()
	for _, sec := range dateline.DefaultSections {
		sec := sec
		if err := s.SaveSection(ctx, &sec); err != nil {
			t.Fatalf("SaveSection(%s): %v", sec.Slug, err)
		}
	}
}

func testSections(t *testing.T, s dateline.Store) {
	ss, err := s.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 8 {
		t.Fatalf("got %d sections, want 8", len(ss))
	}
	want := []string{"politics", "world", "economy", "defense", "science", "society", "sport", "pressreview"}
	for i, sec := range ss {
		if sec.Slug != want[i] {
			t.Errorf("section %d = %s, want %s", i, sec.Slug, want[i])
		}
		if len(sec.Codes) == 0 {
			t.Errorf("section %s has no codes", sec.Slug)
		}
	}
	// Renaming keeps the id; a code cannot belong to two sections.
	sec := ss[0]
	sec.Name = "Politics"
	if err := s.SaveSection(ctx, &sec); err != nil {
		t.Fatal(err)
	}
	if sec.ID != ss[0].ID {
		t.Errorf("id changed on update: %d -> %d", ss[0].ID, sec.ID)
	}
	other := dateline.Section{Slug: "extra", Name: "Extra", Position: 9, Codes: []string{"SPO"}}
	wantCode(t, s.SaveSection(ctx, &other), dateline.ECONFLICT)
	wantCode(t, s.SaveSection(ctx, &dateline.Section{}), dateline.EINVALID)
}

func testCreateAndRead(t *testing.T, s dateline.Store) {
	a := article("urn:test:1", "politics", base.Add(-time.Hour))
	a.Pages = []string{"<p>One</p>", "<p>Two</p>"}
	a.Byline = "Anna Petrova"
	a.Urgency, a.Breaking = 1, true
	a.Photo = &dateline.Photo{URI: "urn:photo:1", Path: "demo/a.jpg", Width: 960, Height: 640, Widths: []int{480}, Caption: "Caption", Credit: "© Credit"}
	rs := upsert(t, s, base, a)
	if !rs[0].Created || !rs[0].Changed || rs[0].ID == 0 {
		t.Fatalf("result = %+v, want created", rs[0])
	}
	got, err := s.Article(ctx, rs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.URI != a.URI || got.Headline != a.Headline || got.Lead != a.Lead || got.Section != "politics" ||
		got.SectionName == "" || got.Byline != "Anna Petrova" || got.Place != "MOSCOW" || got.Lang != "en" {
		t.Errorf("read back %+v", got)
	}
	if len(got.Pages) != 2 || got.Pages[1] != "<p>Two</p>" {
		t.Errorf("pages = %q", got.Pages)
	}
	if !got.PublishedAt.Equal(base.Add(-time.Hour)) || !got.UpdatedAt.IsZero() {
		t.Errorf("published %v updated %v", got.PublishedAt, got.UpdatedAt)
	}
	if got.PublishedAt.Location() != time.UTC {
		t.Errorf("time not in UTC: %v", got.PublishedAt.Location())
	}
	if got.Urgency != 1 || !got.Breaking || got.Version != 1 || got.Status != dateline.StatusPublished {
		t.Errorf("urgency %d breaking %v version %d status %s", got.Urgency, got.Breaking, got.Version, got.Status)
	}
	if got.Photo == nil || got.Photo.Credit != "© Credit" || got.Photo.Width != 960 || len(got.Photo.Widths) != 1 || got.Photo.Widths[0] != 480 {
		t.Errorf("photo = %+v", got.Photo)
	}
	byURI, err := s.ArticleByURI(ctx, "urn:test:1")
	if err != nil || byURI.ID != got.ID {
		t.Errorf("ArticleByURI = %v, %v", byURI, err)
	}
	_, err = s.Article(ctx, 999999)
	wantCode(t, err, dateline.ENOTFOUND)
	_, err = s.ArticleByURI(ctx, "urn:none")
	wantCode(t, err, dateline.ENOTFOUND)

	bad := article("urn:test:bad", "nosuchsection", base)
	_, err = s.UpsertArticles(ctx, []*dateline.Article{bad}, base)
	wantCode(t, err, dateline.EUNPROCESSABLE)
	_, err = s.UpsertArticles(ctx, []*dateline.Article{{URI: "urn:x", Section: "politics", Status: dateline.StatusPublished}}, base)
	wantCode(t, err, dateline.EINVALID)
}

func testUpdateByVersion(t *testing.T, s dateline.Store) {
	a := article("urn:test:v", "world", base.Add(-2*time.Hour))
	id := upsert(t, s, base, a)[0].ID

	newer := article("urn:test:v", "economy", base.Add(-2*time.Hour))
	newer.Headline = "Updated headline"
	newer.SourceVersion = base.Add(-time.Hour)
	newer.UpdatedAt = base.Add(-time.Hour)
	r := upsert(t, s, base, newer)[0]
	if r.ID != id || r.Created || !r.Changed {
		t.Fatalf("update result = %+v, want same id %d changed", r, id)
	}
	got, _ := s.Article(ctx, id)
	if got.Headline != "Updated headline" || got.Section != "economy" || got.Version != 2 {
		t.Errorf("after update: %q %s v%d", got.Headline, got.Section, got.Version)
	}
	if !got.PublishedAt.Equal(base.Add(-2*time.Hour)) || !got.UpdatedAt.Equal(base.Add(-time.Hour)) {
		t.Errorf("published %v updated %v", got.PublishedAt, got.UpdatedAt)
	}

	for _, v := range []time.Time{base.Add(-time.Hour), base.Add(-3 * time.Hour)} {
		old := article("urn:test:v", "sport", base)
		old.Headline = "Stale"
		old.SourceVersion = v
		r := upsert(t, s, base, old)[0]
		if r.Changed || r.ID != id {
			t.Errorf("version %v: result %+v, want unchanged", v, r)
		}
	}
	got, _ = s.Article(ctx, id)
	if got.Headline != "Updated headline" || got.Version != 2 {
		t.Errorf("stale version changed the article: %q v%d", got.Headline, got.Version)
	}
}

func testWithdraw(t *testing.T, s dateline.Store) {
	a := article("urn:test:w", "world", base.Add(-time.Hour))
	id := upsert(t, s, base, a)[0].ID
	w := article("urn:test:w", "world", base)
	w.Status = dateline.StatusWithdrawn
	w.SourceVersion = base
	upsert(t, s, base, w)
	got, _ := s.Article(ctx, id)
	if got.Status != dateline.StatusWithdrawn || got.WithdrawnAt.IsZero() {
		t.Errorf("status %s withdrawn %v", got.Status, got.WithdrawnAt)
	}
	list, _ := s.Articles(ctx, dateline.ArticleFilter{})
	if len(list) != 0 {
		t.Errorf("withdrawn article still listed: %d", len(list))
	}
	n, _ := s.CountArticles(ctx, dateline.StatusWithdrawn)
	if n != 1 {
		t.Errorf("CountArticles(withdrawn) = %d", n)
	}
}

func testEmbargo(t *testing.T, s dateline.Store) {
	a := article("urn:test:e", "science", time.Time{})
	a.Status = dateline.StatusScheduled
	a.EmbargoUntil = base.Add(30 * time.Minute)
	id := upsert(t, s, base, a)[0].ID
	if list, _ := s.Articles(ctx, dateline.ArticleFilter{}); len(list) != 0 {
		t.Fatalf("embargoed article listed before its time")
	}
	next, err := s.NextEmbargo(ctx)
	if err != nil || !next.Equal(base.Add(30*time.Minute)) {
		t.Errorf("NextEmbargo = %v, %v", next, err)
	}
	ids, err := s.PublishDue(ctx, base.Add(29*time.Minute))
	if err != nil || len(ids) != 0 {
		t.Fatalf("PublishDue early = %v, %v", ids, err)
	}
	// A planned publication beside it, saved from the newsroom without an
	// embargo: PublishDue tells the two apart (the release lag's kinds).
	planned := article("urn:test:planned", "science", time.Time{})
	planned.Status, planned.EmbargoUntil = dateline.StatusScheduled, base.Add(20*time.Minute)
	if err := s.SaveArticle(ctx, planned, 0, nil, base); err != nil {
		t.Fatal(err)
	}
	ids, err = s.PublishDue(ctx, base.Add(31*time.Minute))
	want := []dateline.Release{{ID: planned.ID, Due: base.Add(20 * time.Minute)}, {ID: id, Due: base.Add(30 * time.Minute), Embargoed: true}}
	sort.Slice(ids, func(i, j int) bool { return ids[i].Due.Before(ids[j].Due) })
	if err != nil || !reflect.DeepEqual(ids, want) {
		t.Fatalf("PublishDue = %+v, %v; want %+v", ids, err, want)
	}
	got, _ := s.Article(ctx, id)
	if got.Status != dateline.StatusPublished || !got.PublishedAt.Equal(base.Add(30*time.Minute)) {
		t.Errorf("after release: %s %v", got.Status, got.PublishedAt)
	}
	if ids, _ := s.PublishDue(ctx, base.Add(time.Hour)); len(ids) != 0 {
		t.Errorf("published twice: %v", ids)
	}
	if next, _ := s.NextEmbargo(ctx); !next.IsZero() {
		t.Errorf("NextEmbargo after release = %v", next)
	}
}

func testListsAndCursor(t *testing.T, s dateline.Store) {
	var as []*dateline.Article
	sections := []string{"politics", "world", "sport"}
	for i := range 30 {
		// Two articles share each second, to test the tie-break on id.
		as = append(as, article(fmt.Sprintf("urn:list:%d", i), sections[i%3], base.Add(-time.Duration(i/2)*time.Minute)))
	}
	draft := article("urn:list:draft", "politics", base)
	draft.Status = dateline.StatusDraft
	as = append(as, draft)
	upsert(t, s, base, as...)

	var all []dateline.Article
	f := dateline.ArticleFilter{Limit: 7}
	for {
		page, err := s.Articles(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if len(page) > 7 {
			t.Fatalf("page of %d, limit 7", len(page))
		}
		all = append(all, page...)
		last := page[len(page)-1]
		f.Before = &dateline.Cursor{Time: last.PublishedAt, ID: last.ID}
	}
	if len(all) != 30 {
		t.Fatalf("paged through %d articles, want 30", len(all))
	}
	seen := map[int64]bool{}
	for i, a := range all {
		if seen[a.ID] {
			t.Errorf("article %d listed twice", a.ID)
		}
		seen[a.ID] = true
		if len(a.Pages) != 0 {
			t.Errorf("list loaded pages")
		}
		if i > 0 {
			p := all[i-1]
			if a.PublishedAt.After(p.PublishedAt) || (a.PublishedAt.Equal(p.PublishedAt) && a.ID > p.ID) {
				t.Errorf("not newest first at %d", i)
			}
		}
	}
	sport, _ := s.Articles(ctx, dateline.ArticleFilter{Sections: []string{"sport"}})
	if len(sport) != 10 {
		t.Errorf("sport has %d, want 10", len(sport))
	}
	two, _ := s.Articles(ctx, dateline.ArticleFilter{Sections: []string{"sport", "world"}})
	if len(two) != 20 {
		t.Errorf("sport+world has %d, want 20", len(two))
	}
	n, _ := s.CountArticles(ctx, "")
	if n != 31 {
		t.Errorf("CountArticles = %d, want 31", n)
	}
}

func testTopicsAndPersons(t *testing.T, s dateline.Store) {
	a := article("urn:tag:1", "politics", base.Add(-time.Hour))
	a.Topics = []dateline.Topic{{Name: "Syrian conflict"}, {Name: "Fight against terrorism"}, {Name: "Syrian Conflict"}, {Name: "!!!"}}
	a.Persons = []dateline.Person{{Name: "Sergey Lavrov"}}
	b := article("urn:tag:2", "world", base)
	b.Topics = []dateline.Topic{{Name: "Syrian conflict"}}
	b.Persons = []dateline.Person{{Name: "Сергей Лавров"}}
	upsert(t, s, base, a, b)
	got, _ := s.ArticleByURI(ctx, "urn:tag:1")
	if len(got.Topics) != 2 || got.Topics[0].Slug != "syrian-conflict" || got.Topics[1].Name != "Fight against terrorism" {
		t.Errorf("topics = %+v", got.Topics)
	}
	if len(got.Persons) != 1 || got.Persons[0].Slug != "sergey-lavrov" {
		t.Errorf("persons = %+v", got.Persons)
	}
	topic, err := s.Topic(ctx, "syrian-conflict")
	if err != nil || topic.Name != "Syrian conflict" {
		t.Fatalf("Topic = %+v, %v", topic, err)
	}
	list, _ := s.Articles(ctx, dateline.ArticleFilter{Topic: "syrian-conflict"})
	if len(list) != 2 || list[0].URI != "urn:tag:2" {
		t.Errorf("topic list = %d", len(list))
	}
	p, err := s.Person(ctx, "sergey-lavrov")
	if err != nil || p.Name != "Sergey Lavrov" {
		t.Errorf("Person = %+v, %v", p, err)
	}
	if p, err := s.Person(ctx, "sergey-lavrov"); err == nil {
		list, _ := s.Articles(ctx, dateline.ArticleFilter{Person: p.Slug})
		// "Сергей Лавров" transliterates to the same slug.
		if len(list) != 2 {
			t.Errorf("person list = %d, want 2", len(list))
		}
	}
	_, err = s.Topic(ctx, "nope")
	wantCode(t, err, dateline.ENOTFOUND)
	_, err = s.Person(ctx, "nope")
	wantCode(t, err, dateline.ENOTFOUND)

	// An update replaces the tags.
	a2 := article("urn:tag:1", "politics", base)
	a2.SourceVersion = base
	a2.Topics = []dateline.Topic{{Name: "Arctic"}}
	upsert(t, s, base, a2)
	got, _ = s.ArticleByURI(ctx, "urn:tag:1")
	if len(got.Topics) != 1 || got.Topics[0].Name != "Arctic" || len(got.Persons) != 0 {
		t.Errorf("after update topics %+v persons %+v", got.Topics, got.Persons)
	}
}

func testReadAlso(t *testing.T, s dateline.Store) {
	a := article("urn:ra:1", "politics", base)
	a.ReadAlso = []dateline.ArticleRef{{URI: "urn:ra:2"}, {URI: "urn:ra:missing"}}
	upsert(t, s, base, a)
	// The target arrives after the link.
	b := article("urn:ra:2", "defense", base.Add(-time.Hour))
	b.Headline = "Operation in Syria nearing completion"
	idB := upsert(t, s, base, b)[0].ID
	got, _ := s.ArticleByURI(ctx, "urn:ra:1")
	if len(got.ReadAlso) != 2 {
		t.Fatalf("read also = %+v", got.ReadAlso)
	}
	if r := got.ReadAlso[0]; r.ID != idB || r.Section != "defense" || r.Headline != b.Headline {
		t.Errorf("resolved link = %+v", r)
	}
	if r := got.ReadAlso[1]; r.ID != 0 {
		t.Errorf("unresolved link = %+v", r)
	}
}

func testTopStories(t *testing.T, s dateline.Store) {
	rs := upsert(t, s, base, article("urn:top:1", "politics", base), article("urn:top:2", "world", base), article("urn:top:3", "sport", base))
	refs := func(ids ...int64) []dateline.TopRef {
		var rs []dateline.TopRef
		for _, id := range ids {
			rs = append(rs, dateline.TopRef{ArticleID: id})
		}
		return rs
	}
	if err := s.SetTopStories(ctx, refs(rs[2].ID, rs[0].ID)); err != nil {
		t.Fatal(err)
	}
	top, err := s.TopStories(ctx)
	if err != nil || len(top) != 2 || top[0].Article == nil || top[0].Article.ID != rs[2].ID || top[1].Article.ID != rs[0].ID {
		t.Fatalf("TopStories = %v, %v", top, err)
	}
	wantCode(t, s.SetTopStories(ctx, refs(rs[1].ID, 424242)), dateline.ENOTFOUND)
	if top, _ := s.TopStories(ctx); len(top) != 2 {
		t.Errorf("failed SetTopStories changed the list: %d", len(top))
	}
	wantCode(t, s.SetTopStories(ctx, refs(rs[1].ID, rs[1].ID)), dateline.EINVALID)
}

func testBatchAtomic(t *testing.T, s dateline.Store) {
	good := article("urn:batch:1", "politics", base)
	bad := article("urn:batch:2", "nosuchsection", base)
	if _, err := s.UpsertArticles(ctx, []*dateline.Article{good, bad}, base); err == nil {
		t.Fatal("batch with a bad article succeeded")
	}
	if n, _ := s.CountArticles(ctx, ""); n != 0 {
		t.Errorf("a failed batch stored %d articles", n)
	}
}

func testGalleries(t *testing.T, s dateline.Store) {
	for i, n := range []int{13, 10, 3} {
		g := &dateline.Gallery{URI: fmt.Sprintf("urn:gallery:%d", i), Title: fmt.Sprintf("Gallery %d", i), Section: "politics",
			PublishedAt: base.Add(-time.Duration(i) * time.Hour)}
		for j := range n {
			g.Photos = append(g.Photos, dateline.Photo{Path: fmt.Sprintf("g%d/%d.jpg", i, j), Caption: fmt.Sprintf("Photo %d", j), Width: 960, Height: 640})
		}
		if err := s.SaveGallery(ctx, g, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	gs, err := s.Galleries(ctx, 10)
	if err != nil || len(gs) != 3 {
		t.Fatalf("Galleries = %d, %v", len(gs), err)
	}
	if gs[0].PhotoCount != 13 || gs[1].PhotoCount != 10 || gs[2].PhotoCount != 3 || gs[0].Cover == nil || gs[0].Cover.Caption != "Photo 0" {
		t.Errorf("counts %d %d %d cover %+v", gs[0].PhotoCount, gs[1].PhotoCount, gs[2].PhotoCount, gs[0].Cover)
	}
	g, err := s.Gallery(ctx, gs[1].ID)
	if err != nil || len(g.Photos) != 10 || g.Photos[9].Caption != "Photo 9" || g.Section != "politics" {
		t.Errorf("Gallery = %+v, %v", g, err)
	}
	_, err = s.Gallery(ctx, 12345)
	wantCode(t, err, dateline.ENOTFOUND)
	wantCode(t, s.SaveGallery(ctx, &dateline.Gallery{URI: "urn:g:x", Title: "x", Section: "nope"}, time.Now()), dateline.EUNPROCESSABLE)
}

func testInfographics(t *testing.T, s dateline.Store) {
	g := &dateline.Infographic{URI: "urn:info:1", Title: "Gas pipelines", Text: "Routes.", Section: "economy", PublishedAt: base,
		Images: []dateline.Photo{{Path: "i/1.png", Width: 1200, Height: 900}}}
	if err := s.SaveInfographic(ctx, g, time.Now()); err != nil {
		t.Fatal(err)
	}
	got, err := s.Infographic(ctx, g.ID)
	if err != nil || got.Title != "Gas pipelines" || len(got.Images) != 1 || got.Section != "economy" {
		t.Errorf("Infographic = %+v, %v", got, err)
	}
	list, err := s.Infographics(ctx, 4)
	if err != nil || len(list) != 1 {
		t.Errorf("Infographics = %d, %v", len(list), err)
	}
	_, err = s.Infographic(ctx, 777)
	wantCode(t, err, dateline.ENOTFOUND)
}

func testTokens(t *testing.T, s dateline.Store) {
	tok := &dateline.Token{Name: "editorial", Scope: "write", Hash: bytes.Repeat([]byte{7}, 32)}
	if err := s.CreateToken(ctx, tok, time.Now()); err != nil {
		t.Fatal(err)
	}
	got, err := s.TokenByHash(ctx, tok.Hash)
	if err != nil || got.Name != "editorial" || got.Scope != "write" {
		t.Errorf("TokenByHash = %+v, %v", got, err)
	}
	_, err = s.TokenByHash(ctx, bytes.Repeat([]byte{8}, 32))
	wantCode(t, err, dateline.EUNAUTHORIZED)
	wantCode(t, s.CreateToken(ctx, &dateline.Token{Name: "x", Scope: "admin", Hash: []byte{1}}, time.Now()), dateline.EINVALID)
}

// testConcurrentWriters has several writers store overlapping stories with
// the same tags in opposite orders at once, as nodes of a cluster do: none
// may fail, and every story is stored once.
func testConcurrentWriters(t *testing.T, s dateline.Store) {
	const writers, each = 6, 8
	errs := make(chan error, writers)
	for w := range writers {
		go func() {
			var err error
			for i := range each {
				a := article(fmt.Sprintf("urn:conc:%d", (w+i)%each), "world", base)
				a.SourceVersion = base.Add(time.Duration(w*each+i) * time.Second)
				a.Topics = []dateline.Topic{{Name: "Russia"}, {Name: "Ukraine"}, {Name: fmt.Sprintf("Topic %d", i)}}
				a.Persons = []dateline.Person{{Name: "Anna"}, {Name: "Boris"}}
				if w%2 == 1 {
					a.Topics[0], a.Topics[1] = a.Topics[1], a.Topics[0]
					a.Persons[0], a.Persons[1] = a.Persons[1], a.Persons[0]
				}
				b := article(fmt.Sprintf("urn:conc:b:%d:%d", w, i), "sport", base)
				b.Topics = []dateline.Topic{{Name: "Ukraine"}, {Name: "Russia"}}
				if _, err = s.UpsertArticles(ctx, []*dateline.Article{a, b}, base); err != nil {
					break
				}
			}
			errs <- err
		}()
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Errorf("concurrent writer: %v", err)
		}
	}
	if n, _ := s.CountArticles(ctx, ""); n != each+writers*each {
		t.Errorf("%d articles, want %d", n, each+writers*each)
	}
	got, err := s.ArticleByURI(ctx, "urn:conc:0")
	if err != nil || len(got.Topics) != 3 {
		t.Errorf("article after concurrent writes: %+v %v", got, err)
	}
}

func story(uri, section, headline, body string, published time.Time) *dateline.Article {
	a := article(uri, section, published)
	a.Headline, a.Pages = headline, []string{"<p>" + body + "</p>"}
	a.Lead = ""
	return a
}

func testSearch(t *testing.T, s dateline.Store) {
	a := story("urn:s:1", "politics", "Lavrov calls for stopping terrorists", "The bank was not central to the talks.", base.Add(-2*time.Hour))
	a.Topics = []dateline.Topic{{Name: "Syrian conflict"}}
	a.Persons = []dateline.Person{{Name: "Sergey Lavrov"}}
	b := story("urn:s:2", "world", "Markets calm", "A terrorist attack was foiled; the bank is central to the plan.", base.Add(-30*24*time.Hour))
	c := story("urn:s:3", "economy", "Central bank cuts rate", "Football fans cheered.", base.Add(-time.Hour))
	d := story("urn:s:4", "politics", "Лавров призвал остановить террористов", "Москва. Заявление министра.", base.Add(-3*time.Hour))
	d.Lang = "ru"
	e := story("urn:s:5", "society", "Café opens in Zürich", "Ёлка и самолёт.", base.Add(-4*time.Hour))
	upsert(t, s, base, a, b, c, d, e)

	has := func(got []string, want ...string) bool {
		for _, w := range want {
			found := false
			for _, g := range got {
				found = found || g == w
			}
			if !found {
				return false
			}
		}
		return true
	}
	cases := []struct {
		q      string
		mod    func(*dateline.SearchFilter)
		want   []string
		absent []string
		first  string
	}{
		{q: "terrorist", want: []string{"urn:s:1", "urn:s:2"}, first: "urn:s:1"},
		{q: "terrorists", want: []string{"urn:s:1", "urn:s:2"}, absent: []string{"urn:s:3"}},
		{q: `"central bank"`, want: []string{"urn:s:3"}, absent: []string{"urn:s:1", "urn:s:2"}},
		{q: "central bank", want: []string{"urn:s:1", "urn:s:2", "urn:s:3"}, first: "urn:s:3"},
		{q: "bank -football", want: []string{"urn:s:1", "urn:s:2"}, absent: []string{"urn:s:3"}},
		{q: "террористы", want: []string{"urn:s:4"}},
		{q: "Лаврова", want: []string{"urn:s:4"}},
		{q: "москве", want: []string{"urn:s:4"}},
		{q: "елка самолет", want: []string{"urn:s:5"}},
		{q: "cafe zurich", want: []string{"urn:s:5"}},
		{q: "TERRORISTS", want: []string{"urn:s:1"}},
		{q: "terrorist", mod: func(f *dateline.SearchFilter) { f.Sections = []string{"world"} }, want: []string{"urn:s:2"}, absent: []string{"urn:s:1"}},
		{q: "terrorist", mod: func(f *dateline.SearchFilter) { f.Sections = []string{"world", "politics"} }, want: []string{"urn:s:1", "urn:s:2"}},
		{q: "bank", mod: func(f *dateline.SearchFilter) { f.Topic = "syrian-conflict" }, want: []string{"urn:s:1"}, absent: []string{"urn:s:2", "urn:s:3"}},
		{q: "bank", mod: func(f *dateline.SearchFilter) { f.Person = "sergey-lavrov" }, want: []string{"urn:s:1"}, absent: []string{"urn:s:3"}},
		{q: "bank", mod: func(f *dateline.SearchFilter) { f.Topic = "no-such-topic" }},
		{q: "bank", mod: func(f *dateline.SearchFilter) { f.From = base.Add(-10 * 24 * time.Hour) }, want: []string{"urn:s:1", "urn:s:3"}, absent: []string{"urn:s:2"}},
		{q: "bank", mod: func(f *dateline.SearchFilter) { f.To = base.Add(-10 * 24 * time.Hour) }, want: []string{"urn:s:2"}, absent: []string{"urn:s:1"}},
		{q: "bank", mod: func(f *dateline.SearchFilter) { f.ByDate = true }, want: []string{"urn:s:3", "urn:s:1", "urn:s:2"}, first: "urn:s:3"},
		{q: "nonexistentword"},
	}
	for _, c := range cases {
		got := find(t, s, c.q, c.mod)
		if !has(got, c.want...) {
			t.Errorf("%q: got %v, want %v", c.q, got, c.want)
		}
		for _, a := range c.absent {
			if has(got, a) {
				t.Errorf("%q: got %v, must not hold %s", c.q, got, a)
			}
		}
		if c.first != "" && (len(got) == 0 || got[0] != c.first) {
			t.Errorf("%q: first %v, want %s", c.q, got, c.first)
		}
		if c.want == nil && len(got) > 0 {
			t.Errorf("%q: got %v, want nothing", c.q, got)
		}
	}
	// Paging: offset past the hits gives none.
	if got := find(t, s, "bank", func(f *dateline.SearchFilter) { f.Offset = 10 }); len(got) != 0 {
		t.Errorf("offset 10: %v", got)
	}
}

func testSearchFollowsStatus(t *testing.T, s dateline.Store) {
	a := story("urn:st:1", "politics", "Withdrawn story about pipelines", "Text.", base.Add(-time.Hour))
	upsert(t, s, base, a)
	if got := find(t, s, "pipelines", nil); len(got) != 1 {
		t.Fatalf("published story not found: %v", got)
	}
	w := story("urn:st:1", "politics", "Withdrawn story about pipelines", "Text.", base)
	w.Status, w.SourceVersion = dateline.StatusWithdrawn, base
	upsert(t, s, base, w)
	if got := find(t, s, "pipelines", nil); len(got) != 0 {
		t.Errorf("withdrawn story found: %v", got)
	}
	// An update changes what a story is found by.
	b := story("urn:st:2", "world", "Harbour opens", "Text.", base.Add(-time.Hour))
	upsert(t, s, base, b)
	b2 := story("urn:st:2", "world", "Airport opens", "Text.", base.Add(-time.Hour))
	b2.SourceVersion = base
	upsert(t, s, base, b2)
	if got := find(t, s, "harbour", nil); len(got) != 0 {
		t.Errorf("old headline still found: %v", got)
	}
	if got := find(t, s, "airport", nil); len(got) != 1 {
		t.Errorf("new headline not found: %v", got)
	}
	// Embargoed: never found before its time, found at once after.
	e := story("urn:st:3", "science", "Embargoed comet discovery", "Text.", time.Time{})
	e.Status, e.EmbargoUntil = dateline.StatusScheduled, base.Add(time.Hour)
	upsert(t, s, base, e)
	if got := find(t, s, "comet", nil); len(got) != 0 {
		t.Errorf("embargoed story found: %v", got)
	}
	if _, err := s.PublishDue(ctx, base.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := find(t, s, "comet", nil); len(got) != 1 {
		t.Errorf("released story not found: %v", got)
	}
}
