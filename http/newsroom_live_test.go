package http_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dateline/liveblog"
)

// TestNewsroomLive: an editor starts coverage; two journalists post into
// the story, each post saved on its own; edits go by version, deletions
// keep the history; a reporter changes only their own posts and may not
// end the coverage; bad forms answer with words; the closing post ends it
// and the story's page keeps the posts.
func TestNewsroomLive(t *testing.T) {
	n := newNewsroom(t)
	ed, rita, rob := n.as("editor@example.org"), n.as("reporter@example.org"), n.as("reporter2@example.org")
	id := ed.create(storyForm("Election night", "action", "publish"))
	live := fmt.Sprintf("/newsroom/articles/%d/live", id)

	if r := rita.get(live); r.Code != 200 || !strings.Contains(r.Body, "not covered live") || strings.Contains(r.Body, "Start live coverage") {
		t.Fatalf("reporter's page before coverage: %d %s", r.Code, excerpt(r.Body))
	}
	if r := rita.post(live+"/start", nil); r.Code != http.StatusForbidden {
		t.Errorf("a reporter started coverage: %d", r.Code)
	}
	if r := rita.post(live+"/posts", url.Values{"kind": {"text"}, "body": {"Too early"}}); r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "not live") {
		t.Errorf("post before coverage: %d %s", r.Code, excerpt(r.Body))
	}
	if r := ed.post(live+"/start", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("start: %d %s", r.Code, excerpt(r.Body))
	}
	if r := ed.post(live+"/start", nil); r.Code != http.StatusConflict {
		t.Errorf("second start: %d", r.Code)
	}
	// No CSRF token, no post.
	if r := rita.post(live+"/posts", url.Values{"kind": {"text"}, "body": {"x"}, "csrf": {"wrong"}}); r.Code != http.StatusForbidden {
		t.Errorf("post without the CSRF token: %d", r.Code)
	}
	for _, who := range []*browser{ed, rita} {
		r := who.post(live+"/posts", url.Values{"kind": {"text"}, "body": {"Polls close.\n\nCounting begins."}, "key_event": {"1"}})
		if r.Code != http.StatusSeeOther {
			t.Fatalf("post: %d %s", r.Code, excerpt(r.Body))
		}
	}
	for _, bad := range []url.Values{
		{"kind": {"text"}, "body": {"   "}},
		{"kind": {"quote"}, "body": {"Words"}},
		{"kind": {"link"}, "link_url": {"ftp://x"}},
		{"kind": {"photo"}, "photo_id": {"abc"}},
		{"kind": {"video"}, "body": {"x"}},
	} {
		r := rita.post(live+"/posts", bad)
		if r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "Not posted") {
			t.Errorf("bad post %v: %d %s", bad, r.Code, excerpt(r.Body))
		}
		if !strings.Contains(r.Body, `value="`+bad.Get("link_url")+`"`) && bad.Get("link_url") != "" {
			t.Errorf("the refused form lost what was typed: %v", bad)
		}
	}
	if r := rita.post(live+"/posts", url.Values{"kind": {"text"}, "body": {"The end"}, "closing": {"1"}}); r.Code != http.StatusForbidden {
		t.Errorf("a reporter's closing post: %d", r.Code)
	}
	ls := n.store.(liveblog.Store)
	posts, err := ls.Posts(context.Background(), id, false)
	if err != nil || len(posts) != 2 {
		t.Fatalf("posts = %v, %v", posts, err)
	}
	if posts[0].Body != "<p>Polls close.</p><p>Counting begins.</p>" {
		t.Errorf("typed text stored as %q", posts[0].Body)
	}
	edPost, ritaPost := posts[0], posts[1]
	page := rita.get(live)
	if !strings.Contains(page.Body, fmt.Sprintf(`action="/newsroom/live/posts/%d"`, ritaPost.ID)) || strings.Contains(page.Body, fmt.Sprintf(`action="/newsroom/live/posts/%d"`, edPost.ID)) {
		t.Error("a reporter's page offers to edit what is not theirs, or not what is")
	}
	postURL := fmt.Sprintf("/newsroom/live/posts/%d", ritaPost.ID)
	if r := rob.post(postURL, url.Values{"version": {"1"}, "kind": {"text"}, "body": {"Mine now"}}); r.Code != http.StatusForbidden {
		t.Errorf("another reporter edited a post: %d", r.Code)
	}
	if r := rita.post(postURL, url.Values{"version": {"1"}, "kind": {"text"}, "body": {"Polls closed at eight."}, "pinned": {"1"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.Code, excerpt(r.Body))
	}
	if r := ed.post(postURL, url.Values{"version": {"1"}, "kind": {"text"}, "body": {"Stale"}}); r.Code != http.StatusConflict || !strings.Contains(r.Body, "Someone saved post") {
		t.Errorf("edit from an old version: %d %s", r.Code, excerpt(r.Body))
	}
	if r := ed.post(postURL, url.Values{"kind": {"text"}, "body": {"x"}}); r.Code != http.StatusBadRequest {
		t.Errorf("edit without a version: %d", r.Code)
	}
	if r := ed.post(fmt.Sprintf("/newsroom/live/posts/%d/delete", edPost.ID), url.Values{"version": {"1"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("delete: %d %s", r.Code, excerpt(r.Body))
	}
	if r := ed.get("/newsroom/live/posts/999999/history"); r.Code != http.StatusNotFound {
		t.Errorf("history of no post: %d", r.Code)
	}
	h := ed.get(fmt.Sprintf("/newsroom/live/posts/%d/history", edPost.ID))
	if h.Code != 200 || !strings.Contains(h.Body, "create") || !strings.Contains(h.Body, "delete") {
		t.Errorf("history: %d %s", h.Code, excerpt(h.Body))
	}

	site := n.get(fmt.Sprintf("/politics/%d", id))
	if site.Code != 200 || !strings.Contains(site.Body.String(), "Polls closed at eight.") || strings.Contains(site.Body.String(), "Counting begins") {
		t.Errorf("the story's page after an edit and a delete: %d", site.Code)
	}
	if r := ed.post(live+"/posts", url.Values{"kind": {"text"}, "body": {"That is all."}, "closing": {"1"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("closing post: %d %s", r.Code, excerpt(r.Body))
	}
	site = n.get(fmt.Sprintf("/politics/%d", id))
	if !strings.Contains(site.Body.String(), "That is all.") || strings.Contains(site.Body.String(), "mark-live") {
		t.Errorf("the story's page after the closing post still live or without it")
	}
	if r := ed.get(live); !strings.Contains(r.Body, "Start live coverage again") {
		t.Error("an ended story's page offers no new start")
	}
}
