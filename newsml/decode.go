package newsml

import (
	"encoding/xml"
	"strings"
)

// The XML shapes decoded from a document. Elements are matched in the
// NewsML-G2 namespace only, so that extension elements from other
// namespaces with the same local names are not taken for them.

type xMessage struct {
	Items []xItem `xml:"http://iptc.org/std/nar/2006-10-01/ itemSet>newsItem"`
}

type xItem struct {
	GUID    string `xml:"guid,attr"`
	Version string `xml:"version,attr"`
	Lang    string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`

	RightsInfo []struct {
		CopyrightHolder []xConcept `xml:"http://iptc.org/std/nar/2006-10-01/ copyrightHolder"`
	} `xml:"http://iptc.org/std/nar/2006-10-01/ rightsInfo"`

	ItemMeta struct {
		ItemClass      xQual   `xml:"http://iptc.org/std/nar/2006-10-01/ itemClass"`
		VersionCreated *xText  `xml:"http://iptc.org/std/nar/2006-10-01/ versionCreated"`
		FirstCreated   *xText  `xml:"http://iptc.org/std/nar/2006-10-01/ firstCreated"`
		Embargoed      *xText  `xml:"http://iptc.org/std/nar/2006-10-01/ embargoed"`
		PubStatus      *xQual  `xml:"http://iptc.org/std/nar/2006-10-01/ pubStatus"`
		EdNote         []xText `xml:"http://iptc.org/std/nar/2006-10-01/ edNote"`
		Signal         []xQual `xml:"http://iptc.org/std/nar/2006-10-01/ signal"`
		Link           []xLink `xml:"http://iptc.org/std/nar/2006-10-01/ link"`
	} `xml:"http://iptc.org/std/nar/2006-10-01/ itemMeta"`

	ContentMeta struct {
		Urgency     *xText     `xml:"http://iptc.org/std/nar/2006-10-01/ urgency"`
		Located     []xConcept `xml:"http://iptc.org/std/nar/2006-10-01/ located"`
		Dateline    []xText    `xml:"http://iptc.org/std/nar/2006-10-01/ dateline"`
		By          []xText    `xml:"http://iptc.org/std/nar/2006-10-01/ by"`
		Creditline  []xText    `xml:"http://iptc.org/std/nar/2006-10-01/ creditline"`
		Creator     []xConcept `xml:"http://iptc.org/std/nar/2006-10-01/ creator"`
		Language    []xLang    `xml:"http://iptc.org/std/nar/2006-10-01/ language"`
		Subject     []xConcept `xml:"http://iptc.org/std/nar/2006-10-01/ subject"`
		Genre       []xConcept `xml:"http://iptc.org/std/nar/2006-10-01/ genre"`
		Slugline    []xText    `xml:"http://iptc.org/std/nar/2006-10-01/ slugline"`
		Headline    []xText    `xml:"http://iptc.org/std/nar/2006-10-01/ headline"`
		Description []xText    `xml:"http://iptc.org/std/nar/2006-10-01/ description"`
	} `xml:"http://iptc.org/std/nar/2006-10-01/ contentMeta"`

	ContentSet struct {
		InlineXML     []xInlineXML  `xml:"http://iptc.org/std/nar/2006-10-01/ inlineXML"`
		InlineData    []xInlineData `xml:"http://iptc.org/std/nar/2006-10-01/ inlineData"`
		RemoteContent []xRemote     `xml:"http://iptc.org/std/nar/2006-10-01/ remoteContent"`
	} `xml:"http://iptc.org/std/nar/2006-10-01/ contentSet"`
}

type xQual struct {
	QCode string `xml:"qcode,attr"`
	URI   string `xml:"uri,attr"`
}

func (q xQual) code() string {
	if q.QCode != "" {
		return q.QCode
	}
	return q.URI
}

type xLang struct {
	Tag string `xml:"tag,attr"`
}

type xLink struct {
	Rel         string `xml:"rel,attr"`
	Href        string `xml:"href,attr"`
	ResidRef    string `xml:"residref,attr"`
	ContentType string `xml:"contenttype,attr"`
	Title       string `xml:"title,attr"`
}

type xConcept struct {
	Type    string     `xml:"type,attr"`
	QCode   string     `xml:"qcode,attr"`
	URI     string     `xml:"uri,attr"`
	Literal string     `xml:"literal,attr"`
	Names   []xText    `xml:"http://iptc.org/std/nar/2006-10-01/ name"`
	Broader []xConcept `xml:"http://iptc.org/std/nar/2006-10-01/ broader"`
}

type xRemote struct {
	Rendition   string `xml:"rendition,attr"`
	Href        string `xml:"href,attr"`
	ContentType string `xml:"contenttype,attr"`
	Width       string `xml:"width,attr"`
	Height      string `xml:"height,attr"`
}

type xInlineData struct {
	ContentType string `xml:"contenttype,attr"`
	Encoding    string `xml:"encoding,attr"`
	Text        string `xml:",chardata"`
}

// xText is an element's text, including that of elements inside it (a
// headline may hold inline markup), with its role and language.
type xText struct {
	Role, Lang, Text string
}

func (t *xText) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	for _, a := range start.Attr {
		switch {
		case a.Name.Space == "" && a.Name.Local == "role":
			t.Role = a.Value
		case a.Name.Space == xmlNS && a.Name.Local == "lang":
			t.Lang = a.Value
		}
	}
	var b strings.Builder
	err := textOf(d, &b)
	t.Text = strings.Join(strings.Fields(b.String()), " ")
	return err
}

const xmlNS = "http://www.w3.org/XML/1998/namespace"

// textOf appends the character data up to the end of the current element.
func textOf(d *xml.Decoder, b *strings.Builder) error {
	for depth := 1; depth > 0; {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			b.Write(t)
		}
	}
	return nil
}

// item checks a decoded newsItem and converts it.
func (x *xItem) item() (*Item, *Error) {
	it := &Item{
		GUID:    strings.TrimSpace(x.GUID),
		Version: 1,
		Class:   x.ItemMeta.ItemClass.code(),
	}
	if it.GUID == "" {
		return nil, errorf("The newsItem has no guid.")
	}
	if x.Version != "" {
		v, ok := atoi(x.Version)
		if !ok || v < 1 {
			return nil, errorf("The version %q is not a positive whole number.", clip(x.Version))
		}
		it.Version = v
	}

	m := &x.ItemMeta
	if m.VersionCreated == nil {
		return nil, errorf("itemMeta/versionCreated is required, so that versions of an item can be ordered.")
	}
	var err *Error
	if it.VersionCreated, err = parseTime("itemMeta/versionCreated", m.VersionCreated.Text); err != nil {
		return nil, err
	}
	if m.FirstCreated != nil {
		if it.FirstCreated, err = parseTime("itemMeta/firstCreated", m.FirstCreated.Text); err != nil {
			return nil, err
		}
	}
	// An empty embargoed element means "no embargo" (DateTimeOrNullType).
	if m.Embargoed != nil && m.Embargoed.Text != "" {
		if it.Embargoed, err = parseTime("itemMeta/embargoed", m.Embargoed.Text); err != nil {
			return nil, err
		}
	}
	it.PubStatus = "usable"
	if m.PubStatus != nil {
		switch s := codeOf(m.PubStatus.code()); s {
		case "usable", "withheld", "canceled":
			it.PubStatus = s
		default:
			return nil, errorf("The pubStatus %q is not stat:usable, stat:withheld or stat:canceled.", clip(m.PubStatus.code()))
		}
	}
	for _, s := range m.Signal {
		it.Signals = append(it.Signals, s.code())
	}
	it.EdNote = first(m.EdNote)
	for _, l := range m.Link {
		it.Links = append(it.Links, Link(l))
	}

	c := &x.ContentMeta
	it.Language = strings.TrimSpace(x.Lang)
	for _, l := range c.Language {
		if l.Tag != "" {
			it.Language = strings.TrimSpace(l.Tag)
			break
		}
	}
	if c.Urgency != nil {
		u, ok := atoi(c.Urgency.Text)
		if !ok || u < 1 || u > 9 {
			return nil, errorf("contentMeta/urgency %q is not a whole number from 1 to 9.", clip(c.Urgency.Text))
		}
		it.Urgency = u
	}
	for _, h := range c.Headline {
		if h.Text != "" {
			it.Headlines = append(it.Headlines, Text{Role: h.Role, Lang: h.Lang, Value: h.Text})
		}
	}
	if len(it.Headlines) == 0 && it.IsText() {
		return nil, errorf("The newsItem has no headline.")
	}
	for _, d := range c.Description {
		if d.Text != "" {
			it.Descriptions = append(it.Descriptions, Text{Role: d.Role, Lang: d.Lang, Value: d.Text})
		}
	}
	it.Slugline = first(c.Slugline)
	for _, l := range c.Located {
		if it.Located = pickName(l.Names, it.Language); it.Located != "" {
			break
		}
	}
	it.Dateline = first(c.Dateline)
	it.By = first(c.By)
	it.CreditLine = first(c.Creditline)
	for _, cr := range c.Creator {
		if n := pickName(cr.Names, it.Language); n != "" {
			it.Creators = append(it.Creators, n)
		}
	}
	for _, r := range x.RightsInfo {
		for _, h := range r.CopyrightHolder {
			if it.Copyright == "" {
				it.Copyright = pickName(h.Names, it.Language)
			}
		}
	}
	for _, g := range c.Genre {
		it.Genres = append(it.Genres, concept(g, it.Language))
	}
	for _, s := range c.Subject {
		it.Subjects = append(it.Subjects, concept(s, it.Language))
	}

	cs := &x.ContentSet
	for _, ix := range cs.InlineXML {
		if strings.TrimSpace(ix.HTML) != "" {
			it.Bodies = append(it.Bodies, Body{ContentType: "text/html", Value: ix.HTML})
		}
		if it.By == "" {
			it.By = ix.Byline
		}
		if len(it.Descriptions) == 0 && ix.Abstract != "" {
			it.Descriptions = append(it.Descriptions, Text{Role: "drol:summary", Value: ix.Abstract})
		}
	}
	for _, id := range cs.InlineData {
		text := id.Text
		if strings.Contains(strings.ToLower(id.Encoding), "base64") {
			dec, err := decodeBase64(text)
			if err != nil {
				return nil, errorf("An inlineData body is not valid base64.")
			}
			text = dec
		}
		if strings.TrimSpace(text) != "" {
			ct := strings.TrimSpace(id.ContentType)
			if ct == "" {
				ct = "text/plain"
			}
			it.Bodies = append(it.Bodies, Body{ContentType: ct, Value: text})
		}
	}
	for _, r := range cs.RemoteContent {
		rd := Rendition{Rendition: r.Rendition, Href: strings.TrimSpace(r.Href), ContentType: r.ContentType}
		rd.Width, _ = atoi(r.Width)
		rd.Height, _ = atoi(r.Height)
		it.Renditions = append(it.Renditions, rd)
	}
	return it, nil
}

func first(ts []xText) string {
	for _, t := range ts {
		if t.Text != "" {
			return t.Text
		}
	}
	return ""
}

// pickName returns the name in the item's language (by primary subtag),
// else one with no language, else the first.
func pickName(names []xText, lang string) string {
	primary := func(tag string) string {
		p, _, _ := strings.Cut(strings.ToLower(tag), "-")
		return p
	}
	for _, want := range []func(xText) bool{
		func(n xText) bool { return lang != "" && n.Lang != "" && primary(n.Lang) == primary(lang) },
		func(n xText) bool { return n.Lang == "" },
		func(xText) bool { return true },
	} {
		for _, n := range names {
			if n.Text != "" && want(n) {
				return n.Text
			}
		}
	}
	return ""
}

func concept(x xConcept, lang string) Concept {
	c := Concept{
		Type: x.Type, QCode: strings.TrimSpace(x.QCode), URI: strings.TrimSpace(x.URI),
		Literal: strings.TrimSpace(x.Literal), Name: pickName(x.Names, lang),
	}
	for _, b := range x.Broader {
		c.Broader = append(c.Broader, concept(b, lang))
	}
	return c
}
