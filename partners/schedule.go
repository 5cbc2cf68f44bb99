package partners

import (
	"context"
	"log/slog"
	"time"

	"dateline"
	"dateline/metrics"
)

// Backoff tunes the Scheduler's timing. Zero values take the defaults.
type Backoff struct {
	Every time.Duration // between good fetches (15 min)
	First time.Duration // after the first failure (5 min), doubling
	Max   time.Duration // the longest wait after failures (6 h)
	Tick  time.Duration // how often due feeds are looked for (30 s)
}

// Store is what the scheduler needs of the storage: claiming the feeds
// that are due, reading one, and recording a fetch. Every
// dateline.Partners (and so every dateline.Store) is one.
type Store interface {
	ClaimPartnerFeeds(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]dateline.PartnerFeed, error)
	PartnerFeed(ctx context.Context, id int64) (*dateline.PartnerFeed, error)
	SavePartnerFetch(ctx context.Context, id int64, st dateline.PartnerState, entries []dateline.PartnerEntry) error
}

// Scheduler fetches every partner feed when it is due and records the
// outcome: entries replaced on success, kept on 304 and on failure, and
// failures spaced out exponentially until one succeeds.
type Scheduler struct {
	store   Store
	fetcher *Fetcher
	log     *slog.Logger
	now     func() time.Time
	changed func() // entries changed: pages showing them are stale
	b       Backoff

	// Metrics counts the fetches by outcome; nil counts none.
	Metrics *metrics.Metrics
}

// NewScheduler returns a scheduler; changed (may be nil) is called after
// a feed's entries were replaced or removed.
func NewScheduler(store Store, f *Fetcher, log *slog.Logger, now func() time.Time, changed func(), b Backoff) *Scheduler {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if changed == nil {
		changed = func() {}
	}
	if b.Every <= 0 {
		b.Every = 15 * time.Minute
	}
	if b.First <= 0 {
		b.First = 5 * time.Minute
	}
	if b.Max <= 0 {
		b.Max = 6 * time.Hour
	}
	if b.Tick <= 0 {
		b.Tick = 30 * time.Second
	}
	return &Scheduler{store: store, fetcher: f, log: log, now: now, changed: changed, b: b}
}

// CheckURL checks a new feed's address with the fetcher's policy; see
// Fetcher.CheckURL.
func (s *Scheduler) CheckURL(ctx context.Context, raw string) error {
	return s.fetcher.CheckURL(ctx, raw)
}

// Delay is the wait after the given number of failures in a row: Every
// after a success, else First doubled per further failure, at most Max.
func (b Backoff) Delay(failures int) time.Duration {
	if failures <= 0 {
		return b.Every
	}
	d := b.First
	for i := 1; i < failures && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// Run fetches due feeds every Tick until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	t := time.NewTicker(s.b.Tick)
	defer t.Stop()
	for {
		s.RunDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunDue fetches the feeds due now, one after another, and returns how
// many it fetched.
func (s *Scheduler) RunDue(ctx context.Context) int {
	// The lease keeps other nodes off a feed while it is fetched; the
	// outcome sets the real next time.
	lease := 2*s.fetcher.cfg.Timeout + time.Minute
	n := 0
	for ctx.Err() == nil {
		fs, err := s.store.ClaimPartnerFeeds(ctx, s.now(), lease, 10)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("partner feeds: claim", "err", err)
			}
			return n
		}
		for _, f := range fs {
			s.fetch(ctx, f)
			n++
		}
		if len(fs) < 10 {
			return n
		}
	}
	return n
}

// FetchNow fetches one feed at once, whatever its schedule, and returns
// it with its new state. Returns ENOTFOUND.
func (s *Scheduler) FetchNow(ctx context.Context, id int64) (*dateline.PartnerFeed, error) {
	f, err := s.store.PartnerFeed(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.fetch(ctx, *f); err != nil {
		return nil, err
	}
	return s.store.PartnerFeed(ctx, id)
}

// fetch fetches one feed and stores the outcome; only a failure to store
// is returned.
func (s *Scheduler) fetch(ctx context.Context, f dateline.PartnerFeed) error {
	start := s.now()
	res, ferr := s.fetcher.Fetch(ctx, f.URL, f.State.ETag, f.State.LastModified, start)
	if ferr != nil && ctx.Err() != nil {
		// Shutting down: not the feed's fault. The lease runs out and
		// the feed is fetched again then.
		return ctx.Err()
	}
	st := f.State
	st.FetchedAt = start
	var entries []dateline.PartnerEntry
	switch {
	case ferr != nil:
		st.Status, st.Failures = "error", st.Failures+1
		st.Error = dateline.ErrorMessage(ferr)
		if dateline.ErrorCode(ferr) == dateline.EINTERNAL {
			st.Error = "The feed could not be fetched."
		}
		s.log.Warn("partner feed failed", "feed", f.ID, "url", f.URL, "failures", st.Failures, "err", ferr)
	case res.NotModified:
		st.Status, st.Error, st.Failures = "unchanged", "", 0
		st.ETag, st.LastModified = res.ETag, res.LastModified
	default:
		st.Status, st.Error, st.Failures = "ok", "", 0
		st.ETag, st.LastModified = res.ETag, res.LastModified
		entries = res.Entries
		if entries == nil {
			entries = []dateline.PartnerEntry{} // an empty feed empties the block
		}
	}
	s.Metrics.Fetch("partner", st.Status)
	st.NextAt = start.Add(s.b.Delay(st.Failures))
	if err := s.store.SavePartnerFetch(ctx, f.ID, st, entries); err != nil {
		if dateline.ErrorCode(err) != dateline.ENOTFOUND {
			s.log.Error("partner feeds: save", "feed", f.ID, "err", err)
		}
		return err
	}
	if entries != nil {
		s.changed()
	}
	return nil
}
