// Package api serves dateline's JSON API under /api/: ingest, the read
// API (items, sections, topics, persons), search, most read, the live
// stream, view beacons, exchange rates and the OpenAPI description, with
// the bearer token checks and the per-token rate limiter.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
	"dateline/http/web"
	"dateline/ingest"
	"dateline/liveblog"
	"dateline/readership"
	"dateline/usage"
	"dateline/wire"
)

// Store is the storage the API reads. sqlite.DB and postgres.DB satisfy it.
type Store interface {
	TokenByHash(ctx context.Context, hash []byte) (*dateline.Token, error)
	Article(ctx context.Context, id int64) (*dateline.Article, error)
	ArticlesByID(ctx context.Context, ids []int64) ([]*dateline.Article, error)
	Articles(ctx context.Context, f dateline.ArticleFilter) ([]dateline.Article, error)
	// Search is for clients' searches within their products.
	Search(ctx context.Context, f dateline.SearchFilter) (dateline.SearchResult, error)
	// DeskArticles lists the embargoed items for tokens with that scope.
	DeskArticles(ctx context.Context, f dateline.DeskFilter) ([]dateline.Article, error)
	Events(ctx context.Context, after int64, limit int) ([]dateline.Event, error)
	SitemapTags(ctx context.Context, kind string, after int64, limit int) ([]dateline.SitemapTag, error)
	// Client and Entitlement are for the tokens and feeds of clients.
	Client(ctx context.Context, id int64) (*dateline.Client, error)
	Entitlement(ctx context.Context, clientID int64, now time.Time) (dateline.Entitlement, error)
	// PushDestinations and PushDeliveries are a client's push log.
	PushDestinations(ctx context.Context, clientID int64) ([]dateline.PushDestination, error)
	PushDeliveries(ctx context.Context, destinationID, before int64, limit int) ([]dateline.PushDelivery, error)
	// The galleries and infographics of GET /api/v1/collections.
	wire.CollectionStore
	// Posts are a live story's posts, which its item carries.
	Posts(ctx context.Context, article int64, deleted bool) ([]liveblog.Post, error)
}

// Site is what the API needs of the site it serves.
type Site interface {
	// HasSection reports whether the section exists.
	HasSection(slug string) bool
	// Sections is the site's list of sections, as read last.
	Sections() []dateline.Section
	// StoryURL is the path of story id in section.
	StoryURL(section string, id int64) string
	// ArticleURL is a story's path on the site.
	ArticleURL(a dateline.Article) string
	// Changed tells the site that content changed.
	Changed()
	// MostRead is the ranking for the period and section, without the
	// stories that are no longer published.
	MostRead(ctx context.Context, p dateline.Period, section string) ([]dateline.Ranked, error)
	// Search, Rates and Convert answer the request with the document the
	// site's own pages are made from.
	Search(r *http.Request) (any, error)
	Rates(r *http.Request) (any, error)
	Convert(r *http.Request) (any, error)
	// Weather is a city's names, zone and current weather (GET
	// /api/v1/weather?city=SLUG), for the pages' script.
	Weather(r *http.Request) (any, error)
	// ArticlesRSS is an RSS feed of the whole articles and the
	// collections (newest first together), with its title and
	// its own address (path and query).
	ArticlesRSS(title, self string, list []*dateline.Article, collections []wire.Collection) ([]byte, error)
}

// Config is what the API needs to know of the node.
type Config struct {
	BaseURL        string
	MaxBodySize    int64
	TrustedProxies []netip.Prefix
	APIRate        int // requests one token may make a minute
	// Usage counts clients' requests and the items they get (nil: none).
	Usage *usage.Counter
}

// Handler serves the API.
type Handler struct {
	store     Store
	site      Site
	ingest    *ingest.Service
	reads     *readership.Service
	cfg       Config
	log       *slog.Logger
	now       func() time.Time
	apiLimits tokenLimiter
	covers    coverCache
}

// New makes the API's handler.
func New(store Store, site Site, in *ingest.Service, reads *readership.Service, cfg Config, log *slog.Logger, now func() time.Time) *Handler {
	return &Handler{store: store, site: site, ingest: in, reads: reads, cfg: cfg, log: log, now: now}
}

// error answers with the error's status and safe message as JSON. Only
// internal errors are logged.
func (s *Handler) error(w http.ResponseWriter, r *http.Request, err error) {
	if !web.LogError(s.log, w, r, err) {
		return
	}
	code := dateline.ErrorCode(err)
	ErrorStatus(w, web.Status(code), dateline.ErrorMessage(err))
}

// ErrorStatus answers an API request with the status and message.
func ErrorStatus(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	if code == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "30")
	}
	web.WriteJSON(w, code, map[string]any{"error": map[string]any{"status": code, "message": msg}})
}

// The small helpers below are the site's own too (package http).

func query(r *http.Request) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, dateline.Errorf(dateline.EINVALID, "The query string is malformed.")
	}
	return q, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func validText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func sectionLang(sec dateline.Section) string {
	if sec.Lang == "" {
		return dateline.LangMain
	}
	return sec.Lang
}

func optionalID(v, what string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, dateline.Errorf(dateline.EINVALID, "The %s is chosen from the list, not %q.", what, truncate(v, 20))
	}
	return id, nil
}

// bucket is a token bucket's state.
type bucket struct {
	tokens float64
	at     time.Time
}
