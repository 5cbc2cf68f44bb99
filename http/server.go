// Package http serves dateline over HTTP: it routes each request to its
// surface (the reader's site in http/site with its rates pages in
// http/site/currency and preferences in http/site/prefs, all made with
// http/site/kit; the JSON API in http/api, the newsroom in http/newsroom,
// the photos) and wires them together.
package http

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"dateline"
	"dateline/http/api"
	"dateline/http/newsroom"
	"dateline/http/portal"
	"dateline/http/site"
	"dateline/http/site/currency"
	"dateline/http/site/kit"
	"dateline/http/site/prefs"
	"dateline/http/site/subscribe"
	"dateline/http/site/unsubscribe"
	sdhttp "dateline/http/superdesk"
	"dateline/http/syndication"
	"dateline/http/web"
	"dateline/ingest"
	"dateline/internal/netguard"
	"dateline/liveblog"
	"dateline/metrics"
	"dateline/newsletter"
	"dateline/readership"
	"dateline/superdesk"
	"dateline/usage"
)

// The templates of the site and of the newsroom, and the static files.
//
//go:embed html/*.html html/newsroom/*.html static
var assetFS embed.FS

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
	// Partners fetches partner feeds (see partners.Scheduler); nil turns
	// adding and fetching them off on this node.
	Partners PartnerFetcher
	// PushAllowPrivate lets the newsroom add push destinations on
	// loopback and private addresses (serve --push-allow-private).
	PushAllowPrivate bool
	// SuperdeskFetch, when set, fetches the pictures Superdesk never
	// uploaded from their rendition's href (a client that keeps off
	// private addresses: netguard); nil leaves them out.
	SuperdeskFetch *http.Client
	// Mail is whether email is set up (serve --smtp-url on this node):
	// invitations from the newsroom and the portal are then emailed too.
	Mail bool
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
	// RenderLimit is how many uncached pages one address may have
	// rendered a second, with bursts of twice as many (20 when 0;
	// negative: no limit).
	RenderLimit float64
	// Metrics is the node's metrics; nil records nothing.
	Metrics *metrics.Metrics
	// MetricsToken, when set with Metrics, serves GET /metrics to
	// requests bearing it (Authorization: Bearer ...).
	MetricsToken string
}

// City is a place whose local time pages show.
type City = kit.City

// WeatherSource gives the current conditions of a city; *weather.Service
// is one.
type WeatherSource = kit.WeatherSource

// PartnerFetcher is what the newsroom's partner pages need of
// partners.Scheduler.
type PartnerFetcher = newsroom.PartnerFetcher

// Times settings (Config.Times) and feed contents (Config.FeedContent).
const (
	TimesReader = kit.TimesReader         // every time in the reader's city's zone
	TimesAgency = kit.TimesAgency         // every time in the default city's zone
	FeedFull    = syndication.FeedFull    // the whole story, its photo and corrections
	FeedSummary = syndication.FeedSummary // the lead only
)

// Server routes requests to the site, the API, the newsroom and the
// photos.
type Server struct {
	log     *slog.Logger
	cfg     Config
	handler http.Handler

	kit       *kit.Kit
	site      *site.Site
	currency  *currency.Handler
	prefs     *prefs.Handler
	unsub     *unsubscribe.Handler
	subs      *subscribe.Handler
	news      *newsletter.Sender
	newsroom  *newsroom.Handler
	api       *api.Handler
	portal    *portal.Handler
	usage     *usage.Counter
	superdesk *sdhttp.Handler // Superdesk's HTTP push
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
		cfg.City.Slug = kit.CitySlug(cfg.City.Name)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	var templates fs.FS = assetFS
	if cfg.Dev {
		templates = os.DirFS("http") // re-read from the work tree
	}
	k, err := kit.New(store, log, kit.Config{SiteName: cfg.SiteName, AgencyMark: cfg.AgencyMark, BaseURL: cfg.BaseURL,
		City: cfg.City, Media: cfg.Media, Templates: templates, Static: assetFS, Dev: cfg.Dev, FeedContent: cfg.FeedContent,
		WebSubHub: cfg.WebSubHub, NoAds: cfg.NoAds, Times: cfg.Times, Weather: cfg.Weather, PageCache: cfg.PageCache,
		RenderLimit: cfg.RenderLimit, TrustedProxies: cfg.TrustedProxies, Metrics: cfg.Metrics}, now)
	if err != nil {
		return nil, err
	}
	rates := currency.New(k, store)
	live, ok := store.(liveblog.Store)
	if !ok {
		return nil, fmt.Errorf("the store %T keeps no live coverage", store)
	}
	st, err := site.New(engine{store, live}, k, rates)
	if err != nil {
		return nil, err
	}
	s := &Server{log: log, cfg: cfg, kit: k, site: st, currency: rates, prefs: prefs.New(k), usage: usage.New(store, now, log), unsub: unsubscribe.New(k, store)}
	s.news = newsletter.New(store, newsletter.Config{BaseURL: cfg.BaseURL}, log, now)
	s.subs = subscribe.New(k, store, s.news)
	s.newsroom = newsroom.New(engine{store, live}, newsroomSite{s}, newsroom.Config{Site: &s.cfg, BaseURL: cfg.BaseURL, SiteName: cfg.SiteName, Media: cfg.Media,
		TrustedProxies: cfg.TrustedProxies, NoAds: cfg.NoAds, Partners: cfg.Partners, PushGuard: netguard.Policy{AllowPrivate: cfg.PushAllowPrivate}, Mail: cfg.Mail}, log, now)
	s.api = api.New(engine{store, live}, apiSite{s}, in, st.Reads, api.Config{BaseURL: cfg.BaseURL, MaxBodySize: cfg.MaxBodySize,
		TrustedProxies: cfg.TrustedProxies, APIRate: cfg.APIRate, Usage: s.usage}, log, now)
	s.portal, err = portal.New(store, portal.Config{SiteName: cfg.SiteName, BaseURL: cfg.BaseURL, TrustedProxies: cfg.TrustedProxies,
		Media: cfg.Media, Zone: cfg.City.Zone, Asset: k.Assets().URL, Sections: st.Sections.List, Stream: s.api.ClientStream, Usage: s.usage, Mail: cfg.Mail}, log, now)
	if err != nil {
		return nil, err
	}
	push := superdesk.New(store, cfg.Media, in)
	push.Now, push.Changed = now, s.StoriesChanged
	push.Fetch, push.Log = cfg.SuperdeskFetch, log
	s.superdesk = sdhttp.New(push, log)
	cfg.Metrics.Pools(store.Pools)
	if cfg.Metrics != nil {
		store.ObserveQueries(cfg.Metrics.Query)
	}
	st.Reads.Measure(cfg.Metrics)
	s.routes()
	return s, nil
}

// engine is the store with live coverage's, which every engine keeps
// (package liveblog cannot be part of dateline.Store, which it builds on).
type engine struct {
	dateline.Store
	liveStore
}

type liveStore = liveblog.Store

// Newsletter is the site's email alerts: its Run reads the event log
// into the outbox (serve runs it on every node; one at a time reads).
func (s *Server) Newsletter() *newsletter.Sender { return s.news }

// Changed tells the server that content changed: cached pages are dropped.
func (s *Server) Changed() {
	s.site.Changed()
	if s.cfg.OnChange != nil {
		s.cfg.OnChange()
	}
}

// StoriesChanged tells the server that stories changed and nothing else
// (the wire's ingest, the release of embargoed stories): only the cached
// pages that show them or lists they belong to are dropped.
func (s *Server) StoriesChanged() {
	s.site.StoriesChanged()
	if s.cfg.OnChange != nil {
		s.cfg.OnChange()
	}
}

// ServeHTTP serves a request through the router and the access log.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

func (s *Server) routes() {
	m := http.NewServeMux()
	s.site.Routes(m)
	s.currency.Routes(m)
	s.prefs.Routes(m)
	s.unsub.Routes(m)
	s.subs.Routes(m)
	s.api.Routes(m)
	m.HandleFunc("GET /healthz", handleHealth)
	if s.cfg.Metrics != nil && s.cfg.MetricsToken != "" {
		m.Handle("GET /metrics", metricsGuard(s.cfg.MetricsToken, s.cfg.Metrics.Handler()))
	}
	m.HandleFunc("/", s.handleNoRoute)
	// Metrics count requests by the pattern that served them, never by
	// the raw path; the mux sets it on the request it was given, which the
	// site's front may have made anew (an edition's), so it is noted here.
	var mux http.Handler = m
	var observe web.Observer
	if s.cfg.Metrics != nil {
		mux = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			m.ServeHTTP(w, r)
			web.NoteRoute(w, r.Pattern)
		})
		observe = s.cfg.Metrics.Request
	}
	front := s.site.Front(mux)
	// Media paths have any depth, which no ServeMux pattern can tell
	// apart from /{section}/{id}, so they are routed before the mux.
	s.handler = web.AccessLog(s.log, observe, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Superdesk's media ids hold slashes, which the mux would clean
		// with a redirect: its addresses go first.
		if strings.HasPrefix(r.URL.Path, "/api/v") && s.superdesk.Serve(w, r) {
			return
		}
		if rel, ok := strings.CutPrefix(r.URL.Path, "/media/"); ok && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			web.NoteRoute(w, "/media/")
			s.site.Files.ServeMedia(w, r, rel)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/newsroom/") {
			web.NoteRoute(w, "/newsroom/")
			s.newsroom.ServeHTTP(w, r)
			return
		}
		// The client portal; its feeds are the API's.
		if strings.HasPrefix(r.URL.Path, "/wire/") && !strings.HasPrefix(r.URL.Path, "/wire/feeds/") {
			web.NoteRoute(w, "/wire/")
			s.portal.ServeHTTP(w, r)
			return
		}
		if r.URL.Path == "/newsroom" || r.URL.Path == "/wire" {
			http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
			return
		}
		front.ServeHTTP(w, r)
	}), func(w http.ResponseWriter, r *http.Request) {
		s.kit.ErrorStatus(w, r, http.StatusInternalServerError, "Internal error.")
	})
}

// handleNoRoute answers an address no route matched.
func (s *Server) handleNoRoute(w http.ResponseWriter, r *http.Request) {
	k := s.kit
	if strings.HasPrefix(r.URL.Path, "/api/") {
		path := r.URL.Path
		if len(path) > 100 {
			path = path[:100] + "…"
		}
		k.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "No API endpoint %s %s; see /api/openapi.json.", r.Method, path))
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		k.ErrorStatus(w, r, http.StatusMethodNotAllowed, "This address only answers GET and HEAD.")
		return
	}
	k.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no page at this address."))
}

// metricsGuard serves next to requests bearing token, answering 401
// without a token and 403 with another one.
func metricsGuard(token string, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h := r.Header.Get("Authorization")
		kind, secret, _ := strings.Cut(h, " ")
		if h == "" || !strings.EqualFold(kind, "Bearer") {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "The metrics need an Authorization: Bearer header with the node's metrics token (serve --metrics-token).", http.StatusUnauthorized)
			return
		}
		got := sha256.Sum256([]byte(strings.TrimSpace(secret)))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			http.Error(w, "This is not the node's metrics token (serve --metrics-token).", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}

// CloseStreams ends every live stream; call it when the server shuts down,
// since streams never end by themselves.
func (s *Server) CloseStreams() { s.site.Reads.Hub().CloseAll() }

// Readership is the server's views, rankings, live streams and WebSub
// pings; serve runs it as one of its workers.
func (s *Server) Readership() *readership.Service { return s.site.Reads }

// RunAds re-reads the ads every few seconds until ctx ends (see
// kit.Kit.RunAds).
func (s *Server) RunAds(ctx context.Context) { s.kit.RunAds(ctx) }

// RefreshAds re-reads the ads and works out which show now; when that
// changed, cached pages are dropped.
func (s *Server) RefreshAds(ctx context.Context) error { return s.kit.RefreshAds(ctx) }

// WarmSitemaps counts the months for the sitemap index, so that the first
// crawler after a start does not wait for it.
func (s *Server) WarmSitemaps(ctx context.Context) error { return s.site.Sitemaps.Warm(ctx) }
