package site

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"dateline"
	"dateline/feed"
	"dateline/http/web"
)

// Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the whole site
// (/feed.rss), of each section (/world/feed.rss) and of each topic and
// person (/topics/space/feed.rss), each of the newest published stories.
// They are pages of the page cache like any other, so a warm feed is a
// map lookup, and a change that empties the cache takes a withdrawn story
// out of every feed at once.

// Feeds are the site's, the sections', the topics' and the persons' feeds.
type Feeds struct {
	*Kit
	store feedStore
}

// feedStore is what the feeds read.
type feedStore interface {
	Articles(ctx context.Context, f dateline.ArticleFilter) ([]dateline.Article, error)
	TagArticles(ctx context.Context, kind, slug string, limit int) ([]dateline.Article, error)
	Topic(ctx context.Context, slug string) (*dateline.Topic, error)
	Person(ctx context.Context, slug string) (*dateline.Person, error)
	TopicsOf(ctx context.Context, ids []int64) (map[int64][]dateline.Topic, error)
	FeedBodies(ctx context.Context, ids []int64) (map[int64]dateline.FeedBody, error)
}

// checkFeeds checks the feed settings of cfg, filling in the default
// content.
func checkFeeds(cfg *Config) error {
	switch cfg.FeedContent {
	case "":
		cfg.FeedContent = FeedFull
	case FeedFull, FeedSummary:
	default:
		return fmt.Errorf("feed content is %q or %q, not %q", FeedFull, FeedSummary, cfg.FeedContent)
	}
	if h := cfg.WebSubHub; h != "" {
		u, err := url.Parse(h)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("the WebSub hub must be an http or https URL, not %q", h)
		}
	}
	return nil
}

// feedItems is how many stories a feed carries.
const feedItems = 30

// feedCacheFor is how long a shared cache may keep a feed, as for pages.
const feedCacheFor = 10

// Feed contents (Config.FeedContent).
const (
	FeedFull    = "full"    // the whole story, its photo and corrections
	FeedSummary = "summary" // the lead only
)

// feedFormat is one of the three syndication formats.
type feedFormat int

const (
	formatRSS feedFormat = iota
	formatAtom
	formatJSON
)

var feedFormats = [...]struct {
	ext, ctype, label string
}{
	formatRSS:  {"rss", "application/rss+xml; charset=utf-8", "RSS"},
	formatAtom: {"atom", "application/atom+xml; charset=utf-8", "Atom"},
	formatJSON: {"json", "application/feed+json; charset=utf-8", "JSON Feed"},
}

func formatOf(ext string) (feedFormat, bool) {
	for f, x := range feedFormats {
		if x.ext == ext {
			return feedFormat(f), true
		}
	}
	return 0, false
}

// Feed sources, also the m of a feed's cache key.
const (
	feedSite = iota
	feedSection
	feedTopic
	feedPerson
)

// feedPath is the address of a feed without its extension: "/feed",
// "/world/feed", "/topics/space/feed", and in another edition
// "/ru/feed" and "/ru/politika/feed". Topics and persons have one feed.
func feedPath(lang string, source int, slug string) string {
	switch source {
	case feedSection:
		return prefix(lang) + "/" + slug + "/feed"
	case feedTopic:
		return "/topics/" + url.PathEscape(slug) + "/feed"
	case feedPerson:
		return "/persons/" + url.PathEscape(slug) + "/feed"
	}
	return prefix(lang) + "/feed"
}

// sectionFeedPath recognises "/SECTION/feed.EXT". Section feeds are routed
// before the mux: a pattern "GET /{section}/feed.rss" would conflict with
// "GET /topics/{slug}" and the other two-segment patterns.
func sectionFeedPath(p string) (slug string, f feedFormat, ok bool) {
	rest, ok := strings.CutPrefix(p, "/")
	if !ok {
		return "", 0, false
	}
	slug, file, ok := strings.Cut(rest, "/")
	if !ok || slug == "" {
		return "", 0, false
	}
	ext, ok := strings.CutPrefix(file, "feed.")
	if !ok {
		return "", 0, false
	}
	f, ok = formatOf(ext)
	return slug, f, ok
}

// routes registers the site's and the tags' feeds; section feeds are
// found by sectionFeedPath.
func (s *Feeds) routes(m *http.ServeMux) {
	for f, x := range feedFormats {
		f := feedFormat(f)
		m.HandleFunc("GET /feed."+x.ext, func(w http.ResponseWriter, r *http.Request) {
			s.serve(w, r, feedSite, "", f)
		})
		m.HandleFunc("GET /topics/{slug}/feed."+x.ext, func(w http.ResponseWriter, r *http.Request) {
			s.serve(w, r, feedTopic, r.PathValue("slug"), f)
		})
		m.HandleFunc("GET /persons/{slug}/feed."+x.ext, func(w http.ResponseWriter, r *http.Request) {
			s.serve(w, r, feedPerson, r.PathValue("slug"), f)
		})
	}
}

// ServeSection answers a section's feed, /world/feed.rss, and reports
// whether r asked for one: no mux pattern can have a wildcard first
// segment beside /topics/{slug} and the others, so the site routes them
// before its mux.
func (s *Feeds) ServeSection(w http.ResponseWriter, r *http.Request) bool {
	slug, f, ok := sectionFeedPath(r.URL.Path)
	if !ok || !s.sections.Has(slug) || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	s.serve(w, r, feedSection, slug, f)
	return true
}

// serve answers a feed from the page cache, rendering it first if it
// is not there. Unknown sections, topics and persons are 404.
func (s *Feeds) serve(w http.ResponseWriter, r *http.Request, source int, slug string, f feedFormat) {
	lang := s.lang(r)
	switch source {
	case feedSite:
		if !s.sections.editionOn(lang) {
			s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no feed at this address."))
			return
		}
	case feedSection:
		if s.sections.in(lang, slug) == nil {
			s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no feed at this address."))
			return
		}
	case feedTopic, feedPerson:
		if len(slug) > 200 || !validText(slug) {
			s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no feed at this address."))
			return
		}
	}
	s.servePage(w, r, web.Key{Kind: "feed", A: slug, N: int64(f), M: int64(source)}, func(ctx context.Context) (*web.Page, error) {
		fd, err := s.loadFeed(ctx, lang, source, slug)
		if err != nil {
			return nil, err
		}
		site := feed.Site{Name: s.cfg.SiteName, BaseURL: s.cfg.BaseURL, Hub: s.cfg.WebSubHub}
		var body []byte
		switch f {
		case formatRSS:
			body, err = feed.RSS(site, fd)
		case formatAtom:
			body, err = feed.Atom(site, fd)
		default:
			body, err = feed.JSON(site, fd)
		}
		if err != nil {
			return nil, err
		}
		return &web.Page{Type: feedFormats[f].ctype, Body: body, Modified: s.lastModified(), CacheFor: feedCacheFor}, nil
	})
}

// loadFeed reads the newest published stories of a source.
func (s *Feeds) loadFeed(ctx context.Context, lang string, source int, slug string) (*feed.Feed, error) {
	base := s.cfg.BaseURL
	fd := &feed.Feed{Path: feedPath(lang, source, slug), Lang: lang}
	f := dateline.ArticleFilter{Limit: feedItems}
	var tag string
	switch source {
	case feedSite:
		f.Sections = s.sections.filter(lang)
		fd.Title, fd.Page = s.cfg.SiteName, base+prefix(lang)+"/"
		if lang != dateline.LangMain {
			fd.Title += " (" + languageNames[lang] + ")"
		}
		fd.Description = translate(lang, "The latest news from %s.", s.cfg.SiteName)
	case feedSection:
		sec := s.sections.in(lang, slug)
		if sec == nil {
			return nil, dateline.Errorf(dateline.ENOTFOUND, "There is no page at this address.")
		}
		f.Sections = []string{slug}
		fd.Title, fd.Page = s.cfg.SiteName+": "+sec.Name, base+prefix(lang)+"/"+slug
		fd.Description = translate(lang, "%s: the latest news from %s.", sec.Name, s.cfg.SiteName)
	case feedTopic:
		t, err := s.store.Topic(ctx, slug)
		if err != nil {
			return nil, err
		}
		f.Topic = slug
		tag = dateline.TagTopic
		fd.Title, fd.Page = s.cfg.SiteName+": "+t.Name, base+"/topics/"+url.PathEscape(slug)
		fd.Description = translate(lang, "Stories on the topic %s, newest first.", t.Name)
	case feedPerson:
		p, err := s.store.Person(ctx, slug)
		if err != nil {
			return nil, err
		}
		f.Person = slug
		tag = dateline.TagPerson
		fd.Title, fd.Page = s.cfg.SiteName+": "+p.Name, base+"/persons/"+url.PathEscape(slug)
		fd.Description = translate(lang, "Stories that mention %s, newest first.", p.Name)
	}
	var items []dateline.Article
	var err error
	if tag != "" {
		items, err = s.store.TagArticles(ctx, tag, slug, feedItems)
		if err == nil && len(items) == 0 {
			// Only published stories make a tag public.
			return nil, dateline.Errorf(dateline.ENOTFOUND, "There is no feed at this address.")
		}
	} else {
		items, err = s.store.Articles(ctx, f)
	}
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(items))
	for i, a := range items {
		ids[i] = a.ID
	}
	topics, err := s.store.TopicsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	var bodies map[int64]dateline.FeedBody
	full := s.cfg.FeedContent != FeedSummary
	if full {
		if bodies, err = s.store.FeedBodies(ctx, ids); err != nil {
			return nil, err
		}
	}
	for i := range items {
		a := &items[i]
		it := feed.Item{URL: base + s.sections.ArticleURL(*a), Title: a.Headline, Summary: a.Lead, Byline: a.Byline, Lang: a.Lang,
			Published: a.PublishedAt, Updated: a.PublishedAt, Topics: topics[a.ID],
			Section: dateline.Section{Slug: a.Section, Name: a.SectionName}}
		if !a.UpdatedAt.IsZero() {
			it.Updated = a.UpdatedAt
		}
		labelFeedItem(&it, a)
		var alt string
		if p := a.Photo; p != nil && (p.Path != "" || p.Remote != "") {
			alt = p.Alt
			it.Image = &feed.Image{URL: s.absURL(mediaURL(p, 0)), Type: feed.ImageType(mediaURL(p, 0)), Width: p.Width, Height: p.Height,
				Caption: p.Caption, Credit: p.Credit}
		}
		if full {
			body := bodies[a.ID]
			it.Content = feed.Content(feed.Story{Advisory: a.Advisory, Lead: a.Lead, Image: it.Image, Alt: alt,
				Pages: body.Pages, Corrections: body.Corrections}, s.cfg.BaseURL)
		}
		if it.Updated.After(fd.Updated) {
			fd.Updated = it.Updated
		}
		fd.Items = append(fd.Items, it)
	}
	if fd.Updated.IsZero() {
		fd.Updated = s.lastModified()
	}
	return fd, nil
}

func (s *Feeds) absURL(u string) string {
	if strings.HasPrefix(u, "/") {
		return s.cfg.BaseURL + u
	}
	return u
}

// --- links in page heads ---

// feedLink is a <link rel="alternate"> to a feed. The layout writes the
// media type from Format as literal text: html/template would write the
// "+" of a value as "&#43;", which naive feed finders miss.
type feedLink struct {
	Format, Title, Href string
}

// FeedLinks lists the feeds a page names in its head: its own (a
// section's, a topic's or a person's; an article names its section's)
// and the site's, each in the three formats.
func (v *Base) FeedLinks() []feedLink {
	if v == nil || v.Site == nil {
		return nil
	}
	site := v.Site
	var links []feedLink
	add := func(path, title string) {
		for f := range feedFormats {
			links = append(links, feedLink{Format: feedFormats[f].ext, Title: title + " (" + feedFormats[f].label + ")",
				Href: site.BaseURL + path + "." + feedFormats[f].ext})
		}
	}
	switch {
	case strings.HasPrefix(v.Canonical, v.Prefix+"/topics/") && v.Title != "":
		add(feedPath(v.Lang, feedTopic, strings.TrimPrefix(v.Canonical, v.Prefix+"/topics/")), site.SiteName+": "+v.Title)
	case strings.HasPrefix(v.Canonical, v.Prefix+"/persons/") && v.Title != "":
		add(feedPath(v.Lang, feedPerson, strings.TrimPrefix(v.Canonical, v.Prefix+"/persons/")), site.SiteName+": "+v.Title)
	case v.Active != "":
		for _, sec := range v.Sections {
			if sec.Slug == v.Active {
				add(feedPath(v.Lang, feedSection, sec.Slug), site.SiteName+": "+sec.Name)
			}
		}
	}
	add(feedPath(v.Lang, feedSite, ""), site.SiteName)
	return links
}

// --- WebSub ---

// FeedsOf lists the feeds a public event changes, for the WebSub hub:
// its section's and its edition's, each in the three formats.
func (s *Feeds) FeedsOf(e dateline.Event) []string {
	var paths []string
	lang := dateline.LangMain
	if sec := s.sections.get(e.Section); sec != nil {
		lang = sectionLang(*sec)
		paths = append(paths, feedPath(lang, feedSection, e.Section))
	}
	paths = append(paths, feedPath(lang, feedSite, ""))
	var urls []string
	for _, p := range paths {
		for _, x := range feedFormats {
			urls = append(urls, s.cfg.BaseURL+p+"."+x.ext)
		}
	}
	return urls
}
