package site

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"dateline"
	"dateline/http/site/kit"
	"dateline/http/site/liveview"
	"dateline/http/syndication"
	"dateline/http/web"
	"dateline/i18n"
	"dateline/related"
)

type articlePage struct {
	*kit.Base
	A         *dateline.Article
	URL       string
	Page      int
	PageCount int
	Body      *bodyPage
	Latest    []dateline.Article
	Stories   []dateline.Story // running stories it belongs to
	Related   []related.Story
	MostRead  *mostReadBox
	// The side column's blocks, as on the agency's own story pages: the
	// edition's top stories, and (main edition) the newest galleries and
	// infographics.
	Top          []topView
	Galleries    []dateline.Gallery
	Infographics []dateline.Infographic
	Preview      bool // the newsroom's preview: every page at once
	MorePages    []*bodyPage
	// Translations are the story in every edition, itself first; empty
	// when it has none.
	Translations []kit.Alternate
	// Live is the story's live coverage, nil for a story never live.
	Live *liveview.Blog
}

func (s *Pages) handleArticle(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("section")
	if !s.Sections().Has(slug) {
		s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no page at this address."))
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no article at this address."))
		return
	}
	n := 1
	lq := liveview.Query{Order: liveview.Newest, Page: 1}
	if r.URL.RawQuery != "" {
		q, err := kit.Query(r)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if lq, err = liveview.ParseQuery(q); err != nil {
			s.Error(w, r, err)
			return
		}
		if v := q.Get("page"); v != "" || q.Has("page") {
			n, err = strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				s.Error(w, r, dateline.Errorf(dateline.EINVALID, "The page number must be a whole number from 1."))
				return
			}
		}
	}
	z := s.Zone(r)
	key := web.Key{Kind: "article", A: slug, N: id, M: int64(n), B: lq.Key(), Zone: z.Key()}
	s.ServePage(w, r, key, func(ctx context.Context) (*web.Page, error) {
		a, err := s.store.Article(ctx, id)
		if err != nil {
			return nil, err
		}
		// A story readers never saw answers as if it never existed; one
		// they saw and that was taken off says so at its own address
		// only, so that trying ids under other sections learns nothing.
		canonical := a.Section == slug && s.Sections().EditionOf(a.Section) == s.Lang(r)
		switch a.Status {
		case dateline.StatusPublished:
		case dateline.StatusWithdrawn, dateline.StatusWithheld:
			if !a.WasPublic() || !canonical {
				return nil, dateline.Errorf(dateline.ENOTFOUND, "There is no article at this address.")
			}
			return s.takenOffPage(r, a, z)
		default:
			return nil, dateline.Errorf(dateline.ENOTFOUND, "There is no article at this address.")
		}
		if !canonical {
			return &web.Page{Status: http.StatusMovedPermanently, Location: s.Sections().ArticleURL(*a), Body: []byte("Moved.\n"), Type: "text/plain; charset=utf-8", CacheFor: 10}, nil
		}
		pages := max(1, len(a.Pages))
		if n > pages {
			return nil, dateline.Errorf(dateline.ENOTFOUND, "This article has %s.", plural(pages, "page", "pages"))
		}
		lang := s.Lang(r)
		side, err := s.side.Get(ctx, s.Kit, lang, func(ctx context.Context) (*sideColumn, error) {
			return s.sideColumn(ctx, lang)
		})
		if err != nil {
			return nil, err
		}
		stories, err := s.store.StoriesOf(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		rel, err := s.related(ctx, a)
		if err != nil {
			return nil, err
		}
		translations, err := s.store.Translations(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		url := s.Config().BaseURL + s.Sections().ArticleURL(*a)
		blog, err := liveview.Load(ctx, s.store, a.ID, s.Sections().ArticleURL(*a), lq)
		if err != nil {
			return nil, err
		}
		if blog == nil && lq.Key() != "" {
			// no pages of posts on a story never live
			return nil, dateline.Errorf(dateline.ENOTFOUND, "This story was never covered live.")
		}
		latest := without(side.Latest, a.ID)
		top := slices.DeleteFunc(slices.Clone(side.Top), func(v topView) bool { return !v.Story && v.Article.ID == a.ID })
		d := articlePage{A: a, URL: url, Live: blog, Page: n, PageCount: pages,
			Body: s.withArticleAd(s.articleBody(a, n, z), a.Lang), Latest: latest[:min(10, len(latest))], Stories: stories, Related: rel, MostRead: side.MostRead,
			Top: top[:min(5, len(top))], Galleries: side.Galleries, Infographics: side.Infographics,
			Translations: s.Sections().Alternates(a, translations)}
		v := s.NewBase(r, a.Headline)
		d.Base = v
		v.Active, v.Description = a.Section, metaDescription(a)
		v.Alternates = d.Translations
		v.Live = &kit.LiveBox{Mode: "banner"}
		v.Canonical = s.Sections().ArticleURL(*a)
		v.StoryFeed = syndication.Path(v.Lang, syndication.Versions, v.Canonical)
		if n > 1 {
			v.Canonical += "?page=" + strconv.Itoa(n)
		}
		if blog != nil {
			v.Canonical = lq.Address(v.Canonical)
		}
		// The page shows the latest news beside the story, so any change
		// to the site may change it.
		return s.HTMLPage("article", d, http.StatusOK, s.LastModified())
	})
}

// sideColumn is what every story page of an edition shows beside the
// story: the latest news, the most read, the edition's top stories, and
// in the main edition the newest galleries and infographics. Pages read
// it through the memo Pages.side, once per change of the site, and leave
// out the story itself.
type sideColumn struct {
	Latest       []dateline.Article // one more than shown, for the story itself
	MostRead     *mostReadBox
	Top          []topView // six at most, for the same reason
	Galleries    []dateline.Gallery
	Infographics []dateline.Infographic
}

func (s *Pages) sideColumn(ctx context.Context, lang string) (*sideColumn, error) {
	var c sideColumn
	var err error
	if c.Latest, err = s.store.Articles(ctx, dateline.ArticleFilter{Sections: s.Sections().Filter(lang), Limit: 11}); err != nil {
		return nil, err
	}
	if c.MostRead, err = s.mostReadBlock(ctx, lang); err != nil {
		return nil, err
	}
	items, err := s.store.EditionTop(ctx, lang)
	if err != nil {
		return nil, err
	}
	c.Top = s.topViews(items)
	c.Top = c.Top[:min(6, len(c.Top))]
	if lang != dateline.LangMain {
		return &c, nil
	}
	if c.Galleries, err = s.store.Galleries(ctx, 2); err != nil {
		return nil, err
	}
	if c.Infographics, err = s.store.Infographics(ctx, 2); err != nil {
		return nil, err
	}
	return &c, nil
}

// without is the first ten of list but the story id.
func without(list []dateline.Article, id int64) []dateline.Article {
	out := make([]dateline.Article, 0, min(10, len(list)))
	for _, x := range list {
		if x.ID != id && len(out) < 10 {
			out = append(out, x)
		}
	}
	return out
}

// takenOffPage is the notice at the address of a story readers saw that
// is no longer public: 410 with its last public headline and the reason
// for a withdrawn (killed) story, 404 saying it is withheld for now for a
// withheld one (without its headline: the withheld version's words may
// not be the ones readers saw).
func (s *Pages) takenOffPage(r *http.Request, a *dateline.Article, z kit.Zone) (*web.Page, error) {
	lang := s.Lang(r)
	if a.Status == dateline.StatusWithheld {
		v := s.NewBase(r, translate(lang, "Withheld for now"))
		d := kit.ErrorPage{Base: v, Status: http.StatusNotFound, Withheld: true,
			Message: translate(lang, "The story at this address is withheld for now. It may be published again later.")}
		v.Robots = "noindex"
		return s.HTMLPage("error", d, http.StatusNotFound, s.LastModified())
	}
	v := s.NewBase(r, translate(lang, "Withdrawn"))
	d := kit.ErrorPage{Base: v, Status: http.StatusGone,
		Message:   translate(lang, "The story “%s” has been withdrawn and is no longer available.", a.Headline),
		Withdrawn: kit.Stamp(z, a.WithdrawnAt), Reason: a.WithdrawNote}
	v.Robots = "noindex"
	return s.HTMLPage("error", d, http.StatusGone, s.LastModified())
}

// bodyPage is one page of an article's body as the "body" template shows
// it: the stored HTML (with the dateline at its start on the first page)
// split after its second paragraph, where the "read-also" partial puts the
// editor's "Read also" links and the "adbox" partial the article slot's ad,
// as on the agency's own pages. A body with fewer paragraphs has them at
// its end.
type bodyPage struct {
	Head, Tail template.HTML // sanitised when stored
	Lang       string        // the reader's language, for the links' heading
	ReadAlso   []dateline.ArticleRef
	Ad         *dateline.Ad // the article slot's ad; nil for none
	AdLang     string       // the article's language, for the ad's label
}

// withArticleAd puts the article slot's ad in a page of an article's
// body.
func (s *Pages) withArticleAd(body *bodyPage, lang string) *bodyPage {
	body.Ad, body.AdLang = s.Ad(dateline.SlotArticle), lang
	return body
}

// articleBody is page n of the body.
func (s *Pages) articleBody(a *dateline.Article, n int, z kit.Zone) *bodyPage {
	var body string
	if len(a.Pages) >= n {
		body = a.Pages[n-1]
	}
	p := &bodyPage{Lang: z.Lang}
	if n == 1 {
		var b strings.Builder
		if a.Place != "" || s.Config().AgencyMark != "" {
			b.WriteString(`<span class="dateline">`)
			var line []string
			if a.Place != "" {
				line = append(line, strings.ToUpper(a.Place)+", ")
			}
			line = append(line, i18n.Date(i18n.Lang(z.Lang), a.PublishedAt.In(z.Loc))+".")
			if s.Config().AgencyMark != "" {
				line = append(line, " /"+s.Config().AgencyMark+"/.")
			}
			b.WriteString(escape(strings.Join(line, "")))
			b.WriteString(`</span> `)
		}
		mark := b.String()
		if strings.HasPrefix(body, "<p>") {
			body = "<p>" + mark + body[3:]
		} else if mark != "" {
			body = "<p>" + mark + "</p>" + body
		}
		for _, ref := range a.ReadAlso {
			if ref.ID != 0 && ref.ID != a.ID {
				p.ReadAlso = append(p.ReadAlso, ref)
			}
		}
	}
	at := len(body)
	if i := nthIndex(body, "</p>", 2); i >= 0 {
		at = i + len("</p>")
	}
	p.Head, p.Tail = template.HTML(body[:at]), template.HTML(body[at:]) // sanitised when stored
	return p
}

func nthIndex(s, sub string, n int) int {
	off := 0
	for i := 0; i < n; i++ {
		j := strings.Index(s[off:], sub)
		if j < 0 {
			return -1
		}
		if i == n-1 {
			return off + j
		}
		off += j + len(sub)
	}
	return -1
}

func escape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Preview renders a draft as its story page, every page at once, for the
// newsroom.
func (s *Pages) Preview(r *http.Request, a *dateline.Article) ([]byte, error) {
	if sec := s.Sections().Get(a.Section); sec != nil {
		a.SectionName = sec.Name
	}
	z := s.Zone(r)
	v := s.NewBase(r, "Preview: "+a.Headline)
	d := articlePage{Base: v, A: a, URL: s.Config().BaseURL + "/preview", Page: 1, PageCount: max(1, len(a.Pages)), Body: s.articleBody(a, 1, z), Preview: true}
	for i := 2; i <= len(a.Pages); i++ {
		d.MorePages = append(d.MorePages, s.articleBody(a, i, z))
	}
	v.Lang, v.Active, v.Robots = a.Lang, a.Section, "noindex"
	return s.Render("article", d)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
