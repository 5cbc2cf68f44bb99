package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"dateline/internal/pgtest"
	"dateline/internal/weedtest"
)

// TestClusterS3 runs three nodes on one PostgreSQL database and one S3
// bucket (SeaweedFS on loopback): a photo uploaded through node 1's
// newsroom is served by the other two, byte for byte, with the same ETag.
func TestClusterS3(t *testing.T) {
	w := weedtest.Start(t)
	dsn := pgtest.Schema(t)
	t.Setenv("AWS_ACCESS_KEY_ID", weedtest.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", weedtest.SecretKey)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	data := t.TempDir()
	const password = "cluster-s3-password"
	add := exec.Command(binPath, "user", "add", "--data", data+"/node0", "--db", dsn, "--email", "desk@example.org", "--name", "Desk", "--role", "editor")
	add.Stdin = strings.NewReader(password + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v: %s", err, out)
	}
	var nodes []*node
	for i := range 3 {
		n, err := startNode(ctx, binPath, "--data", fmt.Sprintf("%s/node%d", data, i), "--db", dsn, "--media", w.URL("cluster"))
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			n.stop()
			if t.Failed() {
				t.Logf("node %d log:\n%s", i+1, lastLines(n.logs(), 40))
			}
		}()
		nodes = append(nodes, n)
	}

	c := newClient(t, "http://"+nodes[0].addr)
	c.login("desk@example.org", password)
	c.upload(writeJPEG(t, t.TempDir(), "cluster.jpg", 1000, 700), "A photo for every node", "Photo: Desk")
	_, list := c.get("/newsroom/api/photos")
	var photos []struct{ Src, Full string }
	if err := json.Unmarshal([]byte(list), &photos); err != nil || len(photos) != 1 || photos[0].Src == "" {
		t.Fatalf("the library: %v %s", err, list)
	}
	if keys := w.Keys(t, "cluster/"); len(keys) < 2 {
		t.Errorf("the bucket holds %v", keys)
	}
	for _, src := range []string{photos[0].Src, photos[0].Full} {
		first, firstTag := fetch(t, "http://"+nodes[0].addr+src)
		for i, n := range nodes[1:] {
			body, tag := fetch(t, "http://"+n.addr+src)
			if body != first || tag != firstTag || tag == "" {
				t.Errorf("node %d %s: %d bytes, ETag %s; node 1: %d bytes, ETag %s", i+2, src, len(body), tag, len(first), firstTag)
			}
		}
	}
}

// fetch GETs url, which must answer 200, and returns the body and the
// ETag a HEAD of it gives.
func fetch(t *testing.T, url string) (string, string) {
	t.Helper()
	code, body := httpGet(t, url)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, code, body)
	}
	resp, err := http.Head(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return body, resp.Header.Get("ETag")
}
