package http_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dateline"
	"dateline/demo"
	dhttp "dateline/http"
	"dateline/ingest"
	"dateline/internal/pgtest"
	"dateline/metrics"
	"dateline/postgres"
	"dateline/sqlite"

	"github.com/jackc/pgx/v5"
)

// benchArticles is the size of the database the page benchmarks use.
const benchArticles = 100_000

// benchServer opens (making it the first time, which takes a while) a
// database of 100,000 generated articles, kept in the temporary folder
// between runs.
func benchServer(b *testing.B, engine string) (*dhttp.Server, int64) {
	b.Helper()
	lite, id := benchSQLite(b)
	var store dateline.Store = lite
	if engine == "postgres" {
		store = benchPostgres(b, lite)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := dhttp.NewServer(store, &ingest.Service{Store: store}, log, dhttp.Config{
		SiteName: "Dateline", AgencyMark: "DATELINE", BaseURL: "https://news.example",
		City:        dhttp.City{Name: "Moscow", Zone: moscow},
		RenderLimit: -1, // cold pages are rendered from one address, as fast as they come
		// DATELINE_BENCH_METRICS=1 turns the node's metrics on, to
		// measure what they cost a cold page.
		Metrics: map[bool]*metrics.Metrics{true: metrics.New()}[os.Getenv("DATELINE_BENCH_METRICS") == "1"],
	}, func() time.Time { return benchNow })
	if err != nil {
		b.Fatal(err)
	}
	return srv, id
}

var benchNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// benchPostgres copies the SQLite bench database into a PostgreSQL schema
// kept between runs (made again when its count is off).
func benchPostgres(b *testing.B, from *sqlite.DB) dateline.Store {
	b.Helper()
	ctx := context.Background()
	schema := fmt.Sprintf("bench_%d_v1", benchArticles)
	base := pgtest.BaseDSN()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		b.Skipf("no PostgreSQL at %s: %v", base, err)
	}
	defer conn.Close(ctx)
	db, err := postgres.Open(ctx, mustSchema(b, conn, schema), postgres.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if n, _ := db.CountArticles(ctx, dateline.StatusPublished); n != benchArticles {
		b.Logf("copying %d articles into PostgreSQL schema %s", benchArticles, schema)
		db.Close()
		conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`)
		db, err = postgres.Open(ctx, mustSchema(b, conn, schema), postgres.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := dateline.Move(ctx, from, db, nil); err != nil {
			b.Fatal(err)
		}
		conn.Exec(ctx, `ANALYZE`)
	}
	return db
}

func mustSchema(b *testing.B, conn *pgx.Conn, schema string) string {
	ctx := context.Background()
	if _, err := conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+schema); err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse(pgtest.BaseDSN())
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func benchSQLite(b *testing.B) (*sqlite.DB, int64) {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("dateline-bench-%d-v1.db", benchArticles))
	_, statErr := os.Stat(path)
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	now := benchNow
	if statErr != nil {
		b.Logf("generating %d articles in %s", benchArticles, path)
		for _, s := range dateline.DefaultSections {
			if err := store.SaveSection(ctx, &s); err != nil {
				b.Fatal(err)
			}
		}
		g, err := demo.NewGenerator(1, now, 365, benchArticles)
		if err != nil {
			b.Fatal(err)
		}
		var batch []*dateline.Article
		for i := range benchArticles {
			batch = append(batch, g.Article(i))
			if len(batch) == 1000 {
				if _, err := store.UpsertArticles(ctx, batch, now); err != nil {
					os.Remove(path)
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
	}
	if n, _ := store.CountArticles(ctx, dateline.StatusPublished); n != benchArticles {
		b.Fatalf("%s has %d articles; delete it to make it again", path, n)
	}
	a, err := store.ArticleByURI(ctx, fmt.Sprintf("urn:dateline:gen:%d", benchArticles/2))
	if err != nil {
		b.Fatal(err)
	}
	return store, a.ID
}

func benchPage(b *testing.B, srv *dhttp.Server, path string, cold bool) {
	b.Helper()
	req := httptest.NewRequest("GET", path, nil)
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	if w.Code != 200 {
		b.Fatalf("%s: %d", path, w.Code)
	}
	size := w.Body.Len()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		if cold {
			srv.DropCache()
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("%s: %d", path, w.Code)
		}
	}
}

// benchCrawl reads a different old story at each step without emptying
// the cache, as a crawler does on a quiet site: each page is rendered, and
// what all story pages share is read once. The story's address is found
// (from its id's redirect) with the timer stopped.
func benchCrawl(b *testing.B, srv *dhttp.Server, from int64) {
	b.ReportAllocs()
	id := from
	for b.Loop() {
		b.StopTimer()
		id--
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest("GET", fmt.Sprintf("/politics/%d", id), nil))
		path := w.Header().Get("Location")
		if path == "" {
			path = fmt.Sprintf("/politics/%d", id)
		}
		b.StartTimer()
		w = httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 200 {
			b.Fatalf("%s: %d", path, w.Code)
		}
	}
}

// BenchmarkPages serves the article page and the feed page with 100,000
// articles in the database, on SQLite and on PostgreSQL in one run: cold
// (the page cache emptied before every request, so each one queries and
// renders) and warm (served from memory). Requests go through the whole
// handler, access log included (to a discarding logger).
func BenchmarkPages(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			srv, id := benchServer(b, engine)
			article := fmt.Sprintf("/%s/%d", "politics", id)
			// Find the article's real section from its redirect.
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, httptest.NewRequest("GET", article, nil))
			if loc := w.Header().Get("Location"); loc != "" {
				article = loc
			}
			b.Run("article/crawl", func(b *testing.B) { benchCrawl(b, srv, id) })
			for _, p := range []struct{ name, path string }{{"article", article}, {"feed", "/news"}, {"home", "/"}} {
				b.Run(p.name+"/cold", func(b *testing.B) { benchPage(b, srv, p.path, true) })
				b.Run(p.name+"/warm", func(b *testing.B) { benchPage(b, srv, p.path, false) })
			}
		})
	}
}
