package readership

import (
	"context"
	"slices"
	"time"

	"dateline"
)

// rerankUntil reads the rankings' headlines again after each change of
// content (without sliding the windows, which writes), so that an updated
// headline is not shown old until the next full refresh, until tick
// fires; false when ctx ended.
func (s *Service) rerankUntil(ctx context.Context, tick <-chan time.Time) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case <-tick:
			return true
		case <-s.rerank:
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(rerankAfter):
		}
		select {
		case <-s.rerank: // changes during the wait are read now too
		default:
		}
		if err := s.readRankings(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("rankings", "err", err)
		}
	}
}

// RefreshRankings slides the windows to now and reads every ranking:
// each period for the whole site and for each section. When a ranking
// changed, cached pages are dropped, since they show it.
func (s *Service) RefreshRankings(ctx context.Context) error {
	if err := s.store.ExpireViews(ctx, s.now()); err != nil {
		return err
	}
	return s.readRankings(ctx)
}

// readRankings reads every ranking as the windows stand, dropping cached
// pages when one changed (a story, its place, its views or its headline).
func (s *Service) readRankings(ctx context.Context) error {
	ranks := map[rankKey][]dateline.Ranked{}
	sections := append([]string{""}, s.site.Sections()...)
	for _, p := range dateline.Periods {
		for _, sec := range sections {
			list, err := s.store.MostRead(ctx, p, sec, MostReadSize)
			if err != nil {
				return err
			}
			ranks[rankKey{p, sec}] = list
		}
	}
	s.rankMu.Lock()
	same := sameRanks(s.ranks, ranks)
	s.ranks = ranks
	s.rankMu.Unlock()
	if !same {
		s.site.Invalidate()
	}
	return nil
}

func sameRanks(a, b map[rankKey][]dateline.Ranked) bool {
	if len(a) != len(b) {
		return false
	}
	for k, x := range a {
		y := b[k]
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i].ID != y[i].ID || x[i].Views != y[i].Views || x[i].Headline != y[i].Headline {
				return false
			}
		}
	}
	return true
}

// MostRead is a ranking as last read: of the whole site when section is
// "". The list is shared: do not change it.
func (s *Service) MostRead(p dateline.Period, section string) []dateline.Ranked {
	s.rankMu.RLock()
	defer s.rankMu.RUnlock()
	return s.ranks[rankKey{p, section}]
}

// StillPublished keeps in each ranking the stories that are published
// now. Rankings are read every rankEvery; a story killed or withheld
// since leaves the lists at once. The answer is kept until content
// changes, as for view beacons.
func (s *Service) StillPublished(ctx context.Context, lists ...*[]dateline.Ranked) error {
	var unknown []int64
	s.pubMu.RLock()
	for _, l := range lists {
		for _, a := range *l {
			if _, known := s.pub[a.ID]; !known && !slices.Contains(unknown, a.ID) {
				unknown = append(unknown, a.ID)
			}
		}
	}
	s.pubMu.RUnlock()
	if len(unknown) > 0 {
		m, err := s.store.PublishedIDs(ctx, unknown)
		if err != nil {
			return err
		}
		s.pubMu.Lock()
		if len(s.pub) > 200_000 {
			clear(s.pub)
		}
		for _, id := range unknown {
			s.pub[id] = m[id]
		}
		s.pubMu.Unlock()
	}
	s.pubMu.RLock()
	defer s.pubMu.RUnlock()
	for _, l := range lists {
		// The rankings are shared: filter a copy.
		*l = slices.DeleteFunc(slices.Clone(*l), func(a dateline.Ranked) bool {
			pub, known := s.pub[a.ID]
			return known && !pub
		})
	}
	return nil
}
