package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"dateline"
	"dateline/demo"
)

func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var sf storeFlags
	var n, days, batch int
	var seed int64
	fs := newFlagSet("gen", "Usage: dateline gen --articles N [flags]\n\nGenerates N published articles for load tests: log-normal lengths, Zipf word\nfrequencies from the demo's vocabulary, weighted sections, topics, persons and\ndates spread over --days. The same seed makes the same articles; running it\nagain with the same seed changes nothing.")
	sf.register(fs)
	fs.IntVar(&n, "articles", 0, "how many articles (required)")
	fs.IntVar(&days, "days", 0, "spread them over this many days before now (default: enough for about 300 a day, at least 14)")
	fs.Int64Var(&seed, "seed", 1, "random seed")
	fs.IntVar(&batch, "batch", 1000, "articles per transaction")
	if err := parse(fs, args, stdout, stderr, false); err != nil {
		return err
	}
	if n < 1 || n > 50_000_000 {
		return usagef("--articles must be between 1 and 50000000")
	}
	if days == 0 {
		days = max(14, n/300)
	}
	if days < 1 || batch < 1 {
		return usagef("--days and --batch must be positive")
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	written, err := generate(ctx, store, n, days, batch, seed, time.Now(), newProgress(stderr, "gen", int64(n)))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d articles generated in %s\n", written, time.Since(start).Round(time.Millisecond))
	return nil
}

// generate writes n generated articles in batches.
func generate(ctx context.Context, store dateline.Store, n, days, batch int, seed int64, now time.Time, bar *progress) (int, error) {
	g, err := demo.NewGenerator(seed, now, days, n)
	if err != nil {
		return 0, err
	}
	as := make([]*dateline.Article, 0, batch)
	done := 0
	for i := range n {
		as = append(as, g.Article(i))
		if len(as) == batch || i == n-1 {
			if err := ctx.Err(); err != nil {
				return done, err
			}
			if _, err := store.UpsertArticles(ctx, as, now); err != nil {
				return done, err
			}
			done += len(as)
			as = as[:0]
			if bar != nil {
				bar.set(int64(done), fmt.Sprintf("%d articles", done))
			}
		}
	}
	if bar != nil {
		bar.done()
	}
	return done, nil
}
