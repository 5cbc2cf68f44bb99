package e2e

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// xssPayloads each try to run window.__xss=1 and open an alert, from text
// (script, event handlers, breaking out of attributes, <title> and
// <textarea>), from entities that a careless decode turns into markup, and
// from a javascript: address.
var xssPayloads = []string{
	`<script>window.__xss=1;alert(1)</script>`,
	`<img src=x onerror="window.__xss=1;alert(2)">`,
	`"><svg onload=window.__xss=1;alert(3)>`,
	`'><img src=x onerror=window.__xss=1;alert(4)>`,
	`</textarea><script>window.__xss=1;alert(5)</script>`,
	`</title><script>window.__xss=1;alert(6)</script>`,
	`&lt;img src=x onerror=window.__xss=1;alert(7)&gt;`,
	`javascript:window.__xss=1;alert(8)`,
}

// xssText is prefix followed by as many payloads as fit in limit
// characters, starting with payload from (and going round). The first is
// written with entities too: fields kept as plain text lose the markup of
// the others, but store that one as markup.
func xssText(prefix string, limit, from int) string {
	s := prefix + " " + html.EscapeString(xssPayloads[from%len(xssPayloads)])
	for i := range xssPayloads {
		p := xssPayloads[(from+i)%len(xssPayloads)]
		if utf8.RuneCountInString(s)+1+utf8.RuneCountInString(p) > limit {
			break
		}
		s += " " + p
	}
	return s
}

// xssBody is a story body with every payload, the javascript: links and
// embeds a sanitiser must drop, and a second page.
func xssBody() string {
	var b strings.Builder
	for i, p := range xssPayloads {
		fmt.Fprintf(&b, "<p>Xssprobe paragraph %d %s</p>\n", i, p)
	}
	b.WriteString(`<p><a href="javascript:window.__xss=1;alert(9)">link one</a> <a href="JaVaScRiPt:window.__xss=1;alert(10)">link two</a> ` +
		`<a href=" &#106;avascript:window.__xss=1;alert(11)">link three</a> <a href="data:text/html,&lt;script&gt;alert(12)&lt;/script&gt;">link four</a></p>` + "\n")
	b.WriteString(`<p onclick="window.__xss=1" style="background:url(javascript:alert(13))">styled</p>` +
		`<iframe src="javascript:window.__xss=1;alert(14)"></iframe><iframe srcdoc="<script>parent.__xss=1</script>"></iframe>` +
		`<object data="javascript:alert(15)"></object><embed src="javascript:alert(16)">` +
		`<form action="javascript:alert(17)"><button formaction="javascript:alert(18)">go</button></form>` +
		`<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=1;alert(19)"></style></mglyph></table></mtext></math>` +
		`<svg><a xlink:href="javascript:alert(20)"><text>svg link</text></a></svg>` +
		`<p>&lt;script&gt;window.__xss=1;alert(21)&lt;/script&gt; &amp;lt;img src=x onerror=alert(22)&amp;gt;</p>` + "\n")
	b.WriteString(`<hr class="page-break">` + "\n")
	fmt.Fprintf(&b, "<p>Xssprobe second page %s %s</p>\n", xssPayloads[0], xssPayloads[4])
	return b.String()
}

// TestScriptStaysInert puts script payloads in every field the newsroom
// has (story, photo, tags, people, sections, story pages, galleries,
// tokens, withdrawal reasons), publishes them, and opens every page that
// shows them in Chromium with JavaScript on and the pages' Content Security
// Policy bypassed, so that only escaping keeps them inert: no script may run,
// no dialog open, and no script, event handler or javascript: address may
// be in the page at all.
func TestScriptStaysInert(t *testing.T) {
	base := xssServer(t)

	// An admin adds a section and a person named with payloads; that
	// person, an admin too, does the rest.
	root := newClient(t, base)
	root.login("root@example.org", xssPassword)
	const secSlug = "xss-section"
	root.post("/newsroom/sections", url.Values{"slug": {secSlug}, "name": {xssText("Xss section", 200, 0)}, "position": {"1"}, "codes": {""}}, 303)
	// Names are kept as typed, so this one is in the header of every
	// newsroom page as two payloads.
	user := "Xss " + xssPayloads[2] + " " + xssPayloads[1]
	root.post("/newsroom/users", url.Values{"email": {"xss@example.org"}, "name": {user}, "role": {"admin"}, "password": {xssPassword}}, 303)
	for i, p := range xssPayloads {
		root.post("/newsroom/users", url.Values{"email": {fmt.Sprintf("xss%d@example.org", i)}, "name": {"Xss " + p}, "role": {"reporter"}, "password": {xssPassword}}, 303)
	}
	x := newClient(t, base)
	x.login("xss@example.org", xssPassword)
	x.post("/newsroom/tokens", url.Values{"name": {xssText("Xss token", 100, 2)}, "scope": {"read"}}, 201)

	// The photo: caption and credit at upload, a description after.
	loc := x.upload(writeJPEG(t, t.TempDir(), "xss.jpg", 640, 400), xssText("Xssprobe caption", 1000, 0), xssText("Xss credit", 200, 3))
	photoID := regexp.MustCompile(`^/newsroom/photos/(\d+)`).FindStringSubmatch(loc)
	if photoID == nil {
		t.Fatalf("upload went to %q", loc)
	}
	x.post("/newsroom/photos/"+photoID[1], url.Values{"caption": {xssText("Xssprobe caption", 1000, 2)}, "credit": {xssText("Xss credit", 200, 5)}, "alt": {xssText("Xss alt", 1000, 4)}}, 303)

	// The story: saved as a draft, published with another headline,
	// then updated with an advisory and a correction.
	story := func(headline string) url.Values {
		v := url.Values{"headline": {headline}, "lead": {xssText("Xssprobe lead", 2000, 0)}, "body": {xssBody()},
			"section": {secSlug}, "lang": {"en"}, "urgency": {"2"}, "breaking": {"1"},
			"place": {xssText("Xssplace", 100, 2)}, "byline": {xssText("Xss byline", 200, 5)},
			"photo_id": {photoID[1]}, "caption": {xssText("Xssprobe main caption", 1000, 1)}, "credit": {xssText("Xss main credit", 200, 6)}}
		// Tag names are stored as plain text: tags are stripped, and
		// entities decoded, so the escaped payloads are stored as markup.
		var topics, persons []string
		for i, p := range xssPayloads {
			for j, q := range []string{p, html.EscapeString(p)} {
				topics = append(topics, fmt.Sprintf("Xsstopic %d%c %s", i, 'a'+j, q))
				persons = append(persons, fmt.Sprintf("Xssperson %d%c %s", i, 'a'+j, q))
			}
		}
		v.Set("topics", strings.Join(topics, ", "))
		v.Set("persons", strings.Join(persons, ", "))
		return v
	}
	headline := xssText("Xssprobe", 300, 0)
	v := story(xssText("Xssprobe draft", 300, 4))
	v.Set("version", "0")
	v.Set("action", "save")
	id := regexp.MustCompile(`^/newsroom/articles/(\d+)`).FindStringSubmatch(x.post("/newsroom/articles", v, 303))
	if id == nil {
		t.Fatal("the story was not created")
	}
	edit := "/newsroom/articles/" + id[1]
	v = story(headline)
	x.save(edit, v, "publish")
	v.Set("advisory", xssText("Xss advisory", 200, 3))
	v.Set("correction", xssText("Xss correction", 1000, 0))
	x.save(edit, v, "save")

	// A story page, a gallery, the top stories, and a withdrawn story.
	sp := regexp.MustCompile(`^/newsroom/stories/(\d+)`).FindStringSubmatch(
		x.post("/newsroom/stories", url.Values{"title": {xssText("Xss story page", 200, 4)}, "slug": {"xss-story"}, "intro": {strings.Join(xssPayloads, "\n\n")}}, 303))
	if sp == nil {
		t.Fatal("the story page was not created")
	}
	x.post("/newsroom/stories/"+sp[1], url.Values{"title": {xssText("Xss story page", 200, 4)}, "slug": {"xss-story"}, "intro": {strings.Join(xssPayloads, "\n\n")}, "attach": {id[1]}}, 303)
	gallery := x.post("/newsroom/galleries", url.Values{"title": {xssText("Xss gallery", 300, 1)}, "text": {strings.Join(xssPayloads, "\n")}, "section": {secSlug}, "photo": {photoID[1]}, "pos-" + photoID[1]: {"1"}, "action": {"publish"}}, 303)
	x.post("/newsroom/top", url.Values{"add_story": {sp[1]}, "add_pos": {"1"}}, 303)
	x.post("/newsroom/top", url.Values{"item": {"s" + sp[1]}, "pos-s" + sp[1]: {"1"}, "add_article": {id[1]}, "add_pos": {"1"}}, 303)
	w := story(xssText("Xssgone", 300, 5))
	w.Set("version", "0")
	w.Set("action", "save")
	wid := regexp.MustCompile(`^/newsroom/articles/(\d+)`).FindStringSubmatch(x.post("/newsroom/articles", w, 303))
	if wid == nil {
		t.Fatal("the second story was not created")
	}
	x.save("/newsroom/articles/"+wid[1], w, "publish")
	x.post("/newsroom/articles/"+wid[1]+"/withdraw", url.Values{"version": {x.version("/newsroom/articles/" + wid[1])}, "withdraw_note": {xssText("Xss reason", 500, 0)}, "confirm": {"1"}}, 303)

	// The browser: JavaScript on, the CSP out of the way.
	ctx := browser(t, 1280, 900, true)
	d := watchDialogs(ctx)
	must(t, ctx, page.SetBypassCSP(true))
	check := func(what string) {
		t.Helper()
		checkInert(t, ctx, d, what, true)
	}
	shot := func(name string) { screenshot(t, ctx, "xss-"+name) }

	// The sign-in form echoes the email it was given and keeps "next".
	must(t, ctx, chromedp.Navigate(base+"/newsroom/login?next="+url.QueryEscape("/newsroom/"+xssPayloads[2])), chromedp.WaitVisible(`#email`))
	check("the sign-in form with a next address")
	must(t, ctx,
		chromedp.Evaluate(`document.querySelector('#email').type = 'text'`, nil),
		chromedp.SendKeys(`#email`, xssPayloads[2]+xssPayloads[1], chromedp.ByQuery),
		chromedp.SendKeys(`#password`, "wrong password", chromedp.ByQuery))
	clickAndLoad(t, ctx, `.login button[type=submit]`)
	check("the sign-in form after a failure")
	signIn(t, ctx, base, "xss@example.org", xssPassword)
	check("the desk")

	// The public pages; the tag pages are found from the article's links.
	var article string
	must(t, ctx, chromedp.Navigate(base+edit),
		chromedp.Evaluate(`[...document.querySelectorAll('.page-head a')].find(a => a.textContent.includes('view on the site')).getAttribute('href')`, &article))
	wArticle := "/" + secSlug + "/" + wid[1]
	must(t, ctx, chromedp.Navigate(base+article))
	// A tag whose payload was all markup is stored without it: its page
	// has nothing to show.
	var tags []struct {
		Href  string
		Shown bool
	}
	must(t, ctx, chromedp.Evaluate(`[...new Map([...document.querySelectorAll('a[href^="/topics/"], a[href^="/persons/"], a[href^="/stories/"]')]
		.map(a => [a.getAttribute('href'), {Href: a.getAttribute('href'), Shown: a.textContent.includes('__xss')}])).values()]`, &tags))
	if want := 4*len(xssPayloads) + 1; len(tags) < want-4 {
		t.Errorf("the article links %d topics, persons and story pages, want about %d: %+v", len(tags), want, tags)
	}
	public := []struct {
		path string
		code int
	}{
		{article, 200}, {article + "?page=2", 200}, {wArticle, 410}, {"/", 200}, {"/news", 200}, {"/" + secSlug, 200},
		{"/search?q=" + url.QueryEscape(headline), 200}, {"/search?q=Xssprobe", 200}, {"/search?q=" + url.QueryEscape(xssPayloads[1]), 200},
		{gallery, 200}, {"/photo/", 200}, {"/xss-nowhere/" + url.PathEscape(xssPayloads[2]), 404},
	}
	for _, p := range public {
		x.expect(p.path, p.code)
		must(t, ctx, chromedp.Navigate(base+p.path))
		check(p.path)
		if p.path == article {
			shot("article")
		}
	}
	for _, tag := range tags {
		x.expect(tag.Href, 200)
		must(t, ctx, chromedp.Navigate(base+tag.Href))
		checkInert(t, ctx, d, tag.Href, tag.Shown)
	}

	// The newsroom's pages.
	nr := []string{"/newsroom/", "/newsroom/?q=Xssprobe", "/newsroom/?q=" + url.QueryEscape(xssPayloads[2]), edit + "/history",
		"/newsroom/photos", "/newsroom/photos?q=" + url.QueryEscape(xssPayloads[3]), "/newsroom/photos/" + photoID[1],
		"/newsroom/users", "/newsroom/audit", "/newsroom/sections", "/newsroom/tokens", "/newsroom/stories", "/newsroom/stories/" + sp[1],
		"/newsroom/top", "/newsroom/galleries", "/newsroom/account", "/newsroom/articles/new", "/newsroom/" + url.PathEscape(xssPayloads[1])}
	for _, p := range nr {
		code := 200
		if strings.HasPrefix(p, "/newsroom/%") {
			code = 404
		}
		x.expect(p, code)
		must(t, ctx, chromedp.Navigate(base+p))
		check(p)
		if p == "/newsroom/users" || p == "/newsroom/audit" || p == "/newsroom/" {
			shot(strings.Trim(p, "/"))
		}
	}
	// Compare the draft with the published version, as the history's
	// button does.
	must(t, ctx, chromedp.Navigate(base+edit+"/history"),
		chromedp.Evaluate(`(() => { const r = document.querySelectorAll('input[name=a]'); r[r.length - 1].checked = true; })()`, nil))
	clickAndLoad(t, ctx, `#compare-form button.primary`)
	check("the comparison of the draft and the last version")
	shot("compare")

	// The editor with its pickers and suggestions, which build markup
	// from the newsroom's API in the browser.
	x.expect(edit, 200)
	must(t, ctx, chromedp.Navigate(base+edit), chromedp.WaitVisible(`#headline`))
	check("the editor")
	shot("editor")
	for _, pick := range []string{`[data-pick-photo]`, `[data-pick-follows]`} {
		must(t, ctx, centre(pick), chromedp.Click(pick, chromedp.NodeVisible, chromedp.ByQuery),
			chromedp.WaitVisible(`dialog.editor-dialog #picker-q`, chromedp.ByQuery),
			chromedp.SendKeys(`dialog.editor-dialog #picker-q`, "Xss", chromedp.ByQuery),
			chromedp.Poll(`document.querySelectorAll('dialog.editor-dialog .picker-photo, dialog.editor-dialog .picker-story').length > 0`, nil, chromedp.WithPollingTimeout(5*time.Second)),
			chromedp.Sleep(300*time.Millisecond))
		check("the editor's picker " + pick)
		shot("picker-" + strings.Trim(pick, "[]"))
		must(t, ctx, chromedp.Evaluate(`document.querySelector('dialog.editor-dialog').close()`, nil))
	}
	must(t, ctx, centre(`#topics`), chromedp.Evaluate(`document.querySelector('#topics').value = ''`, nil),
		chromedp.SendKeys(`#topics`, "Xsstopic", chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll('#topics-suggestions li').length > 0`, nil, chromedp.WithPollingTimeout(5*time.Second)))
	check("the editor's topic suggestions")

	// A conflict: another save lands while this editor is open.
	must(t, ctx, chromedp.Navigate(base+edit), chromedp.WaitVisible(`#headline`))
	v.Del("correction")
	x.save(edit, v, "save")
	clickAndLoad(t, ctx, `button[name=action][value=save]`)
	var conflict bool
	must(t, ctx, chromedp.Evaluate(`!!document.querySelector('section.conflict')`, &conflict))
	if !conflict {
		t.Error("saving over another save did not show the conflict")
	}
	check("the conflict page")
	shot("conflict")

	// Restoring the draft puts its raw fields back into the form.
	must(t, ctx, chromedp.Navigate(base+edit+"/history"))
	clickAndLoad(t, ctx, `table.history tbody tr:last-child button.link-button`)
	check("the editor restoring the draft")

	// The preview of a form holding the payloads as typed.
	preview := story(headline)
	must(t, ctx, chromedp.Navigate(base+"/newsroom/"), chromedp.Evaluate(`((fields) => {
		const f = document.createElement('form');
		f.method = 'post';
		f.action = '/newsroom/preview';
		fields.csrf = [document.querySelector('meta[name=csrf-token]').content];
		for (const [k, vs] of Object.entries(fields)) for (const v of vs) {
			const i = document.createElement('textarea');
			i.name = k;
			i.value = v;
			f.append(i);
		}
		document.body.append(f);
		window.__stale = true;
		f.submit();
	})(`+jsonValues(preview)+`)`, nil))
	waitFresh(t, ctx)
	var banner string
	must(t, ctx, chromedp.Evaluate(`(document.querySelector('.preview-banner') || document.body).innerText.slice(0, 200)`, &banner))
	if !strings.Contains(banner, "Preview") {
		t.Errorf("the preview did not open: %s", banner)
	}
	check("the preview")

	if seen := d.fresh(); len(seen) > 0 {
		t.Errorf("dialogs opened: %q", seen)
	}
}

// inertJS reports whether a payload ran, and what in the document could
// run one: scripts other than the site's own, event handler attributes,
// javascript: addresses and frames.
const inertJS = `(() => {
	const bad = [];
	const js = (v) => /^javascript:/i.test(String(v || '').replace(/[\u0000-\u0020]/g, ''));
	const show = (e) => e.outerHTML.slice(0, 140);
	for (const e of document.querySelectorAll('*')) {
		for (const a of e.attributes) {
			const n = a.name.toLowerCase();
			if (n.startsWith('on')) bad.push('handler: ' + show(e));
			else if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster'].includes(n) && js(a.value)) bad.push('javascript: address: ' + show(e));
			else if (n === 'srcdoc') bad.push('srcdoc: ' + show(e));
		}
		const tag = e.localName;
		if (tag === 'script' && e.type === 'application/ld+json') {
			// Structured data: never run, and it must stay one JSON value.
			try { JSON.parse(e.textContent); } catch (err) { bad.push('JSON-LD that is not JSON: ' + show(e)); }
		} else if (tag === 'script' && !(e.src && new URL(e.src, location.href).origin === location.origin && new URL(e.src).pathname.startsWith('/static/'))) bad.push('script: ' + show(e));
		if (['iframe', 'frame', 'object', 'embed', 'base'].includes(tag)) bad.push('element: ' + show(e));
		if (tag === 'meta' && /refresh/i.test(e.httpEquiv)) bad.push('refresh: ' + show(e));
	}
	// Escaped payloads show as text or as form values.
	const values = [...document.querySelectorAll('input, textarea')].map((e) => e.value).join(' ');
	const shown = (document.body.innerText + values + document.title).includes('__xss');
	return {ran: typeof window.__xss !== 'undefined', shown: shown, bad: bad.slice(0, 8)};
})()`

// checkInert fails the test if the tab's page ran a payload, opened a
// dialog or holds anything that could run one, or, when shown is set, if
// no payload is on it at all.
func checkInert(t *testing.T, ctx context.Context, d *dialogs, what string, shown bool) {
	t.Helper()
	// Broken images report their error a moment after the load.
	time.Sleep(150 * time.Millisecond)
	var res struct {
		Ran, Shown bool
		Bad        []string
	}
	must(t, ctx, chromedp.Evaluate(inertJS, &res))
	if res.Ran {
		t.Errorf("%s: a payload ran (window.__xss is set)", what)
	}
	if shown && !res.Shown {
		t.Errorf("%s: no payload is on the page, so it tests nothing", what)
	}
	for _, b := range res.Bad {
		t.Errorf("%s: %s", what, b)
	}
	if seen := d.fresh(); len(seen) > 0 {
		t.Errorf("%s: dialogs opened: %q", what, seen)
	}
	if errs := d.takeExceptions(); len(errs) > 0 {
		t.Errorf("%s: JavaScript errors: %q", what, errs)
	}
}

// waitFresh waits for the page that replaces one marked window.__stale.
func waitFresh(t *testing.T, ctx context.Context) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var fresh bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(`!window.__stale && document.readyState === 'complete'`, &fresh)); err == nil && fresh {
			return
		}
		time.Sleep(30 * time.Millisecond)
	}
	t.Fatal("no new page loaded")
}

func jsonValues(v url.Values) string {
	var b strings.Builder
	b.WriteByte('{')
	first := true
	for k, vs := range v {
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(jsString(k) + ":[")
		for i, s := range vs {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(jsString(s))
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return b.String()
}

const xssPassword = "xss-test-password-1"

// xssServer runs a site of its own, without the demo's stories, with one
// admin, root@example.org: the payloads stay out of the other tests' pages.
func xssServer(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	add := exec.Command(binPath, "user", "add", "--data", data, "--email", "root@example.org", "--name", "Root Admin", "--role", "admin")
	add.Stdin = strings.NewReader(xssPassword + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v: %s", err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n, err := startNode(ctx, binPath, "--data", data)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		n.stop()
		cancel()
		if t.Failed() {
			t.Logf("server log:\n%s", lastLines(n.logs(), 40))
		}
	})
	return "http://" + n.addr
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// client is one person's HTTP session in the newsroom, for the writes
// that set up a test.
type client struct {
	from string // the address a trusted proxy names, once signed in (signInAddress)
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

var (
	csrfMetaRE  = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)
	csrfInputRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	versionRE   = regexp.MustCompile(`name="version" value="(\d+)"`)
)

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	if c.from != "" {
		req.Header.Set("X-Forwarded-For", c.from)
	}
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if m := csrfMetaRE.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return res, string(b)
}

func (c *client) get(path string) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	return c.do(req)
}

// expect GETs path and checks its status, its Content-Security-Policy and
// that no payload is in it as markup.
func (c *client) expect(path string, code int) {
	c.t.Helper()
	res, body := c.get(path)
	if res.StatusCode != code {
		c.t.Errorf("GET %s: %d, want %d", path, res.StatusCode, code)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		c.t.Errorf("GET %s: Content-Security-Policy %q", path, csp)
	}
	for _, raw := range []string{"<script>window.__xss", "<img src=x onerror", "<svg onload", "onerror=\"window.__xss", "href=\"javascript:"} {
		if i := strings.Index(body, raw); i >= 0 {
			c.t.Errorf("GET %s holds %q as markup: …%s…", path, raw, body[max(0, i-80):min(len(body), i+80)])
		}
	}
}

// post sends a form with the session's CSRF token and checks the status;
// it returns the redirect's address.
func (c *client) post(path string, v url.Values, code int) string {
	c.t.Helper()
	if !v.Has("csrf") {
		v.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, body := c.do(req)
	if res.StatusCode != code {
		c.t.Fatalf("POST %s: %d, want %d: %s", path, res.StatusCode, code, pageError(body))
	}
	return res.Header.Get("Location")
}

func pageError(body string) string {
	if m := regexp.MustCompile(`(?s)<p class="error"[^>]*>(.*?)</p>`).FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return body[:min(len(body), 300)]
}

func (c *client) login(email, password string) {
	c.t.Helper()
	c.from = signInAddress()
	_, form := c.get("/newsroom/login")
	m := csrfInputRE.FindStringSubmatch(form)
	if m == nil {
		c.t.Fatal("the sign-in form has no token")
	}
	c.post("/newsroom/login", url.Values{"email": {email}, "password": {password}, "csrf": {m[1]}}, 303)
	c.get("/newsroom/") // for the session's CSRF token
}

// version is the version the story's edit form was opened at.
func (c *client) version(edit string) string {
	c.t.Helper()
	_, body := c.get(edit)
	m := versionRE.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("%s has no version: %s", edit, pageError(body))
	}
	return m[1]
}

// save saves the story's form with the action, from its current version.
func (c *client) save(edit string, v url.Values, action string) {
	c.t.Helper()
	v.Set("version", c.version(edit))
	v.Set("action", action)
	v.Del("csrf")
	c.post(edit, v, 303)
}

// upload sends a photo through the Photos page's form and returns the
// address it leads to.
func (c *client) upload(path, caption, credit string) string {
	c.t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		c.t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", c.csrf)
	mw.WriteField("caption", caption)
	mw.WriteField("credit", credit)
	fw, _ := mw.CreateFormFile("photo", "xss.jpg")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+"/newsroom/photos", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, page := c.do(req)
	if res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("upload: %d: %s", res.StatusCode, pageError(page))
	}
	return res.Header.Get("Location")
}
