package http_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	dhttp "dateline/http"
	"dateline/weather"
)

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// escPlus writes s as html/template does: "+" becomes "&#43;".
func escPlus(s string) string { return strings.ReplaceAll(s, "+", "&#43;") }

func cityCookie(slug string) []string { return []string{"Cookie", "city=" + slug} }

// TestCityTimesAcrossDST: a Berlin reader and a Moscow reader see the same
// stories at their own local times, on both sides of the EU's spring and
// autumn changes (Moscow keeps UTC+3 all year).
func TestCityTimesAcrossDST(t *testing.T) {
	e := newEnvWith(t, nil, func(*dhttp.Config) {})
	stories := []struct {
		at             time.Time
		berlin, moscow string // the article's stamp
		berlinClock    string // the news list's time
	}{
		// Spring: clocks go from 02:00 CET to 03:00 CEST at 01:00 UTC.
		{time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC), "March 29, 01:30 UTC+1 BERLIN", "March 29, 03:30 UTC+3 MOSCOW", "01:30"},
		{time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), "March 29, 03:30 UTC+2 BERLIN", "March 29, 04:30 UTC+3 MOSCOW", "03:30"},
		// Autumn: from 03:00 CEST back to 02:00 CET at 01:00 UTC, so both
		// stories read 02:30 in Berlin, told apart by the offset.
		{time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), "October 25, 02:30 UTC+2 BERLIN", "October 25, 03:30 UTC+3 MOSCOW", "02:30"},
		{time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), "October 25, 02:30 UTC+1 BERLIN", "October 25, 04:30 UTC+3 MOSCOW", "02:30"},
	}
	ids := make([]int64, len(stories))
	for i, s := range stories {
		e.clock.set(s.at)
		ids[i] = e.publish(fmt.Sprintf("urn:dst:%d", i), fmt.Sprintf("Story %d", i), "world", "")
	}
	e.clock.set(time.Date(2026, 10, 25, 9, 0, 0, 0, time.UTC))
	for i, s := range stories {
		path := fmt.Sprintf("/world/%d", ids[i])
		for _, reader := range []struct{ slug, want string }{{"berlin", s.berlin}, {"moscow", s.moscow}, {"", s.moscow}} {
			w := e.get(path, cityCookie(reader.slug)...)
			if w.Code != 200 {
				t.Fatalf("%s as %q: %d", path, reader.slug, w.Code)
			}
			stamp := fmt.Sprintf(`<time datetime="%s">%s</time>`, s.at.Format(time.RFC3339), escPlus(reader.want))
			if !strings.Contains(w.Body.String(), stamp) {
				t.Errorf("%s as %q: no %s", path, reader.slug, stamp)
			}
		}
		// The news list groups by local day and shows the local time.
		w := e.get("/news", cityCookie("berlin")...)
		item := fmt.Sprintf(`<time datetime="%s">%s</time>`, s.at.Format(time.RFC3339), s.berlinClock)
		if !strings.Contains(w.Body.String(), item) {
			t.Errorf("/news as berlin: no %s", item)
		}
	}
	// Moscow's list, from the same cache, is in Moscow time.
	w := e.get("/news", cityCookie("moscow")...)
	if !strings.Contains(w.Body.String(), `<time datetime="2026-10-25T01:30:00Z">04:30</time>`) {
		t.Error("/news as moscow: the autumn story is not at 04:30")
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	_, off := e.clock.Now().In(berlin).Zone()
	footer := escPlus(fmt.Sprintf("Times are shown in Berlin time (UTC+%d).", off/3600))
	if w := e.get("/news", cityCookie("berlin")...); !strings.Contains(w.Body.String(), footer) {
		t.Errorf("the footer does not say %q", footer)
	}
}

func TestCityChoose(t *testing.T) {
	e := newEnvWith(t, nil, func(*dhttp.Config) {})
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name     string
		body     string
		headers  []string
		code     int
		location string
		cookie   string // wanted in Set-Cookie
		message  string
	}{
		{"choose, back to the referring page", "city=berlin", []string{"Referer", "https://news.example/news?s=world"}, 303, "/news?s=world", "city=berlin", ""},
		{"back field wins", "city=tokyo&back=%2Fworld", []string{"Referer", "https://news.example/city"}, 303, "/world", "city=tokyo", ""},
		{"other site's referer", "city=berlin", []string{"Referer", "https://evil.example/x"}, 303, "/", "city=berlin", ""},
		{"back to another site", "city=berlin&back=https%3A%2F%2Fevil.example%2F", nil, 303, "/", "city=berlin", ""},
		{"back protocol-relative", "city=berlin&back=%2F%2Fevil.example%2F", nil, 303, "/", "city=berlin", ""},
		{"default clears", "city=", nil, 303, "/", "Max-Age=0", ""},
		{"unknown city", "city=atlantis", nil, 400, "", "", "There is no city"},
		{"no field", "town=berlin", nil, 400, "", "", "no city field"},
		{"bad form", "city=%zz", nil, 400, "", "", "could not be read"},
		{"too long", "city=" + strings.Repeat("x", 5000), nil, 400, "", "", "could not be read"},
		{"cross-site origin", "city=berlin", []string{"Origin", "https://evil.example"}, 403, "", "", "another site"},
		{"same-site origin", "city=berlin", []string{"Origin", "https://news.example"}, 303, "/", "city=berlin", ""},
		{"null origin", "city=berlin", []string{"Origin", "null"}, 403, "", "", "another site"},
		{"cross-site fetch", "city=berlin", []string{"Sec-Fetch-Site", "cross-site"}, 403, "", "", "another site"},
		{"same-origin fetch", "city=berlin", []string{"Sec-Fetch-Site", "same-origin"}, 303, "/", "city=berlin", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do(http.MethodPost, "/city", tt.body, append([]string{"Content-Type", form}, tt.headers...)...)
			if w.Code != tt.code {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.code, w.Body)
			}
			if tt.location != "" && w.Header().Get("Location") != tt.location {
				t.Errorf("Location %q, want %q", w.Header().Get("Location"), tt.location)
			}
			sc := w.Header().Get("Set-Cookie")
			if tt.cookie != "" {
				if !strings.Contains(sc, tt.cookie) || !strings.Contains(sc, "SameSite=Lax") || !strings.Contains(sc, "Secure") || !strings.Contains(sc, "HttpOnly") {
					t.Errorf("Set-Cookie %q, want %s, SameSite=Lax, Secure, HttpOnly", sc, tt.cookie)
				}
				if tt.cookie != "Max-Age=0" && !strings.Contains(sc, "Max-Age=31536000") {
					t.Errorf("Set-Cookie %q does not last a year", sc)
				}
			} else if sc != "" {
				t.Errorf("a refused choice set %q", sc)
			}
			if tt.message != "" && !strings.Contains(w.Body.String(), tt.message) {
				t.Errorf("body lacks %q", tt.message)
			}
		})
	}
}

func TestCityPage(t *testing.T) {
	e := newEnvWith(t, nil, func(*dhttp.Config) {})
	e.clock.set(time.Date(2026, 11, 27, 10, 43, 0, 0, time.UTC))
	w, doc := e.page("/city")
	if w.Code != 200 {
		t.Fatalf("/city: %d", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{"Select the city", "Russia", "World capitals", "Москва", "Владивосток", "Use the site&#39;s default (Moscow)", `name="city" value="berlin"`, `data-zone="Asia/Vladivostok">20:43</time>`} {
		if !strings.Contains(body, want) {
			t.Errorf("/city lacks %q", want)
		}
	}
	if n := len(doc.All(`button[name="city"]`)); n != 279 {
		t.Errorf("%d buttons, want 278 cities and the default", n)
	}
	if !strings.Contains(w.Header().Get("Cache-Control"), "public") || !strings.Contains(w.Header().Get("Vary"), "Cookie") {
		t.Errorf("headers %v", w.Header())
	}
	w = e.get("/city", cityCookie("kyzyl")...)
	if !strings.Contains(w.Body.String(), `value="kyzyl" aria-current="true"`) || !strings.Contains(w.Body.String(), "Your city is Kyzyl.") {
		t.Error("the chosen city is not marked")
	}
	if !strings.Contains(w.Header().Get("Cache-Control"), "private") {
		t.Errorf("chosen: Cache-Control %q", w.Header().Get("Cache-Control"))
	}
	// The header names the city with its local time.
	if !strings.Contains(w.Body.String(), `>Kyzyl</a>`) || !strings.Contains(w.Body.String(), `data-zone="Asia/Krasnoyarsk" datetime="2026-11-27T10:43:00Z">17:43</time>`) {
		t.Error("the header does not show Kyzyl at 17:43")
	}
	// The referring page is kept for the way back.
	w = e.get("/city", "Referer", "https://news.example/business")
	if !strings.Contains(w.Body.String(), `name="back" value="/business"`) {
		t.Error("no way back")
	}
}

// TestCityCookieCaching: pages with a city cookie are private and keyed by
// the city; without one, or with a value not on the list, they are the
// public default page.
func TestCityCookieCaching(t *testing.T) {
	e := newEnvWith(t, nil, func(*dhttp.Config) {})
	e.clock.set(time.Date(2026, 11, 27, 10, 43, 0, 0, time.UTC))
	id := e.publish("urn:cache:1", "Cached story", "world", "")
	path := fmt.Sprintf("/world/%d", id)
	plain := e.get(path)
	if cc := plain.Header().Get("Cache-Control"); !strings.Contains(cc, "public") || !strings.Contains(plain.Header().Get("Vary"), "Cookie") {
		t.Errorf("no cookie: Cache-Control %q, Vary %q", cc, plain.Header().Get("Vary"))
	}
	if !strings.Contains(plain.Body.String(), escPlus("13:43 UTC+3 MOSCOW")) || !strings.Contains(plain.Body.String(), `href="/city">Select the city</a>`) {
		t.Error("no cookie: not the default city's page")
	}
	for _, junk := range []string{"atlantis", "", "%00", strings.Repeat("a", 500)} {
		w := e.get(path, "Cookie", "city="+junk)
		if w.Code != 200 || w.Body.String() != plain.Body.String() || !strings.Contains(w.Header().Get("Cache-Control"), "public") {
			t.Errorf("cookie %q: %d, not the default page", junk, w.Code)
		}
	}
	for range 2 { // the second read comes from the page cache
		tokyo := e.get(path, cityCookie("tokyo")...)
		if !strings.Contains(tokyo.Body.String(), escPlus("19:43 UTC+9 TOKYO")) || !strings.Contains(tokyo.Header().Get("Cache-Control"), "private") {
			t.Errorf("tokyo: %q", tokyo.Header().Get("Cache-Control"))
		}
		again := e.get(path)
		if again.Body.String() != plain.Body.String() {
			t.Error("a reader without the cookie got another page")
		}
	}
	// The header's clock moves with the minute, cached or not.
	e.clock.set(time.Date(2026, 11, 27, 10, 44, 0, 0, time.UTC))
	if w := e.get(path, cityCookie("tokyo")...); !strings.Contains(w.Body.String(), ">19:44</time>") {
		t.Error("the header clock did not move to 19:44")
	}
}

// TestCityAgencyTimes: with --times agency every time stays in the default
// city's zone, while the header shows the reader's city.
func TestCityAgencyTimes(t *testing.T) {
	e := newEnvWith(t, nil, func(c *dhttp.Config) { c.Times = dhttp.TimesAgency })
	e.clock.set(time.Date(2026, 11, 27, 10, 43, 0, 0, time.UTC))
	id := e.publish("urn:agency:1", "Agency story", "world", "")
	w := e.get(fmt.Sprintf("/world/%d", id), cityCookie("new-delhi")...)
	body := w.Body.String()
	if !strings.Contains(body, escPlus("13:43 UTC+3 MOSCOW")) || strings.Contains(body, "NEW DELHI") {
		t.Error("the story's time left the agency's zone")
	}
	if !strings.Contains(body, `>New Delhi</a>`) || !strings.Contains(body, `>16:13</time>`) {
		t.Error("the header does not show New Delhi at 16:13")
	}
	if !strings.Contains(w.Header().Get("Cache-Control"), "private") {
		t.Error("a page with the reader's header clock is not private")
	}
	if w := e.get("/city", cityCookie("new-delhi")...); !strings.Contains(w.Body.String(), escPlus("shown in the agency&#39;s zone, Moscow (UTC+3)")) {
		t.Error("/city does not say times stay in the agency's zone")
	}
}

// TestCityWeather runs the weather service against a local server in the
// forecast API's format: a good answer is shown in the header, a failure
// keeps the last good reading, and a stale one is hidden.
func TestCityWeather(t *testing.T) {
	var fail atomic.Bool
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			w.WriteHeader(500)
			return
		}
		lats := strings.Split(r.URL.Query().Get("latitude"), ",")
		var parts []string
		for i := range lats {
			parts = append(parts, fmt.Sprintf(`{"latitude":%s,"utc_offset_seconds":0,"current":{"time":"2026-11-27T10:30","interval":900,"temperature_2m":%.1f,"weather_code":%d}}`, lats[i], -2.2+float64(i)*10, 73-i*70))
		}
		fmt.Fprint(w, "["+strings.Join(parts, ",")+"]")
	}))
	defer provider.Close()
	var e *env
	wx, err := weather.New(provider.URL+"/v1/forecast", "moscow", nil, func() time.Time { return e.clock.Now() }, nil)
	if err != nil {
		t.Fatal(err)
	}
	e = newEnvWith(t, nil, func(c *dhttp.Config) { c.Weather = wx })
	e.clock.set(time.Date(2026, 11, 27, 10, 43, 0, 0, time.UTC))
	if w := e.get("/"); strings.Contains(w.Body.String(), "city-weather") {
		t.Error("weather shown before any reading")
	}
	// A reader choosing Berlin puts it on the list.
	e.do(http.MethodPost, "/city", "city=berlin", "Content-Type", "application/x-www-form-urlencoded")
	if err := wx.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w := e.get("/"); !strings.Contains(w.Body.String(), "· −2 °C, snow</span>") {
		t.Errorf("no Moscow weather in the header")
	}
	if w := e.get("/", cityCookie("berlin")...); !strings.Contains(w.Body.String(), escPlus("· +8 °C, overcast</span>")) {
		t.Errorf("no Berlin weather in the header")
	}
	fail.Store(true)
	e.clock.set(time.Date(2026, 11, 27, 11, 43, 0, 0, time.UTC))
	if err := wx.Fetch(context.Background()); err == nil {
		t.Error("a 500 was not an error")
	}
	if w := e.get("/"); !strings.Contains(w.Body.String(), "−2 °C, snow") {
		t.Error("the last good reading is gone after one failure")
	}
	e.clock.set(time.Date(2026, 11, 27, 12, 14, 0, 0, time.UTC))
	if w := e.get("/"); strings.Contains(w.Body.String(), "city-weather") {
		t.Error("a reading 91 minutes old is still shown")
	}
}

// FuzzCityChoose sends any form to POST /city: it answers 303, 400 or 403,
// and redirects only to a path of this site.
func FuzzCityChoose(f *testing.F) {
	for _, s := range []string{"city=berlin", "city=", "city=berlin&back=%2Fnews", "back=//x", "city=%ff"} {
		f.Add(s, "https://news.example/news")
	}
	e := newEnv(f, false)
	f.Fuzz(func(t *testing.T, body, referer string) {
		w := e.do(http.MethodPost, "/city", body, "Content-Type", "application/x-www-form-urlencoded", "Referer", referer)
		switch w.Code {
		case 303:
			loc := w.Header().Get("Location")
			u, err := url.Parse(loc)
			if err != nil || u.Host != "" || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
				t.Fatalf("redirect to %q", loc)
			}
		case 400, 403:
		default:
			t.Fatalf("status %d", w.Code)
		}
	})
}

// TestCitySearchPrivate: the search page, rendered for each request, is
// private when the city cookie shapes it.
func TestCitySearchPrivate(t *testing.T) {
	e := newEnvWith(t, nil, func(*dhttp.Config) {})
	if w := e.get("/search?q=x"); !strings.Contains(w.Header().Get("Cache-Control"), "public") || !strings.Contains(w.Header().Get("Vary"), "Cookie") {
		t.Errorf("no cookie: %v", w.Header())
	}
	if w := e.get("/search?q=x", cityCookie("berlin")...); !strings.Contains(w.Header().Get("Cache-Control"), "private") || !strings.Contains(w.Body.String(), ">Berlin</a>") {
		t.Errorf("berlin: %v", w.Header())
	}
}

// TestCityPageReferer: the page to go back to comes from the reader's
// Referer, so a page carrying one is not for shared caches.
func TestCityPageReferer(t *testing.T) {
	e := newEnv(t, false)
	if cc := e.get("/city").Header().Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
		t.Errorf("/city without a Referer: Cache-Control %q", cc)
	}
	w := e.get("/city", "Referer", "https://news.example/search?q=secret")
	if cc := w.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
		t.Errorf("/city with a Referer: Cache-Control %q, want private", cc)
	}
	if !strings.Contains(w.Body.String(), `value="/search?q=secret"`) {
		t.Error("the page does not offer to go back")
	}
}
