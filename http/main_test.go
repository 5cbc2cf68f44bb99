package http_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/demo"
	dhttp "dateline/http"
	"dateline/ingest"
	"dateline/internal/htmlcheck"
	"dateline/internal/pgtest"
	"dateline/media"
	"dateline/postgres"
	"dateline/sqlite"
)

// clock is a time tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a server on a real SQLite file, reached through its real router.
type env struct {
	t     testing.TB
	store dateline.Store
	srv   *dhttp.Server
	clock *clock
	token string // write scope
	read  string // read scope
	dir   string
}

var moscow, _ = time.LoadLocation("Europe/Moscow")

// openStore opens the engine the run asks for: SQLite in dir by default,
// PostgreSQL (a fresh schema) when DATELINE_TEST_ENGINE=postgres.
func openStore(t testing.TB, dir string) dateline.Store {
	t.Helper()
	var store dateline.Store
	var err error
	switch engine := os.Getenv("DATELINE_TEST_ENGINE"); engine {
	case "", "sqlite":
		store, err = sqlite.Open(context.Background(), filepath.Join(dir, "dateline.db"))
	case "postgres":
		store, err = postgres.Open(context.Background(), pgtest.Schema(t), postgres.Options{})
	default:
		t.Fatalf("DATELINE_TEST_ENGINE=%s: want sqlite or postgres", engine)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

func newEnv(t testing.TB, withDemo bool) *env {
	t.Helper()
	return newEnvFallback(t, withDemo, "world")
}

func newEnvFallback(t testing.TB, withDemo bool, fallback string) *env {
	t.Helper()
	return newEnvConfig(t, withDemo, fallback, func(*dhttp.Config) {})
}

// newEnvConfig is newEnvFallback with the server's configuration changed
// by set.
func newEnvConfig(t testing.TB, withDemo bool, fallback string, set func(*dhttp.Config)) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	store := openStore(t, dir)
	for _, s := range dateline.DefaultSections {
		if err := store.SaveSection(ctx, &s); err != nil {
			t.Fatal(err)
		}
	}
	c := &clock{t: time.Now().UTC().Truncate(time.Second)}
	if withDemo {
		if _, err := demo.Load(ctx, store, media.Dir{Root: filepath.Join(dir, "media")}, c.Now()); err != nil {
			t.Fatal(err)
		}
	}
	in := &ingest.Service{Store: store, Now: c.Now, FallbackSection: fallback}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := dhttp.Config{
		SiteName: "Dateline", AgencyMark: "DATELINE", BaseURL: "https://news.example",
		City: dhttp.City{Name: "Moscow", Zone: moscow}, Media: media.Dir{Root: filepath.Join(dir, "media")}, MaxBodySize: 256 << 10,
		RenderLimit: -1, // every request comes from one address; TestRenderLimit sets one
	}
	set(&cfg)
	in.Metrics = cfg.Metrics
	srv, err := dhttp.NewServer(store, in, log, cfg, c.Now)
	if err != nil {
		t.Fatal(err)
	}
	in.Changed = srv.StoriesChanged
	e := &env{t: t, store: store, srv: srv, clock: c, dir: dir}
	e.token = e.makeToken("editorial", "write")
	e.read = e.makeToken("reader", "read")
	return e
}

// helper marks the caller as a helper, except inside a fuzz function where
// the fuzz target's F may not be used.
func (e *env) helper() {
	if _, ok := e.t.(*testing.F); !ok {
		e.t.Helper()
	}
}

// makeToken makes a token that speaks for the source of its name, as
// `dateline token create` does by default.
func (e *env) makeToken(name, scope string) string {
	return e.makeTokenFor(&dateline.Token{Name: name, Scope: scope, Source: name})
}

// makeTokenFor stores t with the secret "dl_test_" + its name.
func (e *env) makeTokenFor(t *dateline.Token) string {
	secret := "dl_test_" + t.Name
	t.Hash = dhttp.HashToken(secret)
	if err := e.store.CreateToken(context.Background(), t, time.Now()); err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// do sends a request; headers come in name, value pairs.
func (e *env) do(method, path, body string, headers ...string) *httptest.ResponseRecorder {
	e.helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, req)
	return w
}

func (e *env) get(path string, headers ...string) *httptest.ResponseRecorder {
	e.helper()
	return e.do(http.MethodGet, path, "", headers...)
}

// ingest posts a ninjs document with the write token.
func (e *env) ingest(doc string) *httptest.ResponseRecorder {
	e.helper()
	return e.do(http.MethodPost, "/api/v1/items", doc, "Authorization", "Bearer "+e.token, "Content-Type", "application/json")
}

func (e *env) page(path string) (*httptest.ResponseRecorder, *htmlcheck.Doc) {
	e.helper()
	w := e.get(path)
	return w, htmlcheck.Parse(w.Body.Bytes())
}

var (
	demoOnce sync.Once
	demoEnv  *env
)

// sharedDemo is one demo site for the tests that only read.
func sharedDemo(t *testing.T) *env {
	demoOnce.Do(func() {
		tb := &onceTB{TB: t}
		demoEnv = newEnv(tb, true)
	})
	if demoEnv == nil {
		t.Fatal("demo environment failed")
	}
	return demoEnv
}

// onceTB keeps the shared demo's folder for the whole run instead of the
// first test's.
type onceTB struct{ testing.TB }

func (o *onceTB) TempDir() string {
	dir, err := osMkdirTemp()
	if err != nil {
		o.TB.Fatal(err)
	}
	return dir
}

// Cleanup defers to the end of the run (see TestMain).
func (o *onceTB) Cleanup(f func()) { finalCleanups = append(finalCleanups, f) }
