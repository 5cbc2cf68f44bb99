package api

import (
	"net/http"

	"dateline"
)

// Routes registers the API on the site's mux.
func (s *Handler) Routes(m *http.ServeMux) {
	m.HandleFunc("GET /api/v1/search", s.handle(s.document(s.site.Search, "public, max-age=0, s-maxage=10")))
	m.HandleFunc("POST /api/v1/items", s.handle(s.handleIngest))
	m.HandleFunc("GET /api/v1/items/{id}", s.handle(s.handleItem))
	m.HandleFunc("GET /api/v1/items", s.handle(s.handleItems))
	m.HandleFunc("GET /api/v1/collections", s.handle(s.handleCollections))
	m.HandleFunc("GET /api/v1/collections/{key}", s.handle(s.handleCollection))
	m.HandleFunc("GET /api/v1/sections", s.handle(s.handleSectionsAPI))
	m.HandleFunc("GET /api/v1/topics", s.handle(s.handleTagsAPI(dateline.TagTopic)))
	m.HandleFunc("GET /api/v1/persons", s.handle(s.handleTagsAPI(dateline.TagPerson)))
	m.HandleFunc("POST /api/v1/views", s.handle(s.handleView))
	m.HandleFunc("GET /api/v1/most-read", s.handle(s.handleMostReadAPI))
	m.HandleFunc("GET /api/v1/stream", s.handle(s.handleStream))
	m.HandleFunc("GET /api/v1/push/deliveries", s.handle(s.handlePushDeliveries))
	m.HandleFunc("GET /api/v1/rates", s.handle(s.document(s.site.Rates, "public, max-age=300")))
	m.HandleFunc("GET /api/v1/convert", s.handle(s.document(s.site.Convert, "public, max-age=300")))
	m.HandleFunc("GET /api/v1/weather", s.handle(s.document(s.site.Weather, "public, max-age=0, s-maxage=60")))
	m.HandleFunc("/api/v1/items", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, POST")
		ErrorStatus(w, http.StatusMethodNotAllowed, "This endpoint takes GET (a list of items) or POST (one ninjs document).")
	})
	m.HandleFunc("GET /api/openapi.json", s.handle(s.handleOpenAPI))
	m.HandleFunc("GET /wire/feeds/{client}/{file}", s.handle(s.handleClientFeed))
}

// document answers with what doc makes of the request, with cacheControl.
func (s *Handler) document(doc func(*http.Request) (any, error), cacheControl string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := doc(r)
		if err != nil {
			return err
		}
		writeTagged(w, r, v, cacheControl)
		return nil
	}
}

// handle is the one adapter between the API's handlers and the mux: an
// error a handler returns is answered by s.error, as JSON.
func (s *Handler) handle(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.error(w, r, err)
		}
	}
}
