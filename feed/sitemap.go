package feed

import "encoding/xml"

// Sitemaps (https://www.sitemaps.org/protocol.html) with Google's image
// and news extensions.

const (
	nsSitemap = "http://www.sitemaps.org/schemas/sitemap/0.9"
	nsImage   = "http://www.google.com/schemas/sitemap-image/1.1"
	nsNews    = "http://www.google.com/schemas/sitemap-news/0.9"
)

// IndexEntry is one file of a sitemap index.
type IndexEntry struct {
	Loc      string
	Modified string // RFC 3339, or "" when not known
}

type indexEntry struct {
	XMLName xml.Name `xml:"sitemap"`
	Loc     string   `xml:"loc"`
	Lastmod string   `xml:"lastmod,omitempty"`
}

// Index writes a sitemap index.
func Index(entries []IndexEntry) ([]byte, error) {
	w := newXMLWriter(4096 + len(entries)*120)
	w.open("sitemapindex", attr("xmlns", nsSitemap))
	for _, e := range entries {
		w.line(indexEntry{Loc: clean(e.Loc), Lastmod: e.Modified})
	}
	w.close("sitemapindex")
	return w.bytes()
}

// URL is one address of a sitemap.
type URL struct {
	XMLName xml.Name `xml:"url"`
	Loc     string   `xml:"loc"`
	// Lastmod is RFC 3339, or "" when not known.
	Lastmod string `xml:"lastmod,omitempty"`
	// Image is the address of its photo (only image:loc: Google reads
	// nothing else now; caption and title are deprecated).
	Image *ImageLoc `xml:"image:image"`
	News  *News     `xml:"news:news"`
}

// ImageLoc is a photo of a sitemap's URL.
type ImageLoc struct {
	Loc string `xml:"image:loc"`
}

// News is a URL of a Google News sitemap.
type News struct {
	Name      string `xml:"news:publication>news:name"`
	Language  string `xml:"news:publication>news:language"`
	Published string `xml:"news:publication_date"` // RFC 3339
	Title     string `xml:"news:title"`
}

// URLSetKind names the extension a URL set uses.
type URLSetKind int

const (
	Plain   URLSetKind = iota // addresses and dates
	Images                    // with image:image
	NewsSet                   // with news:news
)

// URLSet is a sitemap file of URLs, written with Encode.
type URLSet struct {
	w *xmlWriter
}

// NewURLSet starts a sitemap of about n URLs.
func NewURLSet(kind URLSetKind, n int) *URLSet {
	w := newXMLWriter(512 + n*240)
	attrs := []xml.Attr{attr("xmlns", nsSitemap)}
	switch kind {
	case Images:
		attrs = append(attrs, attr("xmlns:image", nsImage))
	case NewsSet:
		attrs = append(attrs, attr("xmlns:news", nsNews))
	}
	w.open("urlset", attrs...)
	return &URLSet{w: w}
}

// Add writes one URL. A month file holds 2,500, so it writes tokens
// rather than marshal a struct: reflection would triple the cost.
func (s *URLSet) Add(u URL) {
	w := s.w
	w.token(start("url"))
	w.text("loc", u.Loc)
	if u.Lastmod != "" {
		w.text("lastmod", u.Lastmod)
	}
	if u.Image != nil {
		w.token(start("image:image"))
		w.text("image:loc", u.Image.Loc)
		w.token(end("image:image"))
	}
	if n := u.News; n != nil {
		w.token(start("news:news"))
		w.token(start("news:publication"))
		w.text("news:name", n.Name)
		w.text("news:language", n.Language)
		w.token(end("news:publication"))
		w.text("news:publication_date", n.Published)
		w.text("news:title", n.Title)
		w.token(end("news:news"))
	}
	w.token(end("url"))
	w.token(xml.CharData("\n"))
}

// Bytes ends the set and returns the document.
func (s *URLSet) Bytes() ([]byte, error) {
	s.w.close("urlset")
	return s.w.bytes()
}
