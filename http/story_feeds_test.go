package http_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"dateline"
)

// TestStoryFeeds follows one developing story by feed, on either engine:
// a running story's feed carries the articles attached to it, newest
// first, in its edition too; a story's versions feed carries its
// follow-ups and each correction as an entry of its own; a new version, a
// correction, an attachment and a kill each change the cached feed at
// once; pages name their story's feed in the head and link it.
func TestStoryFeeds(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	schema := jsonFeedSchema(t)
	first := e.publish("urn:test:sf1", "Quake hits the coast", "world", "")
	e.clock.Add(time.Minute)
	second := e.publish("urn:test:sf2", "Rescuers reach the town", "world", "")
	e.clock.Add(time.Minute)
	other := e.publish("urn:test:sf3", "Unrelated match report", "sport", "")
	st := &dateline.Story{Title: "The coast quake", Intro: "<p>What we know.</p>"}
	if err := e.store.SaveStory(ctx, st, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := e.store.SetStoryArticles(ctx, st.ID, []int64{first, second}, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.srv.Changed()
	link := func(id int64) string {
		a, err := e.store.Article(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("https://news.example/%s/%d", a.Section, id)
	}
	checkLinks := func(when, path string, want []string) {
		t.Helper()
		for _, ext := range feedExts {
			f, _ := checkFeed(t, e, path+"."+ext, schema)
			if got := itemLinks(f); !slices.Equal(got, want) {
				t.Errorf("%s: %s.%s items %v, want %v", when, path, ext, got, want)
			}
		}
	}
	storyFeed := "/stories/" + st.Slug + "/feed"
	checkLinks("attached", storyFeed, []string{link(second), link(first)})
	f, _ := checkFeed(t, e, storyFeed+".atom", nil)
	if f.Title != "Dateline: The coast quake" || f.Link != "https://news.example/stories/"+st.Slug {
		t.Errorf("story feed title %q link %q", f.Title, f.Link)
	}

	// The story page names its feed and links it.
	_, doc := e.page("/stories/" + st.Slug)
	if a := doc.First("a[href='" + storyFeed + ".atom']"); a == nil || !strings.Contains(a.Text(), "Follow this story by feed") {
		t.Errorf("the story page has no visible feed link")
	}
	if doc.First("head link[rel=alternate][href='https://news.example"+storyFeed+".json']") == nil {
		t.Errorf("the story page's head does not name its JSON Feed")
	}

	// A new article attached is in it at once.
	e.clock.Add(time.Minute)
	third := e.publish("urn:test:sf4", "Aftershock felt", "world", "")
	if err := e.store.SetStoryArticles(ctx, st.ID, []int64{first, second, third}, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.srv.Changed()
	checkLinks("third attached", storyFeed, []string{link(third), link(second), link(first)})

	// A new version from the wire changes the feed (the page cache drops
	// it on the wire's change alone).
	e.clock.Add(time.Minute)
	etag := e.get(storyFeed + ".atom").Header().Get("ETag")
	e.publish("urn:test:sf4", "Aftershock felt across the region", "world", "")
	e.srv.StoriesChanged()
	if w := e.get(storyFeed+".atom", "If-None-Match", etag); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "across the region") {
		t.Errorf("after a new version the story feed answers %d: %.300s", w.Code, w.Body)
	}

	// Versions: the first story, then a follow-up and a correction.
	versions := fmt.Sprintf("/world/%d/feed", first)
	checkLinks("alone", versions, []string{link(first)})
	_, doc = e.page(fmt.Sprintf("/world/%d", first))
	if a := doc.First("a[href='" + versions + ".atom']"); a == nil {
		t.Errorf("the article page has no visible versions feed link")
	}
	b, err := e.store.Article(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	b.Follows = first
	if err := e.store.SaveArticle(ctx, b, b.Version, nil, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Minute)
	a, _ := e.store.Article(ctx, first)
	a.Corrections, a.UpdatedAt = []dateline.Correction{{At: e.clock.Now(), Text: "The magnitude was 6.1 <not 7>."}}, e.clock.Now()
	if err := e.store.SaveArticle(ctx, a, a.Version, nil, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.srv.Changed()
	at := e.clock.Now().Unix()
	// Newest first: the corrected story and its correction (at one
	// time), then the follow-up.
	want := []string{link(first), link(first), link(second)}
	checkLinks("corrected", versions, want)
	// Every story of the chain has the same feed.
	checkLinks("corrected", fmt.Sprintf("/world/%d/feed", second), want)
	for _, ext := range feedExts {
		f, _ := checkFeed(t, e, versions+"."+ext, nil)
		var ids []string
		corr := -1
		for i, it := range f.Items {
			ids = append(ids, it.GUID)
			if it.GUID == fmt.Sprintf("%s#correction-%d", link(first), at) {
				corr = i
			}
		}
		if len(f.Items) != 3 || corr < 0 || f.Items[corr].Title != "Correction: Quake hits the coast" {
			t.Errorf("%s.%s: ids %v, want a correction's", versions, ext, ids)
			continue
		}
		if c := f.Items[corr].Content; !strings.Contains(c, "The magnitude was 6.1 &lt;not 7&gt;.") {
			t.Errorf("%s.%s: the correction's content %q", versions, ext, c)
		}
	}

	// A kill ends the story's versions feed (410) and takes it out of the
	// running story's feed; a story never public has no feed.
	e.clock.Add(time.Minute)
	k, _ := e.store.Article(ctx, third)
	k.Status, k.WithdrawNote, k.WithdrawnAt = dateline.StatusWithdrawn, "Wrong.", e.clock.Now()
	if err := e.store.SaveArticle(ctx, k, k.Version, nil, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.srv.Changed()
	checkLinks("killed", storyFeed, []string{link(second), link(first)})
	if w := e.get(fmt.Sprintf("/world/%d/feed.atom", third)); w.Code != http.StatusGone {
		t.Errorf("a killed story's versions feed: %d, want 410", w.Code)
	}
	if w := e.get(fmt.Sprintf("/world/%d/feed.atom", other)); w.Code != http.StatusNotFound {
		t.Errorf("a story's versions feed under another section: %d, want 404", w.Code)
	}
	checkLinks("other", fmt.Sprintf("/sport/%d/feed", other), []string{link(other)})
}

// TestStoryFeedsBadInput: malformed and unknown addresses are 404 in words.
func TestStoryFeedsBadInput(t *testing.T) {
	e := newEnv(t, false)
	id := e.publish("urn:test:sfbad", "A story", "world", "")
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/stories/no-such-story/feed.atom", 404},
		{"GET", "/stories/BAD%20SLUG/feed.json", 404},
		{"GET", "/stories/" + strings.Repeat("x", 300) + "/feed.rss", 404},
		{"GET", "/stories/x/feed.xml", 404},
		{"GET", "/world/999999/feed.atom", 404},
		{"GET", "/world/0/feed.atom", 404},
		{"GET", "/world/-1/feed.atom", 404},
		{"GET", "/world/0012/feed.atom", 404},
		{"GET", "/world/99999999999999999999/feed.atom", 404},
		{"GET", "/nosuch/1/feed.atom", 404},
		{"GET", fmt.Sprintf("/world/%d/feed.xml", id), 404},
		{"GET", fmt.Sprintf("/world/%d/feed.", id), 404},
		{"GET", fmt.Sprintf("/ru/world/%d/feed.atom", id), 404},
		{"HEAD", fmt.Sprintf("/world/%d/feed.atom", id), 200},
	} {
		w := e.do(tc.method, tc.path, "")
		if w.Code != tc.want {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, w.Code, tc.want)
		}
		if w.Code >= 400 && tc.method == "GET" && !strings.Contains(w.Body.String(), "no") {
			t.Errorf("%s %s: %d without words: %.200s", tc.method, tc.path, w.Code, w.Body)
		}
	}
}
