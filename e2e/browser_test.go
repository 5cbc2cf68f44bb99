package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestReaderJourney opens the home page, follows a section, opens an
// article, then filters the feed by two sections and presses More news,
// once with JavaScript and once without.
func TestReaderJourney(t *testing.T) {
	for _, js := range []bool{true, false} {
		name := "without JavaScript"
		if js {
			name = "with JavaScript"
		}
		t.Run(name, func(t *testing.T) {
			ctx := browser(t, 1280, 900, js)
			var title, h1 string
			must(t, ctx,
				chromedp.Navigate(baseURL+"/"),
				chromedp.Title(&title),
				chromedp.Click(`nav.sections a[href="/sport"]`, chromedp.NodeVisible),
				chromedp.WaitVisible(`#feed`),
				chromedp.Text(`h1`, &h1),
			)
			if !strings.Contains(title, "Dateline") || h1 != "Sport" {
				t.Fatalf("title %q, section h1 %q", title, h1)
			}
			var headline, articleH1, loc string
			must(t, ctx,
				chromedp.Text(`#feed .feed-item a.teaser-title`, &headline),
				chromedp.Click(`#feed .feed-item a.teaser-title`),
				chromedp.WaitVisible(`article.article h1`),
				chromedp.Text(`article.article h1`, &articleH1),
				chromedp.Location(&loc),
			)
			if !strings.Contains(articleH1, headline) || !strings.Contains(loc, "/sport/") {
				t.Fatalf("opened %q at %s after clicking %q", articleH1, loc, headline)
			}
			screenshot(t, ctx, "article-"+name)

			// The feed filter: two sections, then OK.
			must(t, ctx,
				chromedp.Navigate(baseURL+"/news?all=1"),
				chromedp.Click(`details.filter summary`),
				chromedp.Click(`input[value=politics]`, chromedp.NodeVisible),
				chromedp.Click(`input[value=world]`, chromedp.NodeVisible),
				chromedp.Click(`#filter-news button[type=submit]`),
				chromedp.WaitVisible(`.filtered`),
			)
			var sections []string
			must(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('#feed .feed-item .sec')).map(e => e.textContent.trim())`, &sections))
			if len(sections) == 0 {
				t.Fatal("filtered feed is empty")
			}
			for _, s := range sections {
				if s != "Russian Politics & Diplomacy" && s != "World" {
					t.Fatalf("filtered feed shows %q", s)
				}
			}
			var before, after int
			var beforeLoc, afterLoc string
			must(t, ctx,
				chromedp.Evaluate(`document.querySelectorAll('#feed .feed-item').length`, &before),
				chromedp.Location(&beforeLoc),
			)
			if before != 20 {
				t.Fatalf("%d items before More news, want 20", before)
			}
			if js {
				// The page's script must be running, or the click opens the
				// next page instead of appending it.
				must(t, ctx, chromedp.Poll(`document.readyState === "complete"`, nil, chromedp.WithPollingTimeout(30*time.Second)))
			}
			// The link is at the foot of a long page: it is scrolled to and
			// clicked once it is in view, so the click cannot land where it
			// was before the scroll settled.
			must(t, ctx,
				chromedp.ScrollIntoView(`a[data-more]`),
				chromedp.Poll(`(() => { const r = document.querySelector('a[data-more]').getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; })()`, nil, chromedp.WithPollingTimeout(10*time.Second)),
				chromedp.Click(`a[data-more]`),
			)
			if js {
				// Appended in place: same address, more items.
				must(t, ctx, chromedp.Poll(`document.querySelectorAll('#feed .feed-item').length > 20`, nil, chromedp.WithPollingTimeout(30*time.Second)))
			} else {
				must(t, ctx, chromedp.WaitVisible(`#feed`), chromedp.Sleep(300*time.Millisecond))
			}
			must(t, ctx,
				chromedp.Evaluate(`document.querySelectorAll('#feed .feed-item').length`, &after),
				chromedp.Location(&afterLoc),
				chromedp.Evaluate(`Array.from(document.querySelectorAll('#feed .feed-item .sec')).map(e => e.textContent.trim())`, &sections),
			)
			for _, s := range sections {
				if s != "Russian Politics & Diplomacy" && s != "World" {
					t.Fatalf("after More news the feed shows %q", s)
				}
			}
			if js {
				if afterLoc != beforeLoc || after <= before {
					t.Errorf("with JavaScript: %d -> %d items, %s -> %s", before, after, beforeLoc, afterLoc)
				}
			} else {
				if !strings.Contains(afterLoc, "before=") || after == 0 || after > 20 {
					t.Errorf("without JavaScript: next page %s has %d items", afterLoc, after)
				}
			}
			screenshot(t, ctx, "feed-"+name)
		})
	}
}
