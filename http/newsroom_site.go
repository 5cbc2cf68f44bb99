package http

import (
	"bytes"
	"net/http"

	"dateline"
	"dateline/http/newsroom"
)

// newsroomSite is what the newsroom (package http/newsroom) needs of the
// site it edits.
type newsroomSite struct{ s *Server }

var _ newsroom.Site = newsroomSite{}

func (n newsroomSite) Sections() []dateline.Section { return n.s.site.Sections.List() }
func (n newsroomSite) Zone(r *http.Request) newsroom.Zone {
	return n.s.kit.ReaderZone(r)
}
func (n newsroomSite) Changed()                             { n.s.Changed() }
func (n newsroomSite) StoriesChanged()                      { n.s.StoriesChanged() }
func (n newsroomSite) ArticleURL(a dateline.Article) string { return n.s.site.Sections.ArticleURL(a) }
func (n newsroomSite) Error(w http.ResponseWriter, r *http.Request, err error) {
	n.s.kit.Error(w, r, err)
}

func (n newsroomSite) Render(buf *bytes.Buffer, page string, data any) error {
	return n.s.kit.RenderNewsroom(buf, page, data)
}

// Preview renders a draft as its story page.
func (n newsroomSite) Preview(r *http.Request, a *dateline.Article) ([]byte, error) {
	return n.s.site.Pages.Preview(r, a)
}
