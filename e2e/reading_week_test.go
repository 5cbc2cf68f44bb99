package e2e

import (
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestNothingWidensAPage: a headline of one long word and a URL with no
// break in it make neither the article nor the pages that list it (the
// home page's sidebar feed, /news, the section) wider than the screen, at
// phone and desktop widths (issue 17, point 10).
func TestNothingWidensAPage(t *testing.T) {
	word := strings.Repeat("Supercalifragilistic", 6)
	url := "https://example.org/" + strings.Repeat("a-very-long-path-without-any-break", 5)
	path := publish(t, "urn:e2e:widen", fmt.Sprintf(`"headlines":[{"value":"%s and %s"}],"bodies":[{"contenttype":"text/html","value":"<p>%s %s</p><p>Second paragraph.</p>"}]`, word, url, word, url))
	for _, vp := range viewports {
		ctx := browser(t, vp.w, vp.h, true)
		for _, path := range []string{path, "/", "/news", "/world"} {
			var over []string
			must(t, ctx, chromedp.Navigate(baseURL+path), chromedp.WaitReady("body"),
				chromedp.Evaluate(`(() => {
					const w = document.documentElement.clientWidth, out = [];
					if (document.documentElement.scrollWidth > w) out.push("page " + document.documentElement.scrollWidth + "px");
					const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) if (getComputedStyle(p).overflowX !== "visible") return true; return false; };
					for (const e of document.querySelectorAll("h1, h2, h3, a, p")) {
						if (scrolls(e)) continue;
						const r = e.getBoundingClientRect();
						if (r.width > 0 && r.right > w + 1 && getComputedStyle(e).position !== "fixed") out.push(e.tagName + " " + e.textContent.slice(0, 30) + " to " + Math.round(r.right) + "px");
					}
					return out.slice(0, 5);
				})()`, &over))
			if len(over) > 0 {
				t.Errorf("%s at %d px: wider than the screen: %s", path, vp.w, strings.Join(over, "; "))
			}
		}
		screenshot(t, ctx, fmt.Sprintf("long-word-%d", vp.w))
	}
}

// TestReadingWeekPoints reads, at phone and desktop widths, what readers
// tripped over: the sidebar feed dates stories not of today (point 11),
// near-miss addresses land on the page and the 404 page links Photo and
// Infographics (13), and a one-page story says nothing of its pages and
// has its byline under the headline (19).
func TestReadingWeekPoints(t *testing.T) {
	bylined := publish(t, "urn:e2e:byline", `"by":"Anna Petrova","headlines":[{"value":"A story with a byline"}],"bodies":[{"contenttype":"text/html","value":"<p>First paragraph.</p><p>Second paragraph.</p>"}]`)
	dated := regexp.MustCompile(`^([A-Z][a-z]{2} \d{1,2}, )?\d{1,2}:\d{2}$`)
	for _, vp := range viewports {
		ctx := browser(t, vp.w, vp.h, true)
		// 11: the sidebar's times, each a date unless it is today's.
		var times [][2]string
		must(t, ctx, chromedp.Navigate(baseURL+"/"), chromedp.WaitReady("body"),
			chromedp.Evaluate(`Array.from(document.querySelectorAll("aside .feed-item time")).map(t => [t.textContent.trim(), t.getAttribute("datetime")])`, &times))
		if len(times) < 3 {
			t.Fatalf("%d px: %d times in the sidebar feed", vp.w, len(times))
		}
		for _, tm := range times {
			at, err := time.Parse(time.RFC3339, tm[1])
			if err != nil {
				t.Fatalf("%d px: datetime %q", vp.w, tm[1])
			}
			today := at.In(moscowZone).Format(time.DateOnly) == time.Now().In(moscowZone).Format(time.DateOnly)
			m := dated.FindStringSubmatch(tm[0])
			if m == nil || (m[1] == "") != today {
				t.Errorf("%d px: a story of %s shows %q in the sidebar", vp.w, at.In(moscowZone).Format("Jan 2 15:04"), tm[0])
			}
		}

		// 13: near misses land on the page; the 404 page links the
		// photo and infographics pages.
		for from, to := range map[string]string{"/photo": "/photo/", "/POLITICS": "/politics", "/news/": "/news", "/ru/politika/": "/ru/politika"} {
			var at string
			must(t, ctx, chromedp.Navigate(baseURL+from), chromedp.WaitReady("body"), chromedp.Evaluate(`location.pathname`, &at))
			if at != to {
				t.Errorf("%d px: %s led to %s, want %s", vp.w, from, at, to)
			}
		}
		var links []string
		must(t, ctx, chromedp.Navigate(baseURL+"/no-such-page"), chromedp.WaitReady("body"),
			chromedp.Evaluate(`Array.from(document.querySelectorAll("main a")).map(a => a.getAttribute("href"))`, &links))
		if !contains(links, "/photo/") || !contains(links, "/infographics/") {
			t.Errorf("%d px: the 404 page links %v", vp.w, links)
		}

		// 19: a one-page story with a byline: no page count, the byline
		// under the headline.
		must(t, ctx, chromedp.Navigate(baseURL+bylined), chromedp.WaitReady("body"))
		var pages string
		var bylineBelow, bylineBeforeBody bool
		must(t, ctx,
			chromedp.Evaluate(`(document.querySelector(".page-count") || {}).textContent || ""`, &pages),
			chromedp.Evaluate(`(() => { const h = document.querySelector("article h1"), b = document.querySelector("article .byline"); return !!(h && b) && b.getBoundingClientRect().top >= h.getBoundingClientRect().bottom; })()`, &bylineBelow),
			chromedp.Evaluate(`(() => { const b = document.querySelector("article .byline"), p = document.querySelector("article .body p, article .article-body p"); return !!(b && p) && b.getBoundingClientRect().top < p.getBoundingClientRect().top; })()`, &bylineBeforeBody))
		if pages != "" || !bylineBelow || !bylineBeforeBody {
			t.Errorf("%d px: the story says %q of its pages; byline under the headline %v, before the body %v", vp.w, pages, bylineBelow, bylineBeforeBody)
		}
		screenshot(t, ctx, fmt.Sprintf("article-byline-%d", vp.w))
	}
}

// publish sends a story through the ingest API with the rest of its
// ninjs fields and returns its address.
func publish(t *testing.T, uri, fields string) string {
	t.Helper()
	out, err := exec.Command(binPath, "token", "create", "--data", dataDir, "--name", "e2e-"+uri, "--scope", "write").Output()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	doc := fmt.Sprintf(`{"uri":%q,"versioncreated":%q,%s}`, uri, time.Now().UTC().Format(time.RFC3339), fields)
	code, body := ingest(t, strings.TrimPrefix(baseURL, "http://"), strings.TrimSpace(string(out)), doc)
	if code >= 300 {
		t.Fatalf("ingest: %d %s", code, body)
	}
	m := regexp.MustCompile(`"id": (\d+),[\s\S]*"section": "([a-z-]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no id and section in %s", body)
	}
	return "/" + m[2] + "/" + m[1]
}

var moscowZone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		return time.FixedZone("MSK", 3*3600)
	}
	return loc
}()

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestDemoShowsEveryBlock: on its first start the demo shows every block
// of the site, at phone and desktop widths: the header, sidebar and
// in-article ads, "Most read" with at least seven stories in each period,
// "Partner News" and "In other media" (issue 17, point 15).
func TestDemoShowsEveryBlock(t *testing.T) {
	for _, vp := range viewports {
		ctx := browser(t, vp.w, vp.h, true)
		var blocks map[string]int
		must(t, ctx, chromedp.Navigate(baseURL+"/"), chromedp.WaitReady("body"),
			chromedp.Evaluate(`({
				header: document.querySelectorAll(".ad-header img").length,
				sidebar: document.querySelectorAll(".ad-sidebar img").length,
				now: document.querySelectorAll("#mr-now li a").length,
				today: document.querySelectorAll("#mr-today li a").length,
				week: document.querySelectorAll("#mr-week li a").length,
				partner: document.querySelectorAll("[aria-labelledby=partner-h] a").length,
				media: document.querySelectorAll("[aria-labelledby=media-h] a").length,
			})`, &blocks))
		for name, least := range map[string]int{"header": 1, "sidebar": 1, "now": 7, "today": 7, "week": 7, "partner": 3, "media": 3} {
			if blocks[name] < least {
				t.Errorf("%d px: the home page shows %d of %s, want at least %d", vp.w, blocks[name], name, least)
			}
		}
		var side map[string]int
		must(t, ctx, chromedp.Navigate(baseURL+"/politics/1"), chromedp.WaitReady("body"),
			chromedp.Evaluate(`({
				ad: document.querySelectorAll(".ad-article img").length,
				top: document.querySelectorAll("[aria-labelledby=side-top-h] li a").length,
				photo: document.querySelectorAll("[aria-labelledby=side-photo-h] li a").length,
				info: document.querySelectorAll("[aria-labelledby=side-info-h] li a").length,
				self: document.querySelectorAll("[aria-labelledby=side-top-h] a[href='/politics/1']").length,
			})`, &side))
		// Point 14: the story page's side column has the top stories (not
		// the story itself), photo galleries and infographics.
		if side["ad"] != 1 || side["top"] < 3 || side["photo"] < 1 || side["info"] < 1 || side["self"] != 0 {
			t.Errorf("%d px: the seed story's in-article ad and side blocks: %v", vp.w, side)
		}
		screenshot(t, ctx, fmt.Sprintf("demo-blocks-%d", vp.w))
	}
}
