package newsml

import (
	"fmt"
	"strconv"
	"strings"

	"dateline/ninjs"
)

// Ninjs returns the item as a ninjs item, so that package ingest maps it to
// an article by the same rules as a ninjs document:
//
//	NewsML-G2                                  ninjs
//	@guid                                      uri
//	@version                                   version
//	itemMeta/versionCreated, firstCreated      versioncreated, firstcreated
//	itemMeta/embargoed                         embargoed
//	itemMeta/pubStatus (stat:usable...)        pubstatus (usable, withheld, canceled)
//	itemMeta/edNote                            ednote ("CORRECTION: " before it with signal sig:correction)
//	contentMeta/urgency                        urgency
//	contentMeta/headline (@role)               headlines (role without its scheme: hlrole:main is main)
//	contentMeta/description (@role), else      descriptions (drol:summary is summary)
//	  the NITF abstract
//	contentMeta/slugline                       slugline
//	contentMeta/located/name, else dateline    located
//	contentMeta/by, else the NITF byline,      by
//	  else the creators' names, else creditline
//	contentMeta/language/@tag, else @xml:lang  language
//	contentMeta/genre                          genres
//	contentMeta/subject of type cpnat:person,  people, organisations, places
//	  cpnat:organisation, cpnat:geoArea/poi
//	other subjects, then their broader ones    subjects (broader ones without a name, so
//	                                           they can place the item but are not topics)
//	contentSet/inlineXML (XHTML or NITF)       a text/html body
//	contentSet/inlineData                      a body of its contenttype (text/plain)
//	rightsInfo/copyrightHolder/name            copyrightholder
//	linked picture items (remoteContent),      associations of type picture
//	  itemMeta/link to an image/* https href
//
// Returns *Error for an item that is not a story, such as a picture item
// that no text item links to.
func (it *Item) Ninjs() (*ninjs.Item, error) {
	if !it.IsText() {
		return nil, &Error{Message: fmt.Sprintf("The item %s is of class %s; only text items become articles.", clip(it.GUID), clip(it.Class))}
	}
	n := it.common()
	n.Type = "text"
	n.By = it.By
	if n.By == "" {
		n.By = strings.Join(it.Creators, ", ")
	}
	if n.By == "" {
		n.By = it.CreditLine
	}
	n.Located = it.Located
	if n.Located == "" {
		n.Located = it.Dateline
	}
	for _, b := range it.Bodies {
		n.Bodies = append(n.Bodies, ninjs.Text{ContentType: b.ContentType, Value: b.Value})
	}

	seen := map[string]bool{}
	var broader []ninjs.Concept
	for _, c := range it.Subjects {
		nc := ninjsConcept(c)
		switch codeOf(c.Type) {
		case "person":
			n.People = append(n.People, nc)
		case "organisation":
			n.Organisations = append(n.Organisations, nc)
		case "geoArea", "poi":
			n.Places = append(n.Places, nc)
		default:
			n.Subjects = append(n.Subjects, nc)
			seen[c.QCode+" "+c.URI] = true
			for _, b := range c.Broader {
				broader = append(broader, ninjs.Concept{QCode: b.QCode, URI: b.URI, Literal: b.Literal})
			}
		}
	}
	for _, b := range broader {
		if k := b.QCode + " " + b.URI; !seen[k] {
			seen[k] = true
			n.Subjects = append(n.Subjects, b)
		}
	}
	for _, g := range it.Genres {
		n.Genres = append(n.Genres, ninjsConcept(g))
	}

	for _, p := range it.Pictures {
		pic := p.common()
		pic.Type = "picture"
		pic.By = p.CreditLine
		if pic.By == "" {
			pic.By = p.By
		}
		for i, r := range p.Renditions {
			name := codeOf(r.Rendition)
			if name == "" {
				name = "rendition" + strconv.Itoa(i+1)
			}
			pic.Renditions = append(pic.Renditions, ninjs.Rendition{
				Name: name, Href: r.Href, ContentType: r.ContentType, Width: float64(r.Width), Height: float64(r.Height),
			})
		}
		n.Associations = append(n.Associations, ninjs.Association{Item: *pic, Name: "picture" + strconv.Itoa(len(n.Associations)+1)})
	}
	for _, l := range it.Links {
		if strings.HasPrefix(l.ContentType, "image/") && strings.HasPrefix(l.Href, "https://") {
			pic := ninjs.Item{URI: l.Href, Type: "picture", Renditions: []ninjs.Rendition{{Name: "link", Href: l.Href, ContentType: l.ContentType}}}
			if l.Title != "" {
				pic.Descriptions = []ninjs.Text{{Role: "caption", Value: l.Title}}
			}
			n.Associations = append(n.Associations, ninjs.Association{Item: pic, Name: "picture" + strconv.Itoa(len(n.Associations)+1)})
		}
	}
	return n, nil
}

// common converts what text and picture items share.
func (it *Item) common() *ninjs.Item {
	n := &ninjs.Item{
		URI:             it.GUID,
		PubStatus:       it.PubStatus,
		Language:        it.Language,
		EdNote:          edNote(it),
		Slugline:        it.Slugline,
		CopyrightHolder: it.Copyright,
	}
	if it.Version > 0 {
		n.Version = ninjs.Version(strconv.Itoa(it.Version))
	}
	vc := it.VersionCreated
	n.VersionCreated = &vc
	if !it.FirstCreated.IsZero() {
		fc := it.FirstCreated
		n.FirstCreated = &fc
	}
	if !it.Embargoed.IsZero() {
		e := it.Embargoed
		n.Embargoed = &e
	}
	if it.Urgency > 0 {
		u := float64(it.Urgency)
		n.Urgency = &u
	}
	for _, h := range it.Headlines {
		n.Headlines = append(n.Headlines, ninjs.Text{Role: codeOf(h.Role), Value: h.Value})
	}
	for _, d := range it.Descriptions {
		n.Descriptions = append(n.Descriptions, ninjs.Text{Role: codeOf(d.Role), Value: d.Value})
	}
	return n
}

func ninjsConcept(c Concept) ninjs.Concept {
	return ninjs.Concept{Name: c.Name, QCode: c.QCode, URI: c.URI, Literal: c.Literal}
}

// edNote is the item's editorial note; with the signal sig:correction it
// is a correction, which ninjs marks by starting the note "CORRECTION: "
// (see the README's "The lifecycle of a story").
func edNote(it *Item) string {
	note := strings.TrimSpace(it.EdNote)
	for _, s := range it.Signals {
		if s == "sig:correction" && !ingestCorrection(note) {
			if note == "" {
				note = "The story was corrected."
			}
			return "CORRECTION: " + note
		}
	}
	return note
}

// ingestCorrection reports whether a note already says it is a correction.
func ingestCorrection(note string) bool {
	u := strings.ToUpper(note)
	return strings.HasPrefix(u, "CORRECTION") || strings.HasPrefix(u, "CORRECTS") || strings.HasPrefix(u, "CORRECTED")
}
