// Package http serves dateline over HTTP: the reader pages rendered with
// html/template and kept in memory as ready bytes, the static and media
// files, and the JSON API.
package http

import (
	"cmp"
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dateline"
	"dateline/http/api"
	"dateline/http/newsroom"
	"dateline/http/web"
	"dateline/ingest"
	"dateline/readership"
)

// Config is what the HTTP layer needs to know about the site.
type Config struct {
	SiteName    string         // "Dateline"
	AgencyMark  string         // "DATELINE", written in the dateline: "MOSCOW, October 23. /DATELINE/."
	BaseURL     string         // absolute URL of the site, no trailing slash
	City        City           // the default city: times on the site are shown in its zone
	Media       dateline.Media // where photos are stored
	MaxBodySize int64          // largest request body accepted, in bytes
	// TrustedProxies are the addresses of reverse proxies in front of the
	// node, whose X-Forwarded-For names the reader's address.
	TrustedProxies []netip.Prefix
	// APIRate is how many API requests one token may make a minute
	// (default 1200).
	APIRate int
	Dev     bool // parse templates on every request
	// FeedContent is what feeds carry of each story: FeedFull (the
	// default: the whole text, photo and corrections) or FeedSummary.
	FeedContent string
	// WebSubHub is a WebSub hub's URL: feeds name it and it is told when
	// they change. Empty for none.
	WebSubHub string
	// Partners fetches partner feeds (see http/partners.go); nil turns
	// adding and fetching them off on this node.
	Partners PartnerFetcher
	// NoAds shows no ads on this node whatever the newsroom set (serve
	// --no-ads); commercial labels on articles stay.
	NoAds bool
	// OnChange, when set, is called after every Changed: serve wakes the
	// release timer with it, since a change may bring an earlier embargo.
	OnChange func()
	// Times is TimesReader (the default: times in the reader's city) or
	// TimesAgency (times in the default city's zone for everyone).
	Times string
	// Weather gives the header's current conditions; nil shows none.
	Weather WeatherSource
	// PageCache is the page cache's budget of bytes (64 MiB when 0).
	PageCache int64
}

// City is a place whose local time pages show.
type City struct {
	Name string // "Moscow"
	Zone *time.Location
	Slug string // its entry in package cities; found by Name when empty
}

// Server holds the dependencies of every handler.
type Server struct {
	store dateline.Store
	log   *slog.Logger
	cfg   Config
	now   func() time.Time

	cache      *web.Cache
	tmpl       *templates
	mux        *http.ServeMux
	handler    http.Handler
	lastChange atomic.Int64 // Unix nanoseconds of the last content change

	newsroom *newsroom.Handler
	api      *api.Handler
	reads    *readership.Service
	synd     *syndication // feeds, sitemaps and WebSub

	ads adState // the ad slots (http/ads.go)

	sectionsMu sync.RWMutex
	sections   []dateline.Section
}

// NewServer builds the server and parses every template, so a broken one
// stops the start instead of a request.
func NewServer(store dateline.Store, in *ingest.Service, log *slog.Logger, cfg Config, now func() time.Time) (*Server, error) {
	if now == nil {
		now = time.Now
	}
	if cfg.MaxBodySize == 0 {
		cfg.MaxBodySize = 2 << 20
	}
	if cfg.City.Zone == nil {
		cfg.City = City{Name: "UTC", Zone: time.UTC}
	}
	if cfg.City.Slug == "" {
		cfg.City.Slug = citySlug(cfg.City.Name)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Server{store: store, log: log, cfg: cfg, now: now, cache: web.NewCache(cmp.Or(cfg.PageCache, 64<<20))}
	tmpl, err := parseTemplates(cfg.Dev, template.FuncMap{"articleURL": s.articleURL, "refURL": s.refURL, "sectionURL": s.sectionURL})
	if err != nil {
		return nil, err
	}
	s.tmpl = tmpl
	s.lastChange.Store(now().UnixNano())
	if s.synd, err = newSyndication(s); err != nil {
		return nil, err
	}
	s.reads = readership.New(store, readershipSite{s}, s.synd.hub, log, now)
	if err := s.loadSections(context.Background()); err != nil {
		return nil, err
	}
	for _, sec := range s.sectionList() {
		// A section made before the site took its address for itself
		// (say /city or /currency) is shadowed: say so at start.
		if err := sec.Validate(); err != nil {
			s.log.Warn("section cannot be reached; rename it in the newsroom", "section", sec.Slug, "err", dateline.ErrorMessage(err))
		}
	}
	if _, err := s.loadAds(context.Background()); err != nil {
		return nil, err
	}
	s.newsroom = newsroom.New(store, newsroomSite{s}, newsroom.Config{Site: &s.cfg, BaseURL: cfg.BaseURL, Media: cfg.Media,
		TrustedProxies: cfg.TrustedProxies, NoAds: cfg.NoAds, Partners: cfg.Partners}, log, now)
	s.api = api.New(store, apiSite{s}, in, s.reads, api.Config{BaseURL: cfg.BaseURL, MaxBodySize: cfg.MaxBodySize,
		TrustedProxies: cfg.TrustedProxies, APIRate: cfg.APIRate}, log, now)
	s.routes()
	return s, nil
}

// Changed tells the server that content changed: cached pages are dropped.
func (s *Server) Changed() {
	// Sections first: a page rendered after the cache empties must not
	// show the old list.
	if err := s.loadSections(context.Background()); err != nil {
		s.log.Error("reload sections", "err", err)
	}
	if _, err := s.loadAds(context.Background()); err != nil {
		s.log.Error("reload ads", "err", err)
	}
	s.lastChange.Store(s.now().UnixNano())
	s.cache.Invalidate()
	s.reads.Changed()
	if s.cfg.OnChange != nil {
		s.cfg.OnChange()
	}
}

// CloseStreams ends every live stream; call it when the server shuts down,
// since streams never end by themselves.
func (s *Server) CloseStreams() { s.reads.Hub().CloseAll() }

func (s *Server) loadSections(ctx context.Context) error {
	ss, err := s.store.Sections(ctx)
	if err != nil {
		return err
	}
	s.sectionsMu.Lock()
	s.sections = ss
	s.sectionsMu.Unlock()
	return nil
}

func (s *Server) sectionList() []dateline.Section {
	s.sectionsMu.RLock()
	defer s.sectionsMu.RUnlock()
	return s.sections
}

func (s *Server) hasSection(slug string) bool {
	s.sectionsMu.RLock()
	defer s.sectionsMu.RUnlock()
	for i := range s.sections {
		if s.sections[i].Slug == slug {
			return true
		}
	}
	return false
}

func (s *Server) section(slug string) *dateline.Section {
	for _, sec := range s.sectionList() {
		if sec.Slug == slug {
			return &sec
		}
	}
	return nil
}

// ServeHTTP serves a request through the router and the access log.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.handleHome)
	m.HandleFunc("GET /news", s.handleNews)
	m.HandleFunc("GET /search", s.handleSearch)
	m.HandleFunc("GET /opensearch.xml", s.handleOpenSearch)
	m.HandleFunc("GET /reading-mode.css", s.handleReadingCSS)
	m.HandleFunc("POST /reading-mode", s.handleReadingToggle)
	m.HandleFunc("GET /city", s.handleCity)
	m.HandleFunc("POST /city", s.handleCityChoose)
	m.HandleFunc("GET /topics/{slug}", s.handleTopic)
	m.HandleFunc("GET /persons/{slug}", s.handlePerson)
	m.HandleFunc("GET /photo/{$}", s.handleGalleries)
	m.HandleFunc("GET /photo/{id}", s.handleGallery)
	m.HandleFunc("GET /infographics/{$}", s.handleInfographics)
	m.HandleFunc("GET /infographics/{id}", s.handleInfographic)
	m.HandleFunc("GET /{section}", s.handleSection)
	m.HandleFunc("GET /{section}/{id}", s.handleArticle)
	m.HandleFunc("GET /static/{file}", s.handleStatic)
	m.HandleFunc("GET /healthz", s.handleHealth)
	m.HandleFunc("GET /favicon.ico", s.handleFavicon)
	m.HandleFunc("GET /currency", s.handleCurrency)
	s.api.Routes(m)
	m.HandleFunc("GET /stories/{slug}", s.handleStoryPage)
	s.feedRoutes(m)
	s.sitemapRoutes(m)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "No API endpoint %s %s; see /api/openapi.json.", r.Method, truncate(r.URL.Path, 100)))
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			s.errorStatus(w, r, http.StatusMethodNotAllowed, "This address only answers GET and HEAD.")
			return
		}
		s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no page at this address."))
	})
	s.mux = m
	// Media paths have any depth, which no ServeMux pattern can tell
	// apart from /{section}/{id}, so they are routed before the mux.
	s.handler = web.AccessLog(s.log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rel, ok := strings.CutPrefix(r.URL.Path, "/media/"); ok && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			s.handleMedia(w, r, rel)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/newsroom/") {
			s.newsroom.ServeHTTP(w, r)
			return
		}
		if r.URL.Path == "/newsroom" {
			http.Redirect(w, r, "/newsroom/", http.StatusMovedPermanently)
			return
		}
		// Another edition's pages, /ru/...: the same routes, read in its
		// language.
		if lang, rest, ok := editionPath(r.URL.Path); ok {
			// "/ru", "/ru//x" and "/ru/a/../b" are sent to their clean
			// address within the edition, as the mux would without it.
			if clean := cleanPath(rest); clean != rest || rest == "" {
				to := "/" + lang + clean
				if r.URL.RawQuery != "" {
					to += "?" + r.URL.RawQuery
				}
				http.Redirect(w, r, to, http.StatusMovedPermanently)
				return
			}
			r = withEdition(r, lang, rest)
		}
		// A section's feed, /world/feed.rss: no mux pattern can have a
		// wildcard first segment beside /topics/{slug} and the others.
		if slug, f, ok := sectionFeedPath(r.URL.Path); ok && s.hasSection(slug) && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			s.serveFeed(w, r, feedSection, slug, f)
			return
		}
		if to, ok := s.canonicalPage(s.lang(r), r.URL.Path); ok && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			if r.URL.RawQuery != "" {
				to += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, to, http.StatusMovedPermanently)
			return
		}
		m.ServeHTTP(w, r)
	}), func(w http.ResponseWriter, r *http.Request) {
		s.errorStatus(w, r, http.StatusInternalServerError, "Internal error.")
	})
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}

// error answers with the error's status and safe message, as JSON for the
// API and as a page for everything else. Only internal errors are logged.
func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	if !web.LogError(s.log, w, r, err) {
		return
	}
	code := dateline.ErrorCode(err)
	s.errorStatus(w, r, web.Status(code), dateline.ErrorMessage(err))
}

func (s *Server) errorStatus(w http.ResponseWriter, r *http.Request, code int, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	if code == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "30")
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		web.WriteJSON(w, code, map[string]any{"error": map[string]any{"status": code, "message": msg}})
		return
	}
	body, err := s.render(r, "error", s.view(r, http.StatusText(code), errorPage{Status: code, Message: msg}))
	if err != nil {
		s.log.Error("render error page", "err", err)
		http.Error(w, msg, code)
		return
	}
	web.WriteHTML(w, code, "no-store", body)
}
