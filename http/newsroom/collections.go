package newsroom

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"dateline"
	"dateline/auth"
	"dateline/ingest"
	"dateline/newsroom"
)

// --- galleries and infographics, made from the library ---

// collection is a gallery or an infographic in one shape for the
// newsroom's pages; the rules of a change are newsroom.SettleCollection.
type collection struct {
	newsroom.Collection
	Kind    string // "galleries" or "infographics"
	ID      int64
	URI     string
	Section string
	Count   int // photos, in lists
}

// Noun is "gallery" or "infographic".
func (c *collection) Noun() string { return kindNoun(c.Kind) }

// PublicURL is the collection's address on the site.
func (c *collection) PublicURL() string {
	if c.Kind == "galleries" {
		return "/photo/" + strconv.FormatInt(c.ID, 10)
	}
	return "/infographics/" + strconv.FormatInt(c.ID, 10)
}

func kindNoun(kind string) string {
	if kind == "galleries" {
		return "gallery"
	}
	return "infographic"
}

// collectionKind reads the path's kind. Returns ENOTFOUND for any other.
func collectionKind(r *http.Request) (string, error) {
	kind := r.PathValue("kind")
	if kind != "galleries" && kind != "infographics" {
		return "", dateline.Errorf(dateline.ENOTFOUND, "There is no newsroom page at this address.")
	}
	return kind, nil
}

// loadCollection reads a gallery or an infographic. Returns ENOTFOUND.
func (s *library) loadCollection(ctx context.Context, kind string, id int64) (*collection, error) {
	c := &collection{Kind: kind, ID: id}
	if kind == "galleries" {
		g, err := s.store.Gallery(ctx, id)
		if err != nil {
			return nil, err
		}
		c.URI, c.Section, c.Title, c.Text, c.Photos, c.Status, c.PublishedAt = g.URI, g.Section, g.Title, g.Lead, g.Photos, g.Status, g.PublishedAt
		return c, nil
	}
	g, err := s.store.Infographic(ctx, id)
	if err != nil {
		return nil, err
	}
	c.URI, c.Section, c.Title, c.Text, c.Photos, c.Status, c.PublishedAt = g.URI, g.Section, g.Title, htmlText(g.Text), g.Images, g.Status, g.PublishedAt
	return c, nil
}

// saveCollection stores c, a new one (no ID) under a new URI.
func (s *library) saveCollection(ctx context.Context, c *collection) error {
	if c.URI == "" {
		c.URI = "urn:dateline:" + c.Kind + ":" + strings.ToLower(auth.Token()[:22])
	}
	now := s.now()
	if c.Kind == "galleries" {
		g := &dateline.Gallery{ID: c.ID, URI: c.URI, Section: c.Section, Title: c.Title, Lead: ingest.PlainText(c.Text),
			PublishedAt: c.PublishedAt, Photos: c.Photos, Status: c.Status}
		err := s.store.SaveGallery(ctx, g, now)
		c.ID = g.ID
		return err
	}
	g := &dateline.Infographic{ID: c.ID, URI: c.URI, Section: c.Section, Title: c.Title, Text: ingest.SanitizeHTML(ingest.TextToHTML(c.Text)),
		PublishedAt: c.PublishedAt, Images: c.Photos, Status: c.Status}
	err := s.store.SaveInfographic(ctx, g, now)
	c.ID = g.ID
	return err
}

// htmlText turns an infographic's stored paragraphs back into the text
// typed for them, paragraphs apart by a blank line.
func htmlText(h string) string {
	var paras []string
	for _, p := range strings.Split(h, "</p>") {
		if t := ingest.PlainText(p); t != "" {
			paras = append(paras, t)
		}
	}
	return strings.Join(paras, "\n\n")
}

type collectionsPage struct {
	Kind     string
	Noun     string
	Existing []*collection
	Library  []dateline.Photo
	New      *collection // the new one's form, with what was typed
	Error    string
}

type collectionPage struct {
	C       *collection
	Library []dateline.Photo // photos that can be added
	Error   string
}

func (s *library) handleCollections(w http.ResponseWriter, r *http.Request) error {
	kind, err := collectionKind(r)
	if err != nil {
		return err
	}
	c := &collection{Kind: kind}
	if secs := s.site.Sections(); len(secs) > 0 {
		c.Section = secs[0].Slug
	}
	return s.collections(w, r, http.StatusOK, c, "")
}

// collections shows the list of kind and the form for a new one, filled
// with c, with the error msg.
func (s *library) collections(w http.ResponseWriter, r *http.Request, code int, c *collection, msg string) error {
	ctx := r.Context()
	p := collectionsPage{Kind: c.Kind, Noun: c.Noun(), New: c, Error: msg}
	if c.Kind == "galleries" {
		gs, err := s.store.AllGalleries(ctx, 100)
		if err != nil {
			return err
		}
		for _, g := range gs {
			p.Existing = append(p.Existing, &collection{Kind: c.Kind, ID: g.ID, Count: g.PhotoCount,
				Collection: newsroom.Collection{Title: g.Title, Status: g.Status, PublishedAt: g.PublishedAt}})
		}
	} else {
		is, err := s.store.AllInfographics(ctx, 100)
		if err != nil {
			return err
		}
		for _, g := range is {
			p.Existing = append(p.Existing, &collection{Kind: c.Kind, ID: g.ID, Count: len(g.Images),
				Collection: newsroom.Collection{Title: g.Title, Status: g.Status, PublishedAt: g.PublishedAt}})
		}
	}
	lib, err := s.store.Photos(ctx, dateline.PhotoFilter{Limit: 60})
	if err != nil {
		return err
	}
	p.Library = lib
	title := "Galleries"
	if c.Kind == "infographics" {
		title = "Infographics"
	}
	s.renderNewsroomView(w, r, code, "collections", &nrView{Title: title, Session: sessionOf(r), Nav: c.Kind, Data: p})
	return nil
}

// handleCreateCollection makes a gallery or an infographic from photos of
// the library, in the order their position fields give: a draft, or
// published at once ("publish").
func (s *library) handleCreateCollection(w http.ResponseWriter, r *http.Request) error {
	kind, err := collectionKind(r)
	if err != nil {
		return err
	}
	c := &collection{Kind: kind}
	action, err := s.readCollection(r, c)
	if err == nil {
		err = newsroom.SettleCollection(&c.Collection, action, s.now())
	}
	if err == nil {
		err = s.saveCollection(r.Context(), c)
	}
	if err != nil {
		return s.refuseCollection(w, r, err, func(code int, msg string) error { return s.collections(w, r, code, c, msg) })
	}
	s.site.Changed()
	s.audit(r.Context(), sessionOf(r).User, c.Noun()+".create", c.Kind+" "+strconv.FormatInt(c.ID, 10), c.Title)
	if c.Status == dateline.StatusPublished {
		http.Redirect(w, r, c.PublicURL(), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/newsroom/"+kind+"/"+strconv.FormatInt(c.ID, 10)+"?done=saved", http.StatusSeeOther)
	return nil
}

// refuseCollection shows the form again, with what was typed, for a
// refusal of the rules or the form; other errors go to the error page.
func (s *library) refuseCollection(w http.ResponseWriter, r *http.Request, err error, again func(code int, msg string) error) error {
	switch code := dateline.ErrorCode(err); code {
	case dateline.EINVALID, dateline.ENOTFOUND, dateline.EUNPROCESSABLE:
		return again(http.StatusBadRequest, dateline.ErrorMessage(err))
	}
	return err
}

// collectionAt reads the gallery or infographic the path names. Returns
// ENOTFOUND.
func (s *library) collectionAt(r *http.Request) (*collection, error) {
	kind, err := collectionKind(r)
	if err != nil {
		return nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.loadCollection(r.Context(), kind, id)
}

func (s *library) handleCollection(w http.ResponseWriter, r *http.Request) error {
	c, err := s.collectionAt(r)
	if err != nil {
		return err
	}
	return s.collection(w, r, http.StatusOK, c, "")
}

// collection shows the edit page of c, with the error msg.
func (s *library) collection(w http.ResponseWriter, r *http.Request, code int, c *collection, msg string) error {
	lib, err := s.store.Photos(r.Context(), dateline.PhotoFilter{Limit: 60})
	if err != nil {
		return err
	}
	p := collectionPage{C: c, Error: msg}
	for _, ph := range lib {
		if !slices.ContainsFunc(c.Photos, func(x dateline.Photo) bool { return x.ID == ph.ID }) {
			p.Library = append(p.Library, ph)
		}
	}
	s.renderNewsroomView(w, r, code, "collection", &nrView{Title: "Edit the " + c.Noun(), Session: sessionOf(r), Nav: c.Kind, Data: p})
	return nil
}

// handleSaveCollection saves an edit of a gallery or an infographic:
// words, captions and credits, the photos' order, removals and additions,
// and publishes or withdraws it when asked.
func (s *library) handleSaveCollection(w http.ResponseWriter, r *http.Request) error {
	c, err := s.collectionAt(r)
	if err != nil {
		return err
	}
	ctx, kind, id := r.Context(), c.Kind, c.ID
	action := r.PostFormValue("action")
	if action == newsroom.CollectionWithdraw {
		if r.PostFormValue("confirm") == "" {
			err = dateline.Errorf(dateline.EINVALID, "Tick the box to confirm the withdrawal.")
		}
	} else {
		action, err = s.readCollection(r, c)
	}
	if err == nil {
		err = newsroom.SettleCollection(&c.Collection, action, s.now())
	}
	if err == nil {
		err = s.saveCollection(ctx, c)
	}
	if err != nil {
		return s.refuseCollection(w, r, err, func(code int, msg string) error { return s.collection(w, r, code, c, msg) })
	}
	s.site.Changed()
	s.audit(ctx, sessionOf(r).User, c.Noun()+"."+action, kind+" "+strconv.FormatInt(id, 10), c.Title)
	done := map[string]string{newsroom.CollectionPublish: "shown", newsroom.CollectionWithdraw: "taken-off"}[action]
	if done == "" {
		done = "saved"
	}
	http.Redirect(w, r, "/newsroom/"+kind+"/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
	return nil
}

// readCollection reads the form into c: title, text, section, the photos
// it keeps (item, with their order, caption and credit, unless removed)
// and those it adds (photo, with their order), and returns the action.
// Whatever it refuses, c holds what was typed.
func (s *library) readCollection(r *http.Request, c *collection) (string, error) {
	f := r.PostForm
	c.Title, c.Text = ingest.PlainText(f.Get("title")), strings.TrimSpace(f.Get("text"))
	if sec := f.Get("section"); sec != "" || c.ID == 0 {
		c.Section = sec
	}
	action := f.Get("action")
	if action == "" {
		action = newsroom.CollectionSave
	}
	photos, err := s.formPhotos(r.Context(), f, c.Photos)
	if err != nil {
		return action, err
	}
	c.Photos = photos
	if !s.hasSection(c.Section) {
		return action, dateline.Errorf(dateline.EINVALID, "Choose a section from the list.")
	}
	return action, nil
}

// formPhotos reads the photos of a collection's form in the order of
// their position fields: those it had (item), with the caption and credit
// typed for each, unless ticked for removal, and those added from the
// library (photo). Ties keep the form's order.
func (s *library) formPhotos(ctx context.Context, f url.Values, had []dateline.Photo) ([]dateline.Photo, error) {
	type pick struct {
		pos float64
		id  int64
	}
	var picks []pick
	read := func(v string, fallback float64) error {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return dateline.Errorf(dateline.EINVALID, "Choose photos from the library.")
		}
		pos, err := strconv.ParseFloat(f.Get("pos-"+v), 64)
		if err != nil {
			pos = fallback
		}
		if !slices.ContainsFunc(picks, func(p pick) bool { return p.id == id }) {
			picks = append(picks, pick{pos, id})
		}
		return nil
	}
	for i, v := range f["item"] {
		if f.Get("remove-"+v) != "" {
			continue
		}
		if err := read(v, float64(i+1)); err != nil {
			return had, err
		}
	}
	for i, v := range f["photo"] {
		if err := read(v, float64(1000+i)); err != nil {
			return had, err
		}
	}
	if len(picks) > 200 {
		return had, dateline.Errorf(dateline.EINVALID, "Keep 1 to 200 photos in it.")
	}
	slices.SortStableFunc(picks, func(a, b pick) int { return cmp.Compare(a.pos, b.pos) })
	photos := make([]dateline.Photo, 0, len(picks))
	for _, pk := range picks {
		p, err := s.store.Photo(ctx, pk.id)
		if err != nil {
			return had, err
		}
		v := strconv.FormatInt(pk.id, 10)
		if _, ok := f["caption-"+v]; ok {
			p.Caption, p.Credit = ingest.PlainText(f.Get("caption-"+v)), ingest.PlainText(f.Get("credit-"+v))
		}
		photos = append(photos, *p)
	}
	return photos, nil
}
