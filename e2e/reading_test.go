package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestReadingMode switches the reading mode on from the home page, with
// and without JavaScript, and finds larger text on every later page until
// it is switched off.
func TestReadingMode(t *testing.T) {
	for _, js := range []bool{true, false} {
		ctx := browser(t, 1280, 900, js)
		size := func(path string) float64 {
			var px float64
			must(t, ctx, chromedp.Navigate(baseURL+path), chromedp.WaitReady("body"),
				chromedp.Evaluate(`parseFloat(getComputedStyle(document.documentElement).fontSize)`, &px))
			return px
		}
		base := size("/")
		toggle(t, ctx)
		screenshot(t, ctx, "reading-mode")
		for _, p := range []string{"/news", "/politics", "/search?q=Syria"} {
			if got := size(p); got < base*1.2 {
				t.Errorf("js %v: %s font %.1fpx with the reading mode on, %.1fpx off", js, p, got, base)
			}
		}
		var label string
		must(t, ctx, chromedp.Text(`form.reading-toggle button`, &label, chromedp.NodeVisible))
		if label != "Standard view" {
			t.Errorf("js %v: the switch says %q", js, label)
		}
		toggle(t, ctx)
		if got := size("/news"); got != base {
			t.Errorf("js %v: after switching off %.1fpx, want %.1fpx", js, got, base)
		}
	}
}

// toggle presses the switch and waits for the page it leads back to.
func toggle(t *testing.T, ctx context.Context) {
	t.Helper()
	clickAndWait(t, ctx, `form.reading-toggle button`)
}
