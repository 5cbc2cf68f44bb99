// Package partners fetches partner feeds (RSS, Atom, JSON Feed) for the
// home page's "Partner News" and "In other media" blocks: a Fetcher that
// refuses to reach private addresses, reads at most a few megabytes and
// asks with the last validators, and a Scheduler that fetches each feed
// when it is due, backing off after failures.
package partners

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html/charset"

	"dateline"
	"dateline/ingest"
	"dateline/internal/netguard"
)

// Config tunes fetching. Zero values take the defaults.
type Config struct {
	// AllowPrivate lets feeds live on loopback and private addresses
	// (tests, or a partner on the same network). Link-local (cloud
	// metadata at 169.254.169.254), multicast and unspecified addresses
	// are refused even then.
	AllowPrivate bool
	// Allow, when set, decides instead of AllowPrivate which addresses
	// may be reached.
	Allow     func(netip.Addr) bool
	Timeout   time.Duration // a whole fetch, body included (10 s)
	MaxBytes  int64         // the largest body read (5 MB)
	UserAgent string        // "dateline partner-feeds"
}

// Fetcher fetches and parses feeds. It is safe for concurrent use.
type Fetcher struct {
	cfg    Config
	guard  netguard.Policy
	client *http.Client
}

// NewFetcher returns a fetcher whose every connection, redirects
// included, goes only to addresses the configuration allows.
func NewFetcher(cfg Config) *Fetcher {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 5 << 20
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "dateline partner-feeds"
	}
	f := &Fetcher{cfg: cfg, guard: netguard.Policy{AllowPrivate: cfg.AllowPrivate, Allow: cfg.Allow}}
	f.client = f.guard.Client(cfg.Timeout)
	f.client.CheckRedirect = f.checkRedirect
	return f
}

// Blocked reports whether ip is an address no feed may be fetched from
// by default (see netguard.Blocked).
func Blocked(ip netip.Addr) bool { return netguard.Blocked(ip) }

// allowed applies the configured policy to one address.
func (f *Fetcher) allowed(ip netip.Addr) bool { return f.guard.Allowed(ip) }

// Control is the dialer's Control function, exported for tests.
func (f *Fetcher) Control(network, address string, c syscall.RawConn) error {
	return f.guard.Control(network, address, c)
}

func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return dateline.Errorf(dateline.EINVALID, "The feed redirects more than 5 times.")
	}
	return f.checkTarget(req.URL)
}

// checkTarget refuses URLs that are not http or https, carry a password,
// or name a refused address literally. Names are checked at connection
// time by the guard.
func (f *Fetcher) checkTarget(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return dateline.Errorf(dateline.EINVALID, "Only http and https feeds are fetched, not %q.", u.Scheme)
	}
	if u.Hostname() == "" {
		return dateline.Errorf(dateline.EINVALID, "The feed address has no host.")
	}
	if u.User != nil {
		return dateline.Errorf(dateline.EINVALID, "The feed address may not carry a user name or password.")
	}
	if ip, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && !f.allowed(ip) {
		return dateline.Errorf(dateline.EINVALID, "The feed address %s is private or reserved; only public addresses are fetched.", ip)
	}
	return nil
}

// CheckURL checks a feed address before it is registered: an http or
// https URL whose host resolves only to allowed addresses. Returns
// EINVALID with a message for the person who typed it.
func (f *Fetcher) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return dateline.Errorf(dateline.EINVALID, "The feed address must be a full http:// or https:// URL.")
	}
	if err := f.checkTarget(u); err != nil {
		return err
	}
	host := u.Hostname()
	if _, err := netip.ParseAddr(host); err == nil {
		return nil // checked above
	}
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return dateline.Errorf(dateline.EINVALID, "The feed's host %s could not be found.", host)
	}
	for _, a := range addrs {
		if !f.allowed(a) {
			return dateline.Errorf(dateline.EINVALID, "The feed's host %s has the private or reserved address %s; only public addresses are fetched.", host, a.Unmap())
		}
	}
	return nil
}

// Result is what one fetch brought.
type Result struct {
	NotModified        bool // 304: nothing was read, the entries stay
	ETag, LastModified string
	Entries            []dateline.PartnerEntry // the newest, at most dateline.PartnerKeep
}

// Fetch gets the feed at rawURL, sending etag and lastModified as
// validators, and parses it. Its errors are EINVALID with a message in
// plain words, fit for the admin page.
func (f *Fetcher) Fetch(ctx context.Context, rawURL, etag, lastModified string, now time.Time) (*Result, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, dateline.Errorf(dateline.EINVALID, "The feed address is not a URL.")
	}
	if err := f.checkTarget(u); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, dateline.Errorf(dateline.EINVALID, "The feed address is not a URL.")
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, application/json;q=0.8, */*;q=0.5")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	res, err := f.client.Do(req)
	if err != nil {
		return nil, fetchError(err, f.cfg.Timeout)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotModified {
		return &Result{NotModified: true, ETag: orKeep(res.Header.Get("ETag"), etag), LastModified: orKeep(res.Header.Get("Last-Modified"), lastModified)}, nil
	}
	if res.StatusCode != http.StatusOK {
		return nil, dateline.Errorf(dateline.EINVALID, "The feed answered %d %s.", res.StatusCode, http.StatusText(res.StatusCode))
	}
	if res.ContentLength > f.cfg.MaxBytes {
		return nil, dateline.Errorf(dateline.EINVALID, "The feed is %s, more than the %s allowed.", size(res.ContentLength), size(f.cfg.MaxBytes))
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, f.cfg.MaxBytes+1))
	if err != nil {
		return nil, fetchError(err, f.cfg.Timeout)
	}
	if int64(len(body)) > f.cfg.MaxBytes {
		return nil, dateline.Errorf(dateline.EINVALID, "The feed is larger than the %s allowed.", size(f.cfg.MaxBytes))
	}
	body = decodeByHeader(body, res.Header.Get("Content-Type"))
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, dateline.Errorf(dateline.EINVALID, "The feed could not be read as RSS, Atom or JSON Feed: %s.", parseMessage(err))
	}
	return &Result{ETag: res.Header.Get("ETag"), LastModified: res.Header.Get("Last-Modified"), Entries: entries(feed, res.Request.URL, now)}, nil
}

func orKeep(v, old string) string {
	if v == "" {
		return old
	}
	return v
}

// entries turns a parsed feed into entries: titled, with an absolute http
// or https link (relative links are resolved against the feed's final
// address), a plain-text summary, and a time (the fetch's when the feed
// gives none).
func entries(feed *gofeed.Feed, base *url.URL, now time.Time) []dateline.PartnerEntry {
	var out []dateline.PartnerEntry
	for _, it := range feed.Items {
		if it == nil {
			continue
		}
		title := clip(ingest.PlainText(it.Title), 300)
		link, ok := absLink(base, it.Link)
		if !ok && len(it.Links) > 0 {
			link, ok = absLink(base, it.Links[0])
		}
		if title == "" || !ok {
			continue
		}
		summary := it.Description
		if summary == "" {
			summary = it.Content
		}
		at := now
		switch {
		case it.PublishedParsed != nil:
			at = *it.PublishedParsed
		case it.UpdatedParsed != nil:
			at = *it.UpdatedParsed
		}
		if at.After(now) { // a clock ahead, or a typo: not above every other
			at = now
		}
		out = append(out, dateline.PartnerEntry{Title: title, Link: link, Summary: clip(ingest.PlainText(summary), 500), PublishedAt: at.UTC().Truncate(time.Second)})
	}
	return dateline.NewestPartnerEntries(out)
}

func absLink(base *url.URL, raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", false
	}
	u, err := base.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(u.String()) > 2000 {
		return "", false
	}
	u.User = nil
	return u.String(), true
}

// clip cuts s to at most n characters, at a space when one is near.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)*3/4 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", n>>10)
}

// fetchError says in plain words why a request failed.
func fetchError(err error, timeout time.Duration) error {
	var refused netguard.RefusedError
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.As(err, &refused):
		return dateline.Errorf(dateline.EINVALID, "The feed's host has the private or reserved address %s; only public addresses are fetched.", refused.Addr)
	case dateline.ErrorCode(err) != dateline.EINTERNAL:
		return dateline.Errorf(dateline.EINVALID, "%s", dateline.ErrorMessage(err))
	case errors.As(err, &dns):
		return dateline.Errorf(dateline.EINVALID, "The feed's host %s could not be found.", dns.Name)
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return dateline.Errorf(dateline.EINVALID, "The feed did not answer within %s.", timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		return dateline.Errorf(dateline.EINVALID, "The feed's server refused the connection.")
	}
	return dateline.Errorf(dateline.EINVALID, "The feed could not be fetched: %s.", plainNetError(err))
}

// plainNetError is the innermost message of a network error, without the
// URL and operation Go puts in front.
func plainNetError(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return clip(msg, 200)
}

func parseMessage(err error) string {
	msg := err.Error()
	if msg == gofeed.ErrFeedTypeNotDetected.Error() {
		return "it is not a feed"
	}
	return clip(strings.TrimSuffix(msg, "."), 200)
}

// decodeByHeader converts an XML feed to UTF-8 when only the HTTP header
// names its charset (RFC 7303: the header wins; gofeed reads the XML
// declaration's encoding itself, so a body that declares one is left
// alone, as is JSON, which is UTF-8).
func decodeByHeader(body []byte, contentType string) []byte {
	_, params, err := mime.ParseMediaType(contentType)
	label := strings.ToLower(strings.TrimSpace(params["charset"]))
	if err != nil || label == "" || label == "utf-8" || label == "utf8" || label == "us-ascii" {
		return body
	}
	trimmed := bytes.TrimLeft(body, "\ufeff \t\r\n")
	if bytes.HasPrefix(trimmed, []byte("<?xml")) {
		if end := bytes.Index(trimmed, []byte("?>")); end > 0 && bytes.Contains(trimmed[:end], []byte("encoding")) {
			return body
		}
	} else if !bytes.HasPrefix(trimmed, []byte("<")) {
		return body
	}
	enc, _ := charset.Lookup(label)
	if enc == nil {
		return body
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return body
	}
	return out
}
