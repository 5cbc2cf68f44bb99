package site

import (
	"context"
	"time"

	"dateline"
	"dateline/http/site/kit"
	"dateline/http/site/liveview"
	"dateline/http/web"
)

// What a cached page depends on is noted as it is rendered (see package
// kit's ServePage): the pages read stories through depStore, which notes
// what each read returned.

// depStore is the store as the site's pages read it: the reads that show
// stories note what they returned in the render's collector.
type depStore struct{ Store }

func (s depStore) Article(ctx context.Context, id int64) (*dateline.Article, error) {
	a, err := s.Store.Article(ctx, id)
	kit.Depend(ctx, web.StoryDep(id))
	return a, err
}

// Lists carry the live mark of the stories covered live now: starting
// and ending coverage is a change of the story, which drops its lists.

func (s depStore) Articles(ctx context.Context, f dateline.ArticleFilter) ([]dateline.Article, error) {
	as, err := s.Store.Articles(ctx, f)
	kit.DependOn(ctx, kit.ListDep(f), as)
	if err == nil {
		err = liveview.Mark(ctx, s.Store, as)
	}
	return as, err
}

func (s depStore) TagArticles(ctx context.Context, kind, slug string, limit int) ([]dateline.Article, error) {
	as, err := s.Store.TagArticles(ctx, kind, slug, limit)
	kit.DependOn(ctx, web.ListDep(kind, slug), as)
	if err == nil {
		err = liveview.Mark(ctx, s.Store, as)
	}
	return as, err
}

func (s depStore) EditionTop(ctx context.Context, edition string) ([]dateline.TopItem, error) {
	items, err := s.Store.EditionTop(ctx, edition)
	if err != nil {
		return nil, err
	}
	live, err := s.Store.LiveNow(ctx)
	for _, it := range items {
		if it.Article != nil {
			it.Article.Live = live[it.Article.ID]
		}
	}
	return items, err
}

func (s depStore) FeedBodies(ctx context.Context, ids []int64) (map[int64]dateline.FeedBody, error) {
	for _, id := range ids {
		kit.Depend(ctx, web.StoryDep(id))
	}
	return s.Store.FeedBodies(ctx, ids)
}

func (s depStore) SitemapMonths(ctx context.Context, changedSince time.Time) ([]dateline.MonthCount, error) {
	kit.Depend(ctx, web.DepMaps)
	return s.Store.SitemapMonths(ctx, changedSince)
}

func (s depStore) SitemapCount(ctx context.Context, from, to time.Time) (int, error) {
	kit.Depend(ctx, kit.MonthDep(from))
	return s.Store.SitemapCount(ctx, from, to)
}

func (s depStore) SitemapArticles(ctx context.Context, from, to time.Time, offset, limit int) ([]dateline.SitemapEntry, error) {
	kit.Depend(ctx, kit.MonthDep(from))
	return s.Store.SitemapArticles(ctx, from, to, offset, limit)
}

func (s depStore) SitemapTags(ctx context.Context, kind string, after int64, limit int) ([]dateline.SitemapTag, error) {
	kit.Depend(ctx, web.DepMaps)
	return s.Store.SitemapTags(ctx, kind, after, limit)
}

func (s depStore) LastTagID(ctx context.Context, kind string) (int64, error) {
	kit.Depend(ctx, web.DepMaps)
	return s.Store.LastTagID(ctx, kind)
}
