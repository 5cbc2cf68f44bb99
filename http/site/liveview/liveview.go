// Package liveview is the reader's side of a live story (package
// liveblog): the posts of one page in the reader's order, the pinned
// summary, the key events, the links between pages that work without
// script, and the story's LiveBlogPosting JSON-LD. The article page
// (package site) reads a Blog for every story that was ever live and
// shows it under the story's text.
package liveview

import (
	"context"
	"encoding/json"
	"html/template"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"dateline"
	"dateline/liveblog"
)

// PerPage is how many posts a page shows.
const PerPage = 20

// LDUpdates is how many of the newest posts the JSON-LD carries.
const LDUpdates = 20

// Orders of posts a reader may choose.
const (
	Newest = "newest" // the default
	Oldest = "oldest"
)

// Store is what the view reads.
type Store interface {
	Coverage(ctx context.Context, article int64) (liveblog.Coverage, error)
	Posts(ctx context.Context, article int64, deleted bool) ([]liveblog.Post, error)
	LiveNow(ctx context.Context) (map[int64]bool, error)
}

// Mark sets the live mark of the stories covered live now.
func Mark(ctx context.Context, st Store, as []dateline.Article) error {
	if len(as) == 0 {
		return nil
	}
	live, err := st.LiveNow(ctx)
	if err != nil || len(live) == 0 {
		return err
	}
	for i := range as {
		as[i].Live = live[as[i].ID]
	}
	return nil
}

// Query is the reader's choice of order and page, from the query string.
type Query struct {
	Order string // Newest or Oldest
	Page  int    // from 1
}

// ParseQuery reads ?order= and ?posts= (the page of posts). Returns
// EINVALID with words for anything else in them.
func ParseQuery(q url.Values) (Query, error) {
	out := Query{Order: Newest, Page: 1}
	if q.Has("order") {
		switch v := q.Get("order"); v {
		case Newest, Oldest:
			out.Order = v
		default:
			return out, dateline.Errorf(dateline.EINVALID, "The order of posts is newest or oldest.")
		}
	}
	if q.Has("posts") {
		n, err := strconv.Atoi(q.Get("posts"))
		if err != nil || n < 1 || n > 10000 {
			return out, dateline.Errorf(dateline.EINVALID, "The page of posts must be a whole number from 1.")
		}
		out.Page = n
	}
	return out, nil
}

// Key is the query as a part of the page cache's key: "" for the default.
func (q Query) Key() string {
	if q.Order == Newest && q.Page == 1 {
		return ""
	}
	return q.Order + ":" + strconv.Itoa(q.Page)
}

// Address is the page at address (which may have a query) with the
// query's order and page of posts.
func (q Query) Address(address string) string {
	var parts []string
	if q.Order != Newest {
		parts = append(parts, "order="+q.Order)
	}
	if q.Page > 1 {
		parts = append(parts, "posts="+strconv.Itoa(q.Page))
	}
	if len(parts) == 0 {
		return address
	}
	sep := "?"
	if strings.Contains(address, "?") {
		sep = "&"
	}
	return address + sep + strings.Join(parts, "&")
}

// Blog is what the article page shows of a live story.
type Blog struct {
	Coverage  liveblog.Coverage
	Live      bool // the coverage goes on: the LIVE mark and the stream
	ArticleID int64
	Summary   *liveblog.Post
	KeyEvents []liveblog.Post // newest first, each linked to its page
	Posts     []liveblog.Post // this page's, in the reader's order
	Order     string
	Page      int
	Pages     int
	Total     int
	// Links to the other order and to the pages before and after.
	OtherOrder   string
	Prev, Next   string // "" when there is none
	newest       []liveblog.Post
	keyEventHref map[int64]string
	url          string
}

// Load reads the blog of the story at url (its address on the site),
// or nil when the story was never live. Returns ENOTFOUND for a page of
// posts beyond the last.
func Load(ctx context.Context, st Store, article int64, url string, q Query) (*Blog, error) {
	c, err := st.Coverage(ctx, article)
	if dateline.ErrorCode(err) == dateline.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	all, err := st.Posts(ctx, article, false)
	if err != nil {
		return nil, err
	}
	b := &Blog{Coverage: c, Live: c.Live(), ArticleID: article, Order: q.Order, Page: q.Page, Total: len(all), url: url,
		keyEventHref: map[int64]string{}}
	b.Pages = max(1, (len(all)+PerPage-1)/PerPage)
	if q.Page > b.Pages {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "This live story has %d pages of posts.", b.Pages)
	}
	// newest first, as the default order and the JSON-LD read them
	b.newest = make([]liveblog.Post, len(all))
	for i, p := range all {
		b.newest[len(all)-1-i] = p
	}
	ordered := b.newest
	if q.Order == Oldest {
		ordered = all
	}
	for i, p := range ordered {
		page := i/PerPage + 1
		if p.Pinned && b.Summary == nil {
			pp := p
			b.Summary = &pp
		}
		if p.KeyEvent {
			b.keyEventHref[p.ID] = b.href(q.Order, page) + "#" + p.Anchor()
		}
	}
	for _, p := range b.newest {
		if p.KeyEvent {
			b.KeyEvents = append(b.KeyEvents, p)
		}
	}
	from := (q.Page - 1) * PerPage
	b.Posts = ordered[from:min(len(ordered), from+PerPage)]
	if q.Page > 1 {
		b.Prev = b.href(q.Order, q.Page-1)
	}
	if q.Page < b.Pages {
		b.Next = b.href(q.Order, q.Page+1)
	}
	if q.Order == Newest {
		b.OtherOrder = b.href(Oldest, 1)
	} else {
		b.OtherOrder = b.href(Newest, 1)
	}
	return b, nil
}

// href is the address of a page of posts in an order.
func (b *Blog) href(order string, page int) string {
	return Query{Order: order, Page: page}.Address(b.url) + "#posts"
}

// KeyEventHref is the address of a key event: its page and anchor.
func (b *Blog) KeyEventHref(p liveblog.Post) string { return b.keyEventHref[p.ID] }

// Newest is the newest post's id, for the page's script: 0 without posts.
func (b *Blog) Newest() int64 {
	if len(b.newest) == 0 {
		return 0
	}
	return b.newest[0].ID
}

// Modified is when the blog last changed: its newest post's time, or the
// coverage's start or end.
func (b *Blog) Modified() time.Time {
	t := b.Coverage.Start
	if b.Coverage.End.After(t) {
		t = b.Coverage.End
	}
	for _, p := range b.newest {
		if p.Updated.After(t) {
			t = p.Updated
		}
	}
	return t
}

var tags = regexp.MustCompile(`<[^>]*>`)

// Text is a post's words without markup, for the JSON-LD and headlines.
func Text(p liveblog.Post) string {
	s := tags.ReplaceAllString(p.Body, " ")
	s = strings.Join(strings.Fields(unescape(s)), " ")
	return s
}

func unescape(s string) string {
	r := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`, "&nbsp;", " ")
	return r.Replace(s)
}

type ldPosting struct {
	Type          string `json:"@type"`
	Headline      string `json:"headline"`
	ArticleBody   string `json:"articleBody"`
	DatePublished string `json:"datePublished"`
	DateModified  string `json:"dateModified"`
	URL           string `json:"url"`
	Author        *struct {
		Type string `json:"@type"`
		Name string `json:"name"`
	} `json:"author,omitempty"`
	Image string `json:"image,omitempty"`
}

// JSONLD turns the story's NewsArticle JSON-LD into a LiveBlogPosting:
// coverageStartTime, coverageEndTime once it ended, and the newest posts
// as liveBlogUpdate. imageURL makes a photo's address whole.
func (b *Blog) JSONLD(article template.JS, pageURL string, imageURL func(*dateline.Photo) string) template.JS {
	var ld map[string]any
	if err := json.Unmarshal([]byte(article), &ld); err != nil {
		return article
	}
	ld["@type"] = "LiveBlogPosting"
	ld["coverageStartTime"] = b.Coverage.Start.UTC().Format(time.RFC3339)
	if !b.Coverage.End.IsZero() {
		ld["coverageEndTime"] = b.Coverage.End.UTC().Format(time.RFC3339)
	}
	if m := b.Modified(); !m.IsZero() {
		ld["dateModified"] = m.UTC().Format(time.RFC3339)
	}
	updates := []ldPosting{}
	for _, p := range b.newest[:min(LDUpdates, len(b.newest))] {
		text := Text(p)
		if p.Kind == liveblog.KindQuote && p.QuoteBy != "" {
			text = "“" + text + "” — " + p.QuoteBy
		}
		u := ldPosting{Type: "BlogPosting", Headline: headline(text), ArticleBody: text,
			DatePublished: p.Created.UTC().Format(time.RFC3339), DateModified: p.Updated.UTC().Format(time.RFC3339),
			URL: pageURL + "#" + p.Anchor()}
		if u.Headline == "" {
			u.Headline = "Update"
		}
		if p.AuthorName != "" {
			u.Author = &struct {
				Type string `json:"@type"`
				Name string `json:"name"`
			}{"Person", p.AuthorName}
		}
		if p.Photo != nil && imageURL != nil {
			u.Image = imageURL(p.Photo)
		}
		updates = append(updates, u)
	}
	ld["liveBlogUpdate"] = updates
	out, err := json.Marshal(ld)
	if err != nil {
		return article
	}
	return template.JS(out)
}

// headline is the first words of text, at most 110 characters as search
// engines take them.
func headline(text string) string {
	r := []rune(text)
	if len(r) <= 110 {
		return text
	}
	cut := string(r[:109])
	if i := strings.LastIndexByte(cut, ' '); i > 60 {
		cut = cut[:i]
	}
	return cut + "…"
}

// Excerpt is the first words of a post, for the list of key events.
func (b *Blog) Excerpt(p liveblog.Post) string {
	text := Text(p)
	if text == "" && p.Photo != nil {
		text = p.Photo.Caption
	}
	if text == "" {
		text = p.LinkURL
	}
	r := []rune(text)
	if len(r) > 90 {
		return string(r[:89]) + "…"
	}
	return text
}
