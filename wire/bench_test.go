package wire

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/internal/pgtest"
	"dateline/postgres"
	"dateline/sqlite"
)

// BenchmarkList20Products lists pages of 20 and 100 stories for a client
// of 20 random products (sections, editions, urgencies, kinds, topics and
// persons) from the first page and from deep cursors, and reports p50 and
// p99. The stories are DATELINE_BENCH_STORIES (default 20,000) random
// ones in a new SQLite file (a new PostgreSQL schema with
// DATELINE_TEST_ENGINE=postgres), or an existing site named by
// DATELINE_BENCH_DB (sqlite:PATH, e.g. made by `dateline gen`, or a
// postgres:// address, e.g. filled by `dateline migrate-db`), whose
// topics and persons the products then take:
//
//	go test -run '^$' -bench List20 -benchtime 200x ./wire
func BenchmarkList20Products(b *testing.B) {
	var s dateline.Store
	r := rand.New(rand.NewPCG(1, 2))
	tops, pers := topics, persons
	if given := os.Getenv("DATELINE_BENCH_DB"); given != "" {
		var db dateline.Store
		var err error
		if path, ok := cutSQLite(given); ok {
			db, err = sqlite.Open(ctx, path)
		} else if strings.HasPrefix(given, "postgres://") {
			db, err = postgres.Open(ctx, given, postgres.Options{})
		} else {
			b.Fatalf("DATELINE_BENCH_DB must be sqlite:PATH or postgres://..., not %q", given)
		}
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		s = db
		tops, pers = tagSlugs(b, s, dateline.TagTopic), tagSlugs(b, s, dateline.TagPerson)
	} else {
		if os.Getenv("DATELINE_TEST_ENGINE") == "postgres" {
			db, err := postgres.Open(ctx, pgtest.Schema(b), postgres.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			s = db
		} else {
			db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "dateline.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			s = db
		}
		n := 20000
		if v, err := strconv.Atoi(os.Getenv("DATELINE_BENCH_STORIES")); err == nil {
			n = v
		}
		fill(b, s, r, n)
	}
	products := make([]dateline.Product, 20)
	for i := range products {
		p := dateline.Product{}
		switch i % 4 {
		case 0: // a desk: two sections
			p.Sections = []string{sections[r.IntN(5)], sections[r.IntN(5)]}
		case 1: // a topic or two
			p.Topics = []string{tops[r.IntN(len(tops))], tops[r.IntN(len(tops))]}
		case 2: // a person, in one edition
			p.Persons, p.Langs = []string{pers[r.IntN(len(pers))]}, []string{"en"}
		case 3: // urgent photos of one section
			p.Sections, p.MaxUrgency, p.Kinds = []string{sections[r.IntN(5)]}, 3, []string{dateline.KindPhoto}
		}
		products[i] = p
	}
	first, err := List(ctx, s, products, Filter{Limit: 100})
	if err != nil || len(first.Items) == 0 {
		b.Fatalf("first page: %d items, %v", len(first.Items), err)
	}
	// Deep cursors: positions down the client's own list.
	var cursors []*dateline.Cursor
	f := Filter{Limit: 100}
	for range 30 {
		p, err := List(ctx, s, products, f)
		if err != nil {
			b.Fatal(err)
		}
		if p.Next == nil {
			break
		}
		cursors, f.Before = append(cursors, p.Next), p.Next
	}
	for _, limit := range []int{20, 100} {
		b.Run("limit"+strconv.Itoa(limit), func(b *testing.B) {
			var times []time.Duration
			i := 0
			for b.Loop() {
				f := Filter{Limit: limit}
				if i%2 == 1 && len(cursors) > 0 {
					f.Before = cursors[i/2%len(cursors)]
				}
				i++
				start := time.Now()
				if _, err := List(ctx, s, products, f); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

func cutSQLite(v string) (string, bool) {
	if len(v) > 7 && v[:7] == "sqlite:" {
		return v[7:], true
	}
	return "", false
}

// tagSlugs are the slugs of some of the site's topics or persons.
func tagSlugs(b *testing.B, s dateline.Store, kind string) []string {
	tags, err := s.SitemapTags(ctx, kind, 0, 200)
	if err != nil || len(tags) == 0 {
		b.Fatalf("no %ss: %v", kind, err)
	}
	var out []string
	for _, t := range tags {
		out = append(out, t.Slug)
	}
	return out
}
