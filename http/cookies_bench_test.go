package http_test

import (
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dateline/cities"
	dhttp "dateline/http"
)

// BenchmarkCookieRotation measures what one client rotating the city and
// feed_sections cookies as fast as it can (eight requests at a time) does to other readers: four
// readers read hot pages (every 2 ms each) for five seconds while it
// runs. It reports the readers' p95 and the process's RSS (peak and at the
// end). Run it with -benchtime=1x:
//
//	go test -run '^$' -bench CookieRotation -benchtime=1x ./http
func BenchmarkCookieRotation(b *testing.B) {
	// The node's own render limit (Config.RenderLimit's default), behind a
	// proxy on loopback that names each client in X-Forwarded-For.
	e := newEnvConfig(b, true, "world", func(c *dhttp.Config) {
		c.RenderLimit = 0
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	hot := []string{"/", "/news", "/politics", "/world"}
	articles := benchArticlePaths(e, hot)
	if len(articles) == 0 {
		b.Fatal("no articles in the demo")
	}
	hot = append(hot, articles[:min(4, len(articles))]...)
	for _, p := range hot {
		if w := e.get(p); w.Code != http.StatusOK {
			b.Fatalf("%s: %d", p, w.Code)
		}
	}
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	// fetch sends req over a kept-alive connection and reads the whole
	// answer, gzipped as browsers ask for it.
	fetch := func(req *http.Request) int {
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := client.Do(req)
		if err != nil {
			return 0
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	sections := []string{"politics", "world", "economy", "defense", "science", "society", "sport", "pressreview"}
	const run = 5 * time.Second
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// The site's clock follows the wall clock, minute by minute.
	start := e.clock.Now()
	wallStart := time.Now()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				e.clock.mu.Lock()
				e.clock.t = start.Add(time.Since(wallStart))
				e.clock.mu.Unlock()
			}
		}
	}()
	var attacks, limited atomic.Int64
	rotate := func(seed uint64) {
		defer wg.Done()
		rnd := rand.New(rand.NewPCG(seed, 2))
		pages := append(slices.Clone(hot), articles...)
		for {
			select {
			case <-stop:
				return
			default:
			}
			var picked []string
			for _, s := range sections {
				if rnd.IntN(2) == 0 {
					picked = append(picked, s)
				}
			}
			city := cities.All[rnd.IntN(len(cities.All))].Slug
			req, _ := http.NewRequest(http.MethodGet, ts.URL+pages[rnd.IntN(len(pages))], nil)
			req.Header.Set("Cookie", "city="+city+"; feed_sections="+strings.Join(picked, "."))
			req.Header.Set("X-Forwarded-For", "203.0.113.9")
			code := fetch(req)
			attacks.Add(1)
			if code == http.StatusTooManyRequests {
				limited.Add(1)
			}
		}
	}
	// Eight connections of the one client.
	for a := range 8 {
		wg.Add(1)
		go rotate(uint64(a))
	}
	var mu sync.Mutex
	var lat []time.Duration
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(2 * time.Millisecond)
			defer tick.Stop()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				req, _ := http.NewRequest(http.MethodGet, ts.URL+hot[(n+i)%len(hot)], nil)
				req.Header.Set("X-Forwarded-For", "198.51.100."+strconv.Itoa(i+1))
				t0 := time.Now()
				code := fetch(req)
				d := time.Since(t0)
				if code != http.StatusOK {
					b.Errorf("reader: %s answered %d", req.URL.Path, code)
					return
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	b.ResetTimer()
	time.Sleep(run)
	close(stop)
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	p95 := lat[len(lat)*95/100]
	b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(len(lat))/run.Seconds(), "reads/s")
	b.ReportMetric(float64(attacks.Load())/run.Seconds(), "rotating-req/s")
	b.ReportMetric(float64(limited.Load())/run.Seconds(), "refused/s")
	peak, now := procRSS(b)
	b.ReportMetric(peak, "peak-rss-MB")
	b.ReportMetric(now, "rss-MB")
}

var articleHref = regexp.MustCompile(`href="(/[a-z]+/[0-9]+)"`)

// benchArticlePaths collects the addresses of articles linked from pages.
func benchArticlePaths(e *env, pages []string) []string {
	var out []string
	for _, p := range pages {
		for _, m := range articleHref.FindAllStringSubmatch(e.get(p).Body.String(), -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// procRSS reads the process's peak and current resident memory in MB.
func procRSS(b *testing.B) (peak, now float64) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmHWM:":
			peak = kb / 1024
		case "VmRSS:":
			now = kb / 1024
		}
	}
	return peak, now
}
