// Package weather keeps the current conditions of the cities readers chose,
// read on a schedule from a provider that answers in Open-Meteo's forecast
// API JSON format:
//
//	GET URL?latitude=55.76,59.94&longitude=37.62,30.31&current=temperature_2m,weather_code
//
// answers a JSON array with one object per coordinate, in the order asked
// (a single coordinate may be answered with a bare object):
//
//	[{"latitude":55.75,"longitude":37.625,"utc_offset_seconds":0,
//	  "current":{"time":"2026-11-27T13:45","interval":900,"temperature_2m":-2.1,"weather_code":73}}, ...]
//
// Readings live in memory on each node: every node fetches for itself.
package weather

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"dateline/cities"
)

const (
	// Every is how often readings are refreshed.
	Every = 15 * time.Minute
	// Fresh is how old a reading may be before it is no longer shown.
	Fresh = 90 * time.Minute
	// wantedFor is how long a city stays on the fetch list after a
	// reader last chose it.
	wantedFor = 24 * time.Hour
	// maxBody caps a provider's answer; 278 cities take about 60 KB.
	maxBody = 1 << 20
	// batch is how many coordinates one request carries.
	batch = 100
)

// Reading is one city's current conditions.
type Reading struct {
	Temp    float64   // air temperature at 2 m, °C
	Code    int       // WMO weather interpretation code
	At      time.Time // observation time the provider gave (UTC); zero if none
	Fetched time.Time // when this node received it
}

// Service fetches and keeps readings. The zero value is not usable; call New.
type Service struct {
	url    string
	client *http.Client
	now    func() time.Time
	log    *slog.Logger
	always string // the default city, always fetched

	mu       sync.RWMutex
	readings map[string]Reading   // by city slug
	wanted   map[string]time.Time // city slug -> last chosen
	kick     chan struct{}
}

// New returns a service reading from the provider at rawURL (its query, if
// any, is kept and the coordinates added). always names the city fetched
// even when no reader chose it. A nil client gets one with a 10 s timeout.
func New(rawURL string, always string, client *http.Client, now func() time.Time, log *slog.Logger) (*Service, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("weather: the provider URL must be an absolute http(s) URL, not %q", rawURL)
	}
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{url: rawURL, client: client, now: now, log: log, always: always,
		readings: map[string]Reading{}, wanted: map[string]time.Time{}, kick: make(chan struct{}, 1)}, nil
}

// Want notes that a reader chose the city, so it is fetched from now on. A
// city new to the list is fetched soon, not at the next round.
func (s *Service) Want(slug string) {
	if s == nil {
		return
	}
	now := s.now()
	s.mu.RLock()
	last, ok := s.wanted[slug]
	s.mu.RUnlock()
	if ok && now.Sub(last) < time.Hour {
		return
	}
	if _, known := cities.Find(slug); !known {
		return
	}
	s.mu.Lock()
	s.wanted[slug] = now
	_, have := s.readings[slug]
	s.mu.Unlock()
	if !have {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
}

// Current returns the city's reading, and false when there is none fresher
// than Fresh.
func (s *Service) Current(slug string) (Reading, bool) {
	if s == nil {
		return Reading{}, false
	}
	s.mu.RLock()
	r, ok := s.readings[slug]
	s.mu.RUnlock()
	if !ok || s.now().Sub(r.Fetched) >= Fresh {
		return Reading{}, false
	}
	return r, true
}

// Run fetches at once and then every Every until ctx ends; a city readers
// just chose is fetched within ten seconds. Failures are logged and the last
// good readings kept until they are stale.
func (s *Service) Run(ctx context.Context) {
	tick := time.NewTicker(Every)
	defer tick.Stop()
	var last time.Time
	for {
		if err := s.Fetch(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("weather fetch", "err", err)
		}
		last = s.now()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.kick:
			// At most one early fetch in ten seconds, however many
			// readers choose new cities (each city is new once a day).
			if wait := 10*time.Second - s.now().Sub(last); wait > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
			}
		}
	}
}

// list is the cities to fetch: the default and those chosen recently.
func (s *Service) list() []cities.City {
	now := s.now()
	var out []cities.City
	if c, ok := cities.Find(s.always); ok {
		out = append(out, c)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for slug, at := range s.wanted {
		if now.Sub(at) > wantedFor {
			delete(s.wanted, slug)
			continue
		}
		if c, ok := cities.Find(slug); ok && slug != s.always {
			out = append(out, c)
		}
	}
	return out
}

// Fetch reads the current conditions of every city on the list, in
// batches. A failed batch keeps its cities' earlier readings.
func (s *Service) Fetch(ctx context.Context) error {
	list := s.list()
	var errs []error
	for len(list) > 0 {
		n := min(len(list), batch)
		if err := s.fetch(ctx, list[:n]); err != nil {
			errs = append(errs, err)
		}
		list = list[n:]
	}
	return errors.Join(errs...)
}

func (s *Service) fetch(ctx context.Context, cs []cities.City) error {
	lat := make([]string, len(cs))
	lon := make([]string, len(cs))
	for i, c := range cs {
		lat[i] = strconv.FormatFloat(c.Lat, 'f', 2, 64)
		lon[i] = strconv.FormatFloat(c.Lon, 'f', 2, 64)
	}
	u, _ := url.Parse(s.url)
	q := u.Query()
	q.Set("latitude", strings.Join(lat, ","))
	q.Set("longitude", strings.Join(lon, ","))
	q.Set("current", "temperature_2m,weather_code")
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("weather: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return fmt.Errorf("weather: reading the answer: %w", err)
	}
	if len(body) > maxBody {
		return fmt.Errorf("weather: the answer is over %d bytes", maxBody)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("weather: the provider answered %s", resp.Status)
	}
	rs, err := Parse(body, len(cs))
	if err != nil {
		return err
	}
	now := s.now()
	s.mu.Lock()
	for i, c := range cs {
		rs[i].Fetched = now
		s.readings[c.Slug] = rs[i]
	}
	s.mu.Unlock()
	return nil
}

type location struct {
	UTCOffset int `json:"utc_offset_seconds"`
	Current   *struct {
		Time string   `json:"time"`
		Temp *float64 `json:"temperature_2m"`
		Code *float64 `json:"weather_code"`
	} `json:"current"`
}

// Parse reads a provider's answer for n coordinates: a JSON array of n
// objects, or one object when n is 1. Every object must carry a current
// temperature and weather code. It returns an error naming what is wrong.
func Parse(body []byte, n int) ([]Reading, error) {
	var locs []location
	trimmed := strings.TrimLeft(string(body), " \t\r\n")
	if strings.HasPrefix(trimmed, "{") {
		var one location
		if err := json.Unmarshal(body, &one); err != nil {
			return nil, fmt.Errorf("weather: the answer is not JSON: %w", err)
		}
		locs = []location{one}
	} else if err := json.Unmarshal(body, &locs); err != nil {
		return nil, fmt.Errorf("weather: the answer is not JSON: %w", err)
	}
	if len(locs) != n {
		return nil, fmt.Errorf("weather: the answer has %d locations, want %d", len(locs), n)
	}
	out := make([]Reading, n)
	for i, l := range locs {
		c := l.Current
		if c == nil || c.Temp == nil || c.Code == nil {
			return nil, fmt.Errorf("weather: location %d has no current temperature_2m and weather_code", i+1)
		}
		if math.IsNaN(*c.Temp) || *c.Temp < -100 || *c.Temp > 70 {
			return nil, fmt.Errorf("weather: location %d: temperature %v is not plausible", i+1, *c.Temp)
		}
		if *c.Code < 0 || *c.Code > 99 || *c.Code != math.Trunc(*c.Code) {
			return nil, fmt.Errorf("weather: location %d: %v is not a WMO weather code", i+1, *c.Code)
		}
		r := Reading{Temp: *c.Temp, Code: int(*c.Code)}
		if t, err := time.Parse("2006-01-02T15:04", c.Time); err == nil && l.UTCOffset > -86400 && l.UTCOffset < 86400 {
			r.At = t.Add(-time.Duration(l.UTCOffset) * time.Second)
		}
		out[i] = r
	}
	return out, nil
}

// Condition is the English text for a WMO weather interpretation code
// (WMO 4677 as the forecast API reduces it), lower case to follow a
// temperature: "−2 °C, snow". Unknown codes give "".
func Condition(code int) string { return conditions[code] }

var conditions = map[int]string{
	0: "clear", 1: "mainly clear", 2: "partly cloudy", 3: "overcast",
	45: "fog", 48: "rime fog",
	51: "light drizzle", 53: "drizzle", 55: "heavy drizzle",
	56: "light freezing drizzle", 57: "freezing drizzle",
	61: "light rain", 63: "rain", 65: "heavy rain",
	66: "light freezing rain", 67: "freezing rain",
	71: "light snow", 73: "snow", 75: "heavy snow", 77: "snow grains",
	80: "light showers", 81: "showers", 82: "heavy showers",
	85: "snow showers", 86: "heavy snow showers",
	95: "thunderstorm", 96: "thunderstorm with hail", 99: "thunderstorm with heavy hail",
}

// Conditions lists every condition text, for catalogue tests.
func Conditions() []string {
	out := make([]string, 0, len(conditions))
	for _, c := range conditions {
		out = append(out, c)
	}
	return out
}

// Temperature writes a temperature as agencies print it: rounded to a whole
// degree, a true minus sign, "−2 °C", "+3 °C", "0 °C".
func Temperature(c float64) string {
	n := int(math.Round(c))
	switch {
	case n < 0:
		return "−" + strconv.Itoa(-n) + " °C"
	case n > 0:
		return "+" + strconv.Itoa(n) + " °C"
	}
	return "0 °C"
}
