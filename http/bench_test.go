package http_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dateline"
	"dateline/demo"
	dhttp "dateline/http"
	"dateline/ingest"
	"dateline/sqlite"
)

// benchArticles is the size of the database the page benchmarks use.
const benchArticles = 100_000

// benchServer opens (making it the first time, which takes a while) a
// database of 100,000 generated articles, kept in the temporary folder
// between runs.
func benchServer(b *testing.B) (*dhttp.Server, int64) {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("dateline-bench-%d-v1.db", benchArticles))
	_, statErr := os.Stat(path)
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	if statErr != nil {
		b.Logf("generating %d articles in %s", benchArticles, path)
		for _, s := range dateline.DefaultSections {
			if err := store.SaveSection(ctx, &s); err != nil {
				b.Fatal(err)
			}
		}
		g, err := demo.NewGenerator(1, now, 365)
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
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := dhttp.NewServer(store, &ingest.Service{Store: store}, log, dhttp.Config{
		SiteName: "Dateline", AgencyMark: "DATELINE", BaseURL: "https://news.example",
		City: dhttp.City{Name: "Moscow", Zone: moscow},
	}, func() time.Time { return now })
	if err != nil {
		b.Fatal(err)
	}
	return srv, a.ID
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

// BenchmarkPages serves the article page and the feed page with 100,000
// articles in the database: cold (the page cache emptied before every
// request, so each one queries and renders) and warm (served from memory).
// Requests go through the whole handler, access log included (to a
// discarding logger).
func BenchmarkPages(b *testing.B) {
	srv, id := benchServer(b)
	article := fmt.Sprintf("/%s/%d", "politics", id)
	// Find the article's real section from its redirect.
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest("GET", article, nil))
	if loc := w.Header().Get("Location"); loc != "" {
		article = loc
	}
	for _, p := range []struct{ name, path string }{{"article", article}, {"feed", "/news"}, {"home", "/"}} {
		b.Run(p.name+"/cold", func(b *testing.B) { benchPage(b, srv, p.path, true) })
		b.Run(p.name+"/warm", func(b *testing.B) { benchPage(b, srv, p.path, false) })
	}
}
