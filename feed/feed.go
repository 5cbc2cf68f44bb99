// Package feed writes the site's syndication documents: RSS 2.0, Atom 1.0
// and JSON Feed 1.1 feeds, and sitemaps (an index, URL sets with images,
// Google News files). It encodes with encoding/xml and encoding/json and
// knows nothing of HTTP or the store: http reads the stories, fills a
// Feed or a list of URLs and caches the bytes.
package feed

import (
	"bytes"
	"encoding/xml"
	"html/template"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
)

// Site is what every feed says about the site itself.
type Site struct {
	Name    string // the site's name, the feeds' author
	BaseURL string // absolute, without a trailing slash
	Hub     string // the WebSub hub, or ""
}

// Feed is what the three formats write.
type Feed struct {
	Lang        string // the edition's language
	Title       string
	Description string
	Page        string // the HTML page it follows, absolute
	Path        string // the feed's address without the site and the extension: "/feed", "/world/feed"
	// Self is the feed's own address without the site when it is not
	// Path and the format's extension (a signed address); RSS only.
	Self    string
	Updated time.Time
	Items   []Item
}

// Item is one story of a feed.
type Item struct {
	URL string
	// ID is the item's id when it is not URL: a correction of a story is
	// its own item, at the story's address with a fragment.
	ID        string
	Title     string
	Summary   string // the lead, plain text
	Content   string // HTML of the whole story; empty in summary feeds
	Byline    string
	Lang      string
	Published time.Time
	Updated   time.Time // Published when never updated
	Section   dateline.Section
	Topics    []dateline.Topic
	Image     *Image
	// Commercial is the label of partner material or advertising, in the
	// story's language; empty for news.
	Commercial string
}

// id is what names the item in a feed.
func (it *Item) id() string {
	if it.ID != "" {
		return it.ID
	}
	return it.URL
}

// Image is an item's photo.
type Image struct {
	URL, Type       string
	Width, Height   int
	Caption, Credit string
}

// ImageType guesses a photo's media type from its name.
func ImageType(u string) string {
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

// Story is what the full content of an item is made of.
type Story struct {
	Advisory string
	Lead     string
	Image    *Image
	Alt      string // the photo's alternative text
	// Pages are the story's pages as HTML, trusted (sanitised on ingest).
	Pages       []string
	Corrections []dateline.Correction
}

var contentTmpl = template.Must(template.New("content").Funcs(template.FuncMap{
	"caption": func(img *Image) string { return strings.TrimSpace(img.Caption + " " + img.Credit) },
	"when":    func(t time.Time) string { return t.UTC().Format("January 2, 2006, 15:04 UTC") },
}).Parse(`
{{- with .Advisory}}<p><em>{{.}}</em></p>
{{end}}
{{- with .Lead}}<p><strong>{{.}}</strong></p>
{{end}}
{{- with .Image}}<figure><img src="{{.URL}}" alt="{{$.Alt}}"{{if and (gt .Width 0) (gt .Height 0)}} width="{{.Width}}" height="{{.Height}}"{{end}}>
{{- with caption .}}<figcaption>{{.}}</figcaption>{{end}}</figure>
{{end}}
{{- range .Pages}}{{.}}
{{end}}
{{- with .Corrections}}<h2>Corrections</h2><ul>{{range .}}<li>{{when .At}}: {{.Text}}</li>{{end}}</ul>
{{end}}`))

// Content is a story as a feed shows it in full: the advisory, the lead,
// the photo, every page and the corrections, with the site's own links
// made absolute (feed readers have no page to resolve them from).
func Content(st Story, baseURL string) string {
	pages := make([]template.HTML, len(st.Pages))
	for i, p := range st.Pages {
		pages[i] = template.HTML(absoluteLinks(p, baseURL))
	}
	var b strings.Builder
	err := contentTmpl.Execute(&b, struct {
		Story
		Pages []template.HTML
	}{st, pages})
	if err != nil {
		panic(err) // the template takes only strings and numbers
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

// --- XML ---

// xmlWriter writes a document one element a line, as the encoders before
// it did: diffs of feeds and sitemaps stay readable, and tools that read
// them line by line keep working.
type xmlWriter struct {
	buf bytes.Buffer
	enc *xml.Encoder
	err error
}

func newXMLWriter(size int) *xmlWriter {
	w := &xmlWriter{}
	w.buf.Grow(size)
	w.buf.WriteString(xml.Header)
	w.enc = xml.NewEncoder(&w.buf)
	return w
}

// open starts an element and a new line.
func (w *xmlWriter) open(name string, attrs ...xml.Attr) {
	w.token(xml.StartElement{Name: xml.Name{Local: name}, Attr: attrs})
	w.token(xml.CharData("\n"))
}

// close ends an element and its line.
func (w *xmlWriter) close(name string) {
	w.token(xml.EndElement{Name: xml.Name{Local: name}})
	w.token(xml.CharData("\n"))
}

// line writes v (a struct with an XMLName) and a new line.
func (w *xmlWriter) line(v any) {
	if w.err == nil {
		w.err = w.enc.Encode(v)
	}
	w.token(xml.CharData("\n"))
}

func (w *xmlWriter) token(t xml.Token) {
	if w.err == nil {
		w.err = w.enc.EncodeToken(t)
	}
}

func (w *xmlWriter) bytes() ([]byte, error) {
	if w.err == nil {
		w.err = w.enc.Flush()
	}
	if w.err != nil {
		return nil, w.err
	}
	return w.buf.Bytes(), nil
}

// text writes <name>value</name>.
func (w *xmlWriter) text(name, value string) {
	w.token(start(name))
	w.token(xml.CharData(clean(value)))
	w.token(end(name))
}

func start(name string) xml.StartElement { return xml.StartElement{Name: xml.Name{Local: name}} }
func end(name string) xml.EndElement     { return xml.EndElement{Name: xml.Name{Local: name}} }

func attr(name, value string) xml.Attr {
	return xml.Attr{Name: xml.Name{Local: name}, Value: clean(value)}
}

// clean leaves out the characters XML 1.0 does not allow (control
// characters, U+FFFE, U+FFFF, broken UTF-8), which encoding/xml would
// write as U+FFFD: stories from the wire carry stray ones, and readers
// never saw them.
func clean(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return strings.Map(xmlRune, s)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || r == 0xFFFE || r == 0xFFFF {
			return strings.Map(xmlRune, strings.ToValidUTF8(s, ""))
		}
		i += n
	}
	return s
}

func xmlRune(r rune) rune {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return r
	case r < 0x20 || r == 0xFFFE || r == 0xFFFF:
		return -1
	}
	return r
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
