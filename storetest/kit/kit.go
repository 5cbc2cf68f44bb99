// Package kit holds what the storage suites (storetest and its
// sub-packages) share: a fixed now, and the small steps a test repeats
// (make an article, store it, read it back) that fail the test when the
// store refuses.
package kit

import (
	"context"
	"fmt"
	"testing"
	"time"

	"dateline"
	"dateline/search"
)

// Ctx is the context of every call of the suites.
var Ctx = context.Background()

// Base is a fixed "now" so that every engine sees the same times.
var Base = time.Date(2026, 10, 23, 10, 43, 0, 0, time.UTC)

// Test is one test of a suite, run on a new store with the default
// sections.
type Test struct {
	Name string
	Fn   func(*testing.T, dateline.Store)
}

// Article is a published wire story of the section, with words made from
// its URI.
func Article(uri, section string, published time.Time) *dateline.Article {
	return &dateline.Article{
		URI: uri, Section: section, Lang: "en", Status: dateline.StatusPublished,
		Headline: "Headline " + uri, Lead: "Lead of " + uri, Pages: []string{"<p>Body of " + uri + "</p>"},
		Place: "MOSCOW", Urgency: 5, PublishedAt: published, SourceVersion: published,
	}
}

// Wire is a version of a story as ingest maps it, sent by reuters: usable
// (published), versioncreated created, the sender's version v.
func Wire(uri, section, headline string, created time.Time, v string) *dateline.Article {
	a := Article(uri, section, created)
	a.Headline, a.Source, a.WireVersion = headline, "reuters", v
	return a
}

// Draft is a newsroom article before its first save.
func Draft(uri, section, headline string) *dateline.Article {
	return &dateline.Article{URI: uri, Section: section, Lang: "en", Status: dateline.StatusDraft, Headline: headline,
		Lead: "Lead of " + headline, Pages: []string{"<p>Body of " + headline + "</p>"}, Urgency: 5}
}

// Embargoed makes a a usable version with an embargo still to come.
func Embargoed(a *dateline.Article, until time.Time) *dateline.Article {
	a.Status, a.EmbargoUntil, a.PublishedAt = dateline.StatusScheduled, until, time.Time{}
	return a
}

// Upsert stores wire versions at now and returns the results.
func Upsert(t testing.TB, s dateline.Store, now time.Time, as ...*dateline.Article) []dateline.UpsertResult {
	t.Helper()
	rs, err := s.UpsertArticles(Ctx, as, now)
	if err != nil {
		t.Fatalf("UpsertArticles: %v", err)
	}
	return rs
}

// WantCode fails the test unless err has the code.
func WantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := dateline.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// MkUser creates an account with the role.
func MkUser(t testing.TB, s dateline.Store, email, name string, role dateline.Role) *dateline.User {
	t.Helper()
	u := &dateline.User{Email: email, Name: name, Role: role, PasswordHash: "$argon2id$test", CreatedAt: Base}
	if err := s.CreateUser(Ctx, u, time.Now()); err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

// Save saves a newsroom edit at now from version base and returns the
// revision it stored.
func Save(t testing.TB, s dateline.Store, a *dateline.Article, base int, userID int64, now time.Time) *dateline.Revision {
	t.Helper()
	rev := &dateline.Revision{Kind: dateline.RevisionSave, UserID: userID, Data: []byte(`{"headline":` + fmt.Sprintf("%q", a.Headline) + `}`)}
	if err := s.SaveArticle(Ctx, a, base, rev, now); err != nil {
		t.Fatalf("SaveArticle(%s, base %d): %v", a.URI, base, err)
	}
	return rev
}

// Get reads the article with the id.
func Get(t testing.TB, s dateline.Store, id int64) *dateline.Article {
	t.Helper()
	a, err := s.Article(Ctx, id)
	if err != nil {
		t.Fatalf("Article(%d): %v", id, err)
	}
	return a
}

// Restore is an editor's "Restore" of a withdrawn story in the newsroom:
// published again, with headline when it is not "".
func Restore(t *testing.T, s dateline.Store, id int64, headline string, now time.Time) *dateline.Article {
	t.Helper()
	a := Get(t, s, id)
	a.Status = dateline.StatusPublished
	if headline != "" {
		a.Headline = headline
	}
	if err := s.SaveArticle(Ctx, a, a.Version, &dateline.Revision{Kind: dateline.RevisionRestore}, now); err != nil {
		t.Fatalf("restore %d: %v", id, err)
	}
	return a
}

// IDs are the ids of the articles, in order.
func IDs(as []dateline.Article) []int64 {
	out := []int64{}
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

// SameIDs reports whether got and want hold the same ids in the same order.
func SameIDs(got, want []int64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// Find searches for q at Base (mod, if not nil, changes the filter) and
// returns the URIs found.
func Find(t *testing.T, s dateline.Store, q string, mod func(*dateline.SearchFilter)) []string {
	t.Helper()
	pq, err := search.Parse(q)
	if err != nil {
		t.Fatalf("Parse(%q): %v", q, err)
	}
	f := dateline.SearchFilter{Must: pq.Must, Not: pq.Not, Limit: 50, Now: Base}
	if mod != nil {
		mod(&f)
	}
	res, err := s.Search(Ctx, f)
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	var uris []string
	for _, h := range res.Hits {
		uris = append(uris, h.Article.URI)
	}
	if res.Total < len(uris) {
		t.Errorf("Search(%q): total %d below %d hits", q, res.Total, len(uris))
	}
	return uris
}

// NewEvents returns the events after *last and moves it on.
func NewEvents(t *testing.T, r dateline.Readership, last *int64) []dateline.Event {
	t.Helper()
	es, err := r.Events(Ctx, *last, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.ID <= *last {
			t.Errorf("event %d after %d", e.ID, *last)
		}
		*last = e.ID
	}
	return es
}
