package main

import (
	"io"
	"math"
	"os"
	"runtime/debug"
	"strings"
	"testing"

	"dateline/sqlite"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"768MiB": 768 << 20, "1GiB": 1 << 30, "1.5GiB": 3 << 29, "2GB": 2e9, "800MB": 800e6,
		"536870912": 1 << 29, "512M": 512 << 20, " 1 GiB ": 1 << 30, "300000KB": 300e6,
	} {
		if got, err := parseSize("--memory-limit", in, 0); err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "lots", "GiB", "1XB", "-5MiB", "NaN", "Inf", "1e30GiB"} {
		if _, err := parseSize("--memory-limit", in, 0); err == nil || exitCode(err) != 2 {
			t.Errorf("%q: %v, want a usage error", in, err)
		}
	}
}

// TestServeMemoryAndDurability: the flags, their environment variables
// and the defaults, as serve reads them.
func TestServeMemoryAndDurability(t *testing.T) {
	dir := t.TempDir()
	c, err := parseServe([]string{"--data", dir, "--memory-limit", "1GiB", "--durability", "normal"}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.memory.limit != 1<<30 || c.memory.images != 768<<20 || c.memory.source != "--memory-limit" || c.store.durability != "normal" {
		t.Errorf("flags: %+v, durability %q", c.memory, c.store.durability)
	}

	t.Setenv("DATELINE_MEMORY_LIMIT", "512MiB")
	t.Setenv("DATELINE_DURABILITY", "normal")
	if c, err = parseServe([]string{"--data", dir}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if c.memory.limit != 512<<20 || c.store.durability != string(sqlite.Normal) {
		t.Errorf("environment: %+v, durability %q", c.memory, c.store.durability)
	}
	t.Setenv("DATELINE_DURABILITY", "sometimes")
	if _, err := parseServe([]string{"--data", dir}, io.Discard, io.Discard); err == nil || !strings.Contains(message(err), "--durability must be full or normal") {
		t.Errorf("DATELINE_DURABILITY=sometimes: %v", err)
	}

	// The defaults: full durability, and a limit from the machine.
	t.Setenv("DATELINE_MEMORY_LIMIT", "")
	t.Setenv("DATELINE_DURABILITY", "")
	if c, err = parseServe([]string{"--data", dir}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	total, from := machineMemory()
	if c.store.durability != "full" || c.memory.limit != total/4*3 || c.memory.source != from || c.memory.images != c.memory.limit/4*3 {
		t.Errorf("defaults: %+v, durability %q; the machine has %d (%s)", c.memory, c.store.durability, total, from)
	}

	// GOMEMLIMIT, which the runtime applied at start, is kept.
	old := debug.SetMemoryLimit(900 << 20)
	defer debug.SetMemoryLimit(old)
	t.Setenv("GOMEMLIMIT", "900MiB")
	if c, err = parseServe([]string{"--data", dir}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if c.memory.limit != 900<<20 || c.memory.source != "GOMEMLIMIT" {
		t.Errorf("GOMEMLIMIT: %+v", c.memory)
	}
	c.memory.apply()
	if got := debug.SetMemoryLimit(-1); got != 900<<20 {
		t.Errorf("GOMEMLIMIT changed to %d", got)
	}
	// ... unless the flag says otherwise.
	if c, err = parseServe([]string{"--data", dir, "--memory-limit", "2GiB"}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	c.memory.apply()
	if got := debug.SetMemoryLimit(-1); got != 2<<30 || c.memory.source != "--memory-limit" {
		t.Errorf("--memory-limit over GOMEMLIMIT: %d (%s)", got, c.memory.source)
	}
	// GOMEMLIMIT=off: no limit, and the image budget from the machine.
	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "off")
	if c, err = parseServe([]string{"--data", dir}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if c.memory.limit != math.MaxInt64 || c.memory.images != total/4*3 || !strings.HasPrefix(c.memory.String(), "none") {
		t.Errorf("GOMEMLIMIT=off: %+v %s", c.memory, c.memory)
	}
}

func TestReadLimit(t *testing.T) {
	dir := t.TempDir()
	for content, want := range map[string]int64{"max\n": 0, "1073741824\n": 1 << 30, "9223372036854771712\n": 0, "": 0} {
		p := dir + "/memory.max"
		if err := writeFile(p, content); err != nil {
			t.Fatal(err)
		}
		if got, ok := readLimit(p); got != want || ok != (want > 0) {
			t.Errorf("%q: %d %v", content, got, ok)
		}
	}
}

func writeFile(p, s string) error { return os.WriteFile(p, []byte(s), 0o644) }

// TestServePageCache: the page cache's budget follows the memory limit
// (a sixteenth, 16 to 64 MiB) unless --page-cache sets it; a wrong size is
// a one-line usage error.
func TestServePageCache(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want int64
	}{
		{[]string{"--memory-limit", "512MiB"}, 32 << 20},
		{[]string{"--memory-limit", "8GiB"}, 64 << 20},
		{[]string{"--memory-limit", "128MiB"}, 16 << 20},
		{[]string{"--memory-limit", "8GiB", "--page-cache", "1GiB"}, 1 << 30},
	} {
		c, err := parseServe(append([]string{"--data", dir}, tc.args...), io.Discard, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if c.memory.pages != tc.want {
			t.Errorf("%v: page cache %d, want %d", tc.args, c.memory.pages, tc.want)
		}
	}
	if _, err := parseServe([]string{"--data", dir, "--page-cache", "lots"}, io.Discard, io.Discard); err == nil || exitCode(err) != 2 || !strings.Contains(message(err), "--page-cache") {
		t.Errorf("--page-cache lots: %v", err)
	}
}
