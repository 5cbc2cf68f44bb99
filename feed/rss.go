package feed

import (
	"encoding/xml"
	"strconv"
	"time"
)

// RSS 2.0 with the Atom (self and hub links), content, Dublin Core and
// Media RSS extensions.

type rssText struct {
	XMLName xml.Name
	Text    string `xml:",chardata"`
}

type rssLink struct {
	XMLName xml.Name `xml:"atom:link"`
	Rel     string   `xml:"rel,attr"`
	Type    string   `xml:"type,attr,omitempty"`
	Href    string   `xml:"href,attr"`
}

type rssItem struct {
	XMLName    xml.Name         `xml:"item"`
	Title      string           `xml:"title"`
	Link       string           `xml:"link"`
	GUID       rssGUID          `xml:"guid"`
	PubDate    string           `xml:"pubDate"`
	Summary    string           `xml:"description,omitempty"`
	Content    string           `xml:"content:encoded,omitempty"`
	Creator    string           `xml:"dc:creator,omitempty"`
	Categories []rssCategory    `xml:"category"`
	Enclosure  *rssEnclosure    `xml:"enclosure"`
	Media      *rssMediaContent `xml:"media:content"`
}

type rssGUID struct {
	PermaLink string `xml:"isPermaLink,attr"`
	Text      string `xml:",chardata"`
}

type rssCategory struct {
	Domain string `xml:"domain,attr"`
	Text   string `xml:",chardata"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length string `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

type rssMediaContent struct {
	URL         string        `xml:"url,attr"`
	Medium      string        `xml:"medium,attr"`
	Type        string        `xml:"type,attr"`
	Width       string        `xml:"width,attr,omitempty"`
	Height      string        `xml:"height,attr,omitempty"`
	Description *rssMediaText `xml:"media:description"`
	Credit      string        `xml:"media:credit,omitempty"`
}

type rssMediaText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// RSS writes fd as RSS 2.0.
func RSS(site Site, fd *Feed) ([]byte, error) {
	w := newXMLWriter(4096 + len(fd.Items)*2048)
	w.open("rss", attr("version", "2.0"),
		attr("xmlns:atom", "http://www.w3.org/2005/Atom"),
		attr("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
		attr("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
		attr("xmlns:media", "http://search.yahoo.com/mrss/"))
	w.open("channel")
	text := func(name, s string) {
		w.line(rssText{XMLName: xml.Name{Local: name}, Text: clean(s)})
	}
	text("title", fd.Title)
	text("link", fd.Page)
	text("description", fd.Description)
	text("language", fd.Lang)
	text("lastBuildDate", fd.Updated.UTC().Format(time.RFC1123Z))
	text("generator", "dateline")
	self := fd.Path + ".rss"
	if fd.Self != "" {
		self = fd.Self
	}
	w.line(rssLink{Rel: "self", Type: "application/rss+xml", Href: clean(site.BaseURL + self)})
	if site.Hub != "" {
		w.line(rssLink{Rel: "hub", Href: clean(site.Hub)})
	}
	home, topics := clean(site.BaseURL+"/"), clean(site.BaseURL+"/topics/")
	for i := range fd.Items {
		it := &fd.Items[i]
		x := rssItem{Title: clean(it.Title), Link: clean(it.URL), GUID: rssGUID{PermaLink: "true", Text: clean(it.id())},
			PubDate: it.Published.UTC().Format(time.RFC1123Z), Summary: clean(it.Summary), Content: clean(it.Content),
			Creator: clean(it.Byline), Categories: []rssCategory{{Domain: home, Text: clean(it.Section.Name)}}}
		if it.Commercial != "" {
			x.Categories = append(x.Categories, rssCategory{Domain: home, Text: clean(it.Commercial)})
		}
		for _, t := range it.Topics {
			x.Categories = append(x.Categories, rssCategory{Domain: topics, Text: clean(t.Name)})
		}
		if img := it.Image; img != nil {
			// The size of the file is not stored: 0 is what the RSS
			// Advisory Board's profile asks for when it is not known.
			u := clean(img.URL)
			x.Enclosure = &rssEnclosure{URL: u, Length: "0", Type: img.Type}
			m := &rssMediaContent{URL: u, Medium: "image", Type: img.Type, Credit: clean(img.Credit)}
			if img.Width > 0 && img.Height > 0 {
				m.Width, m.Height = strconv.Itoa(img.Width), strconv.Itoa(img.Height)
			}
			if img.Caption != "" {
				m.Description = &rssMediaText{Type: "plain", Text: clean(img.Caption)}
			}
			x.Media = m
		}
		w.line(x)
	}
	w.close("channel")
	w.close("rss")
	return w.bytes()
}
