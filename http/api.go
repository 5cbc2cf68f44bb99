package http

import (
	"crypto/sha256"
	_ "embed"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"dateline"
	"dateline/ninjs"
)

//go:embed openapi.json
var openAPI []byte

var openAPIPage = func() *page {
	p := &page{body: openAPI, ctype: "application/json; charset=utf-8", cacheFor: 3600}
	p.finish()
	return p
}()

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	openAPIPage.write(w, r)
}

// HashToken returns what the store keeps of a token's secret.
func HashToken(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// authorize checks the bearer token and its scope.
func (s *Server) authorize(r *http.Request, scope string) (*dateline.Token, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "An Authorization: Bearer token is required; `dateline token create` makes one.")
	}
	kind, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(kind, "Bearer") || strings.TrimSpace(secret) == "" || len(secret) > 200 {
		return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "The Authorization header must be \"Bearer <token>\".")
	}
	t, err := s.store.TokenByHash(r.Context(), HashToken(strings.TrimSpace(secret)))
	if err != nil {
		return nil, err
	}
	if scope == "write" && t.Scope != "write" {
		return nil, dateline.Errorf(dateline.EFORBIDDEN, "The token %q may only read; ingest needs a token with the write scope.", t.Name)
	}
	return t, nil
}

// handleIngest takes one ninjs document: POST /api/v1/items.
func (s *Server) handleIngest(w http.ResponseWriter, r *http.Request) {
	if _, err := s.authorize(r, "write"); err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="dateline"`)
		s.error(w, r, err)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "application/ninjs+json") {
		s.errorStatus(w, r, http.StatusUnsupportedMediaType, "The body must be a ninjs document sent as application/json.")
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodySize))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.error(w, r, dateline.Errorf(dateline.ETOOLARGE, "The document is larger than %d bytes.", s.cfg.MaxBodySize))
			return
		}
		s.error(w, r, dateline.Errorf(dateline.EINVALID, "The body could not be read."))
		return
	}
	if len(data) == 0 {
		s.error(w, r, dateline.Errorf(dateline.EINVALID, "The body is empty; send one ninjs document."))
		return
	}
	res, err := s.ingest.Ingest(r.Context(), data)
	if err != nil {
		s.error(w, r, err)
		return
	}
	code := http.StatusOK
	if res.Outcome == "created" {
		code = http.StatusCreated
		if res.Status == dateline.StatusPublished {
			w.Header().Set("Location", "/"+res.Section+"/"+strconv.FormatInt(res.ID, 10))
		}
	}
	writeJSON(w, code, res)
}

// handleItem sends one article as ninjs to a token holder: published,
// withdrawn (canceled, without its body), and to tokens with the embargo
// scope an embargoed story before its release (withheld, with its release
// time), so that a client learns of every state it must act on. Drafts
// and submitted stories are not sent.
func (s *Server) handleItem(w http.ResponseWriter, r *http.Request) {
	t := s.apiToken(w, r, "read")
	if t == nil {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "No item %q; ids are whole numbers.", truncate(r.PathValue("id"), 40)))
		return
	}
	a, err := s.store.Article(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	// A story waiting for its time is only for tokens with the embargo
	// scope, and only when the wait is an embargo: a planned publication
	// is nobody's business until it happens.
	visible := ninjs.PubStatus(a.Status) != ""
	if a.Status == dateline.StatusScheduled {
		visible = t.Embargo && a.Embargoed
	}
	if !visible {
		s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "No item %d.", id))
		return
	}
	writeAPI(w, r, ninjs.FromArticle(a, s.cfg.BaseURL))
}
