package site

import (
	"dateline"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"dateline/cities"
	"dateline/http/web"
	"dateline/i18n"
	"dateline/weather"
)

// cityCookie remembers the reader's city (a slug from package cities).
const cityCookie = "city"

// Times settings: TimesReader shows every time in the reader's city's zone,
// TimesAgency keeps them in the default city's zone (the header clock still
// shows the reader's city).
const (
	TimesReader = "reader"
	TimesAgency = "agency"
)

// WeatherSource gives the current conditions of a city; *weather.Service
// is one. Want tells it that a reader chose the city.
type WeatherSource interface {
	Current(slug string) (weather.Reading, bool)
	Want(slug string)
}

// clockBox is the header's city: its name, local time and weather.
type clockBox struct {
	City    cities.City
	Now     time.Time
	Weather *weatherBox
}

type weatherBox struct {
	Temp      string // "−2 °C"
	Condition string // English key: "snow"
}

// Name is the city's name in the page's language.
func (c clockBox) Name(lang string) string { return cityName(c.City, lang) }

func cityName(c cities.City, lang string) string {
	if lang == "ru" && c.NameRU != "" {
		return c.NameRU
	}
	return c.NameEN
}

// chosenCity returns the city in the reader's cookie. A missing, unknown or
// garbled value gives false: the site's default applies, silently.
func chosenCity(r *http.Request) (cities.City, bool) {
	c, err := r.Cookie(cityCookie)
	if err != nil || c.Value == "" || len(c.Value) > 64 {
		return cities.City{}, false
	}
	return cities.Find(c.Value)
}

// defaultCity is the configured default as an entry of the city list; a
// default that is not on the list (tests, "UTC") gets an entry of its own.
func (s *Kit) defaultCity() cities.City {
	if c, ok := cities.Find(s.cfg.City.Slug); ok {
		return c
	}
	return cities.City{Slug: s.cfg.City.Slug, NameEN: s.cfg.City.Name, NameRU: s.cfg.City.Name, Zone: s.cfg.City.Zone.String()}
}

// clock is the header's city: the default city, the same for every
// reader; the page's script shows the reader's own city instead.
func (s *Kit) clock(now time.Time) clockBox {
	c := s.defaultCity()
	b := clockBox{City: c, Now: now.In(s.cfg.City.Zone)}
	if s.cfg.Weather != nil {
		if w, ok := s.cfg.Weather.Current(c.Slug); ok {
			b.Weather = &weatherBox{Temp: weather.Temperature(w.Temp), Condition: weather.Condition(w.Code)}
		}
	}
	return b
}

// cityDoc is GET /api/v1/weather's answer: a city's names, zone and
// current weather, for the page's script.
type cityDoc struct {
	City    string            `json:"city"`
	Name    map[string]string `json:"name"` // by language: "en", "ru"
	Zone    string            `json:"zone"` // IANA
	Weather *weatherDoc       `json:"weather"`
}

type weatherDoc struct {
	Temp      string            `json:"temp"`      // "−2 °C"
	Condition map[string]string `json:"condition"` // by language
}

// WeatherDoc answers GET /api/v1/weather?city=SLUG: the city's names,
// zone and current weather (null when there is no fresh reading). Asking
// is how a city gets chosen: its weather is fetched from then on. Returns
// EINVALID for a missing or unknown city.
func (s *Kit) WeatherDoc(r *http.Request) (any, error) {
	slug := r.URL.Query().Get("city")
	if slug == "" {
		return nil, dateline.Errorf(dateline.EINVALID, "Name a city: ?city=SLUG, a slug from the Select the city page (/city), such as moscow.")
	}
	c, ok := cities.Find(slug)
	if !ok {
		return nil, dateline.Errorf(dateline.EINVALID, "There is no city %q in the list: use a slug from the Select the city page (/city), such as moscow.", clip(slug, 64))
	}
	d := cityDoc{City: c.Slug, Zone: c.Zone, Name: map[string]string{"en": cityName(c, "en"), "ru": cityName(c, "ru")}}
	if s.cfg.Weather == nil {
		return d, nil
	}
	s.cfg.Weather.Want(c.Slug)
	if w, ok := s.cfg.Weather.Current(c.Slug); ok {
		cond := weather.Condition(w.Code)
		d.Weather = &weatherDoc{Temp: weather.Temperature(w.Temp), Condition: map[string]string{"en": i18n.T(i18n.EN, cond), "ru": i18n.T(i18n.RU, cond)}}
	}
	return d, nil
}

// --- /city ---

// Prefs are the pages where a reader chooses how the site shows itself:
// the city whose time it shows, and the reading mode. Both are cookies.
type Prefs struct {
	*Kit
}

type cityOption struct {
	Slug, Name, Other string // the name in the page's language and in the other
	Zone, Time        string
	Chosen            bool
}

type cityPage struct {
	*Base
	Groups  []cityGroup
	Default string // the default city's name
	Chosen  string // the chosen city's name, "" for none
	Agency  string // the agency's zone label when times stay in it
	Back    string
}

type cityGroup struct {
	ID      string
	Heading string
	Cities  []cityOption
}

// handleCity shows every city of the list, each a button that chooses it.
func (s *Prefs) handleCity(w http.ResponseWriter, r *http.Request) {
	if s.overLimit(w, r) { // rendered afresh for every reader
		return
	}
	v := s.newBase(r, "")
	lang := v.Lang
	v.Title = i18n.T(i18n.Lang(lang), "Select the city")
	now := s.now()
	chosen, ok := chosenCity(r)
	d := cityPage{Base: v, Default: cityName(s.defaultCity(), lang), Back: s.backPath(r, r.Referer())}
	if ok {
		d.Chosen = cityName(chosen, lang)
	}
	if s.cfg.Times == TimesAgency {
		d.Agency = cityName(s.defaultCity(), lang) + " (" + offset(now.In(s.cfg.City.Zone)) + ")"
	}
	russia := cityGroup{ID: "russia", Heading: "Russia"}
	world := cityGroup{ID: "world", Heading: "World capitals"}
	for _, c := range cities.All {
		o := cityOption{Slug: c.Slug, Zone: c.Zone, Name: cityName(c, lang), Other: c.NameRU, Time: now.In(c.Location()).Format("15:04"), Chosen: ok && c.Slug == chosen.Slug}
		if lang == "ru" {
			o.Other = c.NameEN
		}
		// Crimea's cities are listed with Country "UA" but among the
		// Russian regional centres, where the list keeps them.
		if c.Country == "RU" || c.Slug == "sevastopol" || c.Slug == "simferopol" {
			russia.Cities = append(russia.Cities, o)
		} else {
			world.Cities = append(world.Cities, o)
		}
	}
	for _, g := range []*cityGroup{&russia, &world} {
		sort.SliceStable(g.Cities, func(i, j int) bool { return g.Cities[i].Name < g.Cities[j].Name })
	}
	d.Groups = []cityGroup{russia, world}
	v.Canonical = prefix(lang) + "/city"
	v.Description = i18n.T(i18n.Lang(lang), "Choose the city whose local time the site shows.")
	v.Robots = "noindex, follow"
	body, err := s.render("city", d)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	cc := "public, max-age=0, s-maxage=60"
	if ok || d.Back != "" {
		// The chosen city, or the page to go back to (from the
		// reader's Referer), is this reader's own.
		cc = "private, max-age=0"
	}
	w.Header().Set("Vary", "Accept-Encoding, Cookie")
	web.WriteHTML(w, http.StatusOK, cc, body)
}

// handleCityChoose remembers the chosen city in a cookie for a year (an
// empty choice clears it, for the site's default) and goes back to the page
// the reader came from, only ever a page of this site.
func (s *Prefs) handleCityChoose(w http.ResponseWriter, r *http.Request) {
	if s.crossSite(r) {
		s.ErrorStatus(w, r, http.StatusForbidden, "This request came from another site and was refused.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		s.ErrorStatus(w, r, http.StatusBadRequest, "The form could not be read: send city=SLUG as a form of at most 4 KB.")
		return
	}
	if !r.PostForm.Has("city") {
		s.ErrorStatus(w, r, http.StatusBadRequest, "Choose a city: the form has no city field.")
		return
	}
	slug := r.PostForm.Get("city")
	// Not HttpOnly: the page's script reads it to show times, the
	// header's clock and weather in the reader's city.
	c := &http.Cookie{Name: cityCookie, Value: slug, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)}
	if slug == "" {
		c.Value, c.MaxAge = "", -1
	} else if _, ok := cities.Find(slug); !ok {
		s.ErrorStatus(w, r, http.StatusBadRequest, "There is no city \""+clip(slug, 64)+"\" in the list: choose one on the Select the city page (/city).")
		return
	} else if s.cfg.Weather != nil {
		s.cfg.Weather.Want(slug)
	}
	http.SetCookie(w, c)
	back := s.backPath(r, r.PostForm.Get("back"))
	if back == "" {
		back = s.backPath(r, r.Referer())
	}
	if back == "" {
		back = "/"
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// crossSite reports whether a form was sent from another site: its
// Origin is another host or "null" (a sandboxed or data: document), or
// the browser says so in Sec-Fetch-Site. Forms that only set a reader's
// preference have no CSRF token, so this is their check.
func (s *Prefs) crossSite(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return true
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return false
	}
	u, err := url.Parse(o)
	return o == "null" || err != nil || !s.sameSite(r, u.Host)
}

func (s *Prefs) sameSite(r *http.Request, host string) bool {
	if host == r.Host {
		return true
	}
	site, err := url.Parse(s.cfg.BaseURL)
	return err == nil && site.Host != "" && host == site.Host
}

// backPath returns the path and query of ref when it is a page of this
// site other than /city itself, and "" otherwise.
func (s *Prefs) backPath(r *http.Request, ref string) string {
	if ref == "" || strings.ContainsAny(ref, "\\\r\n") {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil || (u.Host != "" && !s.sameSite(r, u.Host)) || (u.Host == "" && u.Scheme != "") {
		return ""
	}
	if !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || u.Path == "/city" {
		return ""
	}
	return u.RequestURI()
}

func clip(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}

// CitySlug finds a city of the list by its English name, for a default
// city configured by name only.
func CitySlug(name string) string {
	for _, c := range cities.All {
		if c.NameEN == name {
			return c.Slug
		}
	}
	return ""
}
