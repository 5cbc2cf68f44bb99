package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The third part of "a week in the newsroom": photos uploaded from the
// story editor, and text pasted from Word, Google Docs and web pages.

// paste sends a paste of the clipboard sample file (HTML) with its plain
// text to the story's editor, at the end of the story.
func paste(t *testing.T, ctx context.Context, sample string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", sample))
	if err != nil {
		t.Fatal(err)
	}
	must(t, ctx, centre(`#body-editor`), chromedp.Evaluate(`((html) => {
		const area = `+caretAtEnd+`;
		const dt = new DataTransfer();
		dt.setData('text/html', html);
		dt.setData('text/plain', new DOMParser().parseFromString(html, 'text/html').body.innerText);
		area.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
	})(`+jsString(string(raw))+`)`, nil))
}

// caretAtEnd is a JavaScript expression that puts the caret at the end
// of the story's editor and is the editor.
const caretAtEnd = `(() => {
	const area = document.querySelector('#body-editor');
	area.focus();
	const r = document.createRange();
	r.selectNodeContents(area);
	r.collapse(false);
	getSelection().removeAllRanges();
	getSelection().addRange(r);
	return area;
})()`

// pasted is what the editor holds after a paste, in a few numbers.
type pasted struct {
	HTML                 string
	Items, Ordered       []string
	Rows                 [][]string
	Paragraphs           []string
	Styles, Notice, Body string
}

func readPasted(t *testing.T, ctx context.Context) pasted {
	t.Helper()
	var p pasted
	must(t, ctx, chromedp.Evaluate(`(() => {
		const a = document.querySelector('#body-editor');
		const texts = (sel) => [...a.querySelectorAll(sel)].map((e) => e.textContent.trim());
		return {
			HTML: a.innerHTML,
			Items: texts('ul > li'),
			Ordered: texts('ol > li'),
			Rows: [...a.querySelectorAll('table tr')].map((tr) => [...tr.cells].map((c) => c.textContent.trim())),
			Paragraphs: texts(':scope > p'),
			Styles: [...a.querySelectorAll('[style], [class^=Mso], [lang], [dir]')].map((e) => e.outerHTML.slice(0, 60)).join(' '),
			Notice: (document.querySelector('.editor-notice') || {}).textContent || '',
			Body: document.querySelector('textarea.body-source').value,
		};
	})()`, &p))
	return p
}

func sameList(got, want []string) bool {
	return strings.Join(got, "|") == strings.Join(want, "|")
}

// TestPasteFromWordDocsAndWeb: lists keep one bullet each (Word's list
// paragraphs become lists), tables stay tables, the rest are our plain
// paragraphs; saved, the site's sanitiser keeps them. Where the body takes
// no tables, their rows become paragraphs and the editor says so.
func TestPasteFromWordDocsAndWeb(t *testing.T) {
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			ctx := browser(t, vp.w, vp.h, true)
			d := watchDialogs(ctx)
			signIn(t, ctx, baseURL, "reporter@example.org", demoPassword)
			fillStory(t, ctx, "Pasted from Word "+vp.name, "")
			paste(t, ctx, "paste-word.html")
			must(t, ctx, centre(`#body-editor ul`))
			screenshot(t, ctx, "after-8-word-"+vp.name)
			p := readPasted(t, ctx)
			if !sameList(p.Items, []string{"First, two cranes run until midnight", "Then all four, with a second crew", "Finally, the rail yard too"}) {
				t.Errorf("Word's bullets: %q", p.Items)
			}
			if !sameList(p.Ordered, []string{"A rest room on the quay", "Night pay at time and a half"}) {
				t.Errorf("Word's numbered list: %q", p.Ordered)
			}
			if len(p.Rows) != 3 || !sameList(p.Rows[0], []string{"Shift", "Cranes"}) || !sameList(p.Rows[2], []string{"Night", "4"}) {
				t.Errorf("Word's table: %q", p.Rows)
			}
			if len(p.Paragraphs) != 3 || !strings.HasPrefix(p.Paragraphs[1], "The port authority said on Monday") {
				t.Errorf("Word's paragraphs: %q", p.Paragraphs)
			}
			if p.Styles != "" || strings.Contains(p.HTML, "o:p") || strings.Contains(p.HTML, "·") {
				t.Errorf("Word's markup is left: %s", p.Styles+p.HTML)
			}

			setBody(t, ctx, "")
			paste(t, ctx, "paste-gdocs.html")
			p = readPasted(t, ctx)
			if !sameList(p.Items, []string{"Schools get a new roof", "Buses run every ten minutes"}) || len(p.Rows) != 2 || !sameList(p.Rows[1], []string{"North", "1.2 million"}) {
				t.Errorf("Google Docs: items %q, rows %q", p.Items, p.Rows)
			}
			if !strings.Contains(p.HTML, "<strong>Tuesday</strong>") || strings.Count(p.HTML, "<strong>") != 3 || p.Styles != "" {
				t.Errorf("Google Docs' bold (only Tuesday and the table's head): %s", p.HTML)
			}

			setBody(t, ctx, "")
			paste(t, ctx, "paste-web.html")
			p = readPasted(t, ctx)
			if !sameList(p.Items, []string{"Earlier first train", "Later last train", "Fewer stops at night", "More carriages at rush hour", "Quiet coach on every train"}) {
				t.Errorf("a web page's bullets: %q", p.Items)
			}
			if len(p.Rows) != 2 || !sameList(p.Rows[0], []string{"Line", "Before", "After"}) || strings.Contains(p.HTML, "<img") || strings.Contains(p.HTML, "onclick") {
				t.Errorf("a web page's table and the rest: %s", p.HTML)
			}
			if !strings.Contains(p.HTML, `<h2>What the new timetable changes</h2>`) || !strings.Contains(p.HTML, `<a href="https://rail.example.com/timetable">every twenty minutes</a>`) {
				t.Errorf("a web page's head and link: %s", p.HTML)
			}

			// Saved, the server keeps the lists and the table.
			setBody(t, ctx, "")
			paste(t, ctx, "paste-word.html")
			clickAndLoad(t, ctx, `button[name=action][value=save]`)
			id := idFrom(t, ctx, `/newsroom/articles/(\d+)\?done=saved`)
			p = readPasted(t, ctx)
			for _, want := range []string{"<ul>", "<ol>", "<table>", "<td>Night</td>", "<li>A rest room on the quay</li>"} {
				if !strings.Contains(p.Body, want) {
					t.Errorf("story %s's saved body lacks %s: %s", id, want, p.Body)
				}
			}

			// A body that takes no tables: rows as paragraphs, and a word why.
			setBody(t, ctx, "")
			must(t, ctx, chromedp.Evaluate(`delete document.querySelector('textarea.body-source').dataset.tables`, nil))
			paste(t, ctx, "paste-gdocs.html")
			p = readPasted(t, ctx)
			if len(p.Rows) != 0 || !sameList(p.Paragraphs[len(p.Paragraphs)-2:], []string{"District – Budget", "North – 1.2 million"}) {
				t.Errorf("without tables: rows %q, paragraphs %q", p.Rows, p.Paragraphs)
			}
			if !strings.Contains(p.Notice, "no tables") {
				t.Errorf("without tables the editor says %q", p.Notice)
			}
			if errs := d.exceptions(); len(errs) > 0 {
				t.Errorf("JavaScript errors %q", errs)
			}
		})
	}
}

// uploadDialog waits for the editor's upload dialog and types the photo's
// caption and credit into it.
func uploadDialog(t *testing.T, ctx context.Context, caption, credit string) {
	t.Helper()
	must(t, ctx, chromedp.WaitVisible(`dialog.editor-dialog #upload-caption`, chromedp.ByQuery),
		chromedp.SendKeys(`#upload-caption`, caption, chromedp.ByQuery),
		chromedp.SendKeys(`#upload-credit`, credit, chromedp.ByQuery))
}

// TestEditorUpload: a photo pasted into the story is uploaded from the
// editor, with its caption and credit typed there, and goes into the
// story; a file picked for the main photo that is no image is refused in
// the dialog (what was typed stays), and another file then becomes the
// main photo. The story typed meanwhile is all there.
func TestEditorUpload(t *testing.T) {
	dir := t.TempDir()
	good := writeJPEG(t, dir, "quay.jpg", 800, 533)
	other := writeJPEG(t, dir, "cranes.jpg", 600, 600)
	bad := filepath.Join(dir, "notes.jpg")
	if err := os.WriteFile(bad, []byte("these are notes, not a photo"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			ctx := browser(t, vp.w, vp.h, true)
			d := watchDialogs(ctx)
			signIn(t, ctx, baseURL, "reporter@example.org", demoPassword)
			headline := "Uploaded from the editor " + vp.name
			fillStory(t, ctx, headline, "<p>The crane arrived on Tuesday.</p>")
			screenshot(t, ctx, "after-7-editor-"+vp.name)

			// A pasted image (a JPEG made on a canvas).
			must(t, ctx, centre(`#body-editor`), chromedp.Evaluate(`(async () => {
				const c = document.createElement('canvas');
				c.width = 640; c.height = 400;
				const g = c.getContext('2d');
				g.fillStyle = '#3a6ea5'; g.fillRect(0, 0, 640, 400);
				g.fillStyle = '#f2c14e'; g.fillRect(80, 60, 300, 200);
				const blob = await new Promise((ok) => c.toBlob(ok, 'image/jpeg', 0.9));
				const area = `+caretAtEnd+`;
				const dt = new DataTransfer();
				dt.items.add(new File([blob], 'image.jpg', {type: 'image/jpeg'}));
				area.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
			})()`, nil, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
			const caption, credit = "The new crane on the north quay", "Anna Petrova / DATELINE"
			uploadDialog(t, ctx, caption, credit)
			screenshot(t, ctx, "after-7-dialog-"+vp.name)
			must(t, ctx, chromedp.Click(`dialog.editor-dialog button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitNotPresent(`dialog.editor-dialog[open]`, chromedp.ByQuery),
				chromedp.WaitVisible(`#body-editor figure.inline-photo img`, chromedp.ByQuery))
			waitImage(t, ctx, `#body-editor figure.inline-photo img`, "the uploaded photo in the story")
			if fig := text(t, ctx, `#body-editor figure.inline-photo`); !strings.Contains(fig, caption) || !strings.Contains(fig, credit) {
				t.Errorf("the inserted photo reads %q", fig)
			}
			screenshot(t, ctx, "after-7-inserted-"+vp.name)

			// The main photo: a file that is no image, then a good one.
			must(t, ctx, centre(`[data-upload-photo]`),
				chromedp.SetUploadFiles(`input[data-upload-file]`, []string{bad}, chromedp.ByQuery))
			const mainCaption, mainCredit = "Dockers at the change of shift", "Pavel Ivanov / DATELINE"
			uploadDialog(t, ctx, mainCaption, mainCredit)
			must(t, ctx, chromedp.Click(`dialog.editor-dialog button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitVisible(`dialog.editor-dialog .dialog-error:not(:empty)`, chromedp.ByQuery))
			screenshot(t, ctx, "after-7-refused-"+vp.name)
			var kept struct{ Error, Caption, Credit string }
			must(t, ctx, chromedp.Evaluate(`({Error: document.querySelector('dialog .dialog-error').textContent,
				Caption: document.querySelector('#upload-caption').value, Credit: document.querySelector('#upload-credit').value})`, &kept))
			if !strings.Contains(kept.Error, "image") || kept.Caption != mainCaption || kept.Credit != mainCredit {
				t.Errorf("after the refused file: %+v", kept)
			}
			must(t, ctx, chromedp.SetUploadFiles(`#upload-file`, []string{good}, chromedp.ByQuery),
				chromedp.Click(`dialog.editor-dialog button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitNotPresent(`dialog.editor-dialog[open]`, chromedp.ByQuery))
			waitImage(t, ctx, `img.main-photo-preview`, "the main photo")
			var form struct{ Photo, Caption, Credit, Headline string }
			must(t, ctx, chromedp.Evaluate(`({Photo: document.querySelector('input[name=photo_id]').value, Caption: document.querySelector('#caption').value,
				Credit: document.querySelector('#credit').value, Headline: document.querySelector('#headline').value})`, &form))
			if form.Photo == "" || form.Caption != mainCaption || form.Credit != mainCredit || form.Headline != headline {
				t.Errorf("the form after the upload: %+v", form)
			}
			// The toolbar's photo picker uploads too.
			must(t, ctx, centre(`.tool-photo`), chromedp.Click(`.tool-photo`, chromedp.ByQuery),
				chromedp.WaitVisible(`dialog.editor-dialog #picker-q`, chromedp.ByQuery),
				chromedp.SetUploadFiles(`#picker-file`, []string{other}, chromedp.ByQuery))
			uploadDialog(t, ctx, "Cranes from the picker", "DATELINE")
			must(t, ctx, chromedp.Click(`dialog.editor-dialog button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitNotPresent(`dialog.editor-dialog[open]`, chromedp.ByQuery))
			var figures int
			must(t, ctx, chromedp.Evaluate(`document.querySelectorAll('#body-editor figure.inline-photo').length`, &figures))
			if figures != 2 {
				t.Errorf("after the picker's upload the story has %d photos", figures)
			}
			clickAndLoad(t, ctx, `button[name=action][value=save]`)
			id := idFrom(t, ctx, `/newsroom/articles/(\d+)\?done=saved`)
			var body string
			must(t, ctx, chromedp.Value(`textarea.body-source`, &body, chromedp.ByQuery))
			if !strings.Contains(body, "The crane arrived on Tuesday.") || !strings.Contains(body, caption) || !strings.Contains(body, `<img src="/media/`) {
				t.Errorf("story %s's body: %s", id, body)
			}
			var photo string
			must(t, ctx, chromedp.Value(`input[name=photo_id]`, &photo, chromedp.ByQuery))
			if photo != form.Photo {
				t.Errorf("saved main photo %q, chosen %q", photo, form.Photo)
			}
			// Both are in the library with what was typed.
			must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/photos?q="+strings.ReplaceAll(mainCaption, " ", "+")), chromedp.WaitVisible(`h1`))
			if lib := text(t, ctx, `main`); !strings.Contains(lib, mainCaption) {
				t.Errorf("the library does not list %q: %s", mainCaption, lib)
			}
			if errs := d.exceptions(); len(errs) > 0 || len(d.list()) > 0 {
				t.Errorf("dialogs %q, JavaScript errors %q", d.list(), errs)
			}
		})
	}
}

// TestTopStoriesRussianEdition: an editor switches to the Russian
// edition's top stories, which offer only Russian stories, and puts an
// older one first; the Russian home leads with it.
func TestTopStoriesRussianEdition(t *testing.T) {
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			ctx := browser(t, vp.w, vp.h, true)
			signIn(t, ctx, baseURL, "editor@example.org", demoPassword)
			must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/top"), chromedp.WaitVisible(`.edition-tabs`))
			clickAndLoad(t, ctx, `.edition-tabs a[href$="edition=ru"]`)
			if h1 := text(t, ctx, `h1`); h1 != "Top stories: Russian edition" {
				t.Errorf("the page is headed %q", h1)
			}
			var offered struct {
				Count   int
				Latin   []string
				Last    string
				LastTxt string
			}
			must(t, ctx, chromedp.Evaluate(`(() => {
				const opts = [...document.querySelectorAll('#add_article option')].filter((o) => o.value);
				const last = opts[opts.length - 1];
				return {Count: opts.length, Latin: opts.map((o) => o.textContent).filter((s) => !/[а-яё]/i.test(s)),
					Last: last ? last.value : '', LastTxt: last ? last.textContent : ''};
			})()`, &offered))
			if offered.Count < 2 || len(offered.Latin) > 0 {
				t.Fatalf("the Russian list offers %d stories, not Russian: %q", offered.Count, offered.Latin)
			}
			must(t, ctx, chromedp.SetValue(`#add_article`, offered.Last, chromedp.ByQuery),
				chromedp.SetValue(`#add_pos`, "1", chromedp.ByQuery))
			clickAndLoad(t, ctx, `.top-form button.primary`)
			screenshot(t, ctx, "week-5-top-ru-"+vp.name)
			if row := text(t, ctx, `.top-form table tbody tr`); !strings.Contains(row, offered.LastTxt) {
				t.Errorf("the list's first row reads %q, want %q", row, offered.LastTxt)
			}
			must(t, ctx, chromedp.Navigate(baseURL+"/ru/"), chromedp.WaitVisible(`.top-main`))
			screenshot(t, ctx, "week-5-home-ru-"+vp.name)
			if lead := text(t, ctx, `.top-main`); !strings.Contains(lead, offered.LastTxt) {
				t.Errorf("the Russian home leads with %q, want %q", lead, offered.LastTxt)
			}
		})
	}
}

// TestGalleryDraftEditPublishWithdraw: an editor saves a gallery as a
// draft, fixes its title and a caption, swaps its photos, publishes it
// (readers see it in the new order) and withdraws it once the box is
// ticked.
func TestGalleryDraftEditPublishWithdraw(t *testing.T) {
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			ctx := browser(t, vp.w, vp.h, true)
			d := watchDialogs(ctx)
			signIn(t, ctx, baseURL, "editor@example.org", demoPassword)
			must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/galleries"), chromedp.WaitVisible(`.collection-form`))
			title := "Harbour at night " + vp.name
			var picked []string
			must(t, ctx, chromedp.SendKeys(`#c-title`, title, chromedp.ByQuery),
				chromedp.Evaluate(`(() => {
					const boxes = [...document.querySelectorAll('.collection-form input[name=photo]')].slice(0, 2);
					boxes.forEach((b) => { b.checked = true; });
					return boxes.map((b) => b.value);
				})()`, &picked))
			if len(picked) != 2 {
				t.Fatalf("the library offers %d photos", len(picked))
			}
			clickAndLoad(t, ctx, `.collection-form button[value=save]`)
			id := idFrom(t, ctx, `/newsroom/galleries/(\d+)\?done=saved`)
			if st, _ := httpGet(t, baseURL+"/photo/"+id); st != 404 {
				t.Errorf("the draft's address answers %d", st)
			}
			screenshot(t, ctx, "week-4-gallery-draft-"+vp.name)
			fixed := title + ", fixed"
			must(t, ctx, chromedp.SetValue(`#c-title`, fixed, chromedp.ByQuery),
				chromedp.SetValue(`#pos-`+picked[0], "2", chromedp.ByQuery),
				chromedp.SetValue(`#pos-`+picked[1], "1", chromedp.ByQuery),
				chromedp.SetValue(`#caption-`+picked[1], "The quay lit for the night shift", chromedp.ByQuery),
				chromedp.SetValue(`#caption-`+picked[0], "Cranes at rest", chromedp.ByQuery),
				chromedp.SetValue(`#credit-`+picked[0], "Anna Petrova / DATELINE", chromedp.ByQuery),
				chromedp.SetValue(`#credit-`+picked[1], "Anna Petrova / DATELINE", chromedp.ByQuery))
			clickAndLoad(t, ctx, `.collection-form button[value=publish]`)
			if flash := text(t, ctx, `.flash`); !strings.Contains(flash, "Published") {
				t.Fatalf("after publishing: %q", flash)
			}
			screenshot(t, ctx, "week-4-gallery-published-"+vp.name)
			st, page := httpGet(t, baseURL+"/photo/"+id)
			if i, j := strings.Index(page, "The quay lit for the night shift"), strings.Index(page, fixed); st != 200 || i < 0 || j < 0 {
				t.Errorf("the published gallery: %d, caption at %d, title at %d", st, i, j)
			}
			must(t, ctx, centre(`form.withdraw button[type=submit]`), chromedp.Click(`form.withdraw button[type=submit]`, chromedp.ByQuery))
			var valid bool
			must(t, ctx, chromedp.Evaluate(`document.querySelector('#withdraw-confirm').validity.valid`, &valid))
			if valid {
				t.Fatal("the withdrawal's box is not required")
			}
			must(t, ctx, chromedp.Click(`#withdraw-confirm`, chromedp.ByQuery))
			clickAndLoad(t, ctx, `form.withdraw button[type=submit]`)
			if flash := text(t, ctx, `.flash`); !strings.Contains(flash, "Withdrawn") {
				t.Errorf("after withdrawing: %q", flash)
			}
			if st, _ := httpGet(t, baseURL+"/photo/"+id); st != 410 {
				t.Errorf("the withdrawn gallery's address answers %d", st)
			}
			if errs := d.exceptions(); len(errs) > 0 {
				t.Errorf("JavaScript errors %q", errs)
			}
		})
	}
}

// TestMetaDescriptionAndSocialHeadline: typed in the editor, the meta
// description and social headline are what the article page's head gives
// search engines and social sites; the page still shows the headline.
func TestMetaDescriptionAndSocialHeadline(t *testing.T) {
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			ctx := browser(t, vp.w, vp.h, true)
			signIn(t, ctx, baseURL, "editor@example.org", demoPassword)
			headline := "Port authority approves night shifts " + vp.name
			fillStory(t, ctx, headline, "<p>The north quay works through the night from March.</p>")
			const social, desc = "The port that never sleeps", "From March the north quay works through the night, the authority said."
			must(t, ctx, centre(`#social_headline`), chromedp.SendKeys(`#social_headline`, social, chromedp.ByQuery),
				chromedp.SendKeys(`#meta_description`, desc, chromedp.ByQuery))
			screenshot(t, ctx, "week-9-meta-fields-"+vp.name)
			clickAndLoad(t, ctx, `button[name=action][value=publish]`)
			idFrom(t, ctx, `/newsroom/articles/(\d+)\?done=published`)
			clickAndLoad(t, ctx, `.page-head .meta a[href^="/science/"]`)
			var head struct{ Description, OGTitle, TwitterTitle, LD, H1 string }
			must(t, ctx, chromedp.Evaluate(`(() => {
				const m = (sel) => (document.querySelector(sel) || {}).content || '';
				return {Description: m('meta[name=description]'), OGTitle: m('meta[property="og:title"]'), TwitterTitle: m('meta[name="twitter:title"]'),
					LD: document.querySelector('script[type="application/ld+json"]').textContent, H1: document.querySelector('h1').textContent.trim()};
			})()`, &head))
			if head.Description != desc || head.OGTitle != social || head.TwitterTitle != social || !strings.Contains(head.H1, headline) {
				t.Errorf("the article's head: %+v", head)
			}
			if !strings.Contains(head.LD, `"alternativeHeadline":"`+social+`"`) || !strings.Contains(head.LD, `"description":"`+desc+`"`) {
				t.Errorf("the JSON-LD: %s", head.LD)
			}
		})
	}
}
