package site

import (
	"encoding/json"
	"html/template"
	"strings"
	"time"

	"dateline"
	"dateline/http/site/kit"
	"dateline/http/web"
)

// Structured data on article pages: schema.org NewsArticle as JSON-LD,
// Open Graph and Twitter card tags. Articles have no translations yet,
// so there are no hreflang links.

// articleHead is what an article page's head says about it.
type articleHead struct {
	URL         string // of this page, absolute
	SiteName    string
	Title       string
	Description string
	Image       *ogImage
	Published   string // RFC 3339, UTC
	Modified    string
	Section     string
	Tags        []string
	Card        string // Twitter card: summary_large_image with a photo
	JSONLD      template.JS
}

type ogImage struct {
	URL           string
	Width, Height int
	Alt           string
}

// ogWidth is the width social sites show a shared link's photo at; the
// rendition at least this wide is named, or the photo itself.
const ogWidth = 1200

// Meta prepares the head of an article page: nil for the newsroom's
// preview.
func (ap articlePage) Meta() *articleHead {
	v := ap.Base
	if v == nil || v.Site == nil || ap.A == nil || ap.Preview {
		return nil
	}
	a, base := ap.A, v.Site.BaseURL
	modified := a.PublishedAt
	if a.UpdatedAt.After(modified) {
		modified = a.UpdatedAt
	}
	h := &articleHead{URL: base + v.Canonical, SiteName: v.Site.SiteName, Title: socialHeadline(a), Description: metaDescription(a),
		Published: a.PublishedAt.UTC().Format(time.RFC3339), Modified: modified.UTC().Format(time.RFC3339),
		Section: a.SectionName, Card: "summary"}
	if v.Canonical == "" {
		h.URL = ap.URL
	}
	for _, t := range a.Topics {
		h.Tags = append(h.Tags, t.Name)
	}
	if p := a.Photo; p != nil && (p.Path != "" || p.Remote != "") {
		h.Image = ogPhoto(p, base)
		h.Card = "summary_large_image"
	}
	h.JSONLD = newsArticleLD(a, ap.URL, v.Site, modified)
	if ap.Live != nil {
		h.JSONLD = ap.Live.JSONLD(h.JSONLD, ap.URL, func(p *dateline.Photo) string {
			if img := ogPhoto(p, base); img != nil {
				return img.URL
			}
			return ""
		})
		if m := ap.Live.Modified(); m.After(modified) {
			h.Modified = m.UTC().Format(time.RFC3339)
		}
	}
	return h
}

// metaDescription is what search results and shared links show of a:
// the newsroom's meta description, or the lead.
func metaDescription(a *dateline.Article) string {
	if a.MetaDescription != "" {
		return a.MetaDescription
	}
	return a.Lead
}

// socialHeadline is the title of a shared link to a: the newsroom's
// social headline, or the headline.
func socialHeadline(a *dateline.Article) string {
	if a.SocialHeadline != "" {
		return a.SocialHeadline
	}
	return a.Headline
}

// ogPhoto names the photo's rendition at least ogWidth wide (the
// smallest such), or the photo itself, with its size.
func ogPhoto(p *dateline.Photo, base string) *ogImage {
	img := &ogImage{URL: web.MediaURL(p, 0), Width: p.Width, Height: p.Height, Alt: p.Alt}
	if img.Alt == "" {
		img.Alt = p.Caption
	}
	if p.Path != "" && p.Width > 0 {
		best := 0
		for _, w := range p.Widths {
			if w >= ogWidth && w < p.Width && (best == 0 || w < best) {
				best = w
			}
		}
		if best > 0 {
			// As media.Prepare rounds renditions' heights.
			img.URL = web.MediaURL(p, best)
			img.Width, img.Height = best, max(1, int((int64(p.Height)*int64(best)+int64(p.Width)/2)/int64(p.Width)))
		}
	}
	if strings.HasPrefix(img.URL, "/") {
		img.URL = base + img.URL
	}
	return img
}

// The JSON-LD of a NewsArticle, in the order Google's documentation
// lists the properties.
type ldArticle struct {
	Context          string     `json:"@context"`
	Type             string     `json:"@type"`
	Headline         string     `json:"headline"`
	AltHeadline      string     `json:"alternativeHeadline,omitempty"`
	Description      string     `json:"description,omitempty"`
	Image            []ldImage  `json:"image,omitempty"`
	DatePublished    string     `json:"datePublished"`
	DateModified     string     `json:"dateModified"`
	Author           []ldParty  `json:"author"`
	Publisher        ldParty    `json:"publisher"`
	ArticleSection   string     `json:"articleSection,omitempty"`
	Keywords         []string   `json:"keywords,omitempty"`
	MainEntityOfPage ldWebPage  `json:"mainEntityOfPage"`
	URL              string     `json:"url"`
	InLanguage       string     `json:"inLanguage,omitempty"`
	Place            *ldPlace   `json:"locationCreated,omitempty"`
	IsAccessible     bool       `json:"isAccessibleForFree"`
	Correction       []ldUpdate `json:"correction,omitempty"`
}

type ldImage struct {
	Type    string `json:"@type"`
	URL     string `json:"url"`
	Width   int    `json:"width,omitempty"`
	Height  int    `json:"height,omitempty"`
	Caption string `json:"caption,omitempty"`
}

type ldParty struct {
	Type string   `json:"@type"`
	Name string   `json:"name"`
	URL  string   `json:"url,omitempty"`
	Logo *ldImage `json:"logo,omitempty"`
}

type ldWebPage struct {
	Type string `json:"@type"`
	ID   string `json:"@id"`
}

type ldPlace struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

type ldUpdate struct {
	Type        string `json:"@type"`
	Text        string `json:"text"`
	DatePublish string `json:"datePublished"`
}

// newsArticleLD is the article as schema.org NewsArticle. The JSON is the
// whole content of a <script type="application/ld+json">, which browsers
// do not run (the CSP's script-src does not apply); json.Marshal writes
// "<" as \u003c, so nothing in it can close the element.
func newsArticleLD(a *dateline.Article, url string, site *kit.Config, modified time.Time) template.JS {
	org := ldParty{Type: "Organization", Name: site.SiteName, URL: site.BaseURL + "/",
		Logo: &ldImage{Type: "ImageObject", URL: site.BaseURL + "/static/icon.svg"}}
	ld := ldArticle{Context: "https://schema.org", Type: "NewsArticle", Headline: a.Headline, AltHeadline: a.SocialHeadline, Description: metaDescription(a),
		DatePublished: a.PublishedAt.UTC().Format(time.RFC3339), DateModified: modified.UTC().Format(time.RFC3339),
		Publisher: org, ArticleSection: a.SectionName, MainEntityOfPage: ldWebPage{Type: "WebPage", ID: url}, URL: url,
		InLanguage: a.Lang, IsAccessible: true}
	if a.Commercial != "" {
		ld.Type = "AdvertiserContentArticle" // paid-for content is not news
	}
	// Only the name: Google asks for no "By".
	name := strings.TrimSpace(a.Byline)
	if len(name) > 3 && strings.EqualFold(name[:3], "by ") {
		name = strings.TrimSpace(name[3:])
	}
	if name != "" {
		ld.Author = []ldParty{{Type: "Person", Name: name}}
	} else {
		ld.Author = []ldParty{{Type: "Organization", Name: site.SiteName, URL: site.BaseURL + "/"}}
	}
	if p := a.Photo; p != nil && (p.Path != "" || p.Remote != "") {
		u := web.MediaURL(p, 0)
		if strings.HasPrefix(u, "/") {
			u = site.BaseURL + u
		}
		ld.Image = []ldImage{{Type: "ImageObject", URL: u, Width: p.Width, Height: p.Height, Caption: p.Caption}}
	}
	for _, t := range a.Topics {
		ld.Keywords = append(ld.Keywords, t.Name)
	}
	if a.Place != "" {
		ld.Place = &ldPlace{Type: "Place", Name: a.Place}
	}
	for _, c := range a.Corrections {
		ld.Correction = append(ld.Correction, ldUpdate{Type: "CorrectionComment", Text: c.Text, DatePublish: c.At.UTC().Format(time.RFC3339)})
	}
	b, err := json.Marshal(ld)
	if err != nil {
		return ""
	}
	return template.JS(b)
}
