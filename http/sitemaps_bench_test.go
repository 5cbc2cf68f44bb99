package http_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	dhttp "dateline/http"
	"dateline/ingest"
	"dateline/sqlite"
	"dateline/storetest"
)

// benchSyndicationPath is the database BenchmarkSyndication reads: the
// storage benchmarks' million stories (sqlite/bench_test.go, one every
// 31.5 s over the year to storetest.BenchNow, three topics each), with
// photos on 7 in 10, an update and a byline on 1 in 10, and a body on
// the newest 50,000.
var benchSyndicationPath = filepath.Join(os.TempDir(), fmt.Sprintf("dateline-bench-syndication-%d-v1.db", storetest.BenchArticles))

func benchSyndicationDB(b *testing.B) *sqlite.DB {
	b.Helper()
	ctx := context.Background()
	if _, err := os.Stat(benchSyndicationPath); err != nil {
		views := filepath.Join(os.TempDir(), fmt.Sprintf("dateline-bench-views-%d-v4.db", storetest.BenchArticles))
		if _, err := os.Stat(views); err != nil {
			b.Skipf("no %s: make it with go test -run '^$' -bench BenchmarkMostRead ./sqlite", views)
		}
		b.Logf("copying %s into %s and adding photos and bodies", views, benchSyndicationPath)
		start := time.Now()
		if err := makeSyndicationDB(ctx, views, benchSyndicationPath); err != nil {
			os.Remove(benchSyndicationPath)
			b.Fatal(err)
		}
		b.Logf("made in %v", time.Since(start).Round(time.Second))
	}
	db, err := sqlite.Open(ctx, benchSyndicationPath)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// makeSyndicationDB copies the storage benchmarks' database (read only:
// it is theirs) and adds what syndication shows.
func makeSyndicationDB(ctx context.Context, from, to string) error {
	src, err := sql.Open("sqlite", "file:"+from+"?mode=ro")
	if err != nil {
		return err
	}
	_, err = src.ExecContext(ctx, `VACUUM INTO ?`, to)
	src.Close()
	if err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+to)
	if err != nil {
		return err
	}
	defer db.Close()
	body := "<p>" + strings.Repeat("A paragraph of the story, long enough to look like one. ", 8) + "</p>"
	for _, q := range []string{
		`INSERT INTO photos (id, uri, path, width, height, widths, caption, credit, created_at)
			SELECT id, 'urn:bench:photo:' || id, 'bench/' || id || '.jpg', 1920, 1280, '1280,960,640,320',
				'Caption of photo ' || id, 'Dateline', published_at FROM articles WHERE id % 10 < 7`,
		`UPDATE articles SET photo_id = id WHERE id % 10 < 7`,
		`UPDATE articles SET updated_at = published_at + 3600, byline = 'Anna Petrova' WHERE id % 10 = 3`,
		`INSERT INTO article_pages (article_id, page, body) SELECT id, 1, '` + body + body + body + `' FROM articles WHERE id > 950000`,
		`ANALYZE`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%.60s: %w", q, err)
		}
	}
	return nil
}

// discard is a ResponseWriter that keeps only the status, so the figures
// are the server's and not a recorder's copying.
type discard struct {
	h      http.Header
	status int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(code int)        { d.status = code }

// BenchmarkSyndication serves the sitemaps and feeds of a million stories
// on SQLite, cold (the page cache dropped before each request: the month
// counts are refreshed, the file rendered and compressed) and warm, and
// reports the 50th and 99th percentiles of the requests' times. The first
// index after a start, which counts every month, is logged.
//
//	go test -run '^$' -bench BenchmarkSyndication -benchtime 200x ./http
func BenchmarkSyndication(b *testing.B) {
	db := benchSyndicationDB(b)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := dhttp.NewServer(db, &ingest.Service{Store: db}, log, dhttp.Config{
		SiteName: "Dateline", AgencyMark: "DATELINE", BaseURL: "https://news.example",
		City: dhttp.City{Name: "Moscow", Zone: moscow},
	}, func() time.Time { return storetest.BenchNow })
	if err != nil {
		b.Fatal(err)
	}
	get := func(path string) (int, int, time.Duration) {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		w := &discard{h: http.Header{}}
		start := time.Now()
		srv.ServeHTTP(w, req)
		d := time.Since(start)
		n := 0
		if v := w.h.Get("Content-Length"); v != "" {
			fmt.Sscan(v, &n)
		}
		return w.status, n, d
	}
	status, _, first := get("/sitemap.xml")
	if status != 200 {
		b.Fatalf("/sitemap.xml: %d", status)
	}
	b.Logf("first /sitemap.xml after the start (every month counted): %v", first.Round(time.Millisecond))

	// The largest month, its first and last files.
	largest := "/sitemaps/articles-2026-10"
	targets := []struct{ name, path string }{
		{"index", "/sitemap.xml"},
		{"month", largest + ".xml"},
		{"month-last", largest + "-9.xml"},
		{"news", "/sitemaps/news.xml"},
		{"topics", "/sitemaps/topics.xml"},
		{"feed-rss", "/feed.rss"},
		{"feed-json", "/feed.json"},
		{"section-atom", "/politics/feed.atom"},
		{"section-small-rss", "/pressreview/feed.rss"},
		{"topic-rss", "/topics/topic-1/feed.rss"},
		{"topic-rare-rss", "/topics/topic-1500/feed.rss"},
	}
	for _, mode := range []string{"cold", "warm"} {
		for _, tg := range targets {
			b.Run(mode+"/"+tg.name, func(b *testing.B) {
				status, size, _ := get(tg.path)
				if status != 200 {
					b.Fatalf("%s: %d", tg.path, status)
				}
				var times []time.Duration
				for b.Loop() {
					if mode == "cold" {
						b.StopTimer()
						srv.DropCache()
						b.StartTimer()
					}
					status, _, d := get(tg.path)
					if status != 200 {
						b.Fatalf("%s: %d", tg.path, status)
					}
					times = append(times, d)
				}
				slices.Sort(times)
				q := func(p float64) float64 {
					return float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds()) / 1000
				}
				b.ReportMetric(q(0.5), "p50-ms")
				b.ReportMetric(q(0.99), "p99-ms")
				b.ReportMetric(float64(size), "gzip-bytes")
			})
		}
	}
}
