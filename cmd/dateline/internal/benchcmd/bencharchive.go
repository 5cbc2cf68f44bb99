package benchcmd

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

const benchArchiveUsage = `Usage: dateline bench archive --data DIR | --db DSN [flags]

Measures every path of the archive-scale table (issue 15) on the data you
give it, of any size (fill it with "dateline gen --articles 1000000"), from
outside: it starts "dateline serve" on loopback (this binary, or
--server-binary) against that data, finds its addresses as a crawler would
(the sitemap's month files, the sections file, read API pages at random
depths) and asks for random ones, so that most requests miss every cache.

Each row runs one request at a time for --duration (the figures are service
times; at least 3 requests however slow) and then --concurrency requests at
once for --duration, and prints p50 and p99 of both, the requests a second
at once, the goal and "ok" or "FAIL" (judged one at a time). Rows "after a
write" first ask for the page, then send a wire story that touches it (in
the biggest topic and person), then time the page; at once, --concurrency
readers ask for it together after each story. Then the hot-set test (home,
/news, the sections and the newest 40 stories, --concurrency at once, for
--duration without writes and for --duration with a wire story every
second: requests a second and p90) and memory under random cold traffic
(the server's resident memory before, at its peak and at the end of
--memory-duration of random articles, as crawlers ask for them).
"search-engine" runs "dateline bench-search" of the server binary after
the server stopped.

The client rows make a client of 20 products (sections, the biggest topic
and person, urgent copy), its token and a portal user, and read its wire
as the API's pages of 20 and the portal's pages from random depths.

What it writes: API tokens (--concurrency + 3, named bench-...), the bench
client with its products, token and user (named Bench ...), and wire
stories of its own (source "bench", URIs urn:dateline:bench:...), about ten
a second at most in the after-a-write rows and one a second in the hot-set
test; it changes no story it did not add. Copy the data first if it must
stay as it was. It stops by itself.

Rows (--rows, comma-separated; default all):
  %s`

// RunArchive is "dateline bench archive".
func RunArchive(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		data, db, bin, rowList string
		duration, memDuration  time.Duration
		conns, queries         int
		seed                   int64
		keep                   bool
	)
	fs := newFlagSet("bench archive", fmt.Sprintf(benchArchiveUsage, strings.Join(archiveRowKeys[:8], ", ")+",\n  "+strings.Join(archiveRowKeys[8:], ", ")))
	fs.StringVar(&data, "data", env("DATELINE_DATA", ""), "data folder with the SQLite file to measure (env DATELINE_DATA)")
	fs.StringVar(&db, "db", env("DATELINE_DB", ""), "database to measure instead: postgres://... or sqlite:PATH (env DATELINE_DB)")
	fs.StringVar(&bin, "server-binary", "", "the dateline binary to serve with, e.g. an older build to compare (default: this one)")
	fs.DurationVar(&duration, "duration", 5*time.Second, "how long each row runs in each mode, and each half of the hot-set test")
	fs.DurationVar(&memDuration, "memory-duration", 20*time.Second, "how long the random cold traffic of the memory test runs")
	fs.IntVar(&conns, "concurrency", 8, "requests at once in the concurrent mode, the hot-set and the memory tests")
	fs.IntVar(&queries, "search-queries", 50, "queries of each kind for the search-engine rows")
	fs.StringVar(&rowList, "rows", "all", "which rows to run (see above)")
	fs.Int64Var(&seed, "seed", 1, "random seed for choosing addresses")
	fs.BoolVar(&keep, "keep", false, "keep the temporary folder with the server's log")
	if err := parse(fs, args, stdout, stderr, false); err != nil {
		return err
	}
	want, err := checkArchiveFlags(data, db, &bin, rowList, duration, memDuration, conns, queries)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "dateline-bench-archive-")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	dataArgs := []string{"--data", data}
	if db != "" {
		if data == "" {
			dataArgs[1] = filepath.Join(dir, "data")
		}
		dataArgs = append(dataArgs, "--db", db)
	}
	node := newBenchNode(bin, dataArgs, dir, conns)
	b := &archiveBench{node: node, want: want, out: stdout, seed: seed, duration: duration, memDuration: memDuration, conns: conns, queries: queries}
	err = b.run(ctx)
	if keep {
		fmt.Fprintf(stdout, "the server's log: %s\n", node.logPath)
	}
	return err
}

// archiveRowKeys are the names --rows takes, in the order they run.
var archiveRowKeys = []string{"memory", "article", "news", "section", "tag", "tag-write", "feed-write",
	"sitemap-write", "sitemap-month", "home-write", "api-20", "api-100", "client-api", "portal", "search", "hot-set", "search-engine"}

// checkArchiveFlags refuses flags out of range with a usage error, fills
// in the server binary and returns the rows to run.
func checkArchiveFlags(data, db string, bin *string, rowList string, d, md time.Duration, conns, queries int) (map[string]bool, error) {
	switch {
	case data == "" && db == "":
		return nil, usagef("give the data to measure: --data DIR (SQLite) or --db DSN")
	case d < 100*time.Millisecond || d > 10*time.Minute || md < 100*time.Millisecond || md > 10*time.Minute:
		return nil, usagef("--duration and --memory-duration must be 100ms..10m")
	case conns < 1 || conns > 256:
		return nil, usagef("--concurrency must be 1..256")
	case queries < 1 || queries > 100000:
		return nil, usagef("--search-queries must be 1..100000")
	}
	if db == "" {
		if _, err := os.Stat(filepath.Join(data, "dateline.db")); err != nil {
			return nil, usagef("--data %s holds no dateline.db; fill it with dateline gen, or give --db", data)
		}
	}
	if *bin == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, err
		}
		*bin = exe
	} else if st, err := os.Stat(*bin); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		return nil, usagef("--server-binary %s is not an executable file", *bin)
	}
	want := map[string]bool{}
	for _, k := range strings.Split(rowList, ",") {
		k = strings.TrimSpace(k)
		switch {
		case k == "all":
			for _, k := range archiveRowKeys {
				want[k] = true
			}
		case slices.Contains(archiveRowKeys, k):
			want[k] = true
		default:
			return nil, usagef("--rows: no row %q; the rows are %s", k, strings.Join(archiveRowKeys, ", "))
		}
	}
	return want, nil
}

// archiveBench is one run of "dateline bench archive".
type archiveBench struct {
	node                  *benchNode
	want                  map[string]bool
	out                   io.Writer
	seed                  int64
	duration, memDuration time.Duration
	conns, queries        int
	failed                int
}

func (b *archiveBench) run(ctx context.Context) error {
	runID := time.Now().UTC().Format("20060102T150405")
	reads := make([]string, b.conns+2)
	for i := range reads {
		var err error
		if reads[i], err = b.node.createToken(ctx, fmt.Sprintf("bench-%s-read-%d", runID, i), "read"); err != nil {
			return err
		}
	}
	write, err := b.node.createToken(ctx, "bench-"+runID+"-wire", "write")
	if err != nil {
		return err
	}
	started := time.Now()
	if err := b.node.start(ctx); err != nil {
		return err
	}
	defer b.node.stop()
	fmt.Fprintf(b.out, "dateline bench archive: %s serve %s, up in %s; load average %s\n", b.node.bin, strings.Join(b.node.data, " "), time.Since(started).Round(time.Millisecond), loadAverage())
	rng := rand.New(rand.NewSource(b.seed))
	addrs, err := discover(ctx, b.node, reads[0], rng)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.out, "found %d month files of the sitemap from %s, %d sections, %d random stories, %d headlines; biggest topic %q, person %q (in the sample)\n",
		len(addrs.monthFiles), addrs.oldest.Format("2006-01"), len(addrs.sections), len(addrs.articles), len(addrs.headlines), addrs.topic.slug, addrs.person.slug)
	r := &benchRun{node: b.node, addrs: addrs, reads: newTokenPool(reads), write: write, duration: b.duration, conns: b.conns, seed: b.seed, runID: runID}
	if b.want["client-api"] || b.want["portal"] {
		if err := r.setupClient(ctx); err != nil {
			return err
		}
	}

	if b.want["memory"] {
		if err := b.memory(ctx, r); err != nil {
			return err
		}
	}
	b.header()
	for _, row := range archiveRows(addrs) {
		if !b.want[row.key] {
			continue
		}
		one := r.oneAtATime(ctx, row)
		many := r.concurrent(ctx, row, r.duration)
		b.line(row.name, row.goal, one.figures(), many.figures())
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if b.want["hot-set"] {
		if err := b.hotSet(ctx, r); err != nil {
			return err
		}
	}
	fmt.Fprintf(b.out, "wire stories sent: %d (urn:dateline:bench:%s:N); load average %s\n", r.stories.Load(), runID, loadAverage())
	b.node.stop()
	if b.want["search-engine"] {
		if err := b.searchEngine(ctx); err != nil {
			return err
		}
	}
	if b.failed > 0 {
		fmt.Fprintf(b.out, "%d rows missed their goal\n", b.failed)
	} else {
		fmt.Fprintln(b.out, "every row met its goal")
	}
	return nil
}

// RowNames are the names of the table's rows as the command prints them,
// the search engine's too.
func RowNames() []string {
	var names []string
	for _, r := range archiveRows(&benchAddrs{}) {
		names = append(names, r.name)
	}
	for _, k := range searchKinds {
		names = append(names, "search engine alone, "+k.name)
	}
	return names
}

// archiveRows are the table's rows with the goals of issue 15.
func archiveRows(a *benchAddrs) []archiveRow {
	ms := time.Millisecond
	tagPage := func(rng *rand.Rand) string {
		if rng.Intn(2) == 0 {
			return "/topics/" + a.topic.slug
		}
		return "/persons/" + a.person.slug
	}
	deep := func(page func(*rand.Rand) string) func(*rand.Rand) string {
		return func(rng *rand.Rand) string { return page(rng) + "?before=" + a.randomCursor(rng) }
	}
	constant := func(p string) func(*rand.Rand) string { return func(*rand.Rand) string { return p } }
	rows := []archiveRow{
		{key: "article", name: "random article, cold", goal: benchGoal{p99: 2 * ms}, path: func(*rand.Rand) string { return a.article() }},
		{key: "news", name: "/news?before=... deep pages", goal: benchGoal{p99: 5 * ms}, path: deep(constant("/news"))},
		{key: "section", name: "section, deep pages", goal: benchGoal{p99: 5 * ms}, path: deep(func(rng *rand.Rand) string { return pickOne(rng, a.sections) })},
		{key: "tag", name: "biggest topic / person, deep pages", goal: benchGoal{p99: 5 * ms}, path: deep(tagPage)},
		{key: "tag-write", name: "biggest topic / person page after a write", goal: benchGoal{p99: 5 * ms}, path: tagPage, afterWrite: true},
		{key: "feed-write", name: "topic feeds after a write", goal: benchGoal{p99: 50 * ms}, afterWrite: true, path: func(rng *rand.Rand) string {
			return "/topics/" + a.topic.slug + "/feed." + pickOne(rng, []string{"rss", "atom", "json"})
		}},
		{key: "sitemap-write", name: "sitemap index after a write", goal: benchGoal{p99: 50 * ms}, path: constant("/sitemap.xml"), afterWrite: true},
		{key: "sitemap-month", name: "sitemap month files, random", goal: benchGoal{p99: 50 * ms}, path: func(rng *rand.Rand) string { return pickOne(rng, a.monthFiles) }},
		{key: "home-write", name: "home after a write", goal: benchGoal{p99: 5 * ms}, path: constant("/"), afterWrite: true},
		{key: "api-20", name: "read API /api/v1/items, page of 20", goal: benchGoal{p99: 20 * ms}, api: true, path: func(rng *rand.Rand) string {
			return "/api/v1/items?limit=20&cursor=" + a.randomCursor(rng)
		}},
		{key: "api-100", name: "read API /api/v1/items, page of 100", goal: benchGoal{p99: 20 * ms}, api: true, path: func(rng *rand.Rand) string {
			return "/api/v1/items?limit=100&cursor=" + a.randomCursor(rng)
		}},
		{key: "client-api", name: "client of 20 products, API page of 20", goal: benchGoal{p99: 50 * ms}, client: true, path: func(rng *rand.Rand) string {
			return "/api/v1/items?limit=20&cursor=" + a.randomCursor(rng)
		}},
		{key: "portal", name: "client of 20 products, portal page", goal: benchGoal{p99: 50 * ms}, portal: true, path: func(rng *rand.Rand) string {
			return "/wire/?before=" + a.randomCursor(rng)
		}},
	}
	for _, k := range searchKinds {
		rows = append(rows, archiveRow{key: "search", name: "search page, " + k.name, goal: benchGoal{p50: 10 * ms, p99: 50 * ms},
			path: func(rng *rand.Rand) string { return a.searchPath(rng, k) }})
	}
	return rows
}

// benchGoal is a row's goal: p99 at most, and p50 at most when set.
type benchGoal struct{ p50, p99 time.Duration }

func (g benchGoal) String() string {
	if g.p50 > 0 {
		return fmt.Sprintf("≤ %s / %s", strings.TrimSuffix(msString(g.p50), "ms"), msString(g.p99))
	}
	return "≤ " + msString(g.p99) + " p99"
}

func (g benchGoal) met(p50, p99 time.Duration) bool {
	return p99 <= g.p99 && (g.p50 == 0 || p50 <= g.p50)
}

// msString writes a latency readably: "0.42ms", "18ms", "1.31s".
func msString(d time.Duration) string {
	ms := float64(d) / 1e6
	switch {
	case ms >= 1000:
		return fmt.Sprintf("%.2fs", ms/1000)
	case ms >= 10:
		return fmt.Sprintf("%.0fms", ms)
	}
	return fmt.Sprintf("%.2gms", ms)
}

const rowFormat = "%-44s %-13s %8s %8s %6s   %8s %8s %8s   %s\n"

func (b *archiveBench) header() {
	fmt.Fprintf(b.out, "\n%-58s %-24s   %-27s\n", "", "one at a time", fmt.Sprintf("%d at once", b.conns))
	fmt.Fprintf(b.out, rowFormat, "path", "goal", "p50", "p99", "n", "p50", "p99", "req/s", "")
}

// figures are what a row prints of one mode.
type figures struct {
	p50, p99 time.Duration
	n        int
	rate     float64
	errors   int
	firstErr error
}

func (l *latencies) figures() figures {
	return figures{p50: l.pct(0.5), p99: l.pct(0.99), n: len(l.took), rate: l.rate(), errors: l.errors, firstErr: l.firstErr}
}

// line prints a row, judged by its one-at-a-time figures; many.n is 0 for
// a row measured one at a time only.
func (b *archiveBench) line(name string, g benchGoal, one, many figures) {
	mark := "ok"
	if !g.met(one.p50, one.p99) || one.errors+many.errors > 0 || one.n == 0 {
		mark = "FAIL"
		b.failed++
	}
	if n := one.errors + many.errors; n > 0 {
		first := one.firstErr
		if first == nil {
			first = many.firstErr
		}
		mark += fmt.Sprintf(" (%d errors, first: %v)", n, first)
	}
	manyP50, manyP99, rate := "-", "-", "-"
	if many.n > 0 {
		manyP50, manyP99, rate = msString(many.p50), msString(many.p99), fmt.Sprintf("%.0f", many.rate)
	}
	fmt.Fprintf(b.out, rowFormat, name, g, msString(one.p50), msString(one.p99), strconv.Itoa(one.n), manyP50, manyP99, rate, mark)
}

// hotSet serves the pages readers crowd on, first alone, then with a wire
// story every second, and prints requests a second and p90 of both.
func (b *archiveBench) hotSet(ctx context.Context, r *benchRun) error {
	hot := append([]string{"/", "/news"}, r.addrs.sections...)
	hot = append(hot, r.addrs.newest...)
	row := archiveRow{path: func(rng *rand.Rand) string { return pickOne(rng, hot) }}
	for _, p := range hot { // warm, as a hot set is
		if _, err := r.node.get(ctx, p, "", true); err != nil {
			return err
		}
	}
	calm := r.concurrent(ctx, row, b.duration)
	var writeErr error
	stop := every(time.Second, func() {
		if err := r.writeStory(ctx); err != nil && writeErr == nil {
			writeErr = err
		}
	})
	busy := r.concurrent(ctx, row, b.duration)
	stop()
	if writeErr != nil {
		return writeErr
	}
	ok := busy.rate() >= 0.8*calm.rate() && busy.pct(0.9) <= 5*time.Millisecond && calm.errors+busy.errors == 0
	fmt.Fprintf(b.out, "\nhot set of %d pages, %d at once (goal with writes: p90 ≤ 5ms and ≥ 0.8 of the requests a second without)\n", len(hot), b.conns)
	fmt.Fprintf(b.out, "  without writes:        %8.0f req/s   p90 %8s   p99 %8s\n", calm.rate(), msString(calm.pct(0.9)), msString(calm.pct(0.99)))
	fmt.Fprintf(b.out, "  a wire story a second: %8.0f req/s   p90 %8s   p99 %8s   %s\n", busy.rate(), msString(busy.pct(0.9)), msString(busy.pct(0.99)), b.mark(ok, calm, busy))
	return nil
}

// mark is "ok" or "FAIL", with the first error if any, and counts a FAIL.
func (b *archiveBench) mark(ok bool, ls ...*latencies) string {
	if ok {
		return "ok"
	}
	b.failed++
	for _, l := range ls {
		if l.firstErr != nil {
			return fmt.Sprintf("FAIL (%d errors, first: %v)", l.errors, l.firstErr)
		}
	}
	return "FAIL"
}

// memoryGrowth is the goal of the memory test: random cold traffic may
// raise the server's resident memory by at most this much (the page cache
// is to be bounded in bytes).
const memoryGrowth = 250e6

// memory drives random cold traffic (random articles, as crawlers ask for
// them) and reads the server's resident memory every 100 ms.
func (b *archiveBench) memory(ctx context.Context, r *benchRun) error {
	before, err := b.node.rss()
	if err != nil {
		return err
	}
	crawl := archiveRows(r.addrs)[0] // random articles
	peak := before
	stop := every(100*time.Millisecond, func() {
		if m, err := b.node.rss(); err == nil {
			peak = max(peak, m)
		}
	})
	cold := r.concurrent(ctx, crawl, b.memDuration)
	stop()
	after, err := b.node.rss()
	if err != nil {
		return err
	}
	peak = max(peak, after)
	mb := func(n int64) string { return fmt.Sprintf("%d MB", n/1e6) }
	fmt.Fprintf(b.out, "\nmemory under random cold traffic (random articles for %s, %d at once, %.0f req/s; goal: peak ≤ start + %s)\n", b.memDuration, b.conns, cold.rate(), mb(memoryGrowth))
	fmt.Fprintf(b.out, "  resident: start %s, peak %s, end %s   %s\n", mb(before), mb(peak), mb(after), b.mark(peak-before <= memoryGrowth && cold.errors == 0, cold))
	return nil
}

// searchEngine runs "dateline bench-search" of the server binary on the
// data and prints its kinds as rows.
func (b *archiveBench) searchEngine(ctx context.Context) error {
	out, err := b.node.command(ctx, "bench-search", "--queries", strconv.Itoa(b.queries), "--seed", strconv.FormatInt(b.seed, 10))
	if err != nil {
		return err
	}
	b.header()
	sc := bufio.NewScanner(strings.NewReader(out))
	rows := 0
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(line) < 21 || len(f) < 4 || !strings.HasSuffix(f[len(f)-2], "ms") {
			continue
		}
		kind := strings.TrimSpace(line[:20])
		p50, err1 := time.ParseDuration(f[len(f)-4])
		p99, err2 := time.ParseDuration(f[len(f)-3])
		if err1 != nil || err2 != nil {
			continue
		}
		rows++
		b.line("search engine alone, "+kind, benchGoal{p99: 50 * time.Millisecond}, figures{p50: p50, p99: p99, n: b.queries}, figures{})
	}
	if rows == 0 {
		return fmt.Errorf("bench-search printed no rows: %s", out)
	}
	return nil
}

// every calls f every interval in a goroutine of its own until the
// returned stop is called; stop returns once f has returned for good.
func every(interval time.Duration, f func()) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				f()
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// loadAverage is the machine's load over 1, 5 and 15 minutes, as a reader
// of the table needs to know how busy the machine was; "unknown" off Linux.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}
