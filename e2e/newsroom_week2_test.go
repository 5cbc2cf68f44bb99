package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// More newsroom points of "a week in the newsroom", at phone and desktop
// widths.

// TestDeleteDraft: a reporter deletes their own draft once the box is
// ticked; the desk says so and the story's address is gone.
func TestDeleteDraft(t *testing.T) {
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			ctx := browser(t, vp.w, vp.h, true)
			d := watchDialogs(ctx)
			signIn(t, ctx, baseURL, "reporter@example.org", demoPassword)
			headline := "A draft to throw away " + vp.name
			must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/articles/new"), chromedp.WaitVisible(`#headline`),
				chromedp.SendKeys(`#headline`, headline, chromedp.ByQuery),
				chromedp.SetValue(`#section`, "science", chromedp.ByQuery),
				chromedp.SetValue(`#lang`, "en", chromedp.ByQuery))
			clickAndLoad(t, ctx, `button[name=action][value=save]`)
			id := idFrom(t, ctx, `/newsroom/articles/(\d+)\?done=saved`)
			must(t, ctx, centre(`form.delete-draft button[type=submit]`), chromedp.Click(`form.delete-draft button[type=submit]`, chromedp.ByQuery))
			var valid bool
			must(t, ctx, chromedp.Evaluate(`document.querySelector('#delete-confirm').validity.valid`, &valid))
			if valid {
				t.Fatal("the confirmation box is not required")
			}
			if label := text(t, ctx, `label[for=delete-confirm]`); !strings.Contains(label, headline) || !strings.Contains(label, "for good") {
				t.Errorf("the confirmation reads %q", label)
			}
			must(t, ctx, centre(`form.delete-draft`))
			screenshot(t, ctx, "week-2-delete-confirm-"+vp.name)
			must(t, ctx, chromedp.Click(`#delete-confirm`, chromedp.ByQuery))
			clickAndLoad(t, ctx, `form.delete-draft button[type=submit]`)
			if flash := text(t, ctx, `.flash`); !strings.Contains(flash, "draft was deleted") {
				t.Fatalf("after deleting: %q", flash)
			}
			if desk := text(t, ctx, `main`); strings.Contains(desk, headline) {
				t.Errorf("the desk still lists the draft")
			}
			must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/articles/"+id), chromedp.WaitVisible(`h1`))
			if page := text(t, ctx, `main`); !strings.Contains(page, "No article "+id) {
				t.Errorf("the deleted draft's address shows %q", page)
			}
			if errs := d.exceptions(); len(errs) > 0 || len(d.list()) > 0 {
				t.Errorf("dialogs %q, JavaScript errors %q", d.list(), errs)
			}
		})
	}
}
