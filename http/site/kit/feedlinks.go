package kit

import (
	"strings"

	"dateline/http/syndication"
)

// feedLink is a <link rel="alternate"> to a feed. The layout writes the
// media type from Format as literal text: html/template would write the
// "+" of a value as "&#43;", which naive feed finders miss.
type feedLink struct {
	Format, Title, Href string
}

// FeedLinks lists the feeds a page names in its head: its story's (a
// running story's, an article's versions), its own (a section's, a
// topic's or a person's; an article names its section's) and the site's,
// each in the three formats.
func (v *Base) FeedLinks() []feedLink {
	if v == nil || v.Site == nil {
		return nil
	}
	site := v.Site
	var links []feedLink
	add := func(path, title string) {
		for _, x := range syndication.Formats() {
			links = append(links, feedLink{Format: x.Ext, Title: title + " (" + x.Label + ")", Href: site.BaseURL + path + "." + x.Ext})
		}
	}
	if v.StoryFeed != "" {
		add(v.StoryFeed, site.SiteName+": "+v.Title)
	}
	switch {
	case strings.HasPrefix(v.Canonical, v.Prefix+"/topics/") && v.Title != "":
		add(syndication.Path(v.Lang, syndication.Topic, strings.TrimPrefix(v.Canonical, v.Prefix+"/topics/")), site.SiteName+": "+v.Title)
	case strings.HasPrefix(v.Canonical, v.Prefix+"/persons/") && v.Title != "":
		add(syndication.Path(v.Lang, syndication.Person, strings.TrimPrefix(v.Canonical, v.Prefix+"/persons/")), site.SiteName+": "+v.Title)
	case v.Active != "":
		for _, sec := range v.Sections {
			if sec.Slug == v.Active {
				add(syndication.Path(v.Lang, syndication.Section, sec.Slug), site.SiteName+": "+sec.Name)
			}
		}
	}
	add(syndication.Path(v.Lang, syndication.Whole, ""), site.SiteName)
	return links
}
