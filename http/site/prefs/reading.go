package prefs

import (
	"net/http"
	"net/url"
	"strings"

	"dateline/http/web"
)

// readingCookie remembers a reader's reading mode: larger text and high
// contrast, for readers with poor sight.
const readingCookie = "reading_mode"

// readingCSS is what /reading-mode.css sends while the mode is on. Pages
// are the same for every reader (and cached as such); only this small
// stylesheet depends on the cookie.
const readingCSS = `/* dateline reading mode: larger text, high contrast. */
html { font-size: 125%; }
body { background: #fff; color: #000; line-height: 1.7; }
:root { --ink: #000; --muted: #1f1f1f; --line: #000; --wash: #fff; --link: #00307a; --brand: #00215a; }
a { color: #00307a; text-decoration: underline; text-underline-offset: .15em; }
a:visited { color: #4b0070; }
:focus-visible { outline: 4px solid #000 !important; outline-offset: 3px; box-shadow: 0 0 0 7px #ffd400; }
.meta, .lead-text, figcaption, .credit, .stamp, .updated, .hint, .sec { color: #1f1f1f !important; font-size: 1rem !important; }
.teaser-title, h1, h2, h3 { letter-spacing: .01em; }
.mark { outline: 2px solid #000; }
.body { font-size: 1.1rem; max-width: 42rem; }
.masthead { background: #000; }
.masthead a, .masthead a:visited { color: #fff; }
.sections a, .nr-nav a { font-size: 1rem; }
@media (min-width: 700px) { .sections ul { flex-wrap: wrap; } }
img { filter: contrast(1.05); }
.reading-toggle .rm-off { display: none; }
.reading-toggle .rm-on { display: inline; }
.reading-toggle button { border-width: 2px; font-weight: 700; }
`

// readingOff is sent while the mode is off.
const readingOff = "/* dateline reading mode: off */\n"

func readingOn(r *http.Request) bool {
	c, err := r.Cookie(readingCookie)
	return err == nil && c.Value == "1"
}

// handleReadingCSS sends the reading mode's stylesheet for this reader.
func (s *Handler) handleReadingCSS(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Vary", "Cookie")
	body, etag := readingOff, `"rm-off"`
	if readingOn(r) {
		body, etag = readingCSS, `"rm-on"`
	}
	h.Set("ETag", etag)
	if web.ETagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write([]byte(body))
}

// handleReadingToggle switches the reading mode and goes back to the page
// the reader was on (only ever a page of this site).
func (s *Handler) handleReadingToggle(w http.ResponseWriter, r *http.Request) {
	if s.crossSite(r) {
		s.ErrorStatus(w, r, http.StatusForbidden, "This request came from another site and was refused.")
		return
	}
	on := !readingOn(r)
	c := &http.Cookie{Name: readingCookie, Value: "1", Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true, Secure: s.Secure(r)}
	if !on {
		c.Value, c.MaxAge = "", -1
	}
	http.SetCookie(w, c)
	back := "/"
	site, _ := url.Parse(s.Config().BaseURL)
	if u, err := url.Parse(r.Referer()); err == nil && (u.Host == r.Host || (site != nil && u.Host == site.Host)) &&
		strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "//") {
		back = u.RequestURI()
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, back, http.StatusSeeOther)
}
