// Package unsubscribe serves the one-click unsubscribe of email lists
// (RFC 8058): GET /unsubscribe/{token} shows a page with a button, and
// POST /unsubscribe/{token} (the button, or a mail client's one-click
// POST with the body List-Unsubscribe=One-Click) puts the token's address
// on its list's suppression list. The token is signed (mail.Token), so it
// needs no cookie and no CSRF token: it names one address and one list.
package unsubscribe

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"dateline/http/site/kit"
	"dateline/http/web"
	"dateline/i18n"
	"dateline/mail"
)

// Store is what the page needs of the store.
type Store interface {
	MailKey(ctx context.Context) ([]byte, error)
	Suppress(ctx context.Context, address, listID string, now time.Time) error
}

// Handler serves the unsubscribe page.
type Handler struct {
	*kit.Kit
	store Store
	key   mail.KeyCache
}

// New returns the unsubscribe page made with k.
func New(k *kit.Kit, store Store) *Handler {
	return &Handler{Kit: k, store: store, key: mail.KeyCache{Load: store.MailKey}}
}

// Routes registers the page on m.
func (s *Handler) Routes(m *http.ServeMux) {
	m.HandleFunc("GET /unsubscribe/{token}", s.handleGet)
	m.HandleFunc("POST /unsubscribe/{token}", s.handlePost)
}

type page struct {
	*kit.Base
	Address, List string
	Action        string
	Done          bool
}

// token reads the request's token, answering 400 itself when it is bad.
func (s *Handler) token(w http.ResponseWriter, r *http.Request) (mail.Unsubscription, bool) {
	w.Header().Set("Referrer-Policy", "no-referrer") // the token is the reader's own
	key, err := s.key.Get(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return mail.Unsubscription{}, false
	}
	u, err := mail.ParseToken(key, r.PathValue("token"))
	if err != nil {
		s.ErrorStatus(w, r, http.StatusBadRequest, err.Error())
		return u, false
	}
	return u, true
}

func (s *Handler) handleGet(w http.ResponseWriter, r *http.Request) {
	u, ok := s.token(w, r)
	if !ok {
		return
	}
	s.render(w, r, u, false)
}

// handlePost unsubscribes: the body is List-Unsubscribe=One-Click, from a
// mail client (RFC 8058) or from the page's button.
func (s *Handler) handlePost(w http.ResponseWriter, r *http.Request) {
	u, ok := s.token(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<10))
	if err != nil {
		s.ErrorStatus(w, r, http.StatusBadRequest, "The request's body could not be read: send List-Unsubscribe=One-Click, at most 4 KB.")
		return
	}
	if !oneClick(r.Header.Get("Content-Type"), body) {
		s.ErrorStatus(w, r, http.StatusBadRequest, "To unsubscribe, send the body List-Unsubscribe=One-Click (RFC 8058), or use the button on this page.")
		return
	}
	if err := s.store.Suppress(r.Context(), u.Address, u.List, s.Now()); err != nil {
		s.Error(w, r, err)
		return
	}
	s.Log().Info("unsubscribed", "list", u.List)
	s.render(w, r, u, true)
}

// oneClick reports whether a POST's body says List-Unsubscribe=One-Click,
// as a form (urlencoded or multipart, which RFC 8058 allows) or as text.
func oneClick(ctype string, body []byte) bool {
	if strings.HasPrefix(ctype, "multipart/form-data") {
		return strings.Contains(string(body), `name="List-Unsubscribe"`) && strings.Contains(string(body), "One-Click")
	}
	q, err := url.ParseQuery(strings.TrimSpace(string(body)))
	return err == nil && q.Get("List-Unsubscribe") == "One-Click"
}

func (s *Handler) render(w http.ResponseWriter, r *http.Request, u mail.Unsubscription, done bool) {
	v := s.NewBaseIn(r, u.Lang)
	l := i18n.Lang(u.Lang)
	v.Title = i18n.T(l, "Unsubscribe")
	if done {
		v.Title = i18n.T(l, "You are unsubscribed")
	}
	v.Description = i18n.T(l, "Stop messages of the list “%s” to %s.", u.List, u.Address)
	v.Robots = "noindex, nofollow"
	body, err := s.Render("unsubscribe", page{Base: v, Address: u.Address, List: u.List, Action: r.URL.EscapedPath(), Done: done})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	web.WriteHTML(w, http.StatusOK, "no-store", body)
}
