package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// memoryPlan is how much memory the node may use, and where the figure
// came from, for the log.
type memoryPlan struct {
	limit  int64  // the Go runtime's soft memory limit, in bytes
	source string // "--memory-limit", "GOMEMLIMIT" or what the machine has
	images int64  // the budget of image work (media.SetWorkBudget)
	pages  int64  // the page cache's budget of bytes
}

// parseSize reads a size as GOMEMLIMIT writes it, "768MiB" or "1GiB", or
// with decimal units, "800MB" or "1.5GB", or a plain number of bytes.
// Returns a usage error naming the flag for anything else or for less than
// min.
func parseSize(flag, s string, min int64) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		n      float64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1},
	}
	mult := 1.0
	for _, u := range units {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.n
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f*mult > math.MaxInt64/2 {
		return 0, usagef("%s must be a size such as 768MiB, 1GiB or 2GB, not %q", flag, s)
	}
	n := int64(f * mult)
	if n < min {
		return 0, usagef("%s must be at least %s, not %q", flag, sizeString(min), s)
	}
	return n, nil
}

// sizeString writes n bytes in the largest binary unit that keeps it
// readable: "768MiB", "1GiB", "1.5GiB".
func sizeString(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + "GiB"
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + "GiB"
	case n >= 1<<20:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	}
	return strconv.FormatInt(n, 10) + "B"
}

// minMemoryLimit is the least --memory-limit takes: below it the node
// would spend its time collecting garbage.
const minMemoryLimit = 128 << 20

// planMemory decides the node's memory limit. An explicit --memory-limit
// (or DATELINE_MEMORY_LIMIT) wins; else GOMEMLIMIT, which the Go runtime
// has already applied, when the operator set one; else three quarters of
// what the machine gives the process: its cgroup's limit (a container's)
// when there is one, else the physical memory. The rest of the machine's
// memory is left for what the limit does not count: SQLite's page
// caches, thread stacks and the kernel's buffers for open connections.
// The budget of image work is three quarters of the limit.
func planMemory(flagValue, pageCache string) (memoryPlan, error) {
	var p memoryPlan
	switch {
	case flagValue != "" && flagValue != "auto":
		n, err := parseSize("--memory-limit", flagValue, minMemoryLimit)
		if err != nil {
			return p, err
		}
		p.limit, p.source = n, "--memory-limit"
	case os.Getenv("GOMEMLIMIT") != "":
		p.limit, p.source = debug.SetMemoryLimit(-1), "GOMEMLIMIT"
	default:
		total, from := machineMemory()
		p.limit, p.source = total/4*3, from
	}
	avail := p.limit
	if total, _ := machineMemory(); total > 0 && total < avail {
		avail = total // GOMEMLIMIT=off, or a limit above the machine's
	}
	p.images = avail / 4 * 3
	p.pages = min(max(avail/16, 16<<20), 64<<20)
	if pageCache != "" && pageCache != "auto" {
		n, err := parseSize("--page-cache", pageCache, 1<<20)
		if err != nil {
			return p, err
		}
		p.pages = n
	}
	return p, nil
}

// apply sets the runtime's memory limit. GOMEMLIMIT is already in force
// when it is the source.
func (p memoryPlan) apply() {
	if p.source != "GOMEMLIMIT" {
		debug.SetMemoryLimit(p.limit)
	}
}

func (p memoryPlan) String() string {
	if p.limit == math.MaxInt64 {
		return "none (" + p.source + ")"
	}
	return fmt.Sprintf("%s (%s)", sizeString(p.limit), p.source)
}

// machineMemory returns the memory the process may use: its cgroup's
// limit (version 2, else version 1) when there is one, else the
// physical memory, and where the figure came from.
func machineMemory() (int64, string) {
	if n, ok := readLimit("/sys/fs/cgroup/memory.max"); ok {
		return n, "the cgroup's memory.max"
	}
	if n, ok := readLimit("/sys/fs/cgroup/memory/memory.limit_in_bytes"); ok {
		return n, "the cgroup's memory.limit_in_bytes"
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				if err == nil && kb > 0 {
					return kb << 10, "the machine's memory"
				}
			}
		}
	}
	return 1 << 30, "a guess of 1GiB: the machine's memory is unknown"
}

// readLimit reads a cgroup memory limit file. "max", and version 1's
// page-rounded maximum for "no limit", are no limit.
func readLimit(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
	if err != nil || n <= 0 || n >= 1<<60 {
		return 0, false
	}
	return n, true
}
