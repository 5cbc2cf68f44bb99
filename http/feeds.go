package http

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"dateline"
)

// Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the whole site
// (/feed.rss), of each section (/world/feed.rss) and of each topic and
// person (/topics/space/feed.rss), each of the newest published stories.
// They are pages of the page cache like any other, so a warm feed is a
// map lookup, and a change that empties the cache takes a withdrawn story
// out of every feed at once.

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

// feedRoutes registers the site's and the tags' feeds; section feeds are
// found by sectionFeedPath.
func (s *Server) feedRoutes(m *http.ServeMux) {
	for f, x := range feedFormats {
		f := feedFormat(f)
		m.HandleFunc("GET /feed."+x.ext, func(w http.ResponseWriter, r *http.Request) {
			s.serveFeed(w, r, feedSite, "", f)
		})
		m.HandleFunc("GET /topics/{slug}/feed."+x.ext, func(w http.ResponseWriter, r *http.Request) {
			s.serveFeed(w, r, feedTopic, r.PathValue("slug"), f)
		})
		m.HandleFunc("GET /persons/{slug}/feed."+x.ext, func(w http.ResponseWriter, r *http.Request) {
			s.serveFeed(w, r, feedPerson, r.PathValue("slug"), f)
		})
	}
}

// serveFeed answers a feed from the page cache, rendering it first if it
// is not there. Unknown sections, topics and persons are 404.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, source int, slug string, f feedFormat) {
	lang := s.lang(r)
	switch source {
	case feedSite:
		if !s.editionOn(lang) {
			s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no feed at this address."))
			return
		}
	case feedSection:
		if s.sectionIn(lang, slug) == nil {
			s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no feed at this address."))
			return
		}
	case feedTopic, feedPerson:
		if len(slug) > 200 || !validText(slug) {
			s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "There is no feed at this address."))
			return
		}
	}
	s.servePage(w, r, cacheKey{kind: "feed", a: slug, n: int64(f), m: int64(source)}, func(ctx context.Context) (*page, error) {
		fd, err := s.loadFeed(ctx, lang, source, slug)
		if err != nil {
			return nil, err
		}
		var body []byte
		switch f {
		case formatRSS:
			body = s.rss(fd)
		case formatAtom:
			body = s.atom(fd)
		default:
			body, err = s.jsonFeed(fd)
			if err != nil {
				return nil, err
			}
		}
		return &page{ctype: feedFormats[f].ctype, body: body, modified: s.lastModified(), cacheFor: feedCacheFor}, nil
	})
}

// feed is what the three formats write.
type feed struct {
	Lang        string // the edition's language
	Title       string
	Description string
	Page        string // the HTML page it follows, absolute
	Path        string // feedPath
	Updated     time.Time
	Items       []feedItem
}

type feedItem struct {
	URL       string
	Title     string
	Summary   string // the lead, plain text
	Content   string // HTML of the whole story; empty in summary feeds
	Byline    string
	Lang      string
	Published time.Time
	Updated   time.Time // Published when never updated
	Section   dateline.Section
	Topics    []dateline.Topic
	Image     *feedImage
	// Commercial is the label of partner material or advertising, in the
	// story's language; empty for news.
	Commercial string
}

type feedImage struct {
	URL, Type       string
	Width, Height   int
	Caption, Credit string
}

// loadFeed reads the newest published stories of a source.
func (s *Server) loadFeed(ctx context.Context, lang string, source int, slug string) (*feed, error) {
	base := s.cfg.BaseURL
	fd := &feed{Path: feedPath(lang, source, slug), Lang: lang}
	f := dateline.ArticleFilter{Limit: feedItems}
	var tag string
	switch source {
	case feedSite:
		f.Sections = s.editionFilter(lang)
		fd.Title, fd.Page = s.cfg.SiteName, base+prefix(lang)+"/"
		if lang != dateline.LangMain {
			fd.Title += " (" + languageNames[lang] + ")"
		}
		fd.Description = translate(lang, "The latest news from %s.", s.cfg.SiteName)
	case feedSection:
		sec := s.sectionIn(lang, slug)
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
		it := feedItem{URL: base + s.articleURL(*a), Title: a.Headline, Summary: a.Lead, Byline: a.Byline, Lang: a.Lang,
			Published: a.PublishedAt, Updated: a.PublishedAt, Topics: topics[a.ID],
			Section: dateline.Section{Slug: a.Section, Name: a.SectionName}}
		if !a.UpdatedAt.IsZero() {
			it.Updated = a.UpdatedAt
		}
		labelFeedItem(&it, a)
		if p := a.Photo; p != nil && (p.Path != "" || p.Remote != "") {
			it.Image = &feedImage{URL: s.absURL(mediaURL(p, 0)), Type: imageType(mediaURL(p, 0)), Width: p.Width, Height: p.Height,
				Caption: p.Caption, Credit: p.Credit}
		}
		if full {
			it.Content = s.feedContent(a, it.Image, bodies[a.ID])
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

// feedContent is a story as a feed shows it in full: the advisory, the
// lead, the photo, every page, and the corrections, with the site's own
// links made absolute (feed readers have no page to resolve them from).
func (s *Server) feedContent(a *dateline.Article, img *feedImage, body dateline.FeedBody) string {
	var b strings.Builder
	if a.Advisory != "" {
		b.WriteString("<p><em>" + escape(a.Advisory) + "</em></p>\n")
	}
	if a.Lead != "" {
		b.WriteString("<p><strong>" + escape(a.Lead) + "</strong></p>\n")
	}
	if img != nil {
		b.WriteString(`<figure><img src="` + escape(img.URL) + `" alt="` + escape(a.Photo.Alt) + `"`)
		if img.Width > 0 && img.Height > 0 {
			b.WriteString(` width="` + strconv.Itoa(img.Width) + `" height="` + strconv.Itoa(img.Height) + `"`)
		}
		b.WriteString(">")
		if text := strings.TrimSpace(img.Caption + " " + img.Credit); text != "" {
			b.WriteString("<figcaption>" + escape(text) + "</figcaption>")
		}
		b.WriteString("</figure>\n")
	}
	for _, p := range body.Pages {
		b.WriteString(absoluteLinks(p, s.cfg.BaseURL))
		b.WriteString("\n")
	}
	if len(body.Corrections) > 0 {
		b.WriteString("<h2>Corrections</h2><ul>")
		for _, c := range body.Corrections {
			b.WriteString("<li>" + c.At.UTC().Format("January 2, 2006, 15:04 UTC") + ": " + escape(c.Text) + "</li>")
		}
		b.WriteString("</ul>\n")
	}
	return b.String()
}

// absoluteLinks prefixes the site's address to href and src attributes
// that start with one slash.
func absoluteLinks(html, base string) string {
	if base == "" || !strings.Contains(html, `="/`) {
		return html
	}
	var b strings.Builder
	for {
		i := strings.Index(html, `="/`)
		if i < 0 {
			break
		}
		attr := html[:i]
		local := i+3 >= len(html) || html[i+3] != '/'
		b.WriteString(html[:i+2])
		if local && (strings.HasSuffix(attr, " href") || strings.HasSuffix(attr, " src")) {
			b.WriteString(base)
		}
		html = html[i+2:]
	}
	b.WriteString(html)
	return b.String()
}

func (s *Server) absURL(u string) string {
	if strings.HasPrefix(u, "/") {
		return s.cfg.BaseURL + u
	}
	return u
}

// imageType guesses a photo's media type from its name.
func imageType(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	switch strings.ToLower(path.Ext(u)) {
	case ".png":
		return "image/png"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".avif":
		return "image/avif"
	}
	return "image/jpeg"
}

// --- RSS 2.0 ---

func (s *Server) rss(fd *feed) []byte {
	topicsBase := s.cfg.BaseURL + "/topics/"
	b := make([]byte, 0, 4096+len(fd.Items)*2048)
	b = append(b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
<title>`...)
	b = xmlText(b, fd.Title)
	b = append(b, "</title>\n<link>"...)
	b = xmlText(b, fd.Page)
	b = append(b, "</link>\n<description>"...)
	b = xmlText(b, fd.Description)
	b = append(b, "</description>\n<language>"...)
	b = append(b, fd.Lang...)
	b = append(b, "</language>\n<lastBuildDate>"...)
	b = fd.Updated.UTC().AppendFormat(b, time.RFC1123Z)
	b = append(b, "</lastBuildDate>\n<generator>dateline</generator>\n<atom:link rel=\"self\" type=\"application/rss+xml\" href=\""...)
	b = xmlText(b, s.cfg.BaseURL+fd.Path+".rss")
	b = append(b, "\"/>\n"...)
	if hub := s.cfg.WebSubHub; hub != "" {
		b = append(b, `<atom:link rel="hub" href="`...)
		b = xmlText(b, hub)
		b = append(b, "\"/>\n"...)
	}
	for i := range fd.Items {
		it := &fd.Items[i]
		b = append(b, "<item>\n<title>"...)
		b = xmlText(b, it.Title)
		b = append(b, "</title>\n<link>"...)
		b = xmlText(b, it.URL)
		b = append(b, "</link>\n<guid isPermaLink=\"true\">"...)
		b = xmlText(b, it.URL)
		b = append(b, "</guid>\n<pubDate>"...)
		b = it.Published.UTC().AppendFormat(b, time.RFC1123Z)
		b = append(b, "</pubDate>\n"...)
		if it.Summary != "" {
			b = append(b, "<description>"...)
			b = xmlText(b, it.Summary)
			b = append(b, "</description>\n"...)
		}
		if it.Content != "" {
			b = append(b, "<content:encoded>"...)
			b = xmlText(b, it.Content)
			b = append(b, "</content:encoded>\n"...)
		}
		if it.Byline != "" {
			b = append(b, "<dc:creator>"...)
			b = xmlText(b, it.Byline)
			b = append(b, "</dc:creator>\n"...)
		}
		b = append(b, `<category domain="`...)
		b = xmlText(b, s.cfg.BaseURL+"/")
		b = append(b, `">`...)
		b = xmlText(b, it.Section.Name)
		b = append(b, "</category>\n"...)
		b = s.commercialCategory(b, it, formatRSS)
		for _, t := range it.Topics {
			b = append(b, `<category domain="`...)
			b = xmlText(b, topicsBase)
			b = append(b, `">`...)
			b = xmlText(b, t.Name)
			b = append(b, "</category>\n"...)
		}
		if img := it.Image; img != nil {
			// The size of the file is not stored: 0 is what the RSS
			// Advisory Board's profile asks for when it is not known.
			b = append(b, `<enclosure url="`...)
			b = xmlText(b, img.URL)
			b = append(b, `" length="0" type="`...)
			b = append(b, img.Type...)
			b = append(b, "\"/>\n<media:content url=\""...)
			b = xmlText(b, img.URL)
			b = append(b, `" medium="image" type="`...)
			b = append(b, img.Type...)
			b = append(b, '"')
			if img.Width > 0 && img.Height > 0 {
				b = append(b, ` width="`...)
				b = strconv.AppendInt(b, int64(img.Width), 10)
				b = append(b, `" height="`...)
				b = strconv.AppendInt(b, int64(img.Height), 10)
				b = append(b, '"')
			}
			b = append(b, '>')
			if img.Caption != "" {
				b = append(b, `<media:description type="plain">`...)
				b = xmlText(b, img.Caption)
				b = append(b, "</media:description>"...)
			}
			if img.Credit != "" {
				b = append(b, "<media:credit>"...)
				b = xmlText(b, img.Credit)
				b = append(b, "</media:credit>"...)
			}
			b = append(b, "</media:content>\n"...)
		}
		b = append(b, "</item>\n"...)
	}
	return append(b, "</channel>\n</rss>\n"...)
}

// --- Atom 1.0 ---

func (s *Server) atom(fd *feed) []byte {
	self := s.cfg.BaseURL + fd.Path + ".atom"
	topicsBase := s.cfg.BaseURL + "/topics/"
	b := make([]byte, 0, 4096+len(fd.Items)*2048)
	b = append(b, `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="`...)
	b = append(b, fd.Lang...)
	b = append(b, `">
<id>`...)
	b = xmlText(b, self)
	b = append(b, "</id>\n<title>"...)
	b = xmlText(b, fd.Title)
	b = append(b, "</title>\n<subtitle>"...)
	b = xmlText(b, fd.Description)
	b = append(b, "</subtitle>\n<updated>"...)
	b = fd.Updated.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, "</updated>\n<link rel=\"self\" type=\"application/atom+xml\" href=\""...)
	b = xmlText(b, self)
	b = append(b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\""...)
	b = xmlText(b, fd.Page)
	b = append(b, "\"/>\n"...)
	if hub := s.cfg.WebSubHub; hub != "" {
		b = append(b, `<link rel="hub" href="`...)
		b = xmlText(b, hub)
		b = append(b, "\"/>\n"...)
	}
	b = append(b, "<author><name>"...)
	b = xmlText(b, s.cfg.SiteName)
	b = append(b, "</name><uri>"...)
	b = xmlText(b, s.cfg.BaseURL+"/")
	b = append(b, "</uri></author>\n<generator>dateline</generator>\n<icon>"...)
	b = xmlText(b, s.cfg.BaseURL+"/static/icon.svg")
	b = append(b, "</icon>\n"...)
	for i := range fd.Items {
		it := &fd.Items[i]
		b = append(b, "<entry"...)
		if it.Lang != "" && it.Lang != "en" {
			b = append(b, ` xml:lang="`...)
			b = xmlText(b, it.Lang)
			b = append(b, '"')
		}
		b = append(b, ">\n<id>"...)
		b = xmlText(b, it.URL)
		b = append(b, "</id>\n<title>"...)
		b = xmlText(b, it.Title)
		b = append(b, "</title>\n<link rel=\"alternate\" type=\"text/html\" href=\""...)
		b = xmlText(b, it.URL)
		b = append(b, "\"/>\n"...)
		if img := it.Image; img != nil {
			b = append(b, `<link rel="enclosure" type="`...)
			b = append(b, img.Type...)
			b = append(b, `" href="`...)
			b = xmlText(b, img.URL)
			b = append(b, "\"/>\n"...)
		}
		b = append(b, "<published>"...)
		b = it.Published.UTC().AppendFormat(b, time.RFC3339)
		b = append(b, "</published>\n<updated>"...)
		b = it.Updated.UTC().AppendFormat(b, time.RFC3339)
		b = append(b, "</updated>\n"...)
		if it.Byline != "" {
			b = append(b, "<author><name>"...)
			b = xmlText(b, it.Byline)
			b = append(b, "</name></author>\n"...)
		}
		b = append(b, `<category term="`...)
		b = xmlText(b, it.Section.Slug)
		b = append(b, `" label="`...)
		b = xmlText(b, it.Section.Name)
		b = append(b, `" scheme="`...)
		b = xmlText(b, s.cfg.BaseURL+"/")
		b = append(b, "\"/>\n"...)
		b = s.commercialCategory(b, it, formatAtom)
		for _, t := range it.Topics {
			b = append(b, `<category term="`...)
			b = xmlText(b, t.Slug)
			b = append(b, `" label="`...)
			b = xmlText(b, t.Name)
			b = append(b, `" scheme="`...)
			b = xmlText(b, topicsBase)
			b = append(b, "\"/>\n"...)
		}
		if it.Summary != "" {
			b = append(b, "<summary>"...)
			b = xmlText(b, it.Summary)
			b = append(b, "</summary>\n"...)
		}
		if it.Content != "" {
			b = append(b, `<content type="html">`...)
			b = xmlText(b, it.Content)
			b = append(b, "</content>\n"...)
		}
		b = append(b, "</entry>\n"...)
	}
	return append(b, "</feed>\n"...)
}

// --- JSON Feed 1.1 ---

type jsonFeedDoc struct {
	Version     string           `json:"version"`
	Title       string           `json:"title"`
	HomePageURL string           `json:"home_page_url"`
	FeedURL     string           `json:"feed_url"`
	Description string           `json:"description"`
	Language    string           `json:"language"`
	Authors     []jsonFeedAuthor `json:"authors"`
	Hubs        []jsonFeedHub    `json:"hubs,omitempty"`
	Items       []jsonFeedItem   `json:"items"`
}

type jsonFeedAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type jsonFeedHub struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

type jsonFeedItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url"`
	Title         string           `json:"title"`
	ContentHTML   string           `json:"content_html,omitempty"`
	ContentText   string           `json:"content_text,omitempty"`
	Summary       string           `json:"summary,omitempty"`
	Image         string           `json:"image,omitempty"`
	DatePublished string           `json:"date_published"`
	DateModified  string           `json:"date_modified"`
	Authors       []jsonFeedAuthor `json:"authors,omitempty"`
	Tags          []string         `json:"tags,omitempty"`
	Language      string           `json:"language,omitempty"`
}

func (s *Server) jsonFeed(fd *feed) ([]byte, error) {
	doc := jsonFeedDoc{Version: "https://jsonfeed.org/version/1.1", Title: fd.Title, HomePageURL: fd.Page,
		FeedURL: s.cfg.BaseURL + fd.Path + ".json", Description: fd.Description, Language: fd.Lang,
		Authors: []jsonFeedAuthor{{Name: s.cfg.SiteName, URL: s.cfg.BaseURL + "/"}}, Items: []jsonFeedItem{}}
	if s.cfg.WebSubHub != "" {
		doc.Hubs = []jsonFeedHub{{Type: "WebSub", URL: s.cfg.WebSubHub}}
	}
	for i := range fd.Items {
		it := &fd.Items[i]
		j := jsonFeedItem{ID: it.URL, URL: it.URL, Title: it.Title, Summary: it.Summary, ContentHTML: it.Content,
			DatePublished: it.Published.UTC().Format(time.RFC3339), DateModified: it.Updated.UTC().Format(time.RFC3339),
			Language: it.Lang, Tags: []string{it.Section.Name}}
		if it.Commercial != "" {
			j.Tags = append(j.Tags, it.Commercial)
		}
		if j.ContentHTML == "" {
			// An item needs content_html or content_text.
			j.ContentText = it.Summary
			if j.ContentText == "" {
				j.ContentText = it.Title
			}
		}
		if it.Image != nil {
			j.Image = it.Image.URL
		}
		if it.Byline != "" {
			j.Authors = []jsonFeedAuthor{{Name: it.Byline}}
		}
		for _, t := range it.Topics {
			j.Tags = append(j.Tags, t.Name)
		}
		doc.Items = append(doc.Items, j)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// xmlText appends s escaped for XML text and attribute values, leaving
// out the characters XML 1.0 does not allow.
func xmlText(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '<':
				b = append(b, "&lt;"...)
			case '>':
				b = append(b, "&gt;"...)
			case '&':
				b = append(b, "&amp;"...)
			case '"':
				b = append(b, "&quot;"...)
			case '\t', '\n', '\r':
				b = append(b, c)
			default:
				if c >= 0x20 {
					b = append(b, c)
				}
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r != utf8.RuneError || n > 1) && r != 0xFFFE && r != 0xFFFF {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return b
}

// --- links in page heads ---

// feedLink is a <link rel="alternate"> to a feed. The layout writes the
// media type from Format as literal text: html/template would write the
// "+" of a value as "&#43;", which naive feed finders miss.
type feedLink struct {
	Format, Title, Href string
}

// feedLinks lists the feeds a page names in its head: its own (a
// section's, a topic's or a person's; an article names its section's)
// and the site's, each in the three formats.
func feedLinks(v *view) []feedLink {
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

// hubPingEvery is the least time between two pings of the hub about one
// feed; pings asked for sooner are merged into one sent when it is up.
const hubPingEvery = time.Second

// hubTimeout bounds one ping.
const hubTimeout = 10 * time.Second

// hubNotifier tells a WebSub hub that feeds changed: "hub.mode=publish"
// with the feed's address, form-encoded, which is what hubs take from
// publishers. Failures are logged; the hub also polls.
type hubNotifier struct {
	hub    string
	agent  string // User-Agent
	client *http.Client
	log    *slog.Logger
	every  time.Duration

	mu      sync.Mutex
	last    map[string]time.Time // feed URL → last ping
	pending map[string]bool      // a ping is waiting for its turn
	wg      sync.WaitGroup
}

func newHubNotifier(hub, baseURL string, log *slog.Logger) *hubNotifier {
	if hub == "" {
		return nil
	}
	return &hubNotifier{hub: hub, agent: "dateline (+" + baseURL + "/)", client: &http.Client{Timeout: hubTimeout}, log: log,
		every: hubPingEvery, last: map[string]time.Time{}, pending: map[string]bool{}}
}

// notifyHub tells the WebSub hub, if there is one, that the site's feeds
// and the feeds of the events' sections changed. It returns at once; the
// pings run in the background, at most one a second for each feed.
func (s *Server) notifyHub(es []dateline.Event) {
	n := s.synd.hub
	if n == nil || len(es) == 0 {
		return
	}
	seen := map[string]bool{}
	ping := func(p string) {
		for _, x := range feedFormats {
			u := s.cfg.BaseURL + p + "." + x.ext
			if !seen[u] {
				seen[u] = true
				n.ping(u)
			}
		}
	}
	for _, e := range es {
		if !dateline.PublicEvent(e.Kind) {
			continue // nothing a feed shows changed
		}
		lang := dateline.LangMain
		if sec := s.section(e.Section); sec != nil {
			lang = sectionLang(*sec)
			ping(feedPath(lang, feedSection, e.Section))
		}
		ping(feedPath(lang, feedSite, ""))
	}
}

// ping sends one ping now, or once the feed's last ping is a second old.
func (n *hubNotifier) ping(feedURL string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pending[feedURL] {
		return
	}
	wait := n.every - time.Since(n.last[feedURL])
	if wait <= 0 {
		n.last[feedURL] = time.Now()
		n.wg.Add(1)
		go n.send(feedURL)
		return
	}
	n.pending[feedURL] = true
	n.wg.Add(1)
	time.AfterFunc(wait, func() {
		n.mu.Lock()
		n.pending[feedURL] = false
		n.last[feedURL] = time.Now()
		n.mu.Unlock()
		n.send(feedURL)
	})
}

func (n *hubNotifier) send(feedURL string) {
	defer n.wg.Done()
	ctx, cancel := context.WithTimeout(context.Background(), hubTimeout)
	defer cancel()
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {feedURL}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.hub, strings.NewReader(form.Encode()))
	if err != nil {
		n.log.Error("websub ping", "hub", n.hub, "feed", feedURL, "err", err)
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", n.agent)
	resp, err := n.client.Do(req)
	if err != nil {
		n.log.Warn("websub ping failed", "hub", n.hub, "feed", feedURL, "err", err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		n.log.Warn("websub hub refused a ping", "hub", n.hub, "feed", feedURL, "status", resp.StatusCode)
	}
}

// wait waits for the pings sent or planned so far (tests).
func (n *hubNotifier) wait() { n.wg.Wait() }
