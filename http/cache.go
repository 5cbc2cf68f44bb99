package http

import (
	"bytes"
	"compress/gzip"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// page is a rendered response kept as ready bytes: body, its gzip form and
// validators are prepared once, so serving it again costs a map lookup and
// a write.
type page struct {
	status   int
	ctype    string
	body     []byte
	gz       []byte
	modified time.Time
	cacheFor int    // seconds a shared cache may keep it
	location string // for redirects
	html     bool
	private  bool     // shaped by one reader's settings
	csp      []string // the page's policy when it is not hCSP (frames of ads)
	vary     []string

	// header values, prepared once and shared by every response
	hType, hETag, hLastMod, hCache, hLen, hGzLen []string
}

var (
	// Pages run only the site's own script and styles; photos may come
	// from an agency's https media host.
	hCSP        = []string{"default-src 'self'; img-src 'self' https: data:; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"}
	hNoSniff    = []string{"nosniff"}
	hReferrer   = []string{"strict-origin-when-cross-origin"}
	hVary       = []string{"Accept-Encoding"}
	hPrivate    = []string{"private, max-age=0"}
	hVaryCookie = []string{"Accept-Encoding, Cookie"}
	hGzip       = []string{"gzip"}
)

// gzipWriters keeps compressors, which cost most of a megabyte each to make.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestCompression)
	return zw
}}

// finish compresses the body and prepares the headers.
func (p *page) finish() {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	if p.ctype == "" {
		p.ctype = "text/html; charset=utf-8"
	}
	h := fnv.New64a()
	h.Write(p.body)
	p.hETag = []string{`"` + strconv.FormatUint(h.Sum64(), 36) + `"`}
	p.hType = []string{p.ctype}
	p.html = strings.HasPrefix(p.ctype, "text/html")
	if p.modified.IsZero() {
		p.modified = time.Now()
	}
	p.hLastMod = []string{p.modified.UTC().Format(http.TimeFormat)}
	p.hCache = []string{"public, max-age=0, s-maxage=" + strconv.Itoa(p.cacheFor) + ", stale-while-revalidate=30"}
	p.hLen = []string{strconv.Itoa(len(p.body))}
	if len(p.body) > 1024 {
		var buf bytes.Buffer
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(&buf)
		zw.Write(p.body)
		zw.Close()
		gzipWriters.Put(zw)
		p.gz = buf.Bytes()
		p.hGzLen = []string{strconv.Itoa(len(p.gz))}
	}
}

// write sends the page, answering a conditional request with 304.
func (p *page) write(w http.ResponseWriter, r *http.Request) { p.send(w, r, false) }

// send is write for a page that may be shaped by this reader's cookie
// (private), though shared in the page cache by readers with the same one.
func (p *page) send(w http.ResponseWriter, r *http.Request, private bool) {
	h := w.Header()
	h["Etag"] = p.hETag
	h["Last-Modified"] = p.hLastMod
	h["Cache-Control"] = p.hCache
	if _, ok := h["Set-Cookie"]; ok || p.private || private {
		// A response that sets a cookie, or that one reader's choice
		// shaped, is for that reader only.
		h["Cache-Control"] = hPrivate
	}
	h["Vary"] = hVary
	if p.vary != nil {
		h["Vary"] = p.vary
	}
	if p.location != "" {
		h.Set("Location", p.location)
	}
	if notModified(r, p) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = p.hType
	h["X-Content-Type-Options"] = hNoSniff
	if p.html {
		h["Content-Security-Policy"] = hCSP
		if p.csp != nil {
			h["Content-Security-Policy"] = p.csp
		}
		h["Referrer-Policy"] = hReferrer
	}
	body := p.body
	if p.gz != nil && acceptsGzip(r) {
		h["Content-Encoding"] = hGzip
		h["Content-Length"] = p.hGzLen
		body = p.gz
	} else {
		h["Content-Length"] = p.hLen
	}
	w.WriteHeader(p.status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func notModified(r *http.Request, p *page) bool {
	if p.status != http.StatusOK {
		return false
	}
	if inm := r.Header["If-None-Match"]; len(inm) > 0 {
		for _, v := range inm {
			if etagMatch(v, p.hETag[0]) {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !p.modified.Truncate(time.Second).After(t)
	}
	return false
}

// etagMatch reports whether an If-None-Match list names etag (weak
// comparison, as RFC 9110 asks for GET).
func etagMatch(list, etag string) bool {
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

// cacheKey names a rendered page by what the handler used to render it.
// It is a struct of existing strings, so looking a page up allocates
// nothing.
type cacheKey struct {
	kind string // "article", "news", "section", ...
	a, b string // a slug or filter, a cursor
	n, m int64  // an id, a page number
	zone string // the reader's city
	lang string // the edition
	// minute is the Unix minute a page with a zone was rendered in: the
	// header's clock shows it (set by servePage).
	minute int64
}

// pageCache keeps rendered pages until content changes. Any change clears
// it whole: pages show lists that a single story can enter or leave, and a
// news site renders its few hot pages again in microseconds.
type pageCache struct {
	mu      sync.RWMutex
	pages   map[cacheKey]*page
	cursors int // entries for pages past the first of a feed
	gen     atomic.Uint64
	max     int
	minute  atomic.Int64 // the newest minute swept to
}

func newPageCache(max int) *pageCache {
	return &pageCache{pages: make(map[cacheKey]*page), max: max}
}

func (c *pageCache) get(key cacheKey) *page {
	c.mu.RLock()
	p := c.pages[key]
	c.mu.RUnlock()
	return p
}

// put stores p unless the content changed since gen was read, so a page
// rendered from old content never outlives the change. A full cache takes
// nothing more until the next change empties it, and pages deep in a feed
// (any cursor a client makes up is valid) may fill only a quarter of it:
// junk requests can neither evict the hot pages nor fill the memory.
func (c *pageCache) put(key cacheKey, p *page, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen || len(c.pages) >= c.max {
		return
	}
	if key.b != "" {
		if c.cursors >= c.max/4 {
			return
		}
		c.cursors++
	}
	c.pages[key] = p
}

// sweep forgets pages rendered before minute (their header clocks are
// behind), once a minute.
func (c *pageCache) sweep(minute int64) {
	if c.minute.Load() >= minute {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.minute.Load() >= minute {
		return
	}
	c.minute.Store(minute)
	for k := range c.pages {
		if k.minute != 0 && k.minute < minute {
			delete(c.pages, k)
			if k.b != "" {
				c.cursors--
			}
		}
	}
}

// invalidate forgets every page.
func (c *pageCache) invalidate() {
	c.mu.Lock()
	c.gen.Add(1)
	clear(c.pages)
	c.cursors = 0
	c.mu.Unlock()
}
