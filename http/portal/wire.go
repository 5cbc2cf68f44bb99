package portal

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
	"dateline/wire"
)

// filter is what a reader asks of the wire: a product of the contract, a
// section, an edition, a kind, words; and where the page starts.
type filter struct {
	Product   int64
	Section   string
	Lang      string
	Kind      string // "", dateline.KindText (any story) or dateline.KindPhoto
	Q         string
	Embargoed bool // the embargoed copy, soonest release first
	Before    *dateline.Cursor
	From      int // a search's page: how many hits come before it
}

// readFilter reads the filter from the query, refusing in words what it
// cannot be. Section and product must be the site's and the contract's.
func (h *Handler) readFilter(q url.Values, e *dateline.Entitlement) (filter, error) {
	var f filter
	for k, vs := range q {
		if len(vs) > 1 || len(vs[0]) > 400 || !utf8.ValidString(vs[0]) || strings.IndexByte(vs[0], 0) >= 0 {
			return f, dateline.Errorf(dateline.EINVALID, "The filter %q is given once, in at most 400 characters of text.", clip(k))
		}
	}
	if v := q.Get("product"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 || e.Product(id) == nil {
			return f, dateline.Errorf(dateline.EINVALID, "Choose one of your company's products from the list.")
		}
		f.Product = id
	}
	if f.Section = q.Get("section"); f.Section != "" && !slices.ContainsFunc(h.cfg.Sections(), func(s dateline.Section) bool { return s.Slug == f.Section }) {
		return f, dateline.Errorf(dateline.EINVALID, "Choose a section from the list.")
	}
	if f.Lang = q.Get("lang"); f.Lang != "" && !dateline.Editions[f.Lang] {
		return f, dateline.Errorf(dateline.EINVALID, "Choose English or Russian.")
	}
	if f.Kind = q.Get("kind"); f.Kind != "" && f.Kind != dateline.KindText && f.Kind != dateline.KindPhoto {
		return f, dateline.Errorf(dateline.EINVALID, "Choose stories or photos.")
	}
	f.Q = strings.TrimSpace(q.Get("q"))
	f.Embargoed = q.Get("embargoed") != ""
	if v := q.Get("before"); v != "" {
		c, err := dateline.ParseCursor(v)
		if err != nil {
			return f, dateline.Errorf(dateline.EINVALID, "This page's address is broken; start again from the newest items.")
		}
		f.Before = &c
	}
	if v := q.Get("from"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n >= dateline.SearchDateDepth {
			return f, dateline.Errorf(dateline.EINVALID, "A search shows its newest %d matches; start again from the newest.", dateline.SearchDateDepth)
		}
		f.From = n
	}
	return f, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// narrow is the contract's products as the filter narrows them: each
// takes only what it took and the filter also asks for, and one the
// filter leaves nothing of is dropped. So a narrowed entitlement never
// covers one item more than the contract.
func narrow(ps []dateline.Product, f filter) []dateline.Product {
	out := []dateline.Product{}
	for _, p := range ps {
		if f.Product != 0 && p.ID != f.Product {
			continue
		}
		if f.Embargoed && !p.Embargoed {
			continue
		}
		if f.Lang != "" {
			if len(p.Langs) > 0 && !slices.Contains(p.Langs, f.Lang) {
				continue
			}
			p.Langs = []string{f.Lang}
		}
		if f.Section != "" {
			if len(p.Sections) > 0 && !slices.Contains(p.Sections, f.Section) {
				continue
			}
			p.Sections = []string{f.Section}
		}
		if f.Kind != "" {
			stories := len(p.Kinds) == 0 || slices.Contains(p.Kinds, dateline.KindText)
			if !stories && !slices.Contains(p.Kinds, dateline.KindPhoto) {
				continue // galleries and infographics only
			}
			if f.Kind == dateline.KindPhoto {
				p.Kinds = []string{dateline.KindPhoto}
			}
		}
		out = append(out, p)
	}
	return out
}

// item is a story as the portal's lists and pages show it.
type item struct {
	*dateline.Article
	Marks     []string // "Flash", "Urgent", "Updated", "Corrected", "Killed", "Embargoed"
	Killed    bool
	Withheld  bool
	Embargo   time.Time // the release time of embargoed copy
	Products  []string  // the contract's products that carry it
	Bookmark  bool
	Paragraph string // the lead, or the first words
}

func (h *Handler) item(a *dateline.Article, e *dateline.Entitlement) item {
	it := item{Article: a, Paragraph: a.Lead}
	switch a.Urgency {
	case 1:
		it.Marks = append(it.Marks, "Flash")
	case 2:
		it.Marks = append(it.Marks, "Urgent")
	}
	switch {
	case a.Status == dateline.StatusWithdrawn:
		it.Killed = true
		it.Marks = append(it.Marks, "Killed")
	case a.Status == dateline.StatusWithheld:
		it.Withheld = true
		it.Marks = append(it.Marks, "Withheld")
	case a.Status == dateline.StatusScheduled:
		it.Embargo = a.EmbargoUntil
		it.Marks = append(it.Marks, "Embargoed")
	}
	if !a.UpdatedAt.IsZero() && !it.Killed {
		it.Marks = append(it.Marks, "Updated")
	}
	if len(a.Corrections) > 0 {
		it.Marks = append(it.Marks, "Corrected")
	}
	for _, p := range e.Products {
		one := dateline.Entitlement{Products: []dateline.Product{p}}
		if one.ProductOf(a) != 0 {
			it.Products = append(it.Products, p.Name)
		}
	}
	return it
}

type option struct {
	Value, Label string
	On           bool
}

type wirePage struct {
	F      filter
	Items  []item
	Killed []item // the first page's recent kills
	// Collections are the first page's newest galleries and
	// infographics.
	Collections []collectionItem
	Next        string // the next page's address, "" at the end
	Products    []option
	Sections    []option
	Embargo     bool // a product carries embargoed copy
	Searching   bool
	Query       string // the filter as a query, for the live script and the zip form
	CSRF        string
	EmptyWords  string
}

func (wirePage) nav() string { return "wire" }

// entitlement is the signed-in user's company's entitlement now.
func (h *Handler) entitlement(r *http.Request) (dateline.Entitlement, error) {
	return h.store.Entitlement(r.Context(), clientOf(r).ID, h.now())
}

// handleWire is GET /wire/: the entitled wire newest first, filtered,
// searched or the embargoed copy, a page at a time; ?part=list answers
// the list alone, for the live script.
func (h *Handler) handleWire(w http.ResponseWriter, r *http.Request) error {
	e, err := h.entitlement(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	part := q.Get("part")
	q.Del("part")
	q.Del("done") // a flash, once
	f, err := h.readFilter(q, &e)
	if err != nil {
		return err
	}
	page := wirePage{F: f, Embargo: e.Embargoed(), Searching: f.Q != "", CSRF: sessionOf(r).CSRF}
	ne := dateline.Entitlement{ClientID: e.ClientID, Products: narrow(e.Products, f)}
	var list []*dateline.Article
	switch {
	case f.Embargoed:
		list, err = h.embargoed(r, &ne)
	case f.Q != "":
		list, page.Next, err = h.search(r, &ne, f)
	default:
		var res wire.Page
		res, err = wire.List(r.Context(), h.store, ne.Products, wire.Filter{Section: f.Section, Before: f.Before, Limit: 30})
		list = res.Items
		if res.Next != nil {
			page.Next = withParam(q, "before", res.Next.String())
		}
		if err == nil && f.Before == nil {
			var killed []*dateline.Article
			if killed, err = h.killed(r, &ne, f.Kind == dateline.KindPhoto); err == nil {
				for _, a := range killed {
					page.Killed = append(page.Killed, h.item(a, &e))
				}
			}
		}
		if err == nil {
			page.Collections, err = h.collections(r, &e, &ne, f)
		}
	}
	if err != nil {
		return err
	}
	marks, err := h.bookmarked(r)
	if err != nil {
		return err
	}
	for _, a := range list {
		it := h.item(a, &e)
		it.Bookmark = marks[a.ID]
		page.Items = append(page.Items, it)
		h.cfg.Usage.Add(e.ClientID, e.ProductOf(a), dateline.UsageDelivered, 1)
	}
	for _, p := range e.Products {
		page.Products = append(page.Products, option{Value: strconv.FormatInt(p.ID, 10), Label: p.Name, On: p.ID == f.Product})
	}
	for _, s := range h.cfg.Sections() {
		page.Sections = append(page.Sections, option{Value: s.Slug, Label: s.Name, On: s.Slug == f.Section})
	}
	page.Query = q.Encode()
	if part == "list" {
		h.renderPart(w, r, "list", page)
		return nil
	}
	h.render(w, r, http.StatusOK, "wire", "Wire", page)
	return nil
}

// withParam is the wire's address with the query q (without its page,
// flash and part) and key set to v.
func withParam(q url.Values, key, v string) string {
	q2 := url.Values{}
	for k, vs := range q {
		if k != "before" && k != "from" && k != "done" && k != "part" {
			q2[k] = vs
		}
	}
	q2.Set(key, v)
	return "/wire/?" + q2.Encode()
}

// embargoed is the embargoed copy the narrowed entitlement carries,
// soonest release first.
func (h *Handler) embargoed(r *http.Request, e *dateline.Entitlement) ([]*dateline.Article, error) {
	ctx := r.Context()
	if len(e.Products) == 0 {
		return nil, nil
	}
	list, err := h.store.DeskArticles(ctx, dateline.DeskFilter{Status: dateline.StatusScheduled, Limit: 200})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(list))
	for _, a := range list {
		if a.Embargoed {
			ids = append(ids, a.ID)
		}
	}
	full, err := h.store.ArticlesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	full = slices.DeleteFunc(full, func(a *dateline.Article) bool {
		return a.Status != dateline.StatusScheduled || !a.Embargoed || !e.CoversEmbargoed(a)
	})
	slices.SortStableFunc(full, func(a, b *dateline.Article) int {
		return cmp.Or(a.EmbargoUntil.Compare(b.EmbargoUntil), cmp.Compare(a.ID, b.ID))
	})
	return full, nil
}

// killedWindow is how long the wire's first page names a kill.
const killedWindow = 48 * time.Hour

// killed are the stories the narrowed entitlement covers that were
// killed (withdrawn after publication) within killedWindow, newest kill
// first, at most 20: a kill reaches every client that had the story, and
// the list, which holds published stories, no longer shows it.
func (h *Handler) killed(r *http.Request, e *dateline.Entitlement, photos bool) ([]*dateline.Article, error) {
	if len(e.Products) == 0 {
		return nil, nil
	}
	since := h.now().Add(-killedWindow)
	list, err := h.store.DeskArticles(r.Context(), dateline.DeskFilter{Status: dateline.StatusWithdrawn, Limit: 100})
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, a := range list {
		if a.WasPublic() && a.WithdrawnAt.After(since) {
			ids = append(ids, a.ID)
		}
	}
	full, err := h.store.ArticlesByID(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	full = slices.DeleteFunc(full, func(a *dateline.Article) bool {
		return a.Status != dateline.StatusWithdrawn || !a.WasPublic() || !a.WithdrawnAt.After(since) || !e.Covers(a) || photos && a.Photo == nil
	})
	slices.SortFunc(full, func(a, b *dateline.Article) int {
		return cmp.Or(b.WithdrawnAt.Compare(a.WithdrawnAt), cmp.Compare(b.ID, a.ID))
	})
	return full[:min(len(full), 20)], nil
}

// search finds the published stories the narrowed entitlement covers by
// words (wire.Search), and the address of the next page of hits.
func (h *Handler) search(r *http.Request, e *dateline.Entitlement, f filter) ([]*dateline.Article, string, error) {
	res, err := wire.Search(r.Context(), h.store, e, f.Q, f.Section, f.From, h.now())
	if err != nil || res.Next == 0 {
		return res.Items, "", err
	}
	return res.Items, withParam(r.URL.Query(), "from", strconv.Itoa(res.Next)), nil
}

// bookmarked is the user's bookmarks, as a set.
func (h *Handler) bookmarked(r *http.Request) (map[int64]bool, error) {
	ids, err := h.store.Bookmarks(r.Context(), sessionOf(r).UserID)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m, nil
}

// visible is the story with the id when the entitlement shows it; else
// ENOTFOUND, the same as for no story at all.
func (h *Handler) visible(r *http.Request, id int64, e *dateline.Entitlement) (*dateline.Article, error) {
	a, err := h.store.Article(r.Context(), id)
	if err == nil && !e.Shows(a) {
		err = dateline.Errorf(dateline.ENOTFOUND, "")
	}
	if dateline.ErrorCode(err) == dateline.ENOTFOUND {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "There is no item %d in your company's products.", id)
	}
	return a, err
}

type itemPage struct {
	item
	Chain []item // the versions and follow-ups the client may open, oldest first
	Text  []string
	CSRF  string
}

func (itemPage) nav() string { return "wire" }

// handleItem is GET /wire/items/{id}: the item with its metadata and its
// chain; 404 outside the entitlement.
func (h *Handler) handleItem(w http.ResponseWriter, r *http.Request) error {
	a, e, err := h.pathItem(r)
	if err != nil {
		return err
	}
	marks, err := h.bookmarked(r)
	if err != nil {
		return err
	}
	page := itemPage{item: h.item(a, &e), CSRF: sessionOf(r).CSRF}
	page.Bookmark = marks[a.ID]
	if !page.Killed && !page.Withheld {
		page.Text = a.Pages
	}
	// The chain's references carry no tags: each is read whole and shown
	// only when the entitlement shows it.
	var ids []int64
	for _, ref := range a.Chain {
		if ref.ID != a.ID {
			ids = append(ids, ref.ID)
		}
	}
	chain, err := h.store.ArticlesByID(r.Context(), ids)
	if err != nil {
		return err
	}
	for _, c := range chain {
		if e.Shows(c) {
			page.Chain = append(page.Chain, h.item(c, &e))
		}
	}
	h.render(w, r, http.StatusOK, "item", a.Headline, page)
	return nil
}

// pathItem is the story of the path's id, when the client's entitlement
// now shows it, and the entitlement.
func (h *Handler) pathItem(r *http.Request) (*dateline.Article, dateline.Entitlement, error) {
	id, err := itemID(r)
	if err != nil {
		return nil, dateline.Entitlement{}, err
	}
	e, err := h.entitlement(r)
	if err != nil {
		return nil, e, err
	}
	a, err := h.visible(r, id, &e)
	return a, e, err
}

// itemID reads the path's item id; anything else is 404.
func itemID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, dateline.Errorf(dateline.ENOTFOUND, "There is no item at this address.")
	}
	return id, nil
}
