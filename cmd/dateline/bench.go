package main

import (
	"bufio"
	"bytes"
	"context"
	"dateline/cmd/dateline/internal/benchcmd"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dateline/demo"
	"dateline/media"
)

// runBench runs "dateline bench archive" (the archive-scale table, in
// bencharchive.go) or the warm article page against a bare handler, which
// is also what "dateline bench" alone does.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "archive":
			return benchcmd.RunArchive(ctx, args[1:], stdout, stderr)
		case "warm":
			args = args[1:]
		}
	}
	return runBenchWarm(ctx, args, stdout, stderr)
}

func runBenchWarm(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		duration time.Duration
		rounds   int
		conns    int
		tool     string
		keep     bool
	)
	fs := newFlagSet("bench", "Usage: dateline bench [warm] [flags]\n       dateline bench archive --help   (every path of the archive-scale table, on your data)\n\nLoads the demo site into a temporary folder, serves it on loopback exactly as\n\"dateline serve\" does (access log included, written to a file), and measures\nthe warm article page of the seed story against a bare net/http handler that\nwrites the same response (body and headers) from memory. Rounds alternate between the two so both\nsee the same machine; it prints every round, the medians and their ratio.\nIt stops by itself after 2 x rounds x duration.")
	fs.DurationVar(&duration, "duration", 5*time.Second, "length of each round")
	fs.IntVar(&rounds, "rounds", 3, "rounds for each server")
	fs.IntVar(&conns, "connections", 32, "concurrent keep-alive connections")
	fs.StringVar(&tool, "tool", "auto", "load generator: wrk (Debian's package), go (built in), or auto (wrk when installed)")
	fs.BoolVar(&keep, "keep", false, "keep the temporary data folder")
	if err := parse(fs, args, stdout, stderr, false); err != nil {
		return err
	}
	if duration < 100*time.Millisecond || duration > 10*time.Minute || rounds < 1 || rounds > 20 || conns < 1 || conns > 1000 {
		return usagef("--duration must be 100ms..10m, --rounds 1..20, --connections 1..1000")
	}
	switch tool {
	case "auto":
		tool = "go"
		if _, err := exec.LookPath("wrk"); err == nil {
			tool = "wrk"
		}
	case "wrk":
		if _, err := exec.LookPath("wrk"); err != nil {
			return usagef("wrk is not installed (apt-get install wrk), or use --tool go")
		}
	case "go":
	default:
		return usagef("--tool must be wrk, go or auto")
	}

	dir, err := os.MkdirTemp("", "dateline-bench-")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	c := &serveConfig{store: storeFlags{data: dir}, siteName: "Dateline", agencyMark: "DATELINE",
		city: "Moscow=Europe/Moscow", fallbackSection: "world", maxBody: 2 << 20}
	store, err := c.store.open(ctx)
	if err != nil {
		return err
	}
	if _, err := demo.Load(ctx, store, media.Dir{Root: filepath.Join(dir, "media")}, time.Now()); err != nil {
		store.Close()
		return err
	}
	seed, err := store.ArticleByURI(ctx, "urn:dateline:demo:p1-lavrov-terrorists")
	store.Close()
	if err != nil {
		return err
	}
	path := fmt.Sprintf("/%s/%d", seed.Section, seed.ID)

	logFile, err := os.Create(filepath.Join(dir, "access.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	lw := newLogWriter(logFile)
	defer lw.Close()
	log, _ := newLogger(lw, "text", "info")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srvCtx, stopSrv := context.WithCancel(ctx)
	defer stopSrv()
	srvDone := make(chan error, 1)
	go func() { srvDone <- serve(srvCtx, c, ln, log) }()
	target := "http://" + ln.Addr().String() + path
	body, header, err := fetchWhenUp(ctx, target)
	if err != nil {
		return err
	}

	// The bare handler sends the same response: the same body and the same
	// headers (ETag, caching, security), set from memory.
	header.Del("Date")
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range header {
			h[k] = v
		}
		w.Write(body)
	})
	bln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	bs := &http.Server{Handler: bare}
	go bs.Serve(bln)
	defer bs.Close()
	bareURL := "http://" + bln.Addr().String() + path

	fmt.Fprintf(stdout, "article page %s: %d bytes and %d headers; load by %s, %d connections, %d rounds of %s each\n",
		path, len(body), len(header), tool, conns, rounds, duration)
	var ours, theirs []float64
	for i := range rounds {
		for _, t := range []struct {
			name string
			url  string
			into *[]float64
		}{{"dateline", target, &ours}, {"bare net/http", bareURL, &theirs}} {
			if err := ctx.Err(); err != nil {
				return err
			}
			rate, err := measure(ctx, tool, t.url, conns, duration)
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			*t.into = append(*t.into, rate)
			fmt.Fprintf(stdout, "round %d  %-14s %10.0f requests/s\n", i+1, t.name, rate)
		}
	}
	mo, mt := median(ours), median(theirs)
	fmt.Fprintf(stdout, "median   dateline       %10.0f requests/s\n", mo)
	fmt.Fprintf(stdout, "median   bare net/http  %10.0f requests/s\n", mt)
	fmt.Fprintf(stdout, "ratio    %.3f (dateline / bare handler)\n", mo/mt)
	stopSrv()
	if err := <-srvDone; err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// fetchWhenUp waits for the server and returns the page's body and headers
// as a client that asks for no compression gets them.
func fetchWhenUp(ctx context.Context, url string) ([]byte, http.Header, error) {
	deadline := time.Now().Add(30 * time.Second)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for {
		resp, err := client.Get(url)
		if err == nil {
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return nil, nil, fmt.Errorf("GET %s: %s", url, resp.Status)
			}
			body, err := io.ReadAll(resp.Body)
			return body, resp.Header, err
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return nil, nil, fmt.Errorf("the server did not come up: %w", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func measure(ctx context.Context, tool, url string, conns int, d time.Duration) (float64, error) {
	if tool == "wrk" {
		return measureWrk(ctx, url, conns, d)
	}
	return measureGo(ctx, url, conns, d)
}

var wrkRate = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)

func measureWrk(ctx context.Context, url string, conns int, d time.Duration) (float64, error) {
	secs := max(1, int(d.Round(time.Second)/time.Second))
	out, err := exec.CommandContext(ctx, "wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+strconv.Itoa(secs)+"s", url).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("wrk: %w: %s", err, out)
	}
	if bytes.Contains(out, []byte("Non-2xx")) {
		return 0, fmt.Errorf("wrk saw non-2xx answers: %s", out)
	}
	m := wrkRate.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("wrk printed no rate: %s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// measureGo is a small HTTP/1.1 keep-alive load generator: each connection
// sends a GET, reads the whole answer and sends the next, until the time is
// up. It is lighter than net/http's client, so most of the machine goes to
// the server under test.
func measureGo(ctx context.Context, url string, conns int, d time.Duration) (float64, error) {
	rest := strings.TrimPrefix(url, "http://")
	host, path, _ := strings.Cut(rest, "/")
	req := []byte("GET /" + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: dateline-bench\r\n\r\n")
	var count atomic.Int64
	var firstErr error
	var mu sync.Mutex
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := loadConn(ctx, host, req, deadline, &count); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	wg.Wait()
	if firstErr != nil {
		return 0, firstErr
	}
	return float64(count.Load()) / time.Since(start).Seconds(), nil
}

func loadConn(ctx context.Context, host string, req []byte, deadline time.Time, count *atomic.Int64) error {
	conn, err := net.Dial("tcp", host)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(deadline.Add(5 * time.Second))
	br := bufio.NewReaderSize(conn, 64<<10)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if _, err := conn.Write(req); err != nil {
			return err
		}
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if !bytes.HasPrefix(line, []byte("HTTP/1.1 200")) {
			return fmt.Errorf("answer %q", bytes.TrimSpace(line))
		}
		length := -1
		for {
			h, err := br.ReadSlice('\n')
			if err != nil {
				return err
			}
			if len(h) <= 2 {
				break
			}
			if k, v, ok := bytes.Cut(h, []byte(":")); ok && bytes.EqualFold(k, []byte("Content-Length")) {
				length, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
			}
		}
		if length < 0 {
			return errors.New("answer without Content-Length")
		}
		if _, err := br.Discard(length); err != nil {
			return err
		}
		count.Add(1)
	}
	return nil
}
