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

	"dateline/cities"
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

// TestCityTimesSameBytes: every reader gets the same page whatever city
// they chose: times in the site's zone (Moscow, UTC+3 all year, while
// Berlin changes its clocks) with a machine-readable datetime for the
// page's script, and the footer naming the zone.
func TestCityTimesSameBytes(t *testing.T) {
	e := newEnvWith(t, nil, func(*dhttp.Config) {})
	stories := []struct {
		at     time.Time
		moscow string // the article's stamp
		clock  string // the news list's time
	}{
		{time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC), "March 29, 03:30 UTC+3 MOSCOW", "03:30"},
		{time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), "March 29, 04:30 UTC+3 MOSCOW", "04:30"},
		{time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), "October 25, 03:30 UTC+3 MOSCOW", "03:30"},
		{time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), "October 25, 04:30 UTC+3 MOSCOW", "04:30"},
	}
	ids := make([]int64, len(stories))
	for i, s := range stories {
		e.clock.set(s.at)
		ids[i] = e.publish(fmt.Sprintf("urn:dst:%d", i), fmt.Sprintf("Story %d", i), "world", "")
	}
	e.clock.set(time.Date(2026, 10, 25, 9, 0, 0, 0, time.UTC))
	news := e.get("/news")
	for i, s := range stories {
		path := fmt.Sprintf("/world/%d", ids[i])
		plain := e.get(path)
		stamp := fmt.Sprintf(`<time datetime="%s" data-t="stamp">%s</time>`, s.at.Format(time.RFC3339), escPlus(s.moscow))
		if plain.Code != 200 || !strings.Contains(plain.Body.String(), stamp) {
			t.Errorf("%s: %d, no %s", path, plain.Code, stamp)
		}
		for _, slug := range []string{"berlin", "tokyo", "moscow", "atlantis"} {
			w := e.get(path, cityCookie(slug)...)
			if w.Body.String() != plain.Body.String() || w.Header().Get("ETag") != plain.Header().Get("ETag") {
				t.Errorf("%s as %q: not the same bytes as without a city", path, slug)
			}
			if v := w.Header().Get("Vary"); strings.Contains(v, "Cookie") || !strings.HasPrefix(w.Header().Get("Cache-Control"), "public") {
				t.Errorf("%s as %q: Vary %q, Cache-Control %q", path, slug, v, w.Header().Get("Cache-Control"))
			}
		}
		item := fmt.Sprintf(`<time datetime="%s" data-t="clock">%s</time>`, s.at.Format(time.RFC3339), s.clock)
		if !strings.Contains(news.Body.String(), item) {
			t.Errorf("/news: no %s", item)
		}
	}
	if w := e.get("/news", cityCookie("berlin")...); w.Body.String() != news.Body.String() {
		t.Error("/news as berlin: not the same bytes")
	}
	body := news.Body.String()
	for _, want := range []string{
		`data-text="Times are shown in {city} time ({offset})."`,
		escPlus("Times are shown in Moscow time (UTC+3)."),
		`<div id="feed" data-today="Today" data-yesterday="Yesterday">`,
		`<section class="feed-day" data-date="2026-10-25" aria-label="Today, October 25">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/news lacks %s", want)
		}
	}
	if ru := sharedDemo(t).get("/ru/news").Body.String(); !strings.Contains(ru, `data-today="Сегодня" data-yesterday="Вчера"`) {
		t.Error("/ru/news does not give the script the Russian words for today and yesterday")
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
				if !strings.Contains(sc, tt.cookie) || !strings.Contains(sc, "SameSite=Lax") || !strings.Contains(sc, "Secure") || strings.Contains(sc, "HttpOnly") {
					t.Errorf("Set-Cookie %q, want %s, SameSite=Lax, Secure, readable by the page's script", sc, tt.cookie)
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
	// The header is the site's: the script puts the reader's city in it.
	if !strings.Contains(w.Body.String(), `<span class="city-name">Moscow</span>`) || !strings.Contains(w.Body.String(), `<span class="city-time" data-zone="Europe/Moscow" hidden></span>`) {
		t.Error("the header is not the default city's, its clock left to the script")
	}
	// The referring page is kept for the way back.
	w = e.get("/city", "Referer", "https://news.example/business")
	if !strings.Contains(w.Body.String(), `name="back" value="/business"`) {
		t.Error("no way back")
	}
}

// TestCityCookieCaching: a city cookie, known or not, changes nothing, so
// it does not split the page cache: with a render limit of one page a
// second (two at once), fifty readers with fifty cities are all served
// the one cached page. The page stays the same as the minute turns (the
// header's clock is the script's) and changes at the site's midnight,
// where "Today" becomes "Yesterday".
func TestCityCookieCaching(t *testing.T) {
	e := newEnvWith(t, nil, func(c *dhttp.Config) { c.RenderLimit = 1 })
	e.clock.set(time.Date(2026, 11, 27, 10, 43, 0, 0, time.UTC))
	id := e.publish("urn:cache:1", "Cached story", "world", "")
	path := "/world"
	plain := e.get(path)
	if cc := plain.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "public") || plain.Header().Get("Vary") != "Accept-Encoding" {
		t.Errorf("no cookie: Cache-Control %q, Vary %q", cc, plain.Header().Get("Vary"))
	}
	if !strings.Contains(plain.Body.String(), `href="/city">Select the city</a>`) {
		t.Error("no cookie: not the default city's page")
	}
	for i := range 50 {
		slug := cities.All[i*5].Slug
		w := e.get(path, "Cookie", "city="+slug+"; reading_mode=1")
		if w.Code != 200 || w.Body.String() != plain.Body.String() {
			t.Fatalf("city %s: %d, not the cached page", slug, w.Code)
		}
	}
	e.clock.set(time.Date(2026, 11, 27, 10, 44, 0, 0, time.UTC))
	if w := e.get(path, cityCookie("tokyo")...); w.Code != 200 || w.Body.String() != plain.Body.String() {
		t.Errorf("the page changed with the minute: %d", w.Code)
	}
	if !strings.Contains(plain.Body.String(), `aria-label="Today, November 27"`) {
		t.Error("the story is not under Today")
	}
	// 00:01 in Moscow.
	e.clock.set(time.Date(2026, 11, 27, 21, 1, 0, 0, time.UTC))
	time.Sleep(time.Second) // the render limit gives a page back a second
	w := e.get(path, cityCookie("tokyo")...)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `aria-label="Yesterday, November 27"`) {
		t.Errorf("after the site's midnight: %d, the story is not under Yesterday", w.Code)
	}
	if w := e.get(fmt.Sprintf("/world/%d", id)); w.Code != 200 {
		t.Errorf("the story: %d", w.Code)
	}
}

// TestCityAgencyTimes: with --times agency the page tells the script to
// leave times in the default city's zone; /city says so.
func TestCityAgencyTimes(t *testing.T) {
	e := newEnvWith(t, nil, func(c *dhttp.Config) { c.Times = dhttp.TimesAgency })
	e.clock.set(time.Date(2026, 11, 27, 10, 43, 0, 0, time.UTC))
	id := e.publish("urn:agency:1", "Agency story", "world", "")
	w := e.get(fmt.Sprintf("/world/%d", id), cityCookie("new-delhi")...)
	body := w.Body.String()
	if !strings.Contains(body, escPlus("13:43 UTC+3 MOSCOW")) || !strings.Contains(body, `<p class="zone-line" data-times="agency"`) {
		t.Error("the page does not keep times in the agency's zone")
	}
	if !strings.HasPrefix(w.Header().Get("Cache-Control"), "public") {
		t.Error("a page with the reader's cookie is not public")
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
	if w := e.get("/"); !strings.Contains(w.Body.String(), `<span class="city-weather" hidden></span>`) {
		t.Error("weather shown before any reading")
	}
	// A reader's script asking for Berlin puts it on the list.
	if w := e.get("/api/v1/weather?city=berlin"); w.Code != 200 || !strings.Contains(w.Body.String(), `"weather": null`) {
		t.Errorf("weather before a reading: %d %s", w.Code, w.Body)
	}
	if err := wx.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w := e.get("/"); !strings.Contains(w.Body.String(), "· −2 °C, snow</span>") {
		t.Errorf("no Moscow weather in the header")
	}
	// The header's city for the script: Berlin's weather.
	berlin := e.get("/api/v1/weather?city=berlin")
	want := `{
  "city": "berlin",
  "name": {
    "en": "Berlin",
    "ru": "Берлин"
  },
  "zone": "Europe/Berlin",
  "weather": {
    "temp": "+8 °C",
    "condition": {
      "en": "overcast",
      "ru": "пасмурно"
    }
  }
}
`
	if berlin.Code != 200 || berlin.Body.String() != want {
		t.Errorf("GET /api/v1/weather?city=berlin: %d\n%s\nwant\n%s", berlin.Code, berlin.Body, want)
	}
	if cc := berlin.Header().Get("Cache-Control"); cc != "public, max-age=0, s-maxage=60" {
		t.Errorf("weather: Cache-Control %q", cc)
	}
	if w := e.get("/api/v1/weather?city=berlin", "If-None-Match", berlin.Header().Get("ETag")); w.Code != http.StatusNotModified {
		t.Errorf("weather with its ETag: %d, want 304", w.Code)
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
	if w := e.get("/"); !strings.Contains(w.Body.String(), `<span class="city-weather" hidden></span>`) {
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

// TestCitySearchPublic: the search page, rendered for each request, is
// the same for every city.
func TestCitySearchPublic(t *testing.T) {
	e := newEnvWith(t, nil, func(*dhttp.Config) {})
	plain := e.get("/search?q=x")
	berlin := e.get("/search?q=x", cityCookie("berlin")...)
	for _, w := range []*httptest.ResponseRecorder{plain, berlin} {
		if !strings.HasPrefix(w.Header().Get("Cache-Control"), "public") || w.Header().Get("Vary") != "" {
			t.Errorf("headers %v", w.Header())
		}
	}
	if plain.Body.String() != berlin.Body.String() {
		t.Error("a city cookie changed the search page")
	}
}

// TestWeatherBadCity: the weather of a city not on the list, or of none,
// is refused with a message.
func TestWeatherBadCity(t *testing.T) {
	e := newEnvWith(t, nil, func(*dhttp.Config) {})
	for q, want := range map[string]string{
		"?city=atlantis":                    `There is no city \"atlantis\" in the list`,
		"":                                  "Name a city: ?city=SLUG",
		"?city=" + strings.Repeat("x", 300): "There is no city",
	} {
		w := e.get("/api/v1/weather" + q)
		if w.Code != 400 || !strings.Contains(w.Body.String(), want) {
			t.Errorf("%s: %d %s, want 400 %s", q, w.Code, w.Body, want)
		}
	}
	// Without a weather provider the city is told without weather.
	if w := e.get("/api/v1/weather?city=tokyo"); w.Code != 200 || !strings.Contains(w.Body.String(), `"zone": "Asia/Tokyo"`) || !strings.Contains(w.Body.String(), `"weather": null`) {
		t.Errorf("tokyo: %d %s", w.Code, w.Body)
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
