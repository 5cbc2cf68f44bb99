package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

var russianDate = regexp.MustCompile(`\d{1,2} (января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)`)

// TestRussianEdition switches from the English home page to Russian with
// the header's switch, with and without JavaScript, and reads the
// interface, dates and counted words in Russian, then follows a story to
// its English translation and back.
func TestRussianEdition(t *testing.T) {
	for _, width := range []int{1280, 390} {
		for _, js := range []bool{true, false} {
			ctx := browser(t, width, 900, js)
			must(t, ctx, chromedp.Navigate(baseURL+"/"), chromedp.WaitReady("body"))
			follow(t, ctx, `header a.lang-switch[hreflang="ru"]`)
			var lang, top, first, loc string
			must(t, ctx,
				chromedp.Evaluate(`document.documentElement.lang`, &lang),
				chromedp.Evaluate(`location.pathname`, &loc),
				chromedp.Evaluate(`document.querySelector("#top-h").textContent`, &top),
				chromedp.Evaluate(`document.querySelector("nav.sections a").textContent`, &first))
			if lang != "ru" || loc != "/ru/" || top != "Главное" || first != "Политика" {
				t.Fatalf("width %d js %v: after the switch lang %q at %s, top %q, first section %q", width, js, lang, loc, top, first)
			}
			if width == 390 && js {
				screenshot(t, ctx, "ru-home-390")
			} else if js {
				screenshot(t, ctx, "ru-home-1280")
			}

			// The news feed: Russian day headings and buttons.
			follow(t, ctx, `header nav.tools a[href="/ru/news"]`)
			var day, more string
			must(t, ctx, chromedp.Evaluate(`document.querySelector(".feed-day h2").textContent`, &day),
				chromedp.Evaluate(`(document.querySelector(".filter summary") || {}).textContent || ""`, &more))
			if !russianDate.MatchString(day) {
				t.Errorf("width %d js %v: /ru/news day heading %q", width, js, day)
			}
			if more != "Использовать фильтр" {
				t.Errorf("width %d js %v: the filter is labelled %q", width, js, more)
			}

			// A translated story: Russian dates and plural, then its
			// English version.
			follow(t, ctx, `#feed a.teaser-title[href^="/ru/ekonomika/"]`)
			var pages, stamp, other string
			// A one-page story says nothing of its pages (several pages
			// are counted with Russian plurals: TestArticleHeadBylineAndPageCount).
			must(t, ctx, chromedp.Evaluate(`(document.querySelector(".page-count") || {}).textContent || ""`, &pages),
				chromedp.Evaluate(`document.querySelector(".article-head .stamp").textContent`, &stamp),
				chromedp.Evaluate(`document.querySelector("p.translations a").textContent`, &other))
			if pages != "" || !russianDate.MatchString(stamp) || !strings.HasPrefix(other, "English: ") {
				t.Errorf("width %d js %v: Russian story shows %q, %q, translation %q", width, js, pages, stamp, other)
			}
			if width == 390 && js {
				screenshot(t, ctx, "ru-article-390")
			}
			follow(t, ctx, `header a.lang-switch[hreflang="en"]`)
			must(t, ctx, chromedp.Evaluate(`(document.querySelector(".page-count") || {}).textContent || ""`, &pages), chromedp.Evaluate(`document.documentElement.lang`, &lang))
			if pages != "" || lang != "en" {
				t.Errorf("width %d js %v: the English version shows %q in %q", width, js, pages, lang)
			}

			// Photo counts use Russian plural forms.
			must(t, ctx, chromedp.Navigate(baseURL+"/ru/photo/"), chromedp.WaitReady("body"))
			var counts []string
			must(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll(".card .count .vh")).map(e => e.textContent)`, &counts))
			plural := regexp.MustCompile(`^(\d+) (фотография|фотографии|фотографий)$`)
			if len(counts) == 0 {
				t.Errorf("width %d js %v: no galleries on /ru/photo/", width, js)
			}
			for _, c := range counts {
				m := plural.FindStringSubmatch(c)
				if m == nil || m[2] != ruPhotos(m[1]) {
					t.Errorf("width %d js %v: gallery count %q", width, js, c)
				}
			}
		}
	}
}

// ruPhotos is the form Russian uses after the number n.
func ruPhotos(n string) string {
	var v int
	for _, r := range n {
		v = v*10 + int(r-'0')
	}
	switch n10, n100 := v%10, v%100; {
	case n10 == 1 && n100 != 11:
		return "фотография"
	case n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14):
		return "фотографии"
	}
	return "фотографий"
}

// follow clicks the first link matching sel (the first only: there may be
// hidden ones) and waits for the page it leads to.
func follow(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	var ok bool
	must(t, ctx, chromedp.Evaluate(`window.__old = true`, nil),
		chromedp.Evaluate(`(() => { const a = document.querySelector(`+jsString(sel)+`); if (a) a.click(); return !!a; })()`, &ok))
	if !ok {
		t.Fatalf("no link %s", sel)
	}
	waitNewPage(t, ctx, "following "+sel)
}
