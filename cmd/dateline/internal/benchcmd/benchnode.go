package benchcmd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// benchNode is a "dateline serve" child process that "dateline bench
// archive" measures from outside, as readers and crawlers see it.
type benchNode struct {
	bin     string   // the dateline binary that serves
	data    []string // --data and --db as the bench was given them
	base    string   // http://127.0.0.1:PORT
	logPath string
	cmd     *exec.Cmd
	done    chan error
	client  *http.Client
}

// newBenchNode prepares a node of bin on the data the flags name; start
// runs it. Its log goes to a file in dir.
func newBenchNode(bin string, data []string, dir string, conns int) *benchNode {
	return &benchNode{bin: bin, data: data, logPath: filepath.Join(dir, "serve.log"),
		client: &http.Client{
			Timeout:   2 * time.Minute,
			Transport: &http.Transport{MaxIdleConnsPerHost: conns + 8, DisableCompression: true},
			// A redirect is an answer to measure, not to follow.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
}

// command runs one dateline command of the node's binary on its data and
// returns what it printed on standard output.
func (n *benchNode) command(ctx context.Context, args ...string) (string, error) {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, n.bin, append(args, n.data...)...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", filepath.Base(n.bin), args[0], err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// createToken makes an API token with the node's binary and returns it.
func (n *benchNode) createToken(ctx context.Context, name, scope string) (string, error) {
	args := []string{"token", "create", "--name", name, "--scope", scope}
	if scope == "write" {
		args = append(args, "--source", benchSource)
	}
	out, err := n.command(ctx, args...)
	return strings.TrimSpace(out), err
}

// start runs "dateline serve" on a free loopback port and waits until it
// answers /healthz.
func (n *benchNode) start(ctx context.Context) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	logFile, err := os.Create(n.logPath)
	if err != nil {
		return err
	}
	args := append([]string{"serve", "--addr", addr, "--partner-feeds=false"}, n.data...)
	n.cmd = exec.Command(n.bin, args...)
	n.cmd.Stdout, n.cmd.Stderr = logFile, logFile
	if err := n.cmd.Start(); err != nil {
		logFile.Close()
		return err
	}
	n.base = "http://" + addr
	n.done = make(chan error, 1)
	go func() { n.done <- n.cmd.Wait(); logFile.Close() }()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		if code, err := n.status(ctx, "/healthz"); err == nil && code == http.StatusOK {
			return nil
		}
		select {
		case err := <-n.done:
			n.done <- err
			return fmt.Errorf("the server stopped: %v; %s", err, n.logTail())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server did not answer /healthz in 5 minutes; %s", n.logTail())
		}
	}
}

// stop ends the server as an operator does, with SIGTERM, and kills it if
// it has not stopped in 30 seconds.
func (n *benchNode) stop() {
	if n.cmd == nil || n.cmd.Process == nil {
		return
	}
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
	case <-time.After(30 * time.Second):
		n.cmd.Process.Kill()
		<-n.done
	}
	n.cmd = nil
}

// logTail is the end of the server's log, for an error message.
func (n *benchNode) logTail() string {
	b, _ := os.ReadFile(n.logPath)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return "its log ends: " + strings.TrimSpace(string(b))
}

// rss is the server's resident memory in bytes, from /proc.
func (n *benchNode) rss() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", n.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// status answers the status code of a GET of path.
func (n *benchNode) status(ctx context.Context, path string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, n.base+path, nil)
	if err != nil {
		return 0, err
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// get fetches path and returns the body. With gzip it asks for gzip as a
// browser does (and does not undo it); token, when set, is sent as the
// bearer. An answer other than 200 is an error naming the address.
func (n *benchNode) get(ctx context.Context, path, token string, gzip bool) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, n.base+path, nil)
	if err != nil {
		return nil, err
	}
	if gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return n.do(req, http.StatusOK)
}

func (n *benchNode) do(req *http.Request, want ...int) ([]byte, error) {
	resp, err := n.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	for _, w := range want {
		if resp.StatusCode == w {
			return body, nil
		}
	}
	return nil, fmt.Errorf("%s %s: %s: %.200s", req.Method, req.URL.RequestURI(), resp.Status, bytes.TrimSpace(body))
}

// post sends a ninjs document to the ingest API with the write token.
func (n *benchNode) post(ctx context.Context, token string, doc any) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.base+"/api/v1/items", bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	_, err = n.do(req, http.StatusOK, http.StatusCreated)
	return err
}

// tokenPool hands out read tokens so that none goes over the API's limit
// of 1,200 requests a minute: each is used at most once every 51 ms, and a
// caller waits (before its request, so the wait is not measured) when all
// were used just now.
type tokenPool struct {
	mu     sync.Mutex
	tokens []string
	next   []time.Time
}

const tokenSpacing = 51 * time.Millisecond

func newTokenPool(tokens []string) *tokenPool {
	return &tokenPool{tokens: tokens, next: make([]time.Time, len(tokens))}
}

// take returns a token that may be used now, waiting for one if need be.
func (p *tokenPool) take(ctx context.Context) (string, error) {
	p.mu.Lock()
	best := 0
	for i, t := range p.next {
		if t.Before(p.next[best]) {
			best = i
		}
	}
	at := p.next[best]
	now := time.Now()
	if at.Before(now) {
		at = now
	}
	p.next[best] = at.Add(tokenSpacing)
	tok := p.tokens[best]
	p.mu.Unlock()
	select {
	case <-time.After(time.Until(at)):
		return tok, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
