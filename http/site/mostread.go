package site

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"dateline"
	"dateline/http/site/kit"
	"dateline/http/web"
	"dateline/readership"
	"dateline/related"
)

// mostReadShown is how many stories each tab of the block numbers.
const mostReadShown = 7

// mostReadBox is the tabbed block on the home and article pages.
type mostReadBox struct {
	Lang             string
	Now, Today, Week []dateline.Ranked
}

// mostReadBlock is an edition's most read stories; nil when none were
// read.
func (s *Pages) mostReadBlock(ctx context.Context, lang string) (*mostReadBox, error) {
	kit.Depend(ctx, web.DepMost)
	b := &mostReadBox{Lang: lang, Now: s.mostReadIn(dateline.PeriodNow, lang), Today: s.mostReadIn(dateline.PeriodToday, lang),
		Week: s.mostReadIn(dateline.PeriodWeek, lang)}
	if err := s.reads.StillPublished(ctx, &b.Now, &b.Today, &b.Week); err != nil {
		return nil, err
	}
	for _, l := range []*[]dateline.Ranked{&b.Now, &b.Today, &b.Week} {
		*l = (*l)[:min(len(*l), mostReadShown)]
	}
	if len(b.Now)+len(b.Today)+len(b.Week) == 0 {
		return nil, nil
	}
	return b, nil
}

// mostReadIn is an edition's most read list: the site's while it has one
// edition, else its sections' lists merged.
func (s *Pages) mostReadIn(p dateline.Period, lang string) []dateline.Ranked {
	filter := s.Sections().Filter(lang)
	if filter == nil {
		return s.reads.MostRead(p, "")
	}
	var out []dateline.Ranked
	for _, slug := range filter {
		out = append(out, s.reads.MostRead(p, slug)...)
	}
	// Most views first; the newer story first among equals.
	slices.SortFunc(out, func(a, b dateline.Ranked) int {
		return cmp.Or(cmp.Compare(b.Views, a.Views), cmp.Compare(b.ID, a.ID))
	})
	return out[:min(len(out), readership.MostReadSize)]
}

// related picks the stories shown under a, in its own language.
func (s *Pages) related(ctx context.Context, a *dateline.Article) ([]related.Story, error) {
	nb, err := s.store.Neighbours(ctx, a.ID, 60)
	if err != nil {
		return nil, err
	}
	// The store resolves a "Read also" link only to a published story, in
	// the read that gave a, so a link with an id is one to show.
	pub := map[int64]bool{}
	for _, ref := range a.ReadAlso {
		if ref.ID != 0 {
			pub[ref.ID] = true
		}
	}
	// Related stories are read in the story's own language.
	own := s.Sections().EditionOf(a.Section)
	nb = slices.DeleteFunc(nb, func(n dateline.Neighbour) bool { return s.Sections().EditionOf(n.Section) != own })
	return related.Pick(a, pub, nb, s.Now(), 6), nil
}

// liveSections is what a page's live announcements count: its sections.
func liveSections(slugs ...string) string {
	return strings.Join(slices.DeleteFunc(slugs, func(s string) bool { return s == "" }), " ")
}
