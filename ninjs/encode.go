package ninjs

import (
	"strconv"
	"strings"
	"time"

	"dateline"
)

// PubStatus is the ninjs publishing status of an article: usable when
// published, withheld while scheduled, canceled once withdrawn. Drafts and
// submitted stories have none: they are never sent.
func PubStatus(s dateline.Status) string {
	switch s {
	case dateline.StatusPublished:
		return "usable"
	case dateline.StatusScheduled:
		return "withheld"
	case dateline.StatusWithdrawn:
		return "canceled"
	}
	return ""
}

// Delivered is the article as it goes to a client (the read API, the
// portal's downloads): FromArticle, but a withheld story goes as
// pubstatus withheld without its body or photo, like a canceled one.
func Delivered(a *dateline.Article, base string) *Item {
	it := FromArticle(a, base)
	if a.Status == dateline.StatusWithheld {
		it.PubStatus, it.Bodies, it.Associations = "withheld", nil, nil
		if a.Embargoed && !a.EmbargoUntil.IsZero() {
			it.Embargoed = timePtr(a.EmbargoUntil)
		}
	}
	return it
}

// FromArticle writes an article as a ninjs 2.2 item. base is the site's
// absolute URL, for links to pages and photos. The lifecycle travels with
// it: version, pubstatus, the embargo, and an editor's note carrying the
// update's advisory, the corrections and the reason for a withdrawal.
func FromArticle(a *dateline.Article, base string) *Item {
	it := &Item{
		URI: a.URI, Type: "text", Version: Version(strconv.Itoa(a.Version)), PubStatus: PubStatus(a.Status),
		Language: a.Lang, By: a.Byline, Located: a.Place,
	}
	first, version := a.PublishedAt, a.ModifiedAt
	if first.IsZero() {
		first = a.CreatedAt
	}
	if !a.UpdatedAt.IsZero() {
		version = a.UpdatedAt
	}
	if a.Status == dateline.StatusWithdrawn && !a.WithdrawnAt.IsZero() {
		version = a.WithdrawnAt
	}
	it.FirstCreated, it.VersionCreated = timePtr(first), timePtr(version)
	if a.Status == dateline.StatusScheduled && !a.EmbargoUntil.IsZero() {
		it.Embargoed = timePtr(a.EmbargoUntil)
	}
	if a.Urgency > 0 {
		u := float64(a.Urgency)
		it.Urgency = &u
	}
	if a.Headline != "" {
		it.Headlines = []Text{{Role: "main", Value: a.Headline}}
	}
	if a.Lead != "" {
		it.Descriptions = []Text{{Role: "summary", Value: a.Lead}}
	}
	if a.Status != dateline.StatusWithdrawn && len(a.Pages) > 0 {
		it.Bodies = []Text{{Role: "main", ContentType: "text/html", Value: strings.Join(a.Pages, "\n<!-- pagebreak -->\n")}}
	}
	var notes []string
	if a.Breaking && a.Status != dateline.StatusWithdrawn {
		notes = append(notes, "BREAKING.")
	}
	if a.Advisory != "" && !a.UpdatedAt.IsZero() {
		notes = append(notes, "Update: "+a.Advisory)
	}
	for _, c := range a.Corrections {
		notes = append(notes, "CORRECTED "+c.At.UTC().Format("2006-01-02 15:04")+" UTC: "+c.Text)
	}
	if a.Status == dateline.StatusWithdrawn {
		n := "WITHDRAWN."
		if a.WithdrawNote != "" {
			n += " " + a.WithdrawNote
		}
		notes = append(notes, n)
	}
	it.EdNote = strings.Join(notes, " ")
	if g, ok := CommercialGenre(a.Commercial); ok {
		it.Genres = append(it.Genres, g)
	}
	if a.Section != "" {
		it.Subjects = append(it.Subjects, Concept{Name: a.SectionName, Rel: "section", URI: base + "/" + a.Section})
	}
	for _, t := range a.Topics {
		it.Subjects = append(it.Subjects, Concept{Name: t.Name, URI: base + "/topics/" + t.Slug})
	}
	for _, p := range a.Persons {
		it.People = append(it.People, Concept{Name: p.Name, URI: base + "/persons/" + p.Slug})
	}
	if p := a.Photo; p != nil && a.Status != dateline.StatusWithdrawn {
		it.Associations = append(it.Associations, picture(p, base, "mainpicture", "picture"))
	}
	return it
}

// picture is the photo as an association of the name and type, with its
// caption, credit and renditions (the original and the resized widths).
func picture(p *dateline.Photo, base, name, typ string) Association {
	pic := Association{Name: name, Item: Item{URI: photoURI(p, base), Type: typ}}
	if p.Caption != "" {
		pic.Descriptions = []Text{{Role: "caption", Value: p.Caption}}
	}
	pic.CopyrightHolder = p.Credit
	href := func(path string) string { return base + "/media/" + path }
	if p.Path != "" {
		pic.Renditions = append(pic.Renditions, Rendition{Name: "original", Href: href(p.Path), ContentType: contentType(p.Path),
			Width: float64(p.Width), Height: float64(p.Height)})
		for _, w := range p.Widths {
			h := 0.0
			if p.Width > 0 {
				h = float64(p.Height * w / p.Width)
			}
			pic.Renditions = append(pic.Renditions, Rendition{Name: "w" + strconv.Itoa(w), Href: href(p.Rendition(w)),
				ContentType: contentType(p.Path), Width: float64(w), Height: h})
		}
	} else if p.Remote != "" {
		pic.Renditions = append(pic.Renditions, Rendition{Name: "original", Href: p.Remote})
	}
	return pic
}

func photoURI(p *dateline.Photo, base string) string {
	if p.URI != "" {
		return p.URI
	}
	return base + "/media/" + p.Path
}

func contentType(path string) string {
	if strings.HasSuffix(path, ".png") {
		return "image/png"
	}
	return "image/jpeg"
}

func timePtr(t time.Time) *time.Time {
	u := t.UTC()
	return &u
}
