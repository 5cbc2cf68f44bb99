package benchcmd

import (
	"context"
	"fmt"
	"math/rand"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"dateline/ninjs"
)

// benchSource is the source of the wire token the bench makes: every story
// it adds has it, and a URI starting urn:dateline:bench:.
const benchSource = "bench"

// latencies are the times a row's requests took, and its failures.
type latencies struct {
	took     []time.Duration
	elapsed  time.Duration
	errors   int
	firstErr error
}

func (l *latencies) add(d time.Duration, err error) {
	if err != nil {
		l.errors++
		if l.firstErr == nil {
			l.firstErr = err
		}
		return
	}
	l.took = append(l.took, d)
}

func (l *latencies) merge(o *latencies) {
	l.took = append(l.took, o.took...)
	l.errors += o.errors
	if l.firstErr == nil {
		l.firstErr = o.firstErr
	}
}

// pct is the q-quantile (0.5 for the median); 0 without samples.
func (l *latencies) pct(q float64) time.Duration {
	if len(l.took) == 0 {
		return 0
	}
	s := slices.Clone(l.took)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// rate is answered requests a second.
func (l *latencies) rate() float64 {
	if l.elapsed <= 0 {
		return 0
	}
	return float64(len(l.took)) / l.elapsed.Seconds()
}

// tooManyErrors stops a row whose requests keep failing.
func (l *latencies) tooManyErrors() bool { return l.errors >= 20 }

// archiveRow is one line of the table: the addresses it asks for and its
// goal.
type archiveRow struct {
	key, name  string
	goal       benchGoal
	path       func(rng *rand.Rand) string
	api        bool // the API: needs a read token
	client     bool // the API as the bench client (setupClient)
	portal     bool // the portal, signed in as the bench client's user
	afterWrite bool // each request follows a wire story that empties what it touches
}

// benchRun is what a row needs to run: the node, its addresses, tokens,
// and the length of each mode.
type benchRun struct {
	node     *benchNode
	addrs    *benchAddrs
	reads    *tokenPool
	write    string
	duration time.Duration
	conns    int
	seed     int64
	runID    string

	clients      *tokenPool // setupClient's API tokens
	portalCookie string     // and its user's portal session

	stories   atomic.Int64
	mu        sync.Mutex
	lastWrite time.Time
}

// MinSamples is the least a row takes one at a time, however slow.
const MinSamples = 3

// writeSpacing keeps the after-a-write rows at ten wire stories a second
// at most, so that a run adds hundreds of stories, not thousands.
const writeSpacing = 100 * time.Millisecond

// oneAtATime asks for the row's addresses one after another for the run's
// duration (and at least MinSamples times): the figures are service times.
func (r *benchRun) oneAtATime(ctx context.Context, row archiveRow) *latencies {
	l := &latencies{}
	rng := rand.New(rand.NewSource(r.seed))
	start := time.Now()
	deadline := start.Add(r.duration)
	for i := 0; ctx.Err() == nil && !l.tooManyErrors() && (i < MinSamples || time.Now().Before(deadline)); i++ {
		path := row.path(rng)
		if row.afterWrite {
			if err := r.warmThenWrite(ctx, path); err != nil {
				l.add(0, err)
				continue
			}
		}
		l.add(r.timedGet(ctx, row, path))
	}
	l.elapsed = time.Since(start)
	return l
}

// concurrent keeps r.conns requests going at once for d.
// A row after a write sends one story, then the same page r.conns times at
// once, as readers arrive together after news.
func (r *benchRun) concurrent(ctx context.Context, row archiveRow, d time.Duration) *latencies {
	total := &latencies{}
	start := time.Now()
	deadline := start.Add(d)
	if row.afterWrite {
		rng := rand.New(rand.NewSource(r.seed + 1))
		for i := 0; ctx.Err() == nil && !total.tooManyErrors() && (i < 1 || time.Now().Before(deadline)); i++ {
			path := row.path(rng)
			if err := r.warmThenWrite(ctx, path); err != nil {
				total.add(0, err)
				continue
			}
			total.merge(r.together(r.conns, func(int) *latencies {
				l := &latencies{}
				l.add(r.timedGet(ctx, row, path))
				return l
			}))
		}
	} else {
		total = r.together(r.conns, func(i int) *latencies {
			l := &latencies{}
			rng := rand.New(rand.NewSource(r.seed + int64(i) + 1))
			for ctx.Err() == nil && !l.tooManyErrors() && time.Now().Before(deadline) {
				l.add(r.timedGet(ctx, row, row.path(rng)))
			}
			return l
		})
	}
	total.elapsed = time.Since(start)
	return total
}

// together runs n workers at once and merges what they measured.
func (r *benchRun) together(n int, work func(i int) *latencies) *latencies {
	parts := make([]*latencies, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { parts[i] = work(i) })
	}
	wg.Wait()
	all := &latencies{}
	for _, p := range parts {
		all.merge(p)
	}
	return all
}

// timedGet asks for path as the row does and returns how long the whole
// answer took. The wait for an API token comes before the clock starts.
func (r *benchRun) timedGet(ctx context.Context, row archiveRow, path string) (time.Duration, error) {
	tok := ""
	switch {
	case row.api, row.client:
		pool := r.reads
		if row.client {
			pool = r.clients
		}
		var err error
		if tok, err = pool.take(ctx); err != nil {
			return 0, err
		}
	case row.portal:
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.node.base+path, nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Accept-Encoding", "gzip")
		req.Header.Set("Cookie", r.portalCookie)
		start := time.Now()
		_, err = r.node.do(req, http.StatusOK)
		return time.Since(start), err
	}
	start := time.Now()
	_, err := r.node.get(ctx, path, tok, true)
	return time.Since(start), err
}

// warmThenWrite asks for path (so that the page is cached, if the server
// caches it) and sends a wire story that touches it: a new story in the
// biggest topic and person, on the home page, in its section's lists and
// the month's sitemap.
func (r *benchRun) warmThenWrite(ctx context.Context, path string) error {
	if _, err := r.node.get(ctx, path, "", true); err != nil {
		return err
	}
	r.mu.Lock()
	wait := time.Until(r.lastWrite.Add(writeSpacing))
	r.mu.Unlock()
	if wait > 0 {
		time.Sleep(wait)
	}
	err := r.writeStory(ctx)
	r.mu.Lock()
	r.lastWrite = time.Now()
	r.mu.Unlock()
	return err
}

// writeStory ingests one new wire story.
func (r *benchRun) writeStory(ctx context.Context) error {
	n := r.stories.Add(1)
	now := time.Now().UTC().Truncate(time.Millisecond)
	h := r.addrs.headlines[int(n)%len(r.addrs.headlines)].text
	it := ninjs.Item{
		URI:            fmt.Sprintf("urn:dateline:bench:%s:%d", r.runID, n),
		Type:           "text",
		Version:        "1",
		VersionCreated: &now,
		PubStatus:      "usable",
		Language:       "en",
		Headlines:      []ninjs.Text{{Role: "main", Value: h}},
		Bodies:         []ninjs.Text{{ContentType: "text/html", Value: "<p>" + h + ".</p><p>A story the benchmark sent over the wire.</p>"}},
		Subjects:       []ninjs.Concept{{Name: r.addrs.topic.name}},
		People:         []ninjs.Concept{{Name: r.addrs.person.name}},
	}
	return r.node.post(ctx, r.write, it)
}
