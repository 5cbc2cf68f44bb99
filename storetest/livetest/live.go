// Package livetest is the storage suite of live coverage (package
// liveblog): posts saved each on its own, their versions and history,
// the closing post, and the events readers' pages and streams hear of.
// storetest.Run runs it on every engine; Fill puts rows in its tables for
// the move and backup tests.
package livetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/liveblog"
	"dateline/storetest/kit"
)

var (
	ctx      = kit.Ctx
	base     = kit.Base
	wantCode = kit.WantCode
)

// Tests are the suite's tests.
var Tests = []kit.Test{
	{Name: "LivePosts", Fn: testPosts},
	{Name: "LiveEvents", Fn: testEvents},
	{Name: "LiveConcurrentPosts", Fn: testConcurrent},
}

// Store is the engine as live coverage's store: every engine is one.
func Store(t testing.TB, s dateline.Store) liveblog.Store {
	t.Helper()
	ls, ok := s.(liveblog.Store)
	if !ok {
		t.Fatalf("%T is not a liveblog.Store", s)
	}
	return ls
}

// story stores a published story to cover live.
func story(t testing.TB, s dateline.Store, uri string) int64 {
	t.Helper()
	return kit.Upsert(t, s, base, kit.Article(uri, "world", base))[0].ID
}

func add(t testing.TB, ls liveblog.Store, p liveblog.Post, now time.Time) liveblog.Post {
	t.Helper()
	if err := ls.AddPost(ctx, &p, now); err != nil {
		t.Fatalf("AddPost(%+v): %v", p, err)
	}
	return p
}

func testPosts(t *testing.T, s dateline.Store) {
	ls := Store(t, s)
	id := story(t, s, "urn:live:1")
	ed := kit.MkUser(t, s, "ed@example.org", "Ed", dateline.RoleEditor)
	rita := kit.MkUser(t, s, "rita@example.org", "Rita", dateline.RoleReporter)
	photo := &dateline.Photo{Path: "lib/live.jpg", Width: 960, Height: 640, Caption: "Crowds"}
	if err := s.SavePhoto(ctx, photo, base); err != nil {
		t.Fatal(err)
	}

	// Not live yet: no posts, no coverage.
	_, err := ls.Coverage(ctx, id)
	wantCode(t, err, dateline.ENOTFOUND)
	err = ls.AddPost(ctx, &liveblog.Post{ArticleID: id, AuthorID: ed.ID, Kind: liveblog.KindText, Body: "Early"}, base)
	wantCode(t, err, dateline.EINVALID)
	wantCode(t, ls.StartCoverage(ctx, 999999, base), dateline.ENOTFOUND)
	if err := ls.StartCoverage(ctx, id, base); err != nil {
		t.Fatal(err)
	}
	wantCode(t, ls.StartCoverage(ctx, id, base), dateline.ECONFLICT)
	c, err := ls.Coverage(ctx, id)
	if err != nil || !c.Live() || !c.Start.Equal(base) {
		t.Fatalf("Coverage = %+v, %v", c, err)
	}
	if now, err := ls.LiveNow(ctx); err != nil || !now[id] || len(now) != 1 {
		t.Fatalf("LiveNow = %v, %v", now, err)
	}

	// Bad posts are refused with words, and nothing is stored.
	for _, p := range []liveblog.Post{
		{Kind: liveblog.KindText, Body: "  "},
		{Kind: liveblog.KindPhoto, Body: "No photo"},
		{Kind: liveblog.KindPhoto, PhotoID: 424242},
		{Kind: liveblog.KindQuote, Body: "Words"},
		{Kind: liveblog.KindLink, LinkURL: "javascript:alert(1)"},
		{Kind: "video", Body: "x"},
	} {
		p.ArticleID, p.AuthorID = id, ed.ID
		err := ls.AddPost(ctx, &p, base)
		if code := dateline.ErrorCode(err); code != dateline.EINVALID && code != dateline.ENOTFOUND {
			t.Errorf("AddPost(%+v) = %v, want EINVALID or ENOTFOUND", p, err)
		}
	}

	at := base.Add(time.Minute)
	p1 := add(t, ls, liveblog.Post{ArticleID: id, AuthorID: ed.ID, Kind: liveblog.KindText, Body: "<p>First <script>x</script>post</p>", KeyEvent: true}, at)
	p2 := add(t, ls, liveblog.Post{ArticleID: id, AuthorID: rita.ID, Kind: liveblog.KindPhoto, PhotoID: photo.ID, Body: "The square"}, at.Add(time.Second))
	add(t, ls, liveblog.Post{ArticleID: id, AuthorID: rita.ID, Kind: liveblog.KindQuote, Body: "We will win", QuoteBy: "The mayor", Pinned: true}, at.Add(2*time.Second))
	p4 := add(t, ls, liveblog.Post{ArticleID: id, AuthorID: ed.ID, Kind: liveblog.KindLink, LinkURL: "https://example.org/x", Body: "More", Pinned: true}, at.Add(3*time.Second))
	if p1.Body != "<p>First post</p>" {
		t.Errorf("body kept as %q, want it sanitised", p1.Body)
	}
	ps, err := ls.Posts(ctx, id, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 4 || ps[0].ID != p1.ID || ps[3].ID != p4.ID {
		t.Fatalf("Posts = %+v", ps)
	}
	if ps[1].Photo == nil || ps[1].Photo.Caption != "Crowds" || ps[0].AuthorName != "Ed" || ps[2].QuoteBy != "The mayor" {
		t.Errorf("posts read without their photo, author or quote: %+v", ps)
	}
	if ps[2].Pinned || !ps[3].Pinned {
		t.Errorf("a second pinned post left the first pinned: %+v", ps)
	}
	if !ps[0].KeyEvent || !ps[0].Created.Equal(at) || ps[0].Version != 1 {
		t.Errorf("first post = %+v", ps[0])
	}

	// Edits are by version: the second of two edits from version 1 is refused.
	e := p2
	e.Body = "The square, full"
	if err := ls.EditPost(ctx, &e, 1, ed.ID, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	e2 := p2
	e2.Body = "Someone else"
	wantCode(t, ls.EditPost(ctx, &e2, 1, rita.ID, at.Add(time.Hour)), dateline.ECONFLICT)
	got, err := ls.Post(ctx, p2.ID)
	if err != nil || got.Version != 2 || got.Body != "<p>The square, full</p>" || got.AuthorID != rita.ID || !got.Created.Equal(p2.Created) {
		t.Fatalf("edited post = %+v, %v", got, err)
	}
	wantCode(t, ls.EditPost(ctx, &liveblog.Post{ID: 999999, Kind: liveblog.KindText, Body: "x"}, 1, ed.ID, at), dateline.ENOTFOUND)

	// A delete takes the post off the page and keeps it in the history.
	wantCode(t, ls.DeletePost(ctx, p1.ID, 7, ed.ID, at.Add(time.Hour)), dateline.ECONFLICT)
	if err := ls.DeletePost(ctx, p1.ID, 1, ed.ID, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	wantCode(t, ls.DeletePost(ctx, p1.ID, 2, ed.ID, at.Add(time.Hour)), dateline.ENOTFOUND)
	ps, _ = ls.Posts(ctx, id, false)
	all, _ := ls.Posts(ctx, id, true)
	if len(ps) != 3 || len(all) != 4 || all[0].Deleted.IsZero() {
		t.Fatalf("after a delete: %d showing, %d kept", len(ps), len(all))
	}
	revs, err := ls.PostRevisions(ctx, p1.ID)
	if err != nil || len(revs) != 2 || revs[0].Action != "create" || revs[1].Action != "delete" || revs[1].UserName != "Ed" {
		t.Fatalf("history = %+v, %v", revs, err)
	}
	revs, _ = ls.PostRevisions(ctx, p2.ID)
	if len(revs) != 2 || revs[1].Post.Body != "<p>The square, full</p>" || revs[0].Post.Body != "<p>The square</p>" {
		t.Errorf("history of an edit = %+v", revs)
	}

	// The closing post ends the coverage; the posts stay.
	end := at.Add(2 * time.Hour)
	add(t, ls, liveblog.Post{ArticleID: id, AuthorID: ed.ID, Kind: liveblog.KindText, Body: "That is all for today.", Closing: true}, end)
	c, _ = ls.Coverage(ctx, id)
	if c.Live() || !c.End.Equal(end) {
		t.Errorf("coverage after the closing post = %+v", c)
	}
	wantCode(t, ls.AddPost(ctx, &liveblog.Post{ArticleID: id, AuthorID: ed.ID, Kind: liveblog.KindText, Body: "Late"}, end), dateline.EINVALID)
	if now, _ := ls.LiveNow(ctx); len(now) != 0 {
		t.Errorf("LiveNow after the end = %v", now)
	}
	if ps, _ := ls.Posts(ctx, id, false); len(ps) != 4 || !ps[3].Closing {
		t.Errorf("posts after the end = %+v", ps)
	}
	// Coverage may start again.
	if err := ls.StartCoverage(ctx, id, end.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if c, _ := ls.Coverage(ctx, id); !c.Live() {
		t.Errorf("coverage started again = %+v", c)
	}
}

// testEvents: every write of a public story's posts logs an event in its
// transaction; a story not public logs none.
func testEvents(t *testing.T, s dateline.Store) {
	ls := Store(t, s)
	id := story(t, s, "urn:live:ev")
	ed := kit.MkUser(t, s, "ed@example.org", "Ed", dateline.RoleEditor)
	d := kit.Draft("urn:live:draft", "world", "Not yet")
	kit.Save(t, s, d, 0, ed.ID, base)
	last, err := s.LastEventID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kinds := func() []string {
		var out []string
		for _, e := range kit.NewEvents(t, s, &last) {
			out = append(out, fmt.Sprintf("%s:%d", e.Kind, e.ArticleID))
		}
		return out
	}
	for _, a := range []int64{id, d.ID} {
		if err := ls.StartCoverage(ctx, a, base); err != nil {
			t.Fatal(err)
		}
	}
	p := add(t, ls, liveblog.Post{ArticleID: id, AuthorID: ed.ID, Kind: liveblog.KindText, Body: "One"}, base)
	add(t, ls, liveblog.Post{ArticleID: d.ID, AuthorID: ed.ID, Kind: liveblog.KindText, Body: "Hidden"}, base)
	p.Body = "One, edited"
	if err := ls.EditPost(ctx, &p, 1, ed.ID, base); err != nil {
		t.Fatal(err)
	}
	if err := ls.DeletePost(ctx, p.ID, 2, ed.ID, base); err != nil {
		t.Fatal(err)
	}
	add(t, ls, liveblog.Post{ArticleID: id, AuthorID: ed.ID, Kind: liveblog.KindText, Body: "End", Closing: true}, base)
	got := fmt.Sprint(kinds())
	want := fmt.Sprint([]string{"updated:" + fmt.Sprint(id), "post:" + fmt.Sprint(id), "post:" + fmt.Sprint(id), "post:" + fmt.Sprint(id),
		"updated:" + fmt.Sprint(id), "post:" + fmt.Sprint(id)})
	if got != want {
		t.Errorf("events = %s, want %s", got, want)
	}
}

// testConcurrent: journalists posting into one story at once never
// conflict, and every post is kept once.
func testConcurrent(t *testing.T, s dateline.Store) {
	ls := Store(t, s)
	id := story(t, s, "urn:live:many")
	if err := ls.StartCoverage(ctx, id, base); err != nil {
		t.Fatal(err)
	}
	var users []int64
	for i := range 4 {
		users = append(users, kit.MkUser(t, s, fmt.Sprintf("j%d@example.org", i), fmt.Sprintf("J%d", i), dateline.RoleReporter).ID)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				p := liveblog.Post{ArticleID: id, AuthorID: u, Kind: liveblog.KindText, Body: fmt.Sprintf("post %d.%d", i, j)}
				if err := ls.AddPost(ctx, &p, base.Add(time.Duration(j)*time.Second)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	ps, err := ls.Posts(ctx, id, false)
	if err != nil || len(ps) != 40 {
		t.Fatalf("%d posts kept, want 40 (%v)", len(ps), err)
	}
	seen := map[string]bool{}
	for _, p := range ps {
		if seen[p.Body] {
			t.Errorf("post %q twice", p.Body)
		}
		seen[p.Body] = true
	}
}

// Fill covers article live, with posts of every table (a deleted one
// with its history), for the move and backup tests.
func Fill(t testing.TB, s dateline.Store, article, user, photo int64) {
	t.Helper()
	ls := Store(t, s)
	if err := ls.StartCoverage(ctx, article, base); err != nil {
		t.Fatal(err)
	}
	add(t, ls, liveblog.Post{ArticleID: article, AuthorID: user, Kind: liveblog.KindPhoto, PhotoID: photo, Body: "Photo", KeyEvent: true, Pinned: true}, base)
	p := add(t, ls, liveblog.Post{ArticleID: article, AuthorID: user, Kind: liveblog.KindQuote, Body: "Said", QuoteBy: "Someone"}, base.Add(time.Second))
	if err := ls.DeletePost(ctx, p.ID, 1, user, base.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	add(t, ls, liveblog.Post{ArticleID: article, AuthorID: user, Kind: liveblog.KindText, Body: "Closed", Closing: true}, base.Add(time.Hour))
}
