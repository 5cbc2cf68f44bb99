package http

import (
	"context"
	"slices"
	"strings"
	"sync"

	"dateline"
	"dateline/readership"
	"dateline/related"
)

// readershipSite is what the readership service asks of the site.
type readershipSite struct{ s *Server }

func (r readershipSite) Sections() []string { return sectionSlugs(r.s.sectionList()) }

func (r readershipSite) SectionName(slug string) string {
	if sec := r.s.section(slug); sec != nil {
		return sec.Name
	}
	return ""
}

func (r readershipSite) StoryURL(section string, id int64) string { return r.s.refURL(section, id) }

func (r readershipSite) Invalidate() { r.s.cache.Invalidate() }

// Readership is the server's views, rankings, live streams and WebSub
// pings; serve runs it as one of its workers.
func (s *Server) Readership() *readership.Service { return s.reads }

// RunReadership runs what serve runs for the reader side, for the tests:
// the readership service and the ads refresher, until ctx ends.
func (s *Server) RunReadership(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { s.reads.Run(ctx) })
	wg.Go(func() { s.RunAds(ctx) })
	wg.Wait()
}

// FlushViews writes the counted views now (tests and shutdown).
func (s *Server) FlushViews(ctx context.Context) error { return s.reads.FlushViews(ctx) }

// RefreshRankings slides the windows to now and reads every ranking.
func (s *Server) RefreshRankings(ctx context.Context) error { return s.reads.RefreshRankings(ctx) }

// PumpOnce hands the events after the last one published to the streams.
func (s *Server) PumpOnce(ctx context.Context) { s.reads.PumpOnce(ctx) }

func sectionSlugs(ss []dateline.Section) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Slug
	}
	return out
}

func (s *Server) mostRead(p dateline.Period, section string) []dateline.Ranked {
	return s.reads.MostRead(p, section)
}

// mostReadBlock is the tabbed block on the home and article pages.
type mostReadBlock struct {
	Lang             string
	Now, Today, Week []dateline.Ranked
}

// mostReadBlock is an edition's most read stories.
func (s *Server) mostReadBlock(ctx context.Context, lang string) (*mostReadBlock, error) {
	b := &mostReadBlock{Lang: lang, Now: s.mostReadIn(dateline.PeriodNow, lang), Today: s.mostReadIn(dateline.PeriodToday, lang),
		Week: s.mostReadIn(dateline.PeriodWeek, lang)}
	if err := s.stillPublished(ctx, &b.Now, &b.Today, &b.Week); err != nil {
		return nil, err
	}
	if len(b.Now)+len(b.Today)+len(b.Week) == 0 {
		return nil, nil
	}
	return b, nil
}

// stillPublished keeps in each ranking the stories that are published now.
func (s *Server) stillPublished(ctx context.Context, lists ...*[]dateline.Ranked) error {
	return s.reads.StillPublished(ctx, lists...)
}

// --- related stories ---

func (s *Server) related(ctx context.Context, a *dateline.Article) ([]related.Story, error) {
	nb, err := s.store.Neighbours(ctx, a.ID, 60)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, ref := range a.ReadAlso {
		if ref.ID != 0 {
			ids = append(ids, ref.ID)
		}
	}
	pub := map[int64]bool{}
	if len(ids) > 0 {
		if pub, err = s.store.PublishedIDs(ctx, ids); err != nil {
			return nil, err
		}
	}
	// Related stories are read in the story's own language.
	own := s.editionOfSection(a.Section)
	nb = slices.DeleteFunc(nb, func(n dateline.Neighbour) bool { return s.editionOfSection(n.Section) != own })
	return related.Pick(a, pub, nb, s.now(), 6), nil
}

// liveSections is what a page's live announcements count: its sections.
func liveSections(slugs ...string) string {
	return strings.Join(slices.DeleteFunc(slugs, func(s string) bool { return s == "" }), " ")
}
