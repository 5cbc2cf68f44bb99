package http_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	dhttp "dateline/http"
	"dateline/metrics"
)

const metricsToken = "dl_test_metrics"

// queryOp is a query histogram's count with a bounded operation: a verb,
// and a table after select, insert, update and delete.
var queryOp = regexp.MustCompile(`^` + metrics.Queries + `_count\{operation="([a-z]+|(select|insert|update|delete) [a-z_]+)"\} \d+$`)

// newMetricsEnv is a server with metrics, served at /metrics to the
// metrics token.
func newMetricsEnv(t *testing.T) *env {
	t.Helper()
	return newEnvConfig(t, false, "world", func(c *dhttp.Config) {
		c.Metrics, c.MetricsToken = metrics.New(), metricsToken
	})
}

// scrape reads /metrics through the router.
func (e *env) scrape() scraped {
	e.helper()
	w := e.get("/metrics", "Authorization", "Bearer "+metricsToken)
	if w.Code != http.StatusOK {
		e.t.Fatalf("/metrics: %d %s", w.Code, w.Body)
	}
	return scraped(w.Body.String())
}

// scraped is a scrape in the text format.
type scraped string

// sum adds the samples of the metric name whose labels include every one
// of labels (each `key="value"`).
func (s scraped) sum(name string, labels ...string) float64 {
	var total float64
	sc := bufio.NewScanner(strings.NewReader(string(s)))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ') // labels may hold spaces
		if i < 0 {
			continue
		}
		series, value := line[:i], line[i+1:]
		n, lbl, _ := strings.Cut(series, "{")
		if n != name {
			continue
		}
		match := true
		for _, l := range labels {
			match = match && strings.Contains(lbl, l)
		}
		if match {
			v, _ := strconv.ParseFloat(value, 64)
			total += v
		}
	}
	return total
}

// TestMetricsAfterTraffic scrapes /metrics through the real router after
// pages, a cache hit, a 304, an ingest, a search and a beacon, and checks
// that what they count moved.
func TestMetricsAfterTraffic(t *testing.T) {
	e := newMetricsEnv(t)
	before := e.scrape()
	if before.sum("go_goroutines") == 0 || !strings.Contains(string(before), "process_cpu_seconds_total") {
		t.Fatal("the Go runtime and process collectors are missing")
	}

	w := e.ingest(item("urn:test:metrics", e.clock.Now().Add(-time.Minute), ""))
	if w.Code != http.StatusCreated {
		t.Fatalf("ingest: %d %s", w.Code, w.Body)
	}
	id := answer(t, w.Body.Bytes()).ID
	e.get("/")                                             // a miss
	home := e.get("/")                                     // a hit
	e.get("/", "If-None-Match", home.Header().Get("Etag")) // a 304
	e.get("/search?q=arctic")
	if code := e.beacon(id, "10.0.0.1", firefoxUA); code != http.StatusNoContent {
		t.Fatalf("beacon: %d", code)
	}
	e.get("/no/such/page/at/all")
	if err := e.srv.FlushViews(context.Background()); err != nil {
		t.Fatal(err)
	}

	s := e.scrape()
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{metrics.Requests, []string{`route="GET /{$}"`, `code="2xx"`, `cache="miss"`}, 1},
		{metrics.Requests, []string{`route="GET /{$}"`, `code="2xx"`, `cache="hit"`}, 1},
		{metrics.Requests, []string{`route="GET /{$}"`, `code="3xx"`, `cache="304"`}, 1},
		{metrics.Requests, []string{`route="POST /api/v1/items"`, `code="2xx"`, `cache="none"`}, 1},
		{metrics.Requests, []string{`route="POST /api/v1/views"`}, 1},
		{metrics.Requests, []string{`route="/"`, `code="4xx"`}, 1},
		{metrics.Latency + "_count", []string{`route="GET /{$}"`}, 3},
		{metrics.Render + "_count", []string{`kind="home"`}, 1},
		{metrics.CacheHits, nil, 2},
		{metrics.Ingest, []string{`source="editorial"`, `outcome="created"`}, 1},
		{metrics.Search + "_count", nil, 1},
		{metrics.Beacons, []string{`event="received"`}, 1},
		{metrics.Beacons, []string{`event="flushed"`}, 1},
		{metrics.CacheMisses, nil, 1},
		// Every query is timed by its verb and main table, on both
		// engines: the ingest inserted the story, the home page selected
		// stories, and the writes ran in transactions.
		{metrics.Queries + "_count", []string{`operation="insert articles"`}, 1},
		{metrics.Queries + "_count", []string{`operation="select articles"`}, 1},
		{metrics.Queries + "_count", []string{`operation="commit"`}, 1},
	} {
		if got := s.sum(c.name, c.labels...); got < c.want {
			t.Errorf("%s%v = %v, want at least %v", c.name, c.labels, got, c.want)
		}
	}
	if s.sum(metrics.CachePages) < 1 || s.sum(metrics.CacheBytes) < 1000 {
		t.Errorf("page cache gauges: %v pages, %v bytes", s.sum(metrics.CachePages), s.sum(metrics.CacheBytes))
	}
	if w := e.ingest(`{"uri": "urn:test:empty"}`); w.Code < 400 {
		t.Fatalf("a bad item: %d", w.Code)
	}
	if s := e.scrape(); s.sum(metrics.Ingest, `outcome="refused"`) != 1 {
		t.Errorf("refused items: %v", s.sum(metrics.Ingest, `outcome="refused"`))
	}
	if !strings.Contains(string(s), metrics.Subscribers+" 0") {
		t.Error("no stream subscribers gauge")
	}
	if s.sum(metrics.DBConns, `state="max"`) < 1 || !strings.Contains(string(s), metrics.DBWaitTime) {
		t.Errorf("database pools: %v", s.sum(metrics.DBConns, `state="max"`))
	}
	// The operations are a bounded set: no SQL text, no values.
	for _, line := range strings.Split(string(s), "\n") {
		if strings.HasPrefix(line, metrics.Queries+"_count{") && !queryOp.MatchString(line) {
			t.Errorf("an operation label out of the set: %s", line)
		}
	}
	// Routes are patterns, never raw paths.
	if strings.Contains(string(s), "/no/such/page") {
		t.Error("a raw path is a label")
	}
	if t.Failed() {
		t.Log(s)
	}
}

// TestMetricsToken: /metrics answers only the node's metrics token, and
// is not there at all when the node has no metrics.
func TestMetricsToken(t *testing.T) {
	e := newMetricsEnv(t)
	for _, c := range []struct {
		name   string
		header []string
		code   int
		text   string
	}{
		{"no token", nil, http.StatusUnauthorized, "Authorization: Bearer"},
		{"not bearer", []string{"Authorization", "Basic eDp5"}, http.StatusUnauthorized, "metrics token"},
		{"wrong token", []string{"Authorization", "Bearer dl_wrong"}, http.StatusForbidden, "not the node's metrics token"},
		{"an API token", []string{"Authorization", "Bearer " + e.read}, http.StatusForbidden, "not the node's metrics token"},
		{"the token", []string{"Authorization", "Bearer " + metricsToken}, http.StatusOK, "# TYPE go_goroutines gauge"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := e.get("/metrics", c.header...)
			if w.Code != c.code || !strings.Contains(w.Body.String(), c.text) {
				t.Errorf("%d %q, want %d with %q", w.Code, w.Body, c.code, c.text)
			}
		})
	}
	if w := newEnv(t, false).get("/metrics", "Authorization", "Bearer "+metricsToken); w.Code != http.StatusNotFound {
		t.Errorf("a node without metrics: %d", w.Code)
	}
	// The OpenAPI document lists every answer above (TestOpenAPIWalk
	// calls /metrics on a node without metrics).
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]any
			}
		}
	}
	if err := json.Unmarshal(e.get("/api/openapi.json").Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for code, ctype := range map[string]string{"200": "text/plain", "401": "text/plain", "403": "text/plain", "404": "text/html"} {
		if _, ok := doc.Paths["/metrics"]["get"].Responses[code].Content[ctype]; !ok {
			t.Errorf("the OpenAPI document lacks GET /metrics %s %s", code, ctype)
		}
	}
}

// BenchmarkWarmMetrics serves a warm page (from the page cache) through
// the whole handler with metrics off and on, to measure what counting
// each request costs.
func BenchmarkWarmMetrics(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(map[bool]string{false: "off", true: "on"}[on], func(b *testing.B) {
			e := newEnvConfig(b, false, "world", func(c *dhttp.Config) {
				if on {
					c.Metrics, c.MetricsToken = metrics.New(), metricsToken
				}
			})
			if w := e.get("/"); w.Code != http.StatusOK {
				b.Fatalf("/: %d", w.Code)
			}
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					w := httptest.NewRecorder()
					e.srv.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
					if w.Code != http.StatusOK {
						b.Fatalf("/: %d", w.Code)
					}
				}
			})
		})
	}
}
