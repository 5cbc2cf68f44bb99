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

	"github.com/jackc/pgx/v5"

	"dateline"
	dhttp "dateline/http"
	"dateline/ingest"
	"dateline/internal/pgtest"
	"dateline/postgres"
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

// benchSyndicationPG copies the PostgreSQL storage benchmarks' schema
// (postgres/bench_test.go: the same million stories) into a schema of its
// own, kept between runs, and adds the same photos, updates and bodies.
func benchSyndicationPG(b *testing.B) dateline.Store {
	b.Helper()
	ctx := context.Background()
	src := fmt.Sprintf("bench_views_%d_v3", storetest.BenchArticles)
	schema := fmt.Sprintf("bench_syndication_%d_v1", storetest.BenchArticles)
	conn, err := pgx.Connect(ctx, pgtest.BaseDSN())
	if err != nil {
		b.Skipf("no PostgreSQL at %s: %v", pgtest.BaseDSN(), err)
	}
	defer conn.Close(ctx)
	var ready bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, schema+".bench_ready").Scan(&ready); err != nil {
		b.Fatal(err)
	}
	if !ready {
		var have bool
		conn.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, src+".bench_view_windows").Scan(&have)
		if !have {
			b.Skipf("no schema %s: make it with go test -run '^$' -bench BenchmarkMostRead ./postgres", src)
		}
		b.Logf("copying %s into %s and adding photos and bodies", src, schema)
		start := time.Now()
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`); err != nil {
			b.Fatal(err)
		}
		db, err := postgres.Open(ctx, mustSchema(b, conn, schema), postgres.Options{})
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
		body := "<p>" + strings.Repeat("A paragraph of the story, long enough to look like one. ", 8) + "</p>"
		var steps []string
		for _, table := range []string{"sections", "topics", "articles", "article_topics", "published_tags"} {
			// The columns both schemas have: the source may be a
			// migration or two behind.
			var cols string
			if err := conn.QueryRow(ctx, `SELECT string_agg(quote_ident(c.column_name), ', ' ORDER BY c.ordinal_position)
				FROM information_schema.columns c JOIN information_schema.columns d ON d.table_name = c.table_name AND d.column_name = c.column_name
				WHERE c.table_schema = $1 AND d.table_schema = $2 AND c.table_name = $3`, schema, src, table).Scan(&cols); err != nil {
				b.Fatal(err)
			}
			steps = append(steps, `INSERT INTO `+schema+`.`+table+` (`+cols+`) SELECT `+cols+` FROM `+src+`.`+table)
		}
		steps = append(steps,
			`SET search_path = `+schema,
			`INSERT INTO photos (id, uri, path, width, height, widths, caption, credit, created_at)
				SELECT id, 'urn:bench:photo:' || id, 'bench/' || id || '.jpg', 1920, 1280, '1280,960,640,320',
					'Caption of photo ' || id, 'Dateline', published_at FROM articles WHERE id % 10 < 7`,
			`UPDATE articles SET photo_id = id WHERE id % 10 < 7`,
			`UPDATE articles SET updated_at = published_at + interval '1 hour', byline = 'Anna Petrova' WHERE id % 10 = 3`,
			`INSERT INTO article_pages (article_id, page, body) SELECT id, 1, '`+body+body+body+`' FROM articles WHERE id > 950000`,
			`VACUUM ANALYZE`,
			`CREATE TABLE bench_ready ()`,
			`RESET search_path`)
		for _, q := range steps {
			if _, err := conn.Exec(ctx, q); err != nil {
				conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`)
				b.Fatalf("%.80s: %v", q, err)
			}
		}
		b.Logf("made in %v", time.Since(start).Round(time.Second))
	}
	db, err := postgres.Open(ctx, mustSchema(b, conn, schema), postgres.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
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
// on SQLite and on PostgreSQL, cold (the page cache dropped before each request: the month
// counts are refreshed, the file rendered and compressed) and warm, and
// reports the 50th and 99th percentiles of the requests' times. The first
// index after a start, which counts every month, is logged.
//
//	go test -run '^$' -bench BenchmarkSyndication -benchtime 200x ./http
func BenchmarkSyndication(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var db dateline.Store
			if engine == "sqlite" {
				db = benchSyndicationDB(b)
			} else {
				db = benchSyndicationPG(b)
			}
			benchSyndication(b, db)
		})
	}
}

func benchSyndication(b *testing.B, db dateline.Store) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := dhttp.NewServer(db, &ingest.Service{Store: db}, log, dhttp.Config{
		SiteName: "Dateline", AgencyMark: "DATELINE", BaseURL: "https://news.example",
		City:        dhttp.City{Name: "Moscow", Zone: moscow},
		RenderLimit: -1, // cold pages are rendered from one address, as fast as they come
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

	// The largest month (84,083 stories), its first and last files.
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest("GET", "/sitemap.xml", nil))
	largest, last := "https://news.example/sitemaps/articles-2026-10", ""
	for _, line := range strings.Split(w.Body.String(), "\n") {
		if i := strings.Index(line, largest+"-"); i >= 0 {
			last, _, _ = strings.Cut(line[i+len("https://news.example"):], "<")
		}
	}
	if last == "" {
		b.Fatal("the index lists no second file of 2026-10")
	}
	targets := []struct{ name, path string }{
		{"index", "/sitemap.xml"},
		{"month", "/sitemaps/articles-2026-10.xml"},
		{"month-last", last},
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
