// Package wiretest is the storage suite of the wire lifecycle (the
// README's "The lifecycle of a story"), run by storetest.Run on every
// engine.
package wiretest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/storetest/kit"
)

// Tests check the README's "The lifecycle of a story" as the
// engines store it: dateline.ReceiveWire's verdicts, embargoes to the
// millisecond, kills, withheld stories, sources, corrections and the
// story's history of wire versions.
var Tests = []kit.Test{
	{Name: "EmbargoToTheMillisecond", Fn: testEmbargoMillis},
	{Name: "ReleasedOnce", Fn: testReleasedOnce},
	{Name: "EmbargoAcrossVersions", Fn: testEmbargoAcrossVersions},
	{Name: "EmbargoOfPublicStory", Fn: testEmbargoOfPublicStory},
	{Name: "VersionOrder", Fn: testVersionOrder},
	{Name: "KillBeforePublication", Fn: testKillBeforePublication},
	{Name: "KillAfterPublication", Fn: testKillAfterPublication},
	{Name: "Withheld", Fn: testWithheld},
	{Name: "CorrectionsKept", Fn: testCorrectionsKept},
	{Name: "Sources", Fn: testSources},
	{Name: "WireRevisions", Fn: testWireRevisions},
	{Name: "TagPublished", Fn: testTagPublished},
	{Name: "DeskVisibleTo", Fn: testDeskVisibleTo},
	{Name: "Restore", Fn: testRestore},
	{Name: "TokenSource", Fn: testTokenSource},
	{Name: "RandomLifecycle", Fn: testRandomLifecycle},
}

// killed makes a a kill (pubstatus canceled) with the sender's reason.
func killed(a *dateline.Article, note string) *dateline.Article {
	a.Status, a.WithdrawNote = dateline.StatusWithdrawn, note
	return a
}

// listedIDs are the ids of the published list.
func listedIDs(t *testing.T, s dateline.Store) []int64 {
	t.Helper()
	all, err := s.Articles(kit.Ctx, dateline.ArticleFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return kit.IDs(all)
}

func tagPublished(t *testing.T, s dateline.Store, kind, slug string) bool {
	t.Helper()
	ok, err := s.TagPublished(kit.Ctx, kind, slug)
	if err != nil {
		t.Fatalf("TagPublished(%s, %s): %v", kind, slug, err)
	}
	return ok
}

// eventKinds are the kinds of the events since last, for article id.
func eventKinds(t *testing.T, s dateline.Store, last *int64, id int64) []string {
	t.Helper()
	kinds := []string{}
	for _, e := range kit.NewEvents(t, dateline.Readership(s), last) {
		if e.ArticleID == id {
			kinds = append(kinds, e.Kind)
		}
	}
	return kinds
}

func revisionsOf(t *testing.T, s dateline.Store, id int64) []dateline.Revision {
	t.Helper()
	rs, err := s.Revisions(kit.Ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func testEmbargoMillis(t *testing.T, s dateline.Store) {
	var last int64
	release := kit.Base.Add(time.Hour + 5*time.Second + 500*time.Millisecond)
	e := kit.Embargoed(kit.Wire("urn:lc:ms", "science", "Comet found", kit.Base, "1"), release)
	e.Topics = []dateline.Topic{{Name: "Comet Hale"}}
	id := kit.Upsert(t, s, kit.Base, e)[0].ID
	got := kit.Get(t, s, id)
	if got.Status != dateline.StatusScheduled || !got.EmbargoUntil.Equal(release) || !got.Embargoed || !got.PublishedAt.IsZero() {
		t.Fatalf("stored: %s until %v embargoed %v published %v", got.Status, got.EmbargoUntil, got.Embargoed, got.PublishedAt)
	}
	if next, err := s.NextEmbargo(kit.Ctx); err != nil || !next.Equal(release) {
		t.Errorf("NextEmbargo = %v, %v; want %v", next, err, release)
	}
	if k := eventKinds(t, s, &last, id); !slices.Equal(k, []string{dateline.EventEmbargoed}) {
		t.Errorf("events of the embargoed story = %v", k)
	}
	// A millisecond before its instant: nothing anywhere.
	if ids, err := s.PublishDue(kit.Ctx, release.Add(-time.Millisecond)); err != nil || len(ids) != 0 {
		t.Fatalf("PublishDue a millisecond early = %v, %v", ids, err)
	}
	if l := listedIDs(t, s); len(l) != 0 || len(kit.Find(t, s, "comet", nil)) != 0 || tagPublished(t, s, dateline.TagTopic, "comet-hale") {
		t.Errorf("out early: listed %v", l)
	}
	if k := eventKinds(t, s, &last, id); len(k) != 0 {
		t.Errorf("events a millisecond early = %v", k)
	}
	// At the instant: released once, dated the instant's second.
	if ids, err := s.PublishDue(kit.Ctx, release); err != nil || !slices.Equal(ids, []dateline.Release{{ID: id, Due: release, Embargoed: true}}) {
		t.Fatalf("PublishDue at the instant = %v, %v", ids, err)
	}
	got = kit.Get(t, s, id)
	if got.Status != dateline.StatusPublished || !got.PublishedAt.Equal(release.Truncate(time.Second)) {
		t.Errorf("released: %s published %v", got.Status, got.PublishedAt)
	}
	if l := listedIDs(t, s); !slices.Equal(l, []int64{id}) || len(kit.Find(t, s, "comet", nil)) != 1 || !tagPublished(t, s, dateline.TagTopic, "comet-hale") {
		t.Errorf("not out at the instant: listed %v", l)
	}
	if k := eventKinds(t, s, &last, id); !slices.Equal(k, []string{dateline.EventPublished}) {
		t.Errorf("events of the release = %v", k)
	}
	if ids, _ := s.PublishDue(kit.Ctx, release.Add(time.Second)); len(ids) != 0 {
		t.Errorf("released twice: %v", ids)
	}
	if next, _ := s.NextEmbargo(kit.Ctx); !next.IsZero() {
		t.Errorf("NextEmbargo after the release = %v", next)
	}
}

// testReleasedOnce has several nodes release the same stories at once:
// each is released, and announced, exactly once.
func testReleasedOnce(t *testing.T, s dateline.Store) {
	const stories, nodes = 20, 6
	release := kit.Base.Add(time.Hour + 250*time.Millisecond)
	var as []*dateline.Article
	for i := range stories {
		as = append(as, kit.Embargoed(kit.Wire(fmt.Sprintf("urn:lc:once:%d", i), "world", "Story", kit.Base, "1"), release))
	}
	kit.Upsert(t, s, kit.Base, as...)
	var last int64
	kit.NewEvents(t, dateline.Readership(s), &last)
	var mu sync.Mutex
	var wg sync.WaitGroup
	released := map[int64]int{}
	for range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids, err := s.PublishDue(kit.Ctx, release)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("PublishDue: %v", err)
			}
			for _, x := range ids {
				released[x.ID]++
			}
		}()
	}
	wg.Wait()
	if len(released) != stories {
		t.Errorf("%d stories released, want %d", len(released), stories)
	}
	for id, n := range released {
		if n != 1 {
			t.Errorf("story %d released %d times", id, n)
		}
	}
	if es := kit.NewEvents(t, dateline.Readership(s), &last); len(es) != stories {
		t.Errorf("%d events of the release, want %d", len(es), stories)
	}
}

func testEmbargoAcrossVersions(t *testing.T, s dateline.Store) {
	release := kit.Base.Add(time.Hour)
	id := kit.Upsert(t, s, kit.Base, kit.Embargoed(kit.Wire("urn:lc:hold", "politics", "Talks to open", kit.Base, "1"), release))[0].ID
	// An update that leaves the embargo out keeps it in force.
	r := kit.Upsert(t, s, kit.Base.Add(2*time.Minute), kit.Wire("urn:lc:hold", "politics", "Talks to open on Monday", kit.Base.Add(time.Minute), "2"))[0]
	got := kit.Get(t, s, id)
	if !r.Changed || r.Status != dateline.StatusScheduled || got.Status != dateline.StatusScheduled ||
		!got.EmbargoUntil.Equal(release) || got.Headline != "Talks to open on Monday" {
		t.Fatalf("update without embargo: %+v; stored %s until %v %q", r, got.Status, got.EmbargoUntil, got.Headline)
	}
	if l := listedIDs(t, s); len(l) != 0 {
		t.Errorf("the update published the embargoed story: %v", l)
	}
	// Moved later.
	later := release.Add(30 * time.Minute)
	kit.Upsert(t, s, kit.Base.Add(3*time.Minute), kit.Embargoed(kit.Wire("urn:lc:hold", "politics", "Talks to open on Monday", kit.Base.Add(2*time.Minute), "3"), later))
	if got := kit.Get(t, s, id); !got.EmbargoUntil.Equal(later) || got.Status != dateline.StatusScheduled {
		t.Errorf("moved later: %s until %v", got.Status, got.EmbargoUntil)
	}
	if ids, _ := s.PublishDue(kit.Ctx, release.Add(time.Minute)); len(ids) != 0 {
		t.Errorf("released at the old time: %v", ids)
	}
	// Moved earlier.
	earlier := kit.Base.Add(30 * time.Minute)
	kit.Upsert(t, s, kit.Base.Add(4*time.Minute), kit.Embargoed(kit.Wire("urn:lc:hold", "politics", "Talks to open on Monday", kit.Base.Add(3*time.Minute), "4"), earlier))
	if next, _ := s.NextEmbargo(kit.Ctx); !next.Equal(earlier) {
		t.Errorf("NextEmbargo after moving earlier = %v", next)
	}
	if ids, _ := s.PublishDue(kit.Ctx, earlier); !slices.Equal(ids, []dateline.Release{{ID: id, Due: earlier, Embargoed: true}}) {
		t.Errorf("not released at the earlier time: %v", ids)
	}
	// A version whose embargo has passed releases the story at once.
	id2 := kit.Upsert(t, s, kit.Base, kit.Embargoed(kit.Wire("urn:lc:lift", "world", "Report due", kit.Base, "1"), release))[0].ID
	past := kit.Wire("urn:lc:lift", "world", "Report out", kit.Base.Add(time.Minute), "2")
	past.EmbargoUntil = kit.Base.Add(-time.Minute)
	r = kit.Upsert(t, s, kit.Base.Add(2*time.Minute), past)[0]
	if got := kit.Get(t, s, id2); r.Status != dateline.StatusPublished || got.Status != dateline.StatusPublished || got.PublishedAt.IsZero() ||
		!slices.Contains(listedIDs(t, s), id2) {
		t.Errorf("a past embargo: %+v; stored %s published %v", r, got.Status, got.PublishedAt)
	}
}

func testEmbargoOfPublicStory(t *testing.T, s dateline.Store) {
	id := kit.Upsert(t, s, kit.Base, kit.Wire("urn:lc:pub", "politics", "Vote passes", kit.Base.Add(-time.Hour), "1"))[0].ID
	before := kit.Get(t, s, id)
	r := kit.Upsert(t, s, kit.Base, kit.Embargoed(kit.Wire("urn:lc:pub", "politics", "Vote passes again", kit.Base, "2"), kit.Base.Add(time.Hour)))[0]
	if dateline.ErrorCode(r.Refused) != dateline.ECONFLICT || r.Changed || r.ID != id || !strings.Contains(dateline.ErrorMessage(r.Refused), "kill") {
		t.Fatalf("an embargo of a public story: %+v", r)
	}
	got := kit.Get(t, s, id)
	if got.Status != dateline.StatusPublished || got.Headline != "Vote passes" || got.Version != before.Version || !slices.Contains(listedIDs(t, s), id) {
		t.Errorf("the refused version changed the story: %s %q v%d", got.Status, got.Headline, got.Version)
	}
	if rs := revisionsOf(t, s, id); len(rs) != 2 || rs[0].Kind != dateline.RevisionWireRefused || !strings.Contains(rs[0].Note, "Version 2 from reuters") {
		t.Errorf("revisions = %+v", rs)
	}
}

func testVersionOrder(t *testing.T, s dateline.Store) {
	const uri = "urn:lc:order"
	id := kit.Upsert(t, s, kit.Base, kit.Wire(uri, "world", "First", kit.Base, "1"))[0].ID
	// Same second: the version numbers order them.
	for _, c := range []struct {
		v, headline string
		changed     bool
		want        string
	}{
		{"2", "Second", true, "Second"},
		{"3", "Third", true, "Third"},
		{"2", "Second", false, "Third"}, // an old version resent
		{"3", "Third again", false, "Third"},
		{"3.0", "Third again", false, "Third"},
		{"3.1", "Third and a bit", true, "Third and a bit"},
	} {
		r := kit.Upsert(t, s, kit.Base, kit.Wire(uri, "world", c.headline, kit.Base, c.v))[0]
		if got := kit.Get(t, s, id); r.Changed != c.changed || r.Refused != nil || got.Headline != c.want {
			t.Errorf("version %s: changed %v, headline %q; want %v, %q", c.v, r.Changed, got.Headline, c.changed, c.want)
		}
	}
	// A sender whose clock ran ahead does not block its later versions.
	if r := kit.Upsert(t, s, kit.Base, kit.Wire(uri, "world", "Fourth", kit.Base.Add(-time.Hour), "4"))[0]; !r.Changed || kit.Get(t, s, id).WireVersion != "4" {
		t.Errorf("a numbered version with an earlier clock: %+v", r)
	}
	// Without numbers, versioncreated to the millisecond.
	id2 := kit.Upsert(t, s, kit.Base, kit.Wire("urn:lc:ms-order", "world", "A", kit.Base.Add(100*time.Millisecond), ""))[0].ID
	if r := kit.Upsert(t, s, kit.Base, kit.Wire("urn:lc:ms-order", "world", "B", kit.Base.Add(200*time.Millisecond), ""))[0]; !r.Changed {
		t.Errorf("a version 100 ms later was not applied")
	}
	if r := kit.Upsert(t, s, kit.Base, kit.Wire("urn:lc:ms-order", "world", "A", kit.Base.Add(100*time.Millisecond), ""))[0]; r.Changed {
		t.Errorf("an older version resent was applied")
	}
	if got := kit.Get(t, s, id2); got.Headline != "B" || !got.SourceVersion.Equal(kit.Base.Add(200*time.Millisecond)) {
		t.Errorf("stored %q sent %v", got.Headline, got.SourceVersion)
	}
	// A kill is never ignored for its timestamp or version.
	r := kit.Upsert(t, s, kit.Base, killed(kit.Wire(uri, "world", "Kill notice", kit.Base.Add(-2*time.Hour), "1"), "Withdrawn for legal reasons."))[0]
	if got := kit.Get(t, s, id); !r.Changed || got.Status != dateline.StatusWithdrawn || got.Headline != "Fourth" {
		t.Errorf("an old kill: %+v; stored %s %q", r, got.Status, got.Headline)
	}
	if r := kit.Upsert(t, s, kit.Base, killed(kit.Wire(uri, "world", "Kill notice", kit.Base.Add(time.Hour), "9"), "Again."))[0]; r.Changed || r.Refused != nil {
		t.Errorf("a kill sent again: %+v", r)
	}
}

func testKillBeforePublication(t *testing.T, s dateline.Store) {
	var last int64
	e := kit.Embargoed(kit.Wire("urn:lc:kbp", "science", "Secret comet", kit.Base, "1"), kit.Base.Add(time.Hour))
	e.Topics, e.Persons = []dateline.Topic{{Name: "Comet Hale"}}, []dateline.Person{{Name: "Ivan Petrov"}}
	id := kit.Upsert(t, s, kit.Base, e)[0].ID
	r := kit.Upsert(t, s, kit.Base.Add(time.Minute), killed(kit.Wire("urn:lc:kbp", "science", "Kill", kit.Base.Add(time.Minute), "2"), "Sent in error."))[0]
	got := kit.Get(t, s, id)
	if !r.Changed || r.Status != dateline.StatusWithdrawn || got.Status != dateline.StatusWithdrawn || got.WasPublic() ||
		!got.PublishedAt.IsZero() || got.Headline != "Secret comet" || got.WithdrawNote != "Sent in error." {
		t.Fatalf("killed before publication: %+v; stored %s published %v %q %q", r, got.Status, got.PublishedAt, got.Headline, got.WithdrawNote)
	}
	if k := eventKinds(t, s, &last, id); !slices.Equal(k, []string{dateline.EventEmbargoed, dateline.EventEmbargoCanceled}) {
		t.Errorf("events = %v", k)
	}
	if ids, _ := s.PublishDue(kit.Ctx, kit.Base.Add(2*time.Hour)); len(ids) != 0 {
		t.Errorf("a killed story was released: %v", ids)
	}
	if next, _ := s.NextEmbargo(kit.Ctx); !next.IsZero() {
		t.Errorf("NextEmbargo = %v", next)
	}
	if l := listedIDs(t, s); len(l) != 0 || len(kit.Find(t, s, "comet", nil)) != 0 ||
		tagPublished(t, s, dateline.TagTopic, "comet-hale") || tagPublished(t, s, dateline.TagPerson, "ivan-petrov") {
		t.Errorf("a story killed before publication is out: %v", l)
	}
	if tags, err := s.SitemapTags(kit.Ctx, dateline.TagTopic, 0, 100); err != nil || len(tags) != 0 {
		t.Errorf("SitemapTags = %v, %v", tags, err)
	}
	if months, err := s.SitemapMonths(kit.Ctx, time.Time{}); err != nil || len(months) != 0 {
		t.Errorf("SitemapMonths = %v, %v", months, err)
	}
	if n, _ := s.CountArticles(kit.Ctx, dateline.StatusWithdrawn); n != 1 {
		t.Errorf("CountArticles(withdrawn) = %d", n)
	}
}

func testKillAfterPublication(t *testing.T, s dateline.Store) {
	var last int64
	a := kit.Wire("urn:lc:kap", "politics", "Minister resigns", kit.Base.Add(-time.Hour), "1")
	a.Topics = []dateline.Topic{{Name: "Cabinet"}}
	id := kit.Upsert(t, s, kit.Base, a)[0].ID
	if len(kit.Find(t, s, "minister", nil)) != 1 || !tagPublished(t, s, dateline.TagTopic, "cabinet") {
		t.Fatal("the published story is not found")
	}
	k := killed(kit.Wire("urn:lc:kap", "politics", "Kill/Takedown notice", kit.Base.Add(time.Minute), "2"), "The story breached a court order.")
	k.Pages, k.Topics = []string{"<p>Please delete the story.</p>"}, nil
	kit.Upsert(t, s, kit.Base.Add(time.Minute), k)
	got := kit.Get(t, s, id)
	if got.Status != dateline.StatusWithdrawn || got.Headline != "Minister resigns" || !slices.Equal(got.Pages, a.Pages) || len(got.Topics) != 1 ||
		!got.PublishedAt.Equal(kit.Base.Add(-time.Hour)) || !got.WithdrawnAt.Equal(kit.Base.Add(time.Minute)) ||
		got.WithdrawNote != "The story breached a court order." || got.WireVersion != "2" || !got.WasPublic() {
		t.Fatalf("killed after publication: %+v", got)
	}
	if l := listedIDs(t, s); len(l) != 0 || len(kit.Find(t, s, "minister", nil)) != 0 || tagPublished(t, s, dateline.TagTopic, "cabinet") {
		t.Errorf("a killed story is still out: %v", l)
	}
	if months, _ := s.SitemapMonths(kit.Ctx, time.Time{}); len(months) != 0 {
		t.Errorf("SitemapMonths = %v", months)
	}
	es := kit.NewEvents(t, dateline.Readership(s), &last)
	if len(es) != 2 || es[1].Kind != dateline.EventWithdrawn || es[1].Headline != "Minister resigns" {
		t.Errorf("events = %+v", es)
	}
	// A later version does not bring it back: refused, and the desk
	// knows the wire tried.
	tried := kit.Base.Add(2 * time.Minute)
	r := kit.Upsert(t, s, tried, kit.Wire("urn:lc:kap", "politics", "Minister back", kit.Base.Add(2*time.Minute), "3"))[0]
	if dateline.ErrorCode(r.Refused) != dateline.ECONFLICT || r.Changed || r.ID != id || r.Status != dateline.StatusWithdrawn {
		t.Fatalf("a version after the kill: %+v", r)
	}
	got = kit.Get(t, s, id)
	if got.Status != dateline.StatusWithdrawn || got.Headline != "Minister resigns" || !got.WireRefusedAt.Equal(tried) {
		t.Errorf("after the refused version: %s %q wire refused at %v", got.Status, got.Headline, got.WireRefusedAt)
	}
	// The same version sent again is refused again, and recorded once.
	if r := kit.Upsert(t, s, tried.Add(time.Minute), kit.Wire("urn:lc:kap", "politics", "Minister back", kit.Base.Add(2*time.Minute), "3"))[0]; r.Refused == nil {
		t.Errorf("the refused version sent again: %+v", r)
	}
	rs := revisionsOf(t, s, id)
	if len(rs) != 3 || rs[0].Kind != dateline.RevisionWireRefused || !strings.Contains(rs[0].Note, "withdrawn") || rs[0].UserName != "reuters" ||
		!strings.HasPrefix(rs[0].Note, "Version 3 from reuters, sent ") {
		t.Errorf("revisions = %+v", rs)
	}
	desk, err := s.DeskArticles(kit.Ctx, dateline.DeskFilter{Status: dateline.StatusWithdrawn})
	if err != nil || len(desk) != 1 || !desk[0].WireRefusedAt.Equal(tried) {
		t.Errorf("DeskArticles = %+v, %v", desk, err)
	}
	if k := eventKinds(t, s, &last, id); len(k) != 0 {
		t.Errorf("events of the refused version = %v", k)
	}
}

func testWithheld(t *testing.T, s dateline.Store) {
	var last int64
	a := kit.Wire("urn:lc:wh", "economy", "Harbour sold", kit.Base.Add(-time.Hour), "1")
	a.Topics = []dateline.Topic{{Name: "Harbour"}}
	id := kit.Upsert(t, s, kit.Base, a)[0].ID
	w := kit.Wire("urn:lc:wh", "economy", "Harbour sold", kit.Base.Add(time.Minute), "2")
	w.Status, w.Topics = dateline.StatusWithheld, a.Topics
	r := kit.Upsert(t, s, kit.Base.Add(time.Minute), w)[0]
	got := kit.Get(t, s, id)
	if !r.Changed || r.Status != dateline.StatusWithheld || got.Status != dateline.StatusWithheld ||
		!got.PublishedAt.Equal(kit.Base.Add(-time.Hour)) || !got.WithdrawnAt.IsZero() {
		t.Fatalf("withheld: %+v; stored %s published %v", r, got.Status, got.PublishedAt)
	}
	if l := listedIDs(t, s); len(l) != 0 || len(kit.Find(t, s, "harbour", nil)) != 0 || tagPublished(t, s, dateline.TagTopic, "harbour") {
		t.Errorf("a withheld story is still out: %v", l)
	}
	if months, _ := s.SitemapMonths(kit.Ctx, time.Time{}); len(months) != 0 {
		t.Errorf("SitemapMonths = %v", months)
	}
	if months, _ := s.SitemapMonths(kit.Ctx, kit.Base); len(months) != 1 || months[0].Count != 0 {
		t.Errorf("SitemapMonths(changed since) = %v; want its month counted again", months)
	}
	for st, want := range map[dateline.Status]int{dateline.StatusWithheld: 1, dateline.StatusDraft: 0, dateline.StatusPublished: 0} {
		if n, _ := s.CountArticles(kit.Ctx, st); n != want {
			t.Errorf("CountArticles(%s) = %d, want %d", st, n, want)
		}
		if d, _ := s.DeskArticles(kit.Ctx, dateline.DeskFilter{Status: st}); len(d) != want {
			t.Errorf("DeskArticles(%s) = %d, want %d", st, len(d), want)
		}
	}
	if k := eventKinds(t, s, &last, id); !slices.Equal(k, []string{dateline.EventPublished, dateline.EventWithdrawn}) {
		t.Errorf("events = %v", k)
	}
	// Usable again: back everywhere, first publication kept.
	u := kit.Wire("urn:lc:wh", "economy", "Harbour sold to port operator", kit.Base.Add(2*time.Minute), "3")
	u.Topics = a.Topics
	r = kit.Upsert(t, s, kit.Base.Add(2*time.Minute), u)[0]
	got = kit.Get(t, s, id)
	if !r.Changed || got.Status != dateline.StatusPublished || !got.PublishedAt.Equal(kit.Base.Add(-time.Hour)) || got.UpdatedAt.IsZero() {
		t.Fatalf("usable again: %+v; stored %s published %v updated %v", r, got.Status, got.PublishedAt, got.UpdatedAt)
	}
	if l := listedIDs(t, s); !slices.Equal(l, []int64{id}) || len(kit.Find(t, s, "operator", nil)) != 1 || !tagPublished(t, s, dateline.TagTopic, "harbour") {
		t.Errorf("not back: %v", l)
	}
	if k := eventKinds(t, s, &last, id); len(k) != 1 {
		t.Errorf("events of the return = %v", k)
	}
	// Withheld before it was ever public: never public.
	id2 := kit.Upsert(t, s, kit.Base, kit.Embargoed(kit.Wire("urn:lc:wh2", "economy", "Budget", kit.Base, "1"), kit.Base.Add(time.Hour)))[0].ID
	w2 := kit.Wire("urn:lc:wh2", "economy", "Budget", kit.Base.Add(time.Minute), "2")
	w2.Status = dateline.StatusWithheld
	kit.Upsert(t, s, kit.Base.Add(time.Minute), w2)
	if got := kit.Get(t, s, id2); got.Status != dateline.StatusWithheld || got.WasPublic() {
		t.Errorf("withheld under embargo: %s published %v", got.Status, got.PublishedAt)
	}
	if ids, _ := s.PublishDue(kit.Ctx, kit.Base.Add(2*time.Hour)); len(ids) != 0 {
		t.Errorf("a withheld story was released: %v", ids)
	}
}

func testCorrectionsKept(t *testing.T, s dateline.Store) {
	id := kit.Upsert(t, s, kit.Base, kit.Wire("urn:lc:corr", "politics", "Vote on Monday", kit.Base.Add(-time.Hour), "1"))[0].ID
	ed := kit.MkUser(t, s, "ed@example.org", "Ed", dateline.RoleEditor)
	a := kit.Get(t, s, id)
	a.Corrections = append(a.Corrections, dateline.Correction{At: kit.Base, Text: "An earlier version misspelt the minister's name."})
	kit.Save(t, s, a, a.Version, ed.ID, kit.Base)
	v2 := kit.Wire("urn:lc:corr", "politics", "Vote on Tuesday", kit.Base.Add(time.Minute), "2")
	v2.Corrections = []dateline.Correction{{At: kit.Base.Add(time.Minute), Text: "Corrects the day of the vote."}}
	kit.Upsert(t, s, kit.Base.Add(time.Minute), v2)
	want := []dateline.Correction{
		{At: kit.Base, Text: "An earlier version misspelt the minister's name."},
		{At: kit.Base.Add(time.Minute), Text: "Corrects the day of the vote."},
	}
	if got := kit.Get(t, s, id); got.Headline != "Vote on Tuesday" || !sameCorrections(got.Corrections, want) {
		t.Fatalf("after the wire's correction: %q %+v", got.Headline, got.Corrections)
	}
	// A later version without a correction, and a kill, keep them all.
	kit.Upsert(t, s, kit.Base.Add(2*time.Minute), kit.Wire("urn:lc:corr", "politics", "Vote on Tuesday, turnout high", kit.Base.Add(2*time.Minute), "3"))
	if got := kit.Get(t, s, id); !sameCorrections(got.Corrections, want) {
		t.Errorf("after an update: %+v", got.Corrections)
	}
	kit.Upsert(t, s, kit.Base.Add(3*time.Minute), killed(kit.Wire("urn:lc:corr", "politics", "Kill", kit.Base.Add(3*time.Minute), "4"), "Withdrawn."))
	if got := kit.Get(t, s, id); !sameCorrections(got.Corrections, want) {
		t.Errorf("after a kill: %+v", got.Corrections)
	}
}

func sameCorrections(got, want []dateline.Correction) bool {
	return slices.EqualFunc(got, want, func(a, b dateline.Correction) bool { return a.At.Equal(b.At) && a.Text == b.Text })
}

func testSources(t *testing.T, s dateline.Store) {
	id := kit.Upsert(t, s, kit.Base, kit.Wire("urn:lc:src", "world", "Reuters story", kit.Base, "1"))[0].ID
	afp := kit.Wire("urn:lc:src", "world", "AFP's take", kit.Base.Add(time.Minute), "2")
	afp.Source = "afp"
	r := kit.Upsert(t, s, kit.Base, afp)[0]
	if dateline.ErrorCode(r.Refused) != dateline.EFORBIDDEN || r.Changed || kit.Get(t, s, id).Headline != "Reuters story" {
		t.Errorf("another source's version: %+v", r)
	}
	if rs := revisionsOf(t, s, id); len(rs) != 2 || rs[0].Kind != dateline.RevisionWireRefused || rs[0].UserName != "afp" {
		t.Errorf("revisions = %+v", rs)
	}
	// A story written in the newsroom.
	n := kit.Draft("urn:dateline:newsroom:abc", "world", "Our own story")
	n.Status = dateline.StatusPublished
	kit.Save(t, s, n, 0, 0, kit.Base)
	if got := kit.Get(t, s, n.ID); got.Source != "" {
		t.Errorf("a newsroom story's source = %q", got.Source)
	}
	r = kit.Upsert(t, s, kit.Base, kit.Wire("urn:dateline:newsroom:abc", "world", "Overwritten", kit.Base.Add(time.Minute), "1"))[0]
	if dateline.ErrorCode(r.Refused) != dateline.EFORBIDDEN || kit.Get(t, s, n.ID).Headline != "Our own story" {
		t.Errorf("a wire version of a newsroom story: %+v", r)
	}
	// An editor's save keeps the story's source and version.
	a := kit.Get(t, s, id)
	a.Headline = "Reuters story, edited"
	kit.Save(t, s, a, a.Version, 0, kit.Base.Add(time.Minute))
	if got := kit.Get(t, s, id); got.Source != "reuters" || got.WireVersion != "1" || !got.SourceVersion.Equal(kit.Base) {
		t.Errorf("after an edit: source %q version %q sent %v", got.Source, got.WireVersion, got.SourceVersion)
	}
	// The wire's next version applies over the edit, though it was sent
	// before the edit was made.
	if r := kit.Upsert(t, s, kit.Base.Add(time.Minute), kit.Wire("urn:lc:src", "world", "Reuters story, version 2", kit.Base.Add(30*time.Second), "2"))[0]; !r.Changed {
		t.Errorf("the wire's next version after an edit: %+v", r)
	}
	// A batch goes on after a refusal.
	rs := kit.Upsert(t, s, kit.Base.Add(2*time.Minute), afp, kit.Wire("urn:lc:src2", "world", "Another", kit.Base, "1"),
		kit.Wire("urn:lc:src", "world", "Reuters update", kit.Base.Add(2*time.Minute), "2"))
	if dateline.ErrorCode(rs[0].Refused) != dateline.EFORBIDDEN || !rs[1].Created || !rs[2].Changed || rs[2].Refused != nil {
		t.Errorf("batch = %+v", rs)
	}
	if got := kit.Get(t, s, id); got.Headline != "Reuters update" {
		t.Errorf("after the batch: %q", got.Headline)
	}
	// Other errors still stop the whole batch.
	if _, err := s.UpsertArticles(kit.Ctx, []*dateline.Article{afp, kit.Wire("urn:lc:src3", "nosuchsection", "x", kit.Base, "1")}, kit.Base); err == nil {
		t.Error("a batch with an unknown section was stored")
	}
	if _, err := s.ArticleByURI(kit.Ctx, "urn:lc:src3"); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("ArticleByURI = %v", err)
	}
}

func testWireRevisions(t *testing.T, s dateline.Store) {
	sent := kit.Base.Add(500 * time.Millisecond)
	id := kit.Upsert(t, s, kit.Base, kit.Wire("urn:lc:rev", "world", "First words", sent, "1"))[0].ID
	kit.Upsert(t, s, kit.Base.Add(time.Minute), kit.Wire("urn:lc:rev", "world", "Second words", kit.Base.Add(time.Minute), "2"))
	rs := revisionsOf(t, s, id)
	if len(rs) != 2 {
		t.Fatalf("revisions = %+v", rs)
	}
	first := rs[1]
	if first.Kind != dateline.RevisionWire || first.Note != "Version 1 from reuters, sent 2026-10-23 10:43:00.500 UTC" ||
		first.UserName != "reuters" || first.Version != 1 || !first.CreatedAt.Equal(kit.Base) {
		t.Errorf("first revision = %+v", first)
	}
	if rs[0].Version != 2 || rs[0].Note != dateline.VersionNote("reuters", "2", kit.Base.Add(time.Minute)) {
		t.Errorf("second revision = %+v", rs[0])
	}
	full, err := s.Revision(kit.Ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	d, err := dateline.DecodeDraft(full.Data)
	if err != nil || d.Headline != "First words" || d.Section != "world" {
		t.Errorf("first revision's draft = %+v, %v", d, err)
	}
	if got := kit.Get(t, s, id); got.Source != "reuters" || got.WireVersion != "2" {
		t.Errorf("stored source %q version %q", got.Source, got.WireVersion)
	}
	// Local content (demo, gen) has no source and no wire history.
	local := kit.Article("urn:dateline:demo:x", "world", kit.Base)
	lid := kit.Upsert(t, s, kit.Base, local)[0].ID
	if rs := revisionsOf(t, s, lid); len(rs) != 0 {
		t.Errorf("revisions of local content = %+v", rs)
	}
}

func testTagPublished(t *testing.T, s dateline.Store) {
	e := kit.Embargoed(kit.Wire("urn:lc:tag", "science", "Lunar base", kit.Base, "1"), kit.Base.Add(time.Hour))
	e.Topics, e.Persons = []dateline.Topic{{Name: "Lunar base"}}, []dateline.Person{{Name: "Ivan Petrov"}}
	d := kit.Wire("urn:lc:tagd", "science", "Draft", kit.Base, "1")
	d.Status, d.Topics = dateline.StatusDraft, []dateline.Topic{{Name: "Draft topic"}}
	kit.Upsert(t, s, kit.Base, e, d)
	for _, c := range []struct{ kind, slug string }{
		{dateline.TagTopic, "lunar-base"}, {dateline.TagPerson, "ivan-petrov"}, {dateline.TagTopic, "draft-topic"}, {dateline.TagTopic, "no-such-tag"},
	} {
		if tagPublished(t, s, c.kind, c.slug) {
			t.Errorf("TagPublished(%s, %s) before any publication", c.kind, c.slug)
		}
	}
	_, err := s.TagPublished(kit.Ctx, "section", "x")
	kit.WantCode(t, err, dateline.EINVALID)
	for _, kind := range []string{dateline.TagTopic, dateline.TagPerson} {
		if tags, err := s.SitemapTags(kit.Ctx, kind, 0, 100); err != nil || len(tags) != 0 {
			t.Errorf("SitemapTags(%s) before the release = %+v, %v", kind, tags, err)
		}
	}
	if _, err := s.PublishDue(kit.Ctx, kit.Base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !tagPublished(t, s, dateline.TagTopic, "lunar-base") || !tagPublished(t, s, dateline.TagPerson, "ivan-petrov") || tagPublished(t, s, dateline.TagTopic, "draft-topic") {
		t.Error("TagPublished after the release")
	}
	if tags, err := s.SitemapTags(kit.Ctx, dateline.TagTopic, 0, 100); err != nil || len(tags) != 1 || tags[0].Slug != "lunar-base" {
		t.Errorf("SitemapTags after the release = %+v, %v", tags, err)
	}
}

func testDeskVisibleTo(t *testing.T, s dateline.Store) {
	rep := kit.MkUser(t, s, "rep@example.org", "Rita", dateline.RoleReporter)
	other := kit.MkUser(t, s, "other@example.org", "Oleg", dateline.RoleReporter)
	mine := kit.Draft("urn:lc:mine", "world", "My draft")
	mine.AuthorID = rep.ID
	kit.Save(t, s, mine, 0, rep.ID, kit.Base)
	theirs := kit.Draft("urn:lc:theirs", "world", "Their draft")
	theirs.AuthorID = other.ID
	kit.Save(t, s, theirs, 0, other.ID, kit.Base)
	theirsOut := kit.Draft("urn:lc:theirs-out", "world", "Their published story")
	theirsOut.AuthorID, theirsOut.Status = other.ID, dateline.StatusPublished
	kit.Save(t, s, theirsOut, 0, other.ID, kit.Base)
	rs := kit.Upsert(t, s, kit.Base,
		kit.Embargoed(kit.Wire("urn:lc:emb-desk", "world", "Embargoed draft of the wire", kit.Base, "1"), kit.Base.Add(time.Hour)),
		kit.Wire("urn:lc:out-desk", "world", "Published wire story", kit.Base, "1"))
	list, err := s.DeskArticles(kit.Ctx, dateline.DeskFilter{VisibleTo: rep.ID})
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{mine.ID, theirsOut.ID, rs[1].ID}
	if got := kit.IDs(list); !sameIDSet(got, want) {
		t.Errorf("DeskArticles(VisibleTo reporter) = %v, want %v", got, want)
	}
	if list, _ := s.DeskArticles(kit.Ctx, dateline.DeskFilter{VisibleTo: rep.ID, Query: "draft"}); !kit.SameIDs(kit.IDs(list), []int64{mine.ID}) {
		t.Errorf("DeskArticles(VisibleTo, draft) = %v", kit.IDs(list))
	}
	if list, _ := s.DeskArticles(kit.Ctx, dateline.DeskFilter{}); len(list) != 5 {
		t.Errorf("DeskArticles for editors = %d stories, want 5", len(list))
	}
}

// sameIDSet reports whether got and want hold the same ids in any order.
func sameIDSet(got, want []int64) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}

func testRestore(t *testing.T, s dateline.Store) {
	a := kit.Wire("urn:lc:restore", "politics", "Minister resigns", kit.Base.Add(-time.Hour), "1")
	a.Topics = []dateline.Topic{{Name: "Cabinet"}}
	id := kit.Upsert(t, s, kit.Base, a)[0].ID
	kit.Upsert(t, s, kit.Base, killed(kit.Wire("urn:lc:restore", "politics", "Kill", kit.Base, "2"), "Withdrawn."))
	kit.Restore(t, s, id, "", kit.Base.Add(time.Hour))
	got := kit.Get(t, s, id)
	if got.Status != dateline.StatusPublished || !got.PublishedAt.Equal(kit.Base.Add(-time.Hour)) || !got.UpdatedAt.Equal(kit.Base.Add(time.Hour)) ||
		!got.WithdrawnAt.IsZero() || got.Headline != "Minister resigns" || got.Source != "reuters" {
		t.Fatalf("restored: %s published %v updated %v withdrawn %v %q", got.Status, got.PublishedAt, got.UpdatedAt, got.WithdrawnAt, got.Headline)
	}
	if l := listedIDs(t, s); !slices.Equal(l, []int64{id}) || len(kit.Find(t, s, "minister", nil)) != 1 || !tagPublished(t, s, dateline.TagTopic, "cabinet") {
		t.Errorf("the restored story is not back: %v", l)
	}
	if months, _ := s.SitemapMonths(kit.Ctx, time.Time{}); len(months) != 1 || months[0].Count != 1 {
		t.Errorf("SitemapMonths = %v", months)
	}
	// The wire's next version applies again.
	if r := kit.Upsert(t, s, kit.Base.Add(2*time.Hour), kit.Wire("urn:lc:restore", "politics", "Minister resigns, successor named", kit.Base.Add(2*time.Hour), "3"))[0]; !r.Changed || r.Refused != nil {
		t.Errorf("a version after the restore: %+v", r)
	}
}

func testTokenSource(t *testing.T, s dateline.Store) {
	tok := &dateline.Token{Name: "reuters-2026", Scope: "write", Source: "reuters", Hash: bytes.Repeat([]byte{9}, 32)}
	if err := s.CreateToken(kit.Ctx, tok, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, err := s.TokenByHash(kit.Ctx, tok.Hash); err != nil || got.Source != "reuters" {
		t.Errorf("TokenByHash = %+v, %v", got, err)
	}
	if ts, err := s.Tokens(kit.Ctx); err != nil || len(ts) != 1 || ts[0].Source != "reuters" {
		t.Errorf("Tokens = %+v, %v", ts, err)
	}
}
