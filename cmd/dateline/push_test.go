package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"dateline"
)

// TestPushCommand: destinations from the command line, with the guard.
func TestPushCommand(t *testing.T) {
	db := dbArgs(t, t.TempDir())
	must := mustCLI(t, db)
	if out, _, err := cli(t, "push", "--help"); err != nil || !strings.Contains(out, "X-Dateline-Signature") {
		t.Errorf("push --help: %q, %v", out, err)
	}
	must("client", "add", "--name", "Bank")
	secret := strings.TrimSpace(must("push", "add", "--client", "1", "--url", "https://bank.example/in"))
	if len(secret) != 64 {
		t.Errorf("secret %q", secret)
	}
	if out := must("push", "list", "--client", "1"); !strings.Contains(out, "https://bank.example/in") || !strings.Contains(out, "active") {
		t.Errorf("list: %q", out)
	}
	must("push", "pause", "--destination", "1")
	if out := must("push", "list", "--client", "1"); !strings.Contains(out, "paused") {
		t.Errorf("list after pause: %q", out)
	}
	must("push", "resume", "--destination", "1")
	if out := must("push", "log", "--destination", "1"); !strings.Contains(out, "STATUS") {
		t.Errorf("log: %q", out)
	}
	if out := must("push", "replay", "--destination", "1", "--since", "2026-01-01"); !strings.Contains(out, "0 deliveries") {
		t.Errorf("replay: %q", out)
	}
	for _, tt := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"push", "add", "--client", "1", "--url", "http://bank.example/in"}, "https://", 2},
		{[]string{"push", "add", "--client", "1", "--url", "https://127.0.0.1/in"}, "private", 2},
		{[]string{"push", "add", "--client", "1", "--url", "https://169.254.169.254/latest"}, "private", 2},
		{[]string{"push", "add", "--client", "9", "--url", "https://bank.example/in"}, "No client 9", 1},
		{[]string{"push", "add", "--url", "https://bank.example/in"}, "--client", 2},
		{[]string{"push", "pause", "--destination", "9"}, "No push destination 9", 1},
		{[]string{"push", "replay", "--destination", "1", "--since", "yesterday"}, "YYYY-MM-DD", 2},
		{[]string{"push", "frobnicate"}, "unknown push command", 2},
	} {
		_, _, err := cli(t, append(tt.args, db...)...)
		if err == nil || !strings.Contains(message(err), tt.want) || exitCode(err) != tt.code {
			t.Errorf("%v: %v (exit %d), want %q and exit %d", tt.args, err, exitCode(err), tt.want, tt.code)
		}
	}
	must("push", "delete", "--destination", "1")
}

// serveProcess starts `dateline serve` as a process of its own (this test
// binary as main) on a free loopback port, with args after the usual
// test flags; the caller stops it.
func serveProcess(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", addr, "--log-level", "warn", "--partner-feeds=false"}, args...)...)
	cmd.Env = append(os.Environ(), "DATELINE_TEST_AS_MAIN=1")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// TestPushSurvivesKill: a node is killed (SIGKILL) while it fans out and
// sends; started again, it delivers every item, in order per story, and
// a delivery arrives more than once only when an attempt was cut short.
func TestPushSurvivesKill(t *testing.T) {
	dir := t.TempDir()
	db := dbArgs(t, dir)
	const stories, dests = 300, 3
	var mu sync.Mutex
	got := map[string][]int64{} // destination path -> delivery ids acknowledged, in order
	arrivals := 0
	killNow := make(chan struct{})
	var killed sync.Once
	secrets := map[string]string{}
	story := map[int64]string{} // delivery id -> story URI
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		time.Sleep(5 * time.Millisecond) // a receiver that takes its time
		mu.Lock()
		defer mu.Unlock()
		if !dateline.PushSecretOK(secrets[r.URL.Path], body, r.Header.Get("X-Dateline-Signature")) {
			t.Errorf("%s: a bad signature", r.URL.Path)
		}
		id, _ := strconv.ParseInt(r.Header.Get("X-Dateline-Delivery"), 10, 64)
		var it struct{ URI string }
		json.Unmarshal(body, &it)
		got[r.URL.Path] = append(got[r.URL.Path], id)
		story[id] = it.URI
		arrivals++
		if arrivals == 250 {
			killed.Do(func() { close(killNow) })
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rc.Close()

	store := openTestStore(t, db)
	ctx := context.Background()
	now := time.Now()
	for _, s := range dateline.DefaultSections {
		if err := store.SaveSection(ctx, &s); err != nil {
			t.Fatal(err)
		}
	}
	c := &dateline.Client{Name: "Everyone"}
	p := &dateline.Product{Name: "The wire"}
	if err := store.CreateClient(ctx, c, now); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateProduct(ctx, p, now); err != nil {
		t.Fatal(err)
	}
	if err := store.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: p.ID}); err != nil {
		t.Fatal(err)
	}
	for i := range dests {
		path := "/d/" + strconv.Itoa(i)
		d := &dateline.PushDestination{ClientID: c.ID, URL: rc.URL + path}
		if err := store.CreatePushDestination(ctx, d, now); err != nil {
			t.Fatal(err)
		}
		secrets[path] = d.Secret
	}
	// Stories published and updated before the node starts: it finds
	// their events to fan out.
	for i := range stories {
		at := now.Add(time.Duration(i) * time.Millisecond)
		a := &dateline.Article{URI: "urn:kill:" + strconv.Itoa(i%100), Section: "world", Lang: "en", Status: dateline.StatusPublished,
			Headline: "Story " + strconv.Itoa(i), Pages: []string{"<p>x</p>"}, PublishedAt: now, SourceVersion: at}
		if _, err := store.UpsertArticles(ctx, []*dateline.Article{a}, now); err != nil {
			t.Fatal(err)
		}
	}

	start := func() *exec.Cmd {
		return serveProcess(t, append([]string{"--push-allow-private", "--push-timeout", "300ms"}, db...)...)
	}
	node := start()
	select {
	case <-killNow:
	case <-time.After(30 * time.Second):
		node.Process.Kill()
		node.Wait()
		t.Fatal("nothing arrived in 30 s")
	}
	node.Process.Signal(syscall.SIGKILL)
	node.Wait()
	mu.Lock()
	before := arrivals
	mu.Unlock()
	if os.Getenv("DEBUG_PUSH") != "" {
		for i := int64(1); i <= dests; i++ {
			log, _ := store.PushDeliveries(ctx, i, 0, 10000)
			sent := 0
			for _, l := range log {
				if l.Status == dateline.DeliverySent {
					sent++
				}
			}
			t.Logf("destination %d: %d deliveries, %d sent", i, len(log), sent)
		}
	}

	node = start()
	t.Cleanup(func() {
		node.Process.Signal(os.Interrupt)
		node.Wait()
	})
	want := stories * dests
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		n := 0
		for _, ids := range got {
			n += len(slices.Compact(slices.Clone(ids)))
		}
		mu.Unlock()
		if n >= want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d deliveries arrived (%d before the kill)", n, want, before)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // anything sent twice has arrived
	mu.Lock()
	defer mu.Unlock()
	repeats := 0
	for path, ids := range got {
		var firsts []int64
		for _, id := range ids {
			if slices.Contains(firsts, id) {
				repeats++
				continue
			}
			firsts = append(firsts, id)
		}
		if len(firsts) != stories {
			t.Errorf("%s: %d deliveries, want %d", path, len(firsts), stories)
		}
		// Deliveries are made in event order, so a story's versions
		// arrive in the order of their ids.
		byStory := map[string][]int64{}
		for _, id := range firsts {
			byStory[story[id]] = append(byStory[story[id]], id)
		}
		for uri, ids := range byStory {
			if !slices.IsSorted(ids) || len(ids) != stories/100 {
				t.Errorf("%s: %s arrived as %v, want %d in order", path, uri, ids, stories/100)
			}
		}
	}
	// Only the attempts in flight or not yet recorded when the node died
	// may repeat (32 POSTs at a time, recorded 32 at a time or every
	// 50 ms): not everything that arrived before.
	if repeats >= before {
		t.Errorf("all %d deliveries that arrived before the kill arrived again: none was recorded", repeats)
	}
	t.Logf("%d arrived before the kill, %d twice", before, repeats)
}
