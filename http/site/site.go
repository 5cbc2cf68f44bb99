// Package site serves the reader's side of dateline: the pages rendered
// with html/template and kept in the page cache as ready bytes, the
// static files and photos, and the documents the API's search and rates
// answers are made from; the feeds and sitemaps (package
// http/syndication) are built here on the same cache.
//
// Each part is a type that holds what it uses: Kit (templates, the page
// cache, sections and editions, ads, the reader's zone, the error page)
// is shared by the handlers Pages, SearchPages, Currency, Prefs and
// Files, which embed it. Package http routes to them.
package site

import (
	"cmp"
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"dateline"
	"dateline/http/syndication"
	"dateline/http/web"
	"dateline/readership"
)

// Config is what the site needs to know of itself.
type Config struct {
	SiteName   string         // "Dateline"
	AgencyMark string         // "DATELINE", written in the dateline: "MOSCOW, October 23. /DATELINE/."
	BaseURL    string         // absolute URL of the site, no trailing slash
	City       City           // the default city: times on the site are shown in its zone
	Media      dateline.Media // where photos are stored
	// Templates holds html/ (the pages' templates, the newsroom's in
	// html/newsroom/), and Static holds static/ (CSS, scripts, the icon).
	Templates, Static fs.FS
	Dev               bool // parse templates on every request
	// FeedContent is what feeds carry of each story:
	// syndication.FeedFull (the default: the whole text, photo and
	// corrections) or syndication.FeedSummary.
	FeedContent string
	// WebSubHub is a WebSub hub's URL: feeds name it and it is told when
	// they change. Empty for none.
	WebSubHub string
	// NoAds shows no ads whatever the newsroom set; commercial labels on
	// articles stay.
	NoAds bool
	// Times is TimesReader (the default: times in the reader's city) or
	// TimesAgency (times in the default city's zone for everyone).
	Times string
	// Weather gives the header's current conditions; nil shows none.
	Weather WeatherSource
	// PageCache is the page cache's budget of bytes (64 MiB when 0).
	PageCache int64
	// RenderLimit is how many pages that are not in the page cache one
	// address may have rendered a second, with bursts of twice as many
	// (20 when 0; negative: no limit). Cached pages are always served.
	RenderLimit float64
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the reader's address, for RenderLimit.
	TrustedProxies []netip.Prefix
}

// City is a place whose local time pages show.
type City struct {
	Name string // "Moscow"
	Zone *time.Location
	Slug string // its entry in package cities; found by Name when empty
}

// Store is what the site reads; sqlite.DB and postgres.DB satisfy it.
type Store interface {
	pageStore
	readership.Store
	syndication.FeedStore
	syndication.SitemapStore
	dateline.Rates
	Sections(ctx context.Context) ([]dateline.Section, error)
	AdSettings(ctx context.Context) (*dateline.AdSettings, error)
	Search(ctx context.Context, f dateline.SearchFilter) (dateline.SearchResult, error)
}

// Site is the reader's side: its handlers and the state they share.
type Site struct {
	Kit      *Kit
	Sections *Sections
	Ads      *Ads
	Pages    *Pages
	Search   *SearchPages
	Currency *Currency
	Prefs    *Prefs
	Feeds    *syndication.Feeds
	Sitemaps *syndication.Sitemaps
	Files    *Files
	// Reads is the readership service: views, rankings, the live streams
	// and the WebSub pings of the feeds.
	Reads *readership.Service
	// Hub tells the WebSub hub of changed feeds.
	Hub *readership.WebSub

	store Store
}

// New builds the site and parses every template, so a broken one stops
// the start instead of a request. cfg.City must have its zone.
func New(store Store, log *slog.Logger, cfg Config, now func() time.Time) (*Site, error) {
	reads := store // the readership service's reads are not pages'
	store = depStore{store}
	as, err := loadAssets(cfg.Static, "static")
	if err != nil {
		return nil, err
	}
	secs := &Sections{}
	ads := &Ads{store: store, noAds: cfg.NoAds, now: now}
	kit := &Kit{cfg: &cfg, log: log, now: now, cache: web.NewCache(cmp.Or(cfg.PageCache, 64<<20)), assets: as, sections: secs, ads: ads}
	kit.tmpl, err = parseTemplates(cfg.Templates, cfg.Dev, map[string]any{"articleURL": secs.ArticleURL, "refURL": secs.RefURL,
		"sectionURL": secs.sectionURL, "sectionLang": secs.editionOf, "asset": as.url})
	if err != nil {
		return nil, err
	}
	kit.lastChange.Store(now().UnixNano())
	if rate := cmp.Or(cfg.RenderLimit, 20); rate > 0 {
		kit.renders = &web.Limiter{Rate: rate, Burst: 2 * rate}
	}
	s := &Site{Kit: kit, Sections: secs, Ads: ads, store: store}
	scfg := syndication.Config{SiteName: cfg.SiteName, BaseURL: cfg.BaseURL, FeedContent: cfg.FeedContent, WebSubHub: cfg.WebSubHub, Now: now}
	if s.Feeds, err = syndication.NewFeeds(store, syndSite{kit}, scfg); err != nil {
		return nil, err
	}
	s.Hub = readership.NewWebSub(cfg.WebSubHub, cfg.BaseURL, s.Feeds.FeedsOf, log)
	s.Reads = readership.New(reads, readershipSite{s}, s.Hub, log, now)
	s.Currency = &Currency{Kit: kit, store: store}
	s.Pages = &Pages{Kit: kit, store: store, reads: s.Reads, rates: s.Currency}
	s.Search = &SearchPages{Kit: kit, store: store}
	s.Prefs = &Prefs{Kit: kit}
	s.Sitemaps = syndication.NewSitemaps(store, syndSite{kit}, scfg)
	s.Files = &Files{Kit: kit, assets: as, media: cfg.Media}
	if err := secs.Load(context.Background(), store); err != nil {
		return nil, err
	}
	for _, sec := range secs.List() {
		// A section made before the site took its address for itself
		// (say /city or /currency) is shadowed: say so at start.
		if err := sec.Validate(); err != nil {
			log.Warn("section cannot be reached; rename it in the newsroom", "section", sec.Slug, "err", dateline.ErrorMessage(err))
		}
	}
	if _, err := ads.load(context.Background()); err != nil {
		return nil, err
	}
	if err := kit.events.start(context.Background(), store); err != nil {
		return nil, err
	}
	return s, nil
}

// Changed re-reads the sections and the ads and drops every cached page:
// content changed.
func (s *Site) Changed() {
	// Sections first: a page rendered after the cache empties must not
	// show the old list.
	if err := s.Sections.Load(context.Background(), s.Pages.store); err != nil {
		s.Kit.log.Error("reload sections", "err", err)
	}
	if _, err := s.Ads.load(context.Background()); err != nil {
		s.Kit.log.Error("reload ads", "err", err)
	}
	s.Kit.changed()
	s.Reads.Changed()
}

// StoriesChanged is Changed for writes of stories only (the wire's
// ingest, the release of embargoed stories): it drops the cached pages
// that show the stories changed, or lists they belong to, and keeps the
// rest. The store's event log says which stories changed, on whichever
// node.
func (s *Site) StoriesChanged() {
	s.Kit.storiesChanged(context.Background(), s.store)
	s.Reads.Changed()
}

// Routes registers the site's pages, feeds, sitemaps and files on m.
func (s *Site) Routes(m *http.ServeMux) {
	p := s.Pages
	m.HandleFunc("GET /{$}", p.handleHome)
	m.HandleFunc("GET /news", p.handleNews)
	m.HandleFunc("GET /search", s.Search.handleSearch)
	m.HandleFunc("GET /opensearch.xml", s.Search.handleOpenSearch)
	m.HandleFunc("GET /reading-mode.css", s.Prefs.handleReadingCSS)
	m.HandleFunc("POST /reading-mode", s.Prefs.handleReadingToggle)
	m.HandleFunc("GET /city", s.Prefs.handleCity)
	m.HandleFunc("POST /city", s.Prefs.handleCityChoose)
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
	m.HandleFunc("GET /currency", s.Currency.handleCurrency)
	m.HandleFunc("GET /stories/{slug}", p.handleStoryPage)
	s.Feeds.Routes(m)
	s.Sitemaps.Routes(m)
}

// Front serves what must be routed before the mux next: another
// edition's pages (/ru/...: the same routes, read in its language), the
// sections' feeds and near misses of a page's address.
func (s *Site) Front(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if lang, rest, ok := EditionPath(r.URL.Path); ok {
			// "/ru", "/ru//x" and "/ru/a/../b" are sent to their clean
			// address within the edition, as the mux would without it.
			if clean := CleanPath(rest); clean != rest || rest == "" {
				to := "/" + lang + clean
				if r.URL.RawQuery != "" {
					to += "?" + r.URL.RawQuery
				}
				http.Redirect(w, r, to, http.StatusMovedPermanently)
				return
			}
			r = WithEdition(r, lang, rest)
		}
		if s.Feeds.ServeSection(w, r) {
			return
		}
		if to, ok := s.Sections.canonical(s.Kit.lang(r), r.URL.Path); ok && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
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

func (r readershipSite) Sections() []string { return sectionSlugs(r.s.Sections.List()) }

func (r readershipSite) SectionName(slug string) string {
	if sec := r.s.Sections.get(slug); sec != nil {
		return sec.Name
	}
	return ""
}

func (r readershipSite) StoryURL(section string, id int64) string {
	return r.s.Sections.RefURL(section, id)
}

func (r readershipSite) Invalidate() { r.s.Kit.cache.Drop(web.DepMost) }

// syndSite is what the feeds and sitemaps need of the site.
type syndSite struct{ k *Kit }

var _ syndication.Site = syndSite{}

func (y syndSite) Lang(r *http.Request) string { return y.k.lang(r) }

func (y syndSite) ServePage(w http.ResponseWriter, r *http.Request, key web.Key, render func(ctx context.Context) (*web.Page, error)) {
	y.k.servePage(w, r, key, render)
}

func (y syndSite) ServeLarge(w http.ResponseWriter, r *http.Request, key web.Key, render func(ctx context.Context) (*web.Page, error)) {
	y.k.serveLarge(w, r, key, render)
}

func (y syndSite) Error(w http.ResponseWriter, r *http.Request, err error) { y.k.Error(w, r, err) }
func (y syndSite) LastModified() time.Time                                 { return y.k.lastModified() }
func (y syndSite) Generation() uint64                                      { return y.k.cache.Gen() }
func (y syndSite) Editions() []string                                      { return y.k.sections.editionsOn() }
func (y syndSite) EditionOn(lang string) bool                              { return y.k.sections.editionOn(lang) }
func (y syndSite) EditionFilter(lang string) []string                      { return y.k.sections.filter(lang) }
func (y syndSite) SectionsOf(lang string) []dateline.Section               { return y.k.sections.of(lang) }
func (y syndSite) SectionIn(lang, slug string) *dateline.Section           { return y.k.sections.in(lang, slug) }
func (y syndSite) HasSection(slug string) bool                             { return y.k.sections.Has(slug) }
func (y syndSite) EditionOf(section string) string                         { return y.k.sections.editionOf(section) }
func (y syndSite) ArticleURL(a dateline.Article) string                    { return y.k.sections.ArticleURL(a) }
