package rates

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"dateline"
	"dateline/metrics"
)

// Store is where fetched tables go. Every dateline.Rates (and so every
// dateline.Store) is one.
type Store interface {
	SaveRates(ctx context.Context, t *dateline.RateTable, now time.Time) (changed bool, err error)
}

// Scheduler fetches rate files from the URLs the operator configured and
// stores each good table. A failed fetch or parse is logged and stores
// nothing, so the rates already stored stay. Nodes that share a database
// may all run one: storing a table that is stored already changes nothing.
type Scheduler struct {
	URLs    []string
	Store   Store
	Log     *slog.Logger
	Changed func() // called when a fetch stored new rates; may be nil
	// Every is the time between rounds (default an hour); Client does the
	// fetching (default: 30 s timeout, no environment proxy surprises
	// beyond the standard transport's).
	Every  time.Duration
	Client *http.Client
	Now    func() time.Time
	// Metrics counts the fetches by outcome; nil counts none.
	Metrics *metrics.Metrics
}

// Run fetches every URL at once and then every s.Every until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	every := s.Every
	if every <= 0 {
		every = time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s.FetchAll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// FetchAll fetches every URL once, one after the other, logging each
// outcome, and reports how many stored new rates.
func (s *Scheduler) FetchAll(ctx context.Context) int {
	n := 0
	for _, u := range s.URLs {
		if ctx.Err() != nil {
			return n
		}
		t, changed, err := s.Fetch(ctx, u)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				s.Metrics.Fetch("rates", "error")
				s.Log.Warn("rates fetch failed; stored rates kept", "url", u, "err", err)
			}
		case changed:
			n++
			s.Metrics.Fetch("rates", "ok")
			s.Log.Info("rates stored", "url", u, "source", t.Source, "date", t.Date.Format(time.DateOnly), "currencies", len(t.Rates))
		default:
			s.Metrics.Fetch("rates", "unchanged")
			s.Log.Debug("rates unchanged", "url", u, "source", t.Source, "date", t.Date.Format(time.DateOnly))
		}
	}
	if n > 0 && s.Changed != nil {
		s.Changed()
	}
	return n
}

// Fetch gets one URL, parses it and stores the table, reporting whether
// that changed the stored rates. Nothing is stored on any error: a
// status other than 200, a body over MaxSize, a timeout or a document
// Parse refuses.
func (s *Scheduler) Fetch(ctx context.Context, url string) (*Table, bool, error) {
	c := s.Client
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Accept", "application/xml, text/xml")
	resp, err := c.Do(req)
	if err != nil {
		return nil, false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, false, fmt.Errorf("answered %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxSize+1))
	if err != nil {
		return nil, false, err
	}
	t, err := Parse(body)
	if err != nil {
		return nil, false, err
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	at := now()
	changed, err := s.Store.SaveRates(ctx, t.Record(at), at)
	return t, changed, err
}
