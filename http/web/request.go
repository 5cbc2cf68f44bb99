package web

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"dateline"
	"dateline/auth"
)

// ClientIP is the reader's address: the connection's, or, when that is a
// trusted proxy, the nearest address in X-Forwarded-For that is not one.
func ClientIP(r *http.Request, trustedProxies []netip.Prefix) string {
	host := r.RemoteAddr
	if ap, err := netip.ParseAddrPort(host); err == nil {
		host = ap.Addr().String()
	} else if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	if len(trustedProxies) == 0 || !trusted(trustedProxies, host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if _, err := netip.ParseAddr(hop); err != nil {
			break
		}
		if !trusted(trustedProxies, hop) {
			return hop
		}
	}
	return host
}

func trusted(proxies []netip.Prefix, addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	for _, p := range proxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// SetCookie sets an HttpOnly, SameSite=Lax cookie for path: maxAge < 0
// deletes it, 0 keeps it for the browser's session.
func SetCookie(w http.ResponseWriter, path, name, value string, maxAge time.Duration, secure bool) {
	c := &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure}
	if maxAge < 0 {
		c.MaxAge = -1
	} else if maxAge > 0 {
		c.MaxAge = int(maxAge / time.Second)
	}
	http.SetCookie(w, c)
}

// SessionHash is the SHA-256 of the request's session cookie name (a
// 32-byte secret in base64, 43 characters), as the store keeps sessions;
// nil when there is none of that shape.
func SessionHash(r *http.Request, name string) []byte {
	c, err := r.Cookie(name)
	if err != nil || len(c.Value) != 43 {
		return nil
	}
	return auth.Sum(c.Value)
}

// LiveSession is the session of the request's cookie name as lookup
// finds it by the cookie's hash (SessionHash), or nil when there is none
// or it is not live; a failure of the store is logged, and is no session.
func LiveSession[T any](r *http.Request, name string, log *slog.Logger, lookup func(ctx context.Context, hash []byte) (*T, error)) *T {
	hash := SessionHash(r, name)
	if hash == nil {
		return nil
	}
	s, err := lookup(r.Context(), hash)
	if err != nil {
		if dateline.ErrorCode(err) == dateline.EINTERNAL {
			log.Error("session lookup", "cookie", name, "err", err)
		}
		return nil
	}
	return s
}

// CrossSite reports whether the request's Origin names another host (a
// write from another site, refused whatever its token).
func CrossSite(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return false
	}
	u, err := url.Parse(o)
	return err != nil || u.Host != r.Host
}

// LoggedPath is a request's path as logs may keep it: the secret of a
// portal invitation's link (/wire/invitation/SECRET) is left out.
func LoggedPath(p string) string {
	if strings.HasPrefix(p, "/wire/invitation/") {
		return "/wire/invitation/…"
	}
	return p
}

// PathID reads a positive id from the path's wildcard name; anything
// else is "nothing at this address" (404), as a wrong address is.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, dateline.Errorf(dateline.ENOTFOUND, "There is nothing at this address.")
	}
	return id, nil
}

// Status maps an error code to an HTTP status.
func Status(code string) int {
	switch code {
	case dateline.EINVALID:
		return http.StatusBadRequest
	case dateline.ENOTFOUND:
		return http.StatusNotFound
	case dateline.EGONE:
		return http.StatusGone
	case dateline.ECONFLICT:
		return http.StatusConflict
	case dateline.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case dateline.EFORBIDDEN:
		return http.StatusForbidden
	case dateline.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case dateline.EUNPROCESSABLE:
		return http.StatusUnprocessableEntity
	case dateline.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// statusWriter records the status a handler wrote, for the access log,
// and what the handlers noted for metrics: the route and the page cache's
// outcome.
type statusWriter struct {
	http.ResponseWriter
	status int
	route  string
	cache  string
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

var statusWriters = sync.Pool{New: func() any { return new(statusWriter) }}

// Page cache outcomes, noted with NoteCache.
const (
	CacheHit  = "hit"
	CacheMiss = "miss"
)

// NoteCache notes, for metrics, whether the page cache had the page the
// request is answered with (CacheHit) or not (CacheMiss).
func NoteCache(w http.ResponseWriter, outcome string) {
	if sw := findStatusWriter(w); sw != nil {
		sw.cache = outcome
	}
}

// NoteRoute notes, for metrics, the route that served the request: a mux
// pattern or another name of few values, never the raw path.
func NoteRoute(w http.ResponseWriter, route string) {
	if sw := findStatusWriter(w); sw != nil && sw.route == "" {
		sw.route = route
	}
}

func findStatusWriter(w http.ResponseWriter) *statusWriter {
	for {
		switch v := w.(type) {
		case *statusWriter:
			return v
		case interface{ Unwrap() http.ResponseWriter }:
			w = v.Unwrap()
		default:
			return nil
		}
	}
}

// Observer is told of every request the access log saw: its route (see
// NoteRoute; "other" when none was noted), its status, the page cache's
// outcome (see NoteCache; "" when none) and how long it took.
type Observer func(route string, status int, cache string, d time.Duration)

// AccessLog writes one structured line per request, tells observe (when
// not nil), and turns a panic into an answer by internalError (when
// nothing was written yet) so one bad request cannot take the node down.
func AccessLog(log *slog.Logger, observe Observer, next http.Handler, internalError func(w http.ResponseWriter, r *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := statusWriters.Get().(*statusWriter)
		sw.ResponseWriter, sw.status, sw.route, sw.cache = w, 0, "", ""
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic", "method", r.Method, "path", LoggedPath(r.URL.Path), "panic", v)
				if sw.status == 0 {
					internalError(sw, r)
				}
			}
			took := time.Since(start)
			log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method),
				slog.String("path", LoggedPath(r.URL.Path)),
				slog.Int("status", sw.status),
				slog.Duration("duration", took),
			)
			if observe != nil {
				route := sw.route
				if route == "" {
					route = "other"
				}
				observe(route, cmp.Or(sw.status, http.StatusOK), sw.cache, took)
			}
			sw.ResponseWriter = nil
			statusWriters.Put(sw)
		}()
		next.ServeHTTP(sw, r)
	})
}
