// Package portal serves the client portal at /wire/: the agency's
// customers' people sign in (their own sessions, argon2id, CSRF, the
// lockout), follow the wire their company's products cover, live, open
// and download items (ninjs, NewsML-G2, text, the photos' originals, many
// as one zip), keep bookmarks, follow topics, persons and searches, and
// a client's admin invites colleagues within the seat limit. Every list,
// item, search, download and event is decided by the client's
// dateline.Entitlement at the time of the request, as the read API's are.
// Its interface is in English and Russian (package i18n).
package portal

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"dateline"
	"dateline/http/web"
	"dateline/i18n"
	"dateline/usage"
	"dateline/wire"
)

//go:embed html/*.html
var pages embed.FS

// Store is what the portal reads and writes. sqlite.DB and postgres.DB
// satisfy it.
type Store interface {
	dateline.Portal
	wire.Store
	wire.CollectionStore
	Article(ctx context.Context, id int64) (*dateline.Article, error)
	DeskArticles(ctx context.Context, f dateline.DeskFilter) ([]dateline.Article, error)
	Search(ctx context.Context, f dateline.SearchFilter) (dateline.SearchResult, error)
	Client(ctx context.Context, id int64) (*dateline.Client, error)
	Entitlement(ctx context.Context, clientID int64, now time.Time) (dateline.Entitlement, error)
	ClientUserByEmail(ctx context.Context, email string) (*dateline.ClientUser, error)
	CreateClientUser(ctx context.Context, u *dateline.ClientUser, now time.Time) error
	ClientUsers(ctx context.Context, clientID int64) ([]dateline.ClientUser, error)
	MailStore
	SetAlertLang(ctx context.Context, userID int64, lang string) error
}

// Config is what the portal needs of the node and the site.
type Config struct {
	SiteName       string
	BaseURL        string
	TrustedProxies []netip.Prefix
	Media          dateline.Media
	Zone           *time.Location // the agency's zone, for every time shown
	// Asset is a static file's address (the site's style and the
	// portal's own style and script are the site's static files).
	Asset func(name string) string
	// Sections is the site's list of sections.
	Sections func() []dateline.Section
	// Stream serves the live stream of an entitlement (the read API's,
	// http/api.Handler.ClientStream).
	Stream func(w http.ResponseWriter, r *http.Request, e dateline.Entitlement) error
	// Usage counts what each client's people see and download.
	Usage *usage.Counter
	// Mail is whether email is set up (serve --smtp-url): invitations
	// are then emailed too.
	Mail bool
}

// Handler serves /wire/ (but /wire/feeds/, the API's).
type Handler struct {
	store  Store
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	sets   map[string]*template.Template
	logins web.Limiter // sign-in attempts per address
	mux    *http.ServeMux
}

// New makes the portal's handler, parsing its pages.
func New(store Store, cfg Config, log *slog.Logger, now func() time.Time) (*Handler, error) {
	if cfg.Zone == nil {
		cfg.Zone = time.UTC
	}
	h := &Handler{store: store, cfg: cfg, log: log, now: now, logins: web.Limiter{Rate: 1.0 / 3, Burst: 20}, mux: http.NewServeMux()}
	if err := h.parse(); err != nil {
		return nil, err
	}
	h.routes()
	return h, nil
}

// ServeHTTP serves a request under /wire/.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// pageNames are the portal's pages, each a template set with the layout.
var pageNames = []string{"signin", "invitation", "wire", "item", "collection", "bookmarks", "follows", "people", "message"}

func (h *Handler) parse() error {
	funcs := template.FuncMap{
		"t":     func(l i18n.Lang, key string, args ...any) string { return i18n.T(l, key, args...) },
		"asset": h.cfg.Asset,
		"stamp": func(l i18n.Lang, t time.Time) string {
			return i18n.Stamp(l, t.In(h.cfg.Zone)) + " " + zoneName(t.In(h.cfg.Zone))
		},
		"full": func(l i18n.Lang, t time.Time) string {
			z := t.In(h.cfg.Zone)
			return i18n.DateYear(l, z) + ", " + z.Format("15:04") + " " + zoneName(z)
		},
		"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"html":  func(s string) template.HTML { return template.HTML(s) }, // stored pages are sanitised on the way in
		"thumb": thumb,
		// dict is what a tag's follow button needs: the page, and the tag.
		"dict": func(v *view, kind, slug, name string) followButton {
			return followButton{View: v, Kind: kind, Slug: slug, Name: name}
		},
		"fit": func(p *dateline.Photo) string { return web.MediaURL(p, fitWidth(p, 960)) },
		"langName": func(l i18n.Lang, code string) string {
			return i18n.T(l, map[string]string{"en": "English", "ru": "Russian"}[code])
		},
	}
	base, err := template.New("").Funcs(funcs).ParseFS(pages, "html/layout.html")
	if err != nil {
		return err
	}
	h.sets = map[string]*template.Template{}
	for _, name := range pageNames {
		set, err := template.Must(base.Clone()).ParseFS(pages, "html/"+name+".html")
		if err != nil {
			return err
		}
		h.sets[name] = set
	}
	return nil
}

// followButton is a topic's or person's follow button on an item's page.
type followButton struct {
	View             *view
	Kind, Slug, Name string
}

// thumb is the address of a small rendition of the photo for lists.
func thumb(p *dateline.Photo) string { return web.MediaURL(p, fitWidth(p, 320)) }

// fitWidth is the smallest rendition at least w wide, else the largest
// (0: the photo itself).
func fitWidth(p *dateline.Photo, w int) int {
	best := 0
	for _, x := range p.Widths {
		if x >= w && (best == 0 || x < best || best < w) || best < w && x > best {
			best = x
		}
	}
	return best
}

// zoneName is the zone's short name, "MSK" rather than "+03".
func zoneName(t time.Time) string {
	name, off := t.Zone()
	if name != "" && (name[0] == '+' || name[0] == '-') {
		if off == 3*3600 {
			return "MSK"
		}
		return "UTC" + name
	}
	return name
}

// view is what every page receives.
type view struct {
	Lang    i18n.Lang
	Title   string
	Site    string
	Session *dateline.ClientSession
	Client  *dateline.Client
	Nav     string
	Flash   string
	Path    string // the request's path and query, for the language switch
	Data    any
}

// render answers with a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, code int, page, title string, data any) {
	v := &view{Lang: lang(r), Title: title, Site: h.cfg.SiteName, Session: sessionOf(r), Path: r.URL.RequestURI(), Data: data}
	if v.Session != nil {
		v.Client = clientOf(r)
	}
	if f := r.URL.Query().Get("done"); f != "" {
		v.Flash = flashes[f]
	}
	if nav, ok := data.(interface{ nav() string }); ok {
		v.Nav = nav.nav()
	}
	var buf bytes.Buffer
	if err := h.sets[page].ExecuteTemplate(&buf, "layout", v); err != nil {
		h.log.Error("render portal", "page", page, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	web.WriteHTML(w, code, "no-store", buf.Bytes())
}

// flashes are the fixed messages a redirect after a write may ask for.
var flashes = map[string]string{
	"bookmarked": "Bookmarked.",
	"unmarked":   "The bookmark was removed.",
	"followed":   "Followed: new items that match will be in your alerts.",
	"unfollowed": "No longer followed.",
	"password":   "Your password is set. Welcome.",
}

// messagePage is a page of words: a refusal, or a secret shown once.
type messagePage struct {
	Heading, Message, Secret, Back string
}

// headings head the error pages in words for people.
var headings = map[int]string{
	http.StatusBadRequest:            "Something needs changing",
	http.StatusUnauthorized:          "Please sign in",
	http.StatusForbidden:             "Not allowed",
	http.StatusNotFound:              "Nothing here",
	http.StatusConflict:              "Already done",
	http.StatusGone:                  "No longer here",
	http.StatusRequestEntityTooLarge: "Too large",
	http.StatusTooManyRequests:       "Too many attempts",
}

// fail answers a request that cannot be done: a page with the words of
// the error, in the reader's language where the portal has them.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := dateline.ErrorCode(err)
	if code == dateline.EINTERNAL {
		h.log.Error("portal", "method", r.Method, "path", web.LoggedPath(r.URL.Path), "err", err)
	}
	h.refuse(w, r, web.Status(code), dateline.ErrorMessage(err))
}

// refuse answers with status code and the message.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, code int, msg string) {
	l := lang(r)
	heading := headings[code]
	if heading == "" {
		heading = "That did not work"
	}
	if strings.HasPrefix(r.URL.Path, "/wire/stream") || r.Header.Get("Accept") == "application/json" {
		w.Header().Set("Cache-Control", "no-store")
		web.WriteJSON(w, code, map[string]any{"error": map[string]any{"status": code, "message": i18n.T(l, msg)}})
		return
	}
	h.render(w, r, code, "message", i18n.T(l, heading), messagePage{Heading: heading, Message: msg, Back: "/wire/"})
}

// handlerFunc is a portal handler: an error it returns is answered by
// fail.
type handlerFunc func(http.ResponseWriter, *http.Request) error

func (h *Handler) handle(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.fail(w, r, err)
		}
	}
}

// lang is the reader's language: the one they chose (a cookie), else
// Russian for a browser that asks for it first, else English.
func lang(r *http.Request) i18n.Lang {
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "ru" || c.Value == "en") {
		return i18n.Lang(c.Value)
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language"))), "ru") {
		return i18n.RU
	}
	return i18n.EN
}

// handleLang is GET /wire/lang/{lang}?next=PATH: the reader chooses the
// portal's language, kept in a cookie for a year.
func (h *Handler) handleLang(w http.ResponseWriter, r *http.Request) error {
	l := r.PathValue("lang")
	if l != "en" && l != "ru" {
		return dateline.Errorf(dateline.ENOTFOUND, "The portal speaks English (en) and Russian (ru).")
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/wire/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.secure(r)})
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
	return nil
}

// safeNext keeps a redirect inside the portal.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/wire/") || strings.HasPrefix(next, "/wire/signin") || strings.HasPrefix(next, "/wire/feeds/") ||
		strings.ContainsAny(next, "\\\r\n") || strings.HasPrefix(next, "//") || len(next) > 2000 {
		return "/wire/"
	}
	return next
}

func (h *Handler) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(h.cfg.BaseURL, "https://")
}

// renderPart answers with one part of a page's template set (the wire's
// list, for the live script).
func (h *Handler) renderPart(w http.ResponseWriter, r *http.Request, part string, data any) {
	v := &view{Lang: lang(r), Session: sessionOf(r), Client: clientOf(r), Data: data}
	var buf bytes.Buffer
	if err := h.sets["wire"].ExecuteTemplate(&buf, part, v); err != nil {
		h.log.Error("render portal part", "part", part, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	web.WriteHTML(w, http.StatusOK, "no-store", buf.Bytes())
}
