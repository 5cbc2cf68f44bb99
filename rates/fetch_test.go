package rates_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"dateline"
	"dateline/internal/pgtest"
	"dateline/postgres"
	"dateline/rates"
	"dateline/sqlite"
)

// openStore is SQLite, or PostgreSQL with DATELINE_TEST_ENGINE=postgres.
func openStore(t *testing.T) dateline.Rates {
	t.Helper()
	ctx := context.Background()
	var s interface {
		dateline.Rates
		Close() error
	}
	var err error
	if os.Getenv("DATELINE_TEST_ENGINE") == "postgres" {
		s, err = postgres.Open(ctx, pgtest.Schema(t), postgres.Options{})
	} else {
		s, err = sqlite.Open(ctx, filepath.Join(t.TempDir(), "dateline.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestSchedulerFetch runs rounds against a local server whose answer the
// test changes: a good file is stored, and a broken file, a server error,
// an oversized body or a slow answer keep what is stored.
func TestSchedulerFetch(t *testing.T) {
	good, err := os.ReadFile("testdata/cbr_XML_daily_2022-03-15.xml")
	if err != nil {
		t.Fatal(err)
	}
	var answer atomic.Value // func(http.ResponseWriter)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answer.Load().(func(http.ResponseWriter))(w)
	}))
	defer srv.Close()
	store := openStore(t)
	var changes int
	s := &rates.Scheduler{URLs: []string{srv.URL + "/XML_daily.asp"}, Store: store, Changed: func() { changes++ },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Client: &http.Client{Timeout: 500 * time.Millisecond},
		Now: func() time.Time { return time.Date(2022, 3, 15, 9, 0, 0, 0, time.UTC) }}
	ctx := context.Background()
	day := time.Date(2022, 3, 15, 0, 0, 0, 0, time.UTC)
	stored := func() *dateline.RateTable {
		t.Helper()
		tab, err := store.RatesOn(ctx, rates.SourceCBR, day)
		if err != nil {
			t.Fatalf("stored rates: %v", err)
		}
		return tab
	}

	answer.Store(func(w http.ResponseWriter) { w.Write(good) })
	if n := s.FetchAll(ctx); n != 1 || changes != 1 {
		t.Fatalf("first round stored %d, %d changes", n, changes)
	}
	first := stored()
	if len(first.Rates) != 34 || first.Base != "RUB" {
		t.Fatalf("stored %d rates against %s", len(first.Rates), first.Base)
	}
	// The same file again changes nothing, so pages are not re-rendered.
	if n := s.FetchAll(ctx); n != 0 || changes != 1 {
		t.Errorf("same file: %d stored, %d changes", n, changes)
	}

	for _, tc := range []struct {
		name   string
		answer func(http.ResponseWriter)
	}{
		{"broken file", func(w http.ResponseWriter) { w.Write(good[:len(good)/2]) }},
		{"server error", func(w http.ResponseWriter) { http.Error(w, "down", http.StatusInternalServerError) }},
		{"HTML page", func(w http.ResponseWriter) { w.Write([]byte("<html><body>Service unavailable</body></html>")) }},
		{"oversized body", func(w http.ResponseWriter) { w.Write(make([]byte, rates.MaxSize+10)) }},
		{"slow answer", func(w http.ResponseWriter) { time.Sleep(time.Second); w.Write(good) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			answer.Store(tc.answer)
			if n := s.FetchAll(ctx); n != 0 {
				t.Errorf("stored %d", n)
			}
			if !dateline.SameRates(stored(), first) {
				t.Error("the stored rates changed")
			}
		})
	}
	if changes != 1 {
		t.Errorf("%d changes, want 1", changes)
	}
}

// TestSchedulerRun: Run fetches at once, then on its period, until its
// context ends.
func TestSchedulerRun(t *testing.T) {
	good, err := os.ReadFile("testdata/ecb_eurofxref-daily_2025-05-09.xml")
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(good)
	}))
	defer srv.Close()
	store := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s := &rates.Scheduler{URLs: []string{srv.URL}, Store: store, Every: 50 * time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	go func() { s.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for hits.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if hits.Load() < 3 {
		t.Fatalf("%d fetches in 5 s", hits.Load())
	}
	if _, err := store.RatesOn(context.Background(), rates.SourceECB, time.Date(2025, 5, 9, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
}
