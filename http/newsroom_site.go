package http

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"dateline"
	"dateline/http/newsroom"
)

type ctxKey int

// bucket is a token bucket's state.
type bucket struct {
	tokens float64
	at     time.Time
}

func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(s.cfg.BaseURL, "https://")
}

func optionalID(v, what string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, dateline.Errorf(dateline.EINVALID, "The %s is chosen from the list, not %q.", what, truncate(v, 20))
	}
	return id, nil
}

// newsroomSite is what the newsroom (package http/newsroom) needs of the
// site it edits.
type newsroomSite struct{ s *Server }

var _ newsroom.Site = newsroomSite{}

func (n newsroomSite) Sections() []dateline.Section                            { return n.s.sectionList() }
func (n newsroomSite) Zone(r *http.Request) newsroom.Zone                      { return n.s.zone(r) }
func (n newsroomSite) Changed()                                                { n.s.Changed() }
func (n newsroomSite) ArticleURL(a dateline.Article) string                    { return n.s.articleURL(a) }
func (n newsroomSite) Error(w http.ResponseWriter, r *http.Request, err error) { n.s.error(w, r, err) }

func (n newsroomSite) Render(buf *bytes.Buffer, page string, data any) error {
	return n.s.tmpl.executeNewsroom(buf, page, data)
}

// Preview renders a draft as its story page.
func (n newsroomSite) Preview(r *http.Request, a *dateline.Article) ([]byte, error) {
	s := n.s
	if sec := s.section(a.Section); sec != nil {
		a.SectionName = sec.Name
	}
	z := s.zone(r)
	dp := articlePage{A: a, URL: s.cfg.BaseURL + "/preview", Page: 1, PageCount: max(1, len(a.Pages)), Body: s.articleBody(a, 1, z), Preview: true}
	for i := 2; i <= len(a.Pages); i++ {
		dp.MorePages = append(dp.MorePages, s.articleBody(a, i, z))
	}
	v := s.view(r, "Preview: "+a.Headline, dp)
	v.Lang, v.Active, v.Robots = a.Lang, a.Section, "noindex"
	return s.render(r, "article", v)
}

// Location and When make zone the newsroom's Zone.
func (z zone) Location() *time.Location { return z.Loc }
func (z zone) When(t time.Time) string  { return when(z, t) }
