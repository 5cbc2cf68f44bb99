package portal

import "net/http"

// routes registers the portal on its own mux, which serves every path
// under /wire/ but the feeds (the API's). Everything but sign-in, the
// invitations and the language is behind guard.
func (h *Handler) routes() {
	m := h.mux
	any := func(fn handlerFunc) http.HandlerFunc { return h.guard(false, fn) }
	admin := func(fn handlerFunc) http.HandlerFunc { return h.guard(true, fn) }
	m.HandleFunc("GET /wire/signin", h.handle(h.handleSigninForm))
	m.HandleFunc("POST /wire/signin", h.handle(h.handleSignin))
	m.HandleFunc("POST /wire/signout", any(h.handleSignout))
	m.HandleFunc("GET /wire/invitation/{secret}", h.handle(h.handleInvitation))
	m.HandleFunc("POST /wire/invitation/{secret}", h.handle(h.handleAcceptInvitation))
	m.HandleFunc("GET /wire/lang/{lang}", h.handle(h.handleLang))

	m.HandleFunc("GET /wire/{$}", any(h.handleWire))
	m.HandleFunc("GET /wire/stream", any(h.handleStream))
	m.HandleFunc("GET /wire/items/{id}", any(h.handleItem))
	m.HandleFunc("GET /wire/items/{id}/download/{format}", any(h.handleDownload))
	m.HandleFunc("GET /wire/collections/{key}", any(h.handleCollection))
	m.HandleFunc("GET /wire/collections/{key}/download/{format}", any(h.handleCollectionDownload))
	m.HandleFunc("POST /wire/items/{id}/bookmark", any(h.handleBookmark))
	m.HandleFunc("POST /wire/download", any(h.handleZip))
	m.HandleFunc("GET /wire/bookmarks", any(h.handleBookmarks))
	m.HandleFunc("GET /wire/follows", any(h.handleFollows))
	m.HandleFunc("POST /wire/follows", any(h.handleFollow))
	m.HandleFunc("POST /wire/follows/{id}/delete", any(h.handleUnfollow))
	m.HandleFunc("GET /wire/people", admin(h.handlePeople))
	m.HandleFunc("POST /wire/people", admin(h.handleInvite))

	m.HandleFunc("/wire/", h.handle(func(w http.ResponseWriter, r *http.Request) error {
		h.refuse(w, r, http.StatusNotFound, "There is no portal page at this address.")
		return nil
	}))
}
