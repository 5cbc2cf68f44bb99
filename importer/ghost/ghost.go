// Package ghost reads the JSON file Ghost's export (Settings → Labs →
// Export, or the Admin API's db endpoint) writes into an importer.Export:
// posts and pages with their tags (the first, by sort_order, is the
// primary tag, which chooses the section), authors, feature images with
// their alt text and caption, and their HTML (rendered here from Lexical
// or mobiledoc when the export holds no html).
package ghost

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"dateline"
	"dateline/importer"
	"dateline/redirect"
)

type export struct {
	DB   []database `json:"db"`
	Data *data      `json:"data"` // exports of Ghost before 1.0 have no db list
}

type database struct {
	Data data `json:"data"`
}

type data struct {
	Posts        []post     `json:"posts"`
	Tags         []tag      `json:"tags"`
	PostsTags    []relation `json:"posts_tags"`
	Users        []user     `json:"users"`
	PostsAuthors []relation `json:"posts_authors"`
	PostsMeta    []postMeta `json:"posts_meta"`
}

// id reads an identifier (or a time) that is a string (Ghost 1.0 and
// later) or a number (before).
type id string

func (i *id) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*i = id(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("an id is neither a string nor a number")
	}
	*i = id(n.String())
	return nil
}

type post struct {
	ID           id      `json:"id"`
	UUID         string  `json:"uuid"`
	Title        string  `json:"title"`
	Slug         string  `json:"slug"`
	HTML         *string `json:"html"`
	Lexical      *string `json:"lexical"`
	Mobiledoc    *string `json:"mobiledoc"`
	FeatureImage *string `json:"feature_image"`
	Type         string  `json:"type"`
	Page         any     `json:"page"` // before Ghost 4: true or 1 for a page
	Status       string  `json:"status"`
	Excerpt      *string `json:"custom_excerpt"`
	PublishedAt  *id     `json:"published_at"` // a number (milliseconds) before Ghost 1.0
	UpdatedAt    *id     `json:"updated_at"`
	CreatedAt    *id     `json:"created_at"`
	AuthorID     *id     `json:"author_id"` // before Ghost 1.22
}

type tag struct {
	ID   id     `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

type relation struct {
	PostID    id  `json:"post_id"`
	TagID     id  `json:"tag_id"`
	AuthorID  id  `json:"author_id"`
	SortOrder int `json:"sort_order"`
}

type user struct {
	ID   id     `json:"id"`
	Name string `json:"name"`
}

type postMeta struct {
	PostID  id      `json:"post_id"`
	Alt     *string `json:"feature_image_alt"`
	Caption *string `json:"feature_image_caption"`
}

// Parse reads a Ghost export. Errors say, in one line, why the file is
// not one.
func Parse(r io.Reader) (*importer.Export, error) {
	var ex export
	dec := json.NewDecoder(r)
	if err := dec.Decode(&ex); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("not a Ghost export: not valid JSON at byte %d: %s", se.Offset, se.Error())
		case errors.As(err, &te):
			return nil, fmt.Errorf("not a Ghost export: %s holds a %s where Ghost writes a %s", te.Field, te.Value, te.Type)
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			return nil, errors.New("not a Ghost export: the file ends before its JSON does")
		}
		return nil, fmt.Errorf("not a Ghost export: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	var d *data
	switch {
	case len(ex.DB) > 0:
		d = &ex.DB[0].Data
	case ex.Data != nil:
		d = ex.Data
	default:
		return nil, errors.New(`not a Ghost export: no "db" list with "data" in the file`)
	}
	if d.Posts == nil {
		return nil, errors.New(`not a Ghost export: its data has no "posts"`)
	}
	out := &importer.Export{Source: "ghost", TagBase: "/tag/"}
	tags := map[id]importer.Term{}
	for _, t := range d.Tags {
		if internal(t) {
			continue
		}
		term := importer.Term{Slug: slug(t.Slug), Name: strings.TrimSpace(t.Name)}
		tags[t.ID] = term
		if term.Slug != "" {
			out.Tags = append(out.Tags, term)
		}
	}
	users := map[id]string{}
	for _, u := range d.Users {
		users[u.ID] = strings.TrimSpace(u.Name)
	}
	postTags := byPost(d.PostsTags)
	postAuthors := byPost(d.PostsAuthors)
	meta := map[id]postMeta{}
	for _, m := range d.PostsMeta {
		meta[m.PostID] = m
	}
	for _, gp := range d.Posts {
		p := importer.Post{Kind: "post", Title: gp.Title, Excerpt: str(gp.Excerpt)}
		if gp.Type == "page" || gp.Page == true || gp.Page == float64(1) {
			p.Kind = "page"
		}
		switch {
		case gp.UUID != "":
			p.Key = "ghost:" + gp.UUID
		case gp.ID != "":
			p.Key = "ghost:post:" + string(gp.ID)
		}
		switch gp.Status {
		case "published":
			p.Status = dateline.StatusPublished
		case "scheduled":
			p.Status = dateline.StatusScheduled
		case "draft":
			p.Status = dateline.StatusDraft
		case "sent":
			p.Skip = "sent by email only"
		default:
			p.Skip = "status " + cut(gp.Status, 20)
		}
		p.Published = ghostTime(stamp(gp.PublishedAt))
		p.Modified = ghostTime(stamp(gp.UpdatedAt))
		if p.Modified.IsZero() {
			p.Modified = ghostTime(stamp(gp.CreatedAt))
		}
		for i, rel := range postTags[gp.ID] {
			t, ok := tags[rel.TagID]
			if !ok || t.Slug == "" {
				continue
			}
			if i == 0 {
				p.Categories = append(p.Categories, t) // the primary tag
			}
			p.Tags = append(p.Tags, t)
		}
		for _, rel := range postAuthors[gp.ID] {
			if n := users[rel.AuthorID]; n != "" {
				p.Authors = append(p.Authors, n)
			}
		}
		if len(p.Authors) == 0 && gp.AuthorID != nil && users[*gp.AuthorID] != "" {
			p.Authors = append(p.Authors, users[*gp.AuthorID])
		}
		switch {
		case gp.HTML != nil && strings.TrimSpace(*gp.HTML) != "":
			p.HTML = *gp.HTML
		case gp.Lexical != nil && *gp.Lexical != "":
			p.HTML = Lexical(*gp.Lexical)
		case gp.Mobiledoc != nil && *gp.Mobiledoc != "":
			p.HTML = Mobiledoc(*gp.Mobiledoc)
		}
		p.HTML = local(p.HTML)
		if img := local(str(gp.FeatureImage)); img != "" {
			m := meta[gp.ID]
			p.Featured = &importer.Image{Key: "ghost:image:" + img, URL: img, Alt: str(m.Alt), Caption: str(m.Caption)}
		}
		if s := slug(gp.Slug); s != "" {
			if k := redirect.Key("/"+s+"/", nil); k != "" {
				p.OldPaths = append(p.OldPaths, k)
			}
		}
		out.Posts = append(out.Posts, p)
	}
	return out, nil
}

// internal reports Ghost's internal tags (#name), which are for themes,
// not readers.
func internal(t tag) bool {
	return strings.HasPrefix(t.Name, "#") || strings.HasPrefix(t.Slug, "hash-")
}

func byPost(rels []relation) map[id][]relation {
	m := map[id][]relation{}
	for _, r := range rels {
		m[r.PostID] = append(m[r.PostID], r)
	}
	for _, list := range m {
		sort.SliceStable(list, func(i, j int) bool { return list[i].SortOrder < list[j].SortOrder })
	}
	return m
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func stamp(i *id) string {
	if i == nil {
		return ""
	}
	return string(*i)
}

func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func slug(s string) string {
	s = strings.TrimSpace(s)
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	return strings.ToLower(s)
}

// local drops Ghost's placeholder for the site's own address
// (__GHOST_URL__), leaving the path (/content/images/...), which the
// pictures are found by in the content folder.
func local(s string) string { return strings.ReplaceAll(s, "__GHOST_URL__", "") }

// ghostTime reads Ghost's times: ISO 8601 in UTC ("2020-01-01T10:00:00.000Z"),
// or "2020-01-01 10:00:00" (UTC) in old exports; zero otherwise.
func ghostTime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1970 && t.Year() <= 9999 {
			return t.UTC()
		}
	}
	// Ghost before 1.0 wrote milliseconds since 1970.
	var ms int64
	if _, err := fmt.Sscan(s, &ms); err == nil && ms > 0 && ms < 253402300800000 {
		return time.UnixMilli(ms).UTC()
	}
	return time.Time{}
}
