package newsroom

import (
	"net/http"

	"dateline/http/newsroom/clientadmin"
	"dateline/http/newsroom/liveadmin"
)

// routes registers the newsroom on its own mux, which serves
// every path under /newsroom/. Every page and write is behind
// requireSession (a live session, the CSRF token on writes, and a role).
func (s *Handler) routes(m *http.ServeMux) {
	any := func(h handlerFunc) http.HandlerFunc { return s.sessions.requireSession(nil, s.handle(h)) }
	editor := func(h handlerFunc) http.HandlerFunc { return s.sessions.requireSession(canPublish, s.handle(h)) }
	admin := func(h handlerFunc) http.HandlerFunc { return s.sessions.requireSession(canAdmin, s.handle(h)) }

	se := s.sessions
	m.HandleFunc("GET /newsroom/login", s.handle(se.handleLoginForm))
	m.HandleFunc("POST /newsroom/login", s.handle(se.handleLogin))
	m.HandleFunc("POST /newsroom/logout", any(se.handleLogout))
	m.HandleFunc("GET /newsroom/account", any(se.handleAccount))
	m.HandleFunc("POST /newsroom/account", any(se.handlePassword))

	d := s.desk
	m.HandleFunc("GET /newsroom/{$}", any(d.handleDesk))
	m.HandleFunc("GET /newsroom/articles/new", any(d.handleNewArticle))
	m.HandleFunc("POST /newsroom/articles", any(d.handleCreateArticle))
	m.HandleFunc("GET /newsroom/articles/{id}", any(d.handleEditArticle))
	m.HandleFunc("POST /newsroom/articles/{id}", any(d.handleSaveArticle))
	m.HandleFunc("POST /newsroom/articles/{id}/autosave", any(d.handleAutosave))
	m.HandleFunc("POST /newsroom/articles/{id}/withdraw", editor(d.handleWithdraw))
	m.HandleFunc("POST /newsroom/articles/{id}/reinstate", editor(d.handleReinstate))
	m.HandleFunc("POST /newsroom/articles/{id}/delete", any(d.handleDelete))
	m.HandleFunc("POST /newsroom/articles/{id}/notes", any(d.handleNote))
	m.HandleFunc("GET /newsroom/articles/{id}/history", any(d.handleHistory))
	m.HandleFunc("GET /newsroom/articles/{id}/compare", any(d.handleCompare))
	m.HandleFunc("POST /newsroom/articles/{id}/restore", any(d.handleRestore))
	m.HandleFunc("POST /newsroom/preview", any(d.handlePreview))
	m.HandleFunc("GET /newsroom/api/articles", any(d.handleAPIArticles))
	m.HandleFunc("GET /newsroom/api/tags", any(d.handleAPITags))

	l := s.library
	m.HandleFunc("GET /newsroom/photos", any(l.handlePhotos))
	m.HandleFunc("POST /newsroom/photos", any(l.handleUpload))
	m.HandleFunc("GET /newsroom/photos/{id}", any(l.handlePhoto))
	m.HandleFunc("POST /newsroom/photos/{id}", editor(l.handleSavePhoto))
	m.HandleFunc("GET /newsroom/{kind}", any(l.handleCollections))
	m.HandleFunc("POST /newsroom/{kind}", editor(l.handleCreateCollection))
	m.HandleFunc("GET /newsroom/{kind}/{id}", editor(l.handleCollection))
	m.HandleFunc("POST /newsroom/{kind}/{id}", editor(l.handleSaveCollection))
	m.HandleFunc("GET /newsroom/api/photos", any(l.handleAPIPhotos))

	c := s.curation
	m.HandleFunc("GET /newsroom/top", editor(c.handleTop))
	m.HandleFunc("POST /newsroom/top", editor(c.handleSaveTop))
	m.HandleFunc("GET /newsroom/stories", editor(c.handleStories))
	m.HandleFunc("POST /newsroom/stories", editor(c.handleSaveStory))
	m.HandleFunc("GET /newsroom/stories/{id}", editor(c.handleStory))
	m.HandleFunc("POST /newsroom/stories/{id}", editor(c.handleSaveStory))

	a := s.admin
	m.HandleFunc("GET /newsroom/users", admin(a.handleUsers))
	m.HandleFunc("POST /newsroom/users", admin(a.handleCreateUser))
	m.HandleFunc("POST /newsroom/users/{id}", admin(a.handleSaveUser))
	m.HandleFunc("GET /newsroom/sections", admin(a.handleSectionsAdmin))
	m.HandleFunc("POST /newsroom/sections", admin(a.handleSaveSection))
	m.HandleFunc("GET /newsroom/tokens", admin(a.handleTokens))
	m.HandleFunc("POST /newsroom/tokens", admin(a.handleCreateToken))
	m.HandleFunc("POST /newsroom/tokens/{id}/delete", admin(a.handleDeleteToken))
	m.HandleFunc("GET /newsroom/audit", admin(a.handleAudit))

	p := s.partners
	m.HandleFunc("GET /newsroom/partners", admin(p.handlePartners))
	m.HandleFunc("POST /newsroom/partners", admin(p.handleAddPartner))
	m.HandleFunc("POST /newsroom/partners/{id}/delete", admin(p.handleDeletePartner))
	m.HandleFunc("POST /newsroom/partners/{id}/fetch", admin(p.handleFetchPartner))

	ad := s.ads
	m.HandleFunc("GET /newsroom/ads", admin(ad.handleAdsAdmin))
	m.HandleFunc("POST /newsroom/ads/switch", admin(ad.handleAdsSwitch))
	m.HandleFunc("POST /newsroom/ads/{slot}", admin(ad.handleSaveAd))
	m.HandleFunc("POST /newsroom/ads/{slot}/clear", admin(ad.handleClearAd))

	s.live.Routes(m, func(h liveadmin.HandlerFunc) http.HandlerFunc { return any(handlerFunc(h)) },
		func(h liveadmin.HandlerFunc) http.HandlerFunc { return editor(handlerFunc(h)) })
	s.clients.Routes(m, func(h clientadmin.HandlerFunc) http.HandlerFunc { return admin(handlerFunc(h)) })

	// Anything else under /newsroom/ still needs a session before it
	// says there is nothing there.
	m.HandleFunc("/", any(func(w http.ResponseWriter, r *http.Request) error {
		s.newsroomError(w, r, http.StatusNotFound, "There is no newsroom page at this address.")
		return nil
	}))
}

// handlerFunc is a newsroom handler: an error it returns is answered by
// fail, the one adapter (handle) between the handlers and the mux.
type handlerFunc func(http.ResponseWriter, *http.Request) error

func (s *Handler) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}
