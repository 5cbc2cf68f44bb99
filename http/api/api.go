package api

import (
	"crypto/sha256"
	_ "embed"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"dateline"
	"dateline/http/web"
	"dateline/ninjs"
)

//go:embed openapi.json
var openAPI []byte

var openAPIPage = func() *web.Page {
	p := &web.Page{Body: openAPI, Type: "application/json; charset=utf-8", CacheFor: 3600}
	p.Finish()
	return p
}()

func (s *Handler) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	openAPIPage.Write(w, r)
	return nil
}

// HashToken returns what the store keeps of a token's secret.
func HashToken(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// authorize checks the bearer token and its scope.
func (s *Handler) authorize(r *http.Request, scope string) (*dateline.Token, error) {
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
func (s *Handler) handleIngest(w http.ResponseWriter, r *http.Request) error {
	t, err := s.authorize(r, "write")
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="dateline"`)
		return err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "application/ninjs+json") {
		ErrorStatus(w, http.StatusUnsupportedMediaType, "The body must be a ninjs document sent as application/json.")
		return nil
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodySize))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return dateline.Errorf(dateline.ETOOLARGE, "The document is larger than %d bytes.", s.cfg.MaxBodySize)
		}
		return dateline.Errorf(dateline.EINVALID, "The body could not be read.")
	}
	if len(data) == 0 {
		return dateline.Errorf(dateline.EINVALID, "The body is empty; send one ninjs document.")
	}
	// The token speaks for its source: it may change only that source's
	// stories (dateline.ReceiveWire).
	source := t.Source
	if source == "" {
		source = dateline.DefaultSource
	}
	res, err := s.ingest.IngestAs(r.Context(), source, data)
	if err != nil {
		return err
	}
	code := http.StatusOK
	if res.Outcome == "created" {
		code = http.StatusCreated
		if res.Status == dateline.StatusPublished {
			// The story's own address, in its edition: /ru/politika/98.
			w.Header().Set("Location", s.site.StoryURL(res.Section, res.ID))
		}
	}
	web.WriteJSON(w, code, res)
	return nil
}

// handleItem sends one article as ninjs to a token holder, as the
// README's "The lifecycle of a story" says: published (usable); withdrawn
// (canceled) or withheld after it was public, without its body; and to
// tokens with the embargo scope also an embargoed story before its
// release (withheld, with its release time) and one killed or withheld
// before it was ever public. Everything else answers 404 as if it never
// existed: drafts, submitted and planned stories, and for other tokens
// whatever readers never saw.
func (s *Handler) handleItem(w http.ResponseWriter, r *http.Request) error {
	t := s.apiToken(w, r, "read")
	if t == nil {
		return nil
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return dateline.Errorf(dateline.ENOTFOUND, "No item %q; ids are whole numbers.", truncate(r.PathValue("id"), 40))
	}
	a, err := s.store.Article(r.Context(), id)
	if err != nil {
		return err
	}
	visible := itemVisible(a, t)
	if t.ClientID != 0 {
		e, err := s.entitlement(r, t)
		if err != nil {
			return err
		}
		visible = e.Shows(a)
		s.cfg.Usage.Add(t.ClientID, 0, dateline.UsageAPI, 1)
		if visible {
			s.cfg.Usage.Add(t.ClientID, e.ProductOf(a), dateline.UsageDelivered, 1)
		}
	}
	if !visible {
		return dateline.Errorf(dateline.ENOTFOUND, "No item %d.", id)
	}
	it := s.apiItem(a)
	if err := s.withPosts(r.Context(), it, a); err != nil {
		return err
	}
	writeAPI(w, r, it)
	return nil
}

// itemVisible reports whether the token may have the article's item.
func itemVisible(a *dateline.Article, t *dateline.Token) bool {
	switch a.Status {
	case dateline.StatusPublished:
		return true
	case dateline.StatusWithdrawn, dateline.StatusWithheld:
		return a.WasPublic() || t.Embargo
	case dateline.StatusScheduled:
		// A planned publication is nobody's business until it happens;
		// an embargo is what embargo clients are for.
		return a.Embargoed && t.Embargo
	}
	return false
}

// apiItem is the article as the read API sends it (ninjs.Delivered).
func (s *Handler) apiItem(a *dateline.Article) *ninjs.Item { return ninjs.Delivered(a, s.cfg.BaseURL) }
