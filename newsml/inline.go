package newsml

import (
	"encoding/xml"
	"html"
	"regexp"
	"strings"
)

// xInlineXML is an inlineXML rendition turned into body HTML. It holds
// XHTML (html/body) or NITF (nitf/body/body.content); the children of the
// body are written out as HTML, which package ingest sanitises.
type xInlineXML struct {
	ContentType string
	HTML        string
	// From a NITF body.head.
	Byline, Abstract string
}

func (x *xInlineXML) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	for _, a := range start.Attr {
		if a.Name.Space == "" && a.Name.Local == "contenttype" {
			x.ContentType = a.Value
		}
	}
	var b strings.Builder
	err := x.container(d, &b)
	x.HTML = strings.TrimSpace(b.String())
	return err
}

// containers wrap a story's content in XHTML and NITF: they are unwrapped
// down to the elements of the story.
var containers = map[string]bool{"html": true, "nitf": true, "body": true, "body.content": true}

// container writes the content of the current element, up to its end, as
// HTML, unwrapping containers and leaving out document heads.
func (x *xInlineXML) container(d *xml.Decoder, b *strings.Builder) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.CharData:
			b.WriteString(text(t, false))
		case xml.Comment:
			comment(b, t)
		case xml.StartElement:
			switch l := t.Name.Local; {
			case containers[l]:
				err = x.container(d, b)
			case l == "head" || l == "body.end":
				err = d.Skip()
			case l == "body.head":
				err = x.nitfHead(d)
			default:
				err = writeElement(d, t, b, false)
			}
			if err != nil {
				return err
			}
		}
	}
}

// nitfHead reads the byline and abstract of a NITF body.head; its
// headline is the contentMeta's.
func (x *xInlineXML) nitfHead(d *xml.Decoder) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			var into *string
			switch t.Name.Local {
			case "byline":
				into = &x.Byline
			case "abstract":
				into = &x.Abstract
			default:
				if err := d.Skip(); err != nil {
					return err
				}
				continue
			}
			var sb strings.Builder
			if err := textOf(d, &sb); err != nil {
				return err
			}
			if *into == "" {
				*into = strings.Join(strings.Fields(sb.String()), " ")
			}
		}
	}
}

// renames gives NITF elements their HTML counterparts. An empty name
// unwraps the element (its content stays); "-" drops it with its content
// (NITF media refer to files that are not part of the text).
var renames = map[string]string{
	"hl1": "h1", "hl2": "h2", "bq": "blockquote", "block": "", "media": "-",
	"body.end": "-", "nitf-table-metadata": "-",
}

// void elements have no end tag in HTML: "</br>" would be read as a
// second line break.
var void = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// writeElement writes one element and its content as HTML, by local
// names (namespace prefixes are dropped). Only the markup is carried over
// here; ingest's sanitiser decides what is kept. White space is folded
// except in pre.
func writeElement(d *xml.Decoder, start xml.StartElement, b *strings.Builder, pre bool) error {
	name := start.Name.Local
	pre = pre || name == "pre"
	if r, ok := renames[name]; ok {
		name = r
	}
	if name == "-" {
		return d.Skip()
	}
	if name != "" {
		b.WriteString("<" + name)
		for _, a := range start.Attr {
			if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
				continue
			}
			b.WriteString(" " + a.Name.Local + `="` + html.EscapeString(a.Value) + `"`)
		}
		b.WriteString(">")
		if void[name] {
			return d.Skip()
		}
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if name != "" {
				b.WriteString("</" + name + ">")
			}
			return nil
		case xml.CharData:
			b.WriteString(text(t, pre))
		case xml.Comment:
			comment(b, t)
		case xml.StartElement:
			if err := writeElement(d, t, b, pre); err != nil {
				return err
			}
		}
	}
}

var spaces = regexp.MustCompile(`\s+`)

// text escapes character data for HTML, folding the indentation of the
// XML into single spaces unless it is preformatted.
func text(c xml.CharData, pre bool) string {
	s := string(c)
	if !pre {
		s = spaces.ReplaceAllString(s, " ")
	}
	return html.EscapeString(s)
}

var pageBreak = regexp.MustCompile(`(?i)^\s*page-?break\s*$`)

// comment keeps the one comment with a meaning, the page break.
func comment(b *strings.Builder, c xml.Comment) {
	if pageBreak.Match(c) {
		b.WriteString("<!-- pagebreak -->")
	}
}
