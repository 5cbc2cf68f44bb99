package http_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dateline"
	dhttp "dateline/http"
	"dateline/ingest"
	"dateline/media"
	"dateline/partners"
)

// newPartnerNewsroom is newNewsroom with a partner feed scheduler whose
// fetcher has the configuration given.
func newPartnerNewsroom(t *testing.T, cfg partners.Config) *nrEnv {
	t.Helper()
	e := newEnv(t, false)
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	in := &ingest.Service{Store: e.store, Now: e.clock.Now, FallbackSection: "world"}
	var srv *dhttp.Server
	sched := partners.NewScheduler(e.store, partners.NewFetcher(cfg), log, e.clock.Now, func() { srv.Changed() }, partners.Backoff{})
	srv, err := dhttp.NewServer(e.store, in, log, dhttp.Config{
		SiteName: "Dateline", AgencyMark: "DATELINE", BaseURL: "http://news.example",
		City: dhttp.City{Name: "Moscow", Zone: moscow}, Media: media.Dir{Root: filepath.Join(e.dir, "media")}, MaxBodySize: 256 << 10,
		Partners: sched,
	}, e.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	in.Changed = srv.StoriesChanged
	e.srv = srv
	for _, u := range []dateline.User{
		{Email: "admin@example.org", Name: "Ada Admin", Role: dateline.RoleAdmin},
		{Email: "editor@example.org", Name: "Ed Editor", Role: dateline.RoleEditor},
	} {
		u.PasswordHash, u.CreatedAt = hashOnce(), e.clock.Now()
		if err := e.store.CreateUser(context.Background(), &u, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &nrEnv{env: e, ts: ts, logs: logs}
}

func TestPartnerAdminNeedsAdmin(t *testing.T) {
	n := newPartnerNewsroom(t, partners.Config{})
	if r := n.browser().get("/newsroom/partners"); r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/newsroom/login") {
		t.Errorf("signed out: %d %s", r.Code, r.Location)
	}
	ed := n.as("editor@example.org")
	if r := ed.get("/newsroom/partners"); r.Code != http.StatusForbidden {
		t.Errorf("editor: %d", r.Code)
	}
	if r := ed.post("/newsroom/partners", url.Values{"name": {"X"}, "url": {"https://x.example/rss"}, "kind": {"partner"}}); r.Code != http.StatusForbidden {
		t.Errorf("editor adding: %d", r.Code)
	}
	admin := n.as("admin@example.org")
	r := admin.get("/newsroom/partners")
	if r.Code != http.StatusOK || !strings.Contains(r.Body, "No partner feeds yet.") || !strings.Contains(r.Body, `href="/newsroom/partners" aria-current="page"`) {
		t.Fatalf("admin: %d %s", r.Code, excerpt(r.Body))
	}
	if r := admin.post("/newsroom/partners", url.Values{"csrf": {"forged"}, "name": {"X"}, "url": {"https://x.example/rss"}, "kind": {"partner"}}); r.Code != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d", r.Code)
	}
}

// TestPartnerBadURLsRefused runs without the private-address allowance:
// the loopback feed server is refused when it is registered, by address
// and by name.
func TestPartnerBadURLsRefused(t *testing.T) {
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the private feed server was fetched: %s", r.URL)
	}))
	defer feed.Close()
	_, port, _ := net.SplitHostPort(feed.Listener.Addr().String())
	n := newPartnerNewsroom(t, partners.Config{Timeout: 2 * time.Second})
	admin := n.as("admin@example.org")
	for _, tt := range []struct{ name, url, kind, want string }{
		{"loopback", feed.URL + "/rss", "partner", "127.0.0.1 is private or reserved"},
		{"localhost", "http://localhost:" + port + "/rss", "partner", "private or reserved address"},
		{"private", "http://10.1.2.3/rss", "media", "10.1.2.3 is private or reserved"},
		{"metadata", "http://169.254.169.254/latest/meta-data/", "media", "169.254.169.254 is private or reserved"},
		{"mapped", "http://[::ffff:127.0.0.1]/rss", "partner", "private or reserved"},
		{"ipv6 loopback", "http://[::1]:" + port + "/", "partner", "::1 is private or reserved"},
		{"ftp", "ftp://files.example/rss", "partner", "must be a full http:// or https:// URL"},
		{"javascript", "javascript:alert(1)", "partner", "must be a full http:// or https:// URL"},
		{"no scheme", "partner.example/rss", "partner", "must be a full http:// or https:// URL"},
		{"password", "https://user:secret@partner.example/rss", "partner", "may not carry a user name or password"},
		{"kind", "https://partner.example/rss", "blog", "not &#34;blog&#34;"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := admin.post("/newsroom/partners", url.Values{"name": {"Partner"}, "url": {tt.url}, "kind": {tt.kind}})
			if r.Code != http.StatusBadRequest || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s: %d, want 400 with %q: %s", tt.url, r.Code, tt.want, excerpt(r.Body))
			}
		})
	}
	if fs, _ := n.store.PartnerFeeds(context.Background()); len(fs) != 0 {
		t.Errorf("refused feeds were stored: %+v", fs)
	}
}

const partnerRSS = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>North</title><link>https://north.example/</link>
<item><title>North one</title><link>https://north.example/one</link><description>First.</description><pubDate>%s</pubDate></item>
<item><title>North two</title><link>https://north.example/two</link><pubDate>%s</pubDate></item>
</channel></rss>`

const mediaAtom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Review</title><id>urn:review</id><updated>%[1]s</updated>
<entry><title>Review piece</title><id>urn:review:1</id><link href="https://review.example/piece"/><updated>%[1]s</updated></entry>
</feed>`

func TestPartnerFeedsOnHome(t *testing.T) {
	n := newPartnerNewsroom(t, partners.Config{AllowPrivate: true, Timeout: 2 * time.Second})
	now := n.clock.Now()
	var broken atomic.Bool
	north := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if broken.Load() {
			fmt.Fprint(w, "<rss><channel><item>")
			return
		}
		fmt.Fprintf(w, partnerRSS, now.Add(-time.Hour).Format(time.RFC1123Z), now.Add(-2*time.Hour).Format(time.RFC1123Z))
	}))
	defer north.Close()
	review := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, mediaAtom, now.Add(-30*time.Minute).Format(time.RFC3339))
	}))
	defer review.Close()

	admin := n.as("admin@example.org")
	for _, f := range []url.Values{
		{"name": {"North Wire"}, "url": {north.URL + "/rss"}, "kind": {"partner"}},
		{"name": {"Media Review"}, "url": {review.URL + "/atom"}, "kind": {"media"}},
	} {
		if r := admin.post("/newsroom/partners", f); r.Code != http.StatusSeeOther || r.Location != "/newsroom/partners?done=created" {
			t.Fatalf("add %s: %d %s", f.Get("name"), r.Code, excerpt(r.Body))
		}
	}
	if r := admin.post("/newsroom/partners", url.Values{"name": {"Again"}, "url": {north.URL + "/rss"}, "kind": {"media"}}); r.Code != http.StatusConflict ||
		!strings.Contains(r.Body, "registered already") {
		t.Errorf("the same feed twice: %d %s", r.Code, excerpt(r.Body))
	}
	fs, err := n.store.PartnerFeeds(context.Background())
	if err != nil || len(fs) != 2 {
		t.Fatalf("feeds: %+v, %v", fs, err)
	}
	r := admin.get("/newsroom/partners")
	if !strings.Contains(r.Body, "Not fetched yet, 0 entries") {
		t.Errorf("before the first fetch: %s", excerpt(r.Body))
	}
	// The home page has no partner blocks yet.
	if _, doc := n.page("/"); doc.First("#partner-h") != nil || doc.First("#media-h") != nil {
		t.Error("empty partner blocks are shown")
	}

	for _, f := range fs {
		r := admin.post(fmt.Sprintf("/newsroom/partners/%d/fetch", f.ID), nil)
		if r.Code != http.StatusOK || !strings.Contains(r.Body, "Fetched “"+f.Name+"”") {
			t.Fatalf("fetch %s: %d %s", f.Name, r.Code, excerpt(r.Body))
		}
	}
	r = admin.get("/newsroom/partners")
	if !strings.Contains(r.Body, "Last fetched "+now.In(moscow).Format("15:04")+", 2 entries") || !strings.Contains(r.Body, ", 1 entry") {
		t.Errorf("state after fetching: %s", excerpt(r.Body))
	}

	w, doc := n.page("/")
	if w.Code != http.StatusOK {
		t.Fatalf("home: %d", w.Code)
	}
	for _, tt := range []struct {
		id, heading string
		links       []string
		names       []string
	}{
		{"partner-h", "Partner News", []string{"https://north.example/one", "https://north.example/two"}, []string{"North Wire", "North Wire"}},
		{"media-h", "In other media", []string{"https://review.example/piece"}, []string{"Media Review"}},
	} {
		if h := doc.First("#" + tt.id); h == nil || h.Text() != tt.heading {
			t.Errorf("no %s block", tt.heading)
			continue
		}
		lis := doc.All("section[aria-labelledby=" + tt.id + "] li")
		if len(lis) != len(tt.links) {
			t.Errorf("%s: %d entries, want %d", tt.heading, len(lis), len(tt.links))
			continue
		}
		for i, li := range lis {
			a, src := li.Find("a"), li.Find("span.source")
			if a == nil || src == nil || a.Attr("href") != tt.links[i] || a.Attr("rel") != "external" || src.Text() != tt.names[i] {
				t.Errorf("%s entry %d: want an external link to %s named %s", tt.heading, i, tt.links[i], tt.names[i])
			}
		}
	}
	// A broken feed keeps its entries and says why on the admin page.
	broken.Store(true)
	r = admin.post(fmt.Sprintf("/newsroom/partners/%d/fetch", fs[1].ID), nil) // fs is by name: North Wire second
	if !strings.Contains(r.Body, "Fetching “North Wire” failed: The feed could not be read as RSS, Atom or JSON Feed") {
		t.Errorf("broken feed: %s", excerpt(r.Body))
	}
	if _, doc := n.page("/"); doc.First("#partner-h") == nil {
		t.Error("a failed fetch dropped the Partner News block")
	}

	// Deleting a feed takes its block off the home page.
	if r := admin.post(fmt.Sprintf("/newsroom/partners/%d/delete", fs[0].ID), nil); r.Code != http.StatusSeeOther {
		t.Fatalf("delete: %d %s", r.Code, excerpt(r.Body))
	}
	if _, doc := n.page("/"); doc.First("#media-h") != nil || doc.First("#partner-h") == nil {
		t.Error("after deleting Media Review, In other media is still shown (or Partner News is gone)")
	}
	log, err := n.store.AuditLog(context.Background(), 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range log {
		actions[e.Action]++
	}
	if actions["partner.create"] != 2 || actions["partner.fetch"] != 3 || actions["partner.delete"] != 1 {
		t.Errorf("audit actions: %v", actions)
	}
}
