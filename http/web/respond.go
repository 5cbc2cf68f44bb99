package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"unicode/utf8"

	"dateline"
)

// WriteHTML sends a page rendered for this request alone, with the
// site's Content-Security-Policy unless the handler set its own (a page
// may allow its ads' frames).
func WriteHTML(w http.ResponseWriter, code int, cacheControl string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", cacheControl)
	if h["Content-Security-Policy"] == nil {
		h["Content-Security-Policy"] = CSP
	}
	h["X-Content-Type-Options"] = NoSniff
	w.WriteHeader(code)
	w.Write(body)
}

// WriteJSON sends v as indented JSON with the status code.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// LogError logs what an error adapter is about to answer: internal errors
// as errors, a busy store as a warning (and sets Retry-After, since the
// sender may try again shortly). It reports false when the client went
// away, and nothing is to be answered.
func LogError(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) bool {
	switch dateline.ErrorCode(err) {
	case dateline.EINTERNAL:
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			log.Debug("request canceled", "method", r.Method, "path", r.URL.Path)
			return false
		}
		log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	case dateline.EUNAVAILABLE:
		w.Header().Set("Retry-After", "2")
		attrs := []any{"method", r.Method, "path", r.URL.Path, "err", dateline.ErrorMessage(err)}
		if _, bare := err.(*dateline.Error); !bare {
			attrs = append(attrs, "cause", err) // what did not answer, and how
		}
		log.Warn("busy", attrs...)
	}
	return true
}

// MediaURL is the address of a photo's rendition w pixels wide (0: the
// photo itself), or the photo's remote address when it is not stored
// here; "" for no photo.
func MediaURL(p *dateline.Photo, w int) string {
	if p == nil {
		return ""
	}
	if p.Path == "" {
		return p.Remote
	}
	return "/media/" + p.Rendition(w)
}

// ValidText reports whether s can be looked up at all: valid UTF-8 without
// NUL bytes (PostgreSQL refuses anything else).
func ValidText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}
