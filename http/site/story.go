package site

import (
	"context"
	"net/http"
	"net/url"

	"dateline"
	"dateline/http/site/kit"
	"dateline/http/syndication"
	"dateline/http/web"
)

// Running stories.

type storyPage struct {
	*kit.Base
	S    *dateline.Story
	Feed feedList
}

// handleStoryPage is a running story: the editors' introduction and the
// timeline of its articles.
func (s *Pages) handleStoryPage(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	if len(slug) > 100 || dateline.Slugify(slug) != slug {
		s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no story page at this address."))
		return
	}
	z := s.Zone(r)
	s.ServePage(w, r, web.Key{Kind: "story", A: slug, Zone: z.Key()}, func(ctx context.Context) (*web.Page, error) {
		st, err := s.store.Story(ctx, slug)
		if err != nil {
			return nil, err
		}
		fl, err := s.feedList(ctx, st.Articles, url.Values{}, z, false)
		if err != nil {
			return nil, err
		}
		d := storyPage{S: st, Feed: fl}
		v := s.NewBase(r, st.Title)
		if v.Sidebar, err = sidebar(ctx, s.store, s.Sections(), v.Lang); err != nil {
			return nil, err
		}
		d.Base = v
		v.Canonical = dateline.EditionPath(s.Lang(r)) + "/stories/" + slug
		v.StoryFeed = syndication.Path(v.Lang, syndication.Story, slug)
		v.Live = &kit.LiveBox{Mode: "banner"}
		v.Description = firstParagraph(st.Intro)
		return s.HTMLPage("story", d, http.StatusOK, s.LastModified())
	})
}
