package http

import (
	"context"
	"net/http"

	"dateline"
	"dateline/http/api"
	"dateline/wire"
)

// HashToken returns what the store keeps of a token's secret.
func HashToken(secret string) []byte { return api.HashToken(secret) }

// apiSite is what the API (package http/api) needs of the site.
type apiSite struct{ s *Server }

var _ api.Site = apiSite{}

func (a apiSite) HasSection(slug string) bool            { return a.s.site.Sections.Has(slug) }
func (a apiSite) ArticleURL(art dateline.Article) string { return a.s.site.Sections.ArticleURL(art) }
func (a apiSite) Changed()                               { a.s.Changed() }
func (a apiSite) Search(r *http.Request) (any, error)    { return a.s.site.Search.Doc(r) }
func (a apiSite) Rates(r *http.Request) (any, error)     { return a.s.currency.RatesDoc(r) }
func (a apiSite) Convert(r *http.Request) (any, error)   { return a.s.currency.ConvertDoc(r) }
func (a apiSite) Weather(r *http.Request) (any, error)   { return a.s.prefs.WeatherDoc(r) }

func (a apiSite) MostRead(ctx context.Context, p dateline.Period, section string) ([]dateline.Ranked, error) {
	reads := a.s.site.Reads
	ranked := reads.MostRead(p, section)
	if err := reads.StillPublished(ctx, &ranked); err != nil {
		return nil, err
	}
	return ranked, nil
}

func (a apiSite) Sections() []dateline.Section { return a.s.site.Sections.List() }

func (a apiSite) ArticlesRSS(title, self string, list []*dateline.Article, collections []wire.Collection) ([]byte, error) {
	return a.s.site.Feeds.ArticlesRSS(title, self, list, collections)
}
func (a apiSite) StoryURL(section string, id int64) string {
	return a.s.site.Sections.RefURL(section, id)
}
