package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"dateline/internal/pgtest"
	"dateline/superdesk"
)

// BenchmarkSuperdeskCluster measures, on three `serve` nodes sharing one
// PostgreSQL database, the time from the start of Superdesk's item POST
// (signed, sent to the nodes in turn) to the story being served on every
// node: its article address answering 200 with the headline, and the
// node's /news list (a cached page, dropped by the change's notification)
// showing it. Each item is one b.N; it reports the p50 and p99 of the
// slowest node's time, for the address and for /news:
//
//	DATELINE_TEST_POSTGRES=postgres://127.0.0.1:5432/test?sslmode=disable \
//	  go test ./e2e -run '^$' -bench SuperdeskCluster -benchtime 50x
func BenchmarkSuperdeskCluster(b *testing.B) {
	dsn := pgtest.Schema(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	data := b.TempDir()
	const secret = "bench-superdesk-secret-0123456789"
	add := exec.Command(binPath, "source", "add", "superdesk", "bench-desk", "--secret-from-stdin", "--data", data, "--db", dsn)
	add.Stdin = strings.NewReader(secret + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		b.Fatalf("source add: %v %s", err, out)
	}
	var nodes []*node
	for i := range 3 {
		n, err := startNode(ctx, binPath, "--data", fmt.Sprintf("%s/node%d", data, i), "--db", dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer n.stop()
		nodes = append(nodes, n)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	fetch := func(url string) (int, string) {
		res, err := client.Get(url)
		if err != nil {
			return 0, err.Error()
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	// until polls url on every node until ok says it shows the story,
	// and returns the slowest node's time since start.
	until := func(start time.Time, path string, ok func(code int, body string) bool) time.Duration {
		var mu sync.Mutex
		var worst time.Duration
		var wg sync.WaitGroup
		for _, n := range nodes {
			wg.Go(func() {
				for {
					if ok(fetch("http://" + n.addr + path)) {
						break
					}
					if time.Since(start) > 30*time.Second {
						b.Errorf("node %s never showed %s", n.addr, path)
						return
					}
					time.Sleep(5 * time.Millisecond)
				}
				mu.Lock()
				worst = max(worst, time.Since(start))
				mu.Unlock()
			})
		}
		wg.Wait()
		return worst
	}
	var toPage, toList []time.Duration
	b.ResetTimer()
	for i := range b.N {
		// Every node's /news is warm, so it shows the story only once the
		// change was heard.
		for _, n := range nodes {
			fetch("http://" + n.addr + "/news")
		}
		headline := fmt.Sprintf("Cluster bench story %d from Superdesk", i)
		doc, _ := json.Marshal(map[string]any{
			"guid": fmt.Sprintf("urn:newsml:bench.example:%d:%d", time.Now().UnixNano(), i), "version": "1", "type": "text",
			"pubstatus": "usable", "versioncreated": time.Now().UTC().Format("2006-01-02T15:04:05+0000"),
			"headline": headline, "language": "en", "urgency": 3, "byline": "Bench Desk",
			"service":   []map[string]string{{"code": "i", "name": "International News"}},
			"subject":   []map[string]string{{"code": "11000000", "name": "politics"}},
			"body_html": "<p>Measured from the POST to every node.</p>",
		})
		req, _ := http.NewRequest("POST", "http://"+nodes[i%len(nodes)].addr+"/api/v2/content/push", bytes.NewReader(doc))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-superdesk-signature", superdesk.Sign(secret, doc))
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var out struct {
			ID      int64
			Section string
		}
		json.Unmarshal(body, &out)
		if res.StatusCode != http.StatusCreated || out.ID == 0 {
			b.Fatalf("item %d: %d %s", i, res.StatusCode, body)
		}
		toPage = append(toPage, until(start, fmt.Sprintf("/%s/%d", out.Section, out.ID), func(code int, body string) bool {
			return code == http.StatusOK && strings.Contains(body, headline)
		}))
		toList = append(toList, until(start, "/news", func(code int, body string) bool {
			return code == http.StatusOK && strings.Contains(body, headline)
		}))
	}
	b.StopTimer()
	pct := func(d []time.Duration, p float64) float64 {
		s := slices.Clone(d)
		slices.Sort(s)
		return float64(s[min(len(s)-1, int(float64(len(s))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(toPage, 0.5), "page-p50-ms")
	b.ReportMetric(pct(toPage, 0.99), "page-p99-ms")
	b.ReportMetric(pct(toList, 0.5), "news-p50-ms")
	b.ReportMetric(pct(toList, 0.99), "news-p99-ms")
	b.ReportMetric(0, "ns/op")
}
