package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rss is a process's resident memory in bytes, from /proc.
func rss(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS")
}

// BenchmarkStreams10k opens 10,000 live streams on a real dateline node (a
// process of its own, so the figure is the node's alone), reads the
// node's resident memory before and after, then publishes one story and
// measures how long until every stream has it.
//
//	go test -run '^$' -bench Streams10k -benchtime 1x ./e2e
func BenchmarkStreams10k(b *testing.B) {
	const streams = 10_000
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	data := b.TempDir()
	n, err := startNode(ctx, binPath, "--data", data)
	if err != nil {
		b.Fatal(err)
	}
	defer n.stop()
	out, err := exec.Command(binPath, "token", "create", "--data", data, "--name", "bench", "--scope", "write").Output()
	if err != nil {
		b.Fatal(err)
	}
	token := strings.TrimSpace(string(out))
	time.Sleep(time.Second)
	before, _ := rss(n.cmd.Process.Pid)
	conns := make([]net.Conn, 0, streams)
	readers := make([]*bufio.Reader, 0, streams)
	for j := 0; j < streams; j++ {
		c, err := net.Dial("tcp", n.addr)
		if err != nil {
			b.Fatalf("stream %d: %v", j, err)
		}
		fmt.Fprintf(c, "GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n\r\n")
		conns, readers = append(conns, c), append(readers, bufio.NewReaderSize(c, 256))
	}
	for j, r := range readers { // every stream is open on the node
		conns[j].SetReadDeadline(time.Now().Add(30 * time.Second))
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				b.Fatalf("stream %d: %v", j, err)
			}
			if strings.HasPrefix(line, ": dateline live") {
				break
			}
		}
	}
	time.Sleep(time.Second)
	after, _ := rss(n.cmd.Process.Pid)
	b.ReportMetric(float64(after-before)/streams, "B/stream")
	b.ReportMetric(float64(after)/(1<<20), "MiB-rss")

	start := time.Now()
	if code, body := tryIngest(n.addr, token, item("urn:bench:streams10k", "Fan-out to ten thousand", time.Now().UTC(), "")); code >= 300 {
		b.Fatalf("ingest: %d %s", code, body)
	}
	var wg sync.WaitGroup
	var missing atomic.Int64
	for j := range readers {
		wg.Add(1)
		go func(j int) {
			defer wg.Done()
			conns[j].SetReadDeadline(time.Now().Add(30 * time.Second))
			for {
				line, err := readers[j].ReadString('\n')
				if err != nil {
					missing.Add(1)
					return
				}
				if strings.Contains(line, "Fan-out to ten thousand") {
					return
				}
			}
		}(j)
	}
	wg.Wait()
	b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms-fanout")
	if missing.Load() > 0 {
		b.Errorf("%d streams did not get the story", missing.Load())
	}
	for _, c := range conns {
		c.Close()
	}
}
