package http_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dateline"
	dhttp "dateline/http"
	"dateline/internal/testseed"
	"dateline/live"
	"dateline/ninjs"
	"dateline/wire"
)

// wireWorld is a random wire and random clients, with what each client
// should see worked out from the stored stories by Covers.
type wireWorld struct {
	e       *env
	rng     *rand.Rand
	uris    []string
	clients []*wireClient
	stories []*dateline.Article // every story as stored at the end
	// collections are the galleries and infographics as stored at the
	// end (playCollections).
	collections []wire.Collection
	events      []dateline.Event // every event from the second
}

type wireClient struct {
	c     *dateline.Client
	ent   dateline.Entitlement
	token string
}

var (
	rndTopics   = []string{"war", "budget", "oil", "chess", "space"}
	rndPersons  = []string{"anna-k", "ivan-p", "li-wei", "omar-s"}
	rndSections = []string{"politics", "world", "economy", "sport", "politika"}
)

// story is a random version of the story uri, sent at the clock's time.
func (w *wireWorld) story(uri string, version int) *dateline.Article {
	r := w.rng
	sec := rndSections[r.IntN(len(rndSections))]
	lang := "en"
	if sec == "politika" {
		lang = "ru"
	}
	now := w.e.clock.Now()
	a := &dateline.Article{URI: uri, Section: sec, Lang: lang, Status: dateline.StatusPublished,
		Headline: fmt.Sprintf("Headline %s v%d", uri, version), Lead: "Lead of " + uri, Pages: []string{"<p>Body.</p>"},
		Urgency: r.IntN(10), SourceVersion: now, Source: dateline.DefaultSource, WireVersion: strconv.Itoa(version)}
	for _, t := range rndTopics {
		if r.IntN(4) == 0 {
			a.Topics = append(a.Topics, dateline.Topic{Slug: t, Name: strings.ToUpper(t)})
		}
	}
	for _, p := range rndPersons {
		if r.IntN(5) == 0 {
			a.Persons = append(a.Persons, dateline.Person{Slug: p, Name: strings.ToUpper(p)})
		}
	}
	if r.IntN(3) == 0 {
		a.Photo = &dateline.Photo{URI: "urn:photo:" + uri, Remote: "https://img.example/" + strconv.Itoa(r.IntN(1000)) + ".jpg", Width: 800, Height: 600}
	}
	return a
}

func (w *wireWorld) send(as ...*dateline.Article) {
	w.e.helper()
	if _, err := w.e.store.UpsertArticles(context.Background(), as, w.e.clock.Now()); err != nil {
		w.e.t.Fatal(err)
	}
	w.e.srv.StoriesChanged()
}

// randomProduct is a product over the same small sets as the stories.
func (w *wireWorld) randomProduct(i int) *dateline.Product {
	r := w.rng
	pick := func(from []string, chance int) []string {
		var out []string
		for _, s := range from {
			if r.IntN(chance) == 0 {
				out = append(out, s)
			}
		}
		return out
	}
	p := &dateline.Product{Name: fmt.Sprintf("Product %d", i), Sections: pick(rndSections, 3), Topics: pick(rndTopics, 4),
		Persons: pick(rndPersons, 6), Langs: pick([]string{"en", "ru"}, 4), Kinds: pick(dateline.ItemKinds, 4), Embargoed: r.IntN(2) == 0}
	if r.IntN(2) == 0 {
		p.MaxUrgency = 1 + r.IntN(9)
	}
	return p
}

// testSeed is a random test's seed (see testseed.Seed).
func testSeed(t *testing.T) uint64 { return testseed.Seed(t) }

// TestClientEntitlementRandom plays a random wire (publications,
// embargoes, updates that move stories, kills, releases) to random
// clients with random products, and reads every client-facing output of
// each client: every page of the list (also narrowed by section), every
// item, the galleries and infographics (list and items), the embargoed
// list, each product's feed and the stream. None may
// carry a story outside the client's products, and the lists and feeds
// miss none inside. Set DATELINE_TEST_SEED to replay a run.
func TestClientEntitlementRandom(t *testing.T) {
	seed := testSeed(t)
	w := playWire(t, seed)
	e, r, stories, events := w.e, w.rng, w.stories, w.events
	ctx := context.Background()
	covered := func(ent *dateline.Entitlement, section string) []int64 {
		return w.covered(func(a *dateline.Article) bool { return ent.Covers(a) && (section == "" || a.Section == section) })
	}
	// everyPage follows path's pages to the end as the token and returns
	// the stories they list.
	everyPage := func(t *testing.T, path, token string) []int64 {
		var got []int64
		for next, pages := "", 0; ; pages++ {
			p := path
			if next != "" {
				p += "&cursor=" + next
			}
			e.clock.Add(time.Millisecond)
			code, page, _ := e.items(p, token)
			if code != 200 || pages > 200 {
				t.Fatalf("%s: %d after %d pages", p, code, pages)
			}
			for _, raw := range page.Items {
				it, err := ninjs.Parse(raw)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, idOfURI(t, stories, it.URI))
			}
			if next = page.Next; next == "" {
				return got
			}
		}
	}
	for ci, wc := range w.clients {
		ent := &wc.ent
		t.Run(fmt.Sprintf("client%d", ci), func(t *testing.T) {
			auth := []string{"Authorization", "Bearer " + wc.token}
			// The token's rate refills by the server's clock: each request
			// here moves it a millisecond (contracts change by minutes).
			// Every page of the list, with a random page size.
			for _, section := range []string{"", rndSections[r.IntN(len(rndSections))]} {
				want := covered(ent, section)
				path := "/api/v1/items?limit=" + strconv.Itoa(1+r.IntN(7))
				if section != "" {
					path += "&section=" + section
				}
				got := everyPage(t, path, wc.token)
				if !slices.Equal(got, want) {
					t.Errorf("list (section %q): got %v, want %v", section, got, want)
				}
			}
			// A search within the products: the word is in every story,
			// so it finds what the list holds, a page of hits at a time.
			{
				want := covered(ent, "")
				got := everyPage(t, "/api/v1/items?q=headline", wc.token)
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("search: got %v, want %v", got, want)
				}
			}
			// Every item.
			for _, a := range stories {
				e.clock.Add(time.Millisecond)
				res := e.get(fmt.Sprintf("/api/v1/items/%d", a.ID), auth...)
				visible := false
				switch {
				case a.Status == dateline.StatusPublished:
					visible = ent.Covers(a)
				case a.Status == dateline.StatusWithdrawn && a.WasPublic():
					visible = ent.Covers(a)
				case a.Status == dateline.StatusWithdrawn, a.Status == dateline.StatusScheduled:
					visible = a.Embargoed && ent.CoversEmbargoed(a) || a.Status == dateline.StatusWithdrawn && ent.CoversEmbargoed(a)
				}
				if visible && res.Code != 200 || !visible && res.Code != 404 {
					t.Errorf("item %d (%s, covered %v): %d", a.ID, a.Status, ent.Covers(a), res.Code)
				}
				if !visible && strings.Contains(res.Body.String(), a.Headline) {
					t.Errorf("item %d: the 404 names its headline", a.ID)
				}
			}
			// Galleries and infographics: every page and every item.
			checkCollections(t, w, wc)
			// The embargoed list.
			e.clock.Add(time.Millisecond)
			code, page, _ := e.items("/api/v1/items?embargoed=1", wc.token)
			if !ent.Embargoed() {
				if code != http.StatusForbidden {
					t.Errorf("embargoed list without embargoed products: %d", code)
				}
			} else {
				var want, got []int64
				for _, a := range stories {
					if a.Status == dateline.StatusScheduled && a.Embargoed && ent.CoversEmbargoed(a) {
						want = append(want, a.ID)
					}
				}
				for _, raw := range page.Items {
					it, _ := ninjs.Parse(raw)
					if it.Embargoed == nil {
						t.Errorf("embargoed item %s without its release time", it.URI)
					}
					got = append(got, idOfURI(t, stories, it.URI))
				}
				slices.Sort(want)
				slices.Sort(got)
				if code != 200 || !slices.Equal(got, want) {
					t.Errorf("embargoed list: %d %v, want %v", code, got, want)
				}
			}
			// Each product's feed carries its newest 50 stories, no more.
			for _, p := range ent.Products {
				res := e.get(dateline.FeedAddress(wc.c, p.ID))
				one := dateline.Entitlement{Products: []dateline.Product{p}}
				want := covered(&one, "")
				if len(want) > 50 {
					want = want[:50]
				}
				if got := feedIDs(t, stories, res.Body.Bytes()); res.Code != 200 || !slices.Equal(got, want) {
					t.Errorf("feed of %q: %d %v, want %v", p.Name, res.Code, got, want)
				}
				// ... and its newest 10 galleries and infographics.
				var wantColl []string
				for _, uri := range coveredCollections(w, &one, "") {
					if len(wantColl) < 10 {
						wantColl = append(wantColl, collectionByURI(w, uri).Key())
					}
				}
				slices.Sort(wantColl)
				if got := feedCollections(t, res.Body.Bytes()); !slices.Equal(got, wantColl) {
					t.Errorf("feed of %q: collections %v, want %v", p.Name, got, wantColl)
				}
			}
			// The stream from the second event: only covered stories, and
			// every covered story that had a public event since.
			if len(ent.Products) > 0 {
				seen, seenColl := streamArticles(t, e, wc.token)
				// A gallery's or an infographic's event reaches the client
				// when a product covers it in the section and edition the
				// event names (its withdrawal too), and no other.
				wantColl := collectionEventsFor(events, ent)
				if !maps.Equal(seenColl, wantColl) {
					t.Errorf("the stream's collections %v, want %v", slices.Sorted(maps.Keys(seenColl)), slices.Sorted(maps.Keys(wantColl)))
				}
				for id := range seen {
					a := storyByID(stories, id)
					if a == nil || !ent.Covers(a) {
						t.Errorf("the stream announced story %d outside the products", id)
					}
				}
				for _, ev := range events {
					if ev.Collection != "" {
						continue
					}
					if a := storyByID(stories, ev.ArticleID); dateline.PublicEvent(ev.Kind) && a != nil && a.WasPublic() && ent.Covers(a) && !seen[a.ID] {
						t.Errorf("the stream missed story %d (event %d, %s)", a.ID, ev.ID, ev.Kind)
					}
				}
			}
		})
	}

	// Feeds refuse bad and revoked signatures, and products outside the contract.
	wc := w.clients[0]
	if len(wc.ent.Products) > 0 {
		addr := dateline.FeedAddress(wc.c, wc.ent.Products[0].ID)
		bad := addr[:len(addr)-2] + "00"
		if bad == addr {
			bad = addr[:len(addr)-2] + "11" // the real one ends in 00
		}
		if res := e.get(bad); res.Code != http.StatusForbidden {
			t.Errorf("a bad signature: %d", res.Code)
		}
		if err := e.store.RotateFeedKey(ctx, wc.c.ID); err != nil {
			t.Fatal(err)
		}
		if res := e.get(addr); res.Code != http.StatusForbidden {
			t.Errorf("a revoked address: %d", res.Code)
		}
	}
	for _, bad := range []string{"/wire/feeds/x/1.rss", "/wire/feeds/1/1.xml", "/wire/feeds/999/1.rss?sig=00"} {
		if res := e.get(bad); res.Code != http.StatusNotFound {
			t.Errorf("%s: %d", bad, res.Code)
		}
	}
}

// playWire plays a random wire (publications, embargoes, updates that
// move stories, kills, releases) to random clients with random products,
// on a server whose live hub has every event when it returns.
func playWire(t *testing.T, seed uint64) *wireWorld {
	e := newEnvConfig(t, false, "world", func(c *dhttp.Config) { c.APIRate = 1 << 20 })
	e.russian()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go e.srv.RunReadership(ctx)
	w := &wireWorld{e: e, rng: rand.New(rand.NewPCG(seed, seed^0x5eed))}
	r := w.rng

	// The wire: stories, some under embargo, then updates, kills and
	// the release of some embargoes.
	versions := map[string]int{}
	for i := range 90 {
		uri := fmt.Sprintf("urn:rnd:%d", i)
		w.uris = append(w.uris, uri)
		a := w.story(uri, 1)
		versions[uri] = 1
		if r.IntN(5) == 0 {
			a.Status, a.Embargoed = dateline.StatusScheduled, true
			a.EmbargoUntil = e.clock.Now().Add(time.Duration(1+r.IntN(120)) * time.Minute)
		}
		w.send(a)
		e.clock.Add(time.Duration(1+r.IntN(90)) * time.Second)
	}
	for range 30 {
		uri := w.uris[r.IntN(len(w.uris))]
		versions[uri]++
		a := w.story(uri, versions[uri])
		if r.IntN(4) == 0 {
			a.Status = dateline.StatusWithdrawn
		}
		w.send(a)
		e.clock.Add(time.Duration(1+r.IntN(30)) * time.Second)
	}
	e.clock.Add(time.Hour)
	e.release()
	w.playCollections()

	// Clients and their products.
	var products []*dateline.Product
	for i := range 12 {
		p := w.randomProduct(i)
		if err := e.store.CreateProduct(ctx, p, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		products = append(products, p)
	}
	for i := range 7 {
		c := &dateline.Client{Name: fmt.Sprintf("Client %d", i), Disabled: i == 6}
		if err := e.store.CreateClient(ctx, c, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		n := 1 + r.IntN(4)
		if i == 0 {
			n = len(products) // a client of many products
		}
		for _, j := range r.Perm(len(products))[:n] {
			cp := dateline.ClientProduct{ClientID: c.ID, ProductID: products[j].ID}
			if r.IntN(6) == 0 {
				cp.Until = e.clock.Now().Add(-time.Minute) // ended
			}
			if err := e.store.SetClientProduct(ctx, cp); err != nil {
				t.Fatal(err)
			}
		}
		ent, err := e.store.Entitlement(ctx, c.ID, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		tok := e.makeTokenFor(&dateline.Token{Name: fmt.Sprintf("client-%d", i), Scope: "read", ClientID: c.ID})
		c, _ = e.store.Client(ctx, c.ID)
		w.clients = append(w.clients, &wireClient{c: c, ent: ent, token: tok})
	}

	// The truth: every story as stored.
	for _, uri := range w.uris {
		a, err := e.store.ArticleByURI(ctx, uri)
		if err != nil {
			t.Fatal(err)
		}
		w.stories = append(w.stories, a)
	}
	// The node's live hub has every event before the streams are read
	// (the pump reads the store on every change and every 2 s).
	var err error
	w.events, err = e.store.Events(ctx, 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	waitHub(t, e)

	return w
}

// covered are the ids of the published stories keep keeps, newest first.
func (w *wireWorld) covered(keep func(*dateline.Article) bool) []int64 {
	var list []*dateline.Article
	for _, a := range w.stories {
		if a.Status == dateline.StatusPublished && keep(a) {
			list = append(list, a)
		}
	}
	slices.SortFunc(list, func(a, b *dateline.Article) int {
		if c := b.PublishedAt.Compare(a.PublishedAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	var ids []int64
	for _, a := range list {
		ids = append(ids, a.ID)
	}
	return ids
}

func storyByID(stories []*dateline.Article, id int64) *dateline.Article {
	for _, a := range stories {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func idOfURI(t *testing.T, stories []*dateline.Article, uri string) int64 {
	t.Helper()
	for _, a := range stories {
		if a.URI == uri {
			return a.ID
		}
	}
	t.Fatalf("an item %q that is no story of the wire", uri)
	return 0
}

// feedIDs are the ids of the stories an RSS feed links to, in order.
func feedIDs(t *testing.T, stories []*dateline.Article, body []byte) []int64 {
	t.Helper()
	var doc struct {
		Items []struct {
			Link string `xml:"link"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("feed: %v: %s", err, body)
	}
	var ids []int64
	for _, it := range doc.Items {
		if strings.Contains(it.Link, "/photo/") || strings.Contains(it.Link, "/infographics/") {
			continue // a collection (feedCollections)
		}
		i := strings.LastIndexByte(it.Link, '/')
		id, err := strconv.ParseInt(it.Link[i+1:], 10, 64)
		if err != nil || storyByID(stories, id) == nil {
			t.Fatalf("feed link %q", it.Link)
		}
		ids = append(ids, id)
	}
	return ids
}

// streamBody reads a stream in process from after event 1 until it has
// caught up: the hub sends a mark to every stream once this one is open,
// and a stream writes what it has to send first (the events after its
// Last-Event-ID) before anything the hub hands it later. So the mark
// arriving means the stream sent all it would; under load that takes
// what it takes, and the stream fails only if the mark is not there in a
// minute. The stream's store reads (a client's products, the gap older
// than the hub keeps) are not cut short by a deadline.
func streamBody(t *testing.T, e *env, path string, headers ...string) string {
	t.Helper()
	const mark = ": the test's mark\n\n"
	hub := e.srv.Readership().Hub()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, "GET", path, nil)
	req.Header.Set("Last-Event-ID", "1")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := &streamRecorder{h: http.Header{}}
	open := hub.Len()
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.srv.ServeHTTP(w, req)
	}()
	bound := time.After(time.Minute)
	wait := func(until func() bool, what string) bool {
		for !until() {
			select {
			case <-done:
				return false
			case <-bound:
				cancel()
				<-done
				t.Fatalf("%s: %s in a minute; so far %q", path, what, w.String())
			case <-time.After(time.Millisecond):
			}
		}
		return true
	}
	// An answer that is no stream ends without subscribing.
	if !wait(func() bool { return hub.Len() > open }, "no stream opened") {
		return w.String()
	}
	hub.Publish(live.Message{Frame: []byte(mark)})
	if !wait(func() bool { return strings.Contains(w.String(), mark) }, "the stream did not catch up") {
		t.Fatalf("%s: the stream ended before it caught up: %q", path, w.String())
	}
	cancel()
	<-done
	return strings.Replace(w.String(), mark, "", 1)
}

// waitHub waits (a minute at most) until the node's live hub has the
// store's last event, waking the pump, and returns that event's id.
func waitHub(t *testing.T, e *env) int64 {
	t.Helper()
	last, err := e.store.LastEventID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	hub := e.srv.Readership().Hub()
	for bound := time.Now().Add(time.Minute); hub.Last() < last; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(bound) {
			t.Fatalf("the live hub is at event %d after a minute, not %d", hub.Last(), last)
		}
		e.srv.Changed()
	}
	return last
}

// streamRecorder is a ResponseWriter that a test may read while the
// stream writes to it.
type streamRecorder struct {
	h  http.Header
	mu sync.Mutex
	b  strings.Builder
}

func (r *streamRecorder) Header() http.Header { return r.h }
func (r *streamRecorder) WriteHeader(int)     {}
func (r *streamRecorder) Flush()              {}

func (r *streamRecorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.b.Write(p)
}

func (r *streamRecorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.b.String()
}

// collectionEventsFor are the galleries and infographics (by kind-id)
// whose events reach a client's stream: those a product covers in the
// section and edition the event names (their withdrawal too).
func collectionEventsFor(events []dateline.Event, ent *dateline.Entitlement) map[string]bool {
	want := map[string]bool{}
	for _, ev := range events {
		if ev.Collection != "" && slices.ContainsFunc(ent.Products, func(p dateline.Product) bool {
			return p.CoversCollection(ev.Collection, ev.Section, ev.Lang)
		}) {
			want[ev.Collection+"-"+strconv.FormatInt(ev.ArticleID, 10)] = true
		}
	}
	return want
}

// streamArticles are the stories a client's stream names, from the
// second event on, and its galleries and infographics by wire key.
func streamArticles(t *testing.T, e *env, token string) (map[int64]bool, map[string]bool) {
	t.Helper()
	seen, colls := map[int64]bool{}, map[string]bool{}
	start := time.Now()
	body := streamBody(t, e, "/api/v1/stream", "Authorization", "Bearer "+token)
	t.Logf("the stream caught up in %v", time.Since(start))
	for _, line := range strings.Split(body, "\n") {
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			var ev struct {
				ID         int64
				Collection string
			}
			switch {
			case json.Unmarshal([]byte(data), &ev) != nil || ev.ID <= 0:
			case ev.Collection != "":
				colls[ev.Collection+"-"+strconv.FormatInt(ev.ID, 10)] = true
			default:
				seen[ev.ID] = true
			}
		}
	}
	return seen, colls
}
