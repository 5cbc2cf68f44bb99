package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTopicIndexes: the header's "Topics" opens the index of topics, which
// links each topic's feed; from there the persons and running stories are
// one step away, at phone and desktop widths (issue 17, point 13).
func TestTopicIndexes(t *testing.T) {
	for _, vp := range viewports {
		ctx := browser(t, vp.w, vp.h, true)
		must(t, ctx, chromedp.Navigate(baseURL+"/"), chromedp.WaitReady("body"))
		follow(t, ctx, `header .tools a[href="/topics/"]`)
		var at, heading string
		var n int
		must(t, ctx, chromedp.Evaluate(`location.pathname`, &at), chromedp.Text("h1", &heading),
			chromedp.Evaluate(`document.querySelectorAll(".index-list a").length`, &n))
		if at != "/topics/" || heading != "Topics" || n == 0 {
			t.Fatalf("%d px: the header's Topics opens %s %q with %d topics", vp.w, at, heading, n)
		}
		screenshot(t, ctx, fmt.Sprintf("after-13-topics-%d", vp.w))
		follow(t, ctx, `.index-kinds a[href="/stories/"]`)
		follow(t, ctx, `.index-list a`)
		must(t, ctx, chromedp.Evaluate(`location.pathname`, &at))
		if !strings.HasPrefix(at, "/stories/") || at == "/stories/" {
			t.Errorf("%d px: the first running story is at %s", vp.w, at)
		}
	}
}
