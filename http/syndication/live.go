package syndication

import (
	"context"
	"html"
	"slices"
	"strings"

	"dateline"
	"dateline/feed"
	"dateline/http/site/liveview"
	"dateline/http/web"
	"dateline/i18n"
	"dateline/liveblog"
)

// A live story's versions feed carries its posts (package liveblog) beside
// the stories and corrections of its chain, so a feed reader follows the
// live coverage post by post. Each post is an entry of its own: its id is
// the story's address and the post's anchor (ADDRESS#post-ID), which never
// changes; its link is the page of posts it shows on now (newest first),
// which moves as posts are added. An edit moves the entry's updated time, a
// deleted post leaves the feed, the closing post is an entry like the
// others. The feed is cached as kind "versions", whose pages depend on
// everything: the page cache drops them on every change, the `post`
// events of the live writes among them (web.Cache.Drop always drops
// DepAny).

// livePosts is how many posts, the most recently changed, a versions feed
// carries of the live stories of its chain together.
const livePosts = 50

// LiveStore is what the feeds read of live coverage; both engines
// satisfy it.
type LiveStore interface {
	Posts(ctx context.Context, article int64, deleted bool) ([]liveblog.Post, error)
}

// postItems are the feed entries of the posts of the stories, at most
// livePosts, the most recently changed; a story never covered live has
// none.
func (s *Feeds) postItems(ctx context.Context, stories []dateline.Article, full bool) ([]feed.Item, error) {
	var items []feed.Item
	for i := range stories {
		b := &stories[i]
		posts, err := s.store.Posts(ctx, b.ID, false)
		if err != nil {
			return nil, err
		}
		addr := s.site.ArticleURL(*b)
		for j, p := range posts {
			// The page of posts it is on in the default order, newest first.
			page := (len(posts)-1-j)/liveview.PerPage + 1
			href := liveview.Query{Order: liveview.Newest, Page: page}.Address(addr)
			items = append(items, s.postItem(b, p, s.cfg.BaseURL+addr+"#"+p.Anchor(), s.cfg.BaseURL+href+"#"+p.Anchor(), full))
		}
	}
	slices.SortStableFunc(items, func(x, y feed.Item) int { return y.Updated.Compare(x.Updated) })
	return items[:min(len(items), livePosts)], nil
}

// postItem is the entry of post p of story b.
func (s *Feeds) postItem(b *dateline.Article, p liveblog.Post, id, link string, full bool) feed.Item {
	it := feed.Item{ID: id, URL: link, Title: postTitle(b.Lang, p), Summary: postText(p), Byline: p.AuthorName,
		Lang: b.Lang, Published: p.Created, Updated: p.Updated, Section: dateline.Section{Slug: b.Section, Name: b.SectionName}}
	var alt string
	if ph := p.Photo; p.Kind == liveblog.KindPhoto && ph != nil && (ph.Path != "" || ph.Remote != "") {
		alt = ph.Alt
		it.Image = &feed.Image{URL: s.absURL(web.MediaURL(ph, 0)), Type: feed.ImageType(web.MediaURL(ph, 0)), Width: ph.Width, Height: ph.Height,
			Caption: ph.Caption, Credit: ph.Credit}
	}
	if full {
		// The post as the page shows it: its HTML was sanitised when it
		// was saved (liveblog.Post.Normalize); what is added is escaped.
		body := p.Body
		switch p.Kind {
		case liveblog.KindQuote:
			body = "<blockquote>" + p.Body + "<footer>— " + html.EscapeString(p.QuoteBy) + "</footer></blockquote>"
		case liveblog.KindLink:
			u := html.EscapeString(p.LinkURL)
			body += `<p><a href="` + u + `" rel="noopener nofollow">` + u + "</a></p>"
		}
		it.Content = feed.Content(feed.Story{Image: it.Image, Alt: alt, Pages: []string{body}}, s.cfg.BaseURL)
	}
	return it
}

// postText is a post's words as plain text: a quote with who said it, a
// photo's caption or a link's address when it has no words of its own.
func postText(p liveblog.Post) string {
	text := liveview.Text(p)
	switch {
	case p.Kind == liveblog.KindQuote && text != "":
		text = "“" + text + "” — " + p.QuoteBy
	case text == "" && p.Photo != nil:
		text = strings.TrimSpace(p.Photo.Caption)
	case text == "" && p.Kind == liveblog.KindLink:
		text = p.LinkURL
	}
	return text
}

// postTitle is a post's entry title: its first words, or its kind and
// time when it has none.
func postTitle(lang string, p liveblog.Post) string {
	text := postText(p)
	if text == "" {
		kind := map[string]string{liveblog.KindPhoto: "Photo, %s", liveblog.KindQuote: "Quote, %s", liveblog.KindLink: "Link, %s"}[p.Kind]
		if kind == "" {
			kind = "Live post, %s"
		}
		return i18n.T(i18n.Lang(lang), kind, p.Created.UTC().Format("15:04 UTC"))
	}
	const most = 100
	r := []rune(text)
	if len(r) <= most {
		return text
	}
	cut := string(r[:most-1])
	if i := strings.LastIndexByte(cut, ' '); i > most/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
