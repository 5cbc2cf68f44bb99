package api

import (
	"crypto/hmac"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"dateline"
	"dateline/live"
	"dateline/liveblog"
	"dateline/ninjs"
	"dateline/wire"
)

// A client's token reads only what its products cover (its
// dateline.Entitlement at the time of the request): the list walks the
// products' indexes (package wire), an item outside them is 404 as if it
// never existed, the stream passes over the events of other stories, and
// embargoed copy comes only through products that carry it.

// entitlement is the token's client's entitlement now.
func (s *Handler) entitlement(r *http.Request, t *dateline.Token) (dateline.Entitlement, error) {
	return s.store.Entitlement(r.Context(), t.ClientID, s.now())
}

// clientItems is GET /api/v1/items for a client's token.
func (s *Handler) clientItems(w http.ResponseWriter, r *http.Request, t *dateline.Token, q url.Values) error {
	e, err := s.entitlement(r, t)
	if err != nil {
		return err
	}
	s.cfg.Usage.Add(t.ClientID, 0, dateline.UsageAPI, 1)
	if q.Get("embargoed") != "" {
		if !e.Embargoed() {
			return dateline.Errorf(dateline.EFORBIDDEN, "None of this client's products carries embargoed copy.")
		}
		return s.embargoedItems(w, r, &e)
	}
	if words := q.Get("q"); words != "" {
		return s.clientSearch(w, r, t, &e, words, q)
	}
	f, err := s.listFilter(q)
	if err != nil {
		return err
	}
	wf := wire.Filter{Topic: f.Topic, Person: f.Person, Since: f.Since, Before: f.Before, Limit: f.Limit}
	if len(f.Sections) > 0 {
		wf.Section = f.Sections[0]
	}
	res, err := wire.List(r.Context(), s.store, e.Products, wf)
	if err != nil {
		return err
	}
	page := s.deliver(t, &e, res.Items)
	if res.Next != nil {
		page.Next = res.Next.String()
	}
	writeAPI(w, r, page)
	return nil
}

// deliver makes the page of a client's items, counting each as
// delivered for its usage.
func (s *Handler) deliver(t *dateline.Token, e *dateline.Entitlement, items []*dateline.Article) itemsPage {
	page := itemsPage{Items: []*ninjs.Item{}}
	for _, a := range items {
		page.Items = append(page.Items, s.apiItem(a))
		s.cfg.Usage.Add(t.ClientID, e.ProductOf(a), dateline.UsageDelivered, 1)
	}
	return page
}

// clientSearch is GET /api/v1/items?q= for a client's token: the
// stories its products cover that match the words, newest first, a page
// of hits at a time (cursor: how many hits came before).
func (s *Handler) clientSearch(w http.ResponseWriter, r *http.Request, t *dateline.Token, e *dateline.Entitlement, words string, q url.Values) error {
	if len(words) > 500 || !validText(words) {
		return dateline.Errorf(dateline.EINVALID, "q is at most 500 characters of text.")
	}
	section := q.Get("section")
	if section != "" && !s.site.HasSection(section) {
		return dateline.Errorf(dateline.EINVALID, "There is no section %q; see /api/v1/sections.", truncate(section, 40))
	}
	from := 0
	if v := q.Get("cursor"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return dateline.Errorf(dateline.EINVALID, "A search's cursor is the next value of the page before, a whole number.")
		}
		from = n
	}
	res, err := wire.Search(r.Context(), s.store, e, words, section, from, s.now())
	if err != nil {
		return err
	}
	page := s.deliver(t, e, res.Items)
	if res.Next > 0 {
		page.Next = strconv.Itoa(res.Next)
	}
	writeAPI(w, r, page)
	return nil
}

// streamCover decides which events a client's stream sends: those of the
// stories its entitlement covers as they were when the event was first
// sent. A story is read once per event for all the node's streams
// (coverCache).
type streamCover struct {
	s *Handler
	e dateline.Entitlement
}

// allows reports whether the stream sends m. An error (the store failed,
// the stream is closing) ends the stream rather than passing over the
// event: the client reconnects from its last event and m is looked at
// again.
func (c *streamCover) allows(r *http.Request, m live.Message) (bool, error) {
	if m.Article == 0 {
		return true, nil // a comment
	}
	a, err := c.s.covers.get(r, c.s.store, m.ID, m.Article)
	if a == nil || err != nil {
		return false, err
	}
	if liveblog.StreamEvent(m.Kind) && a.WasPublic() {
		return c.e.Covers(a), nil
	}
	return c.e.CoversEmbargoed(a), nil
}

// showsCollection decides a gallery's or an infographic's event by the
// rule of collections on the wire (Product.CoversCollection) on its kind
// and the section and edition the event names: its publish and update
// reach the clients whose products cover it, and its withdrawal those
// whose products covered it where it was withdrawn from.
func (c *streamCover) showsCollection(m live.Message) bool {
	for i := range c.e.Products {
		if c.e.Products[i].CoversCollection(m.Collection, m.Section, m.Lang) {
			return true
		}
	}
	return false
}

// coverCache keeps the stories of the last events the clients' streams
// looked at, by event: a thousand streams cost one read of the story, read
// after the event was written, so never older than the event. It empties
// when full.
type coverCache struct {
	mu sync.Mutex
	m  map[int64]*dateline.Article
}

const coverCacheSize = 2048

// get is the story of the event, nil when it is gone (sent to no
// stream). A failed read is not kept.
func (c *coverCache) get(r *http.Request, st Store, event, article int64) (*dateline.Article, error) {
	c.mu.Lock()
	a, ok := c.m[event]
	c.mu.Unlock()
	if ok {
		return a, nil
	}
	a, err := st.Article(r.Context(), article)
	if dateline.ErrorCode(err) == dateline.ENOTFOUND {
		a = nil // gone: not sent, to any stream
	} else if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= coverCacheSize {
		c.m = map[int64]*dateline.Article{}
	}
	c.m[event] = a
	c.mu.Unlock()
	return a, nil
}

// handleClientFeed is GET /wire/feeds/{client}/{product}.rss?sig=...: the
// RSS feed of one product of a client's contract, for feed readers, at an
// address signed with the client's feed key (dateline.FeedAddress).
func (s *Handler) handleClientFeed(w http.ResponseWriter, r *http.Request) error {
	noFeed := dateline.Errorf(dateline.ENOTFOUND, "There is no feed at this address.")
	clientID, err := strconv.ParseInt(r.PathValue("client"), 10, 64)
	file, ok := strings.CutSuffix(r.PathValue("file"), ".rss")
	productID, err2 := strconv.ParseInt(file, 10, 64)
	if err != nil || err2 != nil || !ok || clientID <= 0 || productID <= 0 {
		return noFeed
	}
	q, err := query(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.store.Client(ctx, clientID)
	if dateline.ErrorCode(err) == dateline.ENOTFOUND {
		return noFeed
	} else if err != nil {
		return err
	}
	path := dateline.FeedPath(clientID, productID)
	if !hmac.Equal([]byte(q.Get("sig")), []byte(dateline.FeedSignature(c.FeedKey, path))) {
		return dateline.Errorf(dateline.EFORBIDDEN, "This feed address is not signed, or its signature was revoked; ask the agency for the current address.")
	}
	e, err := s.store.Entitlement(ctx, clientID, s.now())
	if err != nil {
		return err
	}
	p := e.Product(productID)
	if p == nil {
		return dateline.Errorf(dateline.ENOTFOUND, "This product is not in the client's contract now.")
	}
	res, err := wire.List(ctx, s.store, []dateline.Product{*p}, wire.Filter{Limit: feedItems})
	if err != nil {
		return err
	}
	one := dateline.Entitlement{Products: []dateline.Product{*p}}
	colls, _, err := wire.Collections(ctx, s.store, &one, s.sectionLang, wire.CollectionFilter{Limit: feedCollections})
	if err != nil {
		return err
	}
	s.cfg.Usage.Add(clientID, productID, dateline.UsageDelivered, int64(len(res.Items)+len(colls)))
	body, err := s.site.ArticlesRSS(p.Name, dateline.FeedAddress(c, productID), res.Items, colls)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/rss+xml; charset=utf-8")
	h.Set("Cache-Control", "private, max-age=60")
	h.Set("X-Robots-Tag", "noindex")
	w.Write(body)
	return nil
}

// feedItems is how many stories a client's feed carries, and
// feedCollections how many galleries and infographics besides.
const (
	feedItems       = 50
	feedCollections = 10
)
