package api

import (
	"net/http"

	"dateline"
)

// Routes registers the API on the site's mux.
func (s *Handler) Routes(m *http.ServeMux) {
	m.HandleFunc("GET /api/v1/search", s.handleSearchAPI)
	m.HandleFunc("POST /api/v1/items", s.handleIngest)
	m.HandleFunc("GET /api/v1/items/{id}", s.handleItem)
	m.HandleFunc("GET /api/v1/items", s.handleItems)
	m.HandleFunc("GET /api/v1/sections", s.handleSectionsAPI)
	m.HandleFunc("GET /api/v1/topics", s.handleTagsAPI(dateline.TagTopic))
	m.HandleFunc("GET /api/v1/persons", s.handleTagsAPI(dateline.TagPerson))
	m.HandleFunc("POST /api/v1/views", s.handleView)
	m.HandleFunc("GET /api/v1/most-read", s.handleMostReadAPI)
	m.HandleFunc("GET /api/v1/stream", s.handleStream)
	m.HandleFunc("GET /api/v1/rates", s.handleRatesAPI)
	m.HandleFunc("GET /api/v1/convert", s.handleConvertAPI)
	m.HandleFunc("/api/v1/items", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, POST")
		ErrorStatus(w, http.StatusMethodNotAllowed, "This endpoint takes GET (a list of items) or POST (one ninjs document).")
	})
	m.HandleFunc("GET /api/openapi.json", s.handleOpenAPI)
}

func (s *Handler) handleSearchAPI(w http.ResponseWriter, r *http.Request) {
	s.answer(w, r, s.site.Search, "public, max-age=0, s-maxage=10")
}
func (s *Handler) handleRatesAPI(w http.ResponseWriter, r *http.Request) {
	s.answer(w, r, s.site.Rates, "public, max-age=300")
}
func (s *Handler) handleConvertAPI(w http.ResponseWriter, r *http.Request) {
	s.answer(w, r, s.site.Convert, "public, max-age=300")
}

// answer writes what doc makes of the request, or its error.
func (s *Handler) answer(w http.ResponseWriter, r *http.Request, doc func(*http.Request) (any, error), cacheControl string) {
	v, err := doc(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeTagged(w, r, v, cacheControl)
}
