package api

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"dateline"
	"dateline/http/web"
	"dateline/ninjs"
)

// apiRate is how many requests one token may make a minute, in bursts of
// up to apiBurst; beyond it the API answers 429 with Retry-After.
const (
	defaultAPIRate = 1200
	apiBurst       = 100
)

// tokenLimiter is a token bucket per API token, per node.
type tokenLimiter struct {
	mu      sync.Mutex
	buckets map[int64]*bucket
}

func (l *tokenLimiter) allow(id int64, perMinute int, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[int64]*bucket{}
	}
	every := time.Minute / time.Duration(perMinute)
	b := l.buckets[id]
	if b == nil {
		b = &bucket{tokens: apiBurst, at: now}
		l.buckets[id] = b
	}
	b.tokens = min(apiBurst, b.tokens+float64(now.Sub(b.at))/float64(every))
	b.at = now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(every))
	}
	b.tokens--
	return true, 0
}

// apiToken checks the bearer token, its scope and its rate. On failure it
// has answered and returns nil.
func (s *Handler) apiToken(w http.ResponseWriter, r *http.Request, scope string) *dateline.Token {
	t, err := s.authorize(r, scope)
	if err != nil {
		if dateline.ErrorCode(err) == dateline.EUNAUTHORIZED {
			w.Header().Set("WWW-Authenticate", `Bearer realm="dateline"`)
		}
		s.error(w, r, err)
		return nil
	}
	rate := s.cfg.APIRate
	if rate <= 0 {
		rate = defaultAPIRate
	}
	if ok, wait := s.apiLimits.allow(t.ID, rate, s.now()); !ok {
		secs := int(wait/time.Second) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		ErrorStatus(w, http.StatusTooManyRequests, "This token made more than "+strconv.Itoa(rate)+" requests a minute; try again in "+plural(secs, "second", "seconds")+".")
		return nil
	}
	return t
}

// writeAPI sends v as JSON with an ETag of its bytes, answering 304 when
// the client has them already. Answers to a token are private.
func writeAPI(w http.ResponseWriter, r *http.Request, v any) {
	writeTagged(w, r, v, "private, no-cache")
}

// writeTagged is writeAPI with the caching the caller chooses.
func writeTagged(w http.ResponseWriter, r *http.Request, v any, cacheControl string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.Encode(v)
	sum := sha256.Sum256(buf.Bytes())
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", cacheControl)
	h.Set("Vary", "Authorization")
	if web.ETagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.Write(buf.Bytes())
}

// itemsPage is one page of GET /api/v1/items.
type itemsPage struct {
	Items []*ninjs.Item `json:"items"`
	Next  string        `json:"next,omitempty"` // the cursor of the next page
}

// handleItems lists published items, newest first, as ninjs: filters
// section, topic, person and since; cursor paging. A token with the
// embargo scope may ask for embargoed=1: the stories waiting for their
// release, soonest first, with their release time in "embargoed".
func (s *Handler) handleItems(w http.ResponseWriter, r *http.Request) error {
	t := s.apiToken(w, r, "read")
	if t == nil {
		return nil
	}
	q, err := query(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if t.ClientID != 0 {
		return s.clientItems(w, r, t, q)
	}
	if q.Get("q") != "" {
		return dateline.Errorf(dateline.EINVALID, "q searches within a client's products, for clients' tokens; search the whole site with /api/v1/search?q=.")
	}
	if q.Get("embargoed") != "" {
		if !t.Embargo {
			return dateline.Errorf(dateline.EFORBIDDEN, "The token %q has no embargo scope.", t.Name)
		}
		return s.embargoedItems(w, r, nil)
	}
	f, err := s.listFilter(q)
	if err != nil {
		return err
	}
	list, err := s.store.Articles(ctx, f)
	if err != nil {
		return err
	}
	full, err := s.store.ArticlesByID(ctx, articleIDs(list))
	if err != nil {
		return err
	}
	page := itemsPage{Items: []*ninjs.Item{}}
	for _, a := range full {
		page.Items = append(page.Items, s.apiItem(a))
	}
	if len(list) == f.Limit {
		last := list[len(list)-1]
		page.Next = dateline.Cursor{Time: last.PublishedAt, ID: last.ID}.String()
	}
	writeAPI(w, r, page)
	return nil
}

// listFilter reads the filters of GET /api/v1/items: section, topic,
// person, since, limit and cursor. Returns EINVALID.
func (s *Handler) listFilter(q url.Values) (dateline.ArticleFilter, error) {
	f := dateline.ArticleFilter{Topic: q.Get("topic"), Person: q.Get("person"), Limit: 20}
	if sec := q.Get("section"); sec != "" {
		if !s.site.HasSection(sec) {
			return f, dateline.Errorf(dateline.EINVALID, "There is no section %q; see /api/v1/sections.", truncate(sec, 40))
		}
		f.Sections = []string{sec}
	}
	if len(f.Topic) > 200 || len(f.Person) > 200 || !validText(f.Topic) || !validText(f.Person) {
		return f, dateline.Errorf(dateline.EINVALID, "topic and person are slugs of at most 200 characters.")
	}
	if v := q.Get("since"); v != "" {
		since, err := time.Parse(time.RFC3339, v)
		if err != nil || since.Year() < 1900 || since.Year() > 9999 {
			return f, dateline.Errorf(dateline.EINVALID, "since is a time such as 2026-11-27T10:00:00Z.")
		}
		f.Since = since
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return f, dateline.Errorf(dateline.EINVALID, "limit is a whole number from 1 to 100.")
		}
		f.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		c, err := dateline.ParseCursor(v)
		if err != nil {
			return f, err
		}
		f.Before = &c
	}
	return f, nil
}

// articleIDs are the ids of the list.
func articleIDs(list []dateline.Article) []int64 {
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	return ids
}

// embargoedItems answers embargoed=1: the stories waiting for their
// release, of a client's products with embargoed copy when e is not nil.
func (s *Handler) embargoedItems(w http.ResponseWriter, r *http.Request, e *dateline.Entitlement) error {
	ctx := r.Context()
	list, err := s.store.DeskArticles(ctx, dateline.DeskFilter{Status: dateline.StatusScheduled, Limit: 200})
	if err != nil {
		return err
	}
	list = slices.DeleteFunc(list, func(a dateline.Article) bool { return !a.Embargoed })
	full, err := s.store.ArticlesByID(ctx, articleIDs(list))
	if err != nil {
		return err
	}
	full = slices.DeleteFunc(full, func(f *dateline.Article) bool {
		return f.Status != dateline.StatusScheduled || !f.Embargoed || e != nil && !e.CoversEmbargoed(f)
	})
	// Soonest release first, as the README promises, by the times read
	// last (an embargo may move between the list and the reads).
	slices.SortStableFunc(full, func(a, b *dateline.Article) int {
		return cmp.Or(a.EmbargoUntil.Compare(b.EmbargoUntil), cmp.Compare(a.ID, b.ID))
	})
	page := itemsPage{Items: []*ninjs.Item{}}
	for _, f := range full {
		page.Items = append(page.Items, s.apiItem(f))
	}
	writeAPI(w, r, page)
	return nil
}

type sectionJSON struct {
	Slug  string   `json:"slug"`
	Name  string   `json:"name"`
	Lang  string   `json:"lang"`
	URL   string   `json:"url"`
	Codes []string `json:"codes"`
}

// handleSectionsAPI lists the sections.
func (s *Handler) handleSectionsAPI(w http.ResponseWriter, r *http.Request) error {
	if s.apiToken(w, r, "read") == nil {
		return nil
	}
	out := []sectionJSON{}
	for _, sec := range s.site.Sections() {
		codes := sec.Codes
		if codes == nil {
			codes = []string{}
		}
		out = append(out, sectionJSON{Slug: sec.Slug, Name: sec.Name, Lang: sectionLang(sec), URL: s.cfg.BaseURL + dateline.EditionPath(sectionLang(sec)) + "/" + sec.Slug, Codes: codes})
	}
	writeAPI(w, r, map[string]any{"sections": out})
	return nil
}

type tagJSON struct {
	Slug     string    `json:"slug"`
	Name     string    `json:"name"`
	URL      string    `json:"url"`
	Modified time.Time `json:"modified"`
}

// handleTagsAPI lists the topics or persons that have published stories,
// a thousand at a time by the cursor "after".
func (s *Handler) handleTagsAPI(kind string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.apiToken(w, r, "read") == nil {
			return nil
		}
		q, err := query(r)
		if err != nil {
			return err
		}
		after, err := optionalID(q.Get("after"), "cursor")
		if err != nil {
			return err
		}
		tags, err := s.store.SitemapTags(r.Context(), kind, after, 1000)
		if err != nil {
			return err
		}
		path := "/topics/"
		if kind == dateline.TagPerson {
			path = "/persons/"
		}
		out := []tagJSON{}
		for _, t := range tags {
			out = append(out, tagJSON{Slug: t.Slug, Name: t.Name, URL: s.cfg.BaseURL + path + t.Slug, Modified: t.Modified})
		}
		res := map[string]any{kind + "s": out}
		if len(tags) == 1000 {
			res["next"] = strconv.FormatInt(tags[len(tags)-1].ID, 10)
		}
		writeAPI(w, r, res)
		return nil
	}
}
