package push

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"dateline"
	"dateline/internal/pgtest"
	"dateline/ninjs"
	"dateline/postgres"
	"dateline/sqlite"
)

var ctx = context.Background()

func withPostgres(t testing.TB) bool {
	if os.Getenv("DATELINE_TEST_POSTGRES") == "" && os.Getenv("DATELINE_TEST_ENGINE") != "postgres" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true needs DATELINE_TEST_POSTGRES")
		}
		return false
	}
	return true
}

// engines runs fn on SQLite, and on PostgreSQL when DATELINE_TEST_POSTGRES
// names a server (or DATELINE_TEST_ENGINE=postgres).
func engines(t *testing.T, fn func(t *testing.T, s dateline.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, openSQLite(t))
	})
	if !withPostgres(t) {
		return
	}
	t.Run("postgres", func(t *testing.T) {
		fn(t, openPostgres(t, pgtest.Schema(t)))
	})
}

func openSQLite(t testing.TB) dateline.Store {
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "dateline.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openPostgres(t testing.TB, dsn string) dateline.Store {
	db, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// arrival is one POST the receiver answered.
type arrival struct {
	delivery int64
	event    string
	uri      string
	acked    bool // answered 2xx in time (as far as the receiver knows)
}

// receiver is a real HTTP server that fails, times out and answers slowly
// at random, checks every signature, and keeps what arrived per
// destination (the path /d/{id}).
type receiver struct {
	t       testing.TB
	srv     *httptest.Server
	mu      sync.Mutex
	secrets map[string]string // path -> secret
	got     map[string][]arrival
	bad     int
	flaky   bool
	timeout time.Duration
}

func newReceiver(t testing.TB, flaky bool, timeout time.Duration) *receiver {
	rc := &receiver{t: t, secrets: map[string]string{}, got: map[string][]arrival{}, flaky: flaky, timeout: timeout}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	secret, ok := rc.secrets[r.URL.Path]
	rc.mu.Unlock()
	if !ok || !dateline.PushSecretOK(secret, body, r.Header.Get("X-Dateline-Signature")) {
		rc.mu.Lock()
		rc.bad++
		rc.mu.Unlock()
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var it ninjs.Item
	if err := json.Unmarshal(body, &it); err != nil {
		rc.t.Errorf("body is not ninjs: %v", err)
	}
	id, _ := strconv.ParseInt(r.Header.Get("X-Dateline-Delivery"), 10, 64)
	a := arrival{delivery: id, event: r.Header.Get("X-Dateline-Event"), uri: it.URI, acked: true}
	status := http.StatusNoContent
	if rc.flaky {
		switch n := rand.IntN(100); {
		case n < 30:
			status, a.acked = http.StatusServiceUnavailable, false
		case n < 35:
			time.Sleep(rc.timeout + rc.timeout/2) // past the sender's timeout
			a.acked = false
		case n < 50:
			time.Sleep(rc.timeout / 4)
		}
	}
	rc.mu.Lock()
	rc.got[r.URL.Path] = append(rc.got[r.URL.Path], a)
	rc.mu.Unlock()
	w.WriteHeader(status)
}

// wireStory is a story of the scenario and the events each destination
// should hear of it.
type wireStory struct {
	uri     string
	article *dateline.Article
	events  []string // push events in order
}

// scenario makes clients with destinations on the receiver and a wire of
// n stories (publications, updates, kills, embargoes and releases), and
// returns the stories and each destination's client.
func scenario(t *testing.T, s dateline.Store, rc *receiver, r *rand.Rand, n int, publish func()) ([]*wireStory, map[string]dateline.Entitlement) {
	for _, sec := range dateline.DefaultSections {
		if err := s.SaveSection(ctx, &sec); err != nil {
			t.Fatal(err)
		}
	}
	sections := []string{"politics", "world", "economy", "sport"}
	now := time.Now()
	ents := map[string]dateline.Entitlement{}
	for ci := range 4 {
		c := &dateline.Client{Name: "Client " + strconv.Itoa(ci)}
		if err := s.CreateClient(ctx, c, now); err != nil {
			t.Fatal(err)
		}
		p := &dateline.Product{Name: "Product " + strconv.Itoa(ci), Sections: []string{sections[ci], sections[(ci+1)%4]}, Embargoed: ci%2 == 0}
		if ci == 3 {
			p.MaxUrgency = 3
		}
		if err := s.CreateProduct(ctx, p, now); err != nil {
			t.Fatal(err)
		}
		if err := s.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: p.ID}); err != nil {
			t.Fatal(err)
		}
		e, err := s.Entitlement(ctx, c.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		for di := range 1 + ci%2 {
			path := fmt.Sprintf("/d/%d/%d", ci, di)
			rc.destination(t, s, c.ID, path)
			ents[path] = e
		}
	}
	var stories []*wireStory
	for i := range n {
		uri := "urn:push:" + strconv.Itoa(i)
		a := &dateline.Article{URI: uri, Section: sections[r.IntN(4)], Lang: "en", Status: dateline.StatusPublished,
			Headline: "Story " + strconv.Itoa(i), Pages: []string{"<p>x</p>"}, Urgency: 1 + r.IntN(9), Source: "wire", WireVersion: "1"}
		st := &wireStory{uri: uri, article: a}
		stories = append(stories, st)
		at := time.Now()
		if r.IntN(5) == 0 {
			// Embargoed copy, released a little later.
			a.Status, a.EmbargoUntil, a.Embargoed = dateline.StatusScheduled, at.Add(time.Duration(50+r.IntN(200))*time.Millisecond), true
			st.events = append(st.events, dateline.PushEmbargo, dateline.PushRelease)
		} else {
			a.PublishedAt = at
			st.events = append(st.events, dateline.PushPublish)
		}
		a.SourceVersion = at
		up(t, s, a)
		if a.Status == dateline.StatusPublished && r.IntN(3) == 0 {
			b := *a
			b.Headline, b.WireVersion, b.SourceVersion = a.Headline+" (updated)", "2", at.Add(time.Millisecond)
			up(t, s, &b)
			st.events = append(st.events, dateline.PushUpdate)
			if r.IntN(3) == 0 {
				k := b
				k.Status, k.WireVersion, k.SourceVersion, k.WithdrawNote = dateline.StatusWithdrawn, "3", at.Add(2*time.Millisecond), "Legal."
				up(t, s, &k)
				st.events = append(st.events, dateline.PushKill)
			}
		}
		if r.IntN(2) == 0 {
			collectionNoise(t, s, r, i, sections[r.IntN(4)])
		}
		if publish != nil && i%10 == 0 {
			publish()
		}
	}
	// Release the embargoes.
	time.Sleep(300 * time.Millisecond)
	if _, err := s.PublishDue(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	return stories, ents
}

// collectionNoise publishes, updates and withdraws a gallery or an
// infographic (urn:pushc:i) between the stories: their events are in the
// log with ids that are also stories' ids, and no destination may hear
// of them as a story's (check: nothing of urn:pushc arrives, and every
// story's events are exactly its own).
func collectionNoise(t *testing.T, s dateline.Store, r *rand.Rand, i int, section string) {
	t.Helper()
	ph := dateline.Photo{URI: "urn:pushc:photo", Path: "pushc/1.jpg", Width: 800, Height: 600, Caption: "Quay", Credit: "DATELINE"}
	if err := s.SavePhoto(ctx, &ph, time.Now()); err != nil {
		t.Fatal(err)
	}
	uri := "urn:pushc:" + strconv.Itoa(i)
	for _, st := range []dateline.Status{dateline.StatusPublished, dateline.StatusPublished, dateline.StatusWithdrawn}[:1+r.IntN(3)] {
		var err error
		if i%2 == 0 {
			err = s.SaveGallery(ctx, &dateline.Gallery{URI: uri, Section: section, Title: "Gallery " + uri, Photos: []dateline.Photo{ph}, Status: st}, time.Now())
		} else {
			err = s.SaveInfographic(ctx, &dateline.Infographic{URI: uri, Section: section, Title: "Infographic " + uri, Images: []dateline.Photo{ph}, Status: st}, time.Now())
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func up(t *testing.T, s dateline.Store, a *dateline.Article) {
	t.Helper()
	rs, err := s.UpsertArticles(ctx, []*dateline.Article{a}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) > 0 && rs[0].Refused != nil {
		t.Fatalf("refused %s: %v", a.URI, rs[0].Refused)
	}
}

// fast is a pusher's config for tests: milliseconds, not seconds.
func fast(timeout time.Duration) Config {
	return Config{AllowPrivate: true, BaseURL: "https://agency.example", Timeout: timeout,
		MinBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, Every: 10 * time.Millisecond, Workers: 8, Batch: 50}
}

// drain waits until no delivery is pending in the store.
func drain(t *testing.T, s dateline.Store, p *Pusher, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	// A running pusher may hold the fan-out's cursor (this FanOut then
	// reads nothing) with deliveries not yet written: only several quiet
	// rounds in a row mean done.
	quiet := 0
	for time.Now().Before(deadline) {
		n, err := p.FanOut(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if quiet++; n > 0 || pending(t, s) > 0 {
			quiet = 0
		}
		if quiet == 3 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("deliveries still pending after %v: %d", limit, pending(t, s))
}

// settle fans out and sends, with no other pusher running, until nothing
// is left to do: every event read and every due delivery sent (a paused
// destination's wait).
func settle(t *testing.T, s dateline.Store, p *Pusher) {
	t.Helper()
	for range 1000 {
		n, err := p.FanOut(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sent, err := p.Send(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && sent == 0 {
			return
		}
	}
	t.Fatalf("still fanning out and sending after 1,000 rounds")
}

// pending counts deliveries not yet sent or failed, over every destination.
func pending(t *testing.T, s dateline.Store) int {
	n := 0
	cs, err := s.ClientList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		ds, err := s.PushDestinations(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			log, err := s.PushDeliveries(ctx, d.ID, 0, 100000)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range log {
				if l.Status != dateline.DeliverySent {
					n++
				}
			}
		}
	}
	return n
}

// check compares what each destination acknowledged with what it should
// have heard: every event of every story its client's products cover, in
// order per story, nothing else, and no delivery arriving more often than
// its attempts.
func check(t *testing.T, s dateline.Store, rc *receiver, stories []*wireStory, ents map[string]dateline.Entitlement) {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.bad > 0 {
		t.Errorf("%d bodies with a bad signature", rc.bad)
	}
	attempts := map[int64]int{}
	cs, _ := s.ClientList(ctx)
	for _, c := range cs {
		ds, _ := s.PushDestinations(ctx, c.ID)
		for _, d := range ds {
			log, _ := s.PushDeliveries(ctx, d.ID, 0, 100000)
			for _, l := range log {
				attempts[l.ID] = l.Attempts
			}
		}
	}
	for path, e := range ents {
		arrivals := map[int64]int{}
		seq := map[string][]string{} // story -> events acknowledged, in order of first acknowledgment
		var ids = map[string][]int64{}
		for _, a := range rc.got[path] {
			if strings.HasPrefix(a.uri, "urn:pushc:") {
				t.Errorf("%s: a gallery or an infographic arrived: %+v", path, a)
			}
			arrivals[a.delivery]++
			if !a.acked || slices.Contains(ids[a.uri], a.delivery) {
				continue
			}
			ids[a.uri] = append(ids[a.uri], a.delivery)
			seq[a.uri] = append(seq[a.uri], a.event)
		}
		for id, n := range arrivals {
			if n > attempts[id] {
				t.Errorf("%s: delivery %d arrived %d times in %d attempts", path, id, n, attempts[id])
			}
		}
		for _, st := range stories {
			var want []string
			for _, ev := range st.events {
				if ev == dateline.PushEmbargo && e.CoversEmbargoed(st.article) || ev != dateline.PushEmbargo && e.Covers(st.article) {
					want = append(want, ev)
				}
			}
			got := seq[st.uri]
			if !slices.Equal(got, want) {
				t.Errorf("%s: %s (%s, urgency %d) acknowledged %v, want %v", path, st.uri, st.article.Section, st.article.Urgency, got, want)
			}
			if !slices.IsSorted(ids[st.uri]) {
				t.Errorf("%s: %s out of order: %v", path, st.uri, ids[st.uri])
			}
		}
	}
}

// TestPushRandom sends a random wire to clients' destinations on a
// receiver that fails, times out and answers slowly at random.
func TestPushRandom(t *testing.T) {
	engines(t, func(t *testing.T, s dateline.Store) {
		const timeout = 150 * time.Millisecond
		rc := newReceiver(t, true, timeout)
		p := New(s, fast(timeout), slog.New(slog.DiscardHandler), time.Now)
		run, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { p.Run(run); close(done) }()
		r := rand.New(rand.NewPCG(1, 2))
		stories, ents := scenario(t, s, rc, r, 60, p.Wake)
		drain(t, s, p, 60*time.Second)
		stop()
		<-done
		check(t, s, rc, stories, ents)
		o := p.Outcomes()
		t.Logf("attempts: %v", o)
		if o["retry"] == 0 {
			t.Error("the receiver never failed: the test tests nothing")
		}
	})
}

// TestPushCluster runs three pushers on one PostgreSQL database, as three
// nodes: every delivery arrives, in order, none more often than its
// attempts.
func TestPushCluster(t *testing.T) {
	if !withPostgres(t) {
		t.Skip("the cluster test needs PostgreSQL (DATELINE_TEST_POSTGRES)")
	}
	dsn := pgtest.Schema(t)
	nodes := []dateline.Store{openPostgres(t, dsn), openPostgres(t, dsn), openPostgres(t, dsn)}
	const timeout = 150 * time.Millisecond
	rc := newReceiver(t, true, timeout)
	run, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var pushers []*Pusher
	for _, s := range nodes {
		p := New(s, fast(timeout), slog.New(slog.DiscardHandler), time.Now)
		pushers = append(pushers, p)
		wg.Add(1)
		go func() { defer wg.Done(); p.Run(run) }()
	}
	wake := func() {
		for _, p := range pushers {
			p.Wake()
		}
	}
	stories, ents := scenario(t, nodes[0], rc, rand.New(rand.NewPCG(3, 4)), 60, wake)
	drain(t, nodes[1], pushers[1], 60*time.Second)
	stop()
	wg.Wait()
	check(t, nodes[2], rc, stories, ents)
	var sent []int
	for _, p := range pushers {
		sent = append(sent, p.Outcomes()["sent"])
	}
	t.Logf("sent by node: %v", sent)
}

// TestPushGuard: a destination on a private address is refused unless the
// operator allows it, and the refusal is in the log.
func TestPushGuard(t *testing.T) {
	s := openSQLite(t)
	rc := newReceiver(t, false, time.Second)
	c := &dateline.Client{Name: "C"}
	if err := s.CreateClient(ctx, c, time.Now()); err != nil {
		t.Fatal(err)
	}
	p := New(s, Config{}, slog.New(slog.DiscardHandler), time.Now)
	u := rc.srv.URL + "/d/x"
	d := &dateline.PushDestination{ClientID: c.ID, URL: u}
	if err := s.CreatePushDestination(ctx, d, time.Now()); err != nil {
		t.Fatal(err)
	}
	r := p.deliver(ctx, &dateline.PushDelivery{ID: 1, URL: u, Secret: d.Secret, Body: []byte("{}"), CreatedAt: time.Now()})
	if r.Sent || !strings.Contains(r.Error, "private") {
		t.Fatalf("deliver to loopback = %+v", r)
	}
	// The refusal counts as an attempt to retry, in the metrics too.
	reg := prometheus.NewRegistry()
	reg.MustRegister(p)
	mfs, err := reg.Gather()
	if err != nil || len(mfs) != 1 {
		t.Fatalf("gather: %v, %v", mfs, err)
	}
	for _, m := range mfs[0].GetMetric() {
		want := 0.0
		if m.GetLabel()[0].GetValue() == "retry" {
			want = 1
		}
		if m.GetCounter().GetValue() != want {
			t.Errorf("%s %v = %v, want %v", mfs[0].GetName(), m.GetLabel(), m.GetCounter().GetValue(), want)
		}
	}
}

// BenchmarkFanOut1000: one publish to 1,000 destinations, until every one
// acknowledged it, against a local receiver.
func BenchmarkFanOut1000(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchFanOut(b, openSQLite(b)) })
	if withPostgres(b) {
		b.Run("postgres", func(b *testing.B) { benchFanOut(b, openPostgres(b, pgtest.Schema(b))) })
	}
}

func benchFanOut(b *testing.B, s dateline.Store) {
	rc := newReceiver(b, false, time.Second)
	for _, sec := range dateline.DefaultSections {
		if err := s.SaveSection(ctx, &sec); err != nil {
			b.Fatal(err)
		}
	}
	c := &dateline.Client{Name: "Everyone"}
	if err := s.CreateClient(ctx, c, time.Now()); err != nil {
		b.Fatal(err)
	}
	p0 := &dateline.Product{Name: "All"}
	if err := s.CreateProduct(ctx, p0, time.Now()); err != nil {
		b.Fatal(err)
	}
	if err := s.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: p0.ID}); err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		path := "/d/" + strconv.Itoa(i)
		d := &dateline.PushDestination{ClientID: c.ID, URL: rc.srv.URL + path}
		if err := s.CreatePushDestination(ctx, d, time.Now()); err != nil {
			b.Fatal(err)
		}
		rc.secrets[path] = d.Secret
	}
	cfg := fast(5 * time.Second)
	cfg.Workers, cfg.Batch = 64, 500
	p := New(s, cfg, slog.New(slog.DiscardHandler), time.Now)
	i := 0
	for b.Loop() {
		i++
		at := time.Now()
		a := &dateline.Article{URI: "urn:bench:" + strconv.Itoa(i), Section: "world", Lang: "en", Status: dateline.StatusPublished,
			Headline: "Story", Pages: []string{"<p>x</p>"}, PublishedAt: at, SourceVersion: at}
		if _, err := s.UpsertArticles(ctx, []*dateline.Article{a}, at); err != nil {
			b.Fatal(err)
		}
		if _, err := p.FanOut(ctx); err != nil {
			b.Fatal(err)
		}
		for {
			n, err := p.Send(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
	}
	b.StopTimer()
	acked := 0
	for _, got := range rc.got {
		acked += len(got)
	}
	if acked != 1000*i {
		b.Fatalf("%d acknowledged, want %d", acked, 1000*i)
	}
}

// TestSignatureAsDocumented: the README's verifiers compute the same value.
func TestSignatureAsDocumented(t *testing.T) {
	const want = "sha256=add4307797573f90a4bb352e20238a082495292fbdc5d1179a371e06b7b1cf15"
	body := []byte(`{"uri":"urn:x"}`)
	if got := dateline.PushSignature("s3cret", body); got != want {
		t.Errorf("PushSignature = %s, want %s", got, want)
	}
	if !dateline.PushSecretOK("s3cret", body, want) || dateline.PushSecretOK("other", body, want) {
		t.Error("PushSecretOK")
	}
}

// TestPushAfterLeaving: a client that received a story hears of its
// correction and its kill after the story left its products, but not of
// a plain update; a client whose products never covered it hears of
// nothing, not even the kill.
func TestPushAfterLeaving(t *testing.T) {
	engines(t, func(t *testing.T, s dateline.Store) {
		defaultSections(t, s)
		rc := newReceiver(t, false, time.Second)
		sectionClient(t, s, rc, "politics", "/d/politics")
		sectionClient(t, s, rc, "sport", "/d/sport")
		p := New(s, fast(time.Second), slog.New(slog.DiscardHandler), time.Now)
		at := time.Now().Add(-time.Minute)
		a := &dateline.Article{URI: "urn:push:moved", Section: "politics", Lang: "en", Status: dateline.StatusPublished, PublishedAt: at,
			Headline: "Talks open", Pages: []string{"<p>x</p>"}, Urgency: 3, Source: "wire", WireVersion: "1", SourceVersion: at}
		steps := []func(a *dateline.Article){
			nil, // published in politics
			func(a *dateline.Article) { a.Section, a.Headline = "world", "Talks open abroad" }, // moved out: an update
			func(a *dateline.Article) { a.Headline = "Talks open abroad, day two" },            // an update
			func(a *dateline.Article) {
				a.Headline = "Talks open abroad on Monday"
				a.Corrections = append(a.Corrections, dateline.Correction{At: time.Now(), Text: "The talks open on Monday, not Tuesday."})
			},
			func(a *dateline.Article) { a.Status, a.WithdrawNote = dateline.StatusWithdrawn, "Legal." },
		}
		for i, step := range steps {
			if step != nil {
				step(a)
				a.WireVersion, a.SourceVersion = strconv.Itoa(i+1), at.Add(time.Duration(i)*time.Second)
			}
			b := *a
			up(t, s, &b)
			settle(t, s, p)
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		events := func(path string) []string {
			var out []string
			for _, g := range rc.got[path] {
				out = append(out, g.event)
			}
			return out
		}
		if got, want := events("/d/politics"), []string{dateline.PushPublish, dateline.PushCorrect, dateline.PushKill}; !slices.Equal(got, want) {
			t.Errorf("the client that had it: %v, want %v", got, want)
		}
		if got := events("/d/sport"); len(got) != 0 {
			t.Errorf("the client that never had it: %v, want nothing", got)
		}
	})
}

// TestPushPrune: pruning drops the log of done deliveries (and the bodies
// they used) but not pending ones, and a story's kill still reaches the
// destination that received it before the log was pruned.
func TestPushPrune(t *testing.T) {
	engines(t, func(t *testing.T, s dateline.Store) {
		defaultSections(t, s)
		rc := newReceiver(t, false, time.Second)
		dests := sectionClient(t, s, rc, "politics", "/d/live", "/d/paused")
		if err := s.SetPushPaused(ctx, dests[1].ID, true); err != nil {
			t.Fatal(err)
		}
		p := New(s, fast(time.Second), slog.New(slog.DiscardHandler), time.Now)
		at := time.Now().Add(-time.Minute)
		a := &dateline.Article{URI: "urn:push:pruned", Section: "politics", Lang: "en", Status: dateline.StatusPublished, PublishedAt: at,
			Headline: "Talks open", Pages: []string{"<p>x</p>"}, Urgency: 3, Source: "wire", WireVersion: "1", SourceVersion: at}
		b := *a
		up(t, s, &b)
		settle(t, s, p)
		n, err := s.PrunePush(ctx, time.Now().Add(time.Second))
		if err != nil || n != 1 {
			t.Fatalf("prune: %d, %v; want the one sent delivery", n, err)
		}
		if log, _ := s.PushDeliveries(ctx, dests[0].ID, 0, 100); len(log) != 0 {
			t.Errorf("the live destination's log after pruning: %d deliveries, want none", len(log))
		}
		if log, _ := s.PushDeliveries(ctx, dests[1].ID, 0, 100); len(log) != 1 || log[0].Status != dateline.DeliveryPending {
			t.Errorf("the paused destination's log after pruning: %+v, want its pending delivery", log)
		}
		if n, err := s.PrunePush(ctx, time.Now().Add(time.Second)); err != nil || n != 0 {
			t.Errorf("prune again: %d, %v; want nothing", n, err)
		}
		// The kill still reaches the destination whose log was pruned.
		k := *a
		k.Status, k.WireVersion, k.SourceVersion, k.WithdrawNote = dateline.StatusWithdrawn, "2", at.Add(time.Second), "Legal."
		up(t, s, &k)
		settle(t, s, p)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		var got []string
		for _, g := range rc.got["/d/live"] {
			got = append(got, g.event)
		}
		if want := []string{dateline.PushPublish, dateline.PushKill}; !slices.Equal(got, want) {
			t.Errorf("the live destination heard %v, want %v", got, want)
		}
	})
}

// sectionClient makes, on a store with the default sections, a client
// whose one product is the section, with a destination on the receiver
// at each of paths, and starts a pusher until the test ends.
func sectionClient(t *testing.T, s dateline.Store, rc *receiver, section string, paths ...string) []*dateline.PushDestination {
	t.Helper()
	now := time.Now()
	c := &dateline.Client{Name: "Client " + section}
	if err := s.CreateClient(ctx, c, now); err != nil {
		t.Fatal(err)
	}
	p := &dateline.Product{Name: "Only " + section, Sections: []string{section}}
	if err := s.CreateProduct(ctx, p, now); err != nil {
		t.Fatal(err)
	}
	if err := s.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: p.ID}); err != nil {
		t.Fatal(err)
	}
	var out []*dateline.PushDestination
	for _, path := range paths {
		out = append(out, rc.destination(t, s, c.ID, path))
	}
	return out
}

// destination makes a destination of the client at path on the receiver.
func (rc *receiver) destination(t *testing.T, s dateline.Store, client int64, path string) *dateline.PushDestination {
	t.Helper()
	d := &dateline.PushDestination{ClientID: client, URL: rc.srv.URL + path}
	if err := s.CreatePushDestination(ctx, d, time.Now()); err != nil {
		t.Fatal(err)
	}
	rc.mu.Lock()
	rc.secrets[path] = d.Secret
	rc.mu.Unlock()
	return d
}

// defaultSections saves the default sections in s.
func defaultSections(t *testing.T, s dateline.Store) {
	t.Helper()
	for _, sec := range dateline.DefaultSections {
		if err := s.SaveSection(ctx, &sec); err != nil {
			t.Fatal(err)
		}
	}
}
