package newsroom

import (
	"net/http"
	"strings"

	"dateline"
	"dateline/http/web"
)

// --- the editor's JSON helpers ---

func (s *desk) handleAPIArticles(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if !validText(q) || len(q) > 200 {
		s.newsroomError(w, r, http.StatusBadRequest, "The search words must be text of at most 200 characters.")
		return nil
	}
	as, err := s.store.DeskArticles(r.Context(), dateline.DeskFilter{Query: q, Limit: 20, VisibleTo: visibleTo(sessionOf(r).User)})
	if err != nil {
		return err
	}
	z := s.site.Zone(r)
	out := []map[string]any{}
	for _, a := range as {
		if a.Status == dateline.StatusWithdrawn {
			continue
		}
		var pub string
		if !a.PublishedAt.IsZero() {
			pub = a.PublishedAt.In(z.Location()).Format("2 January 2006, 15:04")
		}
		out = append(out, map[string]any{"id": a.ID, "headline": a.Headline, "url": s.site.ArticleURL(a), "section": a.SectionName, "status": a.Status, "published": pub})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (s *desk) handleAPITags(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	prefix := strings.TrimSpace(q.Get("q"))
	if !validText(prefix) || len(prefix) > 100 {
		s.newsroomError(w, r, http.StatusBadRequest, "The name must be text of at most 100 characters.")
		return nil
	}
	out := []map[string]string{}
	if prefix != "" {
		ts, err := s.store.TagSuggest(r.Context(), q.Get("kind"), prefix, 10)
		if err != nil {
			return err
		}
		editor := sessionOf(r).User.Role.CanPublish()
		for _, t := range ts {
			if !editor {
				// A name only an embargoed or unpublished story gave is
				// for the editors, like the story.
				kind := dateline.TagTopic
				if q.Get("kind") == "persons" {
					kind = dateline.TagPerson
				}
				ok, err := s.store.TagPublished(r.Context(), kind, t.Slug)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
			}
			out = append(out, map[string]string{"name": t.Name, "slug": t.Slug})
		}
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
