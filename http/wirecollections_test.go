package http_test

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/ninjs"
	"dateline/wire"
)

// playCollections adds random galleries and infographics to the wire:
// in random sections of both editions, published, drafts or withdrawn,
// some saved again into another section or status. w.collections is
// each as stored at the end.
func (w *wireWorld) playCollections() {
	e, r := w.e, w.rng
	e.helper()
	ctx := context.Background()
	save := func(kind, uri string) {
		sec := rndSections[r.IntN(len(rndSections))]
		status := dateline.StatusPublished
		switch r.IntN(5) {
		case 0:
			status = dateline.StatusDraft
		case 1:
			status = dateline.StatusWithdrawn
		}
		var photos []dateline.Photo
		for j := range 1 + r.IntN(3) {
			photos = append(photos, dateline.Photo{URI: fmt.Sprintf("urn:photo:%s:%d", uri, j), Remote: fmt.Sprintf("https://img.example/%s-%d.jpg", uri, j),
				Width: 800, Height: 600, Caption: fmt.Sprintf("Picture %d of %s", j+1, uri), Credit: "Photo: Agency"})
		}
		title := fmt.Sprintf("Collection %s in %s", uri, sec)
		var err error
		if kind == dateline.KindGallery {
			err = e.store.SaveGallery(ctx, &dateline.Gallery{URI: uri, Section: sec, Title: title, Lead: "Pictures.", Status: status, Photos: photos}, e.clock.Now())
		} else {
			err = e.store.SaveInfographic(ctx, &dateline.Infographic{URI: uri, Section: sec, Title: title, Text: "Figures.", Status: status, Images: photos}, e.clock.Now())
		}
		if err != nil {
			e.t.Fatal(err)
		}
	}
	var uris []string
	kinds := map[string]string{}
	for i := range 24 {
		kind := dateline.KindGallery
		if r.IntN(2) == 0 {
			kind = dateline.KindInfographic
		}
		uri := fmt.Sprintf("urn:rnd:%s:%d", kind, i)
		uris, kinds[uri] = append(uris, uri), kind
		save(kind, uri)
		e.clock.Add(time.Duration(1+r.IntN(3)) * time.Second)
	}
	for range 8 {
		uri := uris[r.IntN(len(uris))]
		save(kinds[uri], uri)
		e.clock.Add(time.Second)
	}
	e.srv.Changed()
	// The truth, read back by the newsroom's lists (every status).
	lang := func(sec string) string {
		if sec == "politika" {
			return "ru"
		}
		return "en"
	}
	gs, err := e.store.AllGalleries(ctx, 200)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, g := range gs {
		full, err := e.store.Gallery(ctx, g.ID)
		if err != nil {
			e.t.Fatal(err)
		}
		w.collections = append(w.collections, wire.FromGallery(full, lang(g.Section)))
	}
	is, err := e.store.AllInfographics(ctx, 200)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, g := range is {
		w.collections = append(w.collections, wire.FromInfographic(&g, lang(g.Section)))
	}
	if len(w.collections) != 24 {
		e.t.Fatalf("%d collections stored, want 24", len(w.collections))
	}
}

// coveredCollections are the published collections one of the products
// covers (worked out here from Product.CoversCollection), of kind ("" any),
// newest first as the API lists them.
func coveredCollections(w *wireWorld, ent *dateline.Entitlement, kind string) []string {
	var list []wire.Collection
	for _, c := range w.collections {
		if c.Status != dateline.StatusPublished || kind != "" && c.Kind != kind {
			continue
		}
		if slices.ContainsFunc(ent.Products, func(p dateline.Product) bool { return p.CoversCollection(c.Kind, c.Section, c.Lang) }) {
			list = append(list, c)
		}
	}
	slices.SortFunc(list, func(a, b wire.Collection) int {
		return cmp.Or(b.PublishedAt.Truncate(time.Second).Compare(a.PublishedAt.Truncate(time.Second)), cmp.Compare(b.ID, a.ID),
			strings.Compare(a.Kind, b.Kind))
	})
	var uris []string
	for _, c := range list {
		uris = append(uris, c.URI)
	}
	return uris
}

// checkCollections reads every page of the client's collections (all,
// and of one kind) and every collection's item: nothing outside its
// products, nothing inside missing, every item valid ninjs with its
// pictures.
func checkCollections(t *testing.T, w *wireWorld, wc *wireClient) {
	e, r := w.e, w.rng
	for _, kind := range []string{"", dateline.KindGallery, dateline.KindInfographic} {
		want := coveredCollections(w, &wc.ent, kind)
		var got []string
		path := "/api/v1/collections?limit=" + strconv.Itoa(1+r.IntN(5))
		if kind != "" {
			path += "&kind=" + kind
		}
		for next, pages := "", 0; ; pages++ {
			p := path
			if next != "" {
				p += "&cursor=" + next
			}
			e.clock.Add(time.Millisecond)
			code, page, _ := e.items(p, wc.token)
			if code != 200 || pages > 100 {
				t.Fatalf("%s: %d after %d pages", p, code, pages)
			}
			for _, raw := range page.Items {
				it, err := ninjs.Parse(raw)
				if err != nil {
					t.Fatalf("%s: not ninjs: %v", p, err)
				}
				got = append(got, it.URI)
			}
			if next = page.Next; next == "" {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("collections (kind %q): got %v, want %v", kind, got, want)
		}
	}
	for _, c := range w.collections {
		e.clock.Add(time.Millisecond)
		res := e.get("/api/v1/collections/"+c.Key(), "Authorization", "Bearer "+wc.token)
		visible := c.Status == dateline.StatusPublished &&
			slices.ContainsFunc(wc.ent.Products, func(p dateline.Product) bool { return p.CoversCollection(c.Kind, c.Section, c.Lang) })
		if visible != (res.Code == 200) || !visible && res.Code != http.StatusNotFound {
			t.Errorf("collection %s (%s, %s, %s): %d, visible %v", c.Key(), c.Status, c.Section, c.Lang, res.Code, visible)
			continue
		}
		if !visible {
			if strings.Contains(res.Body.String(), c.Title) {
				t.Errorf("collection %s: the 404 names its title", c.Key())
			}
			continue
		}
		it, err := ninjs.Parse(res.Body.Bytes())
		if err != nil {
			t.Fatalf("collection %s: not ninjs: %v\n%s", c.Key(), err, res.Body)
		}
		wantType := map[string]string{dateline.KindGallery: "composite", dateline.KindInfographic: "graphic"}[c.Kind]
		if it.URI != c.URI || it.Type != wantType || it.PubStatus != "usable" || it.Language != c.Lang ||
			len(it.Associations) != len(c.Photos) || len(it.Subjects) != 1 || !strings.HasSuffix(it.Subjects[0].URI, "/"+c.Section) {
			t.Errorf("collection %s: %s %s %s %s, %d associations of %d photos, subjects %v", c.Key(), it.URI, it.Type, it.PubStatus,
				it.Language, len(it.Associations), len(c.Photos), it.Subjects)
		}
	}
}

// The collections API answers bad requests with words, and a staff token
// reads every published collection.
func TestCollectionsAPIBadInput(t *testing.T) {
	w := &wireWorld{e: newEnv(t, false)}
	w.e.russian()
	w.rng = rand.New(rand.NewPCG(1, 2))
	w.playCollections()
	staff := w.e.makeTokenFor(&dateline.Token{Name: "staff", Scope: "read"})
	for path, want := range map[string]int{
		"/api/v1/collections?kind=video":       400,
		"/api/v1/collections?section=nowhere":  400,
		"/api/v1/collections?cursor=zzz":       400,
		"/api/v1/collections?limit=0":          400,
		"/api/v1/collections?topic=war":        400,
		"/api/v1/collections/gallery-x":        404,
		"/api/v1/collections/video-1":          404,
		"/api/v1/collections/gallery-01":       404,
		"/api/v1/collections/infographic-9999": 404,
	} {
		res := w.e.get(path, "Authorization", "Bearer "+staff)
		if res.Code != want || !strings.Contains(res.Body.String(), "error") {
			t.Errorf("%s: %d %s, want %d", path, res.Code, res.Body, want)
		}
	}
	if res := w.e.get("/api/v1/collections"); res.Code != http.StatusUnauthorized {
		t.Errorf("without a token: %d", res.Code)
	}
	everything := dateline.Entitlement{Products: []dateline.Product{{}}}
	code, page, _ := w.e.items("/api/v1/collections?limit=100", staff)
	if want := coveredCollections(w, &everything, ""); code != 200 || len(page.Items) != len(want) || len(want) == 0 {
		t.Errorf("staff list: %d, %d items, want %d", code, len(page.Items), len(want))
	}
}

// checkPortalCollections checks the galleries and infographics the
// portal's wire page at path shows (the newest 8 the products cover,
// narrowed by the page's product, section, edition; none when it asks
// for a kind of story), and every collection's page and downloads: 200
// with its pictures when the products cover it, else 404 without its
// title. It returns how many downloads it made (two of each collection
// shown).
func checkPortalCollections(t *testing.T, w *wireWorld, u *wireUser, ent *dateline.Entitlement, path string, product *dateline.Product, section, lang, kind string) (downloads int) {
	t.Helper()
	ps := ent.Products
	if product != nil {
		ps = []dateline.Product{*product}
	}
	var want []string
	if kind == "" {
		for _, uri := range coveredCollections(w, &dateline.Entitlement{Products: ps}, "") {
			c := collectionByURI(w, uri)
			if (section == "" || c.Section == section) && (lang == "" || c.Lang == lang) && len(want) < 8 {
				want = append(want, c.Key())
			}
		}
	}
	var got []string
	for _, m := range regexp.MustCompile(`data-collection="([a-z]+-\d+)"`).FindAllStringSubmatch(u.get(path).Body.String(), -1) {
		got = append(got, m[1])
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s shows collections %v, want %v", path, got, want)
	}
	if path != "/wire/" {
		return 0
	}
	for _, c := range w.collections {
		visible := c.Status == dateline.StatusPublished &&
			slices.ContainsFunc(ent.Products, func(p dateline.Product) bool { return p.CoversCollection(c.Kind, c.Section, c.Lang) })
		page := u.get("/wire/collections/" + c.Key())
		js := u.get("/wire/collections/" + c.Key() + "/download/ninjs")
		zipped := u.get("/wire/collections/" + c.Key() + "/download/zip")
		if !visible {
			for _, res := range []*httptest.ResponseRecorder{page, js, zipped} {
				if res.Code != http.StatusNotFound || strings.Contains(res.Body.String(), c.Title) {
					t.Errorf("collection %s outside the products (%s): %d", c.Key(), c.Status, res.Code)
				}
			}
			continue
		}
		if page.Code != 200 || !strings.Contains(page.Body.String(), html.EscapeString(c.Title)) ||
			strings.Count(page.Body.String(), "<figure") != len(c.Photos) {
			t.Errorf("collection %s's page: %d, %d figures of %d", c.Key(), page.Code, strings.Count(page.Body.String(), "<figure"), len(c.Photos))
		}
		if it, err := ninjs.Parse(js.Body.Bytes()); js.Code != 200 || err != nil || it.URI != c.URI || len(it.Associations) != len(c.Photos) {
			t.Errorf("collection %s as ninjs: %d %v", c.Key(), js.Code, err)
		}
		zr, err := zip.NewReader(bytes.NewReader(zipped.Body.Bytes()), int64(zipped.Body.Len()))
		if zipped.Code != 200 || err != nil || len(zr.File) == 0 || zr.File[0].Name != "dateline-"+c.Key()+".json" {
			t.Errorf("collection %s as zip: %d %v", c.Key(), zipped.Code, err)
		}
		downloads += 2
	}
	return downloads
}

func collectionByURI(w *wireWorld, uri string) *wire.Collection {
	for i := range w.collections {
		if w.collections[i].URI == uri {
			return &w.collections[i]
		}
	}
	return nil
}

// feedCollections are the keys of the galleries and infographics an RSS
// feed links to (/photo/ID, /infographics/ID), sorted.
func feedCollections(t *testing.T, body []byte) []string {
	t.Helper()
	var keys []string
	for _, m := range regexp.MustCompile(`<link>[^<]*/(photo|infographics)/(\d+)</link>`).FindAllStringSubmatch(string(body), -1) {
		kind := dateline.KindGallery
		if m[1] == "infographics" {
			kind = dateline.KindInfographic
		}
		keys = append(keys, kind+"-"+m[2])
	}
	slices.Sort(keys)
	return keys
}

// BenchmarkCollectionsAPI times a client's first page of
// /api/v1/collections (20 a page) and a collection's item over 200
// galleries and 200 infographics of three pictures each, the most a list
// looks at, and reports p50 and p99 (DATELINE_TEST_ENGINE=postgres for
// PostgreSQL):
//
//	go test -run '^$' -bench CollectionsAPI -benchtime 200x ./http
func BenchmarkCollectionsAPI(b *testing.B) {
	e := newEnv(b, false)
	e.russian()
	ctx := context.Background()
	w := &wireWorld{e: e, rng: rand.New(rand.NewPCG(5, 6))}
	for i := range 400 {
		sec := rndSections[w.rng.IntN(len(rndSections))]
		var photos []dateline.Photo
		for j := range 3 {
			photos = append(photos, dateline.Photo{URI: fmt.Sprintf("urn:bench:p%d-%d", i, j), Remote: "https://img.example/x.jpg", Width: 800, Height: 600})
		}
		var err error
		if i%2 == 0 {
			err = e.store.SaveGallery(ctx, &dateline.Gallery{URI: fmt.Sprintf("urn:bench:g%d", i), Section: sec, Title: "Gallery", Photos: photos}, e.clock.Now())
		} else {
			err = e.store.SaveInfographic(ctx, &dateline.Infographic{URI: fmt.Sprintf("urn:bench:i%d", i), Section: sec, Title: "Infographic", Images: photos}, e.clock.Now())
		}
		if err != nil {
			b.Fatal(err)
		}
		e.clock.Add(time.Minute)
	}
	c := &dateline.Client{Name: "Bench"}
	p := &dateline.Product{Name: "Pictures", Kinds: []string{dateline.KindGallery, dateline.KindInfographic}}
	if err := e.store.CreateClient(ctx, c, e.clock.Now()); err != nil {
		b.Fatal(err)
	}
	if err := e.store.CreateProduct(ctx, p, e.clock.Now()); err != nil {
		b.Fatal(err)
	}
	if err := e.store.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: p.ID}); err != nil {
		b.Fatal(err)
	}
	tok := e.makeTokenFor(&dateline.Token{Name: "bench", Scope: "read", ClientID: c.ID})
	var list, item []time.Duration
	i := 0
	for b.Loop() {
		e.clock.Add(time.Second) // the token's rate refills
		path, times := "/api/v1/collections", &list
		if i%2 == 1 {
			path, times = "/api/v1/collections/gallery-"+strconv.Itoa(1+i%200), &item
		}
		i++
		start := time.Now()
		if res := e.get(path, "Authorization", "Bearer "+tok); res.Code != 200 {
			b.Fatalf("%s: %d", path, res.Code)
		}
		*times = append(*times, time.Since(start))
	}
	for _, m := range []struct {
		name  string
		times []time.Duration
	}{{"list", list}, {"item", item}} {
		slices.Sort(m.times)
		if len(m.times) > 0 {
			b.ReportMetric(float64(m.times[len(m.times)/2].Microseconds())/1000, m.name+"-p50-ms")
			b.ReportMetric(float64(m.times[len(m.times)*99/100].Microseconds())/1000, m.name+"-p99-ms")
		}
	}
}
