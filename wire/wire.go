// Package wire reads the wire as a client may have it: the published
// stories its products cover, newest first, fast at any size of archive.
//
// A list never scans the archive and filters it. Each product (with the
// caller's filter) becomes a keyset walk of the best index it has, as
// dateline.ArticleFilter expresses it: a topic or person product walks
// published_tags once per topic (and person), a section product its
// sections' walk, any other the walk of all stories. Walks that are the
// same for several products are walked once, and walks without tags are
// merged into one. The walks are merged newest first on (published_at,
// id), duplicates dropped, and every candidate is decided by the one
// rule, dateline.Entitlement.Covers, on the whole article: the walks
// only choose what to look at. A walk reads in batches that grow, and a
// request reads at most a budget of rows; when a sparse product spends
// it, the page is short and its cursor says where to go on.
package wire

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"dateline"
)

// Store is what the lists read. sqlite.DB and postgres.DB satisfy it.
type Store interface {
	Articles(ctx context.Context, f dateline.ArticleFilter) ([]dateline.Article, error)
	ArticlesByID(ctx context.Context, ids []int64) ([]*dateline.Article, error)
}

// Filter narrows a list within the entitlement.
type Filter struct {
	Section string // slug
	Topic   string // slug
	Person  string // slug
	Since   time.Time
	Before  *dateline.Cursor
	Limit   int // 1..100
}

// Page is one page of a list.
type Page struct {
	Items []*dateline.Article // whole articles, newest first
	// Next is where the next page starts; nil at the end. A page may
	// hold fewer than Limit items and still have a next one, when a
	// sparse product spent the request's budget of rows.
	Next *dateline.Cursor
}

// Tuning of the walks.
const (
	// maxTagWalks is how many topic-and-person walks one product may
	// have; beyond it the product walks its sections (or all stories).
	maxTagWalks = 8
	// maxBatch is the largest batch of one walk (dateline's list cap).
	maxBatch = 200
)

// rowBudget is how many rows one request reads from its walks at most
// after each has read its first batch (a variable for the tests).
var rowBudget = 4000

// walk is one keyset walk and where it stands.
type walk struct {
	f     dateline.ArticleFilter
	buf   []dateline.Article
	batch int
	done  bool // it has no more rows
}

// List is the page of the published stories the products cover that f
// selects, newest first. An empty list of products covers nothing.
func List(ctx context.Context, st Store, products []dateline.Product, f Filter) (Page, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	e := dateline.Entitlement{Products: products}
	walks := plan(products, f)
	// The first batch of each walk is its share of a page, as if the
	// walks took turns, doubled; a walk that runs dry reads twice as
	// much again.
	first := min(f.Limit+1, max(8, 2*f.Limit/max(len(walks), 1)+1))
	for _, w := range walks {
		w.f.Since, w.f.Before, w.batch = f.Since, f.Before, first
	}
	// The walks' first reads go at once: each is one indexed query, and
	// a page needs them all before it can pop its first story.
	if err := readFirst(ctx, st, walks); err != nil {
		return Page{}, err
	}
	page := Page{Items: []*dateline.Article{}}
	var (
		last       *dateline.Cursor // the last key popped
		candidates []int64
		budget     = rowBudget
	)
	// resolve reads the candidates whole and keeps those the entitlement
	// covers and that are still published.
	resolve := func() error {
		if len(candidates) == 0 {
			return nil
		}
		full, err := st.ArticlesByID(ctx, candidates)
		if err != nil {
			return err
		}
		for _, a := range full {
			if a.Status == dateline.StatusPublished && e.Covers(a) {
				page.Items = append(page.Items, a)
			}
		}
		candidates = candidates[:0]
		return nil
	}
	for {
		if len(page.Items)+len(candidates) >= f.Limit {
			if err := resolve(); err != nil {
				return Page{}, err
			}
			if len(page.Items) >= f.Limit {
				break
			}
		}
		// Refill the walks that ran dry, within the budget.
		spent := false
		for _, w := range walks {
			if len(w.buf) > 0 || w.done {
				continue
			}
			if budget <= 0 {
				spent = true
				break
			}
			n := min(w.batch, maxBatch, budget)
			if err := w.next(ctx, st, n); err != nil {
				return Page{}, err
			}
			budget -= n
		}
		if spent {
			break
		}
		// Pop the newest head.
		var top *walk
		for _, w := range walks {
			if len(w.buf) > 0 && (top == nil || newer(&w.buf[0], &top.buf[0])) {
				top = w
			}
		}
		if top == nil {
			// Every walk is done: this is the last page.
			if err := resolve(); err != nil {
				return Page{}, err
			}
			return page, nil
		}
		a := &top.buf[0]
		top.buf = top.buf[1:]
		key := dateline.Cursor{Time: a.PublishedAt, ID: a.ID}
		if last != nil && key.ID == last.ID && key.Time.Equal(last.Time) {
			continue // another walk's copy
		}
		last = &key
		if mayCover(products, a) {
			candidates = append(candidates, a.ID)
		}
	}
	if err := resolve(); err != nil {
		return Page{}, err
	}
	page.Next = last
	return page, nil
}

// next reads the walk's next n rows; it goes on after its last row,
// which is popped before it reads again.
func (w *walk) next(ctx context.Context, st Store, n int) error {
	wf := w.f
	wf.Limit = n
	rows, err := st.Articles(ctx, wf)
	if err != nil {
		return err
	}
	w.buf, w.batch, w.done = rows, min(w.batch*2, maxBatch), len(rows) < n
	if len(rows) > 0 {
		c := dateline.Cursor{Time: rows[len(rows)-1].PublishedAt, ID: rows[len(rows)-1].ID}
		w.f.Before = &c
	}
	return nil
}

// readFirst reads every walk's first batch, four at a time.
func readFirst(ctx context.Context, st Store, walks []*walk) error {
	sem := make(chan struct{}, 4)
	errs := make(chan error, len(walks))
	var wg sync.WaitGroup
	for _, w := range walks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			errs <- w.next(ctx, st, w.batch)
			<-sem
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// newer reports whether a comes before b newest first.
func newer(a, b *dateline.Article) bool {
	return cmp.Or(a.PublishedAt.Compare(b.PublishedAt), cmp.Compare(a.ID, b.ID)) > 0
}

// mayCover reports whether a product may take a listed article, whose
// tags the list does not carry: Covers with its topics and persons taken
// as matching. The whole article is decided by Covers after.
func mayCover(products []dateline.Product, a *dateline.Article) bool {
	for _, p := range products {
		p.Topics, p.Persons = nil, nil
		if p.Covers(a) {
			return true
		}
	}
	return false
}

// plan is the walks of the products with the caller's filter: one per
// (topic, person) pair that some product walks, with the union of the
// sections of the products that walk it (none: any), and one walk of the
// sections of every product that walks no tag.
func plan(products []dateline.Product, f Filter) []*walk {
	type key struct{ topic, person string }
	type arm struct {
		sections []string
		any      bool // some product in it takes every section
	}
	arms := map[key]*arm{}
	var order []key
	for _, p := range products {
		if f.Section != "" && len(p.Sections) > 0 && !slices.Contains(p.Sections, f.Section) {
			continue // the product has nothing in the asked section
		}
		topics, persons := tagWalks(p.Topics, f.Topic), tagWalks(p.Persons, f.Person)
		if len(topics)*len(persons) > maxTagWalks {
			// Too many walks: walk the smaller dimension, or none.
			switch {
			case len(topics) <= maxTagWalks && (f.Person == "" || len(persons) == 1):
				persons = tagWalks(nil, f.Person)
			case len(persons) <= maxTagWalks && f.Topic == "":
				topics = tagWalks(nil, f.Topic)
			default:
				topics, persons = tagWalks(nil, f.Topic), tagWalks(nil, f.Person)
			}
		}
		secs := p.Sections
		if f.Section != "" {
			secs = []string{f.Section}
		}
		for _, t := range topics {
			for _, pe := range persons {
				k := key{t, pe}
				a := arms[k]
				if a == nil {
					a = &arm{}
					arms[k] = a
					order = append(order, k)
				}
				if len(secs) == 0 {
					a.any = true
				}
				a.sections = append(a.sections, secs...)
			}
		}
	}
	walks := make([]*walk, 0, len(order))
	for _, k := range order {
		a := arms[k]
		f := dateline.ArticleFilter{Topic: k.topic, Person: k.person}
		if !a.any {
			slices.Sort(a.sections)
			f.Sections = slices.Compact(a.sections)
		}
		walks = append(walks, &walk{f: f})
	}
	return walks
}

// tagWalks are the tags a product walks in one dimension: the caller's
// (the item must have it anyway), else each of the product's, else none
// ("" walks no tag).
func tagWalks(tags []string, asked string) []string {
	if asked != "" {
		return []string{asked}
	}
	if len(tags) == 0 {
		return []string{""}
	}
	return tags
}
