// Package superdesk serves Superdesk's HTTP push at the addresses
// Superdesk Publisher has, so a newsroom switches by changing a host name:
// POST /api/{v1,v2}/content/push (an item), POST /api/{v1,v2}/assets/push
// (a binary, multipart) and GET /api/{v1,v2}/assets/push/{media_id...}
// (200 when the binary is stored, else 404). Both POSTs are signed
// (x-superdesk-signature, or x-publisher-signature) and the signature is
// checked over the raw bytes before anything is parsed. The addresses are
// matched before the site's ServeMux, which would redirect a path with
// "//" in it (media ids hold slashes), and never redirect.
package superdesk

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"dateline"
	"dateline/http/api"
	"dateline/http/web"
	"dateline/superdesk"
)

// Bounds of a request body, in bytes: an item with its associations, and
// a binary (the photo upload's 20 MiB and the multipart around it).
const (
	MaxItem  = 8 << 20
	MaxAsset = 21 << 20
)

// Answer is how long a request may take: Superdesk waits 30 s for an
// answer, then sends again.
const Answer = 25 * time.Second

// Handler serves the receiver.
type Handler struct {
	svc *superdesk.Service
	log *slog.Logger
}

// New returns the receiver's handler.
func New(svc *superdesk.Service, log *slog.Logger) *Handler {
	return &Handler{svc: svc, log: log}
}

// Route names the receiver's address r asks for ("" for none of them):
// "content", "assets" or "asset" (with the media id).
func Route(path string) (route, mediaID string) {
	rest, ok := strings.CutPrefix(path, "/api/v2/")
	if !ok {
		if rest, ok = strings.CutPrefix(path, "/api/v1/"); !ok {
			return "", ""
		}
	}
	switch rest {
	case "content/push", "content/push/":
		return "content", ""
	case "assets/push", "assets/push/":
		return "assets", ""
	}
	if id, ok := strings.CutPrefix(rest, "assets/push/"); ok {
		return "asset", id
	}
	return "", ""
}

// Serve answers r when it is for one of the receiver's addresses, and
// reports whether it was.
func (h *Handler) Serve(w http.ResponseWriter, r *http.Request) bool {
	route, id := Route(r.URL.Path)
	if route == "" {
		return false
	}
	web.NoteRoute(w, map[string]string{"content": "/api/v2/content/push", "assets": "/api/v2/assets/push", "asset": "/api/v2/assets/push/{media_id...}"}[route])
	ctx, cancel := context.WithTimeout(r.Context(), Answer)
	defer cancel()
	r = r.WithContext(ctx)
	var err error
	switch {
	case route == "content" && r.Method == http.MethodPost:
		err = h.item(w, r)
	case route == "assets" && r.Method == http.MethodPost:
		err = h.upload(w, r)
	case route == "asset" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		err = h.exists(w, r, id)
	case route == "assets" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		api.ErrorStatus(w, http.StatusNotFound, "No binary is stored with this media id.")
	case route == "asset":
		w.Header().Set("Allow", "GET, HEAD")
		api.ErrorStatus(w, http.StatusMethodNotAllowed, "This address answers GET: is the binary with this media id stored?")
	default:
		w.Header().Set("Allow", "POST")
		api.ErrorStatus(w, http.StatusMethodNotAllowed, "This address answers POST only, as Superdesk's HTTP push sends.")
	}
	if err != nil {
		h.error(w, r, err)
	}
	return true
}

func (h *Handler) error(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.DeadlineExceeded) && r.Context().Err() != nil {
		err = dateline.Errorf(dateline.EUNAVAILABLE, "Storing took too long; send it again shortly.")
	}
	if !web.LogError(h.log, w, r, err) {
		return
	}
	api.ErrorStatus(w, web.Status(dateline.ErrorCode(err)), dateline.ErrorMessage(err))
}

// body reads the whole body, bounded, and checks its signature before
// anything reads it. Returns ETOOLARGE, EUNAUTHORIZED or EFORBIDDEN.
func (h *Handler) body(w http.ResponseWriter, r *http.Request, limit int64, what string) ([]byte, *dateline.Source, error) {
	if r.ContentLength > limit {
		return nil, nil, dateline.Errorf(dateline.ETOOLARGE, "The %s is larger than %d MiB; nothing was stored.", what, limit>>20)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, nil, dateline.Errorf(dateline.ETOOLARGE, "The %s is larger than %d MiB; nothing was stored.", what, limit>>20)
	} else if err != nil {
		return nil, nil, dateline.Errorf(dateline.EINVALID, "The body could not be read whole: %s.", err.Error())
	}
	sig := r.Header.Get("X-Superdesk-Signature")
	if sig == "" {
		sig = r.Header.Get("X-Publisher-Signature")
	}
	src, err := h.svc.Authenticate(r.Context(), body, sig)
	if err != nil {
		return nil, nil, err
	}
	return body, src, nil
}

// item stores one item: 201 with what happened, whether it changed the
// story or was ignored (a repeated or stale version).
func (h *Handler) item(w http.ResponseWriter, r *http.Request) error {
	body, src, err := h.body(w, r, MaxItem, "item")
	if err != nil {
		return err
	}
	res, err := h.svc.Receive(r.Context(), src, body)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusCreated, res)
	return nil
}

// upload keeps one binary: a multipart form with the text field media_id
// and the file field media. The part's file name is not read: Go keeps
// only its last segment, and media ids hold slashes.
func (h *Handler) upload(w http.ResponseWriter, r *http.Request) error {
	body, _, err := h.body(w, r, MaxAsset, "upload")
	if err != nil {
		return err
	}
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" || params["boundary"] == "" {
		return dateline.Errorf(dateline.EINVALID, "A binary comes as multipart/form-data with the fields media_id and media.")
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var mediaID, mimeType string
	var data []byte
	var haveFile bool
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		} else if err != nil {
			return dateline.Errorf(dateline.EINVALID, "The multipart body is malformed.")
		}
		switch p.FormName() {
		case "media_id":
			b, err := io.ReadAll(io.LimitReader(p, superdesk.MaxMediaID+1))
			if err != nil {
				return dateline.Errorf(dateline.EINVALID, "The multipart body is malformed.")
			}
			mediaID = string(b)
		case "media":
			if data, err = io.ReadAll(p); err != nil {
				return dateline.Errorf(dateline.EINVALID, "The multipart body is malformed.")
			}
			mimeType, haveFile = p.Header.Get("Content-Type"), true
		}
		p.Close()
	}
	switch {
	case mediaID == "":
		return dateline.Errorf(dateline.EINVALID, "The field media_id is missing.")
	case !haveFile:
		return dateline.Errorf(dateline.EINVALID, "The file field media is missing.")
	}
	if err := h.svc.Upload(r.Context(), mediaID, mimeType, data); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusCreated, map[string]string{"status": "OK", "media_id": mediaID})
	return nil
}

// exists answers 200 when the binary is stored whole, else 404, and says
// nothing else: the address is not signed.
func (h *Handler) exists(w http.ResponseWriter, r *http.Request, id string) error {
	ok, err := h.svc.Stored(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	if !ok {
		api.ErrorStatus(w, http.StatusNotFound, "No binary is stored with this media id.")
		return nil
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"status": "OK"})
	return nil
}
