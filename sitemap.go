package dateline

import (
	"context"
	"time"
)

// Tag kinds for SitemapTags and LastTagID.
const (
	TagTopic  = "topic"
	TagPerson = "person"
)

// MonthCount is a month (UTC) of articles by their first publication.
type MonthCount struct {
	Month time.Time // the first instant of the month, UTC
	Count int       // published articles
	// Modified is the newest change to an article first published in the
	// month, withdrawn ones included: when its sitemap last changed.
	Modified time.Time
}

// SitemapEntry is a published article as sitemaps and the news sitemap
// show it. Sitemaps read 10,000 at a time, so it holds only what they
// write: the photo's file, not its caption or size.
type SitemapEntry struct {
	ID          int64
	Section     string // slug
	Headline    string
	Lang        string
	PublishedAt time.Time
	UpdatedAt   time.Time // zero if never updated
	Photo       *Photo    // Path and Remote only; nil if none
	Commercial  bool      // partner material or advertising: not in the news sitemap
}

// SitemapTag is a topic or person that has published articles.
type SitemapTag struct {
	ID       int64
	Slug     string
	Name     string
	Modified time.Time // the newest publication among its articles
}

// FeedBody is what a full-text feed shows of an article beside its list
// fields.
type FeedBody struct {
	Pages       []string
	Corrections []Correction
}

// Sitemaps reads what sitemaps and feeds need, at a cost that does not
// grow with the site: every list is a walk of an index. Both engines
// implement it.
type Sitemaps interface {
	// SitemapMonths returns the months that have published articles,
	// read from counts kept on every write (never by counting articles),
	// oldest first, with their counts and last change. With a non-zero
	// changedSince it returns only the months of articles modified at or
	// after it (their Modified is then exact too), so a caller can keep
	// the list in memory and refresh it after a change at the price of
	// the months that changed.
	SitemapMonths(ctx context.Context, changedSince time.Time) ([]MonthCount, error)
	// SitemapCount counts the published articles first published in
	// [from, to).
	SitemapCount(ctx context.Context, from, to time.Time) (int, error)
	// SitemapArticles returns the published articles first published in
	// [from, to), oldest first (then by id), after skipping offset of
	// them; at most limit, which is at most 50,000 (EINVALID beyond).
	SitemapArticles(ctx context.Context, from, to time.Time, offset, limit int) ([]SitemapEntry, error)
	// SitemapTags returns the tags of the kind (TagTopic or TagPerson)
	// whose ids are in (after, after+limit] and that have published
	// articles, by id; limit is at most 50,000. Returns EINVALID for
	// another kind or limit.
	SitemapTags(ctx context.Context, kind string, after int64, limit int) ([]SitemapTag, error)
	// LastTagID returns the largest id of a tag of the kind, or 0.
	LastTagID(ctx context.Context, kind string) (int64, error)
	// TagArticles returns the newest published articles of the topic or
	// person with the slug, newest first, as Articles lists them (at most
	// limit, which is at most 200; none for an unknown slug): Articles
	// with ArticleFilter.Topic or Person, which walks published_tags, so
	// a tag of 250,000 stories costs what a rare one does.
	TagArticles(ctx context.Context, kind, slug string, limit int) ([]Article, error)
	// FeedBodies returns the pages and corrections of each of the
	// articles that has any; at most 200 ids (EINVALID beyond).
	FeedBodies(ctx context.Context, ids []int64) (map[int64]FeedBody, error)
}
