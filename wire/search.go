package wire

import (
	"cmp"
	"context"
	"slices"
	"time"

	"dateline"
	"dateline/search"
)

// SearchStore is what Search reads.
type SearchStore interface {
	Search(ctx context.Context, f dateline.SearchFilter) (dateline.SearchResult, error)
	ArticlesByID(ctx context.Context, ids []int64) ([]*dateline.Article, error)
}

// SearchPage is how many hits one search page reads before the
// entitlement's filter: a page may show fewer items than that.
const SearchPage = 50

// Searched is one page of a search within an entitlement.
type Searched struct {
	Items []*dateline.Article // whole, published, covered; newest first
	// Next is the From of the next page; 0 when there is none.
	Next int
}

// Search finds published stories by words (search.Parse's syntax), newest
// first, a page of hits from the newest dateline.SearchDateDepth matches
// at a time (from is how many hits come before the page), in section when
// given, and keeps those e covers, read whole: a search never shows one
// item more than the list would. Returns EINVALID for words that are not
// a search or a from out of range.
func Search(ctx context.Context, st SearchStore, e *dateline.Entitlement, words, section string, from int, now time.Time) (Searched, error) {
	pq, err := search.Parse(words)
	if err != nil {
		return Searched{}, dateline.Errorf(dateline.EINVALID, "Search for words, \"exact phrases\" or -excluded words.")
	}
	if len(pq.Must) == 0 {
		return Searched{}, dateline.Errorf(dateline.EINVALID, "Search for at least one word.")
	}
	if from < 0 || from >= dateline.SearchDateDepth {
		return Searched{}, dateline.Errorf(dateline.EINVALID, "A search shows its newest %d matches; start again from the newest.", dateline.SearchDateDepth)
	}
	if len(e.Products) == 0 {
		return Searched{}, nil
	}
	sf := dateline.SearchFilter{Must: pq.Must, Not: pq.Not, ByDate: true, Offset: from, Limit: SearchPage, Now: now}
	if section != "" {
		sf.Sections = []string{section}
	}
	res, err := st.Search(ctx, sf)
	if err != nil {
		return Searched{}, err
	}
	ids := make([]int64, 0, len(res.Hits))
	for _, hit := range res.Hits {
		ids = append(ids, hit.Article.ID)
	}
	full, err := st.ArticlesByID(ctx, ids)
	if err != nil {
		return Searched{}, err
	}
	full = slices.DeleteFunc(full, func(a *dateline.Article) bool { return a.Status != dateline.StatusPublished || !e.Covers(a) })
	// In the order of the hits: newest first.
	order := make(map[int64]int, len(ids))
	for i, id := range ids {
		order[id] = i
	}
	slices.SortStableFunc(full, func(a, b *dateline.Article) int { return cmp.Compare(order[a.ID], order[b.ID]) })
	out := Searched{Items: full}
	if len(res.Hits) == SearchPage && from+SearchPage < dateline.SearchDateDepth {
		out.Next = from + SearchPage
	}
	return out, nil
}
