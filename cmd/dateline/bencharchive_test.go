package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"dateline/cmd/dateline/internal/benchcmd"
)

// TestBenchArchive runs "dateline bench archive" on a few hundred generated
// stories, with this test binary as the server (TestMain makes it the
// dateline command), and checks that the table has every row with figures
// that make sense. On PostgreSQL with DATELINE_TEST_ENGINE=postgres.
func TestBenchArchive(t *testing.T) {
	t.Setenv("DATELINE_TEST_AS_MAIN", "1")
	dir := t.TempDir()
	db := dbArgs(t, dir)
	if _, errb, err := cli(t, append([]string{"gen", "--articles", "300"}, db...)...); err != nil {
		t.Fatalf("gen: %v %s", err, errb)
	}
	args := append([]string{"bench", "archive", "--duration", "200ms", "--memory-duration", "500ms",
		"--concurrency", "2", "--search-queries", "5"}, db...)
	out, errb, err := cli(t, args...)
	if err != nil {
		t.Fatalf("bench archive: %v\n%s\n%s", err, errb, out)
	}
	t.Logf("%s", out)

	for _, name := range benchcmd.RowNames() {
		checkBenchRow(t, out, name)
	}
	for _, want := range []string{"memory under random cold traffic", "resident: start", "hot set of", "without writes:", "a wire story a second:", "wire stories sent:"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in the output", want)
		}
	}
	if m := regexp.MustCompile(`wire stories sent: (\d+)`).FindStringSubmatch(out); m == nil || m[1] == "0" {
		t.Errorf("the after-a-write rows sent no story")
	}
}

// checkBenchRow finds the table's row of name and checks its figures: a
// median no larger than p99, both under a minute, at least three requests
// one at a time, and no errors.
func checkBenchRow(t *testing.T, out, name string) {
	t.Helper()
	// The name is the first 44 characters, the goal the next 14; then
	// p50, p99 and n one at a time, and the concurrent columns.
	var line string
	var f []string
	for _, l := range strings.Split(out, "\n") {
		if r := []rune(l); len(r) > 58 && strings.TrimSpace(string(r[:44])) == name {
			line, f = l, strings.Fields(string(r[58:]))
		}
	}
	if line == "" {
		t.Errorf("no row %q", name)
		return
	}
	if strings.Contains(line, "errors") {
		t.Errorf("row with errors: %s", line)
	}
	if len(f) < 3 {
		t.Errorf("row %q has too few columns: %s", name, line)
		return
	}
	i := -1
	p50, err1 := time.ParseDuration(f[i+1])
	p99, err2 := time.ParseDuration(f[i+2])
	n, err3 := strconv.Atoi(f[i+3])
	if err1 != nil || err2 != nil || err3 != nil {
		t.Errorf("row %q: figures that do not parse: %s", name, line)
		return
	}
	if p50 <= 0 || p50 > p99 || p99 > time.Minute || n < benchcmd.MinSamples {
		t.Errorf("row %q: p50 %v, p99 %v, n %d do not make sense: %s", name, p50, p99, n, line)
	}
}

func TestBenchArchiveBadFlags(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	data := []string{"--db", "postgres://127.0.0.1:1/none"}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "give the data to measure"},
		{[]string{"--data", empty}, "holds no dateline.db"},
		{append([]string{"--duration", "1ns"}, data...), "--duration"},
		{append([]string{"--memory-duration", "1h"}, data...), "--memory-duration"},
		{append([]string{"--concurrency", "0"}, data...), "--concurrency must be 1..256"},
		{append([]string{"--search-queries", "-1"}, data...), "--search-queries"},
		{append([]string{"--rows", "article,everything"}, data...), `no row "everything"`},
		{append([]string{"--server-binary", filepath.Join(dir, "nothing")}, data...), "is not an executable file"},
		{append([]string{"--server-binary", dir}, data...), "is not an executable file"},
		{append([]string{"--nope"}, data...), "flag provided but not defined"},
		{append([]string{"extra"}, data...), `unexpected argument "extra"`},
	} {
		_, _, err := cli(t, append([]string{"bench", "archive"}, tt.args...)...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(message(err), tt.want) || strings.Contains(message(err), "\n") {
			t.Errorf("%v: %v (exit %d), want a one-line usage error with %q", tt.args, err, exitCode(err), tt.want)
		}
	}
}
