package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The newsroom points of "a week in the newsroom": what journalists and
// editors tripped over, checked at phone and desktop widths.

// typed is what a person typed into the story form.
type typed struct {
	Headline, Lead, Body, Section, Lang string
}

// readForm returns what the story form holds.
func readForm(t *testing.T, ctx context.Context) typed {
	t.Helper()
	var f typed
	must(t, ctx, chromedp.Evaluate(`({
		Headline: document.querySelector('#headline').value,
		Lead: document.querySelector('#lead').value,
		Body: document.querySelector('textarea.body-source').value,
		Section: document.querySelector('#section').value,
		Lang: document.querySelector('#lang').value,
	})`, &f))
	return f
}

// TestSaveErrorKeepsTyping saves a new story whose language is not its
// section's: the form comes back with everything typed and a message, with
// and without the script; with it, choosing a section sets the language
// unless the person chose one.
func TestSaveErrorKeepsTyping(t *testing.T) {
	const (
		headline = "Parliament debates the harbour budget"
		lead     = "Deputies argued for six hours over the new quay."
		body     = "<p>The debate ran late into the night.</p><p>A vote is due on Thursday.</p>"
	)
	for _, vp := range viewports {
		for _, js := range []bool{true, false} {
			name := vp.name + map[bool]string{true: "", false: "-nojs"}[js]
			t.Run(name, func(t *testing.T) {
				ctx := browser(t, vp.w, vp.h, js)
				d := watchDialogs(ctx)
				signIn(t, ctx, baseURL, "reporter@example.org", demoPassword)
				must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/articles/new"), chromedp.WaitVisible(`#headline`))
				must(t, ctx,
					chromedp.SendKeys(`#headline`, headline, chromedp.ByQuery),
					chromedp.SendKeys(`#lead`, lead, chromedp.ByQuery),
					// Set as a form without the script would send it: no
					// change event, so the language stays English.
					chromedp.SetValue(`#section`, "politika", chromedp.ByQuery),
					chromedp.SetValue(`#lang`, "en", chromedp.ByQuery),
				)
				setBody(t, ctx, body)
				clickAndLoad(t, ctx, `button[name=action][value=save]`)
				screenshot(t, ctx, "week-1-save-error-"+name)
				var h1 string
				must(t, ctx, chromedp.Text(`h1`, &h1, chromedp.ByQuery))
				if strings.Contains(h1, "Bad Request") || strings.Contains(h1, "Unprocessable") {
					t.Fatalf("the save answered a bare error page %q", h1)
				}
				msg := text(t, ctx, `#story-form ~ .error, .error[role=alert]`)
				if !strings.Contains(msg, "Политика") || !strings.Contains(msg, "Russian") {
					t.Errorf("the message reads %q", msg)
				}
				f := readForm(t, ctx)
				if f.Headline != headline || f.Lead != lead || !strings.Contains(f.Body, "due on Thursday") || f.Section != "politika" {
					t.Errorf("the form came back without what was typed: %+v", f)
				}
				if !js {
					return
				}
				// The language follows the section chosen...
				must(t, ctx, chromedp.SetValue(`#section`, "world", chromedp.ByQuery),
					chromedp.Evaluate(`document.querySelector('#section').dispatchEvent(new Event('change', {bubbles: true}))`, nil))
				if f := readForm(t, ctx); f.Lang != "en" {
					t.Errorf("after choosing World the language is %q", f.Lang)
				}
				must(t, ctx, chromedp.SetValue(`#section`, "politika", chromedp.ByQuery),
					chromedp.Evaluate(`document.querySelector('#section').dispatchEvent(new Event('change', {bubbles: true}))`, nil))
				if f := readForm(t, ctx); f.Lang != "ru" {
					t.Errorf("after choosing Политика the language is %q", f.Lang)
				}
				// ...until the person sets it.
				must(t, ctx, chromedp.SetValue(`#lang`, "en", chromedp.ByQuery),
					chromedp.Evaluate(`document.querySelector('#lang').dispatchEvent(new Event('change', {bubbles: true}))`, nil),
					chromedp.SetValue(`#section`, "mir", chromedp.ByQuery),
					chromedp.Evaluate(`document.querySelector('#section').dispatchEvent(new Event('change', {bubbles: true}))`, nil))
				if f := readForm(t, ctx); f.Lang != "en" {
					t.Errorf("the language chosen on purpose became %q", f.Lang)
				}
				must(t, ctx, chromedp.SetValue(`#section`, "politika", chromedp.ByQuery),
					chromedp.SetValue(`#lang`, "ru", chromedp.ByQuery))
				clickAndLoad(t, ctx, `button[name=action][value=save]`)
				idFrom(t, ctx, `/newsroom/articles/(\d+)\?done=saved`)
				if f := readForm(t, ctx); f.Headline != headline || f.Lang != "ru" {
					t.Errorf("the saved story: %+v", f)
				}
				if errs := d.exceptions(); len(errs) > 0 {
					t.Errorf("JavaScript errors: %q", errs)
				}
			})
		}
	}
}
