package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dateline/internal/pgtest"
)

// TestLifecycle plays an agency's editorial system and its most careful
// client at once, through the binary's public interfaces only. The
// agency sends a random schedule of ninjs versions (new stories,
// embargoes released at fractional instants, updates in and after an
// embargo, same-second versions, resent old versions, corrections, kills
// before and after release, withheld and usable again, versions that
// must be refused); the client polls every output of every node
// (plain, gzip and with If-None-Match) and reads the public stream,
// and every answer is checked against a model of what each story must
// look like at that instant: the README's "The lifecycle of a story",
// with the bound of one second for every node to follow.
//
// It runs on one SQLite node and on three nodes sharing one PostgreSQL
// schema. The schedule is random; the seed is printed, and
// DATELINE_LIFECYCLE_SEED=N repeats a run.
func TestLifecycle(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("DATELINE_LIFECYCLE_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("DATELINE_LIFECYCLE_SEED=%q is not a number", v)
		}
		seed = n
	}
	t.Logf("seed %d (repeat with DATELINE_LIFECYCLE_SEED=%d)", seed, seed)
	defer func() {
		if t.Failed() {
			t.Logf("failed with seed %d: repeat with DATELINE_LIFECYCLE_SEED=%d", seed, seed)
		}
	}()
	t.Run("sqlite", func(t *testing.T) {
		data := t.TempDir()
		runLifecycle(t, seed, []string{"--data", data}, func(i int) []string { return []string{"--data", data} }, 1)
	})
	t.Run("postgres-3-nodes", func(t *testing.T) {
		dsn := pgtest.Schema(t)
		data := t.TempDir()
		runLifecycle(t, seed+1, []string{"--data", data, "--db", dsn}, func(i int) []string {
			return []string{"--data", fmt.Sprintf("%s/node%d", data, i), "--db", dsn}
		}, 3)
	})
}

// The bounds, and how the test measures against them.
const (
	// lcBound: every node shows a change on every output within a
	// second of its acknowledgement (or of the release instant).
	lcBound = time.Second
	// lcTravel: the release event of the stream counts from this
	// before the instant (the stream's clock is the receiving one).
	lcTravel = 5 * time.Millisecond
	// lcCycle is the shortest time one poller takes to go through its
	// outputs once; on a loaded machine a round takes longer.
	lcCycle = 150 * time.Millisecond
	// lcProbe is how often a change being measured is looked for.
	lcProbe = 20 * time.Millisecond
)

var lcSections = []struct{ slug, code string }{{"politics", "11000000"}, {"economy", "04000000"}}

// lcRun is one run: the nodes, the agency's stories and what was seen.
type lcRun struct {
	t      *testing.T
	name   string
	rng    *rand.Rand
	t0     time.Time
	nodes  []*lcNode
	write  string // the agency's write token
	rival  string // a write token of another source
	reads  []string
	embs   []string
	rr     atomic.Uint64 // token rotation
	run    string        // a word every story of the run carries, to search for
	month  string        // this month's article sitemap
	wordsN map[string]bool

	mu      sync.Mutex
	stories []*lcStory
	byID    map[int64]*lcStory
	words   map[string]lcWord
	ops     []*lcOp
	opCount map[string]int
	viol    map[string]*lcViolation
	violKey []string
	delays  map[string][]time.Duration // "publish", "release", ... and "stream publish"...
	meas    []*lcMeasure
	border  int // early-looking responses inside lcTravel of the instant

	checks    atomic.Int64
	responses atomic.Int64
	notMod    atomic.Int64 // 304 answers checked through the content held
	gzipped   atomic.Int64
	limited   atomic.Int64 // 429 answers (not checked)
	events    atomic.Int64
	cycles    []atomic.Int64 // rounds per node
}

type lcNode struct {
	i       int
	n       *node
	base    string
	heldMu  sync.Mutex
	held    map[string][]lcHeld // path and encoding: the last answers with an ETag
	stream  []lcEvent           // the public stream's events, guarded by lcRun.mu
	estream []lcEvent           // the embargo stream's
}

type lcHeld struct {
	etag   string
	status int
	body   string
}

type lcEvent struct {
	at       time.Time
	kind     string
	s        *lcStory
	headline string
}

// lcState is a story's state in the model.
type lcState int

const (
	stWaiting  lcState = iota // under embargo, never public yet
	stPublic                  // readers see it
	stWithheld                // taken off for now
	stKilled                  // withdrawn
)

func (s lcState) String() string {
	return [...]string{"embargoed", "public", "withheld", "killed"}[s]
}

// lcTrans is a change of state: sent at S and acknowledged at A (zero
// while the answer is awaited); a release has S = A = the instant.
type lcTrans struct {
	S, A time.Time
	to   lcState
	op   *lcOp
}

// lcVersion is a version of the story the contract applies, with its
// headline word.
type lcVersion struct {
	n    int
	word string
	S, A time.Time
	op   *lcOp
	doc  string
	vc   time.Time
}

// lcCorr is a correction or an advisory: its word, and when it was sent
// and acknowledged.
type lcCorr struct {
	word string
	S, A time.Time
}

// lcStory is the model of one story: what the agency sent, and from
// that what every output must show at any instant.
type lcStory struct {
	n                    int
	uri                  string
	word, bodyWord       string // in every headline and body; only in the body
	topic, person, pslug string
	section, wrong       string
	id                   int64
	numbered, skewed     bool
	verNum               int
	lastVC               time.Time
	embargo              time.Time // the release instant in force (zero: none)
	firstPublic          time.Time // earliest instant it may be public (zero: not yet known)
	everEmbargoed        time.Time // the last embargo it had, for updates that repeat it
	state                lcState   // as the agency knows it, for choosing operations
	trans                []lcTrans
	versions             []*lcVersion
	corrs                []*lcCorr
	advs                 []*lcCorr   // advisories
	notes                []time.Time // when a version with an ednote was sent
	killedEarly          bool        // killed before it was ever public
	ambiguous            bool        // the agency cannot know what the contract says (answer after the instant)
	reason, killWord     string
	lastOp               time.Time
	ops                  []*lcOp
}

func (s *lcStory) path() string      { return fmt.Sprintf("/%s/%d", s.section, s.id) }
func (s *lcStory) wrongPath() string { return fmt.Sprintf("/%s/%d", s.wrong, s.id) }

// lcWord says what one unique word of the run stands for.
type lcWord struct {
	s    *lcStory
	role lcRole
	ver  *lcVersion
}

type lcRole int

const (
	roleStory    lcRole = iota // every version's headline and body
	roleBody                   // only in the body
	roleHeadline               // one version's headline
	roleTopic
	rolePerson
	roleCorrection
	roleAdvisoryShown // an update's advisory, shown under "Updated"
	roleInternal      // a first version's ednote, never shown
	roleReason        // a kill's reason
	roleKill          // the kill notice's own headline and body
	roleRefused       // a version that must be refused
	roleWithheldOnly  // the words of a withheld version, never shown
)

// lcOp is one thing the agency sent.
type lcOp struct {
	i        int
	kind     string
	s        *lcStory
	node     int
	S, A     time.Time
	want     string // the answer the contract gives: "201 created/published" ...
	got      string
	doc      string
	note     string
	expected []lcExpect // events the public stream must carry
}

type lcExpect struct {
	embargo    bool // on the embargo stream
	kind, word string
	from       time.Time // acknowledgement or release instant
	after      time.Time // events before this do not count
	label      string    // the delay table's row
}

type lcViolation struct {
	first   string
	classes map[string]bool
	count   int
	nodes   map[int]bool
	story   *lcStory
}

type lcMeasure struct {
	kind  string
	s     *lcStory
	node  int
	from  time.Time
	after time.Time
	word  string // the headline word lists show once it applies
	page  string // the word the article page shows once it applies
	seen  map[string]time.Time
	done  bool
}

// runLifecycle starts the nodes, runs the schedule and the watchers, and
// reports.
func runLifecycle(t *testing.T, seed uint64, tokenArgs []string, nodeArgs func(int) []string, nodes int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &lcRun{t: t, name: t.Name(), rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		byID: map[int64]*lcStory{}, words: map[string]lcWord{}, wordsN: map[string]bool{}, opCount: map[string]int{},
		viol: map[string]*lcViolation{}, delays: map[string][]time.Duration{}}
	r.run = r.newWord()
	setup := time.Now()

	// Tokens: the agency's, another source's, reads and embargo reads
	// (several, so that polling stays under the per-token rate).
	token := func(name string, args ...string) string {
		out, err := exec.Command(binPath, append(append([]string{"token", "create"}, tokenArgs...), append([]string{"--name", name}, args...)...)...).Output()
		if err != nil {
			msg := err.Error()
			if ee, ok := err.(*exec.ExitError); ok {
				msg = strings.TrimSpace(string(ee.Stderr))
			}
			return "!" + msg
		}
		return strings.TrimSpace(string(out))
	}
	r.write = token("agency-editorial", "--scope", "write", "--source", "agency")
	r.rival = token("rival-wire", "--scope", "write", "--source", "rival")
	if strings.HasPrefix(r.write, "!") {
		r.violate(nil, -1, "token", "token", fmt.Sprintf("dateline token create --source is refused (%s): tokens cannot belong to a source; made them without it", r.write[1:]))
		r.write = token("agency-editorial", "--scope", "write")
		r.rival = token("rival-wire", "--scope", "write")
	}
	// The database is made by now: the read tokens are made at once.
	r.reads, r.embs = make([]string, 8), make([]string, 4)
	var made sync.WaitGroup
	for i := range 8 {
		made.Go(func() { r.reads[i] = token(fmt.Sprintf("client-read-%d", i), "--scope", "read") })
		if i < 4 {
			made.Go(func() { r.embs[i] = token(fmt.Sprintf("client-embargo-%d", i), "--scope", "read", "--embargo") })
		}
	}
	made.Wait()
	for _, tk := range append(append([]string{r.write, r.rival}, r.reads...), r.embs...) {
		if strings.HasPrefix(tk, "!") {
			t.Fatalf("token create: %s", tk[1:])
		}
	}

	started := make([]*node, nodes)
	errs := make([]error, nodes)
	for i := range nodes {
		made.Go(func() { started[i], errs[i] = startQuietNode(ctx, nodeArgs(i)...) })
	}
	made.Wait()
	for i, n := range started {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		defer func() {
			n.stop()
			if t.Failed() {
				if l := n.logs(); l != "" {
					t.Logf("node %d log (warnings and errors):\n%s", i+1, lcTail(l, 4000))
				}
			}
		}()
		r.nodes = append(r.nodes, &lcNode{i: i, n: n, base: "http://" + n.addr, held: map[string][]lcHeld{}})
	}
	r.cycles = make([]atomic.Int64, nodes)
	r.t0 = time.Now()
	t.Logf("setup (tokens and %d nodes) took %.1fs", nodes, r.t0.Sub(setup).Seconds())
	r.month = "/sitemaps/articles-" + r.t0.UTC().Format("2006-01") + ".xml"

	// The watchers, on every node: two pollers, the prober of changes
	// being measured, the public stream and the embargo stream.
	wctx, stopWatch := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, nd := range r.nodes {
		wg.Add(3)
		go func() { defer wg.Done(); r.stream(wctx, nd, false) }()
		go func() { defer wg.Done(); r.stream(wctx, nd, true) }()
		go func() { defer wg.Done(); r.probe(wctx, nd) }()
		for w := range 2 {
			wg.Add(1)
			go func() { defer wg.Done(); r.poll(wctx, nd, w, 2) }()
		}
	}
	time.Sleep(300 * time.Millisecond) // the streams connect

	end := r.agency()

	// Let every embargo fall due and every node catch up, then stop.
	for time.Now().Before(end) {
		time.Sleep(100 * time.Millisecond)
	}
	stopWatch()
	wg.Wait()
	r.finish()
	r.report()
}

// startQuietNode starts "dateline serve" on a free port with the access
// log off (thousands of requests a second would fill memory).
func startQuietNode(ctx context.Context, args ...string) (*node, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.CommandContext(ctx, binPath, append([]string{"serve", "--addr", addr, "--log-level", "warn"}, args...)...)
	dieWithParent(cmd)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	n := &node{addr: addr, cmd: cmd, done: make(chan struct{})}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			k, err := stderr.Read(buf)
			if k > 0 {
				n.mu.Lock()
				if n.log.Len() < 1<<20 {
					n.log.Write(buf[:k])
				}
				n.mu.Unlock()
			}
			if err != nil {
				break
			}
		}
		cmd.Wait()
		close(n.done)
	}()
	client := lcClient()
	for i := 0; i < 600; i++ {
		select {
		case <-n.done:
			return nil, fmt.Errorf("server exited: %s", n.logs())
		default:
		}
		if resp, err := client.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return n, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	n.kill()
	return nil, fmt.Errorf("server at %s never answered: %s", addr, n.logs())
}

func lcTail(s string, n int) string {
	if len(s) > n {
		return "...\n" + s[len(s)-n:]
	}
	return s
}

// newWord makes a word no other text contains: "zq" and seven letters.
func (r *lcRun) newWord() string {
	for {
		b := []byte("zq")
		for range 7 {
			b = append(b, byte('a'+r.rng.IntN(26)))
		}
		if w := string(b); !r.wordsN[w] {
			r.wordsN[w] = true
			return w
		}
	}
}

// since formats an instant as an offset from the start of the run and
// as the UTC time to the millisecond.
func (r *lcRun) since(at time.Time) string {
	if at.IsZero() {
		return "(pending)"
	}
	return fmt.Sprintf("+%.3fs (%s)", at.Sub(r.t0).Seconds(), at.UTC().Format("15:04:05.000"))
}

// violate records a broken promise once per story and kind, counting
// repeats and noting the nodes and outputs where it was seen.
func (r *lcRun) violate(s *lcStory, node int, kind, class, detail string) {
	key := kind
	if s != nil {
		key = fmt.Sprintf("story %d: %s", s.n, kind)
	}
	v := r.viol[key]
	if v == nil {
		v = &lcViolation{first: detail, nodes: map[int]bool{}, story: s, classes: map[string]bool{}}
		r.viol[key] = v
		r.violKey = append(r.violKey, key)
	}
	v.count++
	v.classes[class] = true
	if node >= 0 {
		v.nodes[node+1] = true
	}
}

// lcClient is a client with the test's HTTP settings: connections kept,
// no redirects followed, compression handled by hand.
func lcClient() *http.Client {
	return &http.Client{
		Timeout:       15 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 8, DisableCompression: true, IdleConnTimeout: time.Minute},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// finish checks what can only be checked at the end: every event the
// public stream of every node owed.
func (r *lcRun) finish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, op := range r.ops {
		for _, ex := range op.expected {
			for _, nd := range r.nodes {
				events, name := nd.stream, "public stream"
				if ex.embargo {
					events, name = nd.estream, "embargo stream"
				}
				var got *lcEvent
				for i := range events {
					e := &events[i]
					if e.s == op.s && e.kind == ex.kind && !e.at.Before(ex.after) && (ex.word == "" || strings.Contains(e.headline, ex.word)) {
						got = e
						break
					}
				}
				var sent []string
				for _, e := range events {
					if e.s == op.s && !e.at.Before(ex.after) {
						sent = append(sent, fmt.Sprintf("%q at %s", e.kind, r.since(e.at)))
					}
				}
				if len(sent) == 0 {
					sent = []string{"nothing"}
				}
				if got == nil {
					r.violate(op.s, nd.i, name+" missed an event", ex.kind, fmt.Sprintf("node %d's %s never sent the %q event of op %d (%s, acknowledged or due %s); it sent for the story since: %s", nd.i+1, name, ex.kind, op.i, op.kind, r.since(ex.from), strings.Join(sent, ", ")))
					continue
				}
				d := max(0, got.at.Sub(ex.from))
				row := "stream " + ex.label
				if ex.embargo {
					row = "embargo stream " + ex.label
				}
				r.delays[row] = append(r.delays[row], d)
				if d > lcBound {
					r.violate(op.s, nd.i, name+" late", ex.kind, fmt.Sprintf("node %d's %s sent the %q event of op %d (%s) %v after %s; it sent for the story since: %s", nd.i+1, name, ex.kind, op.i, op.kind, d.Round(time.Millisecond), r.since(ex.from), strings.Join(sent, ", ")))
				}
			}
		}
	}
}

// report logs the figures and fails the test for each broken promise.
func (r *lcRun) report() {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.t
	var b strings.Builder
	fmt.Fprintf(&b, "lifecycle %s: %d nodes, %d stories, %d operations in %.1fs\n", r.name, len(r.nodes), len(r.stories), len(r.ops), time.Since(r.t0).Seconds())
	kinds := make([]string, 0, len(r.opCount))
	for k := range r.opCount {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	b.WriteString("  operations:")
	for _, k := range kinds {
		fmt.Fprintf(&b, " %s %d,", k, r.opCount[k])
	}
	b.WriteString("\n")
	var rounds []string
	for i := range r.cycles {
		n := r.cycles[i].Load()
		per := "-"
		if n > 0 {
			per = fmt.Sprintf("%.0f ms", float64(time.Since(r.t0).Milliseconds())/float64(n))
		}
		rounds = append(rounds, fmt.Sprintf("node %d %d rounds (one every %s)", i+1, n, per))
	}
	fmt.Fprintf(&b, "  watched: %d responses (%d gzip, %d answered 304 and checked by the content held, %d rate-limited), %d stream events, %d checks; %s\n",
		r.responses.Load(), r.gzipped.Load(), r.notMod.Load(), r.limited.Load(), r.events.Load(), r.checks.Load(), strings.Join(rounds, ", "))
	fmt.Fprintf(&b, "  early-looking responses not judged (requested before a release instant, received after it, showing the story): %d\n", r.border)
	b.WriteString("  delay from acknowledgement (release: from the instant) until a node shows the change on the story's address, /news and /feed.rss (the latest of the three; request start of the first answer showing it, looked for every 20 ms):\n")
	fmt.Fprintf(&b, "  %-32s %6s %8s %8s %8s\n", "change", "count", "p50", "p99", "max")
	rows := []string{"publish", "release", "update", "correction", "kill", "withheld", "usable again", "embargoed", "embargo canceled"}
	for _, pre := range []string{"", "stream ", "embargo stream "} {
		for _, k := range rows {
			ds := r.delays[pre+k]
			if len(ds) == 0 {
				continue
			}
			sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
			q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
			fmt.Fprintf(&b, "  %-32s %6d %8v %8v %8v\n", pre+k, len(ds), q(0.5).Round(time.Millisecond), q(0.99).Round(time.Millisecond), ds[len(ds)-1].Round(time.Millisecond))
		}
	}
	fmt.Fprintf(&b, "  broken promises: %d kinds", len(r.violKey))
	t.Log(b.String())

	const most = 80
	stories := map[*lcStory]bool{}
	for i, key := range r.violKey {
		v := r.viol[key]
		if v.story != nil {
			stories[v.story] = true
		}
		if i >= most {
			continue
		}
		var ns []string
		for n := range v.nodes {
			ns = append(ns, strconv.Itoa(n))
		}
		sort.Strings(ns)
		where := ""
		if len(ns) > 0 {
			where = " on node " + strings.Join(ns, ", ")
		}
		var cs []string
		for c := range v.classes {
			cs = append(cs, c)
		}
		sort.Strings(cs)
		t.Errorf("%s, seen %d times%s in %d outputs (%s); first: %s", key, v.count, where, len(cs), lcTail(strings.Join(cs, ", "), 300), v.first)
	}
	if len(r.violKey) > most {
		t.Errorf("... and %d more kinds of broken promise", len(r.violKey)-most)
	}
	if len(stories) > 0 {
		var sb strings.Builder
		sb.WriteString("what the agency sent to the stories above:\n")
		for _, s := range r.stories {
			if !stories[s] {
				continue
			}
			fmt.Fprintf(&sb, "story %d %s id %d %s, words %s/%s, topic %s, person %s:\n", s.n, s.uri, s.id, s.path(), s.word, s.bodyWord, s.topic, s.pslug)
			for _, op := range s.ops {
				fmt.Fprintf(&sb, "  op %d %s to node %d sent %s answered %s: want %s, got %s%s\n", op.i, op.kind, op.node+1, r.since(op.S), r.since(op.A), op.want, op.got, op.note)
			}
		}
		t.Log(sb.String())
	}
}
