package site

import (
	"context"
	"net/http"
	"strconv"

	"dateline"
	"dateline/http/site/kit"
	"dateline/http/web"
)

// Galleries and infographics.

type galleriesPage struct {
	*kit.Base
	Galleries []dateline.Gallery
}

type galleryPage struct {
	*kit.Base
	Gallery *dateline.Gallery
}

type infographicsPage struct {
	*kit.Base
	Infographics []dateline.Infographic
}

type infographicPage struct {
	*kit.Base
	Infographic *dateline.Infographic
}

func (s *Pages) handleGalleries(w http.ResponseWriter, r *http.Request) {
	z := s.Zone(r)
	s.ServePage(w, r, web.Key{Kind: "galleries", Zone: z.Key()}, func(ctx context.Context) (*web.Page, error) {
		gs, err := s.store.Galleries(ctx, 60)
		if err != nil {
			return nil, err
		}
		v := s.NewBase(r, translate(s.Lang(r), "Photo"))
		d := galleriesPage{Base: v, Galleries: gs}
		v.Canonical = dateline.EditionPath(s.Lang(r)) + "/photo/"
		return s.HTMLPage("galleries", d, http.StatusOK, s.LastModified())
	})
}

func (s *Pages) handleGallery(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no gallery at this address."))
		return
	}
	z := s.Zone(r)
	s.ServePage(w, r, web.Key{Kind: "gallery", N: id, Zone: z.Key()}, func(ctx context.Context) (*web.Page, error) {
		g, err := s.store.Gallery(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := collectionShown(g.Status, "gallery"); err != nil {
			return nil, err
		}
		v := s.NewBase(r, g.Title)
		if v.Sidebar, err = sidebar(ctx, s.store, s.Sections(), v.Lang); err != nil {
			return nil, err
		}
		d := galleryPage{Base: v, Gallery: g}
		v.Canonical, v.Description = dateline.EditionPath(s.Lang(r))+"/photo/"+strconv.FormatInt(id, 10), g.Lead
		return s.HTMLPage("gallery", d, http.StatusOK, s.LastModified())
	})
}

func (s *Pages) handleInfographics(w http.ResponseWriter, r *http.Request) {
	z := s.Zone(r)
	s.ServePage(w, r, web.Key{Kind: "infographics", Zone: z.Key()}, func(ctx context.Context) (*web.Page, error) {
		gs, err := s.store.Infographics(ctx, 60)
		if err != nil {
			return nil, err
		}
		v := s.NewBase(r, translate(s.Lang(r), "Infographics"))
		d := infographicsPage{Base: v, Infographics: gs}
		v.Canonical = dateline.EditionPath(s.Lang(r)) + "/infographics/"
		return s.HTMLPage("infographics", d, http.StatusOK, s.LastModified())
	})
}

func (s *Pages) handleInfographic(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no infographic at this address."))
		return
	}
	z := s.Zone(r)
	s.ServePage(w, r, web.Key{Kind: "infographic", N: id, Zone: z.Key()}, func(ctx context.Context) (*web.Page, error) {
		g, err := s.store.Infographic(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := collectionShown(g.Status, "infographic"); err != nil {
			return nil, err
		}
		v := s.NewBase(r, g.Title)
		if v.Sidebar, err = sidebar(ctx, s.store, s.Sections(), v.Lang); err != nil {
			return nil, err
		}
		d := infographicPage{Base: v, Infographic: g}
		v.Canonical, v.Description = dateline.EditionPath(s.Lang(r))+"/infographics/"+strconv.FormatInt(id, 10), g.Text
		return s.HTMLPage("infographic", d, http.StatusOK, s.LastModified())
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

// sidebarSize is how many stories the third column's news feed lists.
const sidebarSize = 10

// sidebar reads the newest stories of edition lang for Base.Sidebar.
func sidebar(ctx context.Context, store interface {
	Articles(ctx context.Context, f dateline.ArticleFilter) ([]dateline.Article, error)
}, secs *kit.Sections, lang string) ([]dateline.Article, error) {
	return store.Articles(ctx, dateline.ArticleFilter{Sections: secs.Filter(lang), Limit: sidebarSize})
}
