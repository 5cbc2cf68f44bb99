// Package readership follows what readers read and what changes for them:
// it counts views (the article page's beacon), keeps the most-read
// rankings, pumps the store's event log to the live streams, and tells a
// WebSub hub when feeds changed. Its Run is one background worker; the
// http handlers call into it.
package readership

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"dateline"
	"dateline/live"
	"dateline/metrics"
	"dateline/views"
)

// Timings.
const (
	flushEvery = 2 * time.Second  // counted views are written this often
	rankEvery  = 30 * time.Second // windows slide and rankings are read this often
	pollEvents = 2 * time.Second  // the event log is read at least this often
	heartbeat  = 15 * time.Second // a comment on every stream, for proxies
	// MostReadSize is how long each ranking is.
	MostReadSize = 10
	// rerankAfter gathers a burst of changes into one reading of the
	// rankings.
	rerankAfter = 250 * time.Millisecond
)

// Store is what readership reads and writes.
type Store interface {
	AddViews(ctx context.Context, counts []dateline.ViewCount) error
	ExpireViews(ctx context.Context, now time.Time) error
	MostRead(ctx context.Context, p dateline.Period, section string, limit int) ([]dateline.Ranked, error)
	PublishedIDs(ctx context.Context, ids []int64) (map[int64]bool, error)
	Events(ctx context.Context, after int64, limit int) ([]dateline.Event, error)
	LastEventID(ctx context.Context) (int64, error)
	Topic(ctx context.Context, slug string) (*dateline.Topic, error)
}

// Site is what readership needs to know of the site, from http.
type Site interface {
	// Sections are the slugs of the sections, each ranked on its own.
	Sections() []string
	// SectionName is a section's name, "" when unknown.
	SectionName(slug string) string
	// StoryURL is a story's address on the site, from its section.
	StoryURL(section string, id int64) string
	// Invalidate drops cached pages: they show the rankings.
	Invalidate()
}

// Service is the state of counting, rankings and the live stream.
type Service struct {
	store Store
	site  Site
	log   *slog.Logger
	now   func() time.Time

	counter *views.Counter
	hub     *live.Hub
	websub  *WebSub // nil without a hub
	wake    chan struct{}
	rerank  chan struct{} // content changed: read the rankings' headlines again

	pubMu sync.RWMutex
	pub   map[int64]bool // article id → published, emptied on every change

	rankMu sync.RWMutex
	ranks  map[rankKey][]dateline.Ranked

	metrics *metrics.Metrics
}

// Measure counts the service's beacons and live streams in m.
func (s *Service) Measure(m *metrics.Metrics) {
	s.metrics = m
	m.Gauge(metrics.Subscribers, "Readers of the live streams now.", func() float64 { return float64(s.hub.Len()) })
}

// sink is the store the counted views are written to, counting them.
func (s *Service) sink() views.Sink {
	if s.metrics == nil {
		return s.store
	}
	return countingSink{s.store, s.metrics}
}

type countingSink struct {
	views.Sink
	m *metrics.Metrics
}

func (c countingSink) AddViews(ctx context.Context, counts []dateline.ViewCount) error {
	if err := c.Sink.AddViews(ctx, counts); err != nil {
		return err
	}
	var n int64
	for _, v := range counts {
		n += v.Count
	}
	c.m.Beacons("flushed", int(n))
	return nil
}

type rankKey struct {
	period  dateline.Period
	section string
}

// New makes the service; websub may be nil.
func New(store Store, site Site, websub *WebSub, log *slog.Logger, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, site: site, log: log, now: now, websub: websub,
		counter: views.New(now), hub: live.NewHub(1000), wake: make(chan struct{}, 1), rerank: make(chan struct{}, 1), pub: map[int64]bool{}}
}

// Run writes counted views, slides the windows, refreshes the rankings
// and feeds the live streams until ctx ends; then it writes the views
// still in memory.
func (s *Service) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() {
		s.counter.Run(ctx, s.sink(), flushEvery, func(err error) { s.log.Error("write views", "err", err) })
	})
	wg.Go(func() {
		t := time.NewTicker(rankEvery)
		defer t.Stop()
		for {
			if err := s.RefreshRankings(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("rankings", "err", err)
			}
			if !s.rerankUntil(ctx, t.C) {
				return
			}
		}
	})
	wg.Go(func() { s.pumpEvents(ctx) })
	wg.Wait()
}

// Changed forgets which stories are published and wakes the event pump
// and the rankings.
func (s *Service) Changed() {
	s.pubMu.Lock()
	clear(s.pub)
	s.pubMu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	select {
	case s.rerank <- struct{}{}:
	default:
	}
}

// View counts a reader's view of a published story (bots, repeats and
// floods are not counted).
func (s *Service) View(id int64, addr, userAgent string) {
	o := s.counter.View(id, addr, userAgent)
	s.metrics.Beacons("received", 1)
	if o != views.Counted {
		s.metrics.Beacons("dropped", 1)
	}
}

// FlushViews writes the counted views now (tests and shutdown).
func (s *Service) FlushViews(ctx context.Context) error { return s.counter.Flush(ctx, s.sink()) }

// Published reports whether an article is published, from memory when it
// can: beacons come in thousands a second, mostly for the same stories.
func (s *Service) Published(ctx context.Context, id int64) (bool, error) {
	s.pubMu.RLock()
	ok, known := s.pub[id]
	s.pubMu.RUnlock()
	if known {
		return ok, nil
	}
	m, err := s.store.PublishedIDs(ctx, []int64{id})
	if err != nil {
		return false, err
	}
	s.pubMu.Lock()
	if len(s.pub) > 200_000 {
		clear(s.pub)
	}
	s.pub[id] = m[id]
	s.pubMu.Unlock()
	return m[id], nil
}
