// Package newsroom serves the newsroom at /newsroom/: sign-in, the desk,
// the story editor, the photo library, collections, the top stories,
// stories, users, sections, tokens, the audit log, partner feeds and ads.
// Its handlers call the editorial workflow (package dateline/newsroom) and
// the store; what they need of the public site is the Site interface.
package newsroom

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"dateline"
	workflow "dateline/newsroom"
)

// Store is the storage the newsroom's pages need: the workflow's, the
// newsroom's records (users, sessions, tokens, photos, stories, audit),
// ads, partner feeds and tags, and the few site-wide lists it edits.
// sqlite.DB and postgres.DB satisfy it.
type Store interface {
	workflow.Store
	dateline.Newsroom
	dateline.Ads
	dateline.Partners
	dateline.Tagging
	TranslationOf(ctx context.Context, id int64) (int64, error)
	SaveSection(ctx context.Context, s *dateline.Section) error
	Articles(ctx context.Context, f dateline.ArticleFilter) ([]dateline.Article, error)
	TopStories(ctx context.Context) ([]dateline.TopItem, error)
	SetTopStories(ctx context.Context, refs []dateline.TopRef) error
	SavePhoto(ctx context.Context, p *dateline.Photo, now time.Time) error
	SaveGallery(ctx context.Context, g *dateline.Gallery, now time.Time) error
	Galleries(ctx context.Context, limit int) ([]dateline.Gallery, error)
	SaveInfographic(ctx context.Context, g *dateline.Infographic, now time.Time) error
	Infographics(ctx context.Context, limit int) ([]dateline.Infographic, error)
	CreateToken(ctx context.Context, t *dateline.Token, now time.Time) error
}

// Site is what the newsroom needs of the public site that it edits.
type Site interface {
	// Sections is the site's list of sections, as read last.
	Sections() []dateline.Section
	// Zone is the request's time zone.
	Zone(r *http.Request) Zone
	// Changed tells the site that content changed.
	Changed()
	// ArticleURL is a story's address on the site.
	ArticleURL(a dateline.Article) string
	// Preview renders a draft as the site would show it.
	Preview(r *http.Request, a *dateline.Article) ([]byte, error)
	// Render runs one of the newsroom's page templates.
	Render(buf *bytes.Buffer, page string, data any) error
	// Error answers with the site's error page for err.
	Error(w http.ResponseWriter, r *http.Request, err error)
}

// Zone is a reader's time zone: templates take it as it is.
type Zone interface {
	Location() *time.Location
	// When is a short time for lists: "13:43" today, "Oct 22, 13:43" before.
	When(t time.Time) string
}

func (s *Handler) loc(r *http.Request) *time.Location { return s.site.Zone(r).Location() }

// Config is what the newsroom needs to know of the node.
type Config struct {
	Site           any // the site's configuration, as the templates show it
	BaseURL        string
	Media          dateline.Media
	TrustedProxies []netip.Prefix
	NoAds          bool
	Partners       PartnerFetcher // nil: partner feeds are not fetched on this node
}

// Handler serves the newsroom.
type Handler struct {
	store  Store
	site   Site
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	logins ipLimiter
	mux    *http.ServeMux
}

// New makes the newsroom's handler with its routes.
func New(store Store, site Site, cfg Config, log *slog.Logger, now func() time.Time) *Handler {
	h := &Handler{store: store, site: site, cfg: cfg, log: log, now: now}
	h.mux = http.NewServeMux()
	h.routes(h.mux)
	return h
}

// ServeHTTP serves a request under /newsroom/.
func (s *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Handler) hasSection(slug string) bool { return s.section(slug) != nil }

func (s *Handler) section(slug string) *dateline.Section {
	for _, sec := range s.site.Sections() {
		if sec.Slug == slug {
			return &sec
		}
	}
	return nil
}
