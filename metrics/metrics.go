// Package metrics is a node's Prometheus metrics: one registry per node,
// made by serve and passed down, so tests can run many nodes in one
// process. Every method is safe on a nil *Metrics, which records nothing:
// code that measures does not ask whether metrics are on.
package metrics

import (
	"net/http"
	"sync"
	"syscall"
	"time"

	"dateline"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the node's registry and the metrics the code records.
type Metrics struct {
	reg *prometheus.Registry

	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	render     *prometheus.HistogramVec
	ingest     *prometheus.CounterVec
	releaseLag *prometheus.HistogramVec
	search     prometheus.Histogram
	queries    *prometheus.HistogramVec
	queryMu    sync.RWMutex
	queryObs   map[string]prometheus.Observer // queries' histograms by operation
	beacons    *prometheus.CounterVec
	fetches    *prometheus.CounterVec
	mail       *prometheus.CounterVec
}

// Names of the exported metrics, which the alert rules and the dashboard
// in docs/ use.
const (
	Requests    = "dateline_http_requests_total"
	Latency     = "dateline_http_request_duration_seconds"
	Render      = "dateline_page_render_seconds"
	Ingest      = "dateline_ingest_items_total"
	ReleaseLag  = "dateline_release_lag_seconds"
	Search      = "dateline_search_duration_seconds"
	Queries     = "dateline_db_query_duration_seconds"
	Beacons     = "dateline_view_beacons_total"
	Fetches     = "dateline_fetches_total"
	CachePages  = "dateline_page_cache_entries"
	CacheBytes  = "dateline_page_cache_bytes"
	CacheHits   = "dateline_page_cache_hits_total"
	CacheMisses = "dateline_page_cache_misses_total"
	CacheEvicts = "dateline_page_cache_evictions_total"
	Subscribers = "dateline_stream_subscribers"
	DBConns     = "dateline_db_connections"
	DBWaits     = "dateline_db_wait_total"
	DBWaitTime  = "dateline_db_wait_seconds_total"
	DataFree    = "dateline_data_free_bytes"
	Mail        = "dateline_mail_messages_total"
)

// New makes a node's metrics with the Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: Requests,
		Help: "HTTP requests by route (the mux pattern), status class and page cache outcome (hit, miss, 304 or none)."},
		[]string{"route", "code", "cache"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: Latency,
		Help:    "Time to answer an HTTP request, by route and page cache outcome.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10}},
		[]string{"route", "cache"})
	m.render = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: Render,
		Help:    "Time to render a page missing from the page cache, by kind of page.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}},
		[]string{"kind"})
	m.ingest = prometheus.NewCounterVec(prometheus.CounterOpts{Name: Ingest,
		Help: "Wire items received, by source and outcome (created, updated, unchanged, refused)."},
		[]string{"source", "outcome"})
	m.releaseLag = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: ReleaseLag,
		Help:    "How late the oldest due story of each kind (embargoed: a wire or newsroom embargo; scheduled: a planned publication) was published after its time, at each release.",
		Buckets: []float64{.1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}},
		[]string{"kind"})
	m.search = prometheus.NewHistogram(prometheus.HistogramOpts{Name: Search,
		Help:    "Time to run a search in the store.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}})
	m.queries = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: Queries,
		Help:    "Time of database queries, by operation: the verb and main table (select articles, insert revisions, begin, commit).",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 5}},
		[]string{"operation"})
	m.beacons = prometheus.NewCounterVec(prometheus.CounterOpts{Name: Beacons,
		Help: "View beacons received, flushed to the store, and dropped."},
		[]string{"event"})
	m.fetches = prometheus.NewCounterVec(prometheus.CounterOpts{Name: Fetches,
		Help: "Fetches of partner feeds and exchange rates, by kind (partner, rates) and outcome (ok, unchanged, error)."},
		[]string{"kind", "outcome"})
	m.mail = prometheus.NewCounterVec(prometheus.CounterOpts{Name: Mail,
		Help: "Email messages of the outbox this node handled, by outcome: sent, retried (a temporary failure), failed (refused for good or retried for a day), suppressed (unsubscribed)."},
		[]string{"outcome"})
	m.reg.MustRegister(m.requests, m.latency, m.render, m.ingest, m.releaseLag, m.search, m.queries, m.beacons, m.fetches, m.mail)
	return m
}

// Registry is the node's registry, for collectors of its own parts.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request records one HTTP request: route is the mux pattern (never the
// raw path), cache "hit", "miss" or "" for a response that is not a
// cached page; a 304 is counted as the cache outcome "304".
func (m *Metrics) Request(route string, status int, cache string, d time.Duration) {
	if m == nil {
		return
	}
	if status == http.StatusNotModified {
		cache = "304"
	} else if cache == "" {
		cache = "none"
	}
	m.requests.WithLabelValues(route, statusClass(status), cache).Inc()
	m.latency.WithLabelValues(route, cache).Observe(d.Seconds())
}

func statusClass(status int) string {
	switch {
	case status < 200:
		return "1xx"
	case status < 300:
		return "2xx"
	case status < 400:
		return "3xx"
	case status < 500:
		return "4xx"
	}
	return "5xx"
}

// Render records the render of a page of a kind ("article", "news", ...).
func (m *Metrics) Render(kind string, d time.Duration) {
	if m == nil {
		return
	}
	m.render.WithLabelValues(kind).Observe(d.Seconds())
}

// Ingest records what became of a wire item of a source: "created",
// "updated", "unchanged" or "refused".
func (m *Metrics) Ingest(source, outcome string) {
	if m == nil {
		return
	}
	m.ingest.WithLabelValues(source, outcome).Inc()
}

// The kinds of release lag.
const (
	Embargoed = "embargoed"
	Scheduled = "scheduled"
)

// ReleaseLag records how late stories of a kind (Embargoed, Scheduled)
// were published after their time (the releaser publishes every due story
// at once: the lag of the oldest of the kind).
func (m *Metrics) ReleaseLag(kind string, d time.Duration) {
	if m == nil {
		return
	}
	m.releaseLag.WithLabelValues(kind).Observe(max(d, 0).Seconds())
}

// Search records the time of one search.
func (m *Metrics) Search(d time.Duration) {
	if m == nil {
		return
	}
	m.search.Observe(d.Seconds())
}

// Query records the time of one database query of an operation (one of
// a bounded set: see package sqlop).
func (m *Metrics) Query(op string, d time.Duration) {
	if m == nil {
		return
	}
	// The histogram of each operation is kept: looking it up by label
	// would allocate at every query.
	m.queryMu.RLock()
	o := m.queryObs[op]
	m.queryMu.RUnlock()
	if o == nil {
		o = m.queries.WithLabelValues(op)
		m.queryMu.Lock()
		if m.queryObs == nil {
			m.queryObs = map[string]prometheus.Observer{}
		}
		m.queryObs[op] = o
		m.queryMu.Unlock()
	}
	o.Observe(d.Seconds())
}

// Beacons counts view beacons: event is "received", "flushed" or
// "dropped".
func (m *Metrics) Beacons(event string, n int) {
	if m == nil || n == 0 {
		return
	}
	m.beacons.WithLabelValues(event).Add(float64(n))
}

// Fetch counts a fetch of a kind ("partner", "rates") by its outcome:
// "ok" (new content), "unchanged" or "error".
func (m *Metrics) Fetch(kind, outcome string) {
	if m == nil {
		return
	}
	m.fetches.WithLabelValues(kind, outcome).Inc()
}

// Mail counts n email messages of the outbox by outcome: "sent",
// "retried", "failed" or "suppressed".
func (m *Metrics) Mail(outcome string, n int) {
	if m == nil || n == 0 {
		return
	}
	m.mail.WithLabelValues(outcome).Add(float64(n))
}

// Gauge registers a gauge whose value f reads at each scrape.
func (m *Metrics) Gauge(name, help string, f func() float64) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// Counter registers a counter whose value f reads at each scrape (a
// count kept elsewhere, such as the page cache's).
func (m *Metrics) Counter(name, help string, f func() float64) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f))
}

// Collect registers a collector of the node's own (the database pool's).
func (m *Metrics) Collect(c prometheus.Collector) {
	if m == nil {
		return
	}
	m.reg.MustRegister(c)
}

// Pools registers the store's pools of connections, read at each scrape.
func (m *Metrics) Pools(pools func() []dateline.PoolStats) {
	if m == nil {
		return
	}
	m.reg.MustRegister(poolCollector(pools))
}

var (
	descConns = prometheus.NewDesc(DBConns, "Database connections by pool and state (in_use, idle; max is the pool's limit, 0 for none).",
		[]string{"pool", "state"}, nil)
	descWaits    = prometheus.NewDesc(DBWaits, "Times a query waited for a free connection, by pool.", []string{"pool"}, nil)
	descWaitTime = prometheus.NewDesc(DBWaitTime, "Time queries waited for a free connection, by pool.", []string{"pool"}, nil)
)

type poolCollector func() []dateline.PoolStats

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descConns
	ch <- descWaits
	ch <- descWaitTime
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	for _, p := range c() {
		ch <- prometheus.MustNewConstMetric(descConns, prometheus.GaugeValue, float64(p.InUse), p.Pool, "in_use")
		ch <- prometheus.MustNewConstMetric(descConns, prometheus.GaugeValue, float64(p.Idle), p.Pool, "idle")
		ch <- prometheus.MustNewConstMetric(descConns, prometheus.GaugeValue, float64(p.Max), p.Pool, "max")
		ch <- prometheus.MustNewConstMetric(descWaits, prometheus.CounterValue, float64(p.Waits), p.Pool)
		ch <- prometheus.MustNewConstMetric(descWaitTime, prometheus.CounterValue, p.WaitDuration.Seconds(), p.Pool)
	}
}

// FreeSpace registers the free bytes of the file system holding dir
// (a folder the node writes: its data, its media), read at each scrape.
func (m *Metrics) FreeSpace(dir, name string) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: DataFree,
		Help: "Bytes free for the node on the file system of its data and media folders.", ConstLabels: prometheus.Labels{"folder": name}},
		func() float64 {
			var st syscall.Statfs_t
			if err := syscall.Statfs(dir, &st); err != nil {
				return -1
			}
			return float64(st.Bavail) * float64(st.Bsize)
		}))
}
