// Package cities is the reader's city list for "Select the city": the
// administrative centre of every Russian federal subject and the world's
// capitals, each with its IANA time zone.
//
// Zones are resolved with time.LoadLocation. The dateline binary embeds the
// zone database (cmd/dateline imports time/tzdata), so lookups do not depend
// on the host.
package cities

import (
	"sort"
	"sync"
	"time"
)

// City is one entry of the city list.
type City struct {
	Slug    string // lower-case ASCII, unique, used in URLs and cookies
	NameEN  string
	NameRU  string
	Zone    string // IANA time zone name, e.g. "Europe/Moscow"
	Country string // ISO 3166-1 alpha-2
	// Lat and Lon place the city (degrees, two decimals) for weather
	// providers.
	Lat, Lon float64
}

// All lists every city, sorted by NameEN. Callers must not modify it.
//
// A package-level variable is fine here: the list is constant data, built
// once from the literals below, and never changes at run time.
var All = sortedByName(append(append([]City(nil), russia...), capitals...))

var bySlug = func() map[string]int {
	m := make(map[string]int, len(All))
	for i, c := range All {
		m[c.Slug] = i
	}
	return m
}()

// Find returns the city with the given slug, and false if there is none.
func Find(slug string) (City, bool) {
	i, ok := bySlug[slug]
	if !ok {
		return City{}, false
	}
	return All[i], true
}

// zones caches loaded locations by zone name; many cities share a zone.
var zones sync.Map // string -> *time.Location

// Location returns the city's time zone, loaded once and then cached. If the
// zone cannot be loaded (a test guarantees every zone in All loads) it
// returns time.UTC rather than nil, so callers can always call t.In.
func (c City) Location() *time.Location {
	if loc, ok := zones.Load(c.Zone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(c.Zone)
	if err != nil || c.Zone == "" {
		return time.UTC
	}
	actual, _ := zones.LoadOrStore(c.Zone, loc)
	return actual.(*time.Location)
}

func sortedByName(cs []City) []City {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].NameEN < cs[j].NameEN })
	return cs
}
