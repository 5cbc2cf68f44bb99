package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/internal/pgtest"
)

// dbArgs are the flags that name the test's database: SQLite in dir, or a
// fresh PostgreSQL schema when DATELINE_TEST_ENGINE=postgres.
func dbArgs(t *testing.T, dir string) []string {
	t.Helper()
	if os.Getenv("DATELINE_TEST_ENGINE") == "postgres" {
		return []string{"--data", dir, "--db", pgtest.Schema(t)}
	}
	return []string{"--data", dir}
}

func openTestStore(t *testing.T, args []string) dateline.Store {
	t.Helper()
	var sf storeFlags
	sf.data = args[1]
	if len(args) > 3 {
		sf.db = args[3]
	}
	store, err := sf.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// cli runs the command line as main does and returns its outputs.
// mustCLI returns a runner of the command with the database flags db
// added, which fails the test when the command fails and returns its
// output.
func mustCLI(t *testing.T, db []string) func(args ...string) string {
	return func(args ...string) string {
		t.Helper()
		out, errOut, err := cli(t, append(args, db...)...)
		if err != nil {
			t.Fatalf("%v: %v (%s)", args, err, errOut)
		}
		return out
	}
}

func cli(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"help"}, {"serve", "--help"}, {"token", "create", "--help"}, {"token", "--help"},
		{"import", "--help"}, {"gen", "--help"}, {"bench", "--help"}, {"bench", "archive", "--help"}, {"migrate-db", "--help"}, {"backup", "--help"}, {"restore", "--help"}, {"bench-search", "--help"}, {"client", "--help"}, {"client", "product", "add", "--help"},
	} {
		out, _, err := cli(t, args...)
		if err != nil && exitCode(err) != 0 {
			t.Errorf("%v: %v", args, err)
		}
		if !strings.Contains(out, "Usage") && !strings.Contains(out, "dateline") {
			t.Errorf("%v printed %q", args, out)
		}
	}
}

func TestBadCommandLines(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "no command"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"serve", "--addr", "nonsense"}, "HOST:PORT"},
		{[]string{"serve", "--nope"}, "flag provided but not defined"},
		{[]string{"serve", "--data", data, "--city", "Atlantis"}, "--city must be a slug"},
		{[]string{"serve", "--data", data, "--city", "Moscow=Europe/Moscow"}, "--city must be a slug"},
		{[]string{"serve", "--data", data, "--times", "local"}, "reader or agency"},
		{[]string{"serve", "--data", data, "--render-limit", "-1"}, "--render-limit must be"},
		{[]string{"serve", "--data", data, "--weather-url", "ftp://x"}, "--weather-url must be"},
		{[]string{"serve", "--data", data, "--log-format", "xml"}, "text or json"},
		{[]string{"serve", "--data", data, "--db", "mysql://x", "--addr", "127.0.0.1:0"}, "--db must be"},
		{[]string{"serve", "--data", data, "--fallback-section", "gardening", "--addr", "127.0.0.1:0"}, "not a section"},
		{[]string{"serve", "extra"}, "unexpected argument"},
		{[]string{"token"}, "unknown token command"},
		{[]string{"token", "create", "--data", data}, "--name is required"},
		{[]string{"token", "create", "--data", data, "--name", "x", "--scope", "admin"}, "read or write"},
		{[]string{"import", "--data", data}, "no files"},
		{[]string{"import", "--data", data, filepath.Join(dir, "missing.json")}, "no such file"},
		{[]string{"import", "--data", data, dir}, "is a folder"},
		{[]string{"import", "--data", data, "--batch", "0", "x.json"}, "--batch"},
		{[]string{"gen", "--data", data}, "--articles"},
		{[]string{"gen", "--data", data, "--articles", "-5"}, "--articles"},
		{[]string{"bench", "--rounds", "0"}, "--rounds"},
		{[]string{"bench-search", "--data", data}, "no published articles"},
		{[]string{"bench-search", "--data", data, "--queries", "0"}, "--queries"},
		{[]string{"migrate-db", "--from", "sqlite:" + filepath.Join(dir, "a.db")}, "both required"},
		{[]string{"migrate-db", "--from", "sqlite:x.db", "--to", "sqlite:x.db"}, "same database"},
		{[]string{"migrate-db", "--from", "mysql://x", "--to", "sqlite:" + filepath.Join(dir, "b.db")}, "sqlite:PATH or postgres://"},
		{[]string{"serve", "--data", data, "--db-replica", "postgres://x", "--addr", "127.0.0.1:0"}, "needs a PostgreSQL --db"},
		{[]string{"bench", "--tool", "ab"}, "--tool"},
		{[]string{"serve", "--data", data, "--durability", "fast"}, "--durability must be full or normal"},
		{[]string{"serve", "--data", data, "--memory-limit", "lots"}, "--memory-limit must be a size such as 768MiB"},
		{[]string{"serve", "--data", data, "--memory-limit", "-1GiB"}, "--memory-limit must be a size"},
		{[]string{"serve", "--data", data, "--memory-limit", "1MiB"}, "--memory-limit must be at least 128MiB"},
		{[]string{"serve", "--data", data, "--media", "ftp://host/photos"}, "--media must be a folder or s3://"},
		{[]string{"serve", "--data", data, "--media", "s3://Bad_Bucket"}, "not a valid bucket name"},
		{[]string{"serve", "--data", data, "--media", "s3://photos?endpoint=http://x:9000"}, "give HOST or HOST:PORT"},
		{[]string{"serve", "--data", data, "--media", "s3://key:secret@photos"}, "must not carry credentials"},
		{[]string{"backup", "--data", data, "--to", filepath.Join(dir, "b.tar"), "--media", "s3://photos?colour=red"}, `unknown parameter "colour"`},
		{[]string{"restore", "--data", data, "--from", filepath.Join(dir, "b.tar"), "--media", "s3://photos/../x"}, "plain folder names"},
	} {
		_, _, err := cli(t, tt.args...)
		if err == nil {
			t.Errorf("%v succeeded", tt.args)
			continue
		}
		if msg := message(err); !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
			t.Errorf("%v: message %q, want one line with %q", tt.args, msg, tt.want)
		}
		if exitCode(err) == 0 {
			t.Errorf("%v: exit code 0", tt.args)
		}
	}
}

func TestTokenCreate(t *testing.T) {
	db := dbArgs(t, t.TempDir())
	out, _, err := cli(t, append([]string{"token", "create", "--name", "editorial", "--scope", "write"}, db...)...)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "dl_") || len(lines[0]) < 40 {
		t.Fatalf("token output %q", out)
	}
	out2, _, _ := cli(t, append([]string{"token", "create", "--name", "editorial", "--scope", "write"}, db...)...)
	if out2 == out {
		t.Error("two tokens are the same")
	}
	// A token speaks for the wire unless --source names another sender.
	if _, _, err := cli(t, append([]string{"token", "create", "--name", "reuters-2027", "--scope", "write", "--source", "reuters"}, db...)...); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cli(t, append([]string{"token", "create", "--name", "x", "--source", strings.Repeat("s", 101)}, db...)...); err == nil || !strings.Contains(message(err), "--source") {
		t.Errorf("a 101-character source: %v", err)
	}
	ts, err := openTestStore(t, db).Tokens(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{}
	for _, tk := range ts {
		sources[tk.Name] = tk.Source
	}
	if sources["editorial"] != "wire" || sources["reuters-2027"] != "reuters" || len(ts) != 3 {
		t.Errorf("token sources %v", sources)
	}
	help, _, _ := cli(t, "token", "create", "--help")
	if !strings.Contains(help, "--source") || !strings.Contains(help, "default: wire") {
		t.Errorf("token create --help does not tell of --source and its default:\n%s", help)
	}
}

func TestImport(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	examples, _ := filepath.Glob("../../testdata/ninjs/*.json")
	// A JSON-lines file: two good documents around a bad one.
	var lines []string
	for i := range 3 {
		lines = append(lines, fmt.Sprintf(`{"uri":"urn:jsonl:%d","versioncreated":"2026-01-02T10:00:0%dZ","headlines":[{"value":"Item %d"}],"subjects":[{"literal":"15000000"}]}`, i, i, i))
	}
	lines[1] = `{"uri": "urn:jsonl:bad", "versioncreated": "not a date"}`
	jsonl := filepath.Join(dir, "items.jsonl")
	os.WriteFile(jsonl, []byte(strings.Join(lines, "\n")+"\n\n"), 0o644)

	db := dbArgs(t, data)
	args := append(append([]string{"import", "--batch", "2"}, db...), append([]string{jsonl}, examples...)...)
	out, errOut, err := cli(t, args...)
	if err == nil || !strings.Contains(errOut, "items.jsonl:2:") {
		t.Fatalf("bad line not reported: err %v, stderr %q", err, errOut)
	}
	if !strings.Contains(out, "7 documents read") || !strings.Contains(out, "6 created") || !strings.Contains(out, "1 refused") {
		t.Errorf("first import: %q", out)
	}
	// Running it again changes nothing.
	out, _, _ = cli(t, args...)
	if !strings.Contains(out, "0 created, 0 updated, 6 unchanged") {
		t.Errorf("second import: %q", out)
	}
	store := openTestStore(t, db)
	if n, _ := store.CountArticles(context.Background(), ""); n != 6 {
		t.Errorf("%d articles stored, want 6", n)
	}
	a, err := store.ArticleByURI(context.Background(), "urn:jsonl:2")
	if err != nil || a.Section != "sport" {
		t.Errorf("jsonl item: %+v %v", a, err)
	}
}

func TestGen(t *testing.T) {
	db := dbArgs(t, t.TempDir())
	out, _, err := cli(t, append([]string{"gen", "--articles", "250", "--batch", "100"}, db...)...)
	if err != nil || !strings.Contains(out, "250 articles generated") {
		t.Fatalf("%q %v", out, err)
	}
	// The same seed makes the same articles: nothing new.
	cli(t, append([]string{"gen", "--articles", "250"}, db...)...)
	store := openTestStore(t, db)
	n, _ := store.CountArticles(context.Background(), dateline.StatusPublished)
	if n != 250 {
		t.Errorf("%d articles after two runs, want 250", n)
	}
	out, _, err = cli(t, append([]string{"bench-search", "--queries", "5", "--reindex"}, db...)...)
	if err != nil || !strings.Contains(out, "phrase of 2") || !strings.Contains(out, "index rebuilt") {
		t.Errorf("bench-search: %v\n%s", err, out)
	}
	as, _ := store.Articles(context.Background(), dateline.ArticleFilter{Limit: 200})
	sections := map[string]int{}
	for _, a := range as {
		sections[a.Section]++
	}
	if len(sections) < 6 {
		t.Errorf("generated articles cover only %v", sections)
	}
}

// TestServe runs the server as the binary does: it answers /healthz, takes
// an embargoed item and publishes it by itself when the time comes, and
// shuts down when its context ends.
func TestServe(t *testing.T) {
	db := dbArgs(t, t.TempDir())
	token, _, err := cli(t, append([]string{"token", "create", "--name", "t", "--scope", "write"}, db...)...)
	if err != nil {
		t.Fatal(err)
	}
	base := startServe(t, append([]string{"--demo"}, db...)...)

	release := time.Now().Add(2 * time.Second).UTC().Truncate(time.Second).Add(time.Second)
	doc := fmt.Sprintf(`{"uri":"urn:serve:embargo","versioncreated":%q,"embargoed":%q,"headlines":[{"value":"Embargoed budget figures"}],"subjects":[{"literal":"04000000"}]}`,
		time.Now().UTC().Format(time.RFC3339), release.Format(time.RFC3339))
	req, _ := http.NewRequest("POST", base+"/api/v1/items", strings.NewReader(doc))
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		ID     int64
		Status string
	}
	json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if resp.StatusCode != 201 || res.Status != "scheduled" {
		t.Fatalf("ingest: %d %+v", resp.StatusCode, res)
	}
	url := fmt.Sprintf("%s/economy/%d", base, res.ID)
	if code := status(t, url); code != 404 {
		t.Fatalf("before the embargo: %d", code)
	}
	deadline := time.Now().Add(10 * time.Second)
	for status(t, url) != 200 {
		if time.Now().After(deadline) {
			t.Fatal("embargoed story never published")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if lag := time.Since(release); lag > 2500*time.Millisecond {
		t.Errorf("published %v after the embargo ended", lag)
	}
	body := get(t, base+"/news")
	if !strings.Contains(body, "Embargoed budget figures") {
		t.Error("released story not in the feed")
	}
}

func waitUp(t *testing.T, base string) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if status(t, base+"/healthz") == 200 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server never came up")
}

func status(t *testing.T, url string) int {
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func get(t *testing.T, url string) string {
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestBenchCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo site")
	}
	out, _, err := cli(t, "bench", "--duration", "300ms", "--rounds", "1", "--connections", "4", "--tool", "go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "ratio") || !strings.Contains(out, "bare net/http") {
		t.Errorf("bench printed %q", out)
	}
}
