package http

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
	"dateline/http/web"
	"dateline/i18n"
	"dateline/ingest"
	"dateline/related"
)

// feedPageSize is how many items one page of a feed shows.
const feedPageSize = 20

// servePage answers from the page cache, rendering the page first if it is
// not there. Pages that depend on content are kept until content changes.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, key web.Key, render func(ctx context.Context) (*web.Page, error)) {
	key.Lang = s.lang(r)
	// Pages with a zone show the header's clock: they are kept for the
	// minute they show, and shaped by the reader's city cookie if any.
	private := false
	if key.Zone != "" {
		key.Minute = s.now().Unix() / 60
		s.cache.Sweep(key.Minute)
		_, private = chosenCity(r)
	}
	if p := s.cache.Get(key); p != nil {
		p.Send(w, r, private)
		return
	}
	gen := s.cache.Gen()
	p, err := render(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	if key.Zone != "" && p.Vary == nil {
		p.Vary = web.VaryCookie
	}
	p.Finish()
	switch p.Status {
	case http.StatusOK, http.StatusGone, http.StatusMovedPermanently:
		s.cache.Put(key, p, gen)
	}
	p.Send(w, r, private)
}

// htmlPage renders a page template into a page.
func (s *Server) htmlPage(r *http.Request, name string, v *view, status int, modified time.Time) (*web.Page, error) {
	ads := s.currentAds()
	v.Ads = ads.slots
	body, err := s.render(r, name, v)
	if err != nil {
		return nil, err
	}
	return &web.Page{Status: status, Body: body, Modified: modified, CacheFor: 10, CSP: ads.csp}, nil
}

func (s *Server) lastModified() time.Time { return time.Unix(0, s.lastChange.Load()) }

// --- home ---

type sectionBlock struct {
	Section dateline.Section
	Items   []dateline.Article
}

// topView is a top story on the home page: an article, or a running story
// shown with its title, introduction and newest article's photo.
type topView struct {
	dateline.Article
	URL   string
	Story bool
}

func (s *Server) topViews(items []dateline.TopItem) []topView {
	out := make([]topView, 0, len(items))
	for _, it := range items {
		if it.Story == nil {
			out = append(out, topView{Article: *it.Article, URL: s.articleURL(*it.Article)})
			continue
		}
		v := topView{URL: "/stories/" + it.Story.Slug, Story: true}
		if len(it.Story.Articles) > 0 {
			v.Article = it.Story.Articles[0]
		}
		v.Headline, v.Lead = it.Story.Title, firstParagraph(it.Story.Intro)
		v.Breaking, v.Urgency = false, 5
		out = append(out, v)
	}
	return out
}

// firstParagraph is the text of an introduction's first paragraph.
func firstParagraph(html string) string {
	if i := strings.Index(html, "</p>"); i >= 0 {
		html = html[:i]
	}
	return ingest.BodyText(html)
}

type homePage struct {
	MostRead     *mostReadBlock
	Top          []topView
	Latest       []dateline.Article
	Blocks       []sectionBlock
	Galleries    []dateline.Gallery
	Infographics []dateline.Infographic
	// PartnerNews and OtherMedia are the newest entries of partner feeds
	// (http/partners.go).
	PartnerNews, OtherMedia []dateline.PartnerEntry
	Rates                   *ratesBox // exchange rates (http/rates.go); nil hides the block
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	if !s.editionOn(lang) {
		s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no page at this address."))
		return
	}
	z := s.zone(r)
	s.servePage(w, r, web.Key{Kind: "home", Zone: z.key()}, func(ctx context.Context) (*web.Page, error) {
		var d homePage
		var err error
		filter := s.editionFilter(lang)
		main := lang == dateline.LangMain
		if main {
			// Editors curate the main edition's top stories; the others
			// lead with their newest.
			top, err := s.store.TopStories(ctx)
			if err != nil {
				return nil, err
			}
			d.Top = s.topViews(top)
		}
		if d.Latest, err = s.store.Articles(ctx, dateline.ArticleFilter{Sections: filter, Limit: 15}); err != nil {
			return nil, err
		}
		if len(d.Top) == 0 {
			d.Top = s.topFromLatest(d.Latest, 5)
		}
		for _, sec := range s.sectionsOf(lang) {
			items, err := s.store.Articles(ctx, dateline.ArticleFilter{Sections: []string{sec.Slug}, Limit: 4})
			if err != nil {
				return nil, err
			}
			d.Blocks = append(d.Blocks, sectionBlock{Section: sec, Items: items})
		}
		if main {
			if d.Galleries, err = s.store.Galleries(ctx, 3); err != nil {
				return nil, err
			}
			if d.Infographics, err = s.store.Infographics(ctx, 4); err != nil {
				return nil, err
			}
			if err := s.partnerBlocks(ctx, &d); err != nil {
				return nil, err
			}
		}
		if d.Rates, err = s.homeRates(ctx, i18n.Lang(lang)); err != nil {
			return nil, err
		}
		if d.MostRead, err = s.mostReadBlock(ctx, lang); err != nil {
			return nil, err
		}
		v := s.view(r, "", d)
		v.Canonical = prefix(lang) + "/"
		v.Alternates = s.editionHomes()
		v.Live = &liveBox{Mode: "home", Sections: liveSections(filter...)}
		v.Description = translate(lang, "The latest news: %s.", strings.Join(sectionNames(v.Sections), ", "))
		return s.htmlPage(r, "home", v, http.StatusOK, s.lastModified())
	})
}

// topFromLatest makes a top list when editors have not curated one: the
// newest story with a photo leads.
func (s *Server) topFromLatest(latest []dateline.Article, n int) []topView {
	top := make([]topView, 0, n)
	for _, a := range latest[:min(n, len(latest))] {
		top = append(top, topView{Article: a, URL: s.articleURL(a)})
	}
	for i, a := range top {
		if a.Photo != nil {
			top[0], top[i] = top[i], top[0]
			break
		}
	}
	return top
}

func sectionNames(ss []dateline.Section) []string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = s.Name
	}
	return names
}

// --- feeds: all news, a section, a topic, a person ---

type feedList struct {
	Topics     map[int64]string // article id → its topics as JSON
	Groups     []dayGroup
	More       string
	OneSection bool
	Zone       zone
}

type filterOption struct {
	Slug, Name string
	Checked    bool
}

type feedPage struct {
	Heading      string
	SearchTopic  string // a search form within this topic or person
	SearchPerson string
	Intro        string
	Filter       []filterOption
	FilterOpen   bool
	FilterNote   string
	Feed         feedList
	Aside        []dateline.Section
}

// feedCookie remembers the reader's section filter for /news.
const feedCookie = "feed_sections"

func (s *Server) handleNews(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	if !s.editionOn(lang) {
		s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no page at this address."))
		return
	}
	// Each edition remembers its own filter.
	cookie := feedCookie
	if lang != dateline.LangMain {
		cookie += "_" + lang
	}
	q, err := query(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	before, err := cursorParam(q)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var filter []string
	switch {
	case q.Get("all") != "":
		http.SetCookie(w, &http.Cookie{Name: cookie, Value: "", Path: "/", MaxAge: -1, SameSite: http.SameSiteLaxMode})
	case q.Has("s") || q.Get("filter") != "":
		for _, slug := range q["s"] {
			if s.sectionIn(lang, slug) == nil {
				s.error(w, r, dateline.Errorf(dateline.EINVALID, "There is no section %q to filter by.", truncate(slug, 40)))
				return
			}
			if !slices.Contains(filter, slug) {
				filter = append(filter, slug)
			}
		}
		if len(filter) == len(s.sectionsOf(lang)) {
			filter = nil
		}
		c := &http.Cookie{Name: cookie, Value: strings.Join(filter, "."), Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true}
		if len(filter) == 0 {
			c.MaxAge, c.Value = -1, ""
		}
		http.SetCookie(w, c)
	default:
		if c, err := r.Cookie(cookie); err == nil {
			for _, slug := range strings.Split(c.Value, ".") {
				if s.sectionIn(lang, slug) != nil && !slices.Contains(filter, slug) {
					filter = append(filter, slug)
				}
			}
		}
	}
	slices.Sort(filter)
	z := s.zone(r)
	key := web.Key{Kind: "news", A: strings.Join(filter, "."), B: cursorKey(before), Zone: z.key()}
	s.servePage(w, r, key, func(ctx context.Context) (*web.Page, error) {
		read := filter
		if len(read) == 0 {
			read = s.editionFilter(lang)
		}
		items, err := s.store.Articles(ctx, dateline.ArticleFilter{Sections: read, Before: before, Limit: feedPageSize})
		if err != nil {
			return nil, err
		}
		more := url.Values{}
		for _, slug := range filter {
			more.Add("s", slug)
		}
		fl, err := s.feedList(ctx, items, more, z, false)
		if err != nil {
			return nil, err
		}
		d := feedPage{Heading: translate(lang, "News feed"), Feed: fl, Aside: s.sectionsOf(lang)}
		var names []string
		for _, sec := range s.sectionsOf(lang) {
			on := slices.Contains(filter, sec.Slug)
			d.Filter = append(d.Filter, filterOption{Slug: sec.Slug, Name: sec.Name, Checked: on})
			if on {
				names = append(names, sec.Name)
			}
		}
		if len(names) > 0 {
			d.FilterNote = translate(lang, "Showing only: %s.", strings.Join(names, ", "))
		}
		v := s.view(r, translate(lang, "News feed"), d)
		v.Canonical = prefix(lang) + "/news"
		v.Live = &liveBox{Mode: "feed", Sections: liveSections(read...)}
		v.Description = translate(lang, "Every story as it is published, newest first.")
		if before != nil || len(filter) > 0 {
			v.Robots = "noindex, follow"
		}
		p, err := s.htmlPage(r, "news", v, http.StatusOK, s.lastModified())
		if p != nil {
			p.Vary = web.VaryCookie
			p.Private = len(filter) > 0
		}
		return p, err
	})
}

// feedList groups a page of items by day and links the next page when the
// page is full.
// Each item carries its topics, for the reader's followed topics.
func (s *Server) feedList(ctx context.Context, items []dateline.Article, q url.Values, z zone, oneSection bool) (feedList, error) {
	fl := feedList{Groups: groupByDay(items, z, s.now()), OneSection: oneSection, Zone: z}
	if len(items) == feedPageSize {
		last := items[len(items)-1]
		q.Set("before", dateline.Cursor{Time: last.PublishedAt, ID: last.ID}.String())
		fl.More = "?" + q.Encode()
	}
	var err error
	fl.Topics, err = s.topicsJSON(ctx, items)
	return fl, err
}

// topicsJSON gives each article's topics as the JSON the feed items carry:
// [{"slug": ..., "name": ...}].
func (s *Server) topicsJSON(ctx context.Context, items []dateline.Article) (map[int64]string, error) {
	ids := make([]int64, len(items))
	for i, a := range items {
		ids[i] = a.ID
	}
	ts, err := s.store.TopicsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	// The same shape as the topics of the live stream's events.
	type topicJSON struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
	}
	out := make(map[int64]string, len(ts))
	for id, list := range ts {
		js := make([]topicJSON, len(list))
		for i, t := range list {
			js[i] = topicJSON{Slug: t.Slug, Name: t.Name}
		}
		b, _ := json.Marshal(js)
		out[id] = string(b)
	}
	return out, nil
}

// query parses the query string, refusing one that is malformed rather
// than quietly dropping parts of it.
func query(r *http.Request) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, dateline.Errorf(dateline.EINVALID, "The query string is malformed.")
	}
	return q, nil
}

func cursorParam(q url.Values) (*dateline.Cursor, error) {
	v := q.Get("before")
	if v == "" {
		if q.Has("before") {
			return nil, dateline.Errorf(dateline.EINVALID, "The cursor is empty; use the link from the previous page.")
		}
		return nil, nil
	}
	c, err := dateline.ParseCursor(v)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func cursorKey(c *dateline.Cursor) string {
	if c == nil {
		return ""
	}
	return c.String()
}

func (s *Server) handleSection(w http.ResponseWriter, r *http.Request) {
	slug, lang := r.PathValue("section"), s.lang(r)
	sec := s.sectionIn(lang, slug)
	if sec == nil {
		if other := s.section(slug); other != nil {
			// The section is another edition's: send the reader there.
			to := prefix(sectionLang(*other)) + "/" + slug
			if r.URL.RawQuery != "" {
				to += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, to, http.StatusMovedPermanently)
			return
		}
		s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no page at this address."))
		return
	}
	q, err := query(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	before, err := cursorParam(q)
	if err != nil {
		s.error(w, r, err)
		return
	}
	z := s.zone(r)
	s.servePage(w, r, web.Key{Kind: "section", A: slug, B: cursorKey(before), Zone: z.key()}, func(ctx context.Context) (*web.Page, error) {
		items, err := s.store.Articles(ctx, dateline.ArticleFilter{Sections: []string{slug}, Before: before, Limit: feedPageSize})
		if err != nil {
			return nil, err
		}
		fl, err := s.feedList(ctx, items, url.Values{}, z, true)
		if err != nil {
			return nil, err
		}
		d := feedPage{Heading: sec.Name, Feed: fl, Aside: s.sectionsOf(lang)}
		v := s.view(r, sec.Name, d)
		v.Active, v.Canonical = slug, prefix(lang)+"/"+slug
		v.Live = &liveBox{Mode: "feed", Sections: slug}
		v.Description = translate(lang, "%s: the latest news.", sec.Name)
		if before != nil {
			v.Robots = "noindex, follow"
		}
		return s.htmlPage(r, "news", v, http.StatusOK, s.lastModified())
	})
}

func (s *Server) handleTopic(w http.ResponseWriter, r *http.Request) {
	s.tagPage(w, r, "topic", func(ctx context.Context, slug string) (string, error) {
		t, err := s.store.Topic(ctx, slug)
		if err != nil {
			return "", err
		}
		return t.Name, nil
	})
}

func (s *Server) handlePerson(w http.ResponseWriter, r *http.Request) {
	s.tagPage(w, r, "person", func(ctx context.Context, slug string) (string, error) {
		p, err := s.store.Person(ctx, slug)
		if err != nil {
			return "", err
		}
		return p.Name, nil
	})
}

// tagPage is the feed of a topic or a person.
func (s *Server) tagPage(w http.ResponseWriter, r *http.Request, kind string, lookup func(context.Context, string) (string, error)) {
	slug := r.PathValue("slug")
	if len(slug) > 200 || !validText(slug) {
		s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no %s at this address.", kind))
		return
	}
	q, err := query(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	before, err := cursorParam(q)
	if err != nil {
		s.error(w, r, err)
		return
	}
	z := s.zone(r)
	s.servePage(w, r, web.Key{Kind: kind, A: slug, B: cursorKey(before), Zone: z.key()}, func(ctx context.Context) (*web.Page, error) {
		name, err := lookup(ctx, slug)
		if err != nil {
			return nil, err
		}
		if err := s.tagPublished(ctx, kind, slug); err != nil {
			return nil, err
		}
		if lang := s.lang(r); lang != dateline.LangMain {
			// The edition's stories may spell the tag their own way.
			label, err := s.store.TagLabel(ctx, kind, slug, lang)
			if err != nil {
				return nil, err
			}
			if label != "" {
				name = label
			}
		}
		f := dateline.ArticleFilter{Before: before, Limit: feedPageSize}
		if kind == "topic" {
			f.Topic = slug
		} else {
			f.Person = slug
		}
		items, err := s.store.Articles(ctx, f)
		if err != nil {
			return nil, err
		}
		fl, err := s.feedList(ctx, items, url.Values{}, z, false)
		if err != nil {
			return nil, err
		}
		lang := s.lang(r)
		d := feedPage{Heading: name, Feed: fl, Aside: s.sectionsOf(lang)}
		if kind == "topic" {
			d.Intro = translate(lang, "Stories on the topic %s, newest first.", name)
			d.SearchTopic = slug
		} else {
			d.Intro = translate(lang, "Stories that mention %s, newest first.", name)
			d.SearchPerson = slug
		}
		v := s.view(r, name, d)
		v.Canonical = prefix(lang) + "/" + kind + "s/" + slug
		v.Live = &liveBox{Mode: "feed"}
		v.Description = d.Intro
		return s.htmlPage(r, "news", v, http.StatusOK, s.lastModified())
	})
}

// tagPublished returns ENOTFOUND unless a published story names the
// topic or person: a tag that exists only because of an embargoed or
// unpublished story is not public before the story is.
func (s *Server) tagPublished(ctx context.Context, kind, slug string) error {
	ok, err := s.store.TagPublished(ctx, kind, slug)
	if err != nil {
		return err
	}
	if !ok {
		return dateline.Errorf(dateline.ENOTFOUND, "There is no %s at this address.", kind)
	}
	return nil
}

// --- article ---

type articlePage struct {
	A         *dateline.Article
	URL       string
	Page      int
	PageCount int
	Body      *bodyPage
	Latest    []dateline.Article
	Stories   []dateline.Story // running stories it belongs to
	Related   []related.Story
	MostRead  *mostReadBlock
	Preview   bool // the newsroom's preview: every page at once
	MorePages []*bodyPage
	// Translations are the story in every edition, itself first; empty
	// when it has none.
	Translations []alternate
}

type errorPage struct {
	Status    int
	Message   string
	Withdrawn string
	Reason    string
	Withheld  bool // the notice of a story withheld for now
}

func (s *Server) handleArticle(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("section")
	if !s.hasSection(slug) {
		s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no page at this address."))
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no article at this address."))
		return
	}
	n := 1
	if r.URL.RawQuery != "" {
		q, err := query(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		if v := q.Get("page"); v != "" || q.Has("page") {
			n, err = strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				s.error(w, r, dateline.Errorf(dateline.EINVALID, "The page number must be a whole number from 1."))
				return
			}
		}
	}
	z := s.zone(r)
	key := web.Key{Kind: "article", A: slug, N: id, M: int64(n), Zone: z.key()}
	s.servePage(w, r, key, func(ctx context.Context) (*web.Page, error) {
		a, err := s.store.Article(ctx, id)
		if err != nil {
			return nil, err
		}
		// A story readers never saw answers as if it never existed; one
		// they saw and that was taken off says so at its own address
		// only, so that trying ids under other sections learns nothing.
		canonical := a.Section == slug && s.editionOfSection(a.Section) == s.lang(r)
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
			return &web.Page{Status: http.StatusMovedPermanently, Location: s.articleURL(*a), Body: []byte("Moved.\n"), Type: "text/plain; charset=utf-8", CacheFor: 10}, nil
		}
		pages := max(1, len(a.Pages))
		if n > pages {
			return nil, dateline.Errorf(dateline.ENOTFOUND, "This article has %s.", plural(pages, "page", "pages"))
		}
		lang := s.lang(r)
		latest, err := s.store.Articles(ctx, dateline.ArticleFilter{Sections: s.editionFilter(lang), Limit: 11})
		if err != nil {
			return nil, err
		}
		latest = slices.DeleteFunc(latest, func(x dateline.Article) bool { return x.ID == a.ID })
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
		mostRead, err := s.mostReadBlock(ctx, lang)
		if err != nil {
			return nil, err
		}
		d := articlePage{A: a, URL: s.cfg.BaseURL + s.articleURL(*a), Page: n, PageCount: pages,
			Body: s.withArticleAd(s.articleBody(a, n, z), a.Lang), Latest: latest[:min(10, len(latest))], Stories: stories, Related: rel, MostRead: mostRead,
			Translations: s.translationAlternates(a, translations)}
		v := s.view(r, a.Headline, d)
		v.Active, v.Description = a.Section, a.Lead
		v.Alternates = d.Translations
		v.Live = &liveBox{Mode: "banner"}
		v.Canonical = s.articleURL(*a)
		if n > 1 {
			v.Canonical += "?page=" + strconv.Itoa(n)
		}
		// The page shows the latest news beside the story, so any change
		// to the site may change it.
		return s.htmlPage(r, "article", v, http.StatusOK, s.lastModified())
	})
}

// takenOffPage is the notice at the address of a story readers saw that
// is no longer public: 410 with its last public headline and the reason
// for a withdrawn (killed) story, 404 saying it is withheld for now for a
// withheld one (without its headline: the withheld version's words may
// not be the ones readers saw).
func (s *Server) takenOffPage(r *http.Request, a *dateline.Article, z zone) (*web.Page, error) {
	lang := s.lang(r)
	if a.Status == dateline.StatusWithheld {
		v := s.view(r, translate(lang, "Withheld for now"), errorPage{Status: http.StatusNotFound, Withheld: true,
			Message: translate(lang, "The story at this address is withheld for now. It may be published again later.")})
		v.Robots = "noindex"
		return s.htmlPage(r, "error", v, http.StatusNotFound, s.lastModified())
	}
	v := s.view(r, translate(lang, "Withdrawn"), errorPage{Status: http.StatusGone,
		Message:   translate(lang, "The story “%s” has been withdrawn and is no longer available.", a.Headline),
		Withdrawn: stamp(z, a.WithdrawnAt), Reason: a.WithdrawNote})
	v.Robots = "noindex"
	return s.htmlPage(r, "error", v, http.StatusGone, s.lastModified())
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

// articleBody is page n of the body.
func (s *Server) articleBody(a *dateline.Article, n int, z zone) *bodyPage {
	var body string
	if len(a.Pages) >= n {
		body = a.Pages[n-1]
	}
	p := &bodyPage{Lang: z.Lang}
	if n == 1 {
		var b strings.Builder
		if a.Place != "" || s.cfg.AgencyMark != "" {
			b.WriteString(`<span class="dateline">`)
			var line []string
			if a.Place != "" {
				line = append(line, strings.ToUpper(a.Place)+", ")
			}
			line = append(line, i18n.Date(z.lang(), a.PublishedAt.In(z.Loc))+".")
			if s.cfg.AgencyMark != "" {
				line = append(line, " /"+s.cfg.AgencyMark+"/.")
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
	p.Head, p.Tail = trustedHTML(body[:at]), trustedHTML(body[at:])
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

// validText reports whether s can be looked up at all: valid UTF-8 without
// NUL bytes (PostgreSQL refuses anything else).
func validText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// --- galleries and infographics ---

func (s *Server) handleGalleries(w http.ResponseWriter, r *http.Request) {
	z := s.zone(r)
	s.servePage(w, r, web.Key{Kind: "galleries", Zone: z.key()}, func(ctx context.Context) (*web.Page, error) {
		gs, err := s.store.Galleries(ctx, 60)
		if err != nil {
			return nil, err
		}
		v := s.view(r, translate(s.lang(r), "Photo"), gs)
		v.Canonical = prefix(s.lang(r)) + "/photo/"
		return s.htmlPage(r, "galleries", v, http.StatusOK, s.lastModified())
	})
}

func (s *Server) handleGallery(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no gallery at this address."))
		return
	}
	z := s.zone(r)
	s.servePage(w, r, web.Key{Kind: "gallery", N: id, Zone: z.key()}, func(ctx context.Context) (*web.Page, error) {
		g, err := s.store.Gallery(ctx, id)
		if err != nil {
			return nil, err
		}
		v := s.view(r, g.Title, g)
		v.Canonical, v.Description = prefix(s.lang(r))+"/photo/"+strconv.FormatInt(id, 10), g.Lead
		return s.htmlPage(r, "gallery", v, http.StatusOK, s.lastModified())
	})
}

func (s *Server) handleInfographics(w http.ResponseWriter, r *http.Request) {
	z := s.zone(r)
	s.servePage(w, r, web.Key{Kind: "infographics", Zone: z.key()}, func(ctx context.Context) (*web.Page, error) {
		gs, err := s.store.Infographics(ctx, 60)
		if err != nil {
			return nil, err
		}
		v := s.view(r, translate(s.lang(r), "Infographics"), gs)
		v.Canonical = prefix(s.lang(r)) + "/infographics/"
		return s.htmlPage(r, "infographics", v, http.StatusOK, s.lastModified())
	})
}

func (s *Server) handleInfographic(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no infographic at this address."))
		return
	}
	z := s.zone(r)
	s.servePage(w, r, web.Key{Kind: "infographic", N: id, Zone: z.key()}, func(ctx context.Context) (*web.Page, error) {
		g, err := s.store.Infographic(ctx, id)
		if err != nil {
			return nil, err
		}
		v := s.view(r, g.Title, g)
		v.Canonical, v.Description = prefix(s.lang(r))+"/infographics/"+strconv.FormatInt(id, 10), g.Text
		return s.htmlPage(r, "infographic", v, http.StatusOK, s.lastModified())
	})
}

// --- running stories ---

type storyPage struct {
	S    *dateline.Story
	Feed feedList
}

// handleStoryPage is a running story: the editors' introduction and the
// timeline of its articles.
func (s *Server) handleStoryPage(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	if len(slug) > 100 || dateline.Slugify(slug) != slug {
		s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no story page at this address."))
		return
	}
	z := s.zone(r)
	s.servePage(w, r, web.Key{Kind: "story", A: slug, Zone: z.key()}, func(ctx context.Context) (*web.Page, error) {
		st, err := s.store.Story(ctx, slug)
		if err != nil {
			return nil, err
		}
		fl, err := s.feedList(ctx, st.Articles, url.Values{}, z, false)
		if err != nil {
			return nil, err
		}
		d := storyPage{S: st, Feed: fl}
		v := s.view(r, st.Title, d)
		v.Canonical = prefix(s.lang(r)) + "/stories/" + slug
		v.Live = &liveBox{Mode: "banner"}
		v.Description = firstParagraph(st.Intro)
		return s.htmlPage(r, "story", v, http.StatusOK, s.lastModified())
	})
}
