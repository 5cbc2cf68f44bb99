package feed

import "encoding/xml"

// Atom 1.0 (RFC 4287).

type atomText struct {
	XMLName xml.Name
	Text    string `xml:",chardata"`
}

type atomLink struct {
	XMLName xml.Name `xml:"link"`
	Rel     string   `xml:"rel,attr"`
	Type    string   `xml:"type,attr,omitempty"`
	Href    string   `xml:"href,attr"`
}

type atomAuthor struct {
	XMLName xml.Name `xml:"author"`
	Name    string   `xml:"name"`
	URI     string   `xml:"uri,omitempty"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Label  string `xml:"label,attr,omitempty"`
	Scheme string `xml:"scheme,attr"`
}

type atomContent struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	XMLName    xml.Name       `xml:"entry"`
	Lang       string         `xml:"xml:lang,attr,omitempty"`
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Author     *atomAuthor    `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    string         `xml:"summary,omitempty"`
	Content    *atomContent   `xml:"content"`
}

// Atom writes fd as Atom 1.0.
func Atom(site Site, fd *Feed) ([]byte, error) {
	self := clean(site.BaseURL + fd.Path + ".atom")
	home, topics := clean(site.BaseURL+"/"), clean(site.BaseURL+"/topics/")
	w := newXMLWriter(4096 + len(fd.Items)*2048)
	w.open("feed", attr("xmlns", "http://www.w3.org/2005/Atom"), attr("xml:lang", fd.Lang))
	text := func(name, s string) {
		w.line(atomText{XMLName: xml.Name{Local: name}, Text: clean(s)})
	}
	text("id", self)
	text("title", fd.Title)
	text("subtitle", fd.Description)
	text("updated", rfc3339(fd.Updated))
	w.line(atomLink{Rel: "self", Type: "application/atom+xml", Href: self})
	w.line(atomLink{Rel: "alternate", Type: "text/html", Href: clean(fd.Page)})
	if site.Hub != "" {
		w.line(atomLink{Rel: "hub", Href: clean(site.Hub)})
	}
	w.line(atomAuthor{Name: clean(site.Name), URI: home})
	text("generator", "dateline")
	text("icon", site.BaseURL+"/static/icon.svg")
	for i := range fd.Items {
		it := &fd.Items[i]
		u := clean(it.URL)
		x := atomEntry{ID: clean(it.id()), Title: clean(it.Title), Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: u}},
			Published: rfc3339(it.Published), Updated: rfc3339(it.Updated), Summary: clean(it.Summary),
			Categories: []atomCategory{{Term: clean(it.Section.Slug), Label: clean(it.Section.Name), Scheme: home}}}
		if it.Lang != "" && it.Lang != "en" {
			x.Lang = clean(it.Lang)
		}
		if img := it.Image; img != nil {
			x.Links = append(x.Links, atomLink{Rel: "enclosure", Type: img.Type, Href: clean(img.URL)})
		}
		if it.Byline != "" {
			x.Author = &atomAuthor{Name: clean(it.Byline)}
		}
		if it.Commercial != "" {
			x.Categories = append(x.Categories, atomCategory{Term: clean(it.Commercial), Scheme: home})
		}
		for _, t := range it.Topics {
			x.Categories = append(x.Categories, atomCategory{Term: clean(t.Slug), Label: clean(t.Name), Scheme: topics})
		}
		if it.Content != "" {
			x.Content = &atomContent{Type: "html", Text: clean(it.Content)}
		}
		w.line(x)
	}
	w.close("feed")
	return w.bytes()
}
