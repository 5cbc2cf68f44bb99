package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// startServe runs serve with the flags on a free port until the test
// ends, and returns its base URL once it answers.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	base, _ := startStoppable(t, args...)
	return base
}

// startStoppable is startServe with a stop that waits for the node to end
// (the test's cleanup stops it otherwise); stopping twice is harmless.
func startStoppable(t *testing.T, args ...string) (base string, stop func()) {
	t.Helper()
	c, err := parseServe(append([]string{"--addr", "127.0.0.1:0"}, args...), io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base = "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, c, ln, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	waitUp(t, base)
	return base, stop
}

const (
	cbrFile = "../../rates/testdata/cbr_XML_daily_2022-03-15.xml"
	ecbFile = "../../rates/testdata/ecb_eurofxref-daily_2025-05-09.xml"
)

func TestRatesImport(t *testing.T) {
	dir := t.TempDir()
	db := dbArgs(t, dir)
	out, _, err := cli(t, append(append([]string{"rates", "import"}, db...), cbrFile, ecbFile)...)
	if err != nil {
		t.Fatal(err)
	}
	if want := "CBR 2022-03-15: 34 currencies\nECB 2025-05-09: 30 currencies\n"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	out, _, err = cli(t, append(append([]string{"rates", "import"}, db...), cbrFile)...)
	if err != nil || out != "CBR 2022-03-15: 34 currencies (already stored)\n" {
		t.Errorf("again: %q, %v", out, err)
	}

	// Broken files are named with the reason; the good one beside them is
	// stored, and nothing stored before is lost.
	cbr, err := os.ReadFile(cbrFile)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.xml")
	os.WriteFile(truncated, cbr[:len(cbr)/2], 0o644)
	corrupt := filepath.Join(dir, "corrupt.xml")
	os.WriteFile(corrupt, []byte(strings.Replace(string(cbr), "115,1963", "115.19.63", 1)), 0o644)
	next := filepath.Join(dir, "next.xml")
	os.WriteFile(next, []byte(strings.Replace(string(cbr), `Date="15.03.2022"`, `Date="16.03.2022"`, 1)), 0o644)
	out, errOut, err := cli(t, append(append([]string{"rates", "import"}, db...), truncated, corrupt, filepath.Join(dir, "missing.xml"), next)...)
	if err == nil || exitCode(err) != 1 {
		t.Fatalf("broken files: err %v", err)
	}
	if msg := message(err); msg != "3 of 4 files refused; the rates stored before are kept" {
		t.Errorf("message %q", msg)
	}
	if out != "CBR 2022-03-16: 34 currencies\n" {
		t.Errorf("output %q", out)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "truncated.xml: not well-formed XML") ||
		!strings.Contains(lines[1], `corrupt.xml: bad value "115.19.63" for USD`) || !strings.Contains(lines[2], "missing.xml: no such file") {
		t.Errorf("stderr %q", errOut)
	}
	store := openTestStore(t, db)
	rs := store
	tab, err := rs.RatesOn(context.Background(), "cbr", time.Date(2022, 3, 15, 0, 0, 0, 0, time.UTC))
	if err != nil || len(tab.Rates) != 34 || !tab.Date.Equal(time.Date(2022, 3, 15, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("stored 15 March: %v", err)
	}
	for _, r := range tab.Rates {
		if r.Code == "USD" && r.Published != "115,1963" {
			t.Errorf("USD = %+v", r)
		}
	}
}

func TestRatesCommandLines(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"rates"}, "unknown rates command"},
		{[]string{"rates", "export"}, "unknown rates command"},
		{[]string{"rates", "import", "--data", data}, "no files"},
		{[]string{"rates", "import", "--nope"}, "flag provided but not defined"},
		{[]string{"serve", "--data", data, "--rates-url", "ftp://example.org/x.xml"}, "--rates-url must be an http or https URL"},
		{[]string{"serve", "--data", data, "--rates-url", "http://127.0.0.1:9/x.xml"}, "--rates-url: the address 127.0.0.1 is private or reserved"},
		{[]string{"serve", "--data", data, "--rates-url", "http://169.254.169.254/x.xml", "--fetch-allow-private"}, "169.254.169.254 is private or reserved"},
		{[]string{"serve", "--data", data, "--weather-url", "http://[::1]:9/v1/forecast"}, "--weather-url: the address ::1 is private or reserved"},
		{[]string{"serve", "--data", data, "--rates-url", "https://example.org/x.xml", "--rates-every", "5s"}, "--rates-every must be at least 1m"},
	} {
		_, _, err := cli(t, tt.args...)
		if err == nil {
			t.Errorf("%v succeeded", tt.args)
			continue
		}
		if msg := message(err); !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") || exitCode(err) != 2 {
			t.Errorf("%v: %q (exit %d), want %q", tt.args, msg, exitCode(err), tt.want)
		}
	}
	for _, args := range [][]string{{"rates", "--help"}, {"rates", "import", "--help"}} {
		out, _, err := cli(t, args...)
		if err != nil && exitCode(err) != 0 || !strings.Contains(out, "dateline rates import") {
			t.Errorf("%v: %q, %v", args, out, err)
		}
	}
	out, _, _ := cli(t, "serve", "--help")
	if !strings.Contains(out, "-rates-url") || !strings.Contains(out, "-rates-every") {
		t.Errorf("serve --help does not name the rates flags")
	}
}

// TestServeRatesURL: serve fetches the configured file at start and the
// API answers from it.
func TestServeRatesURL(t *testing.T) {
	ecb, err := os.ReadFile(ecbFile)
	if err != nil {
		t.Fatal(err)
	}
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(ecb) }))
	defer src.Close()
	db := dbArgs(t, t.TempDir())
	base := startServe(t, append([]string{"--rates-url", src.URL + "/eurofxref-daily.xml", "--fetch-allow-private"}, db...)...)
	deadline := time.Now().Add(10 * time.Second)
	for status(t, base+"/api/v1/convert?from=USD&to=JPY&amount=100") != 200 {
		if time.Now().After(deadline) {
			t.Fatal("the rates were never fetched")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if body := get(t, base+"/api/v1/convert?from=USD&to=JPY&amount=100"); !strings.Contains(body, `"result": "14518.31"`) {
		t.Errorf("convert: %s", body)
	}
}
