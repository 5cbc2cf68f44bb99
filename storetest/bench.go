package storetest

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"dateline"
)

// Bench sizes for BenchReadership: the engines' benchmarks generate this
// many articles, published over the year before BenchNow, one every
// 31.536 seconds with ids in that order, and this many views over the
// week before it.
const (
	BenchArticles = 1_000_000
	BenchViews    = 10_000_000
)

// BenchSections are the default sections and a ninth, "quiet", which
// has no articles.
func BenchSections() []dateline.Section {
	return append(slices.Clone(dateline.DefaultSections), dateline.Section{Slug: "quiet", Name: "Quiet", Position: 9})
}

// BenchNow is when the generated windows were last expired.
var BenchNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// BenchTopics is how many topics the generated articles have, three
// each drawn like the ranks of BenchZipfSpan: topic t on a share of about
// ln(1+1/t)/ln(BenchTopics) of them.
const BenchTopics = 2000

// BenchZipfSpan is how far back from the newest article views reach: a
// view goes to the article of rank r back from the newest published at its
// minute, r drawn as exp(u ln span) for a uniform u, so P(r) ~ 1/r
// (Zipf's law with s = 1, continuous).
const BenchZipfSpan = 200_000

// BenchReadership measures, on a store holding the generated views with
// its windows expired at BenchNow: MostRead of each period, of all
// sections, of the largest (politics), the smallest (pressreview) and an
// empty one (quiet); ExpireViews moving the edges on by a minute;
// and AddViews of 5,000 counts shaped like the generated ones. The last
// two change the store: the engines' benchmarks put it back before.
//
// It also measures Neighbours of two articles: popular has the most common
// topic (on about a quarter of all articles), rare only topics few have.
func BenchReadership(b *testing.B, r dateline.Readership, popular, rare int64) {
	for _, p := range dateline.Periods {
		for _, section := range []string{"", "politics", "pressreview", "quiet"} {
			b.Run(string(p)+"/"+cmp.Or(section, "all"), func(b *testing.B) {
				var n int
				for b.Loop() {
					list, err := r.MostRead(ctx, p, section, 10)
					if err != nil {
						b.Fatal(err)
					}
					n = len(list)
				}
				want := 10
				if section == "quiet" {
					want = 0
				}
				if n != want {
					b.Fatalf("MostRead(%s, %q) found %d", p, section, n)
				}
			})
		}
	}
	for _, c := range []struct {
		name string
		id   int64
	}{{"popular", popular}, {"rare", rare}} {
		b.Run("Neighbours/"+c.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				list, err := r.Neighbours(ctx, c.id, 10)
				if err != nil {
					b.Fatal(err)
				}
				n = len(list)
			}
			if n != 10 {
				b.Fatalf("Neighbours(%d) found %d", c.id, n)
			}
		})
	}
	b.Run("ExpireViews", func(b *testing.B) {
		now := BenchNow
		for b.Loop() {
			now = now.Add(time.Minute)
			if err := r.ExpireViews(ctx, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AddViews5000", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		m := dateline.Minute(BenchNow) + 1
		newest := int64(BenchArticles)
		batches := make([][]dateline.ViewCount, 16)
		for i := range batches {
			for range 5000 {
				rank := int64(math.Exp(rng.Float64() * math.Log(BenchZipfSpan)))
				batches[i] = append(batches[i], dateline.ViewCount{ArticleID: max(1, newest-rank+1), Minute: m + int64(i%2), Count: 1 + rng.Int64N(3)})
			}
		}
		i := 0
		for b.Loop() {
			if err := r.AddViews(ctx, batches[i%len(batches)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
