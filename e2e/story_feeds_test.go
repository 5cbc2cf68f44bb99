package e2e

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestStoryFeedLinks: at phone and desktop widths, a running story's page
// and one of its articles show a visible "Follow ... by feed" link and
// name the feed in their head; following the link gives an Atom feed of
// the story; axe finds nothing on either page.
func TestStoryFeedLinks(t *testing.T) {
	axe := axeSource(t)
	feed := func(href string) string {
		t.Helper()
		res, err := http.Get(baseURL + href)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") || !strings.Contains(string(b), "<entry>") {
			t.Errorf("%s: %d %s %.200s", href, res.StatusCode, res.Header.Get("Content-Type"), b)
		}
		return string(b)
	}
	for _, size := range viewports {
		t.Run(size.name, func(t *testing.T) {
			ctx := browser(t, size.w, size.h, true)
			var article string
			for _, page := range []struct{ path, link, text string }{
				{"/stories/conflict-in-syria", "/stories/conflict-in-syria/feed.atom", "Follow this story by feed"},
				{"", "", "Follow this story's updates by feed"},
			} {
				if page.path == "" {
					page.path, page.link = article, article+"/feed.atom"
				}
				must(t, ctx, chromedp.Navigate(baseURL+page.path), chromedp.WaitReady("main"))
				if page.path != article {
					must(t, ctx, chromedp.AttributeValue(`.feed-item a.teaser-title`, "href", &article, nil))
				}
				var visible bool
				var label, head string
				must(t, ctx, chromedp.Evaluate(fmt.Sprintf(`(() => { const a = document.querySelector('.follow-feed a[href=%q]'); if (!a) return false; const r = a.getBoundingClientRect(); return r.width > 0 && r.height > 0 })()`, page.link), &visible),
					chromedp.Evaluate(fmt.Sprintf(`(document.querySelector('.follow-feed a[href=%q]') || {}).innerText || ""`, page.link), &label),
					chromedp.Evaluate(fmt.Sprintf(`(document.querySelector('head link[rel=alternate][type="application/atom+xml"][href$=%q]') || {}).href || ""`, page.link), &head))
				if !visible || label != page.text || head == "" {
					t.Errorf("%s at %s: link visible %v %q, head %q", page.path, size.name, visible, label, head)
				}
				for _, v := range runAxe(t, ctx, baseURL+page.path, axe) {
					t.Errorf("%s at %s: %s (%s)", page.path, size.name, v.ID, v.Help)
				}
				screenshot(t, ctx, "story-feed-"+size.name+strings.ReplaceAll(page.path, "/", "-"))
				body := feed(page.link)
				if page.path == article && !strings.Contains(body, article) {
					t.Errorf("the versions feed of %s does not link it", article)
				}
			}
		})
	}
}
