package site

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"dateline"
	"dateline/http/web"
	"dateline/i18n"
)

// Kit is what every page of the site is made with: the templates, the
// page cache, the sections and editions, the live ads, the reader's zone,
// and the error page. The site's handlers embed it.
type Kit struct {
	cfg        *Config
	log        *slog.Logger
	now        func() time.Time
	cache      *web.Cache
	tmpl       *templates
	assets     *assets
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
	Alternates  []alternate // this page in every edition, for hreflang
	Editions    []alternate // the main pages of the editions that are on
	Site        *Config
	Sections    []dateline.Section
	Active      string // slug of the section the page belongs to
	Zone        Zone
	CSS, JS     string
	Robots      string
	Live        *liveBox                // live announcements on this page
	Ads         map[string]*dateline.Ad // by slot: the ads this page shows
	// Sidebar is the third column's news feed on pages that show one
	// (running stories, galleries, infographics, search).
	Sidebar []dateline.Article
}

// sidebarSize is how many stories the third column's news feed lists.
const sidebarSize = 10

// sidebar reads the newest stories of edition lang for Base.Sidebar.
func sidebar(ctx context.Context, store interface {
	Articles(ctx context.Context, f dateline.ArticleFilter) ([]dateline.Article, error)
}, secs *Sections, lang string) ([]dateline.Article, error) {
	return store.Articles(ctx, dateline.ArticleFilter{Sections: secs.filter(lang), Limit: sidebarSize})
}

// page is a page's data: a struct that embeds *Base.
type page interface{ base() *Base }

func (b *Base) base() *Base { return b }

// liveBox tells the page's script what to announce: mode "feed" (a
// list that can be refreshed), "home", or "banner" (breaking news only),
// and the sections the page shows (empty: all).
type liveBox struct {
	Mode     string
	Sections string
}

// Switch is the language switch: every other edition that is on, linked
// to this page's version in it when there is one, else to its main page.
func (b *Base) Switch() []alternate {
	var out []alternate
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

// key names the zone, the local day and the header's weather in cache
// keys: "Today" and "Yesterday" on a page change at local midnight. The
// header's clock is written by the page's script, so the minute is not
// part of it.
func (z Zone) key() string {
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

// newBase is the base of a page of this request titled title.
func (s *Kit) newBase(r *http.Request, title string) *Base {
	lang := s.lang(r)
	return &Base{
		Title:    title,
		Lang:     lang,
		Prefix:   prefix(lang),
		Editions: s.sections.homes(),
		Site:     s.cfg,
		Sections: s.sections.of(lang),
		Zone:     s.Zone(r),
		CSS:      s.assets.url("style.css"),
		JS:       s.assets.url("site.js"),
	}
}

// Zone returns the zone the site's pages show times in: the default
// city's, whatever the reader chose, so that a page is the same bytes for
// every reader.
func (s *Kit) Zone(r *http.Request) Zone {
	lang, now := s.lang(r), s.now()
	return Zone{Lang: lang, City: cityName(s.defaultCity(), lang), Loc: s.cfg.City.Zone, Now: now.In(s.cfg.City.Zone), Here: s.clock(now)}
}

// ReaderZone returns the zone of the reader's city (the city cookie) for
// pages made for one person, such as the newsroom's, or the default city's
// when there is none or times stay in the agency's zone (Config.Times).
func (s *Kit) ReaderZone(r *http.Request) Zone {
	z := s.Zone(r)
	c, ok := chosenCity(r)
	if !ok || s.cfg.Times == TimesAgency {
		return z
	}
	z.City, z.Loc, z.Now = cityName(c, z.Lang), c.Location(), z.Now.In(c.Location())
	return z
}

// render runs page template name with p.
func (s *Kit) render(name string, p page) ([]byte, error) {
	var buf bytes.Buffer
	if err := s.tmpl.execute(&buf, name, p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// RenderNewsroom runs one of the newsroom's page templates.
func (s *Kit) RenderNewsroom(buf *bytes.Buffer, name string, data any) error {
	return s.tmpl.executeNewsroom(buf, name, data)
}

// servePage answers from the page cache, rendering the page first if it is
// not there. Pages that depend on content are kept until content changes.
// A client that asks for too many pages that are not cached is refused
// (Kit.overLimit); cached pages are always served.
func (s *Kit) servePage(w http.ResponseWriter, r *http.Request, key web.Key, render func(ctx context.Context) (*web.Page, error)) {
	key.Lang = s.lang(r)
	s.serve(w, r, key, render, (*web.Page).Finish, keepPage)
}

// serve answers from the cache or renders the page with render, finishes
// it with finish and keeps it if keep says so.
func (s *Kit) serve(w http.ResponseWriter, r *http.Request, key web.Key, render func(ctx context.Context) (*web.Page, error), finish func(*web.Page), keep func(*web.Page) bool) {
	if p := s.cache.Get(key); p != nil {
		p.Write(w, r)
		return
	}
	if s.overLimit(w, r) {
		return
	}
	p, err := s.cache.Page(key, func() (*web.Page, []web.Dep, error) {
		ctx, d := collect(context.WithoutCancel(r.Context()), key.Kind)
		p, err := render(ctx)
		if err != nil {
			return nil, nil, err
		}
		finish(p)
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

// overLimit refuses the request with 429 and says when to try again when
// its address has asked for more pages than the cache held than
// Config.RenderLimit allows. The limit is of work done, so it reads the
// wall clock, not the site's. A loopback address is not limited: it is
// the node's own tools (dateline bench) or a proxy on the machine that is
// not among the trusted ones, behind which every reader would share one
// address.
func (s *Kit) overLimit(w http.ResponseWriter, r *http.Request) bool {
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

// serveLarge is servePage for bodies of megabytes: finish compresses at
// BestCompression, which costs ~40 ms for a file of 10,000 URLs (1.6 MB),
// where BestSpeed takes 3 ms for a file 30% larger.
func (s *Kit) serveLarge(w http.ResponseWriter, r *http.Request, key web.Key, render func(ctx context.Context) (*web.Page, error)) {
	s.serve(w, r, key, render, (*web.Page).FinishLarge, func(p *web.Page) bool { return p.Status == http.StatusOK })
}

// htmlPage renders a page template into a page.
func (s *Kit) htmlPage(name string, p page, status int, modified time.Time) (*web.Page, error) {
	ads := s.ads.current()
	p.base().Ads = ads.slots
	body, err := s.render(name, p)
	if err != nil {
		return nil, err
	}
	return &web.Page{Status: status, Body: body, Modified: modified, CacheFor: 10, CSP: ads.csp}, nil
}

func (s *Kit) lastModified() time.Time { return time.Unix(0, s.lastChange.Load()) }

// changed marks content as changed now and drops every cached page.
func (s *Kit) changed() {
	s.lastChange.Store(s.now().UnixNano())
	s.cache.Invalidate()
}

// storiesChanged marks content as changed now and drops the cached pages
// that show the stories the store's new events name, or all of them when
// that cannot be told.
func (s *Kit) storiesChanged(ctx context.Context, store Store) {
	s.lastChange.Store(s.now().UnixNano())
	if !s.events.apply(ctx, store, s.cache) {
		s.cache.Invalidate()
	}
}

// DropCache empties the page cache, for cold benchmarks.
func (s *Kit) DropCache() { s.cache.Invalidate() }

func (s *Kit) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(s.cfg.BaseURL, "https://")
}

// errorPage is the page of an error, and the notice at the address of a
// story taken off the site.
type errorPage struct {
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

// ErrorStatus answers with status code and msg, as Error does.
func (s *Kit) ErrorStatus(w http.ResponseWriter, r *http.Request, code int, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	if code == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "30")
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		web.WriteJSON(w, code, map[string]any{"error": map[string]any{"status": code, "message": msg}})
		return
	}
	body, err := s.render("error", errorPage{Base: s.newBase(r, http.StatusText(code)), Status: code, Message: msg})
	if err != nil {
		s.log.Error("render error page", "err", err)
		http.Error(w, msg, code)
		return
	}
	web.WriteHTML(w, code, "no-store", body)
}

// truncate cuts s to n bytes, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// CacheStats are the page cache's counters.
func (s *Kit) CacheStats() *web.Stats { return s.cache.Stats() }
