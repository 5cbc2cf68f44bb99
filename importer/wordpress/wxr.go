// Package wordpress reads the WXR file WordPress's Tools → Export writes
// (an RSS 2.0 document with WordPress's own elements, versions 1.0 to
// 1.2) into an importer.Export: posts and pages with their categories,
// tags, authors, dates, excerpts, featured images and old addresses, and
// their bodies turned into plain HTML (Body).
package wordpress

import (
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"dateline"
	"dateline/importer"
	"dateline/redirect"
)

// The elements of an item this reads. WordPress's namespace changes with
// the WXR version, so its elements are matched by local name; the two
// "encoded" elements are told apart by namespace.
type item struct {
	Title    string     `xml:"title"`
	Link     string     `xml:"link"`
	GUID     string     `xml:"guid"`
	Creator  []string   `xml:"creator"`
	Encoded  []encoded  `xml:"encoded"`
	ID       string     `xml:"post_id"`
	Date     string     `xml:"post_date"`
	DateGMT  string     `xml:"post_date_gmt"`
	Modified string     `xml:"post_modified"`
	ModGMT   string     `xml:"post_modified_gmt"`
	Name     string     `xml:"post_name"`
	Status   string     `xml:"status"`
	Parent   string     `xml:"post_parent"`
	Type     string     `xml:"post_type"`
	Password string     `xml:"post_password"`
	URL      string     `xml:"attachment_url"`
	Terms    []itemTerm `xml:"category"`
	Meta     []postmeta `xml:"postmeta"`
}

type encoded struct {
	XMLName xml.Name
	Text    string `xml:",chardata"`
}

type itemTerm struct {
	Domain   string `xml:"domain,attr"`
	Nicename string `xml:"nicename,attr"`
	Name     string `xml:",chardata"`
}

type postmeta struct {
	Key   string `xml:"meta_key"`
	Value string `xml:"meta_value"`
}

type author struct {
	Login   string `xml:"author_login"`
	Display string `xml:"author_display_name"`
	First   string `xml:"author_first_name"`
	Last    string `xml:"author_last_name"`
}

type category struct {
	Nicename string `xml:"category_nicename"`
	Name     string `xml:"cat_name"`
}

type tag struct {
	Slug string `xml:"tag_slug"`
	Name string `xml:"tag_name"`
}

// Options are what the export does not say.
type Options struct {
	// Zone is the site's time zone, for the few posts whose GMT date is
	// missing (0000-00-00) but whose local one is set; UTC when nil.
	Zone *time.Location
}

// MaxSize bounds what Parse reads of a file (2 GiB).
const MaxSize = 2 << 30

// Parse reads a WXR export. Errors say, in one line, why the file is not
// one (not XML, not WordPress's, cut short).
func Parse(r io.Reader, o Options) (*importer.Export, error) {
	zone := o.Zone
	if zone == nil {
		zone = time.UTC
	}
	dec := xml.NewDecoder(io.LimitReader(r, MaxSize))
	// Entities of HTML (&nbsp;) in titles, as older WordPress wrote them.
	dec.Entity = xml.HTMLEntity
	var (
		items   []item
		authors = map[string]string{}
		ex      = &importer.Export{Source: "wordpress", CategoryBase: "/category/", TagBase: "/tag/"}
		channel bool
		wxr     bool
		catSeen = map[string]bool{}
		tagSeen = map[string]bool{}
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not a WordPress export (WXR): %s", xmlError(err))
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		wp := strings.Contains(se.Name.Space, "wordpress.org/export")
		switch {
		case se.Name.Local == "channel":
			channel = true
		case !channel:
			if se.Name.Local != "rss" {
				return nil, errors.New("not a WordPress export (WXR): the document is <" + se.Name.Local + ">, not an RSS <rss> with a <channel>")
			}
		case se.Name.Local == "wxr_version" && wp:
			wxr = true
		case se.Name.Local == "author" && wp:
			var a author
			if err := dec.DecodeElement(&a, &se); err != nil {
				return nil, fmt.Errorf("an author: %s", xmlError(err))
			}
			authors[strings.TrimSpace(a.Login)] = authorName(a)
		case se.Name.Local == "category" && wp:
			var c category
			if err := dec.DecodeElement(&c, &se); err != nil {
				return nil, fmt.Errorf("a category: %s", xmlError(err))
			}
			if t := term(c.Nicename, c.Name); t.Slug != "" && !catSeen[t.Slug] {
				catSeen[t.Slug] = true
				ex.Categories = append(ex.Categories, t)
			}
		case se.Name.Local == "tag" && wp:
			var t tag
			if err := dec.DecodeElement(&t, &se); err != nil {
				return nil, fmt.Errorf("a tag: %s", xmlError(err))
			}
			if t := term(t.Slug, t.Name); t.Slug != "" && !tagSeen[t.Slug] {
				tagSeen[t.Slug] = true
				ex.Tags = append(ex.Tags, t)
			}
		case se.Name.Local == "item":
			var it item
			if err := dec.DecodeElement(&it, &se); err != nil {
				return nil, fmt.Errorf("item %d: %s", len(items)+1, xmlError(err))
			}
			items = append(items, it)
		}
	}
	if !channel {
		return nil, errors.New("not a WordPress export (WXR): no RSS <channel> in the file")
	}
	if !wxr && len(items) > 0 && items[0].ID == "" {
		return nil, errors.New("not a WordPress export (WXR): an RSS feed without WordPress's elements (wp:wxr_version, wp:post_id)")
	}
	attachments := map[string]*item{}
	children := map[string][]string{}
	for i := range items {
		if it := &items[i]; strings.TrimSpace(it.Type) == "attachment" {
			id := strings.TrimSpace(it.ID)
			attachments[id] = it
			children[strings.TrimSpace(it.Parent)] = append(children[strings.TrimSpace(it.Parent)], id)
		}
	}
	for i := range items {
		it := &items[i]
		if strings.TrimSpace(it.Type) == "attachment" {
			continue
		}
		p := post(it, authors, zone)
		p.HTML = body(contentOf(it), gallery{attachments: attachments, children: children[strings.TrimSpace(it.ID)]})
		if id := meta(it, "_thumbnail_id"); id != "" {
			if at := attachments[id]; at != nil {
				p.Featured = image(at)
			}
		}
		for _, t := range it.Terms {
			if t.Domain == "category" && t.Nicename != "" {
				p.Categories = append(p.Categories, term(t.Nicename, t.Name))
			} else if t.Domain == "post_tag" && t.Nicename != "" {
				p.Tags = append(p.Tags, term(t.Nicename, t.Name))
			}
		}
		ex.Posts = append(ex.Posts, p)
	}
	return ex, nil
}

func xmlError(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		if se.Msg == "unexpected EOF" {
			return fmt.Sprintf("line %d: the file ends in the middle of an element (cut short?)", se.Line)
		}
		return fmt.Sprintf("line %d: %s", se.Line, se.Msg)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the file ends in the middle of an element"
	}
	return err.Error()
}

func authorName(a author) string {
	if s := strings.TrimSpace(a.Display); s != "" {
		return s
	}
	if s := strings.TrimSpace(strings.TrimSpace(a.First) + " " + strings.TrimSpace(a.Last)); s != "" {
		return s
	}
	return strings.TrimSpace(a.Login)
}

// term decodes a slug as WordPress writes it (percent-encoded, lower-case
// hex, for non-ASCII).
func term(slug, name string) importer.Term {
	slug = strings.TrimSpace(slug)
	if s, err := url.PathUnescape(slug); err == nil {
		slug = s
	}
	// Names are kept escaped as HTML ("M&amp;A"), in CDATA or not.
	return importer.Term{Slug: strings.ToLower(slug), Name: strings.TrimSpace(html.UnescapeString(name))}
}

func meta(it *item, key string) string {
	for _, m := range it.Meta {
		if strings.TrimSpace(m.Key) == key {
			return strings.TrimSpace(m.Value)
		}
	}
	return ""
}

func contentOf(it *item) string {
	for _, e := range it.Encoded {
		if strings.Contains(e.XMLName.Space, "purl.org/rss/1.0/modules/content") {
			return e.Text
		}
	}
	return ""
}

func excerptOf(it *item) string {
	for _, e := range it.Encoded {
		if strings.Contains(e.XMLName.Space, "excerpt") {
			return e.Text
		}
	}
	return ""
}

func image(at *item) *importer.Image {
	u := strings.TrimSpace(at.URL)
	if u == "" {
		u = strings.TrimSpace(at.GUID)
	}
	if u == "" {
		return nil
	}
	return &importer.Image{Key: "wordpress:attachment:" + u, URL: u, Caption: excerptOf(at), Alt: meta(at, "_wp_attachment_image_alt")}
}

// wpTime reads WordPress's "2017-10-23 13:00:00"; zero for its zero date
// (0000-00-00 00:00:00, a draft's GMT date) or anything else.
func wpTime(s string, loc *time.Location) time.Time {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "0000") {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, loc)
	if err != nil || t.Year() < 1970 || t.Year() > 9999 {
		return time.Time{}
	}
	return t.UTC()
}

// post maps an item to a post; the body, picture and terms are filled by
// the caller.
func post(it *item, authors map[string]string, zone *time.Location) importer.Post {
	id := strings.TrimSpace(it.ID)
	p := importer.Post{Kind: strings.TrimSpace(it.Type), Title: it.Title, Excerpt: excerptOf(it)}
	// The guid is WordPress's own identifier of a post ("https://site/?p=12")
	// and stays when the post's address changes.
	if g := strings.TrimSpace(it.GUID); g != "" {
		p.Key = "wordpress:" + g
	} else if id != "" {
		p.Key = "wordpress:post:" + id
	}
	p.Published = wpTime(it.DateGMT, time.UTC)
	if p.Published.IsZero() {
		p.Published = wpTime(it.Date, zone)
	}
	p.Modified = wpTime(it.ModGMT, time.UTC)
	if p.Modified.IsZero() {
		p.Modified = wpTime(it.Modified, zone)
	}
	for _, c := range it.Creator {
		login := strings.TrimSpace(c)
		if name := authors[login]; name != "" {
			p.Authors = append(p.Authors, name)
		} else if login != "" {
			p.Authors = append(p.Authors, login)
		}
	}
	switch status := strings.TrimSpace(it.Status); status {
	case "publish":
		p.Status = dateline.StatusPublished
		if strings.TrimSpace(it.Password) != "" {
			p.Skip = "password-protected"
		}
	case "future":
		p.Status = dateline.StatusScheduled
	case "draft", "pending", "private":
		p.Status = dateline.StatusDraft
	case "trash", "auto-draft", "inherit":
		p.Skip = status
	default:
		p.Skip = "status " + truncate(status, 20)
	}
	switch p.Kind {
	case "post", "page":
	case "":
		p.Kind = "post"
	default:
		p.Skip = "type " + truncate(p.Kind, 40)
	}
	// Old addresses: the permalink, the post's number, and the
	// permalinks of its old slugs.
	var paths []string
	link := strings.TrimSpace(it.Link)
	if k := redirect.KeyURL(link); k != "" {
		paths = append(paths, k)
	}
	if _, err := strconv.ParseUint(id, 10, 63); err == nil {
		if p.Kind == "page" {
			paths = append(paths, redirect.Key("/", url.Values{"page_id": {id}}))
		} else {
			paths = append(paths, redirect.Key("/", url.Values{"p": {id}}))
		}
	}
	if u, err := url.Parse(link); err == nil && strings.TrimSpace(it.Name) != "" {
		dir, _ := path.Split(strings.TrimSuffix(u.Path, "/"))
		for _, m := range it.Meta {
			if strings.TrimSpace(m.Key) != "_wp_old_slug" || strings.TrimSpace(m.Value) == "" {
				continue
			}
			old := strings.TrimSpace(m.Value)
			if s, err := url.PathUnescape(old); err == nil {
				old = s
			}
			if k := redirect.Key(dir+old, nil); k != "" {
				paths = append(paths, k)
			}
		}
	}
	seen := map[string]bool{}
	for _, k := range paths {
		if !seen[k] {
			seen[k] = true
			p.OldPaths = append(p.OldPaths, k)
		}
	}
	return p
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
