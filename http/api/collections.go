package api

import (
	"net/http"

	"dateline"
	"dateline/ninjs"
	"dateline/wire"
)

// Galleries and infographics on the read API: GET /api/v1/collections
// lists the published ones a token may have, newest first, and GET
// /api/v1/collections/{key} ("gallery-12", "infographic-3") sends one. A
// client's token has only those its products cover (package wire:
// ProductOfCollection, each counted delivered for its product); a staff
// token has every published one. Anything else is 404 as if it never
// existed.

// handleCollections is GET /api/v1/collections.
func (s *Handler) handleCollections(w http.ResponseWriter, r *http.Request) error {
	t := s.apiToken(w, r, "read")
	if t == nil {
		return nil
	}
	q, err := query(r)
	if err != nil {
		return err
	}
	f, err := s.listFilter(q)
	if err != nil {
		return err
	}
	if f.Topic != "" || f.Person != "" {
		return dateline.Errorf(dateline.EINVALID, "Galleries and infographics have no topics or persons; filter them by kind, section and since.")
	}
	cf := wire.CollectionFilter{Kind: q.Get("kind"), Since: f.Since, Before: f.Before, Limit: f.Limit}
	if cf.Kind != "" && cf.Kind != dateline.KindGallery && cf.Kind != dateline.KindInfographic {
		return dateline.Errorf(dateline.EINVALID, "kind is gallery or infographic, not %q.", truncate(cf.Kind, 40))
	}
	if len(f.Sections) > 0 {
		cf.Section = f.Sections[0]
	}
	e, err := s.collectionEntitlement(r, t)
	if err != nil {
		return err
	}
	list, next, err := wire.Collections(r.Context(), s.store, &e, s.sectionLang, cf)
	if err != nil {
		return err
	}
	page := itemsPage{Items: []*ninjs.Item{}}
	for i := range list {
		page.Items = append(page.Items, s.collectionItem(&list[i]))
		if t.ClientID != 0 {
			s.cfg.Usage.Add(t.ClientID, wire.ProductOfCollection(&e, &list[i]), dateline.UsageDelivered, 1)
		}
	}
	if next != nil {
		page.Next = next.String()
	}
	writeAPI(w, r, page)
	return nil
}

// handleCollection is GET /api/v1/collections/{key}.
func (s *Handler) handleCollection(w http.ResponseWriter, r *http.Request) error {
	t := s.apiToken(w, r, "read")
	if t == nil {
		return nil
	}
	key := r.PathValue("key")
	kind, id, ok := wire.ParseKey(key)
	if !ok {
		return dateline.Errorf(dateline.ENOTFOUND, "No collection %q; a collection is named gallery-ID or infographic-ID.", truncate(key, 40))
	}
	e, err := s.collectionEntitlement(r, t)
	if err != nil {
		return err
	}
	c, err := wire.Read(r.Context(), s.store, kind, id, s.sectionLang)
	if dateline.ErrorCode(err) == dateline.ENOTFOUND {
		return dateline.Errorf(dateline.ENOTFOUND, "No collection %s.", key)
	} else if err != nil {
		return err
	}
	if !wire.ShowsCollection(&e, c) {
		return dateline.Errorf(dateline.ENOTFOUND, "No collection %s.", key)
	}
	if t.ClientID != 0 {
		s.cfg.Usage.Add(t.ClientID, wire.ProductOfCollection(&e, c), dateline.UsageDelivered, 1)
	}
	writeAPI(w, r, s.collectionItem(c))
	return nil
}

// collectionEntitlement is a client token's entitlement now (its request
// counted), or for a staff token one product that takes everything.
func (s *Handler) collectionEntitlement(r *http.Request, t *dateline.Token) (dateline.Entitlement, error) {
	if t.ClientID == 0 {
		return dateline.Entitlement{Products: []dateline.Product{{}}}, nil
	}
	s.cfg.Usage.Add(t.ClientID, 0, dateline.UsageAPI, 1)
	return s.entitlement(r, t)
}

// sectionLang is the edition of the section with the slug ("" when there
// is no such section: the main edition).
func (s *Handler) sectionLang(slug string) string {
	for _, sec := range s.site.Sections() {
		if sec.Slug == slug {
			return sectionLang(sec)
		}
	}
	return ""
}

// collectionItem is the collection as the API sends it.
func (s *Handler) collectionItem(c *wire.Collection) *ninjs.Item {
	name := c.Section
	for _, sec := range s.site.Sections() {
		if sec.Slug == c.Section {
			name = sec.Name
		}
	}
	return ninjs.FromCollection(c, name, s.cfg.BaseURL)
}
