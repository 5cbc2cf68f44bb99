package site

import (
	"context"
	"net/http"
	"strconv"

	"dateline"
	"dateline/http/web"
)

// Galleries and infographics.

type galleriesPage struct {
	*Base
	Galleries []dateline.Gallery
}

type galleryPage struct {
	*Base
	Gallery *dateline.Gallery
}

type infographicsPage struct {
	*Base
	Infographics []dateline.Infographic
}

type infographicPage struct {
	*Base
	Infographic *dateline.Infographic
}

func (s *Pages) handleGalleries(w http.ResponseWriter, r *http.Request) {
	z := s.Zone(r)
	s.servePage(w, r, web.Key{Kind: "galleries", Zone: z.key()}, func(ctx context.Context) (*web.Page, error) {
		gs, err := s.store.Galleries(ctx, 60)
		if err != nil {
			return nil, err
		}
		v := s.newBase(r, translate(s.lang(r), "Photo"))
		d := galleriesPage{Base: v, Galleries: gs}
		v.Canonical = prefix(s.lang(r)) + "/photo/"
		return s.htmlPage("galleries", d, http.StatusOK, s.lastModified())
	})
}

func (s *Pages) handleGallery(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no gallery at this address."))
		return
	}
	z := s.Zone(r)
	s.servePage(w, r, web.Key{Kind: "gallery", N: id, Zone: z.key()}, func(ctx context.Context) (*web.Page, error) {
		g, err := s.store.Gallery(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := collectionShown(g.Status, "gallery"); err != nil {
			return nil, err
		}
		v := s.newBase(r, g.Title)
		if v.Sidebar, err = sidebar(ctx, s.store, s.sections, v.Lang); err != nil {
			return nil, err
		}
		d := galleryPage{Base: v, Gallery: g}
		v.Canonical, v.Description = prefix(s.lang(r))+"/photo/"+strconv.FormatInt(id, 10), g.Lead
		return s.htmlPage("gallery", d, http.StatusOK, s.lastModified())
	})
}

func (s *Pages) handleInfographics(w http.ResponseWriter, r *http.Request) {
	z := s.Zone(r)
	s.servePage(w, r, web.Key{Kind: "infographics", Zone: z.key()}, func(ctx context.Context) (*web.Page, error) {
		gs, err := s.store.Infographics(ctx, 60)
		if err != nil {
			return nil, err
		}
		v := s.newBase(r, translate(s.lang(r), "Infographics"))
		d := infographicsPage{Base: v, Infographics: gs}
		v.Canonical = prefix(s.lang(r)) + "/infographics/"
		return s.htmlPage("infographics", d, http.StatusOK, s.lastModified())
	})
}

func (s *Pages) handleInfographic(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no infographic at this address."))
		return
	}
	z := s.Zone(r)
	s.servePage(w, r, web.Key{Kind: "infographic", N: id, Zone: z.key()}, func(ctx context.Context) (*web.Page, error) {
		g, err := s.store.Infographic(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := collectionShown(g.Status, "infographic"); err != nil {
			return nil, err
		}
		v := s.newBase(r, g.Title)
		if v.Sidebar, err = sidebar(ctx, s.store, s.sections, v.Lang); err != nil {
			return nil, err
		}
		d := infographicPage{Base: v, Infographic: g}
		v.Canonical, v.Description = prefix(s.lang(r))+"/infographics/"+strconv.FormatInt(id, 10), g.Text
		return s.htmlPage("infographic", d, http.StatusOK, s.lastModified())
	})
}

// collectionShown answers for a gallery or infographic readers may not
// see: a draft is not there (404), a withdrawn one is gone (410).
func collectionShown(st dateline.Status, kind string) error {
	switch st {
	case dateline.StatusPublished:
		return nil
	case dateline.StatusWithdrawn:
		return dateline.Errorf(dateline.EGONE, "This %s was withdrawn.", kind)
	}
	return dateline.Errorf(dateline.ENOTFOUND, "There is no %s at this address.", kind)
}
