package weather

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dateline/i18n"
)

// provider is a local server answering in the forecast API's format, with
// the temperature of every location set by the test, or a failure mode.
type provider struct {
	mu    sync.Mutex
	mode  string // "", "broken", "500", "slow", "short"
	temp  float64
	calls atomic.Int32
	last  atomic.Value // the last query string
}

func (p *provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.calls.Add(1)
	p.last.Store(r.URL.RawQuery)
	p.mu.Lock()
	mode, temp := p.mode, p.temp
	p.mu.Unlock()
	lats := strings.Split(r.URL.Query().Get("latitude"), ",")
	lons := strings.Split(r.URL.Query().Get("longitude"), ",")
	if r.URL.Query().Get("current") != "temperature_2m,weather_code" || len(lats) != len(lons) {
		w.WriteHeader(400)
		fmt.Fprint(w, `{"error":true,"reason":"bad request"}`)
		return
	}
	switch mode {
	case "broken":
		fmt.Fprint(w, `[{"latitude":55.75,"current":{"temperature_2m":`)
		return
	case "500":
		w.WriteHeader(500)
		return
	case "slow":
		time.Sleep(300 * time.Millisecond)
	case "short":
		lats = lats[1:]
	}
	w.Header().Set("Content-Type", "application/json")
	var parts []string
	for i := range lats {
		parts = append(parts, fmt.Sprintf(`{"latitude":%s,"longitude":%s,"generationtime_ms":0.1,"utc_offset_seconds":0,"timezone":"GMT","timezone_abbreviation":"GMT","elevation":150.0,"current_units":{"time":"iso8601","interval":"seconds","temperature_2m":"°C","weather_code":"wmo code"},"current":{"time":"2026-11-27T13:45","interval":900,"temperature_2m":%.1f,"weather_code":73}}`, lats[i], lons[i], temp+float64(i)))
	}
	if len(parts) == 1 {
		fmt.Fprint(w, parts[0])
		return
	}
	fmt.Fprint(w, "["+strings.Join(parts, ",")+"]")
}

func (p *provider) set(mode string, temp float64) {
	p.mu.Lock()
	p.mode, p.temp = mode, temp
	p.mu.Unlock()
}

// clock is a test's time, in Unix nanoseconds.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }

func TestFetch(t *testing.T) {
	p := &provider{temp: -2.4}
	srv := httptest.NewServer(p)
	defer srv.Close()
	clk := &clock{}
	clk.ns.Store(time.Date(2026, 11, 27, 13, 50, 0, 0, time.UTC).UnixNano())
	s, err := New(srv.URL+"/v1/forecast?timezone=GMT", "moscow", &http.Client{Timeout: 100 * time.Millisecond}, clk.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// Only the default city until a reader chooses another.
	if err := s.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if q := p.last.Load().(string); !strings.Contains(q, "latitude=55.76&") || !strings.Contains(q, "longitude=37.62&") || !strings.Contains(q, "timezone=GMT") {
		t.Errorf("query %q", q)
	}
	r, ok := s.Current("moscow")
	if !ok || r.Temp != -2.4 || r.Code != 73 || !r.At.Equal(time.Date(2026, 11, 27, 13, 45, 0, 0, time.UTC)) {
		t.Fatalf("moscow: %+v %v", r, ok)
	}
	if got := Temperature(r.Temp) + ", " + Condition(r.Code); got != "−2 °C, snow" {
		t.Errorf("shown as %q", got)
	}
	if _, ok := s.Current("berlin"); ok {
		t.Error("berlin has a reading nobody asked for")
	}

	s.Want("berlin")
	s.Want("atlantis") // unknown: ignored
	if err := s.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if r, ok := s.Current("berlin"); !ok || r.Temp != -1.4 {
		t.Errorf("berlin: %+v %v", r, ok)
	}

	// Failures keep the last good reading until it is stale.
	for _, mode := range []string{"broken", "500", "slow", "short"} {
		p.set(mode, 20)
		clk.add(30 * time.Minute)
		if err := s.Fetch(ctx); err == nil {
			t.Errorf("%s: no error", mode)
		}
		r, ok := s.Current("moscow")
		fresh := mode == "broken" || mode == "500" // 30 and 60 minutes old
		if ok != fresh || (ok && r.Temp != -2.4) {
			t.Errorf("%s: after the failure %+v %v, want the old reading: %v", mode, r, ok, fresh)
		}
	}
	// A good answer brings it back.
	p.set("", 5)
	if err := s.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if r, ok := s.Current("moscow"); !ok || r.Temp != 5 {
		t.Errorf("after recovery %+v %v", r, ok)
	}
	// Cities nobody chose for a day are no longer fetched.
	clk.add(25 * time.Hour)
	if list := s.list(); len(list) != 1 || list[0].Slug != "moscow" {
		t.Errorf("list after a day: %v", list)
	}
}

func TestSizeCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("[" + strings.Repeat(" ", maxBody+10) + "]"))
	}))
	defer srv.Close()
	s, _ := New(srv.URL, "moscow", nil, nil, nil)
	if err := s.Fetch(context.Background()); err == nil || !strings.Contains(err.Error(), "over") {
		t.Errorf("err = %v", err)
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "/v1/forecast", "http://"} {
		if _, err := New(u, "moscow", nil, nil, nil); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, body string
		n          int
		err        string
	}{
		{"object", `{"current":{"time":"2026-11-27T13:45","temperature_2m":1.5,"weather_code":0}}`, 1, ""},
		{"array", `[{"current":{"temperature_2m":1,"weather_code":0}},{"current":{"temperature_2m":2,"weather_code":3}}]`, 2, ""},
		{"count", `[{"current":{"temperature_2m":1,"weather_code":0}}]`, 2, "1 locations"},
		{"no current", `[{"latitude":1}]`, 1, "no current"},
		{"no code", `{"current":{"temperature_2m":1}}`, 1, "no current"},
		{"bad code", `{"current":{"temperature_2m":1,"weather_code":3.5}}`, 1, "WMO"},
		{"hot", `{"current":{"temperature_2m":1000,"weather_code":0}}`, 1, "plausible"},
		{"error answer", `{"error":true,"reason":"Latitude must be in range"}`, 1, "no current"},
		{"not json", `<html>`, 1, "not JSON"},
		{"empty", ``, 1, "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.body), tt.n)
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestTemperature(t *testing.T) {
	for in, want := range map[float64]string{-2.4: "−2 °C", -0.4: "0 °C", 0.5: "+1 °C", 13: "+13 °C", -12.6: "−13 °C"} {
		if got := Temperature(in); got != want {
			t.Errorf("Temperature(%v) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`[{"current":{"time":"2026-11-27T13:45","temperature_2m":-2.1,"weather_code":73}}]`), 1)
	f.Add([]byte(`{"current":{"temperature_2m":1,"weather_code":0},"utc_offset_seconds":10800}`), 1)
	f.Add([]byte(`[{"current":null},{}]`), 2)
	f.Fuzz(func(t *testing.T, body []byte, n int) {
		if n < 0 || n > 1000 {
			return
		}
		rs, err := Parse(body, n)
		if err != nil {
			return
		}
		if len(rs) != n {
			t.Fatalf("%d readings for %d", len(rs), n)
		}
		for _, r := range rs {
			if r.Temp < -100 || r.Temp > 70 || r.Code < 0 || r.Code > 99 {
				t.Fatalf("implausible reading passed: %+v", r)
			}
		}
	})
}

// TestConditionsTranslated checks that every condition has Russian text.
func TestConditionsTranslated(t *testing.T) {
	for _, c := range Conditions() {
		if ru := i18n.T(i18n.RU, c); ru == c {
			t.Errorf("condition %q has no Russian text", c)
		}
	}
}

// TestRun fetches at once when started, fetches a newly wanted city soon,
// and returns when its context ends.
func TestRun(t *testing.T) {
	p := &provider{temp: 1}
	srv := httptest.NewServer(p)
	defer srv.Close()
	s, _ := New(srv.URL, "moscow", nil, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		s.Run(ctx)
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok := s.Current("moscow"); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no first fetch")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
}
