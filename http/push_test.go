package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"dateline"
	dhttp "dateline/http"
	"dateline/ninjs"
	"dateline/push"
)

// pushed is what a destination acknowledged: delivery id -> story and
// event.
type pushed map[int64][2]string

// TestPushRandom plays a random wire (publications, embargoes and their
// release, updates that move stories between sections, kills) to random
// clients' push destinations on a receiver that fails, times out and
// answers slowly at random, then compares what each destination
// acknowledged, in order, with the rule worked out here: every change of
// a story the client's products cover (embargoed copy only with products
// that carry it), and of a story it received before even when it no
// longer matches; and reads the log through GET /api/v1/push/deliveries.
func TestPushRandom(t *testing.T) {
	seed := testSeed(t)
	e := newEnvConfig(t, false, "world", func(c *dhttp.Config) { c.APIRate = 1 << 20 })
	e.russian()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &wireWorld{e: e, rng: rand.New(rand.NewPCG(seed, seed^0x9e5))}
	r := w.rng

	const timeout = 150 * time.Millisecond
	var mu sync.Mutex
	secrets := map[string]string{}
	got := map[string]pushed{}
	rc := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		mu.Lock()
		secret := secrets[req.URL.Path]
		mu.Unlock()
		if !dateline.PushSecretOK(secret, body, req.Header.Get("X-Dateline-Signature")) {
			t.Errorf("%s: a bad signature", req.URL.Path)
		}
		switch n := rand.IntN(100); {
		case n < 30:
			rw.WriteHeader(http.StatusBadGateway)
			return
		case n < 35:
			time.Sleep(timeout * 3 / 2)
			return // the sender gave up: not acknowledged
		case n < 50:
			time.Sleep(timeout / 4)
		}
		var it ninjs.Item
		json.Unmarshal(body, &it)
		id, _ := strconv.ParseInt(req.Header.Get("X-Dateline-Delivery"), 10, 64)
		mu.Lock()
		got[req.URL.Path][id] = [2]string{it.URI, req.Header.Get("X-Dateline-Event")}
		mu.Unlock()
		rw.WriteHeader(http.StatusOK)
	}))
	defer rc.Close()

	var products []*dateline.Product
	for i := range 8 {
		p := w.randomProduct(i)
		if err := e.store.CreateProduct(ctx, p, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		products = append(products, p)
	}
	type dest struct {
		path   string
		id     int64
		client int64
		ent    dateline.Entitlement
		token  string
		want   [][2]string
		had    map[string]bool
	}
	var dests []*dest
	for i := range 5 {
		c := &dateline.Client{Name: fmt.Sprintf("Client %d", i), Disabled: i == 4}
		if err := e.store.CreateClient(ctx, c, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		take := r.Perm(len(products))[:1+r.IntN(3)]
		if i < 2 {
			// Broad products, so that stories move in and out of them.
			broad := &dateline.Product{Name: fmt.Sprintf("Broad %d", i), Sections: []string{rndSections[i], rndSections[i+2]}, Embargoed: i == 0}
			if err := e.store.CreateProduct(ctx, broad, e.clock.Now()); err != nil {
				t.Fatal(err)
			}
			products = append(products, broad)
			take = append(take, len(products)-1)
		}
		for _, j := range take {
			if err := e.store.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: products[j].ID}); err != nil {
				t.Fatal(err)
			}
		}
		ent, err := e.store.Entitlement(ctx, c.ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		d := &dest{path: fmt.Sprintf("/in/%d", i), ent: ent, had: map[string]bool{},
			token: e.makeTokenFor(&dateline.Token{Name: fmt.Sprintf("client-%d", i), Scope: "read", ClientID: c.ID})}
		pd := &dateline.PushDestination{ClientID: c.ID, URL: rc.URL + d.path}
		if err := e.store.CreatePushDestination(ctx, pd, time.Now()); err != nil {
			t.Fatal(err)
		}
		secrets[d.path], got[d.path], d.id, d.client = pd.Secret, pushed{}, pd.ID, c.ID
		dests = append(dests, d)
	}

	p := push.New(e.store, push.Config{AllowPrivate: true, BaseURL: "https://news.example", Timeout: timeout,
		MinBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, Workers: 8, Batch: 20, Usage: e.srv.Usage()}, slog.New(slog.DiscardHandler), time.Now)
	// The senders run on; the fan-out follows each change at once, so that
	// it reads the story as the change left it, as the rule here does.
	go func() {
		for ctx.Err() == nil {
			if n, _ := p.Send(ctx); n == 0 {
				time.Sleep(5 * time.Millisecond)
			}
		}
	}()
	// change stores a version (or releases embargoes, a == nil) and works
	// out who should hear of it.
	change := func(a *dateline.Article) {
		t.Helper()
		var olds map[int64]dateline.Status
		var ids []int64
		if a != nil {
			old := dateline.Status("")
			if s, err := e.store.ArticleByURI(ctx, a.URI); err == nil {
				old = s.Status
			}
			rs, err := e.store.UpsertArticles(ctx, []*dateline.Article{a}, e.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) == 0 || rs[0].Refused != nil || rs[0].ID == 0 {
				return
			}
			olds, ids = map[int64]dateline.Status{rs[0].ID: old}, []int64{rs[0].ID}
		} else {
			released, err := e.store.PublishDue(ctx, e.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			olds = map[int64]dateline.Status{}
			for _, r := range released {
				ids = append(ids, r.ID)
				olds[r.ID] = dateline.StatusScheduled
			}
		}
		for _, id := range ids {
			s, err := e.store.Article(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			kind := dateline.EventFor(olds[id], s)
			if kind == "" {
				continue
			}
			ev := dateline.PushEvent(&dateline.Event{Kind: kind, At: e.clock.Now()}, s)
			for _, d := range dests {
				// Those that had it hear of its kill or correction even
				// after it left their products; of other changes only
				// while it is in them.
				to := d.had[s.URI] && (ev == dateline.PushKill || ev == dateline.PushCorrect)
				if !to && ev != dateline.PushKill {
					to = ev == dateline.PushEmbargo && d.ent.CoversEmbargoed(s) || ev != dateline.PushEmbargo && d.ent.Covers(s)
				}
				if to {
					d.had[s.URI] = true
					d.want = append(d.want, [2]string{s.URI, ev})
				}
			}
		}
		if _, err := p.FanOut(ctx); err != nil {
			t.Fatal(err)
		}
	}

	versions := map[string]int{}
	var uris []string
	for i := range 80 {
		uri := fmt.Sprintf("urn:push:%d", i)
		uris = append(uris, uri)
		a := w.story(uri, 1)
		versions[uri] = 1
		if r.IntN(5) == 0 {
			a.Status, a.Embargoed = dateline.StatusScheduled, true
			a.EmbargoUntil = e.clock.Now().Add(time.Duration(1+r.IntN(60)) * time.Minute)
		}
		change(a)
		e.clock.Add(time.Duration(1+r.IntN(90)) * time.Second)
		if i%10 == 9 {
			change(nil)
		}
	}
	for range 50 {
		uri := uris[r.IntN(len(uris))]
		versions[uri]++
		a := w.story(uri, versions[uri])
		if r.IntN(4) == 0 {
			a.Status = dateline.StatusWithdrawn
		}
		change(a)
		e.clock.Add(time.Duration(1+r.IntN(30)) * time.Second)
	}
	e.clock.Add(time.Hour)
	change(nil)

	// Wait for every delivery to be sent, then read each log as its client.
	deadline := time.Now().Add(60 * time.Second)
	for _, d := range dests {
		for {
			log, err := e.store.PushDeliveries(ctx, d.id, 0, 10000)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(log, func(l dateline.PushDelivery) bool { return l.Status != dateline.DeliverySent }) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: deliveries still not sent after 60 s", d.path)
			}
			time.Sleep(20 * time.Millisecond)
		}
		res := e.get("/api/v1/push/deliveries?limit=500", "Authorization", "Bearer "+d.token)
		if res.Code != http.StatusOK {
			t.Fatalf("%s: deliveries answered %d: %s", d.path, res.Code, res.Body)
		}
		var log struct {
			Destinations []struct{ ID int64 }
			Deliveries   []struct{ Status string }
		}
		if err := json.Unmarshal(res.Body.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		if len(log.Destinations) != 1 || len(log.Deliveries) != len(d.want) ||
			slices.ContainsFunc(log.Deliveries, func(l struct{ Status string }) bool { return l.Status != dateline.DeliverySent }) {
			t.Errorf("%s: log of %d destinations and %d deliveries, want 1 and %d, all sent", d.path, len(log.Destinations), len(log.Deliveries), len(d.want))
		}
	}
	cancel()
	mu.Lock()
	defer mu.Unlock()
	total := 0
	for _, d := range dests {
		var ids []int64
		for id := range got[d.path] {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		var seq [][2]string
		for _, id := range ids {
			seq = append(seq, got[d.path][id])
		}
		// In order per story; stories released together may come in any
		// order.
		if !slices.Equal(byStory(seq), byStory(d.want)) {
			t.Errorf("%s acknowledged %v\nwant %v", d.path, seq, d.want)
		}
		total += len(seq)
	}
	if total == 0 {
		t.Error("nothing was pushed: the test tests nothing")
	}
	// Each client's usage counts its deliveries acknowledged.
	if err := e.srv.FlushUsage(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, d := range dests {
		us, err := e.store.UsageOf(context.Background(), d.client, "2000-01-01", "2999-12-31")
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, u := range us {
			if u.Kind == dateline.UsagePushed {
				n += u.Count
			}
		}
		if n != int64(len(d.want)) {
			t.Errorf("%s: usage counts %d pushed, want %d", d.path, n, len(d.want))
		}
	}
	t.Logf("%d deliveries; attempts %v", total, p.Outcomes())

	// The endpoint's refusals.
	for _, tt := range []struct {
		path, token string
		code        int
	}{
		{"/api/v1/push/deliveries", e.read, http.StatusForbidden},
		{"/api/v1/push/deliveries", "", http.StatusUnauthorized},
		{"/api/v1/push/deliveries?limit=0", dests[0].token, http.StatusBadRequest},
		{"/api/v1/push/deliveries?before=x", dests[0].token, http.StatusBadRequest},
		{"/api/v1/push/deliveries?destination=999", dests[0].token, http.StatusNotFound},
	} {
		var h []string
		if tt.token != "" {
			h = []string{"Authorization", "Bearer " + tt.token}
		}
		if res := e.get(tt.path, h...); res.Code != tt.code || !json.Valid(res.Body.Bytes()) {
			t.Errorf("%s: %d %s, want %d", tt.path, res.Code, res.Body, tt.code)
		}
	}
}

// byStory lists the events of each story in order, stories by URI.
func byStory(seq [][2]string) []string {
	m := map[string]string{}
	for _, x := range seq {
		m[x[0]] += " " + x[1]
	}
	var out []string
	for uri, evs := range m {
		out = append(out, uri+":"+evs)
	}
	slices.Sort(out)
	return out
}
