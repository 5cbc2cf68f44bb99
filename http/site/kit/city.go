package kit

import (
	"net/http"
	"time"

	"dateline/cities"
	"dateline/weather"
)

// CityCookie remembers the reader's city (a slug from package cities).
const CityCookie = "city"

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
func (c clockBox) Name(lang string) string { return CityName(c.City, lang) }

// CityName is c's name in language lang.
func CityName(c cities.City, lang string) string {
	if lang == "ru" && c.NameRU != "" {
		return c.NameRU
	}
	return c.NameEN
}

// ChosenCity returns the city in the reader's cookie. A missing, unknown or
// garbled value gives false: the site's default applies, silently.
func ChosenCity(r *http.Request) (cities.City, bool) {
	c, err := r.Cookie(CityCookie)
	if err != nil || c.Value == "" || len(c.Value) > 64 {
		return cities.City{}, false
	}
	return cities.Find(c.Value)
}

// DefaultCity is the configured default as an entry of the city list; a
// default that is not on the list (tests, "UTC") gets an entry of its own.
func (s *Kit) DefaultCity() cities.City {
	if c, ok := cities.Find(s.cfg.City.Slug); ok {
		return c
	}
	return cities.City{Slug: s.cfg.City.Slug, NameEN: s.cfg.City.Name, NameRU: s.cfg.City.Name, Zone: s.cfg.City.Zone.String()}
}

// clock is the header's city: the default city, the same for every
// reader; the page's script shows the reader's own city instead.
func (s *Kit) clock(now time.Time) clockBox {
	c := s.DefaultCity()
	b := clockBox{City: c, Now: now.In(s.cfg.City.Zone)}
	if s.cfg.Weather != nil {
		if w, ok := s.cfg.Weather.Current(c.Slug); ok {
			b.Weather = &weatherBox{Temp: weather.Temperature(w.Temp), Condition: weather.Condition(w.Code)}
		}
	}
	return b
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
