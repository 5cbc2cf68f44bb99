package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"dateline"
	dhttp "dateline/http"
	"dateline/ingest"
	"dateline/internal/htmlcheck"
	"dateline/media"
	"dateline/ninjs"
)

// pngBytes is a small plain PNG, a banner for the ad tests.
func pngBytes(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{10, 61, uint8(x), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// saveAd posts a slot's form, with the file as its upload when not nil.
func (b *browser) saveAd(slot string, v url.Values, file []byte) resp {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if !v.Has("csrf") {
		mw.WriteField("csrf", b.csrf)
	}
	for k, vs := range v {
		for _, x := range vs {
			mw.WriteField(k, x)
		}
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("photo", "banner.png")
		fw.Write(file)
	}
	mw.Close()
	return b.req("POST", "/newsroom/ads/"+slot, &body, mw.FormDataContentType())
}

func adSettings(t *testing.T, s dateline.Store) *dateline.AdSettings {
	t.Helper()
	st, err := s.AdSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestAdsAdminNeedsAdmin(t *testing.T) {
	n := newNewsroom(t)
	frame := url.Values{"kind": {"frame"}, "frame_url": {"https://ads.example/f"}, "width": {"300"}, "height": {"250"}}
	if r := n.browser().get("/newsroom/ads"); r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/newsroom/login") {
		t.Errorf("signed out: %d %s", r.Code, r.Location)
	}
	if r := n.browser().post("/newsroom/ads/switch", url.Values{"ads": {"off"}}); r.Code == http.StatusSeeOther && !strings.HasPrefix(r.Location, "/newsroom/login") || r.Code < 300 {
		t.Errorf("signed out switch: %d %s", r.Code, r.Location)
	}
	for _, who := range []string{"reporter@example.org", "editor@example.org"} {
		b := n.as(who)
		if r := b.get("/newsroom/ads"); r.Code != http.StatusForbidden {
			t.Errorf("%s: GET %d", who, r.Code)
		}
		if r := b.saveAd("header", frame, nil); r.Code != http.StatusForbidden {
			t.Errorf("%s: save %d", who, r.Code)
		}
		if r := b.post("/newsroom/ads/switch", url.Values{"ads": {"off"}}); r.Code != http.StatusForbidden {
			t.Errorf("%s: switch %d", who, r.Code)
		}
		if r := b.get("/newsroom/"); strings.Contains(r.Body, `href="/newsroom/ads"`) {
			t.Errorf("%s sees the ads page in the menu", who)
		}
	}
	admin := n.as("admin@example.org")
	r := admin.get("/newsroom/ads")
	if r.Code != http.StatusOK || !strings.Contains(r.Body, `href="/newsroom/ads" aria-current="page"`) || !strings.Contains(r.Body, "Turn all ads off") {
		t.Fatalf("admin: %d %s", r.Code, excerpt(r.Body))
	}
	forged := url.Values{"csrf": {"forged"}}
	for k, v := range frame {
		forged[k] = v
	}
	if r := admin.saveAd("header", forged, nil); r.Code != http.StatusForbidden {
		t.Errorf("save without the CSRF token: %d", r.Code)
	}
	if r := admin.post("/newsroom/ads/switch", url.Values{"csrf": {"forged"}, "ads": {"off"}}); r.Code != http.StatusForbidden {
		t.Errorf("switch without the CSRF token: %d", r.Code)
	}
	if st := adSettings(t, n.store); st.Off || len(st.Ads) != 0 {
		t.Errorf("refused writes were stored: %+v", st)
	}
	// The admin's save is kept and audited.
	if r := admin.saveAd("header", frame, nil); r.Code != http.StatusSeeOther {
		t.Fatalf("admin save: %d %s", r.Code, excerpt(r.Body))
	}
	if r := admin.get("/newsroom/audit"); !strings.Contains(r.Body, "ad.save") {
		t.Errorf("the audit log lacks ad.save")
	}
}

func TestAdsBadInputRefused(t *testing.T) {
	n := newNewsroom(t)
	admin := n.as("admin@example.org")
	img := func(kv ...string) url.Values {
		v := url.Values{"kind": {"image"}, "link": {"https://shop.example/offer"}, "alt": {"Winter sale"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	frame := func(kv ...string) url.Values {
		v := url.Values{"kind": {"frame"}, "frame_url": {"https://ads.example/slot"}, "width": {"300"}, "height": {"250"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	banner := pngBytes(t, 300, 100)
	for _, tc := range []struct {
		name, slot string
		form       url.Values
		file       []byte
		code       int
		want       string
	}{
		{"javascript link", "sidebar", img("link", "javascript:alert(document.cookie)"), banner, 400, "must be a full http:// or https:// URL"},
		{"data link", "sidebar", img("link", "data:text/html,<script>alert(1)</script>"), banner, 400, "must be a full http:// or https:// URL"},
		{"relative link", "sidebar", img("link", "/news"), banner, 400, "must be a full http:// or https:// URL"},
		{"no link", "sidebar", img("link", ""), banner, 400, "The link is missing"},
		{"missing alt", "sidebar", img("alt", ""), banner, 400, "alternative text"},
		{"alt with a line break", "sidebar", img("alt", "one\ntwo"), banner, 400, "alternative text"},
		{"huge alt", "sidebar", img("alt", strings.Repeat("a", 301)), banner, 400, "alternative text"},
		{"huge link", "sidebar", img("link", "https://shop.example/"+strings.Repeat("a", 2100)), banner, 400, "at most 2000 characters"},
		{"no image", "sidebar", img(), nil, 400, "Choose an image"},
		{"unknown photo", "sidebar", img("photo_id", "99999"), nil, 400, "no photo 99999"},
		{"photo number not a number", "sidebar", img("photo_id", "12x"), nil, 400, "whole number"},
		{"not an image", "sidebar", img(), []byte("#!/bin/sh\necho hi\n"), 422, "not a JPEG, PNG or WebP"},
		{"same-origin frame", "header", frame("frame_url", "http://news.example/ad"), nil, 400, "must be a full https:// URL"},
		{"same-host https frame", "header", frame("frame_url", "https://news.example:8443/ad"), nil, 400, "this site&#39;s own host"},
		{"http frame", "header", frame("frame_url", "http://ads.example/slot"), nil, 400, "must be a full https:// URL"},
		{"javascript frame", "header", frame("frame_url", "javascript:alert(1)"), nil, 400, "must be a full https:// URL"},
		{"frame with a password", "header", frame("frame_url", "https://u:p@ads.example/"), nil, 400, "user name or password"},
		{"frame host with a policy directive", "header", frame("frame_url", "https://ads.example;sandbox/x"), nil, 400, "domain name or an IP address"},
		{"frame host wildcard", "header", frame("frame_url", "https://*/x"), nil, 400, "domain name or an IP address"},
		{"frame port out of range", "header", frame("frame_url", "https://ads.example:99999/x"), nil, 400, "domain name or an IP address"},
		{"no size", "header", frame("width", "", "height", ""), nil, 400, "from 50 to 2000"},
		{"tiny", "header", frame("width", "1"), nil, 400, "from 50 to 2000"},
		{"huge", "header", frame("height", "90000"), nil, 400, "from 50 to 2000"},
		{"negative", "header", frame("width", "-300"), nil, 400, "whole number"},
		{"size not a number", "header", frame("width", "300px"), nil, 400, "whole number"},
		{"bad date", "header", frame("from", "tomorrow"), nil, 400, "a day and a time"},
		{"dates reversed", "header", frame("from", "2026-12-02T10:00", "until", "2026-12-01T10:00"), nil, 400, "end date must come after"},
		{"unknown kind", "header", frame("kind", "popup"), nil, 400, "not &#34;popup&#34;"},
		{"unknown slot", "footer", frame(), nil, 400, "There is no ad slot"},
		{"not text", "header", frame("frame_url", "https://ads.example/\x00"), nil, 400, "not text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := admin.saveAd(tc.slot, tc.form, tc.file)
			if r.Code != tc.code || !strings.Contains(r.Body, tc.want) {
				t.Errorf("%d, want %d with %q: %s", r.Code, tc.code, tc.want, excerpt(r.Body))
			}
		})
	}
	if r := admin.post("/newsroom/ads/switch", url.Values{"ads": {"maybe"}}); r.Code != http.StatusBadRequest {
		t.Errorf("switch to maybe: %d", r.Code)
	}
	if r := admin.post("/newsroom/ads/footer/clear", nil); r.Code != http.StatusBadRequest {
		t.Errorf("clearing an unknown slot: %d", r.Code)
	}
	if st := adSettings(t, n.store); st.Off || len(st.Ads) != 0 {
		t.Errorf("refused ads were stored: %+v", st)
	}
	// The refused form comes back filled in, for the admin to correct.
	r := admin.saveAd("header", frame("frame_url", "http://ads.example/kept"), nil)
	if !strings.Contains(r.Body, `value="http://ads.example/kept"`) {
		t.Errorf("refused form not filled in: %s", excerpt(r.Body))
	}
}

// adsSite is a newsroom with three published stories of three paragraphs
// and an admin's browser.
func adsSite(t *testing.T) (*nrEnv, *browser, []int64) {
	n := newNewsroom(t)
	var ids []int64
	for i, sec := range []string{"politics", "politics", "economy"} {
		a := &dateline.Article{URI: fmt.Sprintf("urn:test:ads:%d", i), Section: sec, Lang: "en", Status: dateline.StatusPublished,
			Headline: fmt.Sprintf("Ads story %d", i), Lead: "A lead.", Urgency: 5, Topics: []dateline.Topic{{Name: "Harvest"}},
			Pages:       []string{"<p>First paragraph.</p><p>Second paragraph.</p><p>Third paragraph.</p>"},
			PublishedAt: n.clock.Now().Add(-time.Duration(3-i) * time.Minute), SourceVersion: n.clock.Now()}
		rs, err := n.store.UpsertArticles(context.Background(), []*dateline.Article{a}, n.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rs[0].ID)
	}
	n.srv.Changed()
	return n, n.as("admin@example.org"), ids
}

// TestAdsOnPagesAndTheSwitch fills the three slots and checks each page
// shows them labelled, sandboxed, and allowed by the page's policy; the
// switch takes every ad off every page at once, and back.
func TestAdsOnPagesAndTheSwitch(t *testing.T) {
	n, admin, ids := adsSite(t)
	art := fmt.Sprintf("/politics/%d", ids[0])
	pages := []string{"/", "/news", "/politics", art, fmt.Sprintf("/economy/%d", ids[2]), "/topics/harvest", "/search?q=ads"}
	for _, p := range pages {
		w := n.get(p)
		if strings.Contains(w.Body.String(), "data-ad=") || strings.Contains(w.Header().Get("Content-Security-Policy"), "frame-src") {
			t.Fatalf("%s shows an ad before any is set", p)
		}
	}
	if r := admin.saveAd("sidebar", url.Values{"kind": {"image"}, "link": {"https://shop.example/offer?a=1&b=2"}, "alt": {"Winter sale at the shop"}},
		pngBytes(t, 300, 250)); r.Code != http.StatusSeeOther {
		t.Fatalf("sidebar: %d %s", r.Code, excerpt(r.Body))
	}
	if r := admin.saveAd("header", url.Values{"kind": {"frame"}, "frame_url": {"https://ads.example/leader"}, "width": {"728"}, "height": {"90"}}, nil); r.Code != http.StatusSeeOther {
		t.Fatalf("header: %d %s", r.Code, excerpt(r.Body))
	}
	if r := admin.saveAd("article", url.Values{"kind": {"frame"}, "frame_url": {"https://frames.example:8443/in-story"}, "width": {"300"}, "height": {"250"}}, nil); r.Code != http.StatusSeeOther {
		t.Fatalf("article: %d %s", r.Code, excerpt(r.Body))
	}
	checkFrame := func(page string, f *htmlcheck.Node, src string) {
		t.Helper()
		if f == nil {
			t.Errorf("%s: no frame %s", page, src)
			return
		}
		if f.Attr("src") != src || f.Attr("sandbox") != "allow-scripts allow-popups allow-popups-to-escape-sandbox" ||
			f.Attr("referrerpolicy") != "no-referrer" || f.Attr("loading") != "lazy" || f.Attr("title") != "Advertisement" {
			t.Errorf("%s: frame %s src=%q sandbox=%q referrerpolicy=%q", page, src, f.Attr("src"), f.Attr("sandbox"), f.Attr("referrerpolicy"))
		}
	}
	for _, p := range pages {
		w, doc := n.page(p)
		if w.Code != 200 {
			t.Fatalf("%s: %d", p, w.Code)
		}
		csp := w.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "; frame-src https://ads.example https://frames.example:8443") || strings.Contains(csp, "frame-src https:;") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		if strings.Contains(w.Body.String(), "allow-same-origin") {
			t.Errorf("%s: a frame may run as the site's origin", p)
		}
		header := doc.First(`main div[data-ad=header]`)
		if header == nil || textOf(header.Find("p.ad-label")) != "Advertisement" {
			t.Errorf("%s: no labelled header ad", p)
			continue
		}
		checkFrame(p, header.Find("iframe"), "https://ads.example/leader")
	}
	for _, p := range []string{"/", art} {
		_, doc := n.page(p)
		side := doc.First(`aside div[data-ad=sidebar]`)
		if side == nil || textOf(side.Find("p.ad-label")) != "Advertisement" {
			t.Errorf("%s: no labelled sidebar ad", p)
			continue
		}
		a := side.Find("a.ad-link")
		if a == nil || a.Attr("href") != "https://shop.example/offer?a=1&b=2" || a.Attr("rel") != "sponsored noopener" || a.Attr("target") != "" {
			t.Errorf("%s: sidebar link %+v", p, a)
		}
		if img := side.Find("img"); img == nil || img.Attr("alt") != "Winter sale at the shop" || !strings.HasPrefix(img.Attr("src"), "/media/uploads/") {
			t.Errorf("%s: sidebar image", p)
		} else if w := n.get(img.Attr("src")); w.Code != 200 || w.Header().Get("Content-Type") != "image/png" {
			t.Errorf("%s: the ad's image %s answers %d %s", p, img.Attr("src"), w.Code, w.Header().Get("Content-Type"))
		}
	}
	// The article slot: inside the body, after the second paragraph.
	w, doc := n.page(art)
	body := doc.First("article .body")
	checkFrame(art, doc.First("article .body div[data-ad=article] iframe"), "https://frames.example:8443/in-story")
	if i, j, k := strings.Index(w.Body.String(), "Second paragraph."), strings.Index(w.Body.String(), `data-ad="article"`), strings.Index(w.Body.String(), "Third paragraph."); body == nil || !(i < j && j < k) {
		t.Errorf("article ad not between the second and third paragraphs: %d %d %d", i, j, k)
	}
	if doc.First(`div[data-ad=sidebar]`) == nil || len(doc.All("div.ad")) != 3 {
		t.Errorf("the article page shows %d ads, want 3", len(doc.All("div.ad")))
	}

	// Off: every page at once, with the plain policy; the slots are kept.
	if r := admin.post("/newsroom/ads/switch", url.Values{"ads": {"off"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("switch off: %d %s", r.Code, excerpt(r.Body))
	}
	for _, p := range pages {
		w := n.get(p)
		if strings.Contains(w.Body.String(), "data-ad=") || strings.Contains(w.Header().Get("Content-Security-Policy"), "frame-src") {
			t.Errorf("%s still shows ads after the switch", p)
		}
	}
	if r := admin.get("/newsroom/ads"); !strings.Contains(r.Body, "All ads are off.") || !strings.Contains(r.Body, "Filled, not showing now (ads are off)") {
		t.Errorf("ads page after the switch: %s", excerpt(r.Body))
	}
	if r := admin.post("/newsroom/ads/switch", url.Values{"ads": {"on"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("switch on: %d", r.Code)
	}
	for _, p := range pages {
		if w := n.get(p); !strings.Contains(w.Body.String(), `data-ad="header"`) {
			t.Errorf("%s: no ads after switching back on", p)
		}
	}
	// Emptying the header slot leaves the others.
	if r := admin.post("/newsroom/ads/header/clear", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("clear: %d", r.Code)
	}
	if _, doc := n.page("/"); doc.First(`div[data-ad=header]`) != nil || doc.First(`div[data-ad=sidebar]`) == nil {
		t.Errorf("after emptying the header slot")
	}
}

// TestAdsDatesAndOtherNodes: an ad shows from its start to its end on a
// re-read, another node sees a change when it re-reads, and a node
// started with --no-ads shows none.
func TestAdsDatesAndOtherNodes(t *testing.T) {
	n, admin, ids := adsSite(t)
	art := fmt.Sprintf("/politics/%d", ids[0])
	other, err := dhttp.NewServer(n.store, &ingest.Service{Store: n.store}, quietLog, dhttp.Config{SiteName: "Dateline", BaseURL: "http://news.example",
		City: dhttp.City{Name: "Moscow", Zone: moscow}, Media: media.Dir{Root: filepath.Join(n.dir, "media")}}, n.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	quiet, err := dhttp.NewServer(n.store, &ingest.Service{Store: n.store}, quietLog, dhttp.Config{SiteName: "Dateline", BaseURL: "http://news.example",
		City: dhttp.City{Name: "Moscow", Zone: moscow}, Media: media.Dir{Root: filepath.Join(n.dir, "media")}, NoAds: true}, n.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	get := func(s *dhttp.Server, path string) string {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Body.String()
	}
	if !strings.Contains(get(other, art), "Ads story 0") || strings.Contains(get(other, art), "data-ad=") {
		t.Fatalf("the other node before any ad")
	}
	start := n.clock.Now().In(moscow).Add(time.Hour).Format("2006-01-02T15:04")
	end := n.clock.Now().In(moscow).Add(3 * time.Hour).Format("2006-01-02T15:04")
	if r := admin.saveAd("article", url.Values{"kind": {"frame"}, "frame_url": {"https://ads.example/later"}, "width": {"300"}, "height": {"250"},
		"from": {start}, "until": {end}}, nil); r.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.Code, excerpt(r.Body))
	}
	if r := admin.get("/newsroom/ads"); !strings.Contains(r.Body, `value="`+start+`"`) || !strings.Contains(r.Body, "Filled, not showing now") {
		t.Errorf("the ads page does not show the dates: %s", excerpt(r.Body))
	}
	if strings.Contains(n.get(art).Body.String(), "data-ad=") {
		t.Errorf("the ad shows before its start")
	}
	n.clock.Add(90 * time.Minute)
	ctx := context.Background()
	for _, s := range []*dhttp.Server{n.srv, other, quiet} {
		if err := s.RefreshAds(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(n.get(art).Body.String(), `data-ad="article"`) {
		t.Errorf("the ad does not show within its dates")
	}
	if !strings.Contains(get(other, art), `data-ad="article"`) {
		t.Errorf("the other node does not show the ad after re-reading")
	}
	if b := get(quiet, art); strings.Contains(b, "data-ad=") || !strings.Contains(b, "Ads story 0") {
		t.Errorf("the --no-ads node shows an ad")
	}
	n.clock.Add(2 * time.Hour)
	for _, s := range []*dhttp.Server{n.srv, other} {
		s.RefreshAds(ctx)
	}
	if strings.Contains(n.get(art).Body.String(), "data-ad=") || strings.Contains(get(other, art), "data-ad=") {
		t.Errorf("the ad shows after its end")
	}
}

// TestCommercialLabels: stories marked by ingest carry their label to the
// article page, the lists, the feeds, the API and the structured data,
// and stay out of the news sitemap.
func TestCommercialLabels(t *testing.T) {
	e := newEnv(t, false)
	news := e.publish("urn:test:label:news", "Harvest news report", "economy", `, "subjects": [{"name": "x", "literal": "medtop:04000000"}, {"name": "Harvest"}],
		"associations": [{"name": "readalso", "type": "text", "uri": "urn:test:label:ad"}]`)
	e.clock.Add(time.Minute)
	partner := e.publish("urn:test:label:partner", "Harvest fair partner story", "economy", `, "genres": [{"name": "Partner material", "literal": "partner"}], "subjects": [{"name": "x", "literal": "medtop:04000000"}, {"name": "Harvest"}]`)
	e.clock.Add(time.Minute)
	ad := e.publish("urn:test:label:ad", "Harvest tractor advertisement", "economy", `, "genres": [{"name": "Advertisement", "literal": "advertising"}], "subjects": [{"name": "x", "literal": "medtop:04000000"}, {"name": "Harvest"}]`)
	ctx := context.Background()
	for id, want := range map[int64]string{news: "", partner: dateline.CommercialPartner, ad: dateline.CommercialAdvertising} {
		if a, err := e.store.Article(ctx, id); err != nil || a.Commercial != want {
			t.Fatalf("article %d: %v, mark %q, want %q", id, err, a.Commercial, want)
		}
	}
	labels := map[string]string{"Harvest fair partner story": "Partner material", "Harvest tractor advertisement": "Advertisement"}
	// Readers read the advertisement: it enters "Most read".
	for i := range 3 {
		if code := e.beacon(ad, fmt.Sprintf("198.51.100.%d", i+1), firefoxUA); code >= 300 {
			t.Fatalf("beacon: %d", code)
		}
	}
	e.viewsOf(ad)
	if _, doc := e.page("/"); textOf(doc.First(".most-read li span.mark-commercial")) != "Advertisement" {
		t.Errorf("most read does not label the advertisement")
	}

	// The article page: the label above the headline's words.
	for id, label := range map[int64]string{partner: "Partner material", ad: "Advertisement"} {
		_, doc := e.page(fmt.Sprintf("/economy/%d", id))
		h1 := doc.First("article .article-head h1")
		if m := h1.Find("span.mark-commercial"); textOf(m) != label || !strings.HasPrefix(h1.Text(), label) {
			t.Errorf("article %d: headline %q lacks the label %q first", id, h1.Text(), label)
		}
	}
	if _, doc := e.page(fmt.Sprintf("/economy/%d", news)); doc.First(".related span.mark-commercial") == nil {
		t.Errorf("the news story's related list does not label the marked stories")
	} else if h := doc.First("article .article-head h1"); h.Find("span.mark-commercial") != nil {
		t.Errorf("the news story is labelled")
	} else if m := doc.First(".read-also span.mark-commercial"); textOf(m) != "Advertisement" {
		t.Errorf("the news story's Read also link lacks the label: %q", textOf(m))
	}
	// Every list labels them and only them.
	for _, p := range []string{"/", "/news", "/economy", "/topics/harvest", "/search?q=harvest"} {
		_, doc := e.page(p)
		seen := 0
		for _, li := range doc.All("li") {
			txt := li.Text()
			for headline, label := range labels {
				if strings.Contains(txt, headline) {
					seen++
					if textOf(li.Find("span.mark-commercial")) != label {
						t.Errorf("%s: %q without its label %q", p, headline, label)
					}
				}
			}
			if strings.Contains(txt, "Harvest news report") && li.Find("span.mark-commercial") != nil {
				t.Errorf("%s: the news story is labelled", p)
			}
		}
		if seen < 2 {
			t.Errorf("%s lists %d marked stories, want both", p, seen)
		}
	}
	// Feeds: the label leads the title and is a category.
	for _, path := range []string{"/feed.rss", "/feed.atom", "/feed.json", "/economy/feed.rss", "/topics/harvest/feed.atom"} {
		f, _ := checkFeed(t, e, path, nil)
		for _, it := range f.Items {
			switch {
			case strings.Contains(it.Title, "partner story"):
				if it.Title != "Partner material: Harvest fair partner story" || !containsStr(it.Categories, "Partner material") {
					t.Errorf("%s: %q %v", path, it.Title, it.Categories)
				}
			case strings.Contains(it.Title, "tractor"):
				if it.Title != "Advertisement: Harvest tractor advertisement" || !containsStr(it.Categories, "Advertisement") {
					t.Errorf("%s: %q %v", path, it.Title, it.Categories)
				}
			case it.Title != "Harvest news report" || containsStr(it.Categories, "Advertisement") || containsStr(it.Categories, "Partner material"):
				t.Errorf("%s: news item %q %v", path, it.Title, it.Categories)
			}
		}
	}
	// The API: valid ninjs with the genre, in the list and alone.
	code, list, _ := e.items("/api/v1/items", e.read)
	if code != 200 || len(list.Items) != 3 {
		t.Fatalf("items: %d, %d", code, len(list.Items))
	}
	marks := map[string]string{}
	for _, raw := range list.Items {
		it, err := ninjs.Parse(raw)
		if err != nil {
			t.Fatalf("not ninjs: %v\n%s", err, raw)
		}
		marks[it.URI] = ninjs.Commercial(it)
	}
	if marks["urn:test:label:news"] != "" || marks["urn:test:label:partner"] != "partner" || marks["urn:test:label:ad"] != "advertising" {
		t.Errorf("API marks %v", marks)
	}
	w := e.get(fmt.Sprintf("/api/v1/items/%d", ad), "Authorization", "Bearer "+e.read)
	var one struct {
		Genres []map[string]string `json:"genres"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &one); err != nil || w.Code != 200 || len(one.Genres) != 1 ||
		one.Genres[0]["literal"] != "advertising" || one.Genres[0]["name"] != "Advertisement" {
		t.Errorf("item %d: %d %s", ad, w.Code, w.Body)
	}
	if _, err := ninjs.Parse(w.Body.Bytes()); err != nil {
		t.Errorf("item %d is not ninjs: %v", ad, err)
	}
	// Structured data: paid-for content is not a NewsArticle.
	for id, want := range map[int64]string{news: "NewsArticle", partner: "AdvertiserContentArticle", ad: "AdvertiserContentArticle"} {
		page := fmt.Sprintf("/economy/%d", id)
		_, doc := e.page(page)
		if ld, _ := articleLD(t, doc, page); ld.Type != want {
			t.Errorf("%s: @type %q, want %q", page, ld.Type, want)
		}
	}
	// The news sitemap lists the news story only.
	sm := e.get("/sitemaps/news.xml").Body.String()
	if !strings.Contains(sm, "/economy/"+strconv.FormatInt(news, 10)+"<") || strings.Contains(sm, "/economy/"+strconv.FormatInt(partner, 10)+"<") ||
		strings.Contains(sm, "/economy/"+strconv.FormatInt(ad, 10)+"<") {
		t.Errorf("news sitemap: %s", sm)
	}
	// A Russian story's label is in Russian, on its page and in feeds.
	ru := &dateline.Article{URI: "urn:test:label:ru", Section: "economy", Lang: "ru", Status: dateline.StatusPublished,
		Headline: "Тракторы со скидкой", Urgency: 5, Commercial: dateline.CommercialAdvertising, Pages: []string{"<p>Текст.</p>"},
		PublishedAt: e.clock.Now(), SourceVersion: e.clock.Now()}
	rs, err := e.store.UpsertArticles(ctx, []*dateline.Article{ru}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Changed()
	if _, doc := e.page(fmt.Sprintf("/economy/%d", rs[0].ID)); textOf(doc.First("h1 span.mark-commercial")) != "Реклама" {
		t.Errorf("the Russian story's label is %q", textOf(doc.First("h1 span.mark-commercial")))
	}
	if f, _ := checkFeed(t, e, "/economy/feed.rss", nil); len(f.Items) == 0 || f.Items[0].Title != "Реклама: Тракторы со скидкой" {
		t.Errorf("the Russian story in the feed: %+v", f.Items[0].Title)
	}
	// Ingest can take the mark off again.
	e.clock.Add(time.Minute)
	e.publish("urn:test:label:ad", "Harvest tractor advertisement", "economy", "")
	if a, _ := e.store.Article(ctx, ad); a.Commercial != "" {
		t.Errorf("an update without the genre keeps the mark %q", a.Commercial)
	}
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func textOf(n *htmlcheck.Node) string {
	if n == nil {
		return ""
	}
	return n.Text()
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestCommercialMarkNeedsEditor: editors and admins mark stories;
// reporters keep what is set and cannot change it.
func TestCommercialMarkNeedsEditor(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	rep, ed := n.as("reporter@example.org"), n.as("editor@example.org")
	if r := rep.post("/newsroom/articles", storyForm("Reporter's advert", "commercial", "advertising")); r.Code != http.StatusBadRequest ||
		!strings.Contains(r.Body, "Only an editor can mark a story") {
		t.Errorf("reporter marking a new story: %d %s", r.Code, excerpt(r.Body))
	}
	id := rep.create(storyForm("Reporter's story"))
	if r := rep.get(fmt.Sprintf("/newsroom/articles/%d", id)); !strings.Contains(r.Body, `<select id="commercial" disabled`) {
		t.Errorf("the reporter's editor offers the mark: %s", excerpt(r.Body))
	}
	if r := ed.act(id, storyForm("Reporter's story", "commercial", "partner"), "save"); r.Code != http.StatusSeeOther {
		t.Fatalf("editor marking: %d %s", r.Code, excerpt(r.Body))
	}
	if a, _ := n.store.Article(ctx, id); a.Commercial != dateline.CommercialPartner {
		t.Fatalf("mark not stored: %q", a.Commercial)
	}
	if r := ed.get(fmt.Sprintf("/newsroom/articles/%d", id)); !strings.Contains(r.Body, `<option value="partner" selected>`) {
		t.Errorf("the editor does not show the mark")
	}
	// The reporter's form carries the mark back unchanged: kept.
	if r := rep.act(id, storyForm("Reporter's story, longer", "commercial", "partner"), "save"); r.Code != http.StatusSeeOther {
		t.Errorf("reporter saving a marked story: %d %s", r.Code, excerpt(r.Body))
	}
	for _, v := range []string{"", "advertising"} {
		if r := rep.act(id, storyForm("Reporter's story", "commercial", v), "save"); r.Code != http.StatusBadRequest {
			t.Errorf("reporter changing the mark to %q: %d", v, r.Code)
		}
	}
	if r := ed.act(id, storyForm("Reporter's story", "commercial", "sponsored"), "save"); r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "partner material, advertising, or neither") {
		t.Errorf("unknown mark: %d %s", r.Code, excerpt(r.Body))
	}
	if a, _ := n.store.Article(ctx, id); a.Commercial != dateline.CommercialPartner || a.Headline != "Reporter's story, longer" {
		t.Errorf("after refusals: %q %q", a.Commercial, a.Headline)
	}
	// Publishing keeps it: the site labels the story.
	if r := ed.act(id, storyForm("Reporter's story, longer", "commercial", "partner", "caption", "", "credit", ""), "publish"); r.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", r.Code, excerpt(r.Body))
	}
	if _, doc := n.page(fmt.Sprintf("/politics/%d", id)); doc.First("h1 span.mark-commercial") == nil {
		t.Errorf("the published story is not labelled")
	}
}

// FuzzAdForm: whatever an admin's ad form holds, the answer is a redirect
// after saving or a 4xx with a message, never a 5xx; and a frame that was
// saved is https on another host.
func FuzzAdForm(f *testing.F) {
	f.Add("header", "frame", "", "", "https://ads.example/x", "300", "250", "", "", "")
	f.Add("sidebar", "image", "https://shop.example/", "Sale", "", "", "", "1", "2026-01-01T10:00", "2026-01-02T10:00")
	f.Add("article", "frame", "", "", "https://news.example/x", "-1", "1e9", "x", "2026-99-99T99:99", "")
	f.Add("footer", "image", "javascript:alert(1)", "\x00", "", "", "", "", "", "")
	n := newNewsroom(f)
	admin := n.as("admin@example.org")
	f.Fuzz(func(t *testing.T, slot, kind, link, alt, frame, width, height, photo, from, until string) {
		if slot == "" || strings.ContainsAny(slot, "/?#%") {
			slot = "header"
		}
		v := url.Values{"kind": {kind}, "link": {link}, "alt": {alt}, "frame_url": {frame}, "width": {width}, "height": {height},
			"photo_id": {photo}, "from": {from}, "until": {until}}
		admin.t = t
		r := admin.post("/newsroom/ads/"+url.PathEscape(slot), v)
		if r.Code >= 500 || (r.Code >= 400 && !strings.Contains(r.Body, `class="error"`)) {
			t.Fatalf("%d for %v: %s", r.Code, v, excerpt(r.Body))
		}
		for _, a := range adSettings(t, n.store).Ads {
			if u, err := url.Parse(a.FrameURL); a.Kind == dateline.AdFrame && (err != nil || u.Scheme != "https" || strings.EqualFold(u.Hostname(), "news.example")) {
				t.Fatalf("saved frame %q", a.FrameURL)
			}
		}
	})
}
