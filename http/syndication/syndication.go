// Package syndication serves the site's feeds (RSS, Atom and JSON Feed of
// the site, its sections, topics and persons), its sitemaps and
// robots.txt. Documents are written by package feed and kept in the
// site's page cache like its pages; what it needs of the site is Site.
package syndication

import (
	"context"
	"net/http"
	"time"

	"dateline"
	"dateline/http/web"
)

// Config is what the feeds and sitemaps need to know of the site.
type Config struct {
	SiteName string // "Dateline"
	BaseURL  string // absolute URL of the site, no trailing slash
	// FeedContent is what feeds carry of each story: FeedFull (the
	// default) or FeedSummary.
	FeedContent string
	// WebSubHub is a WebSub hub's URL that feeds name; empty for none.
	WebSubHub string
	Now       func() time.Time
}

// Site is what the feeds and sitemaps need of the site they syndicate.
type Site interface {
	// Lang is the edition a request was made to: "en" or "ru".
	Lang(r *http.Request) string
	// ServePage answers from the page cache, rendering the page with
	// render first if it is not there; ServeLarge does the same for
	// documents of megabytes.
	ServePage(w http.ResponseWriter, r *http.Request, key web.Key, render func(ctx context.Context) (*web.Page, error))
	ServeLarge(w http.ResponseWriter, r *http.Request, key web.Key, render func(ctx context.Context) (*web.Page, error))
	// Error answers with the site's error page for err.
	Error(w http.ResponseWriter, r *http.Request, err error)
	// LastModified is the time content last changed; Generation counts
	// the changes the page cache heard of.
	LastModified() time.Time
	Generation() uint64
	// Editions lists the editions that are on, the main one first;
	// EditionOn reports whether one is.
	Editions() []string
	EditionOn(lang string) bool
	// EditionFilter is the sections a list of an edition's "all news"
	// reads: nil for every section.
	EditionFilter(lang string) []string
	// SectionsOf is an edition's sections; SectionIn one of them or nil.
	SectionsOf(lang string) []dateline.Section
	SectionIn(lang, slug string) *dateline.Section
	// HasSection reports whether a section exists, EditionOf which
	// edition it is in.
	HasSection(slug string) bool
	EditionOf(section string) string
	// ArticleURL is a story's path on the site.
	ArticleURL(a dateline.Article) string
}
