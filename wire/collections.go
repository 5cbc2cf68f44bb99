package wire

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"dateline"
)

// Galleries and infographics on the client wire. They are rows of their
// own (no topics, persons, urgency or embargo), so the products decide
// them by dateline.Product.CoversCollection on their kind, section and the
// section's edition. Only published ones reach clients: a withdrawn or
// draft one is not listed and its item is not found, since the store does
// not say whether a withdrawn one was ever public.

// Collection is a gallery or an infographic as the client wire carries it.
type Collection struct {
	Kind        string // dateline.KindGallery or dateline.KindInfographic
	ID          int64
	URI         string
	Section     string // slug; "" for none
	Lang        string // the section's edition ("" is the main one)
	Title       string
	Text        string // a gallery's lead, an infographic's text
	PublishedAt time.Time
	Status      dateline.Status
	Photos      []dateline.Photo // in order; nil in a list of the newsroom's
}

// Key names the collection on the wire: "gallery-12", "infographic-3".
func (c *Collection) Key() string { return c.Kind + "-" + strconv.FormatInt(c.ID, 10) }

// ParseKey reads a Key. ok is false for anything else.
func ParseKey(s string) (kind string, id int64, ok bool) {
	kind, n, found := strings.Cut(s, "-")
	if !found || (kind != dateline.KindGallery && kind != dateline.KindInfographic) {
		return "", 0, false
	}
	id, err := strconv.ParseInt(n, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != n {
		return "", 0, false
	}
	return kind, id, true
}

// FromGallery is the gallery as a Collection; lang is its section's
// edition.
func FromGallery(g *dateline.Gallery, lang string) Collection {
	return Collection{Kind: dateline.KindGallery, ID: g.ID, URI: g.URI, Section: g.Section, Lang: lang, Title: g.Title,
		Text: g.Lead, PublishedAt: g.PublishedAt, Status: status(g.Status), Photos: g.Photos}
}

// FromInfographic is the infographic as a Collection; lang is its
// section's edition.
func FromInfographic(g *dateline.Infographic, lang string) Collection {
	return Collection{Kind: dateline.KindInfographic, ID: g.ID, URI: g.URI, Section: g.Section, Lang: lang, Title: g.Title,
		Text: g.Text, PublishedAt: g.PublishedAt, Status: status(g.Status), Photos: g.Images}
}

func status(s dateline.Status) dateline.Status {
	if s == "" {
		return dateline.StatusPublished
	}
	return s
}

// coveringProduct is the first product of e that covers c, whatever its
// status (Product.CoversCollection, the one rule of collections on the
// wire); nil when none does.
func coveringProduct(e *dateline.Entitlement, c *Collection) *dateline.Product {
	for i := range e.Products {
		if e.Products[i].CoversCollection(c.Kind, c.Section, c.Lang) {
			return &e.Products[i]
		}
	}
	return nil
}

// ProductOfCollection is the product a use of c counts for: the first of
// e that covers it; 0 when none does.
func ProductOfCollection(e *dateline.Entitlement, c *Collection) int64 {
	if p := coveringProduct(e, c); p != nil {
		return p.ID
	}
	return 0
}

// ShowsCollection reports whether a client of entitlement e may have c:
// published and covered by one of its products.
func ShowsCollection(e *dateline.Entitlement, c *Collection) bool {
	return c.Status == dateline.StatusPublished && coveringProduct(e, c) != nil
}

// CollectionStore is what the collections' reads need.
type CollectionStore interface {
	Gallery(ctx context.Context, id int64) (*dateline.Gallery, error)
	Galleries(ctx context.Context, limit int) ([]dateline.Gallery, error)
	Infographic(ctx context.Context, id int64) (*dateline.Infographic, error)
	Infographics(ctx context.Context, limit int) ([]dateline.Infographic, error)
}

// CollectionDepth is how many of the newest published galleries, and of
// the newest infographics, a list looks at (the store's list cap): an
// agency publishes a few a day, so this is weeks of them.
const CollectionDepth = 200

// CollectionFilter narrows a list of collections.
type CollectionFilter struct {
	Kind    string // "" for both
	Section string
	Since   time.Time
	Before  *dateline.Cursor // a place (see place): only what comes after it
	Limit   int              // 1..100; 0 is 20
}

// Collections is a page of the published galleries and infographics e
// covers that f selects, newest first, read whole (a gallery read again
// with its photos); lang is the edition of
// a section (its Lang). The page's Next is its last collection's place
// when more may follow.
func Collections(ctx context.Context, st CollectionStore, e *dateline.Entitlement, lang func(section string) string, f CollectionFilter) ([]Collection, *dateline.Cursor, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	var all []Collection
	if f.Kind == "" || f.Kind == dateline.KindGallery {
		gs, err := st.Galleries(ctx, CollectionDepth)
		if err != nil {
			return nil, nil, err
		}
		for i := range gs {
			all = append(all, FromGallery(&gs[i], lang(gs[i].Section)))
		}
	}
	if f.Kind == "" || f.Kind == dateline.KindInfographic {
		gs, err := st.Infographics(ctx, CollectionDepth)
		if err != nil {
			return nil, nil, err
		}
		for i := range gs {
			all = append(all, FromInfographic(&gs[i], lang(gs[i].Section)))
		}
	}
	slices.SortFunc(all, func(a, b Collection) int { return comparePlace(place(&b), place(&a)) })
	var page []Collection
	var next *dateline.Cursor
	for i := range all {
		c := &all[i]
		if f.Before != nil && comparePlace(place(c), dateline.Cursor{Time: f.Before.Time.Truncate(time.Second), ID: f.Before.ID}) >= 0 {
			continue
		}
		if (f.Section != "" && c.Section != f.Section) || (!f.Since.IsZero() && c.PublishedAt.Before(f.Since)) || !ShowsCollection(e, c) {
			continue
		}
		if len(page) == f.Limit {
			last := page[len(page)-1]
			at := place(&last)
			next = &at
			break
		}
		page = append(page, *c)
	}
	for i := range page {
		if page[i].Kind == dateline.KindInfographic {
			continue // the list has read its images already
		}
		whole, err := Read(ctx, st, page[i].Kind, page[i].ID, lang)
		if err != nil {
			return nil, nil, err
		}
		page[i] = *whole
	}
	return page, next, nil
}

// place is the collection's place in a list, newest first on the
// publication time to the second (a cursor's precision), then on the id
// with galleries before infographics of the same id: the cursor's id is
// twice the id, plus one for a gallery.
func place(c *Collection) dateline.Cursor {
	id := 2 * c.ID
	if c.Kind == dateline.KindGallery {
		id++
	}
	return dateline.Cursor{Time: c.PublishedAt.Truncate(time.Second), ID: id}
}

func comparePlace(a, b dateline.Cursor) int {
	if c := a.Time.Compare(b.Time); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// Read is the collection of the kind with the id, whatever its status.
// Returns ENOTFOUND when there is none.
func Read(ctx context.Context, st CollectionStore, kind string, id int64, lang func(section string) string) (*Collection, error) {
	switch kind {
	case dateline.KindGallery:
		g, err := st.Gallery(ctx, id)
		if err != nil {
			return nil, err
		}
		c := FromGallery(g, lang(g.Section))
		return &c, nil
	case dateline.KindInfographic:
		g, err := st.Infographic(ctx, id)
		if err != nil {
			return nil, err
		}
		c := FromInfographic(g, lang(g.Section))
		return &c, nil
	}
	return nil, dateline.Errorf(dateline.ENOTFOUND, "A collection is a gallery or an infographic, not %q.", kind)
}
