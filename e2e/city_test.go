package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestCity picks a city on /city, with and without JavaScript. Pages are
// the same for everyone, in Moscow time: with script every page type's
// times, the /news day headings, the footer and the header's clock show
// the chosen city, in English and on Russian pages; without, Moscow time
// stays, shown and named. Then it goes back to the site's default.
func TestCity(t *testing.T) {
	vladivostok, _ := time.LoadLocation("Asia/Vladivostok")
	moscow, _ := time.LoadLocation("Europe/Moscow")
	for _, js := range []bool{true, false} {
		t.Run(fmt.Sprintf("js=%v", js), func(t *testing.T) {
			ctx := browser(t, 1280, 900, js)
			var article, ruArticle string
			must(t, ctx, chromedp.Navigate(baseURL+"/politics"),
				chromedp.AttributeValue(`#feed .feed-item a.teaser-title`, "href", &article, nil),
				chromedp.Navigate(baseURL+"/ru/politika"),
				chromedp.AttributeValue(`#feed .feed-item a.teaser-title`, "href", &ruArticle, nil))
			pages := []string{"/", "/news", "/politics", article, "/stories/conflict-in-syria"}

			// Before: every page in Moscow time, the header inviting a choice.
			stamps := map[string][]string{} // page -> datetime values of its times
			for _, p := range pages {
				stamps[p] = checkTimes(t, ctx, p, moscow, nil)
			}
			var pick string
			must(t, ctx, chromedp.Navigate(baseURL+"/news"), chromedp.Text(`.city-pick`, &pick, chromedp.NodeVisible))
			if pick != "Select the city" {
				t.Errorf("header link %q", pick)
			}

			// Choose Vladivostok through the header's link and the list.
			clickAndWait(t, ctx, `.city-pick`)
			if js {
				var shown int
				must(t, ctx, chromedp.WaitVisible(`#city-q`), chromedp.SendKeys(`#city-q`, "vladi"),
					chromedp.Evaluate(`document.querySelectorAll('.city-list li:not([hidden])').length`, &shown))
				if shown != 3 { // Vladikavkaz, Vladimir, Vladivostok
					t.Errorf("the filter left %d cities for \"vladi\"", shown)
				}
				must(t, ctx, chromedp.Evaluate(`document.querySelector("#city-q").value = ""`, nil), chromedp.SendKeys(`#city-q`, "Владивосток"),
					chromedp.Evaluate(`document.querySelectorAll('.city-list li:not([hidden])').length`, &shown))
				if shown != 1 {
					t.Errorf("the filter left %d cities for the Russian name", shown)
				}
			} else {
				var hidden bool
				must(t, ctx, chromedp.Evaluate(`document.querySelector('.city-filter').hidden`, &hidden))
				if !hidden {
					t.Error("the filter box shows without JavaScript")
				}
			}
			clickAndWait(t, ctx, `button[name="city"][value="vladivostok"]`)
			var url string
			must(t, ctx, chromedp.Location(&url))
			if !strings.HasSuffix(url, "/news") {
				t.Errorf("after choosing: at %s, want back at /news", url)
			}
			shownIn, name, footer := vladivostok, "Vladivostok", "Times are shown in Vladivostok time (UTC+10)."
			if !js {
				shownIn, name, footer = moscow, "Select the city", "Times are shown in Moscow time (UTC+3)."
			}
			for _, p := range pages {
				checkTimes(t, ctx, p, shownIn, stamps[p])
				var pick, clock, foot string
				var clockShown bool
				must(t, ctx, chromedp.Text(`.city-pick`, &pick), chromedp.Text(`.zone-line`, &foot),
					chromedp.Evaluate(`(() => { const c = document.querySelector('.city-time'); return c.hidden ? '' : c.textContent })()`, &clock),
					chromedp.Evaluate(`!document.querySelector('.city-time').hidden`, &clockShown))
				if pick != name || foot != footer {
					t.Errorf("%s: header %q, footer %q; want %q, %q", p, pick, foot, name, footer)
				}
				if js && !nearNow(clock, vladivostok) {
					t.Errorf("%s: header clock %q, want Vladivostok's time", p, clock)
				}
				if !js && clockShown {
					t.Errorf("%s: a clock without script, which would be stale", p)
				}
			}
			checkDays(t, ctx, shownIn)
			// Russian pages: Russian dates and the city's Russian name.
			ruStamp := regexp.MustCompile(`^\d{1,2} [а-я]+( \d{4} года)?, \d{2}:\d{2} UTC\+3 МОСКВА$`)
			ruFooter := "Время указано по городу Москва (UTC+3)."
			if js {
				ruStamp = regexp.MustCompile(`^\d{1,2} [а-я]+( \d{4} года)?, \d{2}:\d{2} UTC\+10 ВЛАДИВОСТОК$`)
				ruFooter = "Время указано по городу Владивосток (UTC+10)."
			}
			checkTimes(t, ctx, ruArticle, shownIn, nil)
			var stamp, foot string
			must(t, ctx, chromedp.Text(`p.stamp time`, &stamp), chromedp.Text(`.zone-line`, &foot))
			if !ruStamp.MatchString(stamp) || foot != ruFooter {
				t.Errorf("%s: stamp %q, footer %q; want %s, %q", ruArticle, stamp, foot, ruStamp, ruFooter)
			}
			if js {
				// The clock ticks: a wrong time is put right within a second.
				var clock string
				must(t, ctx, chromedp.Evaluate(`document.querySelector('.city-time').textContent = '--:--'`, nil),
					chromedp.Sleep(1500*time.Millisecond), chromedp.Text(`.city-time`, &clock))
				if !nearNow(clock, vladivostok) {
					t.Errorf("the clock did not tick: %q", clock)
				}
			}

			// Back to the default.
			must(t, ctx, chromedp.Navigate(baseURL+"/city"))
			clickAndWait(t, ctx, `button.city-default`)
			checkTimes(t, ctx, "/news", moscow, nil)
			must(t, ctx, chromedp.Text(`.city-pick`, &pick))
			if pick != "Select the city" {
				t.Errorf("after the default: header link %q", pick)
			}
		})
	}
}

var hhmm = regexp.MustCompile(`\b(\d{2}:\d{2})\b`)

// checkTimes reads the page's times in main, once the page's script is
// done with them: each must show its datetime in loc. With want, the page
// must show those same instants. It returns the datetimes it found.
func checkTimes(t *testing.T, ctx context.Context, path string, loc *time.Location, want []string) []string {
	t.Helper()
	var times []map[string]string
	must(t, ctx, chromedp.Navigate(baseURL+path), chromedp.WaitReady("body"))
	if loc.String() != "Europe/Moscow" {
		settle(t, ctx)
	}
	must(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll('main time[datetime]')].slice(0, 12).map(e => ({dt: e.getAttribute('datetime'), text: e.textContent}))`, &times))
	if len(times) == 0 {
		t.Errorf("%s: no times", path)
	}
	var seen []string
	for _, tm := range times {
		at, err := time.Parse(time.RFC3339, tm["dt"])
		if err != nil {
			t.Errorf("%s: datetime %q", path, tm["dt"])
			continue
		}
		seen = append(seen, tm["dt"])
		m := hhmm.FindString(tm["text"])
		if m == "" { // an older story's date without a time
			continue
		}
		if local := at.In(loc).Format("15:04"); m != local {
			t.Errorf("%s: %s shown as %q, want %s in %s", path, tm["dt"], tm["text"], local, loc)
		}
		if strings.Contains(tm["text"], "UTC") && !strings.HasPrefix(path, "/ru/") {
			label := strings.ToUpper(strings.TrimPrefix(strings.TrimPrefix(loc.String(), "Asia/"), "Europe/"))
			if !strings.HasSuffix(tm["text"], label) {
				t.Errorf("%s: stamp %q lacks %s", path, tm["text"], label)
			}
		}
	}
	if want != nil && strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Errorf("%s: other times than before: %v, want %v", path, seen, want)
	}
	return seen
}

// settle waits until the page's script has shown the times in the reader's
// city (one other than the site's, Moscow).
func settle(t *testing.T, ctx context.Context) {
	t.Helper()
	for i := 0; i < 100; i++ {
		var done bool
		must(t, ctx, chromedp.Evaluate(`document.querySelector('main time[data-t]:not([data-shown])') === null`, &done))
		if done {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Error("the page's script did not show the times in the reader's city")
}

// checkDays reads /news's day groups: every story in a group is of that
// day in loc, and the heading names the day ("Today, November 27").
func checkDays(t *testing.T, ctx context.Context, loc *time.Location) {
	t.Helper()
	var days []struct {
		Heading string
		Times   []string
	}
	must(t, ctx, chromedp.Navigate(baseURL+"/news"), chromedp.WaitReady("body"))
	if loc.String() != "Europe/Moscow" {
		settle(t, ctx)
	}
	must(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll('#feed .feed-day')].map(d => ({Heading: d.querySelector('h2').textContent, Times: [...d.querySelectorAll('time[datetime]')].map(e => e.getAttribute('datetime'))}))`, &days))
	if len(days) == 0 {
		t.Fatal("/news: no days")
	}
	today := time.Now().In(loc).Format("2006-01-02")
	for _, d := range days {
		for _, dt := range d.Times {
			at, _ := time.Parse(time.RFC3339, dt)
			lt := at.In(loc)
			want := lt.Format("January 2")
			if lt.Year() != time.Now().In(loc).Year() {
				want = lt.Format("January 2, 2006")
			}
			if lt.Format("2006-01-02") == today {
				want = "Today, " + want
			}
			if !strings.HasSuffix(d.Heading, want) || (strings.HasPrefix(want, "Today") != strings.HasPrefix(d.Heading, "Today")) {
				t.Errorf("/news: a story of %s in %s under %q", lt.Format("2006-01-02 15:04"), loc, d.Heading)
			}
		}
	}
}

// nearNow reports whether clock ("15:04") is the time in loc now or a
// minute ago.
func nearNow(clock string, loc *time.Location) bool {
	now := time.Now().In(loc)
	return clock == now.Format("15:04") || clock == now.Add(-time.Minute).Format("15:04")
}

// clickAndWait clicks and waits for the next page to load.
func clickAndWait(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	must(t, ctx, chromedp.Evaluate(`window.__old = true`, nil), chromedp.Click(sel, chromedp.NodeVisible))
	waitNewPage(t, ctx, "clicking "+sel)
}

// waitNewPage waits until the page marked with window.__old is replaced
// and the new one is ready.
func waitNewPage(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	for i := 0; i < 100; i++ {
		var old bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(`window.__old === true`, &old)); err == nil && !old {
			must(t, ctx, chromedp.WaitReady("body"))
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not lead to a new page", what)
}

// TestCityLooks takes screenshots of the header and /city at phone and
// desktop widths (DATELINE_SCREENSHOTS), checks the phone header keeps the
// clock on one line inside the viewport, and runs axe on /city.
func TestCityLooks(t *testing.T) {
	axe := axeSource(t)
	// A node of its own, with weather from a local provider in the
	// forecast API's format: −2 °C and snow everywhere.
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := len(strings.Split(r.URL.Query().Get("latitude"), ","))
		one := `{"utc_offset_seconds":0,"current":{"time":"2026-11-27T10:30","interval":900,"temperature_2m":-2.2,"weather_code":73}}`
		fmt.Fprint(w, "["+strings.TrimSuffix(strings.Repeat(one+",", n), ",")+"]")
	}))
	defer provider.Close()
	n, err := startNode(context.Background(), binPath, "--data", t.TempDir(), "--demo", "--weather-url", provider.URL+"/v1/forecast", "--fetch-allow-private")
	if err != nil {
		t.Fatal(err)
	}
	defer n.stop()
	base := "http://" + n.addr
	for _, size := range viewports {
		t.Run(size.name, func(t *testing.T) {
			ctx := browser(t, size.w, size.h, true)
			for _, chosen := range []bool{false, true} {
				if chosen {
					must(t, ctx, chromedp.Navigate(base+"/city"))
					clickAndWait(t, ctx, `button[name="city"][value="petropavlovsk-kamchatsky"]`)
				}
				for _, v := range runAxe(t, ctx, base+"/city", axe) {
					var where []string
					for _, n := range v.Nodes {
						where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
					}
					t.Errorf("/city (chosen %v) at %s: %s (%s)\n  %s", chosen, size.name, v.ID, v.Help, strings.Join(where, "\n  "))
				}
				screenshot(t, ctx, fmt.Sprintf("city-page-%s-%v", size.name, chosen))
				shot(t, ctx, "", fmt.Sprintf("city-page-%s-%v-top", size.name, chosen))
				must(t, ctx, chromedp.Navigate(base+"/news"), chromedp.WaitReady("body"))
				var box struct{ Right, Height, Width float64 }
				must(t, ctx, chromedp.Evaluate(`(() => { const r = document.querySelector('.city-clock').getBoundingClientRect(); return {Right: r.right, Height: r.height, Width: document.documentElement.clientWidth}; })()`, &box))
				if box.Right > box.Width+0.5 {
					t.Errorf("%s: the city clock overflows: right %v of %v", size.name, box.Right, box.Width)
				}
				// A city chosen just now is fetched within ten seconds.
				var weather string
				for i := 0; i < 30 && weather == ""; i++ {
					if i > 0 {
						time.Sleep(time.Second)
						must(t, ctx, chromedp.Reload())
					}
					must(t, ctx, chromedp.Evaluate(`(document.querySelector('.city-weather') || {}).innerText || ''`, &weather))
				}
				if weather != "· −2 °C, snow" {
					t.Errorf("%s: weather %q; the node logged:\n%s", size.name, weather, n.logs())
				}
				if box.Height > 48 {
					t.Errorf("%s: the city clock takes %v px: cramped", size.name, box.Height)
				}
				shot(t, ctx, "header.masthead", fmt.Sprintf("city-header-%s-%v", size.name, chosen))
			}
			// Without script the header is the default city's, with its
			// weather and without a clock that would be stale.
			plain := browser(t, size.w, size.h, false)
			var head struct {
				Name, Weather string
				Clock         bool
			}
			must(t, plain, chromedp.Navigate(base+"/news"), chromedp.WaitReady("body"),
				chromedp.Evaluate(`(() => { const b = document.querySelector('.city-clock'); return {Name: b.querySelector('.city-name').innerText, Weather: b.querySelector('.city-weather').innerText, Clock: b.querySelector('.city-time').getBoundingClientRect().width > 0}; })()`, &head))
			if head.Name != "Moscow" || head.Weather != "· −2 °C, snow" || head.Clock {
				t.Errorf("%s without script: header %+v, want Moscow, its weather, no clock", size.name, head)
			}
			shot(t, plain, "header.masthead", fmt.Sprintf("city-header-%s-noscript", size.name))
		})
	}
}

// shot saves what the viewport shows, or one element of it, under
// DATELINE_SCREENSHOTS.
func shot(t *testing.T, ctx context.Context, sel, name string) {
	dir := os.Getenv("DATELINE_SCREENSHOTS")
	if dir == "" {
		return
	}
	var buf []byte
	action := chromedp.CaptureScreenshot(&buf)
	if sel != "" {
		action = chromedp.Screenshot(sel, &buf, chromedp.NodeVisible)
	}
	if err := chromedp.Run(ctx, action); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
}
