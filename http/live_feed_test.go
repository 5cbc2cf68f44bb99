package http_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	dhttp "dateline/http"
	"dateline/liveblog"
	"dateline/media"
)

// secondNode is another node of e's site on the same database, as in a
// cluster, that renders every page it is asked for.
func secondNode(t *testing.T, e *env) *dhttp.Server {
	t.Helper()
	srv, err := dhttp.NewServer(e.store, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), dhttp.Config{
		SiteName: "Dateline", AgencyMark: "DATELINE", BaseURL: "https://news.example",
		City: dhttp.City{Name: "Moscow", Zone: moscow}, Media: media.Dir{Root: filepath.Join(e.dir, "media")}, MaxBodySize: 256 << 10,
		RenderLimit: -1,
	}, e.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// TestLiveStoryFeed follows a live story by its versions feed, on either
// engine: each post is an entry (id the story's address and the post's
// anchor, link the page it is on), newest first beside the story itself,
// with its HTML; an edit moves it up, a delete takes it out, the closing
// post is in; at most 50 posts. A node that had the feed cached serves the
// new post once it hears of the change, as a second node does.
func TestLiveStoryFeed(t *testing.T) {
	l := newLiveEnv(t)
	ctx := context.Background()
	schema := jsonFeedSchema(t)
	other := secondNode(t, l.env)
	otherGet := func(path string) string {
		w := httptest.NewRecorder()
		other.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 200 {
			t.Fatalf("the other node's %s: %d %.300s", path, w.Code, w.Body)
		}
		return w.Body.String()
	}
	story := "https://news.example" + l.url
	path := l.url + "/feed"
	id := func(p liveblog.Post) string { return story + "#" + p.Anchor() }

	text := l.post(liveblog.Post{Body: "<p>Leaders arrive &amp; <b>talks</b> begin.</p><script>alert(1)</script>", KeyEvent: true})
	quote := l.post(liveblog.Post{Kind: liveblog.KindQuote, Body: "<p>We will agree.</p>", QuoteBy: "The host <chair>"})
	link := l.post(liveblog.Post{Kind: liveblog.KindLink, LinkURL: "https://example.org/statement?a=1&b=2"})

	// entries reads the feed in each format, checks it against the JSON
	// Feed schema and gofeed, and returns the atom one's ids per format.
	entries := func(when string, want []string) map[string]*gofeed.Feed {
		t.Helper()
		out := map[string]*gofeed.Feed{}
		for _, ext := range feedExts {
			f, _ := checkFeed(t, l.env, path+"."+ext, schema)
			var ids []string
			for _, it := range f.Items {
				ids = append(ids, it.GUID)
			}
			if !slices.Equal(ids, want) {
				t.Errorf("%s: %s.%s ids\n%v, want\n%v", when, path, ext, ids, want)
			}
			out[ext] = f
		}
		return out
	}
	fs := entries("three posts", []string{id(link), id(quote), id(text), story})
	for ext, f := range fs {
		byID := map[string]*gofeed.Item{}
		for _, it := range f.Items {
			byID[it.GUID] = it
		}
		it := byID[id(text)]
		if it.Title != "Leaders arrive & talks begin." || it.Link != story+"#"+text.Anchor() {
			t.Errorf("%s: the text post's title %q link %q", ext, it.Title, it.Link)
		}
		if c := it.Content; !strings.Contains(c, "<b>talks</b>") || strings.Contains(c, "<script") {
			t.Errorf("%s: the text post's content is not its sanitised HTML: %q", ext, c)
		}
		if it.UpdatedParsed == nil && ext != "rss" || it.PublishedParsed == nil || !it.PublishedParsed.Equal(text.Created) {
			t.Errorf("%s: the text post's times %v %v, want %v", ext, it.PublishedParsed, it.UpdatedParsed, text.Created)
		}
		if it := byID[id(quote)]; it.Title != "“We will agree.” — The host <chair>" || !strings.Contains(it.Content, "<blockquote><p>We will agree.</p><footer>— The host &lt;chair&gt;</footer></blockquote>") {
			t.Errorf("%s: the quote %q %q", ext, it.Title, it.Content)
		}
		if it := byID[id(link)]; it.Title != "https://example.org/statement?a=1&b=2" || !strings.Contains(it.Content, `href="https://example.org/statement?a=1&amp;b=2"`) {
			t.Errorf("%s: the link %q %q", ext, it.Title, it.Content)
		}
	}

	// The other node caches the feed; a new post is not in its copy until
	// it hears of the change (on PostgreSQL: the notification), then is.
	if body := otherGet(path + ".atom"); !strings.Contains(body, id(link)) {
		t.Fatalf("the other node's feed lacks the posts")
	}
	l.clock.Add(time.Second)
	fresh := liveblog.Post{ArticleID: l.id, AuthorID: l.rita, Kind: liveblog.KindText, Body: "<p>A deal is near.</p>"}
	if err := l.live.AddPost(ctx, &fresh, l.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if body := otherGet(path + ".atom"); strings.Contains(body, id(fresh)) {
		t.Fatalf("the other node rendered the feed anew before hearing of the change: it was not cached")
	}
	other.StoriesChanged()
	if body := otherGet(path + ".atom"); !strings.Contains(body, id(fresh)) || !strings.Contains(body, "A deal is near.") {
		t.Errorf("after the change the other node's feed lacks the new post")
	}
	l.srv.StoriesChanged()
	entries("a post added", []string{id(fresh), id(link), id(quote), id(text), story})

	// An edit moves the post up with its new words; a delete takes it out.
	l.clock.Add(time.Second)
	ed := liveblog.Post{ID: text.ID, Kind: liveblog.KindText, Body: "<p>Talks began an hour late.</p>"}
	if err := l.live.EditPost(ctx, &ed, text.Version, l.ed, l.clock.Now()); err != nil {
		t.Fatal(err)
	}
	l.clock.Add(time.Second)
	if err := l.live.DeletePost(ctx, quote.ID, quote.Version, l.ed, l.clock.Now()); err != nil {
		t.Fatal(err)
	}
	l.srv.StoriesChanged()
	other.StoriesChanged()
	fs = entries("edited and deleted", []string{id(text), id(fresh), id(link), story})
	if it := fs["atom"].Items[0]; it.Title != "Talks began an hour late." || it.UpdatedParsed == nil || !it.UpdatedParsed.Equal(ed.Updated) {
		t.Errorf("the edited post: %q updated %v, want %v", it.Title, it.UpdatedParsed, ed.Updated)
	}
	if body := otherGet(path + ".json"); strings.Contains(body, id(quote)) || !strings.Contains(body, "an hour late") {
		t.Errorf("the other node's feed keeps the deleted post or the old words")
	}

	// The closing post is an entry too.
	closing := l.post(liveblog.Post{Body: "<p>The summit is over.</p>", Closing: true})
	entries("closed", []string{id(closing), id(text), id(fresh), id(link), story})

	// A story that never was live has no posts in its feed.
	plain := l.publish("urn:test:notlive", "A quiet day", "world", "")
	count := func(p string) int {
		f, _ := checkFeed(t, l.env, p, schema)
		return len(f.Items)
	}
	if n := count(fmt.Sprintf("/world/%d/feed.atom", plain)); n != 1 {
		t.Errorf("a story never live has %d entries, want 1", n)
	}
}

// TestLiveStoryFeedBounded: a live story with more posts than a feed
// carries shows the 50 newest, newest first, beside the story, each linked to the page of
// posts it is on.
func TestLiveStoryFeedBounded(t *testing.T) {
	l := newLiveEnv(t)
	ctx := context.Background()
	var posts []liveblog.Post
	for i := range 64 {
		l.clock.Add(time.Second)
		p := liveblog.Post{ArticleID: l.id, AuthorID: l.ed, Kind: liveblog.KindText, Body: fmt.Sprintf("<p>Post %d.</p>", i)}
		if err := l.live.AddPost(ctx, &p, l.clock.Now()); err != nil {
			t.Fatal(err)
		}
		posts = append(posts, p)
	}
	l.srv.StoriesChanged()
	for _, ext := range feedExts {
		w := l.get(l.url + "/feed." + ext)
		f, err := gofeed.NewParser().ParseString(w.Body.String())
		if w.Code != 200 || err != nil {
			t.Fatalf("%s: %d %v", ext, w.Code, err)
		}
		if len(f.Items) != 51 || f.Items[50].GUID != "https://news.example"+l.url {
			t.Fatalf("%s: %d entries, want the 50 newest posts and the story last", ext, len(f.Items))
		}
		for i, it := range f.Items[:50] {
			p := posts[len(posts)-1-i]
			page := ""
			if i >= 20 {
				page = fmt.Sprintf("?posts=%d", i/20+1)
			}
			if want := "https://news.example" + l.url + "#" + p.Anchor(); it.GUID != want {
				t.Fatalf("%s: entry %d is %s, want %s", ext, i, it.GUID, want)
			}
			if want := "https://news.example" + l.url + page + "#" + p.Anchor(); it.Link != want {
				t.Errorf("%s: entry %d links %s, want %s", ext, i, it.Link, want)
			}
		}
	}
	// The link's page shows the post.
	_, doc := l.page(l.url + "?posts=3")
	if !slices.Contains(postIDs(doc), posts[len(posts)-45].ID) {
		t.Errorf("page 3 does not show the post the feed links there")
	}
}
