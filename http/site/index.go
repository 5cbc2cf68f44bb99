package site

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"dateline"
	"dateline/http/site/kit"
	"dateline/http/web"
)

// Index pages: /topics/, /persons/ and /stories/ list the topics, persons
// and running stories that have published stories, alphabetically by
// address, a page at a time. They depend on everything (no precise deps).

// indexPageSize is how many entries one index page lists.
const indexPageSize = 200

// indexEntry is one line of an index page.
type indexEntry struct {
	Href, Name string
	Count      int       // stories, when known
	Latest     time.Time // the newest publication, when known
}

type indexPage struct {
	*kit.Base
	Heading string
	Kind    string // "topics", "persons" or "stories"
	Entries []indexEntry
	More    string // the next page's address, or ""
}

func (s *Pages) handleTopicIndex(w http.ResponseWriter, r *http.Request) {
	s.indexPage(w, r, "topics", "Topics", func(ctx context.Context, lang string) ([]indexEntry, error) {
		return s.tagIndex(ctx, dateline.TagTopic, dateline.EditionPath(lang)+"/topics/")
	})
}

func (s *Pages) handlePersonIndex(w http.ResponseWriter, r *http.Request) {
	s.indexPage(w, r, "persons", "Persons", func(ctx context.Context, lang string) ([]indexEntry, error) {
		return s.tagIndex(ctx, dateline.TagPerson, dateline.EditionPath(lang)+"/persons/")
	})
}

func (s *Pages) handleStoryIndex(w http.ResponseWriter, r *http.Request) {
	s.indexPage(w, r, "stories", "Running stories", s.storyIndex)
}

// indexPage serves one page of an index: the entries list reads, sorted
// by address, from the one after ?after=.
func (s *Pages) indexPage(w http.ResponseWriter, r *http.Request, kind, heading string, list func(context.Context, string) ([]indexEntry, error)) {
	lang, q, ok := s.editionQuery(w, r)
	if !ok {
		return
	}
	after := q.Get("after")
	if len(after) > 200 || !web.ValidText(after) {
		s.Error(w, r, dateline.Errorf(dateline.EINVALID, "The page's cursor is not valid; use the link from the previous page."))
		return
	}
	z := s.Zone(r)
	s.ServePage(w, r, web.Key{Kind: "index-" + kind, A: after, Zone: z.Key()}, func(ctx context.Context) (*web.Page, error) {
		all, err := list(ctx, lang)
		if err != nil {
			return nil, err
		}
		d := indexPage{Heading: translate(lang, heading), Kind: kind}
		d.Entries, d.More = indexSlice(all, after)
		if d.More != "" {
			d.More = dateline.EditionPath(lang) + "/" + kind + "/?after=" + url.QueryEscape(d.More)
		}
		v := s.NewBase(r, d.Heading)
		d.Base = v
		v.Canonical = dateline.EditionPath(lang) + "/" + kind + "/"
		v.Description = translate(lang, "%s: news", d.Heading)
		if after != "" {
			v.Robots = "noindex, follow"
		}
		return s.HTMLPage("index", d, http.StatusOK, s.LastModified())
	})
}

// indexSlice is the page of entries (sorted by Href) after the entry
// whose last path segment is after, and the cursor of the next page.
func indexSlice(all []indexEntry, after string) (page []indexEntry, next string) {
	start := 0
	if after != "" {
		start, _ = slices.BinarySearchFunc(all, after, func(e indexEntry, a string) int {
			return cmp.Compare(lastSegment(e.Href), a)
		})
		if start < len(all) && lastSegment(all[start].Href) == after {
			start++
		}
	}
	end := min(start+indexPageSize, len(all))
	page = all[start:end]
	if end < len(all) {
		next = lastSegment(all[end-1].Href)
	}
	return page, next
}

func lastSegment(href string) string { return href[strings.LastIndexByte(href, '/')+1:] }

// tagIndex is every topic or person with published stories, by slug.
func (s *Pages) tagIndex(ctx context.Context, kind, base string) ([]indexEntry, error) {
	last, err := s.store.LastTagID(ctx, kind)
	if err != nil {
		return nil, err
	}
	const step = 50000
	var out []indexEntry
	for after := int64(0); after < last; after += step {
		tags, err := s.store.SitemapTags(ctx, kind, after, step)
		if err != nil {
			return nil, err
		}
		for _, t := range tags {
			out = append(out, indexEntry{Href: base + t.Slug, Name: t.Name, Latest: t.Modified})
		}
	}
	sortIndex(out)
	return out, nil
}

// storyIndex is every running story with published articles, by slug,
// with how many it has.
func (s *Pages) storyIndex(ctx context.Context, lang string) ([]indexEntry, error) {
	list, err := s.store.Stories(ctx)
	if err != nil {
		return nil, err
	}
	var out []indexEntry
	for _, st := range list {
		full, err := s.store.Story(ctx, st.Slug)
		if err != nil {
			return nil, err
		}
		if len(full.Articles) == 0 {
			continue
		}
		out = append(out, indexEntry{Href: dateline.EditionPath(lang) + "/stories/" + st.Slug, Name: st.Title,
			Count: len(full.Articles), Latest: full.Articles[0].PublishedAt})
	}
	sortIndex(out)
	return out, nil
}

func sortIndex(es []indexEntry) {
	slices.SortFunc(es, func(a, b indexEntry) int { return cmp.Compare(lastSegment(a.Href), lastSegment(b.Href)) })
}
