package api

import (
	"context"
	"html"
	"strconv"

	"dateline"
	"dateline/liveblog"
	"dateline/ninjs"
)

// withPosts adds a live story's posts to its item, oldest first, as
// associations named "post-ID" (type text, the post's HTML as its body,
// its author in by, "key-event", "summary" and "closing" as genres (name and literal)),
// when the item carries its body: a withheld or canceled story goes
// without. They belong to the story, so whoever may have the item may
// have them. The lists of items leave them out; the item has them.
func (s *Handler) withPosts(ctx context.Context, it *ninjs.Item, a *dateline.Article) error {
	if a.Status != dateline.StatusPublished {
		return nil
	}
	posts, err := s.store.Posts(ctx, a.ID, false)
	if err != nil || len(posts) == 0 {
		return err
	}
	for _, p := range posts {
		id := strconv.FormatInt(p.ID, 10)
		created, updated := p.Created, p.Updated
		as := ninjs.Association{Name: "post-" + id, Item: ninjs.Item{
			URI: a.URI + "#post-" + id, Type: "text", Version: ninjs.Version(strconv.Itoa(p.Version)), PubStatus: "usable",
			FirstCreated: &created, VersionCreated: &updated, Language: a.Lang, By: p.AuthorName,
			Bodies: []ninjs.Text{{Role: "main", ContentType: "text/html", Value: postHTML(p)}},
		}}
		for _, g := range []struct {
			on   bool
			name string
		}{{p.KeyEvent, "key-event"}, {p.Pinned, "summary"}, {p.Closing, "closing"}} {
			if g.on {
				as.Genres = append(as.Genres, ninjs.Concept{Name: g.name, Literal: g.name})
			}
		}
		if p.Photo != nil {
			// the photo as a story's main picture goes
			photo := ninjs.FromArticle(&dateline.Article{Status: dateline.StatusPublished, Photo: p.Photo}, s.cfg.BaseURL)
			as.Associations = photo.Associations
		}
		it.Associations = append(it.Associations, as)
	}
	return nil
}

// postHTML is the post's body with what its kind adds: who said a
// quote, the address of a link.
func postHTML(p liveblog.Post) string {
	switch p.Kind {
	case liveblog.KindQuote:
		return "<blockquote>" + p.Body + "<footer>" + html.EscapeString(p.QuoteBy) + "</footer></blockquote>"
	case liveblog.KindLink:
		return p.Body + `<p><a href="` + html.EscapeString(p.LinkURL) + `">` + html.EscapeString(p.LinkURL) + "</a></p>"
	}
	return p.Body
}
