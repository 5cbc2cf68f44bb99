// Package newsroom serves the newsroom at /newsroom/: sign-in, the desk,
// the story editor, the photo library, collections, the top stories,
// stories, users, sections, tokens, the audit log, partner feeds, ads, and
// the client wire's clients and products (package clientadmin).
// Its handlers call the editorial workflow (package dateline/newsroom) and
// the store; what they need of the public site is the Site interface.
package newsroom

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"dateline"
	"dateline/http/newsroom/clientadmin"
	"dateline/http/newsroom/liveadmin"
	"dateline/internal/netguard"
)

// Store is the storage the newsroom's pages need: what each of its areas
// declares. sqlite.DB and postgres.DB satisfy it.
type Store interface {
	sessionStore
	deskStore
	libraryStore
	curationStore
	adminStore
	dateline.Ads
	partnerStore
	clientadmin.Store
	liveadmin.Store
}

// Site is what the newsroom needs of the public site that it edits.
type Site interface {
	// Sections is the site's list of sections, as read last.
	Sections() []dateline.Section
	// Zone is the request's time zone.
	Zone(r *http.Request) Zone
	// Changed tells the site that content changed.
	Changed()
	// StoriesChanged tells the site that stories changed and nothing
	// else: the store's event log says which.
	StoriesChanged()
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

// Config is what the newsroom needs to know of the node.
type Config struct {
	Site           any // the site's configuration, as the templates show it
	BaseURL        string
	SiteName       string // in the client portal's invitations
	Media          dateline.Media
	TrustedProxies []netip.Prefix
	NoAds          bool
	Partners       PartnerFetcher // nil: partner feeds are not fetched on this node
	// PushGuard is the policy push destinations' addresses must pass.
	PushGuard netguard.Policy
	Mail      bool // email is set up (serve --smtp-url): invitations are emailed too
}

// Handler serves the newsroom: its routes, and one value per area of
// the newsroom, each holding only what its pages use.
type Handler struct {
	*kit
	sessions *sessions          // sign-in, sessions and one's own account
	desk     *desk              // the desk, the story editor and its history
	library  *library           // photos, galleries and infographics
	curation *curation          // the top stories and the story pages
	admin    *admin             // people, sections, tokens, the audit log
	ads      *adsAdmin          // the ad slots and the switch
	partners *partnerFeeds      // partner feeds
	clients  *clientadmin.Admin // clients, their products, people, tokens, feeds and push
	live     *liveadmin.Admin   // live stories' posts
	mux      *http.ServeMux
}

// New makes the newsroom's handler with its routes.
func New(store Store, site Site, cfg Config, log *slog.Logger, now func() time.Time) *Handler {
	k := &kit{site: site, siteConfig: cfg.Site, log: log, now: now, auditLog: store}
	lib := &library{kit: k, store: store, media: cfg.Media}
	h := &Handler{
		kit:      k,
		sessions: &sessions{kit: k, store: store, baseURL: cfg.BaseURL, trustedProxies: cfg.TrustedProxies},
		desk:     &desk{kit: k, store: store},
		library:  lib,
		curation: &curation{kit: k, store: store},
		admin:    &admin{kit: k, store: store},
		ads:      &adsAdmin{kit: k, store: store, lib: lib, baseURL: cfg.BaseURL, noAds: cfg.NoAds},
		partners: &partnerFeeds{kit: k, store: store, fetcher: cfg.Partners},
		clients:  clientadmin.New(store, k.clientKit(), cfg.BaseURL, cfg.SiteName, cfg.PushGuard, cfg.Mail),
		live:     liveadmin.New(store, k.liveKit()),
		mux:      http.NewServeMux(),
	}
	h.routes(h.mux)
	return h
}

// ServeHTTP serves a request under /newsroom/.
func (s *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }
