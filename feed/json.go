package feed

import (
	"bytes"
	"encoding/json"
)

// JSON Feed 1.1 (https://jsonfeed.org/version/1.1).

type jsonFeedDoc struct {
	Version     string           `json:"version"`
	Title       string           `json:"title"`
	HomePageURL string           `json:"home_page_url"`
	FeedURL     string           `json:"feed_url"`
	Description string           `json:"description"`
	Language    string           `json:"language"`
	Authors     []jsonFeedAuthor `json:"authors"`
	Hubs        []jsonFeedHub    `json:"hubs,omitempty"`
	Items       []jsonFeedItem   `json:"items"`
}

type jsonFeedAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type jsonFeedHub struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

type jsonFeedItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url"`
	Title         string           `json:"title"`
	ContentHTML   string           `json:"content_html,omitempty"`
	ContentText   string           `json:"content_text,omitempty"`
	Summary       string           `json:"summary,omitempty"`
	Image         string           `json:"image,omitempty"`
	DatePublished string           `json:"date_published"`
	DateModified  string           `json:"date_modified"`
	Authors       []jsonFeedAuthor `json:"authors,omitempty"`
	Tags          []string         `json:"tags,omitempty"`
	Language      string           `json:"language,omitempty"`
}

// JSON writes fd as JSON Feed 1.1.
func JSON(site Site, fd *Feed) ([]byte, error) {
	doc := jsonFeedDoc{Version: "https://jsonfeed.org/version/1.1", Title: fd.Title, HomePageURL: fd.Page,
		FeedURL: site.BaseURL + fd.Path + ".json", Description: fd.Description, Language: fd.Lang,
		Authors: []jsonFeedAuthor{{Name: site.Name, URL: site.BaseURL + "/"}}, Items: []jsonFeedItem{}}
	if site.Hub != "" {
		doc.Hubs = []jsonFeedHub{{Type: "WebSub", URL: site.Hub}}
	}
	for i := range fd.Items {
		it := &fd.Items[i]
		j := jsonFeedItem{ID: it.id(), URL: it.URL, Title: it.Title, Summary: it.Summary, ContentHTML: it.Content,
			DatePublished: rfc3339(it.Published), DateModified: rfc3339(it.Updated),
			Language: it.Lang, Tags: []string{it.Section.Name}}
		if it.Commercial != "" {
			j.Tags = append(j.Tags, it.Commercial)
		}
		if j.ContentHTML == "" {
			// An item needs content_html or content_text.
			j.ContentText = it.Summary
			if j.ContentText == "" {
				j.ContentText = it.Title
			}
		}
		if it.Image != nil {
			j.Image = it.Image.URL
		}
		if it.Byline != "" {
			j.Authors = []jsonFeedAuthor{{Name: it.Byline}}
		}
		for _, t := range it.Topics {
			j.Tags = append(j.Tags, t.Name)
		}
		doc.Items = append(doc.Items, j)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
