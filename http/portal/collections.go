package portal

import (
	"archive/zip"
	"encoding/json"
	"net/http"
	"strconv"

	"dateline"
	"dateline/ninjs"
	"dateline/wire"
)

// Galleries and infographics in the portal: the wire's first page shows
// the newest ones the (narrowed) products cover above the stories, each
// with its kind; /wire/collections/{key} shows one with its pictures and
// downloads it as ninjs (as the read API sends it) or as a zip of that
// ninjs and the originals of its pictures. NewsML-G2 is not offered for
// them: dateline writes only the newsItem of a story (package newsml),
// and a gallery would need a packageItem. The rule is
// wire.ShowsCollection: one outside the products, a draft or a
// withdrawn one is 404.

// collectionsShown is how many the wire's first page shows.
const collectionsShown = 8

// collectionItem is a collection as the portal shows it.
type collectionItem struct {
	wire.Collection
	Key         string
	SectionName string
	Products    []string // the contract's products that carry it
}

func (h *Handler) collectionItem(c wire.Collection, e *dateline.Entitlement) collectionItem {
	it := collectionItem{Collection: c, Key: c.Key(), SectionName: c.Section}
	for _, s := range h.cfg.Sections() {
		if s.Slug == c.Section {
			it.SectionName = s.Name
		}
	}
	for _, p := range e.Products {
		one := dateline.Entitlement{Products: []dateline.Product{p}}
		if wire.ProductOfCollection(&one, &c) != 0 {
			it.Products = append(it.Products, p.Name)
		}
	}
	return it
}

// sectionLang is the edition of the section with the slug.
func (h *Handler) sectionLang(slug string) string {
	for _, s := range h.cfg.Sections() {
		if s.Slug == slug {
			if s.Lang == "" {
				return dateline.LangMain
			}
			return s.Lang
		}
	}
	return dateline.LangMain
}

// collections are the newest collections the narrowed entitlement ne
// covers, for the wire's first page (none when the filter asks for
// stories, words, embargoed copy or an older page), each counted as
// delivered for the product of e that carries it.
func (h *Handler) collections(r *http.Request, e, ne *dateline.Entitlement, f filter) ([]collectionItem, error) {
	if f.Kind != "" || f.Q != "" || f.Embargoed || f.Before != nil || f.From != 0 || len(ne.Products) == 0 {
		return nil, nil
	}
	list, _, err := wire.Collections(r.Context(), h.store, ne, h.sectionLang, wire.CollectionFilter{Section: f.Section, Limit: collectionsShown})
	if err != nil {
		return nil, err
	}
	var out []collectionItem
	for _, c := range list {
		out = append(out, h.collectionItem(c, e))
		h.cfg.Usage.Add(e.ClientID, wire.ProductOfCollection(e, &c), dateline.UsageDelivered, 1)
	}
	return out, nil
}

// pathCollection is the collection of the path's key when the client's
// entitlement now shows it, and the entitlement.
func (h *Handler) pathCollection(r *http.Request) (*wire.Collection, dateline.Entitlement, error) {
	key := r.PathValue("key")
	none := dateline.Errorf(dateline.ENOTFOUND, "There is no gallery or infographic %q in your company's products.", clip(key))
	kind, id, ok := wire.ParseKey(key)
	if !ok {
		return nil, dateline.Entitlement{}, none
	}
	e, err := h.entitlement(r)
	if err != nil {
		return nil, e, err
	}
	c, err := wire.Read(r.Context(), h.store, kind, id, h.sectionLang)
	if err == nil && !wire.ShowsCollection(&e, c) {
		err = none
	}
	if dateline.ErrorCode(err) == dateline.ENOTFOUND {
		return nil, e, none
	}
	return c, e, err
}

type collectionPage struct{ collectionItem }

func (collectionPage) nav() string { return "wire" }

// handleCollection is GET /wire/collections/{key}: a gallery or an
// infographic with its pictures; 404 outside the entitlement.
func (h *Handler) handleCollection(w http.ResponseWriter, r *http.Request) error {
	c, e, err := h.pathCollection(r)
	if err != nil {
		return err
	}
	h.cfg.Usage.Add(e.ClientID, wire.ProductOfCollection(&e, c), dateline.UsageDelivered, 1)
	h.render(w, r, http.StatusOK, "collection", c.Title, collectionPage{h.collectionItem(*c, &e)})
	return nil
}

// handleCollectionDownload is GET /wire/collections/{key}/download/{format}:
// ninjs, or zip (the ninjs and the originals of the pictures). Each counts
// as a download of the product that carries it.
func (h *Handler) handleCollectionDownload(w http.ResponseWriter, r *http.Request) error {
	format := r.PathValue("format")
	if format != formatNinjs && format != "zip" {
		return dateline.Errorf(dateline.ENOTFOUND, "Galleries and infographics download as ninjs or zip.")
	}
	c, e, err := h.pathCollection(r)
	if err != nil {
		return err
	}
	sectionName := h.collectionItem(*c, &e).SectionName
	body, err := json.MarshalIndent(ninjs.FromCollection(c, sectionName, h.cfg.BaseURL), "", "  ")
	if err != nil {
		return err
	}
	body = append(body, '\n')
	stem := "dateline-" + c.Key()
	h.cfg.Usage.Add(e.ClientID, wire.ProductOfCollection(&e, c), dateline.UsageDownloaded, 1)
	if format == formatNinjs {
		attach(w, stem+".json")
		w.Write(body)
		return nil
	}
	attach(w, stem+".zip")
	zw := zip.NewWriter(w)
	if fw, err := zw.CreateHeader(&zip.FileHeader{Name: stem + ".json", Method: zip.Deflate, Modified: c.PublishedAt}); err == nil {
		fw.Write(body)
	}
	var left []string
	budget := int64(maxZipPhotoBytes)
	for i, p := range c.Photos {
		name := stem + "-" + strconv.Itoa(i+1) + pictureExt(p.Path)
		if p.Path == "" || h.cfg.Media == nil || !h.zipFile(r, zw, p.Path, name, &budget) {
			what := name
			if p.Remote != "" {
				what += " (" + p.Remote + ")"
			}
			left = append(left, what)
		}
	}
	closeZip(zw, left, "These pictures are not in this zip (kept elsewhere, not in the store, or over %d MB in one zip); their addresses are in the ninjs file:")
	return nil
}
