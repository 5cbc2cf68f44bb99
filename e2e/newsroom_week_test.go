package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

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

// newPublished writes and publishes a story as the signed-in editor,
// whose tab stays on the story's editor.
func newPublished(t *testing.T, ctx context.Context, headline string) {
	t.Helper()
	fillStory(t, ctx, headline, "<p>One paragraph.</p>")
	clickAndLoad(t, ctx, `button[name=action][value=publish]`)
	idFrom(t, ctx, `/newsroom/articles/(\d+)\?done=published`)
}

// fillStory opens a new story and fills in its headline, a lead, the
// story and a section of the English edition, without saving.
func fillStory(t *testing.T, ctx context.Context, headline, body string) {
	t.Helper()
	must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/articles/new"), chromedp.WaitVisible(`#headline`),
		chromedp.SendKeys(`#headline`, headline, chromedp.ByQuery),
		chromedp.SendKeys(`#lead`, "A lead for the test.", chromedp.ByQuery),
		chromedp.SetValue(`#section`, "science", chromedp.ByQuery),
		chromedp.SetValue(`#lang`, "en", chromedp.ByQuery))
	setBody(t, ctx, body)
}

// TestWithdrawConfirmAndRestore: withdrawing asks for the box to be ticked
// (the reason typed stays), and an editor brings the story back.
func TestWithdrawConfirmAndRestore(t *testing.T) {
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			ctx := browser(t, vp.w, vp.h, true)
			d := watchDialogs(ctx)
			signIn(t, ctx, baseURL, "editor@example.org", demoPassword)
			headline := "Harbour crane test story " + vp.name
			newPublished(t, ctx, headline)
			const reason = "The crane was never delivered."
			must(t, ctx, chromedp.SendKeys(`#withdraw_note`, reason, chromedp.ByQuery), centre(`form.withdraw button[type=submit]`),
				chromedp.Click(`form.withdraw button[type=submit]`, chromedp.ByQuery))
			// The browser asks for the box; nothing was sent.
			var valid bool
			must(t, ctx, chromedp.Evaluate(`document.querySelector('#withdraw-confirm').validity.valid`, &valid))
			if valid {
				t.Fatal("the confirmation box is not required")
			}
			if label := text(t, ctx, `label[for=withdraw-confirm]`); !strings.Contains(label, headline) {
				t.Errorf("the confirmation reads %q", label)
			}
			screenshot(t, ctx, "week-2-withdraw-confirm-"+vp.name)
			must(t, ctx, chromedp.Click(`#withdraw-confirm`, chromedp.ByQuery))
			clickAndLoad(t, ctx, `form.withdraw button[type=submit]`)
			if flash := text(t, ctx, `.flash`); !strings.Contains(flash, "Withdrawn") {
				t.Fatalf("after withdrawing: %q", flash)
			}
			if meta := text(t, ctx, `.page-head .meta`); !strings.Contains(strings.ToLower(meta), "withdrawn") {
				t.Errorf("the story reads %q", meta)
			}
			must(t, ctx, chromedp.Click(`#reinstate-confirm`, chromedp.ByQuery))
			clickAndLoad(t, ctx, `form.reinstate button[type=submit]`)
			if flash := text(t, ctx, `.flash`); !strings.Contains(flash, "published again") {
				t.Fatalf("after restoring: %q", flash)
			}
			if errs := d.exceptions(); len(errs) > 0 || len(d.list()) > 0 {
				t.Errorf("dialogs %q, JavaScript errors %q", d.list(), errs)
			}
		})
	}
}

// TestFailedUploadKeepsCaption: a file that is not an image comes back
// with a message, and the caption and credit typed for it.
func TestFailedUploadKeepsCaption(t *testing.T) {
	notImage := filepath.Join(t.TempDir(), "notes.jpg")
	if err := os.WriteFile(notImage, []byte("these are notes, not a photo"), 0o644); err != nil {
		t.Fatal(err)
	}
	const caption, credit = "Crane on the north quay at dawn", "Photo: Pavel Ivanov / DATELINE"
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			ctx := browser(t, vp.w, vp.h, true)
			signIn(t, ctx, baseURL, "reporter@example.org", demoPassword)
			must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/photos"), chromedp.WaitVisible(`#photo`),
				chromedp.SetUploadFiles(`#photo`, []string{notImage}, chromedp.ByQuery),
				chromedp.SendKeys(`#up-caption`, caption, chromedp.ByQuery),
				chromedp.SendKeys(`#up-credit`, credit, chromedp.ByQuery))
			clickAndLoad(t, ctx, `form.upload button[type=submit]`)
			screenshot(t, ctx, "week-3-upload-error-"+vp.name)
			if msg := text(t, ctx, `form.upload .error`); !strings.Contains(msg, "kept") {
				t.Errorf("the message reads %q", msg)
			}
			var got struct{ Caption, Credit, H1 string }
			must(t, ctx, chromedp.Evaluate(`({Caption: document.querySelector('#up-caption').value, Credit: document.querySelector('#up-credit').value,
				H1: document.querySelector('h1').textContent})`, &got))
			if got.Caption != caption || got.Credit != credit || got.H1 != "Photos" {
				t.Errorf("after the failed upload: %+v", got)
			}
		})
	}
}

// TestDeskTimesAndWords: a scheduled and an embargoed story say so in
// words, on the desk and after publishing, with their time; status badges
// stay on one line; error pages are headed for people.
func TestDeskTimesAndWords(t *testing.T) {
	at := time.Now().Add(50 * time.Hour).UTC().Format("2006-01-02T15:04")
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			ctx := browser(t, vp.w, vp.h, true)
			signIn(t, ctx, baseURL, "editor@example.org", demoPassword)
			for _, embargo := range []bool{false, true} {
				headline := "Desk timing test " + vp.name + map[bool]string{false: " scheduled", true: " embargoed"}[embargo]
				must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/articles/new"), chromedp.WaitVisible(`#headline`),
					chromedp.SendKeys(`#headline`, headline, chromedp.ByQuery),
					chromedp.SendKeys(`#lead`, "A lead.", chromedp.ByQuery),
					chromedp.SetValue(`#publish_at`, at, chromedp.ByQuery))
				if embargo {
					must(t, ctx, chromedp.Click(`#embargoed`, chromedp.ByQuery))
				}
				clickAndLoad(t, ctx, `button[name=action][value=publish]`)
				flash := text(t, ctx, `.flash`)
				want := map[bool]string{false: "Scheduled: the story is published on", true: "Embargoed until"}[embargo]
				if !strings.Contains(flash, want) || !regexp.MustCompile(`\d{1,2} [A-Z][a-z]+ 20\d\d at \d\d:\d\d`).MatchString(flash) {
					t.Errorf("after publishing at %s (embargo %v): %q", at, embargo, flash)
				}
			}
			must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/?status=scheduled"), chromedp.WaitVisible(`table.desk`))
			screenshot(t, ctx, "week-20-desk-"+vp.name)
			var rows []struct{ Headline, Status string }
			must(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll('table.desk tbody tr')].map(tr => ({
				Headline: tr.querySelector('a').textContent.trim(), Status: tr.cells[1].innerText.toLowerCase(),
			}))`, &rows))
			seen := 0
			for _, r := range rows {
				switch {
				case strings.HasSuffix(r.Headline, vp.name+" scheduled"):
					seen++
					if !strings.Contains(r.Status, "scheduled") || !strings.Contains(r.Status, "publishes") {
						t.Errorf("the scheduled story's status reads %q", r.Status)
					}
				case strings.HasSuffix(r.Headline, vp.name+" embargoed"):
					seen++
					if !strings.Contains(r.Status, "embargoed") || !strings.Contains(r.Status, "embargo lifts") || strings.Contains(r.Status, "scheduled") {
						t.Errorf("the embargoed story's status reads %q", r.Status)
					}
				}
			}
			if seen != 2 {
				t.Errorf("the desk shows %d of the two stories: %+v", seen, rows)
			}
			// Every badge of the whole desk is one line high.
			must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/"), chromedp.WaitVisible(`table.desk`))
			var badges struct {
				N          int
				Tall       []string
				BadChanged []string
			}
			must(t, ctx, chromedp.Evaluate(`(() => {
				const bs = [...document.querySelectorAll('table.desk .status')];
				const tall = bs.filter(b => b.getBoundingClientRect().height > parseFloat(getComputedStyle(b).fontSize) * 2.2).map(b => b.textContent);
				// "Today" is the site's (Moscow's), not the browser's: from
				// 21:00 UTC they differ.
				const day = (d) => d.toLocaleDateString('en-CA', {timeZone: 'Europe/Moscow'});
				const today = day(new Date());
				const bad = [...document.querySelectorAll('table.desk time')].filter(t => {
					const isToday = day(new Date(t.getAttribute('datetime'))) === today;
					return isToday ? !/^\d\d:\d\d$/.test(t.textContent) : !/[A-Za-z]/.test(t.textContent);
				}).map(t => t.getAttribute('datetime') + ' ' + t.textContent);
				return {N: bs.length, Tall: tall, BadChanged: bad};
			})()`, &badges))
			if badges.N == 0 || len(badges.Tall) > 0 {
				t.Errorf("%d badges, wrapped: %q", badges.N, badges.Tall)
			}
			if len(badges.BadChanged) > 0 {
				t.Errorf("Changed without a date for another day: %q", badges.BadChanged)
			}
			// An error page speaks to people.
			must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/?status=nonsense"), chromedp.WaitVisible(`h1`))
			screenshot(t, ctx, "week-20-error-"+vp.name)
			if h1 := text(t, ctx, `h1`); h1 == "Bad Request" || !strings.Contains(text(t, ctx, `main`), "Unknown status") {
				t.Errorf("the error page is headed %q", h1)
			}
		})
	}
}
