package e2e

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// adFrame is an advertiser's page that tries everything a hostile ad
// would: read and rewrite the top page, read its cookies, navigate it,
// open a dialog; then it reports what happened to its own server and
// posts a message to the page.
const adFrame = `<!doctype html><html><head><meta charset="utf-8"><title>ad</title>
<style>body{margin:0;font:16px sans-serif;background:#ffd166;color:#222;display:flex;align-items:center;justify-content:center;height:100vh}</style></head>
<body><p>Advertiser's frame</p><script>
var r = {};
function attempt(name, f) { try { r[name] = "ok:" + String(f()); } catch (e) { r[name] = "blocked:" + e.name; } }
attempt("title", function () { return parent.document.title; });
attempt("rewrite", function () { parent.document.body.innerHTML = "PWNED"; return "done"; });
attempt("topcookie", function () { return parent.document.cookie; });
attempt("cookie", function () { return document.cookie; });
attempt("storage", function () { return window.localStorage.length; });
attempt("navigate", function () { top.location.href = location.origin + "/owned"; return "done"; });
attempt("alert", function () { return alert("ad dialog"); });
r.origin = String(self.origin);
new Image().src = "/report?" + new URLSearchParams(r).toString();
parent.postMessage("hello from the ad", "*");
</script></body></html>`

// TestAdFrameCannotTouchTheSite fills the article slot, through the admin
// page, with a frame from another origin (https on localhost, while the
// site is http on 127.0.0.1) whose script tries to reach the site. The
// frame runs, but in its sandbox: it cannot read or change the page,
// read cookies, navigate the page or open a dialog, and its messages come
// from an opaque origin. The ad is labelled, and fits a phone's width.
func TestAdFrameCannotTouchTheSite(t *testing.T) {
	ctx := context.Background()
	site, err := startNode(ctx, binPath, "--data", t.TempDir(), "--demo")
	if err != nil {
		t.Fatal(err)
	}
	defer site.stop()
	base := "http://" + site.addr

	var mu sync.Mutex
	var reports []url.Values
	var owned bool
	ads := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ad":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(adFrame))
		case "/report":
			mu.Lock()
			reports = append(reports, r.URL.Query())
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		case "/owned":
			mu.Lock()
			owned = true
			mu.Unlock()
		default:
			http.NotFound(w, r)
		}
	}))
	defer ads.Close()
	_, port, _ := net.SplitHostPort(ads.Listener.Addr().String())
	frameURL := "https://localhost:" + port + "/ad"

	// The admin fills the article slot and the header slot.
	tab := browser(t, 1280, 900, true, chromedp.Flag("ignore-certificate-errors", true))
	seen := watchDialogs(tab)
	signIn(t, tab, base, "admin@example.org", demoPassword)
	for _, slot := range []struct{ name, w, h string }{{"article", "300", "250"}, {"header", "728", "90"}} {
		must(t, tab, chromedp.Navigate(base+"/newsroom/ads"), chromedp.WaitVisible(`#`+slot.name+`-frame`, chromedp.ByQuery),
			chromedp.Click(`#`+slot.name+`-frame`, chromedp.ByQuery),
			chromedp.SendKeys(`#`+slot.name+`-frame-url`, frameURL, chromedp.ByQuery),
			chromedp.SendKeys(`#`+slot.name+`-width`, slot.w, chromedp.ByQuery),
			chromedp.SendKeys(`#`+slot.name+`-height`, slot.h, chromedp.ByQuery))
		clickAndLoad(t, tab, `#slot-`+slot.name+` form.stack button.primary`)
		idFrom(t, tab, `/newsroom/(ads)\?done=saved`)
	}
	screenshot(t, tab, "ads-admin-1280")

	// A reader opens the demo's partner story.
	must(t, tab, chromedp.Navigate(base+"/news"), chromedp.WaitVisible(`#feed`, chromedp.ByQuery))
	var story string
	must(t, tab, chromedp.Evaluate(`[...document.querySelectorAll('#feed a.teaser-title')].find(a => a.textContent.includes('crafts fair')).getAttribute('href')`, &story))
	must(t, tab, chromedp.Evaluate(`document.cookie = "topsecret=42; path=/"`, nil))
	must(t, tab, chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(`window.__adMessages = []; addEventListener("message", function (e) { __adMessages.push(e.origin + " " + e.data); });`).Do(ctx)
		return err
	}))
	must(t, tab, chromedp.Navigate(base+story), chromedp.WaitVisible(`div[data-ad=article] iframe`, chromedp.ByQuery), centre(`div[data-ad=article]`))

	deadline := time.Now().Add(20 * time.Second)
	var got []url.Values
	var messages []string
	for time.Now().Before(deadline) {
		mu.Lock()
		got = append([]url.Values(nil), reports...)
		mu.Unlock()
		chromedp.Run(tab, chromedp.Evaluate(`window.__adMessages || []`, &messages))
		if len(got) >= 2 && len(messages) >= 2 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(got) < 2 {
		t.Fatalf("the frames did not run (reports: %v)", got)
	}
	t.Logf("frame reports: %v; messages: %v", got, messages)
	for _, r := range got {
		for _, k := range []string{"title", "rewrite", "topcookie", "navigate"} {
			if !strings.HasPrefix(r.Get(k), "blocked:") {
				t.Errorf("the frame's %s was not blocked: %q", k, r.Get(k))
			}
		}
		if c := r.Get("cookie"); !strings.HasPrefix(c, "blocked:") && strings.Contains(c, "topsecret") {
			t.Errorf("the frame read the site's cookie: %q", c)
		}
		if s := r.Get("storage"); !strings.HasPrefix(s, "blocked:") {
			t.Errorf("the frame reached storage: %q", s)
		}
		if o := r.Get("origin"); o != "null" {
			t.Errorf("the frame ran as %q, want an opaque origin", o)
		}
	}
	for _, m := range messages {
		if !strings.HasPrefix(m, "null ") {
			t.Errorf("a message came from %q, want the opaque origin null", m)
		}
	}
	if len(messages) == 0 {
		t.Errorf("no message from the frame reached the page")
	}
	var state struct {
		Title, Location, Label, HeaderLabel string
		Pwned                               bool
		LabelShown                          bool
	}
	must(t, tab, chromedp.Evaluate(`({
		Title: document.title,
		Location: location.href,
		Pwned: document.body.innerHTML.includes("PWNED"),
		Label: document.querySelector('div[data-ad=article] .ad-label').textContent,
		HeaderLabel: document.querySelector('div[data-ad=header] .ad-label').textContent,
		LabelShown: document.querySelector('div[data-ad=article] .ad-label').getBoundingClientRect().height > 0,
	})`, &state))
	if state.Pwned || !strings.Contains(state.Title, "crafts fair") || state.Location != base+story {
		t.Errorf("the top page changed: title %q at %s, rewritten %v", state.Title, state.Location, state.Pwned)
	}
	if state.Label != "Advertisement" || state.HeaderLabel != "Advertisement" || !state.LabelShown {
		t.Errorf("labels %q %q shown %v", state.Label, state.HeaderLabel, state.LabelShown)
	}
	if d := seen.list(); len(d) != 0 {
		t.Errorf("dialogs opened: %v", d)
	}
	mu.Lock()
	if owned {
		t.Errorf("the frame navigated the page")
	}
	mu.Unlock()
	var partner string
	must(t, tab, chromedp.Evaluate(`document.querySelector('.article-head h1 .mark-commercial').textContent`, &partner))
	if partner != "Partner material" {
		t.Errorf("the partner story's label is %q", partner)
	}
	screenshot(t, tab, "ads-article-1280")
	must(t, tab, chromedp.Navigate(base+"/"), chromedp.WaitVisible(`div[data-ad=sidebar] img`, chromedp.ByQuery))
	screenshot(t, tab, "ads-home-1280")

	// On a phone the ads fit the width.
	phone := browser(t, 390, 844, true, chromedp.Flag("ignore-certificate-errors", true))
	for name, p := range map[string]string{"article": story, "home": "/"} {
		var width int
		must(t, phone, chromedp.Navigate(base+p), chromedp.WaitVisible(`div[data-ad=header]`, chromedp.ByQuery),
			chromedp.Evaluate(`document.documentElement.scrollWidth`, &width))
		if width > 390 {
			t.Errorf("%s is %d pixels wide on a 390-pixel phone", p, width)
		}
		screenshot(t, phone, "ads-"+name+"-390")
	}
}
