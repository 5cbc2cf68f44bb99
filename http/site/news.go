package site

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"dateline"
	"dateline/http/site/kit"
	"dateline/http/web"
	"dateline/i18n"
)

// feedPageSize is how many items one page of a feed shows.
const feedPageSize = 20

type feedList struct {
	Topics     map[int64]string // article id → its topics as JSON
	Groups     []dayGroup
	More       string
	OneSection bool
	Zone       kit.Zone
}

type filterOption struct {
	Slug, Name string
	Checked    bool
}

type feedPage struct {
	*kit.Base
	Heading      string
	SearchTopic  string // a search form within this topic or person
	SearchPerson string
	Intro        string
	Filter       []filterOption
	FilterOpen   bool
	FilterNote   string
	Feed         feedList
	Aside        []dateline.Section
	// Lead is a section's lead story, shown with its photo and lead
	// above the list (on the first page only).
	Lead *dateline.Article
}

// feedCookie remembers the reader's section filter for /news.
const feedCookie = "feed_sections"

// editionQuery is the edition and the query of a request for a page
// every edition that is on has; ok is false when it answered an error.
func (s *Pages) editionQuery(w http.ResponseWriter, r *http.Request) (lang string, q url.Values, ok bool) {
	lang = s.Lang(r)
	if !s.Sections().EditionOn(lang) {
		s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no page at this address."))
		return "", nil, false
	}
	q, err := kit.Query(r)
	if err != nil {
		s.Error(w, r, err)
		return "", nil, false
	}
	return lang, q, true
}

func (s *Pages) handleNews(w http.ResponseWriter, r *http.Request) {
	lang, q, ok := s.editionQuery(w, r)
	if !ok {
		return
	}
	// Each edition remembers its own filter.
	cookie := feedCookie
	if lang != dateline.LangMain {
		cookie += "_" + lang
	}
	before, err := cursorParam(q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var filter []string
	switch {
	case q.Get("all") != "":
		http.SetCookie(w, &http.Cookie{Name: cookie, Value: "", Path: "/", MaxAge: -1, SameSite: http.SameSiteLaxMode})
	case q.Has("s") || q.Get("filter") != "":
		for _, slug := range q["s"] {
			if s.Sections().In(lang, slug) == nil {
				s.Error(w, r, dateline.Errorf(dateline.EINVALID, "There is no section %q to filter by.", kit.Truncate(slug, 40)))
				return
			}
			if !slices.Contains(filter, slug) {
				filter = append(filter, slug)
			}
		}
		if len(filter) == len(s.Sections().Of(lang)) {
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
				if s.Sections().In(lang, slug) != nil && !slices.Contains(filter, slug) {
					filter = append(filter, slug)
				}
			}
		}
	}
	slices.Sort(filter)
	z := s.Zone(r)
	key := web.Key{Kind: "news", A: strings.Join(filter, "."), B: cursorKey(before), Zone: z.Key()}
	s.ServePage(w, r, key, func(ctx context.Context) (*web.Page, error) {
		read := filter
		if len(read) == 0 {
			read = s.Sections().Filter(lang)
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
		d := feedPage{Heading: translate(lang, "News feed"), Feed: fl, Aside: s.Sections().Of(lang)}
		var names []string
		for _, sec := range s.Sections().Of(lang) {
			on := slices.Contains(filter, sec.Slug)
			d.Filter = append(d.Filter, filterOption{Slug: sec.Slug, Name: sec.Name, Checked: on})
			if on {
				names = append(names, sec.Name)
			}
		}
		if len(names) > 0 {
			d.FilterNote = translate(lang, "Showing only: %s.", strings.Join(names, ", "))
		}
		v := s.NewBase(r, translate(lang, "News feed"))
		d.Base = v
		v.Canonical = dateline.EditionPath(lang) + "/news"
		v.Live = &kit.LiveBox{Mode: "feed", Sections: liveSections(read...)}
		v.Description = translate(lang, "Every story as it is published, newest first.")
		if before != nil || len(filter) > 0 {
			v.Robots = "noindex, follow"
		}
		p, err := s.HTMLPage("news", d, http.StatusOK, s.LastModified())
		if p != nil {
			p.Vary = web.VaryCookie
			p.Private = len(filter) > 0
		}
		return p, err
	})
}

// dayGroup is a run of feed items published on one day in the reader's zone.
type dayGroup struct {
	Heading string
	Date    string // 2006-01-02
	Items   []dateline.Article
}

// groupByDay groups newest-first articles under date headings.
func groupByDay(as []dateline.Article, z kit.Zone, now time.Time) []dayGroup {
	var gs []dayGroup
	lang := i18n.Lang(z.Lang)
	today := now.In(z.Loc).Format("2006-01-02")
	yesterday := now.In(z.Loc).AddDate(0, 0, -1).Format("2006-01-02")
	for _, a := range as {
		lt := a.PublishedAt.In(z.Loc)
		d := lt.Format("2006-01-02")
		if len(gs) == 0 || gs[len(gs)-1].Date != d {
			h := i18n.Date(lang, lt)
			if lt.Year() != now.In(z.Loc).Year() {
				h = i18n.DateYear(lang, lt)
			}
			switch d {
			case today:
				h = i18n.T(lang, "Today") + ", " + h
			case yesterday:
				h = i18n.T(lang, "Yesterday") + ", " + h
			}
			gs = append(gs, dayGroup{Heading: h, Date: d})
		}
		gs[len(gs)-1].Items = append(gs[len(gs)-1].Items, a)
	}
	return gs
}

// feedList groups a page of items by day and links the next page when the
// page is full.
// Each item carries its topics, for the reader's followed topics.
func (s *Pages) feedList(ctx context.Context, items []dateline.Article, q url.Values, z kit.Zone, oneSection bool) (feedList, error) {
	fl := feedList{Groups: groupByDay(items, z, s.Now()), OneSection: oneSection, Zone: z}
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
func (s *Pages) topicsJSON(ctx context.Context, items []dateline.Article) (map[int64]string, error) {
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

// requestCursor is the "before" cursor of a list page's query, nil for
// its first page.
func requestCursor(r *http.Request) (*dateline.Cursor, error) {
	q, err := kit.Query(r)
	if err != nil {
		return nil, err
	}
	return cursorParam(q)
}

// cursorParam reads the "before" cursor of q: a story's time and id.
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

func (s *Pages) handleSection(w http.ResponseWriter, r *http.Request) {
	slug, lang := r.PathValue("section"), s.Lang(r)
	sec := s.Sections().In(lang, slug)
	if sec == nil {
		if s.Sections().Has(slug) {
			// The section is another edition's: send the reader there.
			to := dateline.EditionPath(s.Sections().EditionOf(slug)) + "/" + slug
			if r.URL.RawQuery != "" {
				to += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, to, http.StatusMovedPermanently)
			return
		}
		s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no page at this address."))
		return
	}
	before, err := requestCursor(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	z := s.Zone(r)
	s.ServePage(w, r, web.Key{Kind: "section", A: slug, B: cursorKey(before), Zone: z.Key()}, func(ctx context.Context) (*web.Page, error) {
		items, err := s.store.Articles(ctx, dateline.ArticleFilter{Sections: []string{slug}, Before: before, Limit: feedPageSize})
		if err != nil {
			return nil, err
		}
		fl, err := s.feedList(ctx, items, url.Values{}, z, true)
		if err != nil {
			return nil, err
		}
		d := feedPage{Heading: sec.Name, Feed: fl, Aside: s.Sections().Of(lang)}
		if before == nil {
			if d.Lead = sectionLead(items); d.Lead != nil {
				rest := slices.DeleteFunc(slices.Clone(items), func(a dateline.Article) bool { return a.ID == d.Lead.ID })
				d.Feed.Groups = groupByDay(rest, z, s.Now())
			}
		}
		v := s.NewBase(r, sec.Name)
		d.Base = v
		v.Active, v.Canonical = slug, dateline.EditionPath(lang)+"/"+slug
		v.Live = &kit.LiveBox{Mode: "feed", Sections: slug}
		v.Description = translate(lang, "%s: the latest news.", sec.Name)
		if before != nil {
			v.Robots = "noindex, follow"
		}
		return s.HTMLPage("news", d, http.StatusOK, s.LastModified())
	})
}

func (s *Pages) handleTopic(w http.ResponseWriter, r *http.Request) {
	s.tagPage(w, r, "topic", func(ctx context.Context, slug string) (string, error) {
		t, err := s.store.Topic(ctx, slug)
		if err != nil {
			return "", err
		}
		return t.Name, nil
	})
}

func (s *Pages) handlePerson(w http.ResponseWriter, r *http.Request) {
	s.tagPage(w, r, "person", func(ctx context.Context, slug string) (string, error) {
		p, err := s.store.Person(ctx, slug)
		if err != nil {
			return "", err
		}
		return p.Name, nil
	})
}

// tagPage is the feed of a topic or a person.
func (s *Pages) tagPage(w http.ResponseWriter, r *http.Request, kind string, lookup func(context.Context, string) (string, error)) {
	slug := r.PathValue("slug")
	if len(slug) > 200 || !web.ValidText(slug) {
		s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no %s at this address.", kind))
		return
	}
	before, err := requestCursor(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	z := s.Zone(r)
	s.ServePage(w, r, web.Key{Kind: kind, A: slug, B: cursorKey(before), Zone: z.Key()}, func(ctx context.Context) (*web.Page, error) {
		name, err := lookup(ctx, slug)
		if err != nil {
			return nil, err
		}
		if err := s.tagPublished(ctx, kind, slug); err != nil {
			return nil, err
		}
		if lang := s.Lang(r); lang != dateline.LangMain {
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
		lang := s.Lang(r)
		d := feedPage{Heading: name, Feed: fl, Aside: s.Sections().Of(lang)}
		if kind == "topic" {
			d.Intro = translate(lang, "Stories on the topic %s, newest first.", name)
			d.SearchTopic = slug
		} else {
			d.Intro = translate(lang, "Stories that mention %s, newest first.", name)
			d.SearchPerson = slug
		}
		v := s.NewBase(r, name)
		d.Base = v
		v.Canonical = dateline.EditionPath(lang) + "/" + kind + "s/" + slug
		v.Live = &kit.LiveBox{Mode: "feed"}
		v.Description = d.Intro
		return s.HTMLPage("news", d, http.StatusOK, s.LastModified())
	})
}

// tagPublished returns ENOTFOUND unless a published story names the
// topic or person: a tag that exists only because of an embargoed or
// unpublished story is not public before the story is.
func (s *Pages) tagPublished(ctx context.Context, kind, slug string) error {
	ok, err := s.store.TagPublished(ctx, kind, slug)
	if err != nil {
		return err
	}
	if !ok {
		return dateline.Errorf(dateline.ENOTFOUND, "There is no %s at this address.", kind)
	}
	return nil
}

// sectionLeadMin is how many stories a section's first page needs to
// lead with one: a lead above a list of one or two is no lead.
const sectionLeadMin = 5

// sectionLead is the story a section's page leads with: the newest of
// its first page with a photo, else the newest; nil for a section of
// fewer than sectionLeadMin stories.
func sectionLead(items []dateline.Article) *dateline.Article {
	if len(items) < sectionLeadMin {
		return nil
	}
	for i := range items {
		if items[i].Photo != nil {
			return &items[i]
		}
	}
	return &items[0]
}

// translate is i18n.T for an edition's language.
func translate(lang, key string, args ...any) string { return i18n.T(i18n.Lang(lang), key, args...) }
