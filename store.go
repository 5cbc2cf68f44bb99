package dateline

import (
	"context"
	"time"

	"dateline/redirect"
)

// ArticleFilter selects published articles for a list, newest first.
// Engines walk an index from Before (a keyset cursor, never an offset),
// so the thousandth page of a list costs what the first does: the list of
// all articles, of one or several sections, and of a topic or person
// (with the other filters checked on the way).
type ArticleFilter struct {
	Sections []string  // slugs; empty means all
	Topic    string    // slug
	Person   string    // slug
	Before   *Cursor   // only articles older than this position
	Since    time.Time // only articles first published at or after this time
	Limit    int       // at most this many; the engine caps it at 200
}

// UpsertResult says what storing one article did.
type UpsertResult struct {
	ID      int64
	Created bool // a new article
	Changed bool // false when the stored version was as new or newer
	Status  Status
	// Refused is set (EFORBIDDEN or ECONFLICT, with a message for the
	// sender) when dateline.ReceiveWire refused the version; the rest of
	// the batch is stored, and the refusal is kept in the story's history.
	Refused error
}

// Release is a story PublishDue made public: its id, the instant it was
// due, and whether that was an embargo (Embargoed) or only a planned
// publication.
type Release struct {
	ID        int64
	Due       time.Time
	Embargoed bool
}

// PoolStats is what a pool of database connections is doing.
type PoolStats struct {
	Pool         string        // "write", "read" (SQLite); "primary", "replica1", ... (PostgreSQL)
	InUse, Idle  int           // connections
	Max          int           // at most; 0: no limit
	Waits        int64         // how many times a query waited for a connection, since the start
	WaitDuration time.Duration // how long they waited in all
}

// Store is the storage contract. Every engine (SQLite, PostgreSQL)
// implements all of it, and storetest runs one suite through each. Every
// write happens in one transaction. Lookups of one thing return ENOTFOUND
// when there is none; lists return an empty slice. Consumers that use a
// few methods declare the small interface they need (ingest.Store,
// partners.Store, rates.Store) and any engine satisfies it.
type Store interface {
	Close() error
	// Pools tells what each of the engine's pools of connections is
	// doing, for metrics.
	Pools() []PoolStats
	// ObserveQueries makes f receive every database query's operation
	// (its verb and main table, such as "select articles") and time, for
	// metrics, in place of any function set before; nil stops it.
	ObserveQueries(f func(op string, d time.Duration))
	Newsroom
	Readership
	Tagging
	Sitemaps
	Translations
	Ads
	Partners
	Rates
	Transfer
	Clients
	Pushes
	Mails
	Portal
	Sources
	Newsletters
	Alerts
	// The old addresses of a site moved here (dateline import --from).
	redirect.Store

	Sections(ctx context.Context) ([]Section, error)
	// SaveSection creates or updates a section by slug.
	SaveSection(ctx context.Context, s *Section) error

	// UpsertArticles stores wire versions by URI in one transaction,
	// following dateline.ReceiveWire for each: a newer version updates the
	// story in place (same ID), an older or equal one leaves it alone
	// (Changed false), a kill keeps the story's words and withdraws it, and
	// a refused one sets its result's Refused. Each article's Source names
	// its sender. Every version applied or refused is recorded as a
	// revision (RevisionWire, RevisionWireRefused) with VersionNote.
	// Topics, persons and the photo are created as needed. The store keeps
	// PublishedAt of the first publication and sets UpdatedAt when a
	// published article changes.
	UpsertArticles(ctx context.Context, as []*Article, now time.Time) ([]UpsertResult, error)
	// Article returns the whole article with the id, whatever its status.
	Article(ctx context.Context, id int64) (*Article, error)
	// ArticlesByID returns the whole articles with the ids, as Article
	// does, in the order of ids, once each; unknown ids are left out.
	// Returns EINVALID for more than 1,000 ids.
	ArticlesByID(ctx context.Context, ids []int64) ([]*Article, error)
	// ArticleByURI returns the whole article with the source URI.
	ArticleByURI(ctx context.Context, uri string) (*Article, error)
	// Articles lists published articles without their pages.
	Articles(ctx context.Context, f ArticleFilter) ([]Article, error)
	// CountArticles counts articles with the status ("" counts all).
	CountArticles(ctx context.Context, status Status) (int, error)
	// PublishDue publishes scheduled articles whose embargo ended by now and
	// returns what it released.
	PublishDue(ctx context.Context, now time.Time) ([]Release, error)
	// NextEmbargo returns the earliest embargo still to end, or zero.
	NextEmbargo(ctx context.Context) (time.Time, error)

	// TopStories returns the curated list in order: published articles,
	// and running stories with their newest published article.
	TopStories(ctx context.Context) ([]TopItem, error)
	// SetTopStories replaces the curated list. Returns ENOTFOUND for an
	// unknown id.
	SetTopStories(ctx context.Context, refs []TopRef) error
	// TopStories, TopRefs and SetTopStories are the main edition's list;
	// EditionTop, EditionTopRefs and SetEditionTop those of any edition.
	// SetEditionTop returns EINVALID for an unknown edition, an article of
	// another edition (TopArticleFits) or a story page on another
	// edition's list (TopStoryFits), and ENOTFOUND for an unknown id.
	EditionTop(ctx context.Context, edition string) ([]TopItem, error)
	EditionTopRefs(ctx context.Context, edition string) ([]TopRef, error)
	SetEditionTop(ctx context.Context, edition string, refs []TopRef) error

	Topic(ctx context.Context, slug string) (*Topic, error)
	Person(ctx context.Context, slug string) (*Person, error)

	// SavePhoto creates the photo, or updates it in place when it has an
	// ID or its URI is known.
	SavePhoto(ctx context.Context, p *Photo, now time.Time) error

	// SaveGallery creates or updates a gallery by URI, photos included.
	SaveGallery(ctx context.Context, g *Gallery, now time.Time) error
	Gallery(ctx context.Context, id int64) (*Gallery, error)
	// Galleries lists the newest galleries with their cover and count.
	Galleries(ctx context.Context, limit int) ([]Gallery, error)
	// AllGalleries lists the newest galleries of every status, for the
	// newsroom; Galleries lists the published ones only.
	AllGalleries(ctx context.Context, limit int) ([]Gallery, error)

	SaveInfographic(ctx context.Context, g *Infographic, now time.Time) error
	Infographic(ctx context.Context, id int64) (*Infographic, error)
	Infographics(ctx context.Context, limit int) ([]Infographic, error)
	// AllInfographics lists the newest infographics of every status, for
	// the newsroom; Infographics lists the published ones only.
	AllInfographics(ctx context.Context, limit int) ([]Infographic, error)

	// Search finds published articles by their terms; see SearchFilter.
	// The index is written in the same transaction as the article, so a
	// story is found once it is published and never after it leaves.
	Search(ctx context.Context, f SearchFilter) (SearchResult, error)

	// Reindex rebuilds the search index from the stored articles, and
	// SearchIndexSize tells what it takes on disk, in bytes.
	Reindex(ctx context.Context) error
	SearchIndexSize(ctx context.Context) (int64, error)
	// Watch calls changed whenever another process or node changes the
	// content, until ctx ends (SQLite polls its file's data version,
	// PostgreSQL listens for notifications).
	Watch(ctx context.Context, changed func(stories bool)) error

	CreateToken(ctx context.Context, t *Token, now time.Time) error
	// TokenByHash returns EUNAUTHORIZED when no token has the hash.
	TokenByHash(ctx context.Context, hash []byte) (*Token, error)
}
