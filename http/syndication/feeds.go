package syndication

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"dateline"
	"dateline/feed"
	"dateline/http/web"
	"dateline/i18n"
	"dateline/wire"
)

// Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the whole site
// (/feed.rss), of each section (/world/feed.rss) and of each topic and
// person (/topics/space/feed.rss), each of the newest published stories.
// They are pages of the page cache like any other, so a warm feed is a
// map lookup, and a change that empties the cache takes a withdrawn story
// out of every feed at once.

// Feeds are the site's, the sections', the topics' and the persons' feeds.
type Feeds struct {
	site  Site
	store FeedStore
	cfg   Config
}

// NewFeeds checks cfg and returns the feeds.
func NewFeeds(store FeedStore, site Site, cfg Config) (*Feeds, error) {
	if err := checkFeeds(&cfg); err != nil {
		return nil, err
	}
	return &Feeds{site: site, store: store, cfg: cfg}, nil
}

// FeedStore is what the feeds read; sqlite.DB and postgres.DB satisfy it.
type FeedStore interface {
	Articles(ctx context.Context, f dateline.ArticleFilter) ([]dateline.Article, error)
	TagArticles(ctx context.Context, kind, slug string, limit int) ([]dateline.Article, error)
	Topic(ctx context.Context, slug string) (*dateline.Topic, error)
	Person(ctx context.Context, slug string) (*dateline.Person, error)
	TopicsOf(ctx context.Context, ids []int64) (map[int64][]dateline.Topic, error)
	Story(ctx context.Context, slug string) (*dateline.Story, error)
	Article(ctx context.Context, id int64) (*dateline.Article, error)
	FeedBodies(ctx context.Context, ids []int64) (map[int64]dateline.FeedBody, error)
	LiveStore
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

// Format is a syndication format as page heads name it.
type Format struct {
	Ext, Label string // "rss", "RSS"
}

// Formats lists the formats every feed is served in.
func Formats() []Format {
	out := make([]Format, len(feedFormats))
	for i, x := range feedFormats {
		out[i] = Format{Ext: x.ext, Label: x.label}
	}
	return out
}

func formatOf(ext string) (feedFormat, bool) {
	for f, x := range feedFormats {
		if x.ext == ext {
			return feedFormat(f), true
		}
	}
	return 0, false
}

// Source is what a feed carries the stories of; it is also the m of a
// feed's cache key.
type Source int

// Feed sources.
const (
	Whole    Source = iota // the whole site (an edition's)
	Section                // a section
	Topic                  // a topic
	Person                 // a person
	Story                  // a running story (/stories/SLUG)
	Versions               // a story's versions: its chain of follow-ups and their corrections
)

// Path is the address of a feed without its extension: "/feed",
// "/world/feed", "/topics/space/feed", and in another edition
// "/ru/feed" and "/ru/politika/feed". Topics and persons have one feed.
func Path(lang string, source Source, slug string) string {
	switch source {
	case Section:
		return dateline.EditionPath(lang) + "/" + slug + "/feed"
	case Topic:
		return "/topics/" + url.PathEscape(slug) + "/feed"
	case Person:
		return "/persons/" + url.PathEscape(slug) + "/feed"
	case Story:
		return dateline.EditionPath(lang) + "/stories/" + url.PathEscape(slug) + "/feed"
	case Versions:
		return slug + "/feed" // slug is the story's address
	}
	return dateline.EditionPath(lang) + "/feed"
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

// Routes registers the site's and the tags' feeds; section feeds are
// found by sectionFeedPath.
func (s *Feeds) Routes(m *http.ServeMux) {
	for f, x := range feedFormats {
		f := feedFormat(f)
		m.HandleFunc("GET /feed."+x.ext, func(w http.ResponseWriter, r *http.Request) {
			s.serve(w, r, Whole, "", f)
		})
		m.HandleFunc("GET /topics/{slug}/feed."+x.ext, func(w http.ResponseWriter, r *http.Request) {
			s.serve(w, r, Topic, r.PathValue("slug"), f)
		})
		m.HandleFunc("GET /persons/{slug}/feed."+x.ext, func(w http.ResponseWriter, r *http.Request) {
			s.serve(w, r, Person, r.PathValue("slug"), f)
		})
		m.HandleFunc("GET /stories/{slug}/feed."+x.ext, func(w http.ResponseWriter, r *http.Request) {
			s.serveStory(w, r, r.PathValue("slug"), f)
		})
	}
}

// ServeSection answers a section's feed, /world/feed.rss, and reports
// whether r asked for one: no mux pattern can have a wildcard first
// segment beside /topics/{slug} and the others, so the site routes them
// before its mux.
func (s *Feeds) ServeSection(w http.ResponseWriter, r *http.Request) bool {
	slug, f, ok := sectionFeedPath(r.URL.Path)
	if !ok || !s.site.HasSection(slug) || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	s.serve(w, r, Section, slug, f)
	return true
}

// serve answers a feed from the page cache, rendering it first if it
// is not there. Unknown sections, topics and persons are 404.
func (s *Feeds) serve(w http.ResponseWriter, r *http.Request, source Source, slug string, f feedFormat) {
	lang := s.site.Lang(r)
	switch source {
	case Whole:
		if !s.site.EditionOn(lang) {
			s.site.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no feed at this address."))
			return
		}
	case Section:
		if s.site.SectionIn(lang, slug) == nil {
			s.site.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no feed at this address."))
			return
		}
	case Topic, Person:
		if len(slug) > 200 || !web.ValidText(slug) {
			s.site.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no feed at this address."))
			return
		}
	}
	s.site.ServePage(w, r, web.Key{Kind: "feed", A: slug, N: int64(f), M: int64(source)}, func(ctx context.Context) (*web.Page, error) {
		fd, err := s.loadFeed(ctx, lang, source, slug)
		if err != nil {
			return nil, err
		}
		return s.page(fd, f)
	})
}

// page writes fd in format f as a page of the cache.
func (s *Feeds) page(fd *feed.Feed, f feedFormat) (*web.Page, error) {
	site := feed.Site{Name: s.cfg.SiteName, BaseURL: s.cfg.BaseURL, Hub: s.cfg.WebSubHub}
	var body []byte
	var err error
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
	return &web.Page{Type: feedFormats[f].ctype, Body: body, Modified: s.site.LastModified(), CacheFor: feedCacheFor}, nil
}

// loadFeed reads the newest published stories of a source.
func (s *Feeds) loadFeed(ctx context.Context, lang string, source Source, slug string) (*feed.Feed, error) {
	base := s.cfg.BaseURL
	fd := &feed.Feed{Path: Path(lang, source, slug), Lang: lang}
	f := dateline.ArticleFilter{Limit: feedItems}
	var tag string
	switch source {
	case Whole:
		f.Sections = s.site.EditionFilter(lang)
		fd.Title, fd.Page = s.cfg.SiteName, base+dateline.EditionPath(lang)+"/"
		if lang != dateline.LangMain {
			fd.Title += " (" + i18n.LanguageName(lang) + ")"
		}
		fd.Description = i18n.T(i18n.Lang(lang), "The latest news from %s.", s.cfg.SiteName)
	case Section:
		sec := s.site.SectionIn(lang, slug)
		if sec == nil {
			return nil, dateline.Errorf(dateline.ENOTFOUND, "There is no page at this address.")
		}
		f.Sections = []string{slug}
		fd.Title, fd.Page = s.cfg.SiteName+": "+sec.Name, base+dateline.EditionPath(lang)+"/"+slug
		fd.Description = i18n.T(i18n.Lang(lang), "%s: the latest news from %s.", sec.Name, s.cfg.SiteName)
	case Topic:
		t, err := s.store.Topic(ctx, slug)
		if err != nil {
			return nil, err
		}
		f.Topic = slug
		tag = dateline.TagTopic
		fd.Title, fd.Page = s.cfg.SiteName+": "+t.Name, base+"/topics/"+url.PathEscape(slug)
		fd.Description = i18n.T(i18n.Lang(lang), "Stories on the topic %s, newest first.", t.Name)
	case Person:
		p, err := s.store.Person(ctx, slug)
		if err != nil {
			return nil, err
		}
		f.Person = slug
		tag = dateline.TagPerson
		fd.Title, fd.Page = s.cfg.SiteName+": "+p.Name, base+"/persons/"+url.PathEscape(slug)
		fd.Description = i18n.T(i18n.Lang(lang), "Stories that mention %s, newest first.", p.Name)
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
	return fd, s.fill(ctx, fd, items)
}

// fill adds items to fd as its stories, with their topics and (in full
// feeds) their bodies, and sets fd's time.
func (s *Feeds) fill(ctx context.Context, fd *feed.Feed, items []dateline.Article) error {
	ids := make([]int64, len(items))
	for i, a := range items {
		ids[i] = a.ID
	}
	topics, err := s.store.TopicsOf(ctx, ids)
	if err != nil {
		return err
	}
	var bodies map[int64]dateline.FeedBody
	full := s.cfg.FeedContent != FeedSummary
	if full {
		if bodies, err = s.store.FeedBodies(ctx, ids); err != nil {
			return err
		}
	}
	for i := range items {
		a := &items[i]
		it := s.item(a, topics[a.ID], bodies[a.ID], full)
		if it.Updated.After(fd.Updated) {
			fd.Updated = it.Updated
		}
		fd.Items = append(fd.Items, it)
	}
	if fd.Updated.IsZero() {
		fd.Updated = s.site.LastModified()
	}
	return nil
}

// item is a story as a feed carries it: with its whole body when full.
func (s *Feeds) item(a *dateline.Article, topics []dateline.Topic, body dateline.FeedBody, full bool) feed.Item {
	it := feed.Item{URL: s.cfg.BaseURL + s.site.ArticleURL(*a), Title: a.Headline, Summary: a.Lead, Byline: a.Byline, Lang: a.Lang,
		Published: a.PublishedAt, Updated: a.PublishedAt, Topics: topics,
		Section: dateline.Section{Slug: a.Section, Name: a.SectionName}}
	if !a.UpdatedAt.IsZero() {
		it.Updated = a.UpdatedAt
	}
	labelFeedItem(&it, a)
	var alt string
	if p := a.Photo; p != nil && (p.Path != "" || p.Remote != "") {
		alt = p.Alt
		it.Image = &feed.Image{URL: s.absURL(web.MediaURL(p, 0)), Type: feed.ImageType(web.MediaURL(p, 0)), Width: p.Width, Height: p.Height,
			Caption: p.Caption, Credit: p.Credit}
	}
	if full {
		it.Content = feed.Content(feed.Story{Advisory: a.Advisory, Lead: a.Lead, Image: it.Image, Alt: alt,
			Pages: body.Pages, Corrections: body.Corrections}, s.cfg.BaseURL)
	}
	return it
}

// ArticlesRSS is an RSS feed of whole articles (read by ArticlesByID)
// and galleries and infographics chosen elsewhere, such as a client's
// product, newest first together: its title and its own address on the
// site (self, without the site's address).
func (s *Feeds) ArticlesRSS(title, self string, list []*dateline.Article, collections []wire.Collection) ([]byte, error) {
	path, _, _ := strings.Cut(self, "?")
	fd := &feed.Feed{Path: strings.TrimSuffix(path, ".rss"), Self: self, Lang: dateline.LangMain, Title: title, Description: title,
		Page: s.cfg.BaseURL + "/"}
	full := s.cfg.FeedContent != FeedSummary
	for _, a := range list {
		it := s.item(a, a.Topics, dateline.FeedBody{Pages: a.Pages, Corrections: a.Corrections}, full)
		if it.Updated.After(fd.Updated) {
			fd.Updated = it.Updated
		}
		fd.Items = append(fd.Items, it)
	}
	for i := range collections {
		it := s.collectionItem(&collections[i], full)
		if it.Updated.After(fd.Updated) {
			fd.Updated = it.Updated
		}
		fd.Items = append(fd.Items, it)
	}
	slices.SortStableFunc(fd.Items, func(a, b feed.Item) int { return b.Published.Compare(a.Published) })
	if fd.Updated.IsZero() {
		fd.Updated = s.site.LastModified()
	}
	return feed.RSS(feed.Site{Name: s.cfg.SiteName, BaseURL: s.cfg.BaseURL}, fd)
}

// collectionItem is a gallery or an infographic as a feed item: its page
// on the site (/photo/ID, /infographics/ID in its section's edition), its
// title and text, its first picture.
func (s *Feeds) collectionItem(c *wire.Collection, full bool) feed.Item {
	page := "/photo/"
	if c.Kind == dateline.KindInfographic {
		page = "/infographics/"
	}
	it := feed.Item{URL: s.cfg.BaseURL + dateline.EditionPath(c.Lang) + page + strconv.FormatInt(c.ID, 10), Title: c.Title, Summary: c.Text,
		Lang: c.Lang, Published: c.PublishedAt, Updated: c.PublishedAt, Section: dateline.Section{Slug: c.Section, Name: c.Section}}
	if sec := s.site.SectionIn(c.Lang, c.Section); sec != nil {
		it.Section.Name = sec.Name
	}
	var alt string
	if len(c.Photos) > 0 && (c.Photos[0].Path != "" || c.Photos[0].Remote != "") {
		p := &c.Photos[0]
		alt = p.Alt
		it.Image = &feed.Image{URL: s.absURL(web.MediaURL(p, 0)), Type: feed.ImageType(web.MediaURL(p, 0)), Width: p.Width, Height: p.Height,
			Caption: p.Caption, Credit: p.Credit}
	}
	if full {
		it.Content = feed.Content(feed.Story{Lead: c.Text, Image: it.Image, Alt: alt}, s.cfg.BaseURL)
	}
	return it
}

func (s *Feeds) absURL(u string) string {
	if strings.HasPrefix(u, "/") {
		return s.cfg.BaseURL + u
	}
	return u
}

// --- WebSub ---

// FeedsOf lists the feeds a public event changes, for the WebSub hub:
// its section's and its edition's, each in the three formats.
func (s *Feeds) FeedsOf(e dateline.Event) []string {
	var paths []string
	lang := dateline.LangMain
	if s.site.HasSection(e.Section) {
		lang = s.site.EditionOf(e.Section)
		paths = append(paths, Path(lang, Section, e.Section))
	}
	paths = append(paths, Path(lang, Whole, ""))
	var urls []string
	for _, p := range paths {
		for _, x := range feedFormats {
			urls = append(urls, s.cfg.BaseURL+p+"."+x.ext)
		}
	}
	return urls
}

// --- labels of partner material and advertising ---

// commercialLabel is the label readers see on a marked story, in lang;
// "" for news.
func commercialLabel(lang, mark string) string {
	switch mark {
	case dateline.CommercialPartner:
		return i18n.T(i18n.Lang(lang), "Partner material")
	case dateline.CommercialAdvertising:
		return i18n.T(i18n.Lang(lang), "Advertisement")
	}
	return ""
}

// labelFeedItem marks a feed item of partner material or advertising.
// Feed readers show titles above all else, so the label leads the title
// ("Advertisement: …"); a category names it for programs.
func labelFeedItem(it *feed.Item, a *dateline.Article) {
	if a.Live {
		it.Title = i18n.T(i18n.Lang(a.Lang), "Live: %s", it.Title)
	}
	if label := commercialLabel(a.Lang, a.Commercial); label != "" {
		it.Commercial = label
		it.Title = label + ": " + it.Title
	}
}
