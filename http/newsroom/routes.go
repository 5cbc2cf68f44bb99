package newsroom

import "net/http"

// routes registers the newsroom on its own mux, which serves
// every path under /newsroom/. Every page and write is behind
// requireSession (a live session, the CSRF token on writes, and a role).
func (s *Handler) routes(m *http.ServeMux) {
	any := func(h handlerFunc) http.HandlerFunc { return s.requireSession(nil, s.handle(h)) }
	editor := func(h handlerFunc) http.HandlerFunc { return s.requireSession(canPublish, s.handle(h)) }
	admin := func(h handlerFunc) http.HandlerFunc { return s.requireSession(canAdmin, s.handle(h)) }

	m.HandleFunc("GET /newsroom/login", s.handle(s.handleLoginForm))
	m.HandleFunc("POST /newsroom/login", s.handle(s.handleLogin))
	m.HandleFunc("POST /newsroom/logout", any(s.handleLogout))
	m.HandleFunc("GET /newsroom/{$}", any(s.handleDesk))
	m.HandleFunc("GET /newsroom/articles/new", any(s.handleNewArticle))
	m.HandleFunc("POST /newsroom/articles", any(s.handleCreateArticle))
	m.HandleFunc("GET /newsroom/articles/{id}", any(s.handleEditArticle))
	m.HandleFunc("POST /newsroom/articles/{id}", any(s.handleSaveArticle))
	m.HandleFunc("POST /newsroom/articles/{id}/autosave", any(s.handleAutosave))
	m.HandleFunc("POST /newsroom/articles/{id}/withdraw", editor(s.handleWithdraw))
	m.HandleFunc("POST /newsroom/articles/{id}/reinstate", editor(s.handleReinstate))
	m.HandleFunc("GET /newsroom/articles/{id}/history", any(s.handleHistory))
	m.HandleFunc("GET /newsroom/articles/{id}/compare", any(s.handleCompare))
	m.HandleFunc("POST /newsroom/articles/{id}/restore", any(s.handleRestore))
	m.HandleFunc("POST /newsroom/preview", any(s.handlePreview))

	m.HandleFunc("GET /newsroom/photos", any(s.handlePhotos))
	m.HandleFunc("POST /newsroom/photos", any(s.handleUpload))
	m.HandleFunc("GET /newsroom/photos/{id}", any(s.handlePhoto))
	m.HandleFunc("POST /newsroom/photos/{id}", editor(s.handleSavePhoto))
	m.HandleFunc("GET /newsroom/{kind}", any(s.handleCollections))
	m.HandleFunc("POST /newsroom/{kind}", editor(s.handleCreateCollection))

	m.HandleFunc("GET /newsroom/top", editor(s.handleTop))
	m.HandleFunc("POST /newsroom/top", editor(s.handleSaveTop))
	m.HandleFunc("GET /newsroom/stories", editor(s.handleStories))
	m.HandleFunc("POST /newsroom/stories", editor(s.handleSaveStory))
	m.HandleFunc("GET /newsroom/stories/{id}", editor(s.handleStory))
	m.HandleFunc("POST /newsroom/stories/{id}", editor(s.handleSaveStory))

	m.HandleFunc("GET /newsroom/account", any(s.handleAccount))
	m.HandleFunc("POST /newsroom/account", any(s.handlePassword))
	m.HandleFunc("GET /newsroom/users", admin(s.handleUsers))
	m.HandleFunc("POST /newsroom/users", admin(s.handleCreateUser))
	m.HandleFunc("POST /newsroom/users/{id}", admin(s.handleSaveUser))
	m.HandleFunc("GET /newsroom/sections", admin(s.handleSectionsAdmin))
	m.HandleFunc("POST /newsroom/sections", admin(s.handleSaveSection))
	m.HandleFunc("GET /newsroom/tokens", admin(s.handleTokens))
	m.HandleFunc("POST /newsroom/tokens", admin(s.handleCreateToken))
	m.HandleFunc("POST /newsroom/tokens/{id}/delete", admin(s.handleDeleteToken))
	m.HandleFunc("GET /newsroom/audit", admin(s.handleAudit))
	m.HandleFunc("GET /newsroom/partners", admin(s.handlePartners))
	m.HandleFunc("POST /newsroom/partners", admin(s.handleAddPartner))
	m.HandleFunc("POST /newsroom/partners/{id}/delete", admin(s.handleDeletePartner))
	m.HandleFunc("POST /newsroom/partners/{id}/fetch", admin(s.handleFetchPartner))
	m.HandleFunc("GET /newsroom/ads", admin(s.handleAdsAdmin))
	m.HandleFunc("POST /newsroom/ads/switch", admin(s.handleAdsSwitch))
	m.HandleFunc("POST /newsroom/ads/{slot}", admin(s.handleSaveAd))
	m.HandleFunc("POST /newsroom/ads/{slot}/clear", admin(s.handleClearAd))

	m.HandleFunc("GET /newsroom/api/articles", any(s.handleAPIArticles))
	m.HandleFunc("GET /newsroom/api/tags", any(s.handleAPITags))
	m.HandleFunc("GET /newsroom/api/photos", any(s.handleAPIPhotos))
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
