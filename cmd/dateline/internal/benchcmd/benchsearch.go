package benchcmd

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"slices"
	"time"

	"dateline"
	"dateline/cmd/dateline/internal/clientcmd"
	"dateline/search"
)

// RunSearch is "dateline bench-search": search's latency on the database
// that opener's flags name.
func RunSearch(ctx context.Context, args []string, opener clientcmd.Opener, stdout, stderr io.Writer) error {
	var n int
	var seed int64
	var reindex bool
	fs := newFlagSet("bench-search", "Usage: dateline bench-search [flags]\n\nMeasures search on the database the flags name (fill it first, for example\nwith \"dateline gen --articles 1000000\"): the median, 99th percentile and\nworst latency of 1-, 2- and 3-word queries, each with and without a section\nfilter, and of phrase queries, taken from the headlines of random stored\nstories as readers search for what they remember. It prints the size of the\nsearch index and, with --reindex, how long rebuilding it takes.")
	open := opener(fs)
	fs.IntVar(&n, "queries", 200, "queries of each kind")
	fs.Int64Var(&seed, "seed", 1, "random seed for choosing queries")
	fs.BoolVar(&reindex, "reindex", false, "first rebuild the whole index and report the time")
	if err := parse(fs, args, stdout, stderr, false); err != nil {
		return err
	}
	if n < 1 || n > 100000 {
		return usagef("--queries must be between 1 and 100000")
	}
	store, err := open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	total, err := store.CountArticles(ctx, dateline.StatusPublished)
	if err != nil {
		return err
	}
	if total == 0 {
		return usagef("the database has no published articles; run dateline gen first")
	}
	fmt.Fprintf(stdout, "%d published articles\n", total)
	if reindex {
		start := time.Now()
		if err := store.Reindex(ctx); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "index rebuilt in %s\n", time.Since(start).Round(time.Millisecond))
	}
	if b, err := store.SearchIndexSize(ctx); err == nil {
		fmt.Fprintf(stdout, "search index: %.1f MiB\n", float64(b)/(1<<20))
	}

	rng := rand.New(rand.NewSource(seed))
	sections, err := store.Sections(ctx)
	if err != nil {
		return err
	}
	maxID := int64(total) * 2
	// Headline words of random stories, as readers type them.
	pick := func(words int) (string, string) {
		for {
			a, err := store.Article(ctx, 1+rng.Int63n(maxID))
			if err != nil || a.Status != dateline.StatusPublished {
				continue
			}
			if q, ok := headlineQuery(rng, a.Headline, words); ok {
				return q, a.Section
			}
		}
	}
	fmt.Fprintf(stdout, "%-20s %8s %8s %8s %10s\n", "query", "p50", "p99", "max", "avg hits")
	for _, k := range searchKinds {
		var took []time.Duration
		hits := 0
		for range n {
			q, sec := pick(k.words)
			if k.phrase {
				q = `"` + q + `"`
			}
			if k.section && rng.Intn(2) == 0 {
				sec = sections[rng.Intn(len(sections))].Slug
			}
			pq, err := search.Parse(q)
			if err != nil {
				return err
			}
			f := dateline.SearchFilter{Must: pq.Must, Not: pq.Not, Limit: 20, Now: time.Now()}
			if k.section {
				f.Sections = []string{sec}
			}
			start := time.Now()
			res, err := store.Search(ctx, f)
			if err != nil {
				return fmt.Errorf("%q: %w", q, err)
			}
			took = append(took, time.Since(start))
			hits += res.Total
		}
		slices.Sort(took)
		p := func(q float64) string {
			return fmt.Sprintf("%.1fms", float64(took[min(len(took)-1, int(q*float64(len(took))))])/1e6)
		}
		fmt.Fprintf(stdout, "%-20s %8s %8s %8s %10d\n", k.name, p(0.5), p(0.99), p(1), hits/n)
	}
	return nil
}
