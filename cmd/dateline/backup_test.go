package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/backup"
	"dateline/internal/pgtest"
	"dateline/postgres"

	"github.com/jackc/pgx/v5"
)

// TestBackupRestore backs up a serving site (on the test's engine) while
// the wire's ingest API takes a burst of stories, restores the archive
// into a new folder, then backs up the quiet site again and restores it
// into a new folder (and, on PostgreSQL, a new database): every row and
// every public page of the restored site is the same as the source's.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	db := dbArgs(t, src)
	token, _, err := cli(t, append([]string{"token", "create", "--name", "wire", "--scope", "write"}, db...)...)
	if err != nil {
		t.Fatal(err)
	}
	base, stop := startStoppable(t, append([]string{"--demo", "--base-url", publicURL}, db...)...)

	// The burst: stories through the ingest API until told to stop.
	burstEnd := make(chan struct{})
	var wg sync.WaitGroup
	var sent int
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-burstEnd:
				return
			default:
			}
			doc := fmt.Sprintf(`{"uri":"urn:burst:%d","versioncreated":%q,"headlines":[{"value":"Burst story %d"}],"subjects":[{"literal":"04000000"}],"body_html":"<p>One.</p><p>Two.</p>"}`,
				i, time.Now().UTC().Format(time.RFC3339), i)
			req, _ := http.NewRequest("POST", base+"/api/v1/items", strings.NewReader(doc))
			req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 201 {
				t.Errorf("ingest: %d", resp.StatusCode)
				return
			}
			sent++
		}
	}()
	time.Sleep(200 * time.Millisecond)
	during := filepath.Join(dir, "during.tar.gz")
	out, _, err := cli(t, append([]string{"backup", "--to", during}, db...)...)
	close(burstEnd)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup during the burst: %v", err)
	}
	if sent == 0 {
		t.Fatal("no story was ingested")
	}
	t.Logf("%d stories sent; %s", sent, out)
	if _, _, err := cli(t, "restore", "--from", during, "--data", filepath.Join(dir, "r1")); err != nil {
		t.Fatalf("restore: %v", err)
	}
	r1, err := openDSN(ctx, "sqlite:"+filepath.Join(dir, "r1", "dateline.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := r1.CountArticles(ctx, "")
	r1.Close()
	if n == 0 {
		t.Fatal("the restored site has no articles")
	}

	// The quiet site, restored, is the same row for row and page for page.
	// Its node is stopped first: a running node moves its readership's
	// minute edges as the clock passes, so rows would differ by a minute
	// when a restore takes long. A new node serves it for the pages.
	stop()
	after := filepath.Join(dir, "after.tar")
	if _, _, err := cli(t, append([]string{"backup", "--to", after}, db...)...); err != nil {
		t.Fatal(err)
	}
	source, err := openDSN(ctx, dsnOf(db), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()
	targets := [][]string{{"--data", filepath.Join(dir, "r2")}}
	if os.Getenv("DATELINE_TEST_ENGINE") == "postgres" {
		targets = append(targets, []string{"--data", filepath.Join(dir, "r3"), "--db", pgtest.Schema(t)})
	}
	for _, target := range targets {
		if _, _, err := cli(t, append([]string{"restore", "--from", after}, target...)...); err != nil {
			t.Fatalf("restore into %v: %v", target, err)
		}
		restored, err := openDSN(ctx, dsnOf(target), nil)
		if err != nil {
			t.Fatal(err)
		}
		diff, err := dateline.SameRows(ctx, source, restored)
		restored.Close()
		if err != nil {
			t.Fatal(err)
		}
		if diff != "" {
			t.Errorf("%v: rows differ: %s", target, diff)
		}
	}
	quiet := startServe(t, append([]string{"--base-url", publicURL}, db...)...)
	for _, target := range targets {
		samePages(t, quiet, startServe(t, append([]string{"--base-url", publicURL}, target...)...))
	}
}

// publicURL is both sites' address in their links, so pages compare.
const publicURL = "https://news.example"

// dsnOf names the database of --data/--db flags as openDSN takes it.
func dsnOf(args []string) string {
	if len(args) > 3 {
		return args[3]
	}
	return "sqlite:" + filepath.Join(args[1], "dateline.db")
}

// samePages compares the public pages of two sites: the home page, the
// sections, the feeds, the sitemaps and every article the sitemap names.
func samePages(t *testing.T, a, b string) {
	t.Helper()
	paths := []string{"/", "/news", "/economy", "/politics", "/feed.rss", "/feed.atom", "/feed.json", "/sitemap.xml", "/sitemaps/news.xml"}
	sm := get(t, a+"/sitemap.xml")
	for _, m := range regexp.MustCompile(`<loc>([^<]+)</loc>`).FindAllStringSubmatch(sm, -1) {
		paths = append(paths, strings.TrimPrefix(m[1], publicURL))
	}
	for _, m := range regexp.MustCompile(`<loc>([^<]+)</loc>`).FindAllStringSubmatch(get(t, a+"/sitemaps/news.xml"), -1) {
		paths = append(paths, strings.TrimPrefix(m[1], publicURL))
	}
	if len(paths) < 20 {
		t.Fatalf("only %d pages to compare", len(paths))
	}
	for _, p := range paths {
		if !strings.HasPrefix(p, "/") {
			continue
		}
		// A node ranks the most read stories shortly after it starts: a
		// page may take a moment to show them.
		x, y := get(t, a+p), get(t, b+p)
		for deadline := time.Now().Add(5 * time.Second); x != y && time.Now().Before(deadline); {
			time.Sleep(100 * time.Millisecond)
			x, y = get(t, a+p), get(t, b+p)
		}
		if x != y {
			xs, ys := strings.Split(x, "\n"), strings.Split(y, "\n")
			for i := range min(len(xs), len(ys)) {
				if xs[i] != ys[i] {
					t.Errorf("%s differs after the restore, line %d: %q against %q", p, i+1, xs[i], ys[i])
					break
				}
			}
		}
	}
}

// TestRestoreRefuses feeds restore damaged, cut-short and foreign
// archives and full targets: each is refused with one line and a
// non-zero exit, and the target is left as it was.
func TestRestoreRefuses(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	db := []string{"--data", src}
	startServe(t, append([]string{"--demo"}, db...)...)
	archive := filepath.Join(dir, "site.tar")
	if _, _, err := cli(t, append([]string{"backup", "--to", archive}, db...)...); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	// Where the parts are: the database's first bytes, the first media
	// file's data (the block after its header) and the manifest.
	dbAt := bytes.Index(good, []byte("SQLite format 3\x00"))
	mediaAt := bytes.Index(good, []byte("media/"))/512*512 + 512
	for bytes.HasPrefix(good[mediaAt-512:], []byte("PaxHeaders")) || good[mediaAt-512+156] == 'x' {
		mediaAt += 1024 // a PAX header precedes the file's own
	}
	manifestAt := bytes.Index(good, []byte(`"tables"`))
	if dbAt < 0 || mediaAt < 1024 || manifestAt < 0 {
		t.Fatalf("archive layout: db %d media %d manifest %d", dbAt, mediaAt, manifestAt)
	}
	n := 0
	try := func(name string, data []byte, args []string, want string) {
		t.Helper()
		n++
		file := filepath.Join(dir, fmt.Sprintf("case%d.tar", n))
		if data != nil {
			if err := os.WriteFile(file, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		target := filepath.Join(dir, fmt.Sprintf("t%d", n))
		full := append([]string{"restore", "--from", file, "--data", target}, args...)
		_, _, err := cli(t, full...)
		if err == nil {
			t.Errorf("%s: restored", name)
			return
		}
		if exitCode(err) == 0 || strings.Contains(message(err), "\n") || !strings.Contains(message(err), want) {
			t.Errorf("%s: exit %d, %q", name, exitCode(err), message(err))
		}
		if entries, _ := os.ReadDir(target); len(entries) > 0 {
			t.Errorf("%s: the target has %d entries", name, len(entries))
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".t*")); len(left) > 0 {
			t.Errorf("%s: staging left behind: %v", name, left)
		}
	}
	flip := func(at int) []byte {
		b := bytes.Clone(good)
		b[at] ^= 0x01
		return b
	}
	try("a byte of the database", flip(dbAt+600), nil, "damaged")
	try("a byte of a media file", flip(mediaAt+20), nil, "damaged")
	try("a byte of the manifest", flip(manifestAt+3), nil, "damaged")
	try("cut in half", good[:len(good)/2], nil, "damaged")
	try("cut before the manifest", good[:manifestAt/512*512-512], nil, "damaged")
	try("not an archive", []byte("hello, this is not a tar file at all, it is too short"), nil, "damaged")
	try("empty file", []byte{}, nil, "damaged")
	try("no such file", nil, nil, "no such file")

	// A format this dateline does not read.
	var buf bytes.Buffer
	aw := backup.NewWriter(&buf, false, nil)
	if err := aw.AddBytes(backup.DBEntry, []byte("x")); err != nil {
		t.Fatal(err)
	}
	aw.List(backup.File{Path: backup.DBEntry, Size: 1, SHA256: "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"})
	if err := aw.Finish(backup.Manifest{Format: 2}); err != nil {
		t.Fatal(err)
	}
	try("format 2", buf.Bytes(), nil, "format 2")

	// Full targets, before anything is read.
	if _, _, err := cli(t, "restore", "--from", archive, "--data", src); err == nil || !strings.Contains(message(err), "not empty") {
		t.Errorf("into the source folder: %v", err)
	}
	if _, _, err := cli(t, "restore", "--from", archive, "--data", filepath.Join(dir, "new"), "--db", "sqlite:"+filepath.Join(src, "dateline.db")); err == nil || !strings.Contains(message(err), "exists") {
		t.Errorf("into an existing file: %v", err)
	}
	// Missing flags.
	for _, args := range [][]string{{"restore"}, {"backup"}, {"restore", "--data", dir}, {"backup", "--data", src}} {
		if _, _, err := cli(t, args...); err == nil || exitCode(err) != 2 {
			t.Errorf("%v: %v", args, err)
		}
	}
	// The good archive still restores.
	if _, _, err := cli(t, "restore", "--from", archive, "--data", filepath.Join(dir, "ok")); err != nil {
		t.Fatalf("the good archive: %v", err)
	}
}

// TestRestoreIntoPostgresFails: a restore into PostgreSQL that fails
// midway, after some tables were filled (here a table refuses every
// insert), says so in one line and leaves the database empty and the data
// folder as it was, so the same restore can run again once the cause is
// gone.
func TestRestoreIntoPostgresFails(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := []string{"--data", filepath.Join(dir, "src")}
	if _, _, err := cli(t, append([]string{"gen", "--articles", "40"}, src...)...); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(dir, "site.tar")
	if _, _, err := cli(t, append([]string{"backup", "--to", archive}, src...)...); err != nil {
		t.Fatal(err)
	}
	dsn := pgtest.Schema(t)
	pg, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	// article_topics comes after articles and article_pages: those are
	// filled when it refuses.
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no topics today'; END $$;
		CREATE TRIGGER refuse BEFORE INSERT ON article_topics FOR EACH ROW EXECUTE FUNCTION refuse()`); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "restored")
	_, _, err = cli(t, "restore", "--from", archive, "--data", target, "--db", dsn)
	if err == nil {
		t.Fatal("restored into a table that refuses inserts")
	}
	if exitCode(err) == 0 || strings.Contains(message(err), "\n") || !strings.Contains(message(err), "no topics today") ||
		!strings.Contains(message(err), "the database is empty again") {
		t.Errorf("exit %d, %q", exitCode(err), message(err))
	}
	for _, tb := range dateline.Tables {
		if n, err := pg.CountRows(ctx, tb); err != nil || n != 0 {
			t.Errorf("%s: %d rows left, %v", tb.Name, n, err)
		}
	}
	if entries, _ := os.ReadDir(target); len(entries) > 0 {
		t.Errorf("the data folder has %d entries", len(entries))
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".restored*")); len(left) > 0 {
		t.Errorf("staging left behind: %v", left)
	}

	// Without the cause, the same restore goes through.
	if _, err := conn.Exec(ctx, `DROP TRIGGER refuse ON article_topics`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cli(t, "restore", "--from", archive, "--data", target, "--db", dsn); err != nil {
		t.Fatalf("the restore again: %v", err)
	}
	if n, err := pg.CountArticles(ctx, ""); err != nil || n != 40 {
		t.Errorf("%d articles restored, %v", n, err)
	}
}
