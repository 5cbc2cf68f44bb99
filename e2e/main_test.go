// Package e2e runs the real dateline binary and drives its pages in a real
// headless Chromium: navigation, the feed filter and "More news" with and
// without JavaScript, and axe-core's accessibility rules at phone and
// desktop widths.
package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var (
	baseURL string
	binPath string
	dataDir string // the shared demo server's data folder
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "dateline-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binPath = filepath.Join(dir, "dateline")
	build := exec.Command("go", "build", "-o", binPath, "../cmd/dateline")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dataDir = filepath.Join(dir, "data")
	addr, stop, err := startServer(ctx, binPath, dataDir, "--demo", "--trusted-proxy", "127.0.0.1")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stop()
	baseURL = "http://" + addr
	return m.Run()
}

var servingLine = regexp.MustCompile(`msg=serving addr=(\S+)`)

// node is one running "dateline serve" process.
type node struct {
	addr string
	cmd  *exec.Cmd
	mu   sync.Mutex
	log  strings.Builder
	done chan struct{}
}

// logs returns what the node has logged so far.
func (n *node) logs() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.log.String()
}

// stop ends the node gracefully, as an operator's SIGTERM does.
func (n *node) stop() {
	n.cmd.Process.Signal(os.Interrupt)
	select {
	case <-n.done:
	case <-time.After(10 * time.Second):
		n.cmd.Process.Kill()
		<-n.done
	}
}

// kill ends the node at once, as a crash does.
func (n *node) kill() {
	n.cmd.Process.Kill()
	<-n.done
}

// startServer runs "dateline serve" on a free loopback port and returns it
// once it answers /healthz.
func startServer(ctx context.Context, bin, data string, args ...string) (string, func(), error) {
	n, err := startNode(ctx, bin, append([]string{"--data", data}, args...)...)
	if err != nil {
		return "", nil, err
	}
	return n.addr, n.stop, nil
}

func startNode(ctx context.Context, bin string, args ...string) (*node, error) {
	cmd := exec.CommandContext(ctx, bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "info"}, args...)...)
	dieWithParent(cmd)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	n := &node{cmd: cmd, done: make(chan struct{})}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		found := false
		for sc.Scan() {
			n.mu.Lock()
			n.log.WriteString(sc.Text() + "\n")
			n.mu.Unlock()
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil && !found {
				found = true
				addrc <- m[1]
			}
		}
		cmd.Wait()
		close(n.done)
	}()
	select {
	case n.addr = <-addrc:
		for i := 0; i < 100; i++ {
			if resp, err := http.Get("http://" + n.addr + "/healthz"); err == nil {
				resp.Body.Close()
				return n, nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		n.kill()
		return nil, fmt.Errorf("server at %s never answered", n.addr)
	case <-n.done:
		return nil, fmt.Errorf("server exited: %s", n.logs())
	case <-time.After(60 * time.Second):
		n.kill()
		return nil, fmt.Errorf("server did not start: %s", n.logs())
	}
}

// browser returns a Chromium tab, or skips the test when there is no
// Chromium (and fails it under CI, where every suite is mandatory). extra
// options are added to Chromium's.
func browser(t *testing.T, width, height int, js bool, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := os.Getenv("DATELINE_CHROMIUM")
	if path == "" {
		path, _ = exec.LookPath("chromium")
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is required under CI (apt-get install chromium)")
		}
		t.Skip("chromium is not installed; ./test.sh installs it")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("blink-settings", fmt.Sprintf("scriptEnabled=%v", js)),
		chromedp.WindowSize(width, height),
	}
	profile, err := os.MkdirTemp("", "dateline-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts = append(opts, chromedp.UserDataDir(profile))
	opts = append(opts, extra...)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	// A tab's deadline catches a hang, not slowness: the suite shares two
	// cores with every other package's tests, and a journey of seconds
	// alone has taken a minute and a half there.
	ctx, cancelT := context.WithTimeout(ctx, 180*time.Second)
	t.Cleanup(func() {
		cancelT()
		cancelC()
		cancelA()
		// Chromium may still be writing its profile as it exits.
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	// The window cannot be narrower than 500 pixels in headless mode, so
	// phone widths are emulated.
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// viewports are the phone and desktop sizes pages are checked at.
var viewports = []struct {
	name string
	w, h int
}{{"phone", 390, 844}, {"desktop", 1280, 900}}

func must(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("DATELINE_SCREENSHOTS")
	if dir == "" {
		return
	}
	var buf []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&buf, 100)); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	os.WriteFile(filepath.Join(dir, strings.ReplaceAll(name, "/", "_")+".png"), buf, 0o644)
}
