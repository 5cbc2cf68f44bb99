package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/ingest"
)

// TestImportYieldsToLiveIngest: a large import into the SQLite file a site
// serves from (asked for batches of 30,000) keeps each transaction short
// and pauses between them, so the wire's live ingest never fails and
// waits a bounded time behind it (2 s beyond what an ingest takes with
// the writer free, measured first on the same machine: under load an
// ingest's own work is slow too, and that is no wait). It logs both.
func TestImportYieldsToLiveIngest(t *testing.T) {
	dir := t.TempDir()
	live := openTestStore(t, []string{"--data", dir})
	var b strings.Builder
	body := strings.Repeat("<p>A paragraph of an archived story, long enough to take some writing. </p>", 40)
	for i := range 4000 {
		fmt.Fprintf(&b, `{"uri":"urn:archive:%d","versioncreated":"2025-01-02T10:00:00Z","headlines":[{"value":"Archived story %d"}],"bodies":[{"contenttype":"text/html","value":%q}],"subjects":[{"name":"Archive topic %d"}]}`+"\n", i, i, body, i%50)
	}
	file := filepath.Join(dir, "archive.jsonl")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	in := &ingest.Service{Store: live, FallbackSection: "world", Source: "wire"}
	ingestOne := func(uri string) (time.Duration, error) {
		doc := fmt.Sprintf(`{"uri":%q,"versioncreated":%q,"headlines":[{"value":"Live story %s"}]}`, uri, time.Now().UTC().Format(time.RFC3339Nano), uri)
		start := time.Now()
		_, err := in.Ingest(context.Background(), []byte(doc))
		return time.Since(start), err
	}
	// An ingest's own cost, with the writer free.
	var alone time.Duration
	for i := range 10 {
		took, err := ingestOne(fmt.Sprintf("urn:alone:%d", i))
		if err != nil {
			t.Fatal(err)
		}
		alone = max(alone, took)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var worst time.Duration
	var sent int
	var failures []string
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			took, err := ingestOne(fmt.Sprintf("urn:live:%d", i))
			worst = max(worst, took)
			sent++
			if err != nil {
				failures = append(failures, fmt.Sprintf("%v after %v (%s)", err, took, dateline.ErrorCode(err)))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	started := time.Now()
	_, stderr, err := cli(t, "import", "--data", dir, "--batch", "30000", file)
	importTime := time.Since(started)
	cancel()
	wg.Wait()
	if err != nil {
		t.Fatalf("import: %v %s", err, stderr)
	}
	t.Logf("import of 4,000 stories took %v; %d live ingests meanwhile, the longest took %v (alone at most %v)", importTime, sent, worst, alone)
	if len(failures) > 0 {
		t.Errorf("live ingest failed during the import: %s", strings.Join(failures, "; "))
	}
	if worst-alone > 2*time.Second {
		t.Errorf("a live ingest took %v, %v more than alone: it waited behind the import", worst, worst-alone)
	}
	if n, _ := live.CountArticles(context.Background(), ""); n != 4000+10+sent {
		t.Errorf("%d articles stored, want %d", n, 4000+10+sent)
	}
}

// TestBusyDatabaseIs503: while another process holds SQLite's writer, a
// wire POST waits a bounded time and is then answered 503 with
// Retry-After and a message, never 500; once the writer is free the same
// POST is stored.
func TestBusyDatabaseIs503(t *testing.T) {
	dir := t.TempDir()
	base := startServe(t, "--data", dir)
	out, _, err := cli(t, "token", "create", "--data", dir, "--name", "wire", "--scope", "write")
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(out)
	// Another writer (an import, a second process) takes the lock.
	other, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "dateline.db")+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"uri":"urn:busy:1","versioncreated":"2026-01-02T10:00:00Z","headlines":[{"value":"Sent while busy"}]}`
	post := func() (*http.Response, string) {
		req, _ := http.NewRequest("POST", base+"/api/v1/items", strings.NewReader(doc))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	start := time.Now()
	resp, body := post()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "busy") {
		t.Errorf("while busy: %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	// One busy wait (5 s) at most: a write queued behind one of the
	// node's own writes (the views flush, the release timer) that found
	// the database busy gives up with it.
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("the busy answer took %v", took)
	}
	tx.Rollback()
	if resp, body := post(); resp.StatusCode != http.StatusCreated {
		t.Errorf("after the writer let go: %d %s", resp.StatusCode, body)
	}
}
