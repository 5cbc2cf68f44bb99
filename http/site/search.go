package site

import (
	"context"
	"encoding/xml"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"dateline"
	"dateline/http/site/kit"
	"dateline/http/web"
	"dateline/search"
)

// SearchPages is the search page, its API document and the description
// browsers read to offer the site as a search engine.
type SearchPages struct {
	*kit.Kit
	store interface {
		Search(ctx context.Context, f dateline.SearchFilter) (dateline.SearchResult, error)
		Articles(ctx context.Context, f dateline.ArticleFilter) ([]dateline.Article, error)
	}
}

// searchPageSize is how many results a page shows.
const searchPageSize = 20

// searchRequest is a search as a reader or client asked for it.
type searchRequest struct {
	Q        string
	Section  string
	Topic    string
	Person   string
	From, To string // YYYY-MM-DD as typed
	Order    string // "relevance" or "date"
	Page     int

	query    search.Query
	from, to time.Time
}

// parseSearch reads and checks the parameters. Returns EINVALID with a
// message for the reader. An empty q is allowed when allowEmpty (the search
// page with no search yet).
func (s *SearchPages) parseSearch(r *http.Request, allowEmpty bool) (*searchRequest, error) {
	q, err := kit.Query(r)
	if err != nil {
		return nil, err
	}
	sr := &searchRequest{Q: strings.TrimSpace(q.Get("q")), Section: q.Get("section"), Topic: q.Get("topic"),
		Person: q.Get("person"), From: q.Get("from"), To: q.Get("to"), Order: q.Get("order"), Page: 1}
	if sr.Section != "" && !s.Sections().Has(sr.Section) {
		return sr, dateline.Errorf(dateline.EINVALID, "There is no section %q to search in.", kit.Truncate(sr.Section, 40))
	}
	for _, tag := range []string{sr.Topic, sr.Person} {
		if len(tag) > 200 || !web.ValidText(tag) {
			return sr, dateline.Errorf(dateline.EINVALID, "The topic or person is not valid.")
		}
	}
	switch sr.Order {
	case "", "relevance":
		sr.Order = "relevance"
	case "date":
	default:
		return sr, dateline.Errorf(dateline.EINVALID, "Order results by relevance or by date.")
	}
	if v := q.Get("page"); v != "" || q.Has("page") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > dateline.SearchDateDepth/searchPageSize {
			return sr, dateline.Errorf(dateline.EINVALID, "The page number must be a whole number from 1 to %d.", dateline.SearchDateDepth/searchPageSize)
		}
		sr.Page = n
	}
	for _, d := range []struct {
		in  string
		out *time.Time
	}{{sr.From, &sr.from}, {sr.To, &sr.to}} {
		if d.in == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", d.in)
		if err != nil || t.Year() < 1900 || t.Year() > 2999 {
			return sr, dateline.Errorf(dateline.EINVALID, "Dates are written as 2026-10-23.")
		}
		*d.out = t
	}
	if !sr.from.IsZero() && !sr.to.IsZero() && sr.from.After(sr.to) {
		return sr, dateline.Errorf(dateline.EINVALID, "The first date is after the last one.")
	}
	if sr.Q == "" && allowEmpty {
		return sr, nil
	}
	sr.query, err = search.Parse(sr.Q)
	return sr, err
}

func (s *SearchPages) runSearch(r *http.Request, sr *searchRequest) (dateline.SearchResult, error) {
	f := dateline.SearchFilter{Must: sr.query.Must, Not: sr.query.Not, Topic: sr.Topic, Person: sr.Person,
		From: sr.from, To: sr.to, ByDate: sr.Order == "date", Offset: (sr.Page - 1) * searchPageSize,
		Limit: searchPageSize, Now: s.Now()}
	if sr.Section != "" {
		f.Sections = []string{sr.Section}
	}
	start := time.Now()
	res, err := s.store.Search(r.Context(), f)
	s.Config().Metrics.Search(time.Since(start))
	return res, err
}

// Link is the address of another page of the same search.
func (sr *searchRequest) Link(page int) string {
	return sr.link(map[string]string{"page": strconv.Itoa(page)})
}

// link returns the search's address with some parameters changed.
func (sr *searchRequest) link(change map[string]string) string {
	v := url.Values{}
	set := func(k, val string) {
		if c, ok := change[k]; ok {
			val = c
		}
		if val != "" && !(k == "order" && val == "relevance") && !(k == "page" && val == "1") {
			v.Set(k, val)
		}
	}
	set("q", sr.Q)
	set("section", sr.Section)
	set("topic", sr.Topic)
	set("person", sr.Person)
	set("from", sr.From)
	set("to", sr.To)
	set("order", sr.Order)
	set("page", strconv.Itoa(sr.Page))
	return "/search?" + v.Encode()
}

type searchHit struct {
	A       dateline.Article
	Snippet template.HTML // escaped by search.Snippet, with <mark> around matches
}

type searchPage struct {
	*kit.Base
	Req       *searchRequest
	Error     string
	Searched  bool
	Hits      []searchHit
	Total     int
	Capped    bool
	Pages     []int
	Prev      string
	Next      string
	Filtered  bool
	NoFilters string
	Latest    []dateline.Article
}

func (s *SearchPages) handleSearch(w http.ResponseWriter, r *http.Request) {
	if s.OverLimit(w, r) { // every search is rendered afresh
		return
	}
	sr, err := s.parseSearch(r, true)
	d := searchPage{Req: sr}
	status := http.StatusOK
	if err != nil {
		if dateline.ErrorCode(err) == dateline.EINTERNAL {
			s.Error(w, r, err)
			return
		}
		status, d.Error = http.StatusBadRequest, dateline.ErrorMessage(err)
		if sr == nil {
			sr = &searchRequest{Order: "relevance", Page: 1}
			d.Req = sr
		}
	} else if sr.Q != "" {
		res, err := s.runSearch(r, sr)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		d.Searched, d.Total, d.Capped = true, res.Total, res.TotalCapped
		for _, h := range res.Hits {
			d.Hits = append(d.Hits, searchHit{A: h.Article, Snippet: template.HTML(search.Snippet(h.Text, sr.query, 240))})
		}
		pages := int(math.Ceil(float64(res.Ranked) / searchPageSize))
		for p := max(1, sr.Page-4); p <= min(pages, sr.Page+4); p++ {
			d.Pages = append(d.Pages, p)
		}
		if sr.Page > 1 {
			d.Prev = sr.link(map[string]string{"page": strconv.Itoa(sr.Page - 1)})
		}
		if sr.Page < pages {
			d.Next = sr.link(map[string]string{"page": strconv.Itoa(sr.Page + 1)})
		}
		d.Filtered = sr.Section != "" || sr.Topic != "" || sr.Person != "" || sr.From != "" || sr.To != ""
		if d.Filtered {
			d.NoFilters = sr.link(map[string]string{"section": "", "topic": "", "person": "", "from": "", "to": "", "page": ""})
		}
		if len(d.Hits) == 0 {
			d.Latest, _ = s.store.Articles(r.Context(), dateline.ArticleFilter{Sections: s.Sections().Filter(s.Lang(r)), Limit: 8})
		}
	}
	title := "News search"
	if sr.Q != "" {
		title = sr.Q + " — search"
	}
	v := s.NewBase(r, title)
	d.Base = v
	if d.Latest == nil {
		// The third column's feed; a search that found nothing lists
		// the latest news in the first already.
		v.Sidebar, _ = sidebar(r.Context(), s.store, s.Sections(), v.Lang)
	}
	v.Robots = "noindex, follow"
	v.Canonical = dateline.EditionPath(s.Lang(r)) + "/search"
	body, csp, err := s.RenderLive("search", d)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if csp != nil {
		w.Header()["Content-Security-Policy"] = csp
	}
	web.WriteHTML(w, status, "public, max-age=0, s-maxage=10", body)
}

// searchResultJSON is one result of GET /api/v1/search.
type searchResultJSON struct {
	ID          int64      `json:"id"`
	URL         string     `json:"url"`
	Headline    string     `json:"headline"`
	Lead        string     `json:"lead"`
	Section     string     `json:"section"`
	SectionName string     `json:"section_name"`
	Language    string     `json:"language"`
	Published   time.Time  `json:"published"`
	Updated     *time.Time `json:"updated,omitempty"`
	Snippet     string     `json:"snippet"`
}

// Doc answers GET /api/v1/search: the results as JSON.
func (s *SearchPages) Doc(r *http.Request) (any, error) {
	sr, err := s.parseSearch(r, false)
	if err != nil {
		return nil, err
	}
	res, err := s.runSearch(r, sr)
	if err != nil {
		return nil, err
	}
	out := struct {
		Query       string             `json:"query"`
		Total       int                `json:"total"`
		TotalCapped bool               `json:"total_capped"`
		Page        int                `json:"page"`
		Pages       int                `json:"pages"`
		Order       string             `json:"order"`
		Results     []searchResultJSON `json:"results"`
	}{Query: sr.Q, Total: res.Total, TotalCapped: res.TotalCapped, Page: sr.Page,
		Pages: int(math.Ceil(float64(res.Ranked) / searchPageSize)), Order: sr.Order, Results: []searchResultJSON{}}
	for _, h := range res.Hits {
		a := h.Article
		j := searchResultJSON{ID: a.ID, URL: s.Config().BaseURL + s.Sections().ArticleURL(a), Headline: a.Headline, Lead: a.Lead,
			Section: a.Section, SectionName: a.SectionName, Language: a.Lang, Published: a.PublishedAt,
			Snippet: search.Snippet(h.Text, sr.query, 240)}
		if !a.UpdatedAt.IsZero() {
			u := a.UpdatedAt
			j.Updated = &u
		}
		out.Results = append(out.Results, j)
	}
	return out, nil
}

// handleOpenSearch describes the search to browsers, which may then offer
// the site as a search engine.
func (s *SearchPages) handleOpenSearch(w http.ResponseWriter, r *http.Request) {
	type urlT struct {
		Type     string `xml:"type,attr"`
		Template string `xml:"template,attr"`
	}
	doc := struct {
		XMLName       xml.Name `xml:"http://a9.com/-/spec/opensearch/1.1/ OpenSearchDescription"`
		ShortName     string   `xml:"ShortName"`
		Description   string   `xml:"Description"`
		InputEncoding string   `xml:"InputEncoding"`
		Image         struct {
			Type   string `xml:"type,attr"`
			Width  int    `xml:"width,attr"`
			Height int    `xml:"height,attr"`
			URL    string `xml:",chardata"`
		} `xml:"Image"`
		URLs []urlT `xml:"Url"`
	}{ShortName: kit.Truncate(s.Config().SiteName, 16), Description: "Search the news of " + s.Config().SiteName, InputEncoding: "UTF-8",
		URLs: []urlT{
			{Type: "text/html", Template: s.Config().BaseURL + "/search?q={searchTerms}"},
			{Type: "application/json", Template: s.Config().BaseURL + "/api/v1/search?q={searchTerms}"},
		}}
	doc.Image.Type, doc.Image.Width, doc.Image.Height, doc.Image.URL = "image/svg+xml", 32, 32, s.Config().BaseURL+"/favicon.ico"
	out, _ := xml.MarshalIndent(doc, "", "  ")
	w.Header().Set("Content-Type", "application/opensearchdescription+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write([]byte(xml.Header))
	w.Write(out)
}
