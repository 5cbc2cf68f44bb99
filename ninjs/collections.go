package ninjs

import (
	"strconv"

	"dateline"
	"dateline/wire"
)

// FromCollection writes a gallery or an infographic as a ninjs 2.2 item
// for clients. base is the site's absolute URL.
//
// A gallery is type "composite": its title and lead are the headline and
// summary, and its photos are the associations "photo1", "photo2"... in
// order, each type "picture" with its caption, credit and renditions. An
// infographic is type "graphic", its text the body (plain text), its
// images the associations "image1"... of type "graphic". Both carry the
// collection's URI, pubstatus, the edition as language and the section as
// a subject (rel "section"). They have no version: the store keeps none,
// so versioncreated is the publication time.
func FromCollection(c *wire.Collection, sectionName, base string) *Item {
	it := &Item{URI: c.URI, Type: "composite", PubStatus: PubStatus(c.Status), Language: c.Lang,
		FirstCreated: timePtr(c.PublishedAt), VersionCreated: timePtr(c.PublishedAt)}
	if it.Language == "" {
		it.Language = dateline.LangMain
	}
	name, typ := "photo", "picture"
	if c.Kind == dateline.KindInfographic {
		it.Type, name, typ = "graphic", "image", "graphic"
	}
	it.Headlines = []Text{{Role: "main", Value: c.Title}}
	if c.Text != "" {
		if c.Kind == dateline.KindInfographic {
			it.Bodies = []Text{{Role: "main", ContentType: "text/plain", Value: c.Text}}
		} else {
			it.Descriptions = []Text{{Role: "summary", Value: c.Text}}
		}
	}
	if c.Section != "" {
		it.Subjects = append(it.Subjects, Concept{Name: sectionName, Rel: "section", URI: base + "/" + c.Section})
	}
	if c.Status != dateline.StatusPublished {
		return it
	}
	for i := range c.Photos {
		it.Associations = append(it.Associations, picture(&c.Photos[i], base, name+strconv.Itoa(i+1), typ))
	}
	return it
}
