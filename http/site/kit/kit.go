// Package kit is what every page of the reader's site is made with: the
// templates, serving a page from the page cache (and noting what it
// depends on), the sections and editions, the live ads, the zone times
// are shown in, and the error page. The site's handlers (packages
// http/site, http/site/currency, http/site/prefs) embed its Kit, and
// each page's data embeds its Base.
package kit

import (
	"bytes"
	"cmp"
	"context"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"dateline"
	"dateline/http/web"
	"dateline/i18n"
	"dateline/metrics"
	"dateline/redirect"
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
	// Metrics records render times and the page cache's outcomes; nil
	// records nothing.
	Metrics *metrics.Metrics
}

// City is a place whose local time pages show.
type City struct {
	Name string // "Moscow"
	Zone *time.Location
	Slug string // its entry in package cities; found by Name when empty
}

// Store is what the kit reads: the sections, the ads, and the store's
// event log, which tells the page cache which stories changed.
type Store interface {
	Sections(ctx context.Context) ([]dateline.Section, error)
	AdSettings(ctx context.Context) (*dateline.AdSettings, error)
	Events(ctx context.Context, after int64, limit int) ([]dateline.Event, error)
	LastEventID(ctx context.Context) (int64, error)
	Article(ctx context.Context, id int64) (*dateline.Article, error)
	// OldPath: the addresses of a site moved here, answered before a 404.
	OldPath(ctx context.Context, path string) (redirect.Found, error)
}

// Kit is what every page of the site is made with: the templates, the
// page cache, the sections and editions, the live ads, the reader's zone,
// and the error page. The site's handlers embed it.
type Kit struct {
	store      Store
	cfg        *Config
	log        *slog.Logger
	now        func() time.Time
	cache      *web.Cache
	tmpl       *templates
	assets     *Assets
	sections   *Sections
	ads        *Ads
	lastChange atomic.Int64 // Unix nanoseconds of the last content change
	events     storyEvents  // the store's event log, as far as the cache has applied it
	renders    *web.Limiter // pages rendered for one address, not served from the cache
}

// Base is what every page template receives around its own content:
// each page's struct embeds it, and the layout reads only these fields.
type Base struct {
	Title       string
	Description string
	Canonical   string
	Lang        string      // the edition's language, "en" or "ru"
	Prefix      string      // the edition's path prefix: "" or "/ru"
	Alternates  []Alternate // this page in every edition, for hreflang
	Editions    []Alternate // the main pages of the editions that are on
	Site        *Config
	Sections    []dateline.Section
	Active      string // slug of the section the page belongs to
	Zone        Zone
	CSS, JS     string
	Robots      string
	Live        *LiveBox                // live announcements on this page
	Ads         map[string]*dateline.Ad // by slot: the ads this page shows
	// Sidebar is the third column's news feed on pages that show one
	// (running stories, galleries, infographics, search).
	Sidebar []dateline.Article
	// StoryFeed is the address (without extension) of the feed that
	// follows this page's story: a running story's, or an article's
	// versions; FeedLinks names it first and the page links it.
	StoryFeed string
}

// Page is a page's data: a struct that embeds *Base.
type Page interface{ base() *Base }

func (b *Base) base() *Base { return b }

// LiveBox tells the page's script what to announce: mode "feed" (a
// list that can be refreshed), "home", or "banner" (breaking news only),
// and the sections the page shows (empty: all).
type LiveBox struct {
	Mode     string
	Sections string
}

// Switch is the language switch: every other edition that is on, linked
// to this page's version in it when there is one, else to its main page.
func (b *Base) Switch() []Alternate {
	var out []Alternate
	for _, e := range b.Editions {
		if e.Lang == b.Lang {
			continue
		}
		for _, a := range b.Alternates {
			if a.Lang == e.Lang {
				e = a
				break
			}
		}
		out = append(out, e)
	}
	return out
}

// Zone is the zone a page's times are written in, the city it is named
// after, and the time of the request in it; Here is the header's city
// (city.go). On the site's pages it is always the default city: every
// reader gets the same bytes, and the page's script (static/city.js) shows
// the times in the reader's own city.
type Zone struct {
	Lang string // the language times are written in
	City string
	Loc  *time.Location
	Now  time.Time
	Here clockBox
}

// Key names the zone, the local day and the header's weather in cache
// keys: "Today" and "Yesterday" on a page change at local midnight. The
// header's clock is written by the page's script, so the minute is not
// part of it.
func (z Zone) Key() string {
	k := z.City + "|" + z.Now.Format("2006-01-02")
	if w := z.Here.Weather; w != nil {
		k += "|" + w.Temp + w.Condition
	}
	return k
}

// lang is the zone's language as package i18n names it.
func (z Zone) lang() i18n.Lang { return i18n.Lang(z.Lang) }

// Location is the zone's location.
func (z Zone) Location() *time.Location { return z.Loc }

// When is a short time for lists: "13:43" today, "Oct 22, 13:43" before.
func (z Zone) When(t time.Time) string { return when(z, t) }

// New builds the kit: it loads the static files, parses every template
// (so a broken one stops the start instead of a request), and reads the
// sections and the ads. cfg.City must have its zone.
func New(store Store, log *slog.Logger, cfg Config, now func() time.Time) (*Kit, error) {
	as, err := loadAssets(cfg.Static, "static")
	if err != nil {
		return nil, err
	}
	secs := &Sections{}
	k := &Kit{store: store, cfg: &cfg, log: log, now: now, cache: web.NewCache(cmp.Or(cfg.PageCache, 64<<20)), assets: as, sections: secs,
		ads: &Ads{store: store, noAds: cfg.NoAds, now: now}}
	k.tmpl, err = parseTemplates(cfg.Templates, cfg.Dev, map[string]any{"articleURL": secs.ArticleURL, "refURL": secs.RefURL,
		"sectionURL": secs.SectionURL, "sectionLang": secs.EditionOf, "asset": as.url})
	if err != nil {
		return nil, err
	}
	k.lastChange.Store(now().UnixNano())
	k.cacheMetrics(cfg.Metrics)
	if rate := cmp.Or(cfg.RenderLimit, 20); rate > 0 {
		k.renders = &web.Limiter{Rate: rate, Burst: 2 * rate}
	}
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
	if _, err := k.ads.load(context.Background()); err != nil {
		return nil, err
	}
	if err := k.events.start(context.Background(), store); err != nil {
		return nil, err
	}
	return k, nil
}

// Config is what the site knows of itself.
func (s *Kit) Config() *Config { return s.cfg }

// Log is the site's logger.
func (s *Kit) Log() *slog.Logger { return s.log }

// Now is the time by the site's clock.
func (s *Kit) Now() time.Time { return s.now() }

// Sections are the site's sections and editions as read last.
func (s *Kit) Sections() *Sections { return s.sections }

// Cache is the page cache.
func (s *Kit) Cache() *web.Cache { return s.cache }

// NewBase is the base of a page of this request titled title.
func (s *Kit) NewBase(r *http.Request, title string) *Base {
	lang := s.Lang(r)
	return &Base{
		Title:    title,
		Lang:     lang,
		Prefix:   prefix(lang),
		Editions: s.sections.Homes(),
		Site:     s.cfg,
		Sections: s.sections.Of(lang),
		Zone:     s.Zone(r),
		CSS:      s.assets.url("style.css"),
		JS:       s.assets.url("site.js"),
	}
}

// NewBaseIn is NewBase for a page in the language lang whatever the
// address (a page a message's signed link opens, in the message's
// language).
func (s *Kit) NewBaseIn(r *http.Request, lang string) *Base {
	v := s.NewBase(r, "")
	if lang != v.Lang {
		v.Lang, v.Prefix, v.Sections = lang, prefix(lang), s.sections.Of(lang)
		v.Zone.Lang, v.Zone.City = lang, CityName(s.DefaultCity(), lang)
	}
	return v
}

// Zone returns the zone the site's pages show times in: the default
// city's, whatever the reader chose, so that a page is the same bytes for
// every reader.
func (s *Kit) Zone(r *http.Request) Zone {
	lang, now := s.Lang(r), s.now()
	return Zone{Lang: lang, City: CityName(s.DefaultCity(), lang), Loc: s.cfg.City.Zone, Now: now.In(s.cfg.City.Zone), Here: s.clock(now)}
}

// ReaderZone returns the zone of the reader's city (the city cookie) for
// pages made for one person, such as the newsroom's, or the default city's
// when there is none or times stay in the agency's zone (Config.Times).
func (s *Kit) ReaderZone(r *http.Request) Zone {
	z := s.Zone(r)
	c, ok := ChosenCity(r)
	if !ok || s.cfg.Times == TimesAgency {
		return z
	}
	z.City, z.Loc, z.Now = CityName(c, z.Lang), c.Location(), z.Now.In(c.Location())
	return z
}

// Render runs page template name with p, showing no ads.
func (s *Kit) Render(name string, p Page) ([]byte, error) {
	var buf bytes.Buffer
	if err := s.tmpl.execute(&buf, name, p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// cacheMetrics registers the page cache's size and counts; its hit ratio
// is hits over hits and misses.
func (s *Kit) cacheMetrics(m *metrics.Metrics) {
	c := s.cache
	m.Gauge(metrics.CachePages, "Pages in the page cache.", func() float64 { n, _ := c.Size(); return float64(n) })
	m.Gauge(metrics.CacheBytes, "Bytes held by the pages in the page cache.", func() float64 { _, b := c.Size(); return float64(b) })
	m.Counter(metrics.CacheHits, "Pages served from the page cache.", func() float64 { return float64(c.Stats().Hits.Load()) })
	m.Counter(metrics.CacheMisses, "Pages rendered because the page cache did not have them.", func() float64 { return float64(c.Stats().Misses.Load()) })
	m.Counter(metrics.CacheEvicts, "Pages the page cache let go to make room.", func() float64 { return float64(c.Stats().Evictions.Load()) })
}

// RenderNewsroom runs one of the newsroom's page templates.
func (s *Kit) RenderNewsroom(buf *bytes.Buffer, name string, data any) error {
	return s.tmpl.executeNewsroom(buf, name, data)
}

// ServePage answers from the page cache, rendering the page first if it is
// not there. Pages that depend on content are kept until content changes:
// render's reads through a store that notes them (Depend, DependOn) say
// which. A client that asks for too many pages that are not cached is
// refused (Kit.OverLimit); cached pages are always served.
func (s *Kit) ServePage(w http.ResponseWriter, r *http.Request, key web.Key, render func(ctx context.Context) (*web.Page, error)) {
	key.Lang = s.Lang(r)
	s.serve(w, r, key, render, (*web.Page).Finish, keepPage)
}

// serve answers from the cache or renders the page with render, finishes
// it with finish and keeps it if keep says so.
func (s *Kit) serve(w http.ResponseWriter, r *http.Request, key web.Key, render func(ctx context.Context) (*web.Page, error), finish func(*web.Page), keep func(*web.Page) bool) {
	if p := s.cache.Get(key); p != nil {
		web.NoteCache(w, web.CacheHit)
		p.Write(w, r)
		return
	}
	if s.OverLimit(w, r) {
		return
	}
	web.NoteCache(w, web.CacheMiss)
	p, err := s.cache.Page(key, func() (*web.Page, []web.Dep, error) {
		start := time.Now()
		ctx, d := collect(context.WithoutCancel(r.Context()), key.Kind)
		p, err := render(ctx)
		if err != nil {
			return nil, nil, err
		}
		finish(p)
		s.cfg.Metrics.Render(key.Kind, time.Since(start))
		return p, d.all(), nil
	}, keep)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p.Write(w, r)
}

// keepPage tells which rendered pages the cache keeps: pages, notices of
// withdrawn stories and redirects, not errors.
func keepPage(p *web.Page) bool {
	switch p.Status {
	case http.StatusOK, http.StatusGone, http.StatusMovedPermanently:
		return true
	}
	return false
}

// OverLimit refuses the request with 429 and says when to try again when
// its address has asked for more pages than the cache held than
// Config.RenderLimit allows. The limit is of work done, so it reads the
// wall clock, not the site's. A loopback address is not limited: it is
// the node's own tools (dateline bench) or a proxy on the machine that is
// not among the trusted ones, behind which every reader would share one
// address.
func (s *Kit) OverLimit(w http.ResponseWriter, r *http.Request) bool {
	if s.renders == nil {
		return false
	}
	ip := web.ClientIP(r, s.cfg.TrustedProxies)
	if a, err := netip.ParseAddr(ip); err == nil && a.IsLoopback() {
		return false
	}
	ok, wait := s.renders.Allow(ip, time.Now())
	if ok {
		return false
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	s.ErrorStatus(w, r, http.StatusTooManyRequests, "Too many pages were asked for from your address at once. Wait a second and try again.")
	return true
}

// ServeLarge is ServePage for bodies of megabytes: finish compresses at
// BestCompression, which costs ~40 ms for a file of 10,000 URLs (1.6 MB),
// where BestSpeed takes 3 ms for a file 30% larger.
func (s *Kit) ServeLarge(w http.ResponseWriter, r *http.Request, key web.Key, render func(ctx context.Context) (*web.Page, error)) {
	s.serve(w, r, key, render, (*web.Page).FinishLarge, func(p *web.Page) bool { return p.Status == http.StatusOK })
}

// HTMLPage renders a page template into a page, with the ads that show
// now.
func (s *Kit) HTMLPage(name string, p Page, status int, modified time.Time) (*web.Page, error) {
	body, csp, err := s.RenderLive(name, p)
	if err != nil {
		return nil, err
	}
	return &web.Page{Status: status, Body: body, Modified: modified, CacheFor: 10, CSP: csp}, nil
}

// RenderLive runs page template name with p and the ads that show now. It
// returns the Content-Security-Policy that lets their frames load (nil:
// web.CSP).
func (s *Kit) RenderLive(name string, p Page) (body []byte, csp []string, err error) {
	ads := s.ads.current()
	p.base().Ads = ads.slots
	body, err = s.Render(name, p)
	if err != nil {
		return nil, nil, err
	}
	return body, ads.csp, nil
}

// Ad is the ad that shows now in slot, or nil.
func (s *Kit) Ad(slot string) *dateline.Ad { return s.ads.current().slots[slot] }

// LastModified is when content last changed.
func (s *Kit) LastModified() time.Time { return time.Unix(0, s.lastChange.Load()) }

// Changed re-reads the sections and the ads, marks content as changed
// now and drops every cached page.
func (s *Kit) Changed() {
	// Sections first: a page rendered after the cache empties must not
	// show the old list.
	if err := s.sections.Load(context.Background(), s.store); err != nil {
		s.log.Error("reload sections", "err", err)
	}
	if _, err := s.ads.load(context.Background()); err != nil {
		s.log.Error("reload ads", "err", err)
	}
	s.changed()
}

// changed marks content as changed now and drops every cached page.
func (s *Kit) changed() {
	s.lastChange.Store(s.now().UnixNano())
	s.cache.Invalidate()
}

// StoriesChanged marks content as changed now and drops the cached pages
// that show the stories the store's new events name, or all of them when
// that cannot be told.
func (s *Kit) StoriesChanged(ctx context.Context) {
	s.lastChange.Store(s.now().UnixNano())
	if !s.events.apply(ctx, s.store, s.cache) {
		s.cache.Invalidate()
	}
}

// DropCache empties the page cache, for cold benchmarks.
func (s *Kit) DropCache() { s.cache.Invalidate() }

// Secure reports whether the site is read over HTTPS, for cookies.
func (s *Kit) Secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(s.cfg.BaseURL, "https://")
}

// ErrorPage is the page of an error, and the notice at the address of a
// story taken off the site.
type ErrorPage struct {
	*Base
	Status    int
	Message   string
	Withdrawn string
	Reason    string
	Withheld  bool // the notice of a story withheld for now
}

// Error answers with the error's status and safe message, as JSON for the
// API and as a page for everything else. Only internal errors are logged.
func (s *Kit) Error(w http.ResponseWriter, r *http.Request, err error) {
	if !web.LogError(s.log, w, r, err) {
		return
	}
	code := dateline.ErrorCode(err)
	s.ErrorStatus(w, r, web.Status(code), dateline.ErrorMessage(err))
}

// ErrorStatus answers with status code and msg, as Error does. A 404 of
// an old address of a site moved here (dateline import --from) is a
// permanent redirect to where it leads now instead.
func (s *Kit) ErrorStatus(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if code == http.StatusNotFound && s.OldPath(w, r) {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if code == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "30")
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		web.WriteJSON(w, code, map[string]any{"error": map[string]any{"status": code, "message": msg}})
		return
	}
	body, err := s.Render("error", ErrorPage{Base: s.NewBase(r, http.StatusText(code)), Status: code, Message: msg})
	if err != nil {
		s.log.Error("render error page", "err", err)
		http.Error(w, msg, code)
		return
	}
	web.WriteHTML(w, code, "no-store", body)
}

// OldPath answers a GET or HEAD of an old address of a site moved here
// with a permanent redirect to its story, section or topic, and reports
// whether it did. An old address of a story that is not public (a draft,
// a withdrawn story) is not one: it gets the page it would have had.
func (s *Kit) OldPath(w http.ResponseWriter, r *http.Request) bool {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || strings.HasPrefix(r.URL.Path, "/api/") {
		return false
	}
	key := redirect.Key(r.URL.Path, r.URL.Query())
	if key == "" {
		return false
	}
	f, err := s.store.OldPath(r.Context(), key)
	if err != nil {
		if dateline.ErrorCode(err) == dateline.EINTERNAL {
			s.log.Error("old path", "path", key, "err", err)
		}
		return false
	}
	to := f.Target
	if f.ArticleID != 0 {
		if !f.Public {
			return false
		}
		to = s.sections.RefURL(f.Section, f.ArticleID)
	}
	if to == "" || to == r.URL.Path {
		return false
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.Redirect(w, r, to, http.StatusMovedPermanently)
	return true
}

// Truncate cuts s to n bytes, marking the cut.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// CacheStats are the page cache's counters.
func (s *Kit) CacheStats() *web.Stats { return s.cache.Stats() }

// Query parses the query string, refusing one that is malformed rather
// than quietly dropping parts of it.
func Query(r *http.Request) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, dateline.Errorf(dateline.EINVALID, "The query string is malformed.")
	}
	return q, nil
}
