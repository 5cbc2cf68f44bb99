package cities

import (
	"regexp"
	"sort"
	"testing"
	"time"
	"unicode"

	_ "time/tzdata" // zones must resolve on a machine without tzdata, as in the binary
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
var countryRE = regexp.MustCompile(`^[A-Z]{2}$`)

func TestZonesLoad(t *testing.T) {
	for _, c := range All {
		if _, err := time.LoadLocation(c.Zone); err != nil || c.Zone == "" {
			t.Errorf("%s: zone %q: %v", c.Slug, c.Zone, err)
		}
		if loc := c.Location(); loc.String() != c.Zone {
			t.Errorf("%s: Location() = %q, want %q", c.Slug, loc, c.Zone)
		}
	}
}

func TestLocationCached(t *testing.T) {
	c, _ := Find("moscow")
	if c.Location() != c.Location() {
		t.Error("Location() loads the zone again instead of caching it")
	}
	k, _ := Find("saint-petersburg")
	if c.Location() != k.Location() {
		t.Error("cities sharing a zone get different *time.Location values")
	}
}

func TestEntries(t *testing.T) {
	if len(russia) < 85 {
		t.Errorf("%d Russian regional centres, want at least 85", len(russia))
	}
	if len(capitals) < 150 {
		t.Errorf("%d capitals, want at least 150", len(capitals))
	}
	if len(All) != len(russia)+len(capitals) {
		t.Errorf("len(All) = %d, want %d", len(All), len(russia)+len(capitals))
	}
	seen := map[string]bool{}
	for _, c := range All {
		if !slugRE.MatchString(c.Slug) {
			t.Errorf("slug %q is not lower-case ASCII words joined by hyphens", c.Slug)
		}
		if seen[c.Slug] {
			t.Errorf("slug %q is used twice", c.Slug)
		}
		seen[c.Slug] = true
		if c.NameEN == "" || c.NameRU == "" {
			t.Errorf("%s: empty name: %+v", c.Slug, c)
		}
		if !countryRE.MatchString(c.Country) {
			t.Errorf("%s: country %q is not ISO 3166-1 alpha-2", c.Slug, c.Country)
		}
		letters := 0
		for _, r := range c.NameRU {
			switch {
			case unicode.Is(unicode.Cyrillic, r):
				letters++
			case r == ' ' || r == '-':
			default:
				t.Errorf("%s: Russian name %q has non-Cyrillic %q", c.Slug, c.NameRU, r)
			}
		}
		if letters == 0 {
			t.Errorf("%s: Russian name %q has no Cyrillic letters", c.Slug, c.NameRU)
		}
	}
	countries := map[string]string{}
	for _, c := range capitals {
		if prev, ok := countries[c.Country]; ok {
			t.Errorf("%s and %s are both capitals of %s", prev, c.Slug, c.Country)
		}
		countries[c.Country] = c.Slug
	}
	if !sort.SliceIsSorted(All, func(i, j int) bool { return All[i].NameEN < All[j].NameEN }) {
		t.Error("All is not sorted by NameEN")
	}
}

func TestFind(t *testing.T) {
	tests := []struct {
		slug, en, ru, zone string
	}{
		{"moscow", "Moscow", "Москва", "Europe/Moscow"},
		{"saint-petersburg", "Saint Petersburg", "Санкт-Петербург", "Europe/Moscow"},
		{"kaliningrad", "Kaliningrad", "Калининград", "Europe/Kaliningrad"},
		{"samara", "Samara", "Самара", "Europe/Samara"},
		{"yekaterinburg", "Yekaterinburg", "Екатеринбург", "Asia/Yekaterinburg"},
		{"omsk", "Omsk", "Омск", "Asia/Omsk"},
		{"novosibirsk", "Novosibirsk", "Новосибирск", "Asia/Novosibirsk"},
		{"krasnoyarsk", "Krasnoyarsk", "Красноярск", "Asia/Krasnoyarsk"},
		{"irkutsk", "Irkutsk", "Иркутск", "Asia/Irkutsk"},
		{"yakutsk", "Yakutsk", "Якутск", "Asia/Yakutsk"},
		{"vladivostok", "Vladivostok", "Владивосток", "Asia/Vladivostok"},
		{"magadan", "Magadan", "Магадан", "Asia/Magadan"},
		{"petropavlovsk-kamchatsky", "Petropavlovsk-Kamchatsky", "Петропавловск-Камчатский", "Asia/Kamchatka"},
		{"anadyr", "Anadyr", "Анадырь", "Asia/Anadyr"},
		{"london", "London", "Лондон", "Europe/London"},
		{"washington", "Washington", "Вашингтон", "America/New_York"},
		{"new-delhi", "New Delhi", "Нью-Дели", "Asia/Kolkata"},
		{"berlin", "Berlin", "Берлин", "Europe/Berlin"},
	}
	for _, tt := range tests {
		t.Run(tt.slug, func(t *testing.T) {
			c, ok := Find(tt.slug)
			if !ok {
				t.Fatalf("Find(%q) found nothing", tt.slug)
			}
			if c.NameEN != tt.en || c.NameRU != tt.ru || c.Zone != tt.zone {
				t.Errorf("Find(%q) = %+v, want %s / %s / %s", tt.slug, c, tt.en, tt.ru, tt.zone)
			}
		})
	}
	if _, ok := Find("atlantis"); ok {
		t.Error(`Find("atlantis") found a city`)
	}
	if _, ok := Find(""); ok {
		t.Error(`Find("") found a city`)
	}
}

func offset(t *testing.T, slug string, at time.Time) int {
	t.Helper()
	c, ok := Find(slug)
	if !ok {
		t.Fatalf("no city %q", slug)
	}
	_, off := at.In(c.Location()).Zone()
	return off / 3600
}

func TestFixedOffsets(t *testing.T) {
	at := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	for slug, want := range map[string]int{
		"moscow": 3, "kaliningrad": 2, "samara": 4, "yekaterinburg": 5,
		"omsk": 6, "novosibirsk": 7, "krasnoyarsk": 7, "irkutsk": 8,
		"yakutsk": 9, "vladivostok": 10, "magadan": 11, "petropavlovsk-kamchatsky": 12,
	} {
		if got := offset(t, slug, at); got != want {
			t.Errorf("%s: UTC%+d, want UTC%+d", slug, got, want)
		}
	}
}

// A reader in Berlin and one in Moscow see the same instant; Berlin's local
// time moves with daylight saving, Moscow's does not.
func TestDSTChange(t *testing.T) {
	berlin, _ := Find("berlin")
	moscow, _ := Find("moscow")
	tests := []struct {
		name           string
		at             time.Time
		berlinOff      int
		berlin, moscow string
	}{
		{"before spring change", time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC), 1, "01:30", "03:30"},
		{"after spring change", time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), 2, "03:30", "04:30"},
		{"before autumn change", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), 2, "02:30", "03:30"},
		{"after autumn change", time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), 1, "02:30", "04:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.at.In(berlin.Location())
			m := tt.at.In(moscow.Location())
			if !b.Equal(m) {
				t.Fatal("Berlin and Moscow times are different instants")
			}
			if _, off := b.Zone(); off/3600 != tt.berlinOff {
				t.Errorf("Berlin UTC%+d, want UTC%+d", off/3600, tt.berlinOff)
			}
			if _, off := m.Zone(); off/3600 != 3 {
				t.Errorf("Moscow UTC%+d, want UTC+3", off/3600)
			}
			if got := b.Format("15:04"); got != tt.berlin {
				t.Errorf("Berlin clock %s, want %s", got, tt.berlin)
			}
			if got := m.Format("15:04"); got != tt.moscow {
				t.Errorf("Moscow clock %s, want %s", got, tt.moscow)
			}
		})
	}
}

// TestCoordinates checks that every city has a place on the map, that the
// Russian ones are inside Russia's bounding box, and that each longitude
// agrees roughly with the zone's standard offset (15 degrees an hour), which
// catches a swapped sign or swapped latitude and longitude.
func TestCoordinates(t *testing.T) {
	jan := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	jul := time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC)
	seen := map[[2]float64]string{}
	for _, c := range All {
		if c.Lat < -90 || c.Lat > 90 || c.Lon < -180 || c.Lon > 180 || (c.Lat == 0 && c.Lon == 0) {
			t.Errorf("%s: coordinates %v, %v out of range", c.Slug, c.Lat, c.Lon)
			continue
		}
		if c.Country == "RU" && (c.Lat < 41 || c.Lat > 82 || c.Lon < 19 || c.Lon > 180) {
			t.Errorf("%s: %v, %v is outside Russia", c.Slug, c.Lat, c.Lon)
		}
		if other, ok := seen[[2]float64{c.Lat, c.Lon}]; ok {
			t.Errorf("%s has the coordinates of %s", c.Slug, other)
		}
		seen[[2]float64{c.Lat, c.Lon}] = c.Slug
		_, o1 := jan.In(c.Location()).Zone()
		_, o2 := jul.In(c.Location()).Zone()
		std := float64(min(o1, o2)) / 3600
		diff := c.Lon/15 - std
		for diff > 12 {
			diff -= 24
		}
		for diff < -12 {
			diff += 24
		}
		if diff > 3.5 || diff < -3.5 {
			t.Errorf("%s: longitude %v is %.1f hours from its zone's offset %v", c.Slug, c.Lon, diff, std)
		}
	}
}
