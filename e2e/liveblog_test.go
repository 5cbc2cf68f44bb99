package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestLiveBlog: an editor starts live coverage of a story; the editor and
// a reporter, each in their own browser, post into it while readers watch
// the story at phone and desktop widths. Each reader's page announces the
// posts behind an "N new posts" button without moving, and the button
// puts them in place without a reload. axe-core finds nothing on the
// reader's page nor on the newsroom's live page.
func TestLiveBlog(t *testing.T) {
	axe := axeSource(t)
	ed := browser(t, 1280, 900, true)
	signIn(t, ed, baseURL, "editor@example.org", demoPassword)
	live := baseURL + "/newsroom/articles/2/live"
	must(t, ed, chromedp.Navigate(live), chromedp.WaitReady(`#nr-posts`))
	clickAndLoad(t, ed, `form[action$="/live/start"] button`)
	var story string
	must(t, ed, chromedp.Evaluate(`(Array.from(document.querySelectorAll('main a')).find(a => a.textContent === 'view on the site') || {}).href || ""`, &story))
	if story == "" {
		t.Fatalf("no link to the story on the live page: %s", text(t, ed, "main"))
	}
	rep := browser(t, 1280, 900, true)
	signIn(t, rep, baseURL, "reporter@example.org", demoPassword)
	must(t, rep, chromedp.Navigate(live), chromedp.WaitReady(`#post-form`))

	// Readers open the story before anyone posts.
	readers := map[string]context.Context{}
	for _, vp := range viewports {
		ctx := browser(t, vp.w, vp.h, true)
		must(t, ctx, chromedp.Navigate(story), chromedp.WaitReady(`#posts[data-live]`))
		must(t, ctx, chromedp.Evaluate(`window.__same = 1; window.scrollTo(0, 300)`, nil))
		readers[vp.name] = ctx
	}
	time.Sleep(800 * time.Millisecond) // the streams connect

	stamp := time.Now().Format("150405")
	post := func(ctx context.Context, body string, key bool) {
		t.Helper()
		must(t, ctx, chromedp.Navigate(live), chromedp.WaitReady(`#body-new`),
			chromedp.SendKeys(`#body-new`, body, chromedp.ByQuery))
		if key {
			must(t, ctx, chromedp.Click(`#key-new`, chromedp.ByQuery))
		}
		clickAndLoad(t, ctx, `#post-form button[type=submit]`)
	}
	post(ed, "Polls close "+stamp, true)
	post(rep, "Turnout is high "+stamp, false)

	for name, ctx := range readers {
		var label string
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			must(t, ctx, chromedp.Evaluate(`(b => b && !b.hidden ? b.textContent : "")(document.querySelector('#posts .live-show'))`, &label))
			if strings.HasPrefix(label, "2 ") {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if !strings.HasPrefix(label, "2 new posts") {
			t.Fatalf("%s: the button says %q, want 2 new posts", name, label)
		}
		var y float64
		must(t, ctx, chromedp.Evaluate(`window.scrollY`, &y))
		if y != 300 {
			t.Errorf("%s: the page moved to %v before the reader asked", name, y)
		}
		shot(t, ctx, "", "liveblog-"+name+"-button")
		must(t, ctx, chromedp.Evaluate(`document.querySelector('#posts .live-show').click()`, nil))
		var got string
		must(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('#live-posts li.live-post')).map(li => li.textContent).join("|")`, &got))
		i, j := strings.Index(got, "Turnout is high "+stamp), strings.Index(got, "Polls close "+stamp)
		if i < 0 || j < 0 || i > j {
			t.Errorf("%s: after the button the posts are %q, want both, newest first", name, got)
		}
		var same bool
		must(t, ctx, chromedp.Evaluate(`window.__same === 1`, &same))
		if !same {
			t.Errorf("%s: the page reloaded", name)
		}
		shot(t, ctx, "#posts", "liveblog-"+name+"-shown")
	}

	// The editor's list shows the reporter's post without a reload, the
	// form keeping what is typed.
	must(t, ed, chromedp.Navigate(live), chromedp.WaitReady(`#body-new`), chromedp.SendKeys(`#body-new`, "half-typed", chromedp.ByQuery))
	post(rep, "Second count "+stamp, false)
	var list, typed string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(list, "Second count "+stamp) {
		time.Sleep(200 * time.Millisecond)
		must(t, ed, chromedp.Evaluate(`document.querySelector('#nr-posts').textContent`, &list))
	}
	must(t, ed, chromedp.Evaluate(`document.querySelector('#body-new').value`, &typed))
	if !strings.Contains(list, "Second count "+stamp) || typed != "half-typed" {
		t.Errorf("the editor's list did not refresh (%v) or lost the typing (%q)", strings.Contains(list, "Second count"), typed)
	}
	shot(t, ed, "", "liveblog-newsroom")

	for _, vp := range viewports {
		ctx := browser(t, vp.w, vp.h, true)
		for _, v := range runAxe(t, ctx, story, axe) {
			t.Errorf("%s at %s: %s (%s) %v", story, vp.name, v.ID, v.Help, v.Nodes)
		}
		signIn(t, ctx, baseURL, "editor@example.org", demoPassword)
		for _, v := range runAxe(t, ctx, live, axe) {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
			}
			t.Errorf("%s at %s: %s (%s)\n  %s", live, vp.name, v.ID, v.Help, strings.Join(where, "\n  "))
		}
	}
}
