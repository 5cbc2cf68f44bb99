package http_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"dateline"
	dhttp "dateline/http"
)

// BenchmarkPortalList times the portal's wire page through the router
// for a client of 20 random products over DATELINE_BENCH_STORIES random
// stories (default 5,000), from the first page and from deep pages, and
// reports p50 and p99 (DATELINE_TEST_ENGINE=postgres for PostgreSQL):
//
//	go test -run '^$' -bench PortalList -benchtime 200x ./http
func BenchmarkPortalList(b *testing.B) {
	e := newEnvConfig(b, false, "world", func(c *dhttp.Config) {})
	e.russian()
	ctx := context.Background()
	w := &wireWorld{e: e, rng: rand.New(rand.NewPCG(3, 4))}
	n := 5000
	if v, err := strconv.Atoi(os.Getenv("DATELINE_BENCH_STORIES")); err == nil {
		n = v
	}
	for i := 0; i < n; i += 500 {
		var batch []*dateline.Article
		for j := i; j < min(n, i+500); j++ {
			batch = append(batch, w.story(fmt.Sprintf("urn:bench:%d", j), 1))
			e.clock.Add(time.Second)
		}
		w.send(batch...)
	}
	c := &dateline.Client{Name: "Bench", SeatLimit: 1}
	if err := e.store.CreateClient(ctx, c, e.clock.Now()); err != nil {
		b.Fatal(err)
	}
	for i := range 20 {
		p := w.randomProduct(i)
		p.Embargoed = false
		if err := e.store.CreateProduct(ctx, p, e.clock.Now()); err != nil {
			b.Fatal(err)
		}
		if err := e.store.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: p.ID}); err != nil {
			b.Fatal(err)
		}
	}
	clientUser(e, c.ID, "bench@client.example", "a long bench password", dateline.ClientMember)
	u := mustSignin(e, "bench@client.example", "a long bench password")
	// Deep pages: the addresses of "Older items" down the list.
	pages := []string{"/wire/"}
	for len(pages) < 20 {
		m := olderLink.FindStringSubmatch(u.get(pages[len(pages)-1]).Body.String())
		if m == nil {
			break
		}
		pages = append(pages, strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	b.Logf("%d stories, %d pages deep", n, len(pages))
	var times []time.Duration
	i := 0
	for b.Loop() {
		path := "/wire/"
		if i%2 == 1 {
			path = pages[i/2%len(pages)]
		}
		i++
		start := time.Now()
		if res := u.get(path); res.Code != 200 {
			b.Fatalf("%s: %d", path, res.Code)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
}
