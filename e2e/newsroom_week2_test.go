package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
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
			id := newDraft(t, ctx, headline, "<p>Not needed after all.</p>")
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

// newDraft writes a story as the signed-in person and saves it; the tab
// stays on its editor. It returns the story's number.
func newDraft(t *testing.T, ctx context.Context, headline, body string) string {
	t.Helper()
	fillStory(t, ctx, headline, body)
	clickAndLoad(t, ctx, `button[name=action][value=save]`)
	return idFrom(t, ctx, `/newsroom/articles/(\d+)\?done=saved`)
}

// TestNotesWaitingAndReadOnly: a submitted story waits on the editors'
// desk; the editor sends it back to draft with a note both see; once it is
// published its reporter reads it (no form) and leaves a note.
func TestNotesWaitingAndReadOnly(t *testing.T) {
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			rep := browser(t, vp.w, vp.h, true)
			ed := browser(t, vp.w, vp.h, true)
			signIn(t, rep, baseURL, "reporter@example.org", demoPassword)
			signIn(t, ed, baseURL, "editor@example.org", demoPassword)
			headline := "Notes test story " + vp.name
			id := newDraft(t, rep, headline, "<p>The first paragraph.</p>")
			clickAndLoad(t, rep, `button[name=action][value=submit]`)

			must(t, ed, chromedp.Navigate(baseURL+"/newsroom/"), chromedp.WaitVisible(`.waiting`))
			screenshot(t, ed, "week-6-waiting-"+vp.name)
			if w := text(t, ed, `.waiting`); !strings.Contains(w, "Waiting for you") || !strings.Contains(w, headline) {
				t.Errorf("the desk's notice reads %q", w)
			}
			const why = "Needs a second source for the figures."
			must(t, ed, chromedp.Navigate(baseURL+"/newsroom/articles/"+id), chromedp.WaitVisible(`#message`),
				chromedp.SendKeys(`#message`, why, chromedp.ByQuery))
			clickAndLoad(t, ed, `button[name=action][value=return]`)
			if notes := text(t, ed, `.notes`); !strings.Contains(notes, why) || !strings.Contains(notes, "back to draft") {
				t.Errorf("the editor's notes read %q", notes)
			}
			must(t, rep, chromedp.Navigate(baseURL+"/newsroom/articles/"+id), chromedp.WaitVisible(`.notes`))
			if notes := text(t, rep, `.notes`); !strings.Contains(notes, why) || !strings.Contains(notes, "Editor") {
				t.Errorf("the reporter's notes read %q", notes)
			}

			must(t, ed, chromedp.Navigate(baseURL+"/newsroom/articles/"+id), chromedp.WaitVisible(`#headline`))
			clickAndLoad(t, ed, `button[name=action][value=publish]`)
			must(t, rep, chromedp.Navigate(baseURL+"/newsroom/articles/"+id), chromedp.WaitVisible(`.readonly-story`))
			screenshot(t, rep, "week-6-readonly-"+vp.name)
			var forms int
			must(t, rep, chromedp.Evaluate(`document.querySelectorAll('#story-form').length`, &forms))
			if h1 := text(t, rep, `h1`); h1 != headline || forms != 0 || !strings.Contains(text(t, rep, `.readonly-story`), "The first paragraph.") {
				t.Errorf("the reporter's view: h1 %q, %d story forms", h1, forms)
			}
			const fix = "The minister's name is Ivanova, not Ivanov."
			must(t, rep, chromedp.SendKeys(`#note`, fix, chromedp.ByQuery))
			clickAndLoad(t, rep, `.notes button[type=submit]`)
			if flash := text(t, rep, `.flash`); !strings.Contains(flash, "note was added") {
				t.Errorf("after the note: %q", flash)
			}
			if notes := text(t, rep, `.notes`); !strings.Contains(notes, fix) {
				t.Errorf("the notes read %q", notes)
			}
		})
	}
}

// TestEditorCountsAndKeys: the editor counts the headline's characters
// and the story's words, Ctrl+S saves, a published story has no "Publish
// at" and offers a minor edit that leaves readers' "Updated" time.
func TestEditorCountsAndKeys(t *testing.T) {
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			ctx := browser(t, vp.w, vp.h, true)
			d := watchDialogs(ctx)
			signIn(t, ctx, baseURL, "editor@example.org", demoPassword)
			headline := "Counting test: the city council approves a long plan for harbour cranes " + vp.name
			fillStory(t, ctx, headline, "<p>One two three four.</p><p>Five six.</p>")
			must(t, ctx, chromedp.Poll(`document.querySelector('#body-count').textContent.startsWith('6 words')`, nil))
			hc := text(t, ctx, `#headline-count`)
			if want := len([]rune(headline)); !strings.Contains(hc, itoa(want)+" characters of 300") || !strings.Contains(hc, "longer than") {
				t.Errorf("the headline counter reads %q for %d characters", hc, want)
			}
			if bc := text(t, ctx, `#body-count`); !strings.Contains(bc, "6 words,") {
				t.Errorf("the story counter reads %q", bc)
			}
			must(t, ctx, centre(`#headline`))
			screenshot(t, ctx, "week-9-counters-"+vp.name)
			var publishAt int
			must(t, ctx, chromedp.Evaluate(`document.querySelectorAll('#publish_at').length`, &publishAt))
			if publishAt != 1 {
				t.Errorf("a new story has %d Publish at fields", publishAt)
			}
			// Ctrl+S saves.
			must(t, ctx, chromedp.Focus(`#lead`, chromedp.ByQuery), chromedp.Evaluate(`window.__stale = true`, nil),
				chromedp.KeyEvent("s", chromedp.KeyModifiers(input.ModifierCtrl)))
			deadline := time.Now().Add(20 * time.Second)
			var saved bool
			for !saved && time.Now().Before(deadline) {
				// Errors are expected while the page is replaced.
				_ = chromedp.Run(ctx, chromedp.Evaluate(`!window.__stale && document.readyState === 'complete' && location.search.includes('done=saved')`, &saved))
				time.Sleep(30 * time.Millisecond)
			}
			if !saved {
				t.Fatal("Ctrl+S did not save the story")
			}
			clickAndLoad(t, ctx, `button[name=action][value=publish]`)
			must(t, ctx, chromedp.Evaluate(`document.querySelectorAll('#publish_at').length`, &publishAt))
			if publishAt != 0 {
				t.Errorf("a published story still shows Publish at")
			}
			var link string
			must(t, ctx, chromedp.AttributeValue(`.page-head .meta a[href^="/"]`, "href", &link, nil, chromedp.ByQuery))
			updated := func() bool {
				var n int
				must(t, ctx, chromedp.Navigate(baseURL+link), chromedp.WaitVisible(`h1`),
					chromedp.Evaluate(`document.querySelectorAll('.updated').length`, &n))
				return n > 0
			}
			minor := func(lead string, box bool) {
				must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/articles/"+idOf(link)), chromedp.WaitVisible(`#lead`),
					chromedp.SetValue(`#lead`, lead, chromedp.ByQuery))
				if box {
					must(t, ctx, centre(`#minor`), chromedp.Click(`#minor`, chromedp.ByQuery))
				}
				clickAndLoad(t, ctx, `button[name=action][value=save]`)
			}
			minor("A lead, with a typo fixed.", true)
			if updated() {
				t.Errorf("a minor edit shows readers an Updated time")
			}
			minor("A lead with news.", false)
			if !updated() {
				t.Errorf("an update shows readers no Updated time")
			}
			if errs := d.exceptions(); len(errs) > 0 {
				t.Errorf("JavaScript errors %q", errs)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// idOf is the story number at the end of a story's address.
func idOf(path string) string { return path[strings.LastIndex(path, "/")+1:] }
