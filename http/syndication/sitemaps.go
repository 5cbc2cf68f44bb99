package syndication

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"dateline"
	"dateline/feed"
	"dateline/http/web"
)

// Sitemaps: /sitemap.xml is an index of
//
//	/sitemaps/news.xml               Google News: the last 48 hours, newest first (news-2.xml… past 1,000)
//	/sitemaps/sections.xml           the home page, the news feed and every section
//	/sitemaps/topics.xml             topics with published stories (topics-2.xml… by 2,000 ids)
//	/sitemaps/persons.xml            persons, likewise
//	/sitemaps/articles-2026-11.xml   the stories first published in a month (UTC), oldest first,
//	                                 2,500 a file (articles-2026-11-2.xml…), with their photos
//
// Every file is rendered from the store into the page cache, which
// empties on every change, so a withdrawn story leaves them at once.

const (
	// articlesPerSitemap is the size of a month's files. The protocol
	// allows 50,000, but reading 50,000 stories takes ~60 ms from SQLite
	// at a million (more from PostgreSQL) and the file is 8 MB to
	// compress; 2,500 answer cold in ~10 ms, and a crawler reads twenty
	// files as easily as one. A year of a million stories is 400 files;
	// an index takes 50,000.
	articlesPerSitemap = 2500
	// tagsPerSitemap is how many tag ids one file of topics or persons
	// covers; ids are dense, so files are at most this long and their
	// number is the largest id over this, known without counting. Each
	// tag is a step into an index for its newest story (~7 µs on
	// PostgreSQL).
	tagsPerSitemap = 2000
	// newsPerSitemap is Google News' limit per file.
	newsPerSitemap = 1000
	newsWindow     = 48 * time.Hour
	// sitemapCacheFor is how long a shared cache may keep a sitemap:
	// crawlers read them every few minutes at most.
	sitemapCacheFor = 60
	// monthSkew is how far back a refresh of the month counts looks
	// before the last one: writers on other nodes date changes by their
	// own clocks, and commit a little after.
	monthSkew = 5 * time.Minute
)

// Sitemaps are /sitemap.xml, the files under /sitemaps/ and robots.txt.
type Sitemaps struct {
	site   Site
	store  SitemapStore
	cfg    Config
	months monthTable
	robots *web.Page
	// Files' sizes: articlesPerSitemap, newsPerSitemap, tagsPerSitemap
	// (smaller in tests).
	perArticles, perNews, perTags int
}

// SitemapStore is what the sitemaps read; sqlite.DB and postgres.DB
// satisfy it.
type SitemapStore interface {
	dateline.Sitemaps
	Articles(ctx context.Context, f dateline.ArticleFilter) ([]dateline.Article, error)
}

// NewSitemaps prepares robots.txt.
func NewSitemaps(store SitemapStore, site Site, cfg Config) *Sitemaps {
	sm := &Sitemaps{site: site, store: store, cfg: cfg, perArticles: articlesPerSitemap, perNews: newsPerSitemap, perTags: tagsPerSitemap}
	base := cfg.BaseURL
	robots := "User-agent: *\nDisallow: /api/\nDisallow: /newsroom/\nDisallow: /search\n" +
		"\nSitemap: " + base + "/sitemap.xml\nSitemap: " + base + "/sitemaps/news.xml\n"
	sm.robots = &web.Page{Body: []byte(robots), Type: "text/plain; charset=utf-8", Modified: cfg.Now()}
	sm.robots.Finish()
	sm.robots.SetCacheControl("public, max-age=3600")
	return sm
}

// SetSizes makes the sitemap files hold at most this many stories, news
// stories and tag ids, so tests can see files split.
func (s *Sitemaps) SetSizes(articles, news, tags int) {
	s.perArticles, s.perNews, s.perTags = articles, news, tags
}

func (s *Sitemaps) Routes(m *http.ServeMux) {
	m.HandleFunc("GET /robots.txt", s.handleRobotsTxt)
	m.HandleFunc("GET /sitemap.xml", s.handleSitemapIndex)
	m.HandleFunc("GET /sitemaps/{name}", s.handleSitemap)
}

// handleRobotsTxt keeps crawlers off the API and names the sitemaps.
func (s *Sitemaps) handleRobotsTxt(w http.ResponseWriter, r *http.Request) {
	s.robots.Write(w, r)
}

// --- month counts ---

// monthTable keeps the month counts in memory: counting a month is a walk
// of its part of an index (5 ms for 84,000 stories on SQLite), so after a
// change only the months whose stories changed are counted again.
type monthTable struct {
	mu      sync.Mutex
	loaded  bool
	gen     uint64    // the page cache's generation when last refreshed
	asOf    time.Time // changes from then on are not counted yet
	byMonth map[time.Time]dateline.MonthCount
	list    []dateline.MonthCount // newest first; replaced, never changed
}

// sitemapMonths returns the months with published stories, newest first,
// refreshed when content changed since the last call.
func (s *Sitemaps) sitemapMonths(ctx context.Context) ([]dateline.MonthCount, error) {
	mt := &s.months
	gen := s.site.Generation()
	mt.mu.Lock()
	defer mt.mu.Unlock()
	if mt.loaded && mt.gen == gen {
		return mt.list, nil
	}
	start := s.cfg.Now()
	var since time.Time
	if mt.loaded {
		since = mt.asOf
	}
	ms, err := s.store.SitemapMonths(ctx, since)
	if err != nil {
		return nil, err
	}
	if !mt.loaded {
		mt.byMonth = map[time.Time]dateline.MonthCount{}
	}
	for _, m := range ms {
		if m.Count == 0 {
			delete(mt.byMonth, m.Month)
			continue
		}
		if old, ok := mt.byMonth[m.Month]; ok && old.Modified.After(m.Modified) {
			m.Modified = old.Modified
		}
		mt.byMonth[m.Month] = m
	}
	list := make([]dateline.MonthCount, 0, len(mt.byMonth))
	for _, m := range mt.byMonth {
		list = append(list, m)
	}
	slices.SortFunc(list, func(a, b dateline.MonthCount) int { return b.Month.Compare(a.Month) })
	mt.list, mt.loaded, mt.gen, mt.asOf = list, true, gen, start.Add(-monthSkew)
	return list, nil
}

// Warm counts the months for the sitemap index, which the first
// time takes a pass over the stories (0.6-0.8 s at a million on either
// engine; afterwards only the months that changed are counted), so that
// the first crawler after a start does not wait for it.
func (s *Sitemaps) Warm(ctx context.Context) error {
	_, err := s.sitemapMonths(ctx)
	return err
}

// fileCount is how many files n things take at per a file.
func fileCount(n, per int) int { return (n + per - 1) / per }

// --- addresses ---

// sitemapName is a file under /sitemaps/.
type sitemapName struct {
	kind  string // "news", "sections", "topics", "persons", "articles"
	month time.Time
	page  int // from 1
}

// parseSitemapName reads "articles-2026-11-2.xml" and the like. Page 1
// has no number, so that every file has one address.
func parseSitemapName(name string) (sitemapName, bool) {
	base, ok := strings.CutSuffix(name, ".xml")
	if !ok {
		return sitemapName{}, false
	}
	n := sitemapName{page: 1}
	var rest string
	switch {
	case strings.HasPrefix(base, "articles-"):
		rest = base[len("articles-"):]
		if len(rest) < 7 {
			return n, false
		}
		m, err := time.Parse("2006-01", rest[:7])
		if err != nil || m.Year() < 1970 {
			return n, false
		}
		n.kind, n.month, rest = "articles", m, rest[7:]
	case base == "sections":
		return sitemapName{kind: "sections", page: 1}, true
	default:
		for _, k := range []string{"news", "topics", "persons"} {
			if strings.HasPrefix(base, k) {
				n.kind, rest = k, base[len(k):]
			}
		}
		if n.kind == "" {
			return n, false
		}
	}
	if rest == "" {
		return n, true
	}
	num, ok := strings.CutPrefix(rest, "-")
	if !ok || num == "" || num[0] == '0' || len(num) > 6 {
		return n, false
	}
	p, err := strconv.Atoi(num)
	if err != nil || p < 2 {
		return n, false
	}
	n.page = p
	return n, true
}

func (n sitemapName) String() string {
	var b strings.Builder
	b.WriteString(n.kind)
	if n.kind == "articles" {
		b.WriteString("-" + n.month.Format("2006-01"))
	}
	if n.page > 1 {
		b.WriteString("-" + strconv.Itoa(n.page))
	}
	b.WriteString(".xml")
	return b.String()
}

// --- handlers ---

var errNoSitemap = dateline.Errorf(dateline.ENOTFOUND, "There is no sitemap at this address.")

func (s *Sitemaps) handleSitemapIndex(w http.ResponseWriter, r *http.Request) {
	s.site.ServeLarge(w, r, web.Key{Kind: "sitemap", A: "index"}, s.sitemapIndex)
}

func (s *Sitemaps) handleSitemap(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	n, ok := parseSitemapName(name)
	if !ok {
		s.site.Error(w, r, errNoSitemap)
		return
	}
	s.site.ServeLarge(w, r, web.Key{Kind: "sitemap", A: name}, func(ctx context.Context) (*web.Page, error) {
		var body []byte
		var err error
		switch n.kind {
		case "articles":
			body, err = s.articleSitemap(ctx, n.month, n.page)
		case "news":
			body, err = s.newsSitemap(ctx, n.page)
		case "sections":
			body, err = s.sectionSitemap(ctx)
		case "topics":
			body, err = s.tagSitemap(ctx, dateline.TagTopic, n.page)
		case "persons":
			body, err = s.tagSitemap(ctx, dateline.TagPerson, n.page)
		}
		if err != nil {
			return nil, err
		}
		return &web.Page{Type: "application/xml; charset=utf-8", Body: body, Modified: s.site.LastModified(), CacheFor: sitemapCacheFor}, nil
	})
}

// sitemapIndex lists every sitemap: the news, the sections, the tags and
// each month's files, newest first.
func (s *Sitemaps) sitemapIndex(ctx context.Context) (*web.Page, error) {
	months, err := s.sitemapMonths(ctx)
	if err != nil {
		return nil, err
	}
	sm := s.store
	now := s.cfg.Now()
	recent, err := sm.SitemapCount(ctx, now.Add(-newsWindow), now.Add(time.Second))
	if err != nil {
		return nil, err
	}
	news := max(1, fileCount(recent, s.perNews))
	var entries []feed.IndexEntry
	entry := func(n sitemapName, mod time.Time) {
		entries = append(entries, feed.IndexEntry{Loc: s.cfg.BaseURL + "/sitemaps/" + n.String(), Modified: lastmod(mod)})
	}
	var newest time.Time
	for _, m := range months {
		if m.Modified.After(newest) {
			newest = m.Modified
		}
	}
	for p := 1; p <= news; p++ {
		entry(sitemapName{kind: "news", page: p}, time.Time{})
	}
	entry(sitemapName{kind: "sections", page: 1}, newest)
	for _, kind := range []string{dateline.TagTopic, dateline.TagPerson} {
		last, err := sm.LastTagID(ctx, kind)
		if err != nil {
			return nil, err
		}
		for p := 1; p <= fileCount(int(last), s.perTags); p++ {
			entry(sitemapName{kind: kind + "s", page: p}, time.Time{})
		}
	}
	for _, m := range months {
		for p := 1; p <= fileCount(m.Count, s.perArticles); p++ {
			entry(sitemapName{kind: "articles", month: m.Month, page: p}, m.Modified)
		}
	}
	b, err := feed.Index(entries)
	if err != nil {
		return nil, err
	}
	return &web.Page{Type: "application/xml; charset=utf-8", Body: b, Modified: s.site.LastModified(), CacheFor: sitemapCacheFor}, nil
}

// articleSitemap is one file of a month: its stories, oldest first, each
// with the time it last changed for readers and its photo. A month or a
// file with no stories is not found.
func (s *Sitemaps) articleSitemap(ctx context.Context, month time.Time, n int) ([]byte, error) {
	per := s.perArticles
	if n > 1_000_000/per {
		return nil, errNoSitemap
	}
	es, err := s.store.SitemapArticles(ctx, month, month.AddDate(0, 1, 0), (n-1)*per, per)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, errNoSitemap
	}
	base := s.cfg.BaseURL
	set := feed.NewURLSet(feed.Images, len(es))
	for i := range es {
		e := &es[i]
		mod := e.PublishedAt
		if e.UpdatedAt.After(mod) {
			mod = e.UpdatedAt
		}
		u := feed.URL{Loc: s.sitemapLoc(e), Lastmod: lastmod(mod)}
		if p := e.Photo; p != nil && (p.Path != "" || p.Remote != "") {
			u.Image = &feed.ImageLoc{Loc: p.Remote}
			if p.Path != "" {
				u.Image.Loc = base + "/media/" + p.Path
			}
		}
		set.Add(u)
	}
	return set.Bytes()
}

// newsSitemap lists the stories of the last 48 hours for Google News,
// newest first, 1,000 a file.
func (s *Sitemaps) newsSitemap(ctx context.Context, n int) ([]byte, error) {
	sm, per := s.store, s.perNews
	from, to := s.cfg.Now().Add(-newsWindow), s.cfg.Now().Add(time.Second)
	total, err := sm.SitemapCount(ctx, from, to)
	if err != nil {
		return nil, err
	}
	// File n holds the stories from the n-th thousand newest back.
	end := total - (n-1)*per
	if end <= 0 && n > 1 {
		return nil, errNoSitemap
	}
	var es []dateline.SitemapEntry
	if end > 0 {
		if es, err = sm.SitemapArticles(ctx, from, to, max(0, end-per), min(per, end)); err != nil {
			return nil, err
		}
	}
	set := feed.NewURLSet(feed.NewsSet, len(es))
	for i := len(es) - 1; i >= 0; i-- {
		e := &es[i]
		if e.Commercial {
			continue // paid-for content is not news
		}
		set.Add(feed.URL{Loc: s.sitemapLoc(e), News: &feed.News{Name: s.cfg.SiteName, Language: newsLanguage(e.Lang),
			Published: lastmod(e.PublishedAt), Title: e.Headline}})
	}
	return set.Bytes()
}

// sitemapLoc is a story's address in sitemaps.
func (s *Sitemaps) sitemapLoc(e *dateline.SitemapEntry) string {
	return s.cfg.BaseURL + dateline.EditionPath(s.site.EditionOf(e.Section)) + "/" + e.Section + "/" + strconv.FormatInt(e.ID, 10)
}

// lastmod is a sitemap's date, or "" for none.
func lastmod(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// newsLanguage is a story's language as Google News names it: an ISO 639
// code of two or three letters, or zh-cn / zh-tw.
func newsLanguage(lang string) string {
	l := strings.ToLower(lang)
	switch {
	case l == "zh-tw" || l == "zh-hk" || strings.HasPrefix(l, "zh-hant"):
		return "zh-tw"
	case l == "zh" || strings.HasPrefix(l, "zh-"):
		return "zh-cn"
	}
	primary, _, _ := strings.Cut(l, "-")
	if len(primary) < 2 || len(primary) > 3 {
		return "en"
	}
	for _, c := range primary {
		if c < 'a' || c > 'z' {
			return "en"
		}
	}
	return primary
}

// sectionSitemap lists the home page, the news feed and each section,
// each dated by its newest story.
func (s *Sitemaps) sectionSitemap(ctx context.Context) ([]byte, error) {
	newest := func(f dateline.ArticleFilter) (time.Time, error) {
		f.Limit = 1
		as, err := s.store.Articles(ctx, f)
		if err != nil || len(as) == 0 {
			return time.Time{}, err
		}
		return as[0].PublishedAt, nil
	}
	set := feed.NewURLSet(feed.Plain, 16)
	entry := func(path string, mod time.Time) {
		set.Add(feed.URL{Loc: s.cfg.BaseURL + path, Lastmod: lastmod(mod)})
	}
	for _, lang := range s.site.Editions() {
		all, err := newest(dateline.ArticleFilter{Sections: s.site.EditionFilter(lang)})
		if err != nil {
			return nil, err
		}
		entry(dateline.EditionPath(lang)+"/", all)
		entry(dateline.EditionPath(lang)+"/news", all)
		for _, sec := range s.site.SectionsOf(lang) {
			t, err := newest(dateline.ArticleFilter{Sections: []string{sec.Slug}})
			if err != nil {
				return nil, err
			}
			entry(dateline.EditionPath(lang)+"/"+sec.Slug, t)
		}
	}
	return set.Bytes()
}

// tagSitemap is one file of topics or persons: those of a range of ids
// that have published stories, each dated by its newest.
func (s *Sitemaps) tagSitemap(ctx context.Context, kind string, n int) ([]byte, error) {
	sm := s.store
	last, err := sm.LastTagID(ctx, kind)
	if err != nil {
		return nil, err
	}
	per := s.perTags
	if n > fileCount(int(last), per) && n > 1 {
		return nil, errNoSitemap
	}
	tags, err := sm.SitemapTags(ctx, kind, int64(n-1)*int64(per), per)
	if err != nil {
		return nil, err
	}
	prefix := s.cfg.BaseURL + "/" + kind + "s/"
	set := feed.NewURLSet(feed.Plain, len(tags))
	for _, t := range tags {
		set.Add(feed.URL{Loc: prefix + url.PathEscape(t.Slug), Lastmod: t.Modified.UTC().Format(time.RFC3339)})
	}
	return set.Bytes()
}
