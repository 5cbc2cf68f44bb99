package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"dateline/internal/pgtest"
)

// TestCluster runs three nodes on one PostgreSQL database: a story taken in
// by one node is on the home page and feed of the others within a second,
// a scheduled story is published exactly once, and killing a node loses
// nothing.
func TestCluster(t *testing.T) {
	dsn := pgtest.Schema(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	data := t.TempDir()
	out, err := exec.Command(binPath, "token", "create", "--data", data, "--db", dsn, "--name", "cluster", "--scope", "write").Output()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	token := strings.TrimSpace(string(out))

	var nodes []*node
	for i := range 3 {
		n, err := startNode(ctx, binPath, "--data", fmt.Sprintf("%s/node%d", data, i), "--db", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			if n.cmd.ProcessState == nil {
				n.stop()
			}
			if t.Failed() {
				t.Logf("node %d log:\n%s", i+1, n.logs())
			}
		}()
		nodes = append(nodes, n)
	}
	// Warm every node's cache, so a stale page would show.
	for _, n := range nodes {
		for _, p := range []string{"/", "/news"} {
			get(t, "http://"+n.addr+p)
		}
	}

	// 1. Ingested on node 1, everywhere within a second.
	now := time.Now().UTC()
	doc := item("urn:cluster:1", "Cluster story reaches every node", now, "")
	sent := time.Now()
	if code, body := ingest(t, nodes[0].addr, token, doc); code != 201 {
		t.Fatalf("ingest: %d %s", code, body)
	}
	var worst time.Duration
	for i, n := range nodes[1:] {
		for _, p := range []string{"/", "/news"} {
			waitFor(t, "http://"+n.addr+p, "Cluster story reaches every node", 5*time.Second)
			lag := time.Since(sent)
			worst = max(worst, lag)
			if lag > time.Second {
				t.Errorf("node %d %s showed the story %v after it was sent to node 1", i+2, p, lag)
			}
		}
	}
	t.Logf("a story sent to node 1 was on the other nodes' pages within %v", worst)

	// 2. A scheduled story is published once, by one node.
	release := time.Now().UTC().Truncate(time.Second).Add(3 * time.Second)
	doc = item("urn:cluster:embargo", "Embargoed cluster story", now, fmt.Sprintf(`, "embargoed": %q`, release.Format(time.RFC3339)))
	code, body := ingest(t, nodes[1].addr, token, doc)
	if code != 201 {
		t.Fatalf("embargoed ingest: %d %s", code, body)
	}
	var res struct{ ID int64 }
	json.Unmarshal([]byte(body), &res)
	for _, n := range nodes {
		waitFor(t, "http://"+n.addr+"/news", "Embargoed cluster story", 10*time.Second)
	}
	time.Sleep(2 * time.Second) // every node's scheduler has run since
	released := 0
	for _, n := range nodes {
		released += strings.Count(n.logs(), fmt.Sprintf("msg=\"published scheduled stories\" ids=%d\n", res.ID))
	}
	if released != 1 {
		t.Errorf("the scheduled story was released %d times across the cluster, want 1", released)
	}

	// 3. Kill node 2 in the middle of a stream of stories; nothing is lost.
	const stream = 30
	for i := range stream {
		if i == stream/2 {
			nodes[1].kill()
		}
		doc := item(fmt.Sprintf("urn:cluster:stream:%d", i), fmt.Sprintf("Stream story number %d", i), now, "")
		// Like a load balancer, try the next node when one does not answer.
		ok := false
		for k := range nodes {
			n := nodes[(i+k)%len(nodes)]
			if code, _ := tryIngest(n.addr, token, doc); code == 201 {
				ok = true
				break
			}
		}
		if !ok {
			t.Fatalf("story %d could not be sent to any node", i)
		}
	}
	restarted, err := startNode(ctx, binPath, "--data", data+"/node1-again", "--db", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer restarted.stop()
	for _, n := range []*node{nodes[0], nodes[2], restarted} {
		for i := range stream {
			if !strings.Contains(feedAll(t, n.addr), fmt.Sprintf("Stream story number %d<", i)) {
				t.Errorf("node %s lacks stream story %d", n.addr, i)
			}
		}
	}
}

func item(uri, headline string, version time.Time, extra string) string {
	return fmt.Sprintf(`{"uri": %q, "versioncreated": %q, "headlines": [{"value": %q}],
		"bodies": [{"contenttype": "text/html", "value": "<p>Body.</p>"}], "subjects": [{"literal": "11000000"}]%s}`,
		uri, version.Format(time.RFC3339), headline, extra)
}

func tryIngest(addr, token, doc string) (int, string) {
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/items", strings.NewReader(doc))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func ingest(t *testing.T, addr, token, doc string) (int, string) {
	t.Helper()
	return tryIngest(addr, token, doc)
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// waitFor polls a page until it contains want and returns how long that took.
func waitFor(t *testing.T, url, want string, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if strings.Contains(get(t, url), want) {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			t.Fatalf("%s never showed %q", url, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// feedAll reads every page of a node's feed.
func feedAll(t *testing.T, addr string) string {
	var all strings.Builder
	next := "/news"
	for range 50 {
		body := get(t, "http://"+addr+next)
		all.WriteString(body)
		i := strings.Index(body, `class="more" href="`)
		if i < 0 {
			break
		}
		rest := body[i+len(`class="more" href="`):]
		next = "/news" + strings.ReplaceAll(rest[:strings.IndexByte(rest, '"')], "&amp;", "&")
	}
	return all.String()
}
