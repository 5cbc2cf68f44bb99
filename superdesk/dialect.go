// Package superdesk receives Superdesk's HTTP push: the signature of its
// requests, its dialect of ninjs 1.x, its rewrite chains (evolvedfrom) as
// one article, and the binaries it uploads before the items that use them.
// The contract it follows is written down in the README ("Publishing from
// Superdesk") and docs/design.md; package http/superdesk serves it.
package superdesk

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"dateline"
	"dateline/ingest"
	"dateline/ninjs"
)

// Item is the part of Superdesk's ninjs (superdesk-core's NINJSFormatter,
// an extension of ninjs 1.1) that dateline reads.
type Item struct {
	GUID            string               `json:"guid"`
	Version         ninjs.Version        `json:"version"`
	Type            string               `json:"type"`
	PubStatus       string               `json:"pubstatus"`
	VersionCreated  *Time                `json:"versioncreated"`
	FirstCreated    *Time                `json:"firstcreated"`
	FirstPublished  *Time                `json:"firstpublished"`
	Embargoed       *Time                `json:"embargoed"`
	Headline        string               `json:"headline"`
	Slugline        string               `json:"slugline"`
	Byline          string               `json:"byline"`
	EdNote          string               `json:"ednote"`
	Language        string               `json:"language"`
	Located         string               `json:"located"`
	BodyHTML        string               `json:"body_html"`
	BodyText        string               `json:"body_text"`
	DescriptionText string               `json:"description_text"`
	DescriptionHTML string               `json:"description_html"`
	Urgency         *float64             `json:"urgency"`
	Service         []Code               `json:"service"`
	Subject         []Code               `json:"subject"`
	Place           []Code               `json:"place"`
	Authors         []Author             `json:"authors"`
	CopyrightHolder string               `json:"copyrightholder"`
	EvolvedFrom     string               `json:"evolvedfrom"`
	Associations    map[string]*Item     `json:"associations"`
	Renditions      map[string]Rendition `json:"renditions"`
}

// Code is an entry of service, subject or place.
type Code struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Scheme string `json:"scheme"`
}

// Author is an entry of authors.
type Author struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// Rendition is one file of a picture: media is the id its binary was
// uploaded with.
type Rendition struct {
	Href     string  `json:"href"`
	Media    string  `json:"media"`
	MimeType string  `json:"mimetype"`
	Width    float64 `json:"width"`
	Height   float64 `json:"height"`
}

// Time reads Superdesk's dates: "2025-03-12T09:03:40+0000" (its
// DATE_FORMAT, an offset without a colon) and Python's isoformat
// ("2025-03-12T12:00:00+00:00", perhaps with microseconds) for embargoed.
type Time struct{ time.Time }

var timeLayouts = []string{"2006-01-02T15:04:05.999999999-0700", time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05.999999999Z0700"}

// UnmarshalJSON reads a string in one of the layouts; null and "" are no
// time.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a date must be a string")
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for _, l := range timeLayouts {
		if v, err := time.Parse(l, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("%q is not a date such as 2025-03-12T09:03:40+0000", truncate(s, 40))
}

func (t *Time) ptr() *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	v := t.Time
	return &v
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// Parse reads one item. Returns EINVALID for a body that is not a JSON
// object of Superdesk's ninjs, or one without guid or type.
func Parse(data []byte) (*Item, error) {
	var it Item
	d := json.NewDecoder(bytes.NewReader(data))
	if err := d.Decode(&it); err != nil {
		return nil, dateline.Errorf(dateline.EINVALID, "The body is not an item of Superdesk's ninjs: %s.", truncate(err.Error(), 200))
	}
	if d.More() {
		return nil, dateline.Errorf(dateline.EINVALID, "The body holds more than one JSON value.")
	}
	switch {
	case strings.TrimSpace(it.GUID) == "":
		return nil, dateline.Errorf(dateline.EINVALID, "The item has no guid.")
	case len(it.GUID) > 1000 || it.GUID != ingest.Clean(it.GUID):
		return nil, dateline.Errorf(dateline.EINVALID, "The guid is longer than 1,000 bytes or not text.")
	case it.Type == "":
		return nil, dateline.Errorf(dateline.EINVALID, "The item has no type.")
	case len(it.EvolvedFrom) > 1000 || it.EvolvedFrom != ingest.Clean(it.EvolvedFrom):
		return nil, dateline.Errorf(dateline.EINVALID, "The evolvedfrom is longer than 1,000 bytes or not text.")
	}
	if it.Version != "" {
		v, err := dateline.ParseVersion(string(it.Version))
		if err != nil {
			return nil, dateline.Errorf(dateline.EINVALID, "%s", dateline.ErrorMessage(err))
		}
		it.Version = ninjs.Version(v)
	}
	return &it, nil
}

// Canceled reports whether the item kills its story (kill, takedown or
// unpublish).
func (it *Item) Canceled() bool { return it.PubStatus == "canceled" }

// Byname is the byline: byline, else the authors' names.
func (it *Item) byname() string {
	if b := strings.TrimSpace(it.Byline); b != "" {
		return b
	}
	var names []string
	for _, a := range it.Authors {
		if n := strings.TrimSpace(a.Name); n != "" {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

// Ninjs is the item in the ninjs 2.x form ingest maps, with body as the
// body (its embeds already resolved) and uri as the article's uri. The
// version is left out: the versions of one guid are ordered here, and an
// article of a chain is ordered by versioncreated (see Receive). Pictures
// are left out: they are the receiver's own (never the sender's href).
func (it *Item) Ninjs(uri, body string) *ninjs.Item {
	n := &ninjs.Item{
		URI:             uri,
		Type:            it.Type,
		VersionCreated:  it.VersionCreated.ptr(),
		FirstCreated:    it.FirstPublished.ptr(),
		Embargoed:       it.Embargoed.ptr(),
		PubStatus:       it.PubStatus,
		Urgency:         it.Urgency,
		Language:        it.Language,
		EdNote:          it.EdNote,
		By:              it.byname(),
		Located:         it.Located,
		Slugline:        it.Slugline,
		CopyrightHolder: it.CopyrightHolder,
	}
	if n.FirstCreated == nil {
		n.FirstCreated = it.FirstCreated.ptr()
	}
	if h := strings.TrimSpace(it.Headline); h != "" {
		n.Headlines = []ninjs.Text{{Role: "main", Value: h}}
	}
	if d := strings.TrimSpace(it.DescriptionText); d != "" {
		n.Descriptions = []ninjs.Text{{Role: "summary", Value: d}}
	} else if d := strings.TrimSpace(it.DescriptionHTML); d != "" {
		n.Descriptions = []ninjs.Text{{Role: "summary", Value: d}}
	}
	if strings.TrimSpace(body) != "" {
		n.Bodies = []ninjs.Text{{Role: "text", ContentType: "text/html", Value: body}}
	} else if strings.TrimSpace(it.BodyText) != "" {
		n.Bodies = []ninjs.Text{{Role: "text", ContentType: "text/plain", Value: it.BodyText}}
	}
	// Sections are chosen from service, then subject (ingest matches
	// genres before subjects), by code or name.
	for _, c := range it.Service {
		n.Genres = append(n.Genres, ninjs.Concept{Code: c.Code, Literal: c.Name})
	}
	for _, c := range it.Subject {
		n.Subjects = append(n.Subjects, ninjs.Concept{Code: c.Code, Name: c.Name, Literal: c.Name})
	}
	for _, c := range it.Place {
		n.Places = append(n.Places, ninjs.Concept{Code: c.Code, Name: c.Name})
	}
	return n
}

// embed matches one embedded item of body_html, as superdesk's
// editor_utils writes it: <!-- EMBED START Image {id: "editor_0"} -->
// ... <!-- EMBED END Image {id: "editor_0"} -->.
var embed = regexp.MustCompile(`(?s)<!--\s*EMBED START\s+(\w+)\s+\{\s*id:\s*"([^"]{1,200})"\s*\}\s*-->(.*?)<!--\s*EMBED END\s+\w+\s+\{\s*id:\s*"([^"]{1,200})"\s*\}\s*-->`)

// Embeds returns the association keys of the body's embeds in order.
func Embeds(body string) []string {
	var keys []string
	for _, m := range embed.FindAllStringSubmatch(body, 100) {
		keys = append(keys, m[2])
	}
	return keys
}

// ReplaceEmbeds replaces every embed of body by what figure makes of its
// association key ("" drops it): the sender's own <img>, which points at
// the sender, is never kept.
func ReplaceEmbeds(body string, figure func(key string) string) string {
	return embed.ReplaceAllStringFunc(body, func(m string) string {
		sub := embed.FindStringSubmatch(m)
		if sub == nil || sub[2] != sub[4] {
			return ""
		}
		return figure(sub[2])
	})
}

// Picture is a picture association: the renditions to look for among the
// uploads, best first, and its words.
type Picture struct {
	Media []string // media ids, best first
	// Hrefs are the renditions' addresses at the sender, by media id:
	// fetched (Service.Fetch) only when no binary was uploaded.
	Hrefs   map[string]string
	Caption string
	Credit  string
	Alt     string
}

// preferred renditions, best first; others follow by width.
var preferred = []string{"original", "baseImage", "viewImage"}

// PictureOf reads a picture association; ok is false when it is not a
// picture or names no binary.
func PictureOf(as *Item) (Picture, bool) {
	if as == nil || as.Type != "picture" {
		return Picture{}, false
	}
	p := Picture{
		Caption: ingest.PlainText(as.DescriptionText),
		Credit:  ingest.PlainText(as.Byline),
		Alt:     ingest.PlainText(as.BodyText),
	}
	if p.Caption == "" {
		p.Caption = ingest.PlainText(as.DescriptionHTML)
	}
	if p.Caption == "" {
		p.Caption = ingest.PlainText(as.Headline)
	}
	if p.Credit == "" {
		p.Credit = ingest.PlainText(as.CopyrightHolder)
	}
	if p.Alt == "" {
		p.Alt = p.Caption
	}
	seen := map[string]bool{}
	p.Hrefs = map[string]string{}
	add := func(r Rendition) {
		if id := r.Media; id != "" && !seen[id] && len(p.Media) < 20 {
			seen[id] = true
			p.Media = append(p.Media, id)
			if r.Href != "" {
				p.Hrefs[id] = r.Href
			}
		}
	}
	for _, name := range preferred {
		add(as.Renditions[name])
	}
	rest := make([]Rendition, 0, len(as.Renditions))
	for _, r := range as.Renditions {
		if r.Media != "" {
			rest = append(rest, r)
		}
	}
	// Widest first; ties by media id, so the order is the same every time.
	slices.SortFunc(rest, func(a, b Rendition) int {
		if c := cmp.Compare(b.Width, a.Width); c != 0 {
			return c
		}
		return strings.Compare(a.Media, b.Media)
	})
	for _, r := range rest {
		add(r)
	}
	return p, len(p.Media) > 0
}
