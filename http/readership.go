package http

import (
	"context"
	"sync"

	"dateline/usage"
)

// RunReadership runs what serve runs for the reader side, for the tests:
// the readership service, the ads refresher and the usage counts, until
// ctx ends.
func (s *Server) RunReadership(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { s.site.Reads.Run(ctx) })
	wg.Go(func() { s.RunAds(ctx) })
	wg.Go(func() { s.RunUsage(ctx) })
	wg.Wait()
}

// RunUsage writes the clients' usage counts every half minute, and once
// more when ctx ends (package usage).
func (s *Server) RunUsage(ctx context.Context) { s.usage.Run(ctx) }

// Usage is the clients' usage counter, for what counts outside the
// server (push deliveries).
func (s *Server) Usage() *usage.Counter { return s.usage }

// FlushUsage writes the clients' usage counted so far (tests; Run
// writes it every half minute and when it stops).
func (s *Server) FlushUsage(ctx context.Context) error { return s.usage.Flush(ctx) }

// FlushViews writes the counted views now (tests and shutdown).
func (s *Server) FlushViews(ctx context.Context) error { return s.site.Reads.FlushViews(ctx) }

// RefreshRankings slides the windows to now and reads every ranking.
func (s *Server) RefreshRankings(ctx context.Context) error { return s.site.Reads.RefreshRankings(ctx) }

// PumpOnce hands the events after the last one published to the streams.
func (s *Server) PumpOnce(ctx context.Context) { s.site.Reads.PumpOnce(ctx) }
