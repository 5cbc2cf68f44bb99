// Package newsml reads IPTC NewsML-G2 documents: a newsItem, or a
// newsMessage carrying several items. It reads the properties an article
// needs and hands them on as a ninjs item (see Item.Ninjs), so that the
// import path maps both formats to articles by one set of rules (package
// ingest).
//
// Safety: encoding/xml does not read DTDs, so external entities are never
// fetched and entity declarations are never expanded (a "billion laughs"
// document fails on its first undeclared entity). Documents with a DOCTYPE
// are refused outright, since NewsML-G2 has none. Documents are limited to
// MaxSize bytes and MaxDepth levels of nesting, checked before decoding.
package newsml

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// NS is the namespace of NewsML-G2 (the IPTC News Architecture). The
// struct tags in decode.go repeat it, as Go tags cannot name a constant.
const NS = "http://iptc.org/std/nar/2006-10-01/"

// Limits on what Parse accepts.
const (
	MaxSize  = 16 << 20 // bytes in a document
	MaxDepth = 100      // levels of nested elements
	MaxItems = 10000    // items in a newsMessage
)

// Error describes why a document or one of its items cannot be read. Its
// message is safe to show to the sender.
type Error struct {
	Message string
	// Index is the item's position in a newsMessage, from 1; 0 for a
	// newsItem document or a fault of the whole document.
	Index int
	GUID  string
}

func (e *Error) Error() string {
	if e.Index > 0 {
		return fmt.Sprintf("item %d: %s", e.Index, e.Message)
	}
	return e.Message
}

func errorf(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// Item is the part of a newsItem that dateline reads.
type Item struct {
	GUID    string // the item's identifier; an article's source URI
	Version int    // the version attribute; 1 when absent
	Class   string // itemClass qcode, such as "ninat:text"
	Index   int    // position in its newsMessage, from 1; 0 in a newsItem document

	PubStatus      string // "usable" (the default), "withheld" or "canceled"
	VersionCreated time.Time
	FirstCreated   time.Time // zero when absent
	Embargoed      time.Time // zero when absent
	Signals        []string  // signal qcodes, such as "sig:update"
	EdNote         string

	Urgency      int // 1 (flash) to 9; 0 when absent
	Headlines    []Text
	Descriptions []Text
	Slugline     string
	Located      string // the name of the located place
	Dateline     string
	By           string // byline: contentMeta by, else the NITF byline
	Creators     []string
	CreditLine   string
	Language     string // contentMeta/language/@tag, else xml:lang
	Copyright    string // the copyright holder's name

	Genres   []Concept
	Subjects []Concept // every subject, with its type (cpnat:person...)

	Bodies     []Body      // inlineXML as HTML, inlineData as it is
	Renditions []Rendition // remoteContent, for pictures
	Links      []Link      // itemMeta links
	Pictures   []*Item     // picture items of the same newsMessage linked from this one
}

// Text is a headline or description with its role.
type Text struct {
	Role  string // the role qcode, such as "drol:summary"
	Lang  string
	Value string
}

// Concept is a subject or genre.
type Concept struct {
	Type    string // "cpnat:abstract", "cpnat:person"...
	QCode   string
	URI     string
	Literal string
	Name    string // the name in the item's language, else the first
	Broader []Concept
}

// Body is one rendition of the content: HTML made from inlineXML, or the
// text of inlineData.
type Body struct {
	ContentType string // "text/html" for inlineXML; inlineData's own type
	Value       string
}

// Rendition is a remoteContent reference, such as a picture file.
type Rendition struct {
	Rendition   string // qcode, such as "rnd:highRes"
	Href        string
	ContentType string
	Width       int
	Height      int
}

// Link is an itemMeta link to another resource or item.
type Link struct {
	Rel         string
	Href        string
	ResidRef    string
	ContentType string
	Title       string
}

// IsText reports whether the item carries a story (itemClass ninat:text,
// or no itemClass at all).
func (it *Item) IsText() bool {
	return it.Class == "" || codeOf(it.Class) == "text"
}

// Parse reads one newsItem document, or a newsMessage holding exactly one
// newsItem. Returns *Error for anything it cannot read.
func Parse(data []byte) (*Item, error) {
	items, err := ParseAll(data)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, e
		}
		return nil, err
	}
	if len(items) != 1 {
		return nil, errorf("The newsMessage holds %d items; read it with ParseAll.", len(items))
	}
	return items[0], nil
}

// ParseAll reads a newsItem document or every newsItem of a newsMessage
// (other kinds of item, such as packageItem, are passed over). A fault of
// the whole document returns no items and one *Error. Items that cannot be
// read are left out: the others are returned along with an error joining
// one *Error per item, with Index set (errors.Join; see Errors).
//
// Picture items that a text item of the same message links to (an itemMeta
// link whose residref is the picture's guid) are attached to it as Pictures
// and not returned on their own.
func ParseAll(data []byte) ([]*Item, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if len(data) > MaxSize {
		return nil, errorf("The document is larger than %d MB.", MaxSize>>20)
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, errorf("The document is empty.")
	}
	if trimmed[0] != '<' {
		return nil, errorf("The document is not XML.")
	}
	root, err := check(data)
	if err != nil {
		return nil, err
	}
	d := newDecoder(data)
	var start xml.StartElement
	for start.Name != root {
		tok, err := d.Token()
		if err != nil {
			return nil, syntaxError(err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			start = se
		}
	}
	var docs []xItem
	if root.Local == "newsItem" {
		var x xItem
		if err := d.DecodeElement(&x, &start); err != nil {
			return nil, syntaxError(err)
		}
		docs = append(docs, x)
	} else {
		var m xMessage
		if err := d.DecodeElement(&m, &start); err != nil {
			return nil, syntaxError(err)
		}
		docs = m.Items
		if len(docs) == 0 {
			return nil, errorf("The newsMessage holds no newsItem.")
		}
		if len(docs) > MaxItems {
			return nil, errorf("The newsMessage holds more than %d items.", MaxItems)
		}
	}
	return items(docs, root.Local == "newsMessage")
}

// items converts the decoded newsItems, naming the position of each one
// that fails when they come from a newsMessage.
func items(docs []xItem, inMessage bool) ([]*Item, error) {
	var out []*Item
	var errs []error
	for i, x := range docs {
		it, err := x.item()
		if err != nil {
			if inMessage {
				err.Index, err.GUID = i+1, x.GUID
			}
			errs = append(errs, err)
			continue
		}
		if inMessage {
			it.Index = i + 1
		}
		out = append(out, it)
	}
	out = attachPictures(out)
	if len(out) == 0 && len(errs) == 1 && !inMessage {
		return nil, errs[0]
	}
	return out, errors.Join(errs...)
}

// Errors lists the *Error values in an error returned by ParseAll.
func Errors(err error) []*Error {
	if err == nil {
		return nil
	}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	var out []*Error
	for _, e := range list {
		var ne *Error
		if errors.As(e, &ne) {
			out = append(out, ne)
		} else {
			out = append(out, &Error{Message: "The document cannot be read."})
		}
	}
	return out
}

// attachPictures moves picture items that a text item links to onto that
// item.
func attachPictures(items []*Item) []*Item {
	byGUID := map[string]*Item{}
	for _, it := range items {
		if !it.IsText() {
			byGUID[it.GUID] = it
		}
	}
	if len(byGUID) == 0 {
		return items
	}
	used := map[*Item]bool{}
	for _, it := range items {
		if !it.IsText() {
			continue
		}
		for _, l := range it.Links {
			if p := byGUID[l.ResidRef]; p != nil && l.ResidRef != "" {
				it.Pictures = append(it.Pictures, p)
				used[p] = true
			}
		}
	}
	out := items[:0:0]
	for _, it := range items {
		if !used[it] {
			out = append(out, it)
		}
	}
	return out
}

func newDecoder(data []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = charsetReader
	return d
}

// check reads the whole document once, before it is decoded: it must be
// well-formed, hold no DOCTYPE, nest no deeper than MaxDepth, and have one
// root element, a newsItem or newsMessage in the NewsML-G2 namespace.
func check(data []byte) (xml.Name, error) {
	d := newDecoder(data)
	var root xml.Name
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return root, syntaxError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if root.Local != "" {
					return root, errorf("The document has more than one root element.")
				}
				root = t.Name
				if t.Name.Local != "newsItem" && t.Name.Local != "newsMessage" {
					return root, errorf("The root element is <%s>, not a NewsML-G2 newsItem or newsMessage.", clip(t.Name.Local))
				}
				if t.Name.Space != NS {
					return root, errorf("The <%s> element is not in the NewsML-G2 namespace %s.", t.Name.Local, NS)
				}
			}
			depth++
			if depth > MaxDepth {
				return root, errorf("The document nests elements more than %d deep.", MaxDepth)
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return root, errorf("The document has text outside its root element.")
			}
		case xml.Directive:
			return root, errorf("The document has a DOCTYPE or other declaration; NewsML-G2 documents have none, and entities are not expanded.")
		}
	}
	if root.Local == "" {
		return root, errorf("The document has no root element.")
	}
	return root, nil
}

func syntaxError(err error) *Error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return errorf("The document is not well-formed XML (line %d: %s).", se.Line, clip(se.Msg))
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return errorf("The document is not well-formed XML (%s).", clip(strings.TrimPrefix(err.Error(), "xml: ")))
}

// charsetReader accepts the encodings besides UTF-8 that are simple to
// read without a dependency: US-ASCII and ISO-8859-1.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "us-ascii", "ascii":
		return r, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1":
		data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		b.Grow(len(data))
		for _, c := range data {
			b.WriteRune(rune(c))
		}
		return strings.NewReader(b.String()), nil
	}
	return nil, errorf("The document's encoding %q is not supported; send UTF-8.", clip(label))
}

// clip shortens a value quoted back to the sender.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:60]) + "..."
	}
	return s
}

// codeOf returns the code of a qcode ("stat:usable" is "usable") or the
// last segment of a URI.
func codeOf(qcode string) string {
	qcode = strings.TrimSpace(qcode)
	if i := strings.LastIndexAny(qcode, ":/"); i >= 0 {
		return qcode[i+1:]
	}
	return qcode
}

// parseTime reads an xs:dateTime (a time without a zone is taken as UTC)
// or an xs:date.
func parseTime(field, s string) (time.Time, *Error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errorf("%s is not a date and time: %q.", field, clip(s))
}

func decodeBase64(s string) (string, error) {
	s = strings.Join(strings.Fields(s), "")
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func atoi(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}
