// Package prefs serves the pages where a reader chooses how the site
// shows itself: the city whose time it shows (/city, and the city's
// document GET /api/v1/weather that the page's script reads), and the
// reading mode (/reading-mode). Both are cookies.
package prefs

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"dateline"
	"dateline/cities"
	"dateline/http/site/kit"
	"dateline/http/web"
	"dateline/i18n"
	"dateline/weather"
)

// Handler serves the preferences' pages.
type Handler struct {
	*kit.Kit
}

// New returns the preferences' pages made with k.
func New(k *kit.Kit) *Handler { return &Handler{Kit: k} }

// Routes registers the preferences' pages on m.
func (s *Handler) Routes(m *http.ServeMux) {
	m.HandleFunc("GET /reading-mode.css", s.handleReadingCSS)
	m.HandleFunc("POST /reading-mode", s.handleReadingToggle)
	m.HandleFunc("GET /city", s.handleCity)
	m.HandleFunc("POST /city", s.handleCityChoose)
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
func (s *Handler) WeatherDoc(r *http.Request) (any, error) {
	slug := r.URL.Query().Get("city")
	if slug == "" {
		return nil, dateline.Errorf(dateline.EINVALID, "Name a city: ?city=SLUG, a slug from the Select the city page (/city), such as moscow.")
	}
	c, ok := cities.Find(slug)
	if !ok {
		return nil, dateline.Errorf(dateline.EINVALID, "There is no city %q in the list: use a slug from the Select the city page (/city), such as moscow.", clip(slug, 64))
	}
	d := cityDoc{City: c.Slug, Zone: c.Zone, Name: map[string]string{"en": kit.CityName(c, "en"), "ru": kit.CityName(c, "ru")}}
	ws := s.Config().Weather
	if ws == nil {
		return d, nil
	}
	ws.Want(c.Slug)
	if w, ok := ws.Current(c.Slug); ok {
		cond := weather.Condition(w.Code)
		d.Weather = &weatherDoc{Temp: weather.Temperature(w.Temp), Condition: map[string]string{"en": i18n.T(i18n.EN, cond), "ru": i18n.T(i18n.RU, cond)}}
	}
	return d, nil
}

// --- /city ---

type cityOption struct {
	Slug, Name, Other string // the name in the page's language and in the other
	Zone, Time        string
	Chosen            bool
}

type cityPage struct {
	*kit.Base
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
func (s *Handler) handleCity(w http.ResponseWriter, r *http.Request) {
	if s.OverLimit(w, r) { // rendered afresh for every reader
		return
	}
	v := s.NewBase(r, "")
	lang := v.Lang
	v.Title = i18n.T(i18n.Lang(lang), "Select the city")
	now := s.Now()
	chosen, ok := kit.ChosenCity(r)
	d := cityPage{Base: v, Default: kit.CityName(s.DefaultCity(), lang), Back: s.backPath(r, r.Referer())}
	if ok {
		d.Chosen = kit.CityName(chosen, lang)
	}
	if cfg := s.Config(); cfg.Times == kit.TimesAgency {
		d.Agency = kit.CityName(s.DefaultCity(), lang) + " (" + kit.Offset(now.In(cfg.City.Zone)) + ")"
	}
	russia := cityGroup{ID: "russia", Heading: "Russia"}
	world := cityGroup{ID: "world", Heading: "World capitals"}
	for _, c := range cities.All {
		o := cityOption{Slug: c.Slug, Zone: c.Zone, Name: kit.CityName(c, lang), Other: c.NameRU, Time: now.In(c.Location()).Format("15:04"), Chosen: ok && c.Slug == chosen.Slug}
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
	v.Canonical = dateline.EditionPath(lang) + "/city"
	v.Description = i18n.T(i18n.Lang(lang), "Choose the city whose local time the site shows.")
	v.Robots = "noindex, follow"
	body, err := s.Render("city", d)
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
func (s *Handler) handleCityChoose(w http.ResponseWriter, r *http.Request) {
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
	c := &http.Cookie{Name: kit.CityCookie, Value: slug, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: s.Secure(r)}
	if slug == "" {
		c.Value, c.MaxAge = "", -1
	} else if _, ok := cities.Find(slug); !ok {
		s.ErrorStatus(w, r, http.StatusBadRequest, "There is no city \""+clip(slug, 64)+"\" in the list: choose one on the Select the city page (/city).")
		return
	} else if ws := s.Config().Weather; ws != nil {
		ws.Want(slug)
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
func (s *Handler) crossSite(r *http.Request) bool {
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

func (s *Handler) sameSite(r *http.Request, host string) bool {
	if host == r.Host {
		return true
	}
	site, err := url.Parse(s.Config().BaseURL)
	return err == nil && site.Host != "" && host == site.Host
}

// backPath returns the path and query of ref when it is a page of this
// site other than /city itself, and "" otherwise.
func (s *Handler) backPath(r *http.Request, ref string) string {
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
