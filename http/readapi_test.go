package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"dateline"
	dhttp "dateline/http"
	"dateline/ninjs"
)

type itemsJSON struct {
	Items []json.RawMessage
	Next  string
}

func (e *env) items(path, token string) (int, itemsJSON, http.Header) {
	e.helper()
	w := e.get(path, "Authorization", "Bearer "+token)
	var p itemsJSON
	json.Unmarshal(w.Body.Bytes(), &p)
	return w.Code, p, w.Header()
}

func TestReadAPI(t *testing.T) {
	e := newEnv(t, false)
	var ids []int64
	for i := 0; i < 5; i++ {
		sec := "politics"
		if i%2 == 1 {
			sec = "economy"
		}
		ids = append(ids, e.publish(fmt.Sprintf("urn:test:api:%d", i), fmt.Sprintf("API story %d", i), sec, `, "people": [{"name": "Anna Petrova"}]`))
		e.clock.Add(time.Minute)
	}
	// Every item is valid ninjs; pages follow the cursor to the end.
	var seen []string
	path := "/api/v1/items?limit=2"
	for path != "" {
		code, p, h := e.items(path, e.read)
		if code != 200 || h.Get("ETag") == "" {
			t.Fatalf("%s: %d etag %q", path, code, h.Get("ETag"))
		}
		for _, raw := range p.Items {
			it, err := ninjs.Parse(raw)
			if err != nil {
				t.Fatalf("not ninjs: %v\n%s", err, raw)
			}
			seen = append(seen, it.Headlines[0].Value)
		}
		path = ""
		if p.Next != "" {
			path = "/api/v1/items?limit=2&cursor=" + p.Next
		}
	}
	if len(seen) != 5 || seen[0] != "API story 4" || seen[4] != "API story 0" {
		t.Errorf("walked %v", seen)
	}
	for q, want := range map[string]int{"section=economy": 2, "person=anna-petrova": 5, "topic=nothing": 0,
		"since=" + e.clock.Now().Add(-2*time.Minute-time.Second).UTC().Format(time.RFC3339): 2} {
		if code, p, _ := e.items("/api/v1/items?"+q, e.read); code != 200 || len(p.Items) != want {
			t.Errorf("%s: %d, %d items, want %d", q, code, len(p.Items), want)
		}
	}
	// ETag: the same answer again is a 304.
	w := e.get("/api/v1/items?limit=2", "Authorization", "Bearer "+e.read)
	if w2 := e.get("/api/v1/items?limit=2", "Authorization", "Bearer "+e.read, "If-None-Match", w.Header().Get("ETag")); w2.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", w2.Code)
	}
	for _, p := range []string{"/api/v1/search?q=story", "/api/v1/most-read"} {
		w := e.get(p)
		if w.Code != 200 || w.Header().Get("ETag") == "" {
			t.Errorf("%s: %d, ETag %q", p, w.Code, w.Header().Get("ETag"))
		} else if w2 := e.get(p, "If-None-Match", w.Header().Get("ETag")); w2.Code != http.StatusNotModified {
			t.Errorf("%s with If-None-Match: %d", p, w2.Code)
		}
	}
	for _, p := range []string{"/api/v1/sections", "/api/v1/topics", "/api/v1/persons", fmt.Sprintf("/api/v1/items/%d", ids[0])} {
		w := e.get(p, "Authorization", "Bearer "+e.read)
		if w.Code != 200 || w.Header().Get("ETag") == "" {
			t.Errorf("%s: %d", p, w.Code)
		}
		if w := e.get(p); w.Code != http.StatusUnauthorized {
			t.Errorf("%s without a token: %d", p, w.Code)
		}
	}
	if w := e.get("/api/v1/persons", "Authorization", "Bearer "+e.read); !strings.Contains(w.Body.String(), `"slug": "anna-petrova"`) {
		t.Errorf("persons: %s", w.Body)
	}
	for _, bad := range []string{"?limit=0", "?limit=101", "?since=yesterday", "?cursor=zzz", "?section=nowhere", "?topic=" + strings.Repeat("x", 300)} {
		if code, _, _ := e.items("/api/v1/items"+bad, e.read); code != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, code)
		}
	}
}

func TestAPIEmbargoScope(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	release := e.clock.Now().Add(time.Hour)
	a := &dateline.Article{URI: "urn:test:embargo", Section: "politics", Lang: "en", Headline: "Embargoed budget", Pages: []string{"<p>x</p>"},
		Status: dateline.StatusScheduled, EmbargoUntil: release, Embargoed: true, SourceVersion: e.clock.Now()}
	rs, err := e.store.UpsertArticles(ctx, []*dateline.Article{a}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Changed()
	secret := "dl_test_embargo"
	if err := e.store.CreateToken(ctx, &dateline.Token{Name: "client", Scope: "read", Embargo: true, Hash: dhttp.HashToken(secret)}, time.Now()); err != nil {
		t.Fatal(err)
	}
	item := fmt.Sprintf("/api/v1/items/%d", rs[0].ID)
	if w := e.get(item, "Authorization", "Bearer "+e.read); w.Code != http.StatusNotFound {
		t.Errorf("a plain token sees the embargoed item: %d", w.Code)
	}
	if code, _, _ := e.items("/api/v1/items?embargoed=1", e.read); code != http.StatusForbidden {
		t.Errorf("a plain token lists embargoed items: %d", code)
	}
	w := e.get(item, "Authorization", "Bearer "+secret)
	it, err := ninjs.Parse(w.Body.Bytes())
	if w.Code != 200 || err != nil || it.PubStatus != "withheld" || it.Embargoed == nil || !it.Embargoed.Equal(release) {
		t.Fatalf("embargo token: %d %v %s", w.Code, err, w.Body)
	}
	if code, p, _ := e.items("/api/v1/items?embargoed=1", secret); code != 200 || len(p.Items) != 1 {
		t.Errorf("embargoed list: %d %d", code, len(p.Items))
	}
	// Nothing public knows of it before its time.
	public := []string{"/", "/news", "/politics", "/search?q=budget", fmt.Sprintf("/politics/%d", rs[0].ID), "/feed.rss", "/feed.atom",
		"/feed.json", "/politics/feed.rss", "/sitemaps/news.xml", "/api/v1/most-read?period=week"}
	for _, p := range public {
		if strings.Contains(e.get(p).Body.String(), "Embargoed budget") {
			t.Errorf("%s shows the embargoed story", p)
		}
	}
	if code, p, _ := e.items("/api/v1/items", e.read); code != 200 || len(p.Items) != 0 {
		t.Errorf("the public list has %d items", len(p.Items))
	}
	// After the release it is everywhere.
	e.clock.Add(time.Hour + time.Second)
	if _, err := e.store.PublishDue(ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.srv.Changed()
	for _, p := range []string{"/news", "/feed.rss", "/feed.json", "/politics/feed.atom", "/sitemaps/news.xml", "/search?q=budget"} {
		if !strings.Contains(e.get(p).Body.String(), "Embargoed budget") {
			t.Errorf("the released story is not on %s", p)
		}
	}
	if code, p, _ := e.items("/api/v1/items", e.read); code != 200 || len(p.Items) != 1 {
		t.Errorf("after release the list has %d items", len(p.Items))
	}
}

func TestAPIRateLimit(t *testing.T) {
	e := newEnv(t, false)
	limited := 0
	for i := 0; i < 150; i++ {
		w := e.get("/api/v1/sections", "Authorization", "Bearer "+e.read)
		if w.Code == http.StatusTooManyRequests {
			limited++
			if w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "requests a minute") {
				t.Fatalf("429 without Retry-After or message: %s", w.Body)
			}
		}
	}
	// A burst of 100, then one every 50 ms at 1,200 a minute; the clock
	// does not move, so exactly 50 are refused.
	if limited != 50 {
		t.Errorf("%d of 150 refused, want 50", limited)
	}
	// Another token is not slowed by the first.
	if w := e.get("/api/v1/sections", "Authorization", "Bearer "+e.token); w.Code != 200 {
		t.Errorf("another token: %d", w.Code)
	}
	e.clock.Add(time.Second)
	if w := e.get("/api/v1/sections", "Authorization", "Bearer "+e.read); w.Code != 200 {
		t.Errorf("after a second: %d", w.Code)
	}
}
