package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// demoPassword is the password of the accounts "serve --demo" makes.
const demoPassword = "dateline-demo"

// TestNewsroomJourney follows one story through the newsroom in real
// browsers, one per person: a reporter writes it with a photo and submits
// it, an editor publishes it, updates it, corrects it and withdraws it, and
// two editors saving at once get the conflict page instead of losing work.
func TestNewsroomJourney(t *testing.T) {
	const (
		headline = "Lunar rover Zvezdograd reaches the crater rim"
		lead     = "The rover climbed the last ridge on its third attempt."
		caption  = "Zvezdograd test image of the crater rim"
		credit   = "Photo: Roman Reporter / DATELINE"
		section  = "science"
	)
	jpg := writeJPEG(t, t.TempDir(), "rim.jpg", 800, 500)

	// The reporter: sign in, upload the photo, write the story, submit it.
	rep := browser(t, 1280, 900, true)
	repDialogs := watchDialogs(rep)
	signIn(t, rep, baseURL, "reporter@example.org", demoPassword)

	must(t, rep, chromedp.Navigate(baseURL+"/newsroom/photos"), chromedp.WaitVisible(`#photo`))
	must(t, rep,
		chromedp.SetUploadFiles(`#photo`, []string{jpg}, chromedp.ByQuery),
		chromedp.SendKeys(`#up-caption`, caption, chromedp.ByQuery),
		chromedp.SendKeys(`#up-credit`, credit, chromedp.ByQuery),
	)
	clickAndLoad(t, rep, `form.upload button[type=submit]`)
	photoID := idFrom(t, rep, `/newsroom/photos/(\d+)\?done=uploaded`)

	must(t, rep, chromedp.Navigate(baseURL+"/newsroom/"))
	clickAndLoad(t, rep, `.page-head a[href="/newsroom/articles/new"]`)
	must(t, rep,
		chromedp.WaitVisible(`#headline`),
		chromedp.SendKeys(`#headline`, headline, chromedp.ByQuery),
		chromedp.SendKeys(`#lead`, lead, chromedp.ByQuery),
		chromedp.SetValue(`#section`, section, chromedp.ByQuery),
		chromedp.SendKeys(`#topics`, "Moon exploration, Zvezdograd mission", chromedp.ByQuery),
		chromedp.SendKeys(`#persons`, "Anna Petrova", chromedp.ByQuery),
	)
	setBody(t, rep, `<p>The Zvezdograd rover reached the rim of the crater on Friday.</p><p>Engineers said the climb took three attempts.</p>`)
	choosePhoto(t, rep, photoID, "Zvezdograd")
	clickAndLoad(t, rep, `button[name=action][value=save]`)
	storyID := idFrom(t, rep, `/newsroom/articles/(\d+)\?done=saved`)
	edit := "/newsroom/articles/" + storyID
	var saved struct {
		Headline, Body, Photo, Caption, Credit string
	}
	must(t, rep, chromedp.Evaluate(`({
		Headline: document.querySelector('#headline').value,
		Body: document.querySelector('textarea.body-source').value,
		Photo: document.querySelector('input[name=photo_id]').value,
		Caption: document.querySelector('#caption').value,
		Credit: document.querySelector('#credit').value,
	})`, &saved))
	if saved.Headline != headline || !strings.Contains(saved.Body, "three attempts") || saved.Photo != photoID || saved.Caption != caption || saved.Credit != credit {
		t.Fatalf("the saved story is not what was typed: %+v", saved)
	}
	clickAndLoad(t, rep, `button[name=action][value=submit]`)
	if flash := text(t, rep, `.flash`); !strings.Contains(flash, "Submitted") {
		t.Fatalf("after submitting: %q", flash)
	}

	// The editor: the desk filtered by status, open the story, publish.
	ed := browser(t, 1280, 900, true)
	edDialogs := watchDialogs(ed)
	signIn(t, ed, baseURL, "editor@example.org", demoPassword)
	must(t, ed, chromedp.SetValue(`form.filters select[name=status]`, "submitted", chromedp.ByQuery))
	clickAndLoad(t, ed, `form.filters button[type=submit]`)
	var rows []struct{ Href, Headline, Status string }
	must(t, ed, chromedp.Evaluate(`[...document.querySelectorAll('table.desk tbody tr')].map(tr => ({
		Href: tr.querySelector('a').getAttribute('href'),
		Headline: tr.querySelector('a').textContent.trim(),
		Status: tr.querySelector('.status').textContent.trim(),
	}))`, &rows))
	found := false
	for _, r := range rows {
		if r.Status != "submitted" {
			t.Errorf("the desk filtered by submitted shows %q (%s)", r.Headline, r.Status)
		}
		found = found || (r.Href == edit && r.Headline == headline)
	}
	if !found {
		t.Fatalf("the submitted story is not on the desk: %+v", rows)
	}
	screenshot(t, ed, "newsroom-desk")
	clickAndLoad(t, ed, `table.desk a[href="`+edit+`"]`)
	screenshot(t, ed, "newsroom-editor")
	clickAndLoad(t, ed, `button[name=action][value=publish]`)
	if flash := text(t, ed, `.flash`); !strings.Contains(flash, "Published") {
		t.Fatalf("after publishing: %q", flash)
	}
	var articlePath string
	must(t, ed, chromedp.Evaluate(`[...document.querySelectorAll('.page-head a')].find(a => a.textContent.includes('view on the site')).getAttribute('href')`, &articlePath))
	if !strings.HasPrefix(articlePath, "/"+section+"/") {
		t.Fatalf("article address %q", articlePath)
	}

	// Lead the home page with it, then read it as a reader would.
	must(t, ed, chromedp.Navigate(baseURL+"/newsroom/top"))
	must(t, ed, chromedp.SetValue(`#add_article`, storyID, chromedp.ByQuery),
		chromedp.SetValue(`#add_pos`, "1", chromedp.ByQuery))
	clickAndLoad(t, ed, `form.top-form > button.primary`)
	must(t, ed, chromedp.Navigate(baseURL+"/"))
	if h := text(t, ed, `.top-main h3`); h != headline {
		t.Errorf("the home page leads with %q", h)
	}
	waitImage(t, ed, `.top-main img`, "the home page's top photo")
	// The section's page lists it, or leads with it (its newest story
	// with a photo, above the list).
	must(t, ed, chromedp.Navigate(baseURL+"/"+section))
	var listed string
	must(t, ed, chromedp.Evaluate(`[...document.querySelectorAll(".section-lead, #feed")].map(e => e.textContent).join(" ")`, &listed))
	if !strings.Contains(listed, headline) {
		t.Errorf("the %s page does not list the story", section)
	}
	must(t, ed, chromedp.Navigate(baseURL+articlePath))
	if h := text(t, ed, `article.article h1`); h != headline {
		t.Errorf("article h1 %q", h)
	}
	waitImage(t, ed, `article.article figure img`, "the article's photo")
	if fc := text(t, ed, `article.article figure figcaption`); !strings.Contains(fc, caption) || !strings.Contains(fc, credit) {
		t.Errorf("the photo's caption reads %q", fc)
	}
	if body := text(t, ed, `article.article .body`); !strings.Contains(body, "three attempts") {
		t.Errorf("the article body reads %q", body)
	}

	// An update with an advisory, then a correction.
	const advisory = "Adds the engineers' account of the climb"
	must(t, ed, chromedp.Navigate(baseURL+edit), chromedp.SendKeys(`#advisory`, advisory, chromedp.ByQuery))
	clickAndLoad(t, ed, `button[name=action][value=save]`)
	code, page := httpGet(t, baseURL+articlePath)
	if code != 200 || !strings.Contains(page, "Updated:") || !strings.Contains(page, "Adds the engineers&#39; account of the climb") {
		t.Errorf("after the update the article (%d) does not show it", code)
	}
	const correction = "An earlier version gave the wrong number of attempts."
	must(t, ed, chromedp.Navigate(baseURL+edit), chromedp.SendKeys(`#correction`, correction, chromedp.ByQuery))
	clickAndLoad(t, ed, `button[name=action][value=save]`)
	code, page = httpGet(t, baseURL+articlePath)
	if code != 200 || !strings.Contains(page, "CORRECTED") || !strings.Contains(page, correction) {
		t.Errorf("after the correction the article (%d) does not show it", code)
	}

	// Two editors change the headline of the live story at once. (The
	// conflict is tried before the withdrawal: two people updating a
	// published story is where it happens.)
	adm := browser(t, 1280, 900, true)
	admDialogs := watchDialogs(adm)
	signIn(t, adm, baseURL, "admin@example.org", demoPassword)
	const first, second = "Lunar rover Zvezdograd reaches the rim at last", "Zvezdograd rover tops the crater ridge"
	for _, c := range []context.Context{ed, adm} {
		must(t, c, chromedp.Navigate(baseURL+edit), chromedp.WaitVisible(`#headline`),
			chromedp.Evaluate(`document.querySelector('#headline').value = ''`, nil))
	}
	must(t, ed, chromedp.SendKeys(`#headline`, first, chromedp.ByQuery))
	must(t, adm, chromedp.SendKeys(`#headline`, second, chromedp.ByQuery))
	clickAndLoad(t, ed, `button[name=action][value=save]`)
	clickAndLoad(t, adm, `button[name=action][value=save]`)
	conflict := text(t, adm, `section.conflict`)
	for _, want := range []string{"Someone saved this story while you were editing", "Elena Editor", "at last", "tops the crater ridge"} {
		if !strings.Contains(conflict, want) {
			t.Errorf("the conflict page lacks %q:\n%s", want, conflict)
		}
	}
	var kept string
	must(t, adm, chromedp.Value(`#headline`, &kept, chromedp.ByQuery))
	if kept != second {
		t.Errorf("the conflict form holds %q, want the refused %q", kept, second)
	}
	screenshot(t, adm, "newsroom-conflict")
	if _, page := httpGet(t, baseURL+articlePath); !strings.Contains(page, first) || strings.Contains(page, second) {
		t.Errorf("after the conflict the site does not show the first save's headline")
	}
	must(t, adm, chromedp.Navigate(baseURL+edit+"/history"))
	if h := text(t, adm, `table.history`); !strings.Contains(h, "Refused edit (kept)") {
		t.Errorf("the history does not list the refused edit:\n%s", h)
	}

	// The editor on a phone.
	phone := browser(t, 390, 844, true)
	phoneDialogs := watchDialogs(phone)
	signIn(t, phone, baseURL, "editor@example.org", demoPassword)
	for _, p := range []struct{ path, name string }{{"/newsroom/", "newsroom-desk-phone"}, {edit, "newsroom-editor-phone"}} {
		must(t, phone, chromedp.Navigate(baseURL+p.path), chromedp.WaitReady(`main`))
		var wide []string
		must(t, phone, chromedp.Evaluate(overflowing, &wide))
		if len(wide) > 0 {
			t.Errorf("%s at 390 px: wider than the screen: %s", p.path, strings.Join(wide, "; "))
		}
		screenshot(t, phone, p.name)
	}

	// Withdrawal: the address answers 410 with the reason, the lists drop it.
	const reason = "The rover never left the crater; the report was wrong."
	must(t, ed, chromedp.Navigate(baseURL+edit), chromedp.SendKeys(`#withdraw_note`, reason, chromedp.ByQuery),
		chromedp.Click(`#withdraw-confirm`, chromedp.ByQuery))
	clickAndLoad(t, ed, `form.withdraw button[type=submit]`)
	if flash := text(t, ed, `.flash`); !strings.Contains(flash, "Withdrawn") {
		t.Fatalf("after withdrawing: %q", flash)
	}
	if code, page := httpGet(t, baseURL+articlePath); code != http.StatusGone || !strings.Contains(page, "The rover never left the crater; the report was wrong.") {
		t.Errorf("the withdrawn article answers %d without the reason", code)
	}
	for _, p := range []string{"/news", "/", "/" + section} {
		if _, page := httpGet(t, baseURL+p); strings.Contains(page, "Zvezdograd") {
			t.Errorf("%s still lists the withdrawn story", p)
		}
	}

	for name, d := range map[string]*dialogs{"reporter": repDialogs, "editor": edDialogs, "admin": admDialogs, "phone": phoneDialogs} {
		if seen := d.list(); len(seen) > 0 {
			t.Errorf("the %s's browser opened dialogs: %q", name, seen)
		}
		if errs := d.exceptions(); len(errs) > 0 {
			t.Errorf("JavaScript errors in the %s's browser: %q", name, errs)
		}
	}
}

// overflowing lists the elements that stick out past the right edge of the
// screen, which make a phone scroll sideways. Elements inside a box that
// scrolls sideways itself (the newsroom's menu, wide tables) are fine.
const overflowing = `(() => {
	const w = document.documentElement.clientWidth, out = [];
	const scrolls = (e) => {
		for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
			if (/auto|scroll|hidden|clip/.test(getComputedStyle(p).overflowX)) return true;
		}
		return false;
	};
	for (const e of document.querySelectorAll('body *')) {
		const r = e.getBoundingClientRect();
		if (r.width && r.right > w + 1 && !e.closest('[hidden], dialog:not([open])') && !scrolls(e)) {
			out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') + ' ' + Math.round(r.right) + 'px');
		}
	}
	return out.slice(0, 8);
})()`

// signIn signs in through the login page, as a person types it.
func signIn(t *testing.T, ctx context.Context, base, email, password string) {
	t.Helper()
	must(t, ctx,
		network.SetExtraHTTPHeaders(network.Headers{"X-Forwarded-For": signInAddress()}),
		chromedp.Navigate(base+"/newsroom/login"),
		chromedp.WaitVisible(`#email`),
		chromedp.SendKeys(`#email`, email, chromedp.ByQuery),
		chromedp.SendKeys(`#password`, password, chromedp.ByQuery),
	)
	clickAndLoad(t, ctx, `.login button[type=submit]`)
	var loc string
	must(t, ctx, chromedp.Location(&loc))
	if !strings.HasSuffix(loc, "/newsroom/") {
		t.Fatalf("sign-in as %s ended at %s: %s", email, loc, text(t, ctx, `main`))
	}
}

// signInAddress is a new address for each person who signs in, as the
// shared server's trusted proxy (loopback) names them: the e2e tests sign
// in more often than the newsroom's per-address limit lets one address.
func signInAddress() string {
	n := signIns.Add(1)
	return fmt.Sprintf("198.51.%d.%d", 100+n/250, 1+n%250)
}

var signIns atomic.Int64

// clickAndLoad clicks sel, which submits a form or follows a link, and
// waits for the next page to have loaded.
func clickAndLoad(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	must(t, ctx,
		chromedp.WaitVisible(sel, chromedp.ByQuery),
		centre(sel),
		chromedp.Evaluate(`window.__stale = true`, nil),
		chromedp.Click(sel, chromedp.NodeVisible, chromedp.ByQuery),
	)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var fresh bool
		// Errors are expected while the old page is replaced.
		if err := chromedp.Run(ctx, chromedp.Evaluate(`!window.__stale && document.readyState === 'complete'`, &fresh)); err == nil && fresh {
			return
		}
		time.Sleep(30 * time.Millisecond)
	}
	t.Fatalf("clicking %s did not load a new page", sel)
}

// centre scrolls the element at sel to the middle of the window, away from
// sticky bars.
func centre(sel string) chromedp.Action {
	return chromedp.Evaluate(`document.querySelector(`+jsString(sel)+`).scrollIntoView({block: "center", inline: "center"})`, nil)
}

// idFrom returns the number the pattern finds in the tab's address.
func idFrom(t *testing.T, ctx context.Context, pattern string) string {
	t.Helper()
	var loc string
	must(t, ctx, chromedp.Location(&loc))
	m := regexp.MustCompile(pattern).FindStringSubmatch(loc)
	if m == nil {
		var msg string
		chromedp.Run(ctx, chromedp.Evaluate(`(document.querySelector('.error, main') || document.body).innerText.slice(0, 600)`, &msg))
		t.Fatalf("at %s, want %s: %s", loc, pattern, msg)
	}
	return m[1]
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	must(t, ctx, chromedp.Text(sel, &s, chromedp.NodeReady, chromedp.ByQuery))
	return strings.TrimSpace(s)
}

// setBody puts html into the story's body: into the rich editor when the
// script made one (it writes itself back to the textarea on submit), and
// into the textarea in any case.
func setBody(t *testing.T, ctx context.Context, html string) {
	t.Helper()
	must(t, ctx, chromedp.Evaluate(`((html) => {
		const ta = document.querySelector('textarea.body-source');
		ta.value = html;
		ta.dispatchEvent(new Event('input', {bubbles: true}));
		const ed = document.querySelector('#story-form [contenteditable=true]');
		if (ed) {
			ed.innerHTML = html;
			ed.dispatchEvent(new Event('input', {bubbles: true}));
		}
	})(`+jsString(html)+`)`, nil))
}

// choosePhoto makes photo id the main photo through the editor's picker,
// searching for word. When the picker fails, the test fails and the field
// is set directly, so that the rest of the journey still runs.
func choosePhoto(t *testing.T, ctx context.Context, id, word string) {
	t.Helper()
	pctx, cancel := context.WithTimeout(ctx, 8*time.Second)
	defer cancel()
	// The editor's sticky action bar covers the bottom of the window, where
	// a plain scroll would leave the button, so it is centred first.
	err := chromedp.Run(pctx,
		centre(`[data-pick-photo]`),
		chromedp.Click(`[data-pick-photo]`, chromedp.NodeVisible, chromedp.ByQuery),
		chromedp.WaitVisible(`dialog.editor-dialog #picker-q`, chromedp.ByQuery),
		chromedp.SendKeys(`dialog.editor-dialog #picker-q`, word, chromedp.ByQuery),
		chromedp.Poll(`(() => {
			const b = document.querySelectorAll('dialog.editor-dialog button.picker-photo');
			return b.length === 1 && b[0].textContent.includes(`+jsString(word)+`);
		})()`, nil, chromedp.WithPollingTimeout(5*time.Second)),
		chromedp.Click(`dialog.editor-dialog button.picker-photo`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`dialog.editor-dialog[open]`, chromedp.ByQuery),
	)
	var got string
	if err == nil {
		err = chromedp.Run(ctx, chromedp.Value(`input[name=photo_id]`, &got, chromedp.ByQuery))
	}
	if err == nil && got == id {
		return
	}
	var state string
	chromedp.Run(ctx, chromedp.Evaluate(`(() => { const d = document.querySelector('dialog'); return (document.querySelector('.editor-toolbar') ? 'rich editor; ' : 'no rich editor; ') + (d ? (d.open ? 'open: ' : 'closed: ') + d.innerText.slice(0, 400) : 'no dialog'); })()`, &state))
	t.Errorf("the photo picker did not choose photo %s (photo_id %q): %v; %s", id, got, err, state)
	must(t, ctx, chromedp.Evaluate(`(() => {
		const d = document.querySelector('dialog[open]');
		if (d) d.close();
		document.querySelector('input[name=photo_id]').value = `+jsString(id)+`;
	})()`, nil))
}

// waitImage waits until the image at sel has loaded.
func waitImage(t *testing.T, ctx context.Context, sel, what string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err := chromedp.Run(c,
		chromedp.ScrollIntoView(sel, chromedp.ByQuery),
		chromedp.Poll(`(() => { const i = document.querySelector(`+jsString(sel)+`); return !!i && i.complete && i.naturalWidth > 0; })()`, nil),
	)
	if err != nil {
		t.Errorf("%s (%s) did not load: %v", what, sel, err)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == '\u2028' || r == '\u2029' || r == '<':
			b.WriteString(`\u`)
			const hex = "0123456789abcdef"
			b.WriteString(string([]byte{hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15]}))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// writeJPEG writes a w×h JPEG with a gradient into dir.
func writeJPEG(t *testing.T, dir, name string, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 140, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// dialogs records the JavaScript dialogs a tab opened. Alerts, confirms
// and prompts are dismissed and recorded; "leave this page?" is accepted,
// so navigation never hangs.
type dialogs struct {
	mu     sync.Mutex
	seen   []string
	taken  int      // how many of seen fresh has returned
	errors []string // uncaught JavaScript exceptions
}

func watchDialogs(ctx context.Context) *dialogs {
	d := &dialogs{}
	chromedp.ListenTarget(ctx, func(ev any) {
		if x, ok := ev.(*runtime.EventExceptionThrown); ok {
			d.mu.Lock()
			d.errors = append(d.errors, x.ExceptionDetails.Error()+" at "+x.ExceptionDetails.URL)
			d.mu.Unlock()
			return
		}
		e, ok := ev.(*page.EventJavascriptDialogOpening)
		if !ok {
			return
		}
		leave := e.Type == page.DialogTypeBeforeunload
		if !leave {
			d.mu.Lock()
			d.seen = append(d.seen, string(e.Type)+": "+e.Message+" at "+e.URL)
			d.mu.Unlock()
		}
		// Answering from inside the listener would block its loop.
		go chromedp.Run(ctx, page.HandleJavaScriptDialog(leave))
	})
	return d
}

func (d *dialogs) list() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.seen...)
}

// fresh returns the dialogs seen since its last call.
func (d *dialogs) fresh() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := append([]string(nil), d.seen[d.taken:]...)
	d.taken = len(d.seen)
	return out
}

// takeExceptions returns the exceptions seen since its last call.
func (d *dialogs) takeExceptions() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.errors
	d.errors = nil
	return out
}

func (d *dialogs) exceptions() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.errors...)
}
