package http_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"dateline"
	dhttp "dateline/http"
	"dateline/ingest"
)

const firefoxUA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

// beacon sends the article page's view beacon from an address.
func (e *env) beacon(id int64, addr, ua string) int {
	e.helper()
	req := httptest.NewRequest("POST", "/api/v1/views", strings.NewReader(fmt.Sprintf("id=%d", id)))
	req.RemoteAddr = addr + ":40000"
	req.Header.Set("User-Agent", ua)
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, req)
	return w.Code
}

// publish ingests a story into the section (a slug of DefaultSections).
func (e *env) publish(uri, headline, section string, extra string) int64 {
	e.helper()
	code := ""
	for _, s := range dateline.DefaultSections {
		if s.Slug == section {
			code = s.Codes[0]
		}
	}
	if code == "" {
		e.t.Fatalf("no section %q", section)
	}
	doc := fmt.Sprintf(`{"uri": %q, "type": "text", "versioncreated": %q, "language": "en", "headlines": [{"value": %q}],
		"bodies": [{"role": "html", "contenttype": "text/html", "value": "<p>Body of %s.</p>"}], "subjects": [{"name": "x", "literal": %q}]%s}`,
		uri, e.clock.Now().Format(time.RFC3339), headline, headline, code, extra)
	w := e.ingest(doc)
	if w.Code >= 300 {
		e.t.Fatalf("ingest %s: %d %s", uri, w.Code, w.Body)
	}
	var r struct{ ID int64 }
	json.Unmarshal(w.Body.Bytes(), &r)
	return r.ID
}

func (e *env) viewsOf(id int64) [3]int64 {
	e.helper()
	if err := e.srv.FlushViews(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	if err := e.srv.RefreshRankings(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	v, err := e.store.ViewsOf(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// TestViewCountsInEveryWindow scripts views with a clock and checks the
// exact counts of each window, at and around each window's edge.
func TestViewCountsInEveryWindow(t *testing.T) {
	e := newEnv(t, false)
	// Start on a whole minute, so edges fall where the test says.
	e.clock.t = e.clock.Now().Truncate(time.Minute).Add(10 * time.Second)
	a := e.publish("urn:test:views:a", "Story A", "politics", "")
	b := e.publish("urn:test:views:b", "Story B", "politics", "")
	want := func(id int64, now, today, week int64) {
		t.Helper()
		if got := e.viewsOf(id); got != [3]int64{now, today, week} {
			t.Errorf("%s: article %d views %v, want [%d %d %d]", e.clock.Now().Format("Jan 2 15:04:05"), id, got, now, today, week)
		}
	}
	// Two readers, one of them twice; a bot; another story.
	for _, v := range []struct {
		addr, ua string
	}{{"10.0.0.1", firefoxUA}, {"10.0.0.1", firefoxUA}, {"10.0.0.2", firefoxUA}, {"10.0.0.3", "Googlebot/2.1 (+http://www.google.com/bot.html)"}} {
		if code := e.beacon(a, v.addr, v.ua); code != http.StatusNoContent {
			t.Fatalf("beacon: %d", code)
		}
	}
	e.beacon(b, "10.0.0.1", firefoxUA)
	want(a, 2, 2, 2)
	want(b, 1, 1, 1)
	// 29 minutes later the first reader is still a repeat; at 30 a new view.
	e.clock.Add(29 * time.Minute)
	e.beacon(a, "10.0.0.1", firefoxUA)
	want(a, 2, 2, 2)
	e.clock.Add(time.Minute)
	e.beacon(a, "10.0.0.1", firefoxUA)
	want(a, 3, 3, 3)
	// The first views leave "now" 60 minutes after their minute began.
	e.clock.Add(29*time.Minute + 49*time.Second) // 59:59 after the first minute began
	want(a, 3, 3, 3)
	e.clock.Add(time.Second) // exactly 60 minutes
	want(a, 1, 3, 3)
	want(b, 0, 1, 1)
	// "Today" drops them after 24 hours, "this week" after 7 days.
	e.clock.Add(24*time.Hour - 61*time.Minute)
	want(a, 0, 3, 3)
	e.clock.Add(time.Minute)
	want(a, 0, 1, 3)
	e.clock.Add(30 * time.Minute)
	want(a, 0, 0, 3)
	e.clock.Add(6*24*time.Hour - 31*time.Minute)
	want(a, 0, 0, 3)
	e.clock.Add(time.Minute)
	want(a, 0, 0, 1)
	want(b, 0, 0, 0)
	e.clock.Add(30 * time.Minute)
	want(a, 0, 0, 0)
}

func TestBadBeacons(t *testing.T) {
	e := newEnv(t, false)
	a := e.publish("urn:test:bad:a", "Published story", "politics", "")
	w := e.publish("urn:test:bad:w", "Withdrawn story", "politics", "")
	e.clock.Add(time.Minute)
	e.ingest(fmt.Sprintf(`{"uri": "urn:test:bad:w", "type": "text", "versioncreated": %q, "pubstatus": "canceled", "headlines": [{"value": "x"}]}`, e.clock.Now().Format(time.RFC3339)))
	for _, body := range []string{"", "id=", "id=abc", "id=-1", "id=0", "x=1", strings.Repeat("9", 100), "id=99999999999999999999", "\x00\xff"} {
		req := httptest.NewRequest("POST", "/api/v1/views", strings.NewReader(body))
		req.Header.Set("User-Agent", firefoxUA)
		rw := httptest.NewRecorder()
		e.srv.ServeHTTP(rw, req)
		if rw.Code != http.StatusBadRequest {
			t.Errorf("beacon %q: %d", body, rw.Code)
		}
	}
	// Unknown and withdrawn stories are ignored quietly.
	for _, id := range []int64{w, 424242} {
		if code := e.beacon(id, "10.0.0.1", firefoxUA); code != http.StatusNoContent {
			t.Errorf("beacon for %d: %d", id, code)
		}
	}
	// A flood from one address moves nothing beyond its allowance.
	for i := 0; i < 1000; i++ {
		e.beacon(a, "10.9.9.9", fmt.Sprintf("%s n%d", firefoxUA, i))
	}
	if got := e.viewsOf(a); got[0] != 120 {
		t.Errorf("a flood counted %d views", got[0])
	}
	if got := e.viewsOf(w); got != [3]int64{} {
		t.Errorf("the withdrawn story counted %v", got)
	}
	if w := e.get("/api/v1/views"); w.Code != http.StatusMethodNotAllowed && w.Code != http.StatusNotFound {
		t.Errorf("GET beacon: %d", w.Code)
	}
}

func TestMostReadBlockAndAPI(t *testing.T) {
	e := newEnv(t, false)
	a := e.publish("urn:test:mr:a", "Most read story", "politics", "")
	b := e.publish("urn:test:mr:b", "Second story", "economy", "")
	for i := 0; i < 5; i++ {
		e.beacon(a, fmt.Sprintf("10.0.1.%d", i), firefoxUA)
	}
	e.beacon(b, "10.0.2.1", firefoxUA)
	e.viewsOf(a)
	var got struct {
		Items []struct {
			ID    int64
			Views int64
		}
	}
	w := e.get("/api/v1/most-read?period=now")
	json.Unmarshal(w.Body.Bytes(), &got)
	if w.Code != 200 || len(got.Items) != 2 || got.Items[0].ID != a || got.Items[0].Views != 5 {
		t.Fatalf("most read: %d %s", w.Code, w.Body)
	}
	w = e.get("/api/v1/most-read?period=week&section=economy")
	json.Unmarshal(w.Body.Bytes(), &got)
	if len(got.Items) != 1 || got.Items[0].ID != b {
		t.Errorf("most read in economy: %s", w.Body)
	}
	for _, bad := range []string{"?period=year", "?section=nowhere", "?period=%ff"} {
		if w := e.get("/api/v1/most-read" + bad); w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, w.Code)
		}
	}
	home := e.get("/").Body.String()
	if !strings.Contains(home, `id="mr-now"`) || !strings.Contains(home, "Most read story") {
		t.Error("the home page has no Most read block")
	}
	art := e.get(fmt.Sprintf("/economy/%d", b)).Body.String()
	if !strings.Contains(art, `id="mr-week"`) || !strings.Contains(art, fmt.Sprintf(`data-id="%d"`, b)) {
		t.Error("the article page lacks the Most read block or its beacon id")
	}
}

func TestRelatedStories(t *testing.T) {
	e := newEnv(t, false)
	people := `, "people": [{"name": "Sergey Lavrov"}]`
	a := e.publish("urn:test:rel:a", "Lavrov meets Iraqi minister", "politics", people)
	e.clock.Add(time.Minute)
	b := e.publish("urn:test:rel:b", "Lavrov and Iraqi minister talk terrorism", "politics", people)
	e.clock.Add(time.Minute)
	c := e.publish("urn:test:rel:c", "Withdrawn Lavrov story", "politics", people)
	e.publish("urn:test:rel:d", "Unrelated snowfall", "politics", "")
	e.clock.Add(time.Minute)
	e.ingest(fmt.Sprintf(`{"uri": "urn:test:rel:c", "type": "text", "versioncreated": %q, "pubstatus": "canceled", "headlines": [{"value": "x"}]}`, e.clock.Now().Format(time.RFC3339)))
	body := e.get(fmt.Sprintf("/politics/%d", a)).Body.String()
	rel := body[strings.Index(body, `id="related-h"`):]
	rel = rel[:strings.Index(rel, "</section>")]
	if !strings.Contains(rel, fmt.Sprintf("/politics/%d", b)) {
		t.Errorf("the related story is missing: %s", rel)
	}
	for _, no := range []string{fmt.Sprintf("/politics/%d\"", a), fmt.Sprintf("/politics/%d\"", c), "Unrelated snowfall"} {
		if strings.Contains(rel, no) {
			t.Errorf("related stories list %s", no)
		}
	}
}

// TestStreamAnnouncesAndResumes reads the live stream through a real
// server: a story sent to the ingest API is announced, and a client that
// reconnects with Last-Event-ID gets what it missed.
func TestStreamAnnouncesAndResumes(t *testing.T) {
	e := newEnv(t, false)
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.srv.RunReadership(ctx)

	open := func(last string) (*bufio.Reader, func()) {
		req, _ := http.NewRequest("GET", ts.URL+"/api/v1/stream", nil)
		if last != "" {
			req.Header.Set("Last-Event-ID", last)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		return bufio.NewReader(res.Body), func() { res.Body.Close() }
	}
	// next reads the next event, skipping comments.
	next := func(r *bufio.Reader) (id, event, data string) {
		t.Helper()
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					return
				}
				line = strings.TrimRight(line, "\n")
				switch {
				case strings.HasPrefix(line, "id: "):
					id = line[4:]
				case strings.HasPrefix(line, "event: "):
					event = line[7:]
				case strings.HasPrefix(line, "data: "):
					data = line[6:]
				case line == "" && event != "":
					return
				}
			}
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatal("no event within 2 s")
		}
		return
	}
	r1, close1 := open("")
	time.Sleep(100 * time.Millisecond) // the stream is registered
	start := time.Now()
	id := e.publish("urn:test:live:1", "Live story one", "politics", `, "urgency": 1`)
	evID, ev, data := next(r1)
	if ev != "published" || !strings.Contains(data, "Live story one") || !strings.Contains(data, fmt.Sprintf(`"id":%d`, id)) || !strings.Contains(data, `"urgency":1`) {
		t.Fatalf("event %s %s %s", evID, ev, data)
	}
	t.Logf("announced in %v", time.Since(start))
	close1()
	// Two more while nobody listens; a reconnect from evID gets both, in order.
	e.clock.Add(time.Minute)
	e.publish("urn:test:live:2", "Live story two", "politics", "")
	// A gallery's events are in the log, not in the public stream (their
	// ids are no story's).
	gallery := func(title string, st dateline.Status) {
		t.Helper()
		ph := dateline.Photo{URI: "urn:test:live:photo", Path: "live/1.jpg", Width: 800, Height: 600, Caption: "Quay", Credit: "DATELINE"}
		if err := e.store.SavePhoto(context.Background(), &ph, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		g := &dateline.Gallery{URI: "urn:test:live:gallery", Section: "politics", Title: title, Photos: []dateline.Photo{ph}, Status: st}
		if err := e.store.SaveGallery(context.Background(), g, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	gallery("Live gallery", dateline.StatusPublished)
	e.clock.Add(time.Minute)
	e.publish("urn:test:live:1", "Live story one, updated", "politics", `, "urgency": 1`)
	r2, close2 := open(evID)
	defer close2()
	_, ev, data = next(r2)
	if ev != "published" || !strings.Contains(data, "Live story two") {
		t.Errorf("first missed event: %s %s", ev, data)
	}
	_, ev, data = next(r2)
	if ev != "updated" || !strings.Contains(data, "updated") {
		t.Errorf("second missed event: %s %s", ev, data)
	}
	// Live: the gallery's update and withdrawal pass, the next story comes.
	gallery("Live gallery, updated", dateline.StatusPublished)
	gallery("Live gallery, updated", dateline.StatusWithdrawn)
	e.publish("urn:test:live:3", "Live story three", "politics", "")
	_, ev, data = next(r2)
	if ev != "published" || !strings.Contains(data, "Live story three") {
		t.Errorf("the event after a gallery's: %s %s", ev, data)
	}
	if w := e.get("/api/v1/stream", "Last-Event-ID", "abc"); w.Code != http.StatusBadRequest {
		t.Errorf("bad Last-Event-ID: %d", w.Code)
	}
}

// TestStreamResumesFromFarBack: a client that resumes from further back
// than the node's hub keeps (1,000 events) reads the gap from the store
// a page (500) at a time and gets every event, in order, on the public
// stream and on a client's (whose products cover every story).
func TestStreamResumesFromFarBack(t *testing.T) {
	e := newEnv(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.srv.RunReadership(ctx)
	var as []*dateline.Article
	for i := range 1300 {
		as = append(as, &dateline.Article{URI: fmt.Sprintf("urn:far:%d", i), Section: "politics", Lang: "en", Status: dateline.StatusPublished,
			Headline: fmt.Sprintf("Story %d", i), Pages: []string{"<p>Body.</p>"}, SourceVersion: e.clock.Now(), Source: dateline.DefaultSource})
	}
	if _, err := e.store.UpsertArticles(ctx, as, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	last := waitHub(t, e)
	p := &dateline.Product{Name: "Everything"}
	c := &dateline.Client{Name: "Far back"}
	if err := e.store.CreateProduct(ctx, p, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateClient(ctx, c, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := e.store.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: p.ID}); err != nil {
		t.Fatal(err)
	}
	client := e.makeTokenFor(&dateline.Token{Name: "far-back", Scope: "read", ClientID: c.ID})
	for _, headers := range [][]string{nil, {"Authorization", "Bearer " + client}} {
		body := streamBody(t, e, "/api/v1/stream", headers...)
		var ids []int64
		for _, line := range strings.Split(body, "\n") {
			if v, ok := strings.CutPrefix(line, "id: "); ok {
				id, _ := strconv.ParseInt(v, 10, 64)
				ids = append(ids, id)
			}
		}
		// Every event after the first, once, in order.
		increasing := true
		for i := 1; i < len(ids); i++ {
			increasing = increasing && ids[i] > ids[i-1]
		}
		if int64(len(ids)) != last-1 || ids[0] != 2 || ids[len(ids)-1] != last || !increasing {
			t.Errorf("stream %v from event 1: %d events, want %d (2 to %d)", headers, len(ids), last-1, last)
		}
	}
}

var _ = dateline.PeriodNow

// withTrusted is the env's site on a server that trusts proxies in cidr.
func (e *env) withTrusted(t *testing.T, cidr string) *dhttp.Server {
	in := &ingest.Service{Store: e.store, Now: e.clock.Now, FallbackSection: "world"}
	srv, err := dhttp.NewServer(e.store, in, slog.New(slog.NewTextHandler(io.Discard, nil)), dhttp.Config{
		SiteName: "Dateline", BaseURL: "https://news.example", City: dhttp.City{Name: "Moscow", Zone: moscow},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix(cidr)},
	}, e.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	in.Changed = srv.StoriesChanged
	return srv
}
