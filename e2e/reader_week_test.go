package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTopicIndexes: the header's "Topics" opens the index of topics, which
// links each topic's feed; from there the persons and running stories are
// one step away, at phone and desktop widths (issue 17, point 13).
func TestTopicIndexes(t *testing.T) {
	for _, vp := range viewports {
		ctx := browser(t, vp.w, vp.h, true)
		must(t, ctx, chromedp.Navigate(baseURL+"/"), chromedp.WaitReady("body"))
		follow(t, ctx, `header .tools a[href="/topics/"]`)
		var at, heading string
		var n int
		must(t, ctx, chromedp.Evaluate(`location.pathname`, &at), chromedp.Text("h1", &heading),
			chromedp.Evaluate(`document.querySelectorAll(".index-list a").length`, &n))
		if at != "/topics/" || heading != "Topics" || n == 0 {
			t.Fatalf("%d px: the header's Topics opens %s %q with %d topics", vp.w, at, heading, n)
		}
		screenshot(t, ctx, fmt.Sprintf("after-13-topics-%d", vp.w))
		follow(t, ctx, `.index-kinds a[href="/stories/"]`)
		follow(t, ctx, `.index-list a`)
		must(t, ctx, chromedp.Evaluate(`location.pathname`, &at))
		if !strings.HasPrefix(at, "/stories/") || at == "/stories/" {
			t.Errorf("%d px: the first running story is at %s", vp.w, at)
		}
	}
}

// TestSectionLeadAndThirdColumn: a section's page leads with a story's
// photo and lead above its list, which does not repeat it; running story,
// gallery, infographic and search pages fill the third column at desktop
// width with the news feed; the news feed on a phone names each section
// at most twice (the menu and the footer), not three times (point 16).
func TestSectionLeadAndThirdColumn(t *testing.T) {
	for _, vp := range viewports {
		ctx := browser(t, vp.w, vp.h, true)
		var lead struct {
			Href   string
			Img    bool
			Text   string
			Repeat bool
		}
		must(t, ctx, chromedp.Navigate(baseURL+"/science"), chromedp.WaitReady("body"), chromedp.Evaluate(`(() => {
			const l = document.querySelector(".section-lead"); if (!l) return {};
			const href = l.querySelector("h2 a").getAttribute("href");
			return {Href: href, Img: !!l.querySelector("img"), Text: (l.querySelector("p:not(.meta)") || {}).textContent || "",
				Repeat: !!document.querySelector('#feed a[href="' + href + '"]')};
		})()`, &lead))
		if lead.Href == "" || !lead.Img || lead.Text == "" || lead.Repeat {
			t.Errorf("%d px: the section's lead is %+v, want a story with its photo and lead, not repeated in the list", vp.w, lead)
		}
		screenshot(t, ctx, fmt.Sprintf("after-16-section-%d", vp.w))

		var story, gallery, info string
		must(t, ctx, chromedp.Navigate(baseURL+"/stories/"), chromedp.WaitReady("body"),
			chromedp.Evaluate(`document.querySelector(".index-list a").getAttribute("href")`, &story),
			chromedp.Navigate(baseURL+"/photo/"), chromedp.WaitReady("body"),
			chromedp.Evaluate(`document.querySelector(".card a[href^='/photo/']").getAttribute("href")`, &gallery),
			chromedp.Navigate(baseURL+"/infographics/"), chromedp.WaitReady("body"),
			chromedp.Evaluate(`document.querySelector(".card a[href^='/infographics/']").getAttribute("href")`, &info))
		for _, path := range []string{story, gallery, info, "/search?q=Syria"} {
			var col struct {
				Items int
				Left  float64
			}
			must(t, ctx, chromedp.Navigate(baseURL+path), chromedp.WaitReady("body"), chromedp.Evaluate(`(() => {
				const a = document.querySelector(".layout > aside");
				return a ? {Items: a.querySelectorAll(".feed-item").length, Left: a.getBoundingClientRect().left} : {};
			})()`, &col))
			if col.Items < 5 {
				t.Errorf("%d px: %s has %d stories in its news feed column", vp.w, path, col.Items)
			}
			if vp.w >= 1280 && col.Left < float64(vp.w)/2 {
				t.Errorf("%d px: %s's news feed starts at %.0f px, not in a third column", vp.w, path, col.Left)
			}
			if path == gallery || path == "/search?q=Syria" {
				screenshot(t, ctx, fmt.Sprintf("after-16-%s-%d", strings.Trim(strings.SplitN(path[1:], "/", 2)[0], "?q=Syria"), vp.w))
			}
		}

		var shown int
		must(t, ctx, chromedp.Navigate(baseURL+"/news"), chromedp.WaitReady("body"), chromedp.Evaluate(`Array.from(document.querySelectorAll('a[href="/politics"]')).filter(a => a.offsetParent !== null).length`, &shown))
		if max := 2; vp.w < 960 && shown > max || shown > 3 {
			t.Errorf("%d px: /news shows %d links to the politics section", vp.w, shown)
		}
		screenshot(t, ctx, fmt.Sprintf("after-16-news-%d", vp.w))
	}
}

// TestCompactHeader: on a phone the header and the section menu take at
// most about 120 px; menus that scroll sideways shade the side that has
// more; the search button still leads to a search; in reading mode the
// section menu shows every section at desktop width (point 17).
func TestCompactHeader(t *testing.T) {
	for _, vp := range viewports {
		ctx := browser(t, vp.w, vp.h, true)
		var head struct {
			Bottom     float64
			Scrolls    bool
			Shaded     bool
			ToolsShade bool
		}
		must(t, ctx, chromedp.Navigate(baseURL+"/politics/1"), chromedp.WaitReady("body"), chromedp.Evaluate(`(() => {
			const ul = document.querySelector("nav.sections ul"), tools = document.querySelector(".masthead .tools");
			const shaded = e => getComputedStyle(e).backgroundAttachment.includes("local") && getComputedStyle(e).backgroundImage.includes("gradient");
			return {Bottom: document.querySelector("nav.sections").getBoundingClientRect().bottom,
				Scrolls: ul.scrollWidth > ul.clientWidth, Shaded: shaded(ul),
				ToolsShade: tools.scrollWidth <= tools.clientWidth || shaded(tools)};
		})()`, &head))
		if vp.w < 600 && head.Bottom > 125 {
			t.Errorf("%d px: the header and section menu end at %.0f px, want at most about 120", vp.w, head.Bottom)
		}
		if vp.w >= 1280 {
			// One row of header at desktop width, in both editions.
			for _, path := range []string{"/", "/ru/"} {
				var bottom float64
				must(t, ctx, chromedp.Navigate(baseURL+path), chromedp.WaitReady("body"),
					chromedp.Evaluate(`document.querySelector("nav.sections").getBoundingClientRect().bottom`, &bottom))
				if bottom > 105 {
					t.Errorf("%s at %d px: the header wraps (the section menu ends at %.0f px)", path, vp.w, bottom)
				}
			}
			must(t, ctx, chromedp.Navigate(baseURL+"/politics/1"), chromedp.WaitReady("body"))
		}
		if head.Scrolls && !head.Shaded || !head.ToolsShade {
			t.Errorf("%d px: a menu scrolls sideways with no shade: %+v", vp.w, head)
		}
		screenshot(t, ctx, fmt.Sprintf("after-17-article-%d", vp.w))

		var at string
		must(t, ctx, chromedp.Evaluate(`document.querySelector(".site-search button").click()`, nil))
		waitNewPage(t, ctx, "the header's search")
		must(t, ctx, chromedp.Evaluate(`location.pathname + (document.querySelector("form.search-form input[name=q]") ? " form" : "")`, &at))
		if at != "/search form" {
			t.Errorf("%d px: the header's search button leads to %q", vp.w, at)
		}

		if vp.w >= 1280 {
			must(t, ctx, chromedp.Navigate(baseURL+"/society"), chromedp.WaitReady("body"))
			follow(t, ctx, ".reading-toggle button")
			var cut []string
			must(t, ctx, chromedp.Evaluate(`(() => {
				const w = document.documentElement.clientWidth;
				return Array.from(document.querySelectorAll("nav.sections a")).filter(a => { const r = a.getBoundingClientRect(); return r.right > w || r.left < 0; }).map(a => a.textContent);
			})()`, &cut))
			if len(cut) > 0 {
				t.Errorf("reading mode at %d px: the section menu cuts off %v", vp.w, cut)
			}
			screenshot(t, ctx, fmt.Sprintf("after-17-reading-%d", vp.w))
			follow(t, ctx, ".reading-toggle button")
		}
	}
}

// TestBackToTopAndCurrencyLink: far down a page a back-to-top control
// floats in the corner and takes the reader up; the header links the
// currency converter (point 14).
func TestBackToTopAndCurrencyLink(t *testing.T) {
	for _, vp := range viewports {
		ctx := browser(t, vp.w, vp.h, true)
		var before, floating struct {
			Fixed  bool
			Inside bool
		}
		probe := `(() => { const a = document.querySelector(".to-top"), r = a.getBoundingClientRect();
			return {Fixed: getComputedStyle(a).position === "fixed", Inside: r.top >= 0 && r.bottom <= innerHeight && r.right <= innerWidth}; })()`
		must(t, ctx, chromedp.Navigate(baseURL+"/news"), chromedp.WaitReady("body"), chromedp.Evaluate(probe, &before),
			chromedp.Evaluate(`window.scrollTo(0, document.body.scrollHeight)`, nil), chromedp.Sleep(200*time.Millisecond),
			chromedp.Evaluate(probe, &floating))
		if before.Fixed || !floating.Fixed || !floating.Inside {
			t.Errorf("%d px: back to top at the top %+v, far down %+v; want it floating in view only far down", vp.w, before, floating)
		}
		screenshot(t, ctx, fmt.Sprintf("after-14-to-top-%d", vp.w))
		var y float64
		must(t, ctx, chromedp.Click(".to-top", chromedp.ByQuery), chromedp.Sleep(300*time.Millisecond), chromedp.Evaluate(`window.scrollY`, &y))
		if y > 1 {
			t.Errorf("%d px: back to top left the page at %.0f px", vp.w, y)
		}
		follow(t, ctx, `header .tools a[href="/currency"]`)
		var h1 string
		must(t, ctx, chromedp.Text("h1", &h1))
		if !strings.Contains(h1, "urrenc") {
			t.Errorf("%d px: the header's currency link opens %q", vp.w, h1)
		}
	}
}

// TestRussianEditionMarksShown: on /ru/photo/ English galleries are marked
// "(англ.)" and the Russian home page's rates have a decimal comma, at both widths
// (point 18).
func TestRussianEditionMarksShown(t *testing.T) {
	for _, vp := range viewports {
		ctx := browser(t, vp.w, vp.h, true)
		var got struct {
			Marked, English int
			Rates           []string
		}
		must(t, ctx, chromedp.Navigate(baseURL+"/ru/photo/"), chromedp.WaitReady("body"), chromedp.Evaluate(`({
			English: document.querySelectorAll('.card a[lang="en"]').length,
			Marked: Array.from(document.querySelectorAll('.card .lang-mark')).filter(m => m.offsetParent && m.textContent === "(англ.)").length,
		})`, &got), chromedp.Navigate(baseURL+"/ru/"), chromedp.WaitReady("body"),
			chromedp.Evaluate(`Array.from(document.querySelectorAll(".rates-mini td.num")).map(td => td.textContent.trim())`, &got.Rates))
		screenshot(t, ctx, fmt.Sprintf("after-18-ru-home-%d", vp.w))
		if got.English == 0 || got.Marked != got.English {
			t.Errorf("%d px: %d English galleries, %d marked (англ.)", vp.w, got.English, got.Marked)
		}
		if len(got.Rates) == 0 {
			t.Errorf("%d px: no rates on /ru/", vp.w)
		}
		for _, r := range got.Rates {
			if !strings.Contains(r, ",") || strings.Contains(r, ".") {
				t.Errorf("%d px: the rate %q has no decimal comma", vp.w, r)
			}
		}
	}
}

// TestMostReadNumbered: once readers have read stories, the home page's
// Most read shows seven of them, numbered 1 to 7, at both widths
// (point 14). Rankings are read every 30 seconds, so this waits for them.
func TestMostReadNumbered(t *testing.T) {
	// A reader's browser: a headless one's views are not counted.
	ctx := browser(t, 1280, 900, true, chromedp.UserAgent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"))
	var links []string
	must(t, ctx, chromedp.Navigate(baseURL+"/news"), chromedp.WaitReady("body"),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#feed .teaser-title")).slice(0, 9).map(a => a.getAttribute("href"))`, &links))
	for _, l := range links {
		// Each article's script sends its view beacon once it is seen.
		must(t, ctx, chromedp.Navigate(baseURL+l), chromedp.WaitReady("body"), chromedp.Sleep(150*time.Millisecond))
	}
	for _, vp := range viewports {
		ctx := browser(t, vp.w, vp.h, true)
		var numbers []string
		for deadline := time.Now().Add(75 * time.Second); ; {
			must(t, ctx, chromedp.Navigate(baseURL+"/"), chromedp.WaitReady("body"), chromedp.Evaluate(`(() => {
				const p = Array.from(document.querySelectorAll(".most-read .mr-panel")).find(p => p.offsetParent && p.querySelector("li:not(.meta)"));
				return p ? Array.from(p.querySelectorAll("li")).map(li => getComputedStyle(li, "::before").content) : [];
			})()`, &numbers))
			if len(numbers) >= 7 || time.Now().After(deadline) {
				break
			}
			time.Sleep(3 * time.Second)
		}
		// Each item is numbered by the panel's counter (the computed
		// style names the counter, not its value).
		if strings.Join(numbers, " ") != strings.TrimSpace(strings.Repeat("counter(mr) ", 7)) {
			t.Errorf("%d px: Most read's items are numbered %v, want seven numbered items", vp.w, numbers)
		}
		screenshot(t, ctx, fmt.Sprintf("after-14-most-read-%d", vp.w))
	}
}

// TestEditorToolbarHint: on a phone the story editor's toolbar is one row
// that scrolls sideways, and it shades the side that has more buttons
// (Photo, Read also, Page break past the edge); on a desktop it wraps and
// needs no hint (issue 17, point 17).
func TestEditorToolbarHint(t *testing.T) {
	for _, vp := range viewports {
		ctx := browser(t, vp.w, vp.h, true)
		signIn(t, ctx, baseURL, "reporter@example.org", demoPassword)
		var bar struct {
			Scrolls, Shaded, AllShown bool
		}
		must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/articles/new"), chromedp.WaitVisible(`.editor-toolbar`),
			chromedp.Evaluate(`(() => {
				const b = document.querySelector(".editor-toolbar"), s = getComputedStyle(b), r = b.getBoundingClientRect();
				return {Scrolls: b.scrollWidth > b.clientWidth,
					Shaded: s.backgroundAttachment.includes("local") && s.backgroundImage.includes("gradient"),
					AllShown: Array.from(b.querySelectorAll("button")).every(x => x.getBoundingClientRect().right <= r.right + 1)};
			})()`, &bar))
		if bar.Scrolls && !bar.Shaded {
			t.Errorf("%d px: the editor's toolbar scrolls sideways with no shade", vp.w)
		}
		if vp.w >= 1280 && !bar.AllShown {
			t.Errorf("%d px: buttons of the editor's toolbar are off-screen", vp.w)
		}
		if vp.w < 600 && !bar.Scrolls {
			t.Logf("%d px: the toolbar fits on one row", vp.w)
		}
		screenshot(t, ctx, fmt.Sprintf("after-17-editor-%d", vp.w))
	}
}
