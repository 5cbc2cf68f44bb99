// Package web is the kit the site's surfaces share: rendered pages kept as
// ready bytes (Page) and the cache that holds them until content changes.
package web

import (
	"bytes"
	"compress/gzip"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Page is a rendered response kept as ready bytes: body, its gzip form and
// validators are prepared once, so serving it again costs a map lookup and
// a write.
type Page struct {
	Status   int    // 200 when 0
	Type     string // Content-Type; HTML when ""
	Body     []byte
	Modified time.Time // now when zero
	CacheFor int       // seconds a shared cache may keep it
	Location string    // for redirects
	Private  bool      // shaped by one reader's settings
	CSP      []string  // the page's policy when it is not CSP (frames of ads)
	Vary     []string  // Accept-Encoding when nil

	gz   []byte
	html bool

	// header values, prepared once and shared by every response
	hType, hETag, hLastMod, hCache, hLen, hGzLen []string
}

var (
	// Pages run only the site's own script and styles; photos may come
	// from an agency's https media host.
	// CSP is the pages' Content-Security-Policy.
	CSP        = []string{"default-src 'self'; img-src 'self' https: data:; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"}
	NoSniff    = []string{"nosniff"} // X-Content-Type-Options
	hReferrer  = []string{"strict-origin-when-cross-origin"}
	hVary      = []string{"Accept-Encoding"}
	hPrivate   = []string{"private, max-age=0"}
	VaryCookie = []string{"Accept-Encoding, Cookie"} // Vary of pages shaped by the reader's cookie
	hGzip      = []string{"gzip"}
)

// gzipWriters keeps compressors, which cost most of a megabyte each to make.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestCompression)
	return zw
}}

// Finish compresses the body and prepares the headers; call it once,
// before the first Write.
func (p *Page) Finish() {
	if p.Status == 0 {
		p.Status = http.StatusOK
	}
	if p.Type == "" {
		p.Type = "text/html; charset=utf-8"
	}
	h := fnv.New64a()
	h.Write(p.Body)
	p.hETag = []string{`"` + strconv.FormatUint(h.Sum64(), 36) + `"`}
	p.hType = []string{p.Type}
	p.html = strings.HasPrefix(p.Type, "text/html")
	if p.Modified.IsZero() {
		p.Modified = time.Now()
	}
	p.hLastMod = []string{p.Modified.UTC().Format(http.TimeFormat)}
	p.hCache = []string{"public, max-age=0, s-maxage=" + strconv.Itoa(p.CacheFor) + ", stale-while-revalidate=30"}
	p.hLen = []string{strconv.Itoa(len(p.Body))}
	if len(p.Body) > 1024 {
		var buf bytes.Buffer
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(&buf)
		zw.Write(p.Body)
		zw.Close()
		gzipWriters.Put(zw)
		p.gz = buf.Bytes()
		p.hGzLen = []string{strconv.Itoa(len(p.gz))}
	}
}

// Write sends the page, answering a conditional request with 304.
func (p *Page) Write(w http.ResponseWriter, r *http.Request) { p.Send(w, r, false) }

// Send is Write for a page that may be shaped by this reader's cookie
// (private), though shared in the page cache by readers with the same one.
func (p *Page) Send(w http.ResponseWriter, r *http.Request, private bool) {
	h := w.Header()
	h["Etag"] = p.hETag
	h["Last-Modified"] = p.hLastMod
	h["Cache-Control"] = p.hCache
	if _, ok := h["Set-Cookie"]; ok || p.Private || private {
		// A response that sets a cookie, or that one reader's choice
		// shaped, is for that reader only.
		h["Cache-Control"] = hPrivate
	}
	h["Vary"] = hVary
	if p.Vary != nil {
		h["Vary"] = p.Vary
	}
	if p.Location != "" {
		h.Set("Location", p.Location)
	}
	if notModified(r, p) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = p.hType
	h["X-Content-Type-Options"] = NoSniff
	if p.html {
		h["Content-Security-Policy"] = CSP
		if p.CSP != nil {
			h["Content-Security-Policy"] = p.CSP
		}
		h["Referrer-Policy"] = hReferrer
	}
	body := p.Body
	if p.gz != nil && acceptsGzip(r) {
		h["Content-Encoding"] = hGzip
		h["Content-Length"] = p.hGzLen
		body = p.gz
	} else {
		h["Content-Length"] = p.hLen
	}
	w.WriteHeader(p.Status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func notModified(r *http.Request, p *Page) bool {
	if p.Status != http.StatusOK {
		return false
	}
	if inm := r.Header["If-None-Match"]; len(inm) > 0 {
		for _, v := range inm {
			if ETagMatch(v, p.hETag[0]) {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !p.Modified.Truncate(time.Second).After(t)
	}
	return false
}

// ETagMatch reports whether an If-None-Match list names etag (weak
// comparison, as RFC 9110 asks for GET).
func ETagMatch(list, etag string) bool {
	for len(list) > 0 {
		var v string
		i := strings.IndexByte(list, ',')
		if i < 0 {
			v, list = list, ""
		} else {
			v, list = list[:i], list[i+1:]
		}
		for len(v) > 0 && (v[0] == ' ' || v[0] == '\t') {
			v = v[1:]
		}
		for len(v) > 0 && (v[len(v)-1] == ' ' || v[len(v)-1] == '\t') {
			v = v[:len(v)-1]
		}
		if v == "*" || v == etag || (len(v) > 2 && v[:2] == "W/" && v[2:] == etag) {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether the client takes gzip, minding "gzip;q=0".
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header["Accept-Encoding"] {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if strings.TrimSpace(coding) != "gzip" && strings.TrimSpace(coding) != "*" {
				continue
			}
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// SetCacheControl replaces the Cache-Control a finished page is sent with
// (robots.txt, assets).
func (p *Page) SetCacheControl(v string) { p.hCache = []string{v} }

var fastGzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

// FinishLarge is Finish for bodies of megabytes (sitemaps): Finish
// compresses at BestCompression, which costs ~40 ms for a file of 10,000
// URLs (1.6 MB), where BestSpeed takes 3 ms for a file 30% larger.
func (p *Page) FinishLarge() {
	body := p.Body
	if len(body) < 128<<10 {
		p.Finish()
		return
	}
	// finish prepares what does not depend on the body; then the body's
	// validator, length and gzip form are made here.
	p.Body = nil
	p.Finish()
	p.Body = body
	p.hLen = []string{strconv.Itoa(len(body))}
	var buf bytes.Buffer
	buf.Grow(len(body) / 8)
	zw := fastGzipWriters.Get().(*gzip.Writer)
	zw.Reset(&buf)
	zw.Write(body)
	zw.Close()
	fastGzipWriters.Put(zw)
	p.gz = buf.Bytes()
	p.hGzLen = []string{strconv.Itoa(len(p.gz))}
	// The same body always compresses to the same bytes, and hashing the
	// compressed form takes a tenth of the time.
	h := fnv.New64a()
	h.Write(p.gz)
	p.hETag = []string{`"z` + strconv.FormatUint(h.Sum64(), 36) + `"`}
}
