// Package site serves the reader's side of dateline: the pages of
// stories rendered with html/template and kept in the page cache as ready
// bytes, the search, the static files and photos, and the document the
// API's search answers are made from; the feeds and sitemaps (package
// http/syndication) are built here on the same cache.
//
// Each part is a type that holds what it uses and embeds the kit (package
// http/site/kit: templates, the page cache, sections and editions, ads,
// the reader's zone, the error page): Pages, SearchPages and Files. The
// rates pages (http/site/currency) and the reader's preferences
// (http/site/prefs) are made with the same kit. Package http routes to
// them.
package site

import (
	"context"
	"net/http"

	"dateline"
	"dateline/http/site/currency"
	"dateline/http/site/kit"
	"dateline/http/syndication"
	"dateline/http/web"
	"dateline/readership"
)

// Store is what the site reads; sqlite.DB and postgres.DB satisfy it.
type Store interface {
	pageStore
	readership.Store
	syndication.FeedStore
	syndication.SitemapStore
	Search(ctx context.Context, f dateline.SearchFilter) (dateline.SearchResult, error)
}

// Site is the reader's side: its handlers and the state they share.
type Site struct {
	Kit      *kit.Kit
	Sections *kit.Sections
	Pages    *Pages
	Search   *SearchPages
	Feeds    *syndication.Feeds
	Sitemaps *syndication.Sitemaps
	Files    *Files
	// Reads is the readership service: views, rankings, the live streams
	// and the WebSub pings of the feeds.
	Reads *readership.Service
	// Hub tells the WebSub hub of changed feeds.
	Hub *readership.WebSub
}

// New builds the site's pages of stories, search, feeds, sitemaps and
// files with k, reading store; rates makes the home page's block of
// rates.
func New(store Store, k *kit.Kit, rates *currency.Handler) (*Site, error) {
	cfg, log, now := k.Config(), k.Log(), k.Now
	reads := store // the readership service's reads are not pages'
	store = depStore{store}
	s := &Site{Kit: k, Sections: k.Sections()}
	scfg := syndication.Config{SiteName: cfg.SiteName, BaseURL: cfg.BaseURL, FeedContent: cfg.FeedContent, WebSubHub: cfg.WebSubHub, Now: now}
	var err error
	if s.Feeds, err = syndication.NewFeeds(store, syndSite{k}, scfg); err != nil {
		return nil, err
	}
	s.Hub = readership.NewWebSub(cfg.WebSubHub, cfg.BaseURL, s.Feeds.FeedsOf, log)
	s.Reads = readership.New(reads, readershipSite{s}, s.Hub, log, now)
	s.Pages = &Pages{Kit: k, store: store, reads: s.Reads, rates: rates}
	s.Search = &SearchPages{Kit: k, store: store}
	s.Sitemaps = syndication.NewSitemaps(store, syndSite{k}, scfg)
	s.Files = &Files{Kit: k, media: cfg.Media}
	return s, nil
}

// Changed re-reads the sections and the ads and drops every cached page:
// content changed.
func (s *Site) Changed() {
	s.Kit.Changed()
	s.Reads.Changed()
}

// StoriesChanged is Changed for writes of stories only (the wire's
// ingest, the release of embargoed stories): it drops the cached pages
// that show the stories changed, or lists they belong to, and keeps the
// rest. The store's event log says which stories changed, on whichever
// node.
func (s *Site) StoriesChanged() {
	s.Kit.StoriesChanged(context.Background())
	s.Reads.Changed()
}

// Routes registers the site's pages, feeds, sitemaps and files on m.
func (s *Site) Routes(m *http.ServeMux) {
	p := s.Pages
	m.HandleFunc("GET /{$}", p.handleHome)
	m.HandleFunc("GET /news", p.handleNews)
	m.HandleFunc("GET /search", s.Search.handleSearch)
	m.HandleFunc("GET /opensearch.xml", s.Search.handleOpenSearch)
	m.HandleFunc("GET /topics/{$}", p.handleTopicIndex)
	m.HandleFunc("GET /persons/{$}", p.handlePersonIndex)
	m.HandleFunc("GET /stories/{$}", p.handleStoryIndex)
	m.HandleFunc("GET /topics/{slug}", p.handleTopic)
	m.HandleFunc("GET /persons/{slug}", p.handlePerson)
	m.HandleFunc("GET /photo/{$}", p.handleGalleries)
	m.HandleFunc("GET /photo/{id}", p.handleGallery)
	m.HandleFunc("GET /infographics/{$}", p.handleInfographics)
	m.HandleFunc("GET /infographics/{id}", p.handleInfographic)
	m.HandleFunc("GET /{section}", p.handleSection)
	m.HandleFunc("GET /{section}/{id}", p.handleArticle)
	m.HandleFunc("GET /static/{file}", s.Files.handleStatic)
	m.HandleFunc("GET /favicon.ico", s.Files.handleFavicon)
	m.HandleFunc("GET /stories/{slug}", p.handleStoryPage)
	s.Feeds.Routes(m)
	s.Sitemaps.Routes(m)
}

// Front serves what must be routed before the mux next: another
// edition's pages (/ru/...: the same routes, read in its language), the
// sections' feeds and near misses of a page's address.
func (s *Site) Front(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if lang, rest, ok := kit.EditionPath(r.URL.Path); ok {
			// "/ru", "/ru//x" and "/ru/a/../b" are sent to their clean
			// address within the edition, as the mux would without it.
			if clean := kit.CleanPath(rest); clean != rest || rest == "" {
				to := "/" + lang + clean
				if r.URL.RawQuery != "" {
					to += "?" + r.URL.RawQuery
				}
				http.Redirect(w, r, to, http.StatusMovedPermanently)
				return
			}
			r = kit.WithEdition(r, lang, rest)
		}
		if s.Feeds.ServeSection(w, r) || s.Feeds.ServeVersions(w, r) {
			return
		}
		// WordPress's /?p=123 and /?page_id=7 would be the home page.
		if r.URL.Path == "/" && r.URL.RawQuery != "" && s.Kit.OldPath(w, r) {
			return
		}
		if to, ok := s.Sections.Canonical(s.Kit.Lang(r), r.URL.Path); ok && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			if r.URL.RawQuery != "" {
				to += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, to, http.StatusMovedPermanently)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readershipSite is what the readership service asks of the site.
type readershipSite struct{ s *Site }

func (r readershipSite) Sections() []string { return kit.SectionSlugs(r.s.Sections.List()) }

func (r readershipSite) SectionName(slug string) string {
	if sec := r.s.Sections.Get(slug); sec != nil {
		return sec.Name
	}
	return ""
}

func (r readershipSite) StoryURL(section string, id int64) string {
	return r.s.Sections.RefURL(section, id)
}

func (r readershipSite) Invalidate() { r.s.Kit.Cache().Drop(web.DepMost) }

// syndSite is what the feeds and sitemaps need of the site.
type syndSite struct{ *kit.Kit }

var _ syndication.Site = syndSite{}

func (y syndSite) Generation() uint64                            { return y.Cache().Gen() }
func (y syndSite) Editions() []string                            { return y.Sections().EditionsOn() }
func (y syndSite) EditionOn(lang string) bool                    { return y.Sections().EditionOn(lang) }
func (y syndSite) EditionFilter(lang string) []string            { return y.Sections().Filter(lang) }
func (y syndSite) SectionsOf(lang string) []dateline.Section     { return y.Sections().Of(lang) }
func (y syndSite) SectionIn(lang, slug string) *dateline.Section { return y.Sections().In(lang, slug) }
func (y syndSite) HasSection(slug string) bool                   { return y.Sections().Has(slug) }
func (y syndSite) EditionOf(section string) string               { return y.Sections().EditionOf(section) }
func (y syndSite) ArticleURL(a dateline.Article) string          { return y.Sections().ArticleURL(a) }
