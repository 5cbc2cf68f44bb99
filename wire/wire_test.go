package wire

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"dateline"
	"dateline/internal/pgtest"
	"dateline/postgres"
	"dateline/sqlite"
)

var ctx = context.Background()

// engines runs fn on SQLite, and on PostgreSQL when DATELINE_TEST_POSTGRES
// names a server (or DATELINE_TEST_ENGINE=postgres).
func engines(t *testing.T, fn func(t *testing.T, s dateline.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "dateline.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		fn(t, db)
	})
	if os.Getenv("DATELINE_TEST_POSTGRES") == "" && os.Getenv("DATELINE_TEST_ENGINE") != "postgres" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true needs DATELINE_TEST_POSTGRES")
		}
		return
	}
	t.Run("postgres", func(t *testing.T) {
		db, err := postgres.Open(ctx, pgtest.Schema(t), postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		fn(t, db)
	})
}

var (
	sections = []string{"politics", "world", "economy", "sport", "science"}
	topics   = []string{"war", "budget", "oil", "chess", "space", "rare"}
	persons  = []string{"anna-k", "ivan-p", "li-wei"}
)

// fill stores n random published stories, a minute apart (several at the
// same second, so that ids break ties), and returns them whole.
func fill(t testing.TB, s dateline.Store, r *rand.Rand, n int) []*dateline.Article {
	t.Helper()
	for _, sec := range dateline.DefaultSections {
		if err := s.SaveSection(ctx, &sec); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var batch []*dateline.Article
	for i := range n {
		if r.IntN(4) != 0 {
			at = at.Add(time.Minute)
		}
		a := &dateline.Article{URI: "urn:w:" + strconv.Itoa(i), Section: sections[r.IntN(len(sections))], Lang: "en",
			Status: dateline.StatusPublished, Headline: "Story " + strconv.Itoa(i), Pages: []string{"<p>x</p>"},
			Urgency: r.IntN(10), PublishedAt: at, SourceVersion: at}
		if r.IntN(2) == 0 {
			a.Lang = "ru"
		}
		for _, tp := range topics {
			if tp == "rare" && r.IntN(40) == 0 || tp != "rare" && r.IntN(4) == 0 {
				a.Topics = append(a.Topics, dateline.Topic{Slug: tp, Name: tp})
			}
		}
		for _, p := range persons {
			if r.IntN(4) == 0 {
				a.Persons = append(a.Persons, dateline.Person{Slug: p, Name: p})
			}
		}
		if r.IntN(3) == 0 {
			a.Photo = &dateline.Photo{URI: "urn:p:" + strconv.Itoa(i), Remote: "https://img.example/" + strconv.Itoa(i) + ".jpg", Width: 10, Height: 10}
		}
		batch = append(batch, a)
		if len(batch) == 200 || i == n-1 {
			if _, err := s.UpsertArticles(ctx, batch, at); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	var ids []int64
	for i := range n {
		a, err := s.ArticleByURI(ctx, "urn:w:"+strconv.Itoa(i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	var all []*dateline.Article
	for len(ids) > 0 {
		k := min(len(ids), 500)
		part, err := s.ArticlesByID(ctx, ids[:k])
		if err != nil {
			t.Fatal(err)
		}
		all, ids = append(all, part...), ids[k:]
	}
	return all
}

// randomProduct draws a product; some are sparse (flashes, a rare topic).
func randomProduct(r *rand.Rand) dateline.Product {
	pick := func(from []string, chance int) []string {
		var out []string
		for _, s := range from {
			if r.IntN(chance) == 0 {
				out = append(out, s)
			}
		}
		return out
	}
	p := dateline.Product{Sections: pick(sections, 3), Topics: pick(topics, 4), Persons: pick(persons, 5),
		Langs: pick([]string{"en", "ru"}, 3), Kinds: pick(dateline.ItemKinds, 4)}
	if r.IntN(3) == 0 {
		p.MaxUrgency = 1 + r.IntN(9)
	}
	return p
}

// truth is what List must give: the covered stories f selects, newest
// first.
func truth(all []*dateline.Article, products []dateline.Product, f Filter) []int64 {
	e := dateline.Entitlement{Products: products}
	var out []*dateline.Article
	for _, a := range all {
		if !e.Covers(a) || f.Section != "" && a.Section != f.Section || !f.Since.IsZero() && a.PublishedAt.Before(f.Since) ||
			f.Topic != "" && !slices.ContainsFunc(a.Topics, func(t dateline.Topic) bool { return t.Slug == f.Topic }) ||
			f.Person != "" && !slices.ContainsFunc(a.Persons, func(p dateline.Person) bool { return p.Slug == f.Person }) {
			continue
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *dateline.Article) int {
		if c := b.PublishedAt.Compare(a.PublishedAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	ids := []int64{}
	for _, a := range out {
		ids = append(ids, a.ID)
	}
	return ids
}

// all pages through List to the end.
func all(t *testing.T, s dateline.Store, products []dateline.Product, f Filter) []int64 {
	t.Helper()
	ids := []int64{}
	for pages := 0; ; pages++ {
		if pages > 2000 {
			t.Fatal("no end of pages")
		}
		p, err := List(ctx, s, products, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) > f.Limit {
			t.Fatalf("a page of %d items, limit %d", len(p.Items), f.Limit)
		}
		for _, a := range p.Items {
			ids = append(ids, a.ID)
		}
		if p.Next == nil {
			return ids
		}
		f.Before = p.Next
	}
}

// TestList compares every page of List, for random sets of products and
// filters, with the covered stories worked out one by one, with the
// normal row budget and with a small one (short pages that go on).
func TestList(t *testing.T) {
	engines(t, func(t *testing.T, s dateline.Store) {
		seed := uint64(time.Now().UnixNano())
		t.Logf("seed %d", seed)
		r := rand.New(rand.NewPCG(seed, 7))
		stories := fill(t, s, r, 600)
		for round := range 40 {
			n := 1 + r.IntN(6)
			if round%10 == 0 {
				n = 20
			}
			products := make([]dateline.Product, n)
			for i := range products {
				products[i] = randomProduct(r)
			}
			f := Filter{Limit: 1 + r.IntN(30)}
			switch r.IntN(5) {
			case 1:
				f.Section = sections[r.IntN(len(sections))]
			case 2:
				f.Topic = topics[r.IntN(len(topics))]
			case 3:
				f.Person = persons[r.IntN(len(persons))]
			case 4:
				f.Since = stories[r.IntN(len(stories))].PublishedAt
			}
			want := truth(stories, products, f)
			if got := all(t, s, products, f); !slices.Equal(got, want) {
				t.Fatalf("round %d, %+v, filter %+v:\ngot  %v\nwant %v", round, products, f, got, want)
			}
			rowBudget = 30
			got := all(t, s, products, f)
			rowBudget = 4000
			if !slices.Equal(got, want) {
				t.Fatalf("round %d with a small budget: got %d stories, want %d", round, len(got), len(want))
			}
		}
		if p, err := List(ctx, s, nil, Filter{}); err != nil || len(p.Items) != 0 || p.Next != nil {
			t.Errorf("no products: %+v, %v", p, err)
		}
	})
}

// TestPlan checks that walks are shared and merged.
func TestPlan(t *testing.T) {
	ps := []dateline.Product{
		{Sections: []string{"sport"}},
		{Sections: []string{"world", "sport"}, MaxUrgency: 2},
		{Topics: []string{"war", "oil"}, Sections: []string{"world"}},
		{Topics: []string{"war"}},
		{Topics: []string{"a", "b", "c"}, Persons: []string{"x", "y", "z"}}, // 9 pairs: topics only
	}
	var got []string
	for _, w := range plan(ps, Filter{}) {
		got = append(got, fmt.Sprintf("%q %q %v", w.f.Topic, w.f.Person, w.f.Sections))
	}
	want := []string{`"" "" [sport world]`, `"war" "" []`, `"oil" "" [world]`, `"a" "" []`, `"b" "" []`, `"c" "" []`}
	if !slices.Equal(got, want) {
		t.Errorf("plan:\n%v\nwant\n%v", got, want)
	}
	if w := plan(ps, Filter{Section: "economy"}); len(w) != 4 { // war (product 4), a, b, c
		t.Errorf("products without economy still walk: %d walks", len(w))
	}
}
