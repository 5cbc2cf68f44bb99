package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"dateline"
	"dateline/internal/htmlcheck"
	"dateline/liveblog"
)

// liveEnv is a site with one published story covered live, and two
// journalists.
type liveEnv struct {
	*env
	live     liveblog.Store
	id       int64
	url      string
	ed, rita int64
}

func newLiveEnv(t *testing.T) *liveEnv { return newLiveEnvTB(t) }

func newLiveEnvTB(t testing.TB) *liveEnv {
	e := newEnv(t, false)
	ctx := context.Background()
	a := &dateline.Article{URI: "urn:live:summit", Section: "world", Lang: "en", Status: dateline.StatusPublished,
		Headline: "Summit in Geneva", Lead: "Leaders meet.", Pages: []string{"<p>The summit opens.</p>"}, Urgency: 3,
		PublishedAt: e.clock.Now().Add(-time.Hour), SourceVersion: e.clock.Now().Add(-time.Hour)}
	res, err := e.store.UpsertArticles(ctx, []*dateline.Article{a}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	l := &liveEnv{env: e, live: e.store.(liveblog.Store), id: res[0].ID, url: fmt.Sprintf("/world/%d", res[0].ID)}
	for i, name := range []string{"Ed", "Rita"} {
		u := &dateline.User{Email: strings.ToLower(name) + "@example.org", Name: name, Role: dateline.RoleEditor}
		if err := e.store.CreateUser(ctx, u, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			l.ed = u.ID
		} else {
			l.rita = u.ID
		}
	}
	if err := l.live.StartCoverage(ctx, l.id, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.srv.StoriesChanged()
	return l
}

// post adds a post as the newsroom does, and tells the node.
func (l *liveEnv) post(p liveblog.Post) liveblog.Post {
	l.t.Helper()
	l.clock.Add(time.Second)
	if p.ArticleID == 0 {
		p.ArticleID = l.id
	}
	if p.AuthorID == 0 {
		p.AuthorID = l.ed
	}
	if p.Kind == "" {
		p.Kind = liveblog.KindText
	}
	if err := l.live.AddPost(context.Background(), &p, l.clock.Now()); err != nil {
		l.t.Fatal(err)
	}
	l.srv.StoriesChanged()
	return p
}

// postIDs are the ids of the posts a page shows, in its order.
func postIDs(d *htmlcheck.Doc) []int64 {
	var out []int64
	for _, n := range d.All("ol.live-posts li.live-post") {
		id, _ := strconv.ParseInt(n.Attr("data-id"), 10, 64)
		out = append(out, id)
	}
	return out
}

var ldScript = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// liveLD is the page's JSON-LD, parsed.
func liveLD(t *testing.T, body string) map[string]any {
	t.Helper()
	m := ldScript.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no JSON-LD on the page")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, m[1])
	}
	return ld
}

func TestLiveStoryPage(t *testing.T) {
	l := newLiveEnv(t)
	var ids []int64
	for i := range 45 {
		p := liveblog.Post{Body: fmt.Sprintf("<p>Update number %d from the hall.</p>", i), KeyEvent: i%10 == 3}
		if i%2 == 1 {
			p.AuthorID = l.rita
		}
		if i == 40 {
			p.Kind, p.QuoteBy = liveblog.KindQuote, "The host"
		}
		if i == 41 {
			p.Kind, p.LinkURL = liveblog.KindLink, "https://example.org/statement"
		}
		ids = append(ids, l.post(p).ID)
	}
	summary := l.post(liveblog.Post{Body: "<p>What we know so far.</p>", Pinned: true})
	ids = append(ids, summary.ID)
	newest := slices.Clone(ids)
	slices.Reverse(newest)

	w, d := l.page(l.url)
	if w.Code != 200 {
		t.Fatalf("GET %s = %d", l.url, w.Code)
	}
	body := w.Body.String()
	if d.First("h1 .mark-live") == nil {
		t.Error("no LIVE mark on a live story")
	}
	if n := d.First(".live-summary"); n == nil || !strings.Contains(n.Text(), "What we know so far.") {
		t.Error("no pinned summary on top")
	}
	keys := d.All(".key-events li a")
	if len(keys) != 5 {
		t.Errorf("%d key events listed, want 5", len(keys))
	}
	for _, k := range keys {
		href := k.Attr("href")
		if !strings.Contains(href, "#post-") {
			t.Errorf("key event link %q has no anchor", href)
		}
	}
	if got := postIDs(d); !slices.Equal(got, newest[:20]) {
		t.Errorf("first page shows %v, want the newest 20 %v", got, newest[:20])
	}
	older := d.First(`.live-pages a[rel="next"]`)
	if older == nil || !strings.Contains(older.Attr("href"), "posts=2") {
		t.Fatal("no link to older posts")
	}
	if !strings.Contains(body, "/static/liveblog.") {
		t.Error("a live story's page loads no live script")
	}
	// Every page without script: together they show every post once.
	var all []int64
	for p := 1; p <= 3; p++ {
		_, d := l.page(fmt.Sprintf("%s?posts=%d", l.url, p))
		all = append(all, postIDs(d)...)
	}
	if !slices.Equal(all, newest) {
		t.Errorf("pages 1-3 show %v, want %v", all, newest)
	}
	for p := 1; p <= 3; p++ {
		_, d := l.page(fmt.Sprintf("%s?order=oldest&posts=%d", l.url, p))
		got := postIDs(d)
		if want := ids[(p-1)*20 : min(len(ids), p*20)]; !slices.Equal(got, want) {
			t.Errorf("oldest first, page %d: %v, want %v", p, got, want)
		}
	}
	// Key events link to the page they are on.
	for _, k := range keys {
		href := k.Attr("href")
		path, frag, _ := strings.Cut(href, "#")
		_, d := l.page(path)
		if d.First("li#"+frag) == nil {
			t.Errorf("key event %s is not on %s", frag, path)
		}
	}
	for _, bad := range []string{"?posts=4", "?posts=0", "?posts=x", "?order=random", "?posts=99999999"} {
		w := l.get(l.url + bad)
		if w.Code != 400 && w.Code != 404 {
			t.Errorf("GET %s%s = %d, want 400 or 404", l.url, bad, w.Code)
		}
		if w.Code >= 500 {
			t.Errorf("GET %s%s = %d", l.url, bad, w.Code)
		}
	}

	// A story never live has no pages of posts.
	other, err := l.store.UpsertArticles(context.Background(), []*dateline.Article{{URI: "urn:live:other", Section: "world", Lang: "en",
		Status: dateline.StatusPublished, Headline: "Not live", Pages: []string{"<p>Text.</p>"}, PublishedAt: l.clock.Now(), SourceVersion: l.clock.Now()}}, l.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	l.srv.StoriesChanged()
	for q, want := range map[string]int{"": 200, "?posts=2": 404, "?order=oldest": 404, "?order=newest&posts=1": 200} {
		if w := l.get(fmt.Sprintf("/world/%d%s", other[0].ID, q)); w.Code != want {
			t.Errorf("a story never live, %q: %d, want %d", q, w.Code, want)
		}
	}

	ld := liveLD(t, body)
	if ld["@type"] != "LiveBlogPosting" || ld["@context"] != "https://schema.org" {
		t.Errorf("JSON-LD type = %v", ld["@type"])
	}
	if _, err := time.Parse(time.RFC3339, fmt.Sprint(ld["coverageStartTime"])); err != nil {
		t.Errorf("coverageStartTime = %v", ld["coverageStartTime"])
	}
	if _, ok := ld["coverageEndTime"]; ok {
		t.Error("coverageEndTime while the coverage goes on")
	}
	ups, _ := ld["liveBlogUpdate"].([]any)
	if len(ups) != 20 {
		t.Fatalf("%d liveBlogUpdate, want 20", len(ups))
	}
	for i, u := range ups {
		m := u.(map[string]any)
		if m["@type"] != "BlogPosting" || m["headline"] == "" || m["articleBody"] == "" {
			t.Errorf("update %d = %v", i, m)
		}
		if _, err := time.Parse(time.RFC3339, fmt.Sprint(m["datePublished"])); err != nil {
			t.Errorf("update %d datePublished = %v", i, m["datePublished"])
		}
		if want := fmt.Sprintf("#post-%d", newest[i]); !strings.HasSuffix(fmt.Sprint(m["url"]), want) {
			t.Errorf("update %d url = %v, want …%s", i, m["url"], want)
		}
	}

	// The read API's item carries the posts, oldest first.
	if got := apiPosts(t, l.env, l.id); !slices.Equal(got, ids) {
		t.Errorf("the API's item carries posts %v, want %v", got, ids)
	}
	if w := l.get(fmt.Sprintf("/api/v1/items/%d", l.id), "Authorization", "Bearer "+l.read); !strings.Contains(w.Body.String(), `"summary"`) ||
		!strings.Contains(w.Body.String(), `"key-event"`) || !strings.Contains(w.Body.String(), "The host") {
		t.Error("the API's posts lose their summary, key event or quote")
	}

	// The live mark in lists and feeds.
	marked := regexp.MustCompile(`mark-live">LIVE</span>(<span[^>]*>[^<]*</span>)*<a[^>]*href="` + regexp.QuoteMeta(l.url) + `"`)
	for _, path := range []string{"/", "/news", "/world"} {
		if !marked.MatchString(l.get(path).Body.String()) {
			t.Errorf("%s: no LIVE mark beside the live story", path)
		}
	}
	for _, path := range []string{"/feed.rss", "/world/feed.json"} {
		if body := l.get(path).Body.String(); !strings.Contains(body, "Live: Summit in Geneva") {
			t.Errorf("%s: the live story's title carries no live mark", path)
		}
	}

	// The closing post: an ordinary archived page, posts kept.
	l.post(liveblog.Post{Body: "<p>The summit is over.</p>", Closing: true})
	w, d = l.page(l.url)
	if d.First("h1 .mark-live") != nil || strings.Contains(w.Body.String(), "/static/liveblog.") {
		t.Error("the LIVE mark or the live script stay after the closing post")
	}
	if got := postIDs(d); len(got) != 20 || !strings.Contains(d.First("ol.live-posts li").Text(), "The summit is over.") {
		t.Errorf("after the end the page shows %v", got)
	}
	if body := l.get("/feed.rss").Body.String(); strings.Contains(body, "Live: Summit") {
		t.Error("the feed keeps the live mark after the end")
	}
	ld = liveLD(t, w.Body.String())
	if _, err := time.Parse(time.RFC3339, fmt.Sprint(ld["coverageEndTime"])); err != nil {
		t.Errorf("coverageEndTime = %v after the end", ld["coverageEndTime"])
	}
}

// TestLiveNeverStale plays journalists posting, editing, deleting and
// marking key events at random, and after each change reads the story's
// pages through the node that took it (whose cache holds the pages) and
// through a second node whose cache is emptied before every request: the
// pages are the same bytes, and show exactly the posts that were not
// deleted, in order; the story's feed carries the 50 most recently changed
// of them, newest first.
func TestLiveNeverStale(t *testing.T) {
	l := newLiveEnv(t)
	fresh := secondNode(t, l.env)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 21))
	ctx := context.Background()
	type model struct {
		id      int64
		version int
		body    string
		changed int // the step of its last change
	}
	var posts []*model // oldest first, deleted ones removed
	authors := []int64{l.ed, l.rita}
	pages := func() []string {
		n := max(1, (len(posts)+19)/20)
		var out []string
		for p := 1; p <= n; p++ {
			out = append(out, fmt.Sprintf("%s?posts=%d", l.url, p), fmt.Sprintf("%s?order=oldest&posts=%d", l.url, p))
		}
		return append(out, l.url, l.url+"/feed.atom", l.url+"/feed.json")
	}
	for step := range 120 {
		l.clock.Add(time.Second)
		switch r := rng.IntN(10); {
		case r < 6 || len(posts) == 0:
			p := liveblog.Post{ArticleID: l.id, AuthorID: authors[rng.IntN(2)], Kind: liveblog.KindText,
				Body: fmt.Sprintf("<p>Step %d.</p>", step), KeyEvent: rng.IntN(4) == 0, Pinned: rng.IntN(8) == 0}
			if err := l.live.AddPost(ctx, &p, l.clock.Now()); err != nil {
				t.Fatal(err)
			}
			posts = append(posts, &model{id: p.ID, version: 1, body: p.Body, changed: step})
		case r < 8:
			m := posts[rng.IntN(len(posts))]
			p := liveblog.Post{ID: m.id, Kind: liveblog.KindText, Body: fmt.Sprintf("<p>Edited at step %d.</p>", step), KeyEvent: rng.IntN(2) == 0}
			if err := l.live.EditPost(ctx, &p, m.version, authors[rng.IntN(2)], l.clock.Now()); err != nil {
				t.Fatal(err)
			}
			m.version, m.body, m.changed = p.Version, p.Body, step
		default:
			i := rng.IntN(len(posts))
			if err := l.live.DeletePost(ctx, posts[i].id, posts[i].version, authors[rng.IntN(2)], l.clock.Now()); err != nil {
				t.Fatal(err)
			}
			posts = slices.Delete(posts, i, i+1)
		}
		l.srv.StoriesChanged()
		for _, path := range pages() {
			w := l.get(path)
			fresh.DropCache()
			w2 := httptest.NewRecorder()
			fresh.ServeHTTP(w2, httptest.NewRequest("GET", path, nil))
			if w.Code != 200 || w.Body.String() != w2.Body.String() {
				t.Fatalf("step %d: %s differs from a fresh render (%d, %d)", step, path, w.Code, w2.Code)
			}
		}
		var shown []int64
		for p := 1; p <= max(1, (len(posts)+19)/20); p++ {
			_, d := l.page(fmt.Sprintf("%s?order=oldest&posts=%d", l.url, p))
			shown = append(shown, postIDs(d)...)
		}
		var want []int64
		for _, m := range posts {
			want = append(want, m.id)
		}
		if !slices.Equal(shown, want) {
			t.Fatalf("step %d: pages show %v, want %v", step, shown, want)
		}
		if got := apiPosts(t, l.env, l.id); !slices.Equal(got, want) {
			t.Fatalf("step %d: the API's item carries %v, want %v", step, got, want)
		}
		byChange := slices.Clone(posts)
		slices.SortFunc(byChange, func(x, y *model) int { return y.changed - x.changed })
		var wantFeed []string
		for _, m := range byChange[:min(50, len(byChange))] {
			wantFeed = append(wantFeed, fmt.Sprintf("https://news.example%s#post-%d", l.url, m.id))
		}
		f, err := gofeed.NewParser().ParseString(l.get(l.url + "/feed.json").Body.String())
		if err != nil {
			t.Fatal(err)
		}
		var inFeed []string
		for _, it := range f.Items {
			if strings.Contains(it.GUID, "#post-") {
				inFeed = append(inFeed, it.GUID)
			}
		}
		if !slices.Equal(inFeed, wantFeed) {
			t.Fatalf("step %d: the feed carries %v, want %v", step, inFeed, wantFeed)
		}
	}
}

// apiPosts are the ids of the posts the read API's item of story id
// carries, in its order.
func apiPosts(t *testing.T, e *env, id int64) []int64 {
	t.Helper()
	w := e.get(fmt.Sprintf("/api/v1/items/%d", id), "Authorization", "Bearer "+e.read)
	if w.Code != 200 {
		t.Fatalf("item %d: %d %s", id, w.Code, w.Body)
	}
	var it struct {
		URI          string
		Associations []struct {
			Name, URI, Type string
			Bodies          []struct{ Value string }
			Genres          []struct{ Name, Literal string }
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &it); err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, a := range it.Associations {
		n, ok := strings.CutPrefix(a.Name, "post-")
		if !ok {
			continue
		}
		pid, _ := strconv.ParseInt(n, 10, 64)
		if a.URI != it.URI+"#post-"+n || a.Type != "text" || len(a.Bodies) != 1 || a.Bodies[0].Value == "" {
			t.Errorf("post association %+v", a)
		}
		out = append(out, pid)
	}
	return out
}
