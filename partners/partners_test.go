package partners_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"dateline"
	"dateline/partners"
	"dateline/sqlite"
)

var ctx = context.Background()

var now = time.Date(2026, 10, 23, 10, 42, 0, 0, time.UTC)

// local allows the loopback test servers.
var local = partners.Config{AllowPrivate: true, Timeout: 2 * time.Second}

const rssFeed = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Alpha</title><link>https://alpha.example/</link>
<item><title>First &amp; foremost</title><link>https://alpha.example/1</link><description>&lt;p&gt;The &lt;b&gt;first&lt;/b&gt; story.&lt;/p&gt;</description><pubDate>Fri, 23 Oct 2026 09:00:00 GMT</pubDate></item>
<item><title>Second</title><link>/2</link><description>Two.</description><pubDate>Fri, 23 Oct 2026 10:00:00 GMT</pubDate></item>
<item><title>Bad link</title><link>javascript:alert(1)</link></item>
</channel></rss>`

const atomFeed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Beta</title><id>urn:beta</id><updated>2026-10-23T10:00:00Z</updated>
<entry><title>Atom one</title><id>urn:beta:1</id><link href="https://beta.example/one"/><updated>2026-10-23T08:30:00Z</updated><summary type="html">&lt;i&gt;Short&lt;/i&gt; text</summary></entry>
</feed>`

const jsonFeed = `{"version": "https://jsonfeed.org/version/1.1", "title": "Gamma",
 "items": [{"id": "1", "url": "https://gamma.example/1", "title": "JSON one", "content_html": "<p>Hello</p>", "date_published": "2026-10-23T07:00:00Z"}]}`

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

func body(ctype, b string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		fmt.Fprint(w, b)
	}
}

func TestFormats(t *testing.T) {
	f := partners.NewFetcher(local)
	for _, tt := range []struct {
		name, ctype, body string
		want              []dateline.PartnerEntry
	}{
		{"RSS", "application/rss+xml", rssFeed, []dateline.PartnerEntry{
			{Title: "Second", Link: "/2", Summary: "Two.", PublishedAt: time.Date(2026, 10, 23, 10, 0, 0, 0, time.UTC)},
			{Title: "First & foremost", Link: "https://alpha.example/1", Summary: "The first story.", PublishedAt: time.Date(2026, 10, 23, 9, 0, 0, 0, time.UTC)},
		}},
		{"Atom", "application/atom+xml", atomFeed, []dateline.PartnerEntry{
			{Title: "Atom one", Link: "https://beta.example/one", Summary: "Short text", PublishedAt: time.Date(2026, 10, 23, 8, 30, 0, 0, time.UTC)},
		}},
		{"JSONFeed", "application/feed+json", jsonFeed, []dateline.PartnerEntry{
			{Title: "JSON one", Link: "https://gamma.example/1", Summary: "Hello", PublishedAt: time.Date(2026, 10, 23, 7, 0, 0, 0, time.UTC)},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := serve(t, body(tt.ctype, tt.body))
			res, err := f.Fetch(ctx, ts.URL+"/feed", "", "", now)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Entries) != len(tt.want) {
				t.Fatalf("got %d entries, want %d: %+v", len(res.Entries), len(tt.want), res.Entries)
			}
			for i, w := range tt.want {
				if strings.HasPrefix(w.Link, "/") {
					w.Link = ts.URL + w.Link // relative links resolve against the feed
				}
				if g := res.Entries[i]; g != w {
					t.Errorf("entry %d = %+v,\nwant %+v", i, g, w)
				}
			}
		})
	}
}

func TestWindows1251(t *testing.T) {
	src := `<?xml version="1.0" encoding="windows-1251"?>
<rss version="2.0"><channel><title>Новости</title><link>https://ru.example/</link>
<item><title>Лавров провёл переговоры в Москве</title><link>https://ru.example/1</link><description>Министр иностранных дел.</description></item>
</channel></rss>`
	enc, err := charmap.Windows1251.NewEncoder().String(src)
	if err != nil {
		t.Fatal(err)
	}
	ts := serve(t, body("application/rss+xml; charset=windows-1251", enc))
	res, err := partners.NewFetcher(local).Fetch(ctx, ts.URL, "", "", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != 1 || res.Entries[0].Title != "Лавров провёл переговоры в Москве" || res.Entries[0].Summary != "Министр иностранных дел." {
		t.Fatalf("entries = %+v", res.Entries)
	}
	if !res.Entries[0].PublishedAt.Equal(now) {
		t.Errorf("an entry without a date takes the fetch's time: %v", res.Entries[0].PublishedAt)
	}
	// Only the HTTP header names the charset.
	noDecl, _ := charmap.Windows1251.NewEncoder().String(strings.Replace(src, ` encoding="windows-1251"`, "", 1))
	ts = serve(t, body("application/rss+xml; charset=windows-1251", noDecl))
	res, err = partners.NewFetcher(local).Fetch(ctx, ts.URL, "", "", now)
	if err != nil || len(res.Entries) != 1 || res.Entries[0].Title != "Лавров провёл переговоры в Москве" {
		t.Fatalf("charset from the header: %+v, %v", res, err)
	}
}

// TestRefusedWithoutAllowance runs with the default policy: the loopback
// test server is refused both as a literal address and behind a name that
// resolves to it (caught by the dialer at connection time).
func TestRefusedWithoutAllowance(t *testing.T) {
	var hits atomic.Int32
	ts := serve(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1); fmt.Fprint(w, rssFeed) })
	f := partners.NewFetcher(partners.Config{Timeout: 2 * time.Second})
	_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
	for _, u := range []string{ts.URL, "http://localhost:" + port + "/feed", "http://[::ffff:127.0.0.1]:" + port + "/"} {
		_, err := f.Fetch(ctx, u, "", "", now)
		if err == nil || !strings.Contains(dateline.ErrorMessage(err), "private or reserved") {
			t.Errorf("Fetch(%s) = %v; want a refusal of the private address", u, err)
		}
		if err := f.CheckURL(ctx, u); err == nil || !strings.Contains(dateline.ErrorMessage(err), "private or reserved") {
			t.Errorf("CheckURL(%s) = %v; want a refusal", u, err)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("the private server was reached %d times", hits.Load())
	}
	for _, u := range []string{"ftp://example.org/feed", "javascript:alert(1)", "file:///etc/passwd", "example.org/feed", "http://user:pw@example.org/"} {
		if err := f.CheckURL(ctx, u); dateline.ErrorCode(err) != dateline.EINVALID {
			t.Errorf("CheckURL(%s) = %v; want EINVALID", u, err)
		}
	}
}

// TestControl checks the dialer's Control function with the addresses a
// resolver could hand it.
func TestControl(t *testing.T) {
	def := partners.NewFetcher(partners.Config{})
	priv := partners.NewFetcher(partners.Config{AllowPrivate: true})
	for _, tt := range []struct {
		addr          string
		def, allowing bool // allowed by default, with AllowPrivate
	}{
		{"127.0.0.1:80", false, true},
		{"10.0.0.1:80", false, true},
		{"172.16.5.4:443", false, true},
		{"192.168.1.1:80", false, true},
		{"100.64.0.1:80", false, true},
		{"169.254.169.254:80", false, false},
		{"[::1]:80", false, true},
		{"[::ffff:127.0.0.1]:80", false, true},
		{"[::ffff:169.254.169.254]:80", false, false},
		{"[fc00::1]:80", false, true},
		{"[fe80::1]:80", false, false},
		{"0.0.0.0:80", false, false},
		{"[::]:80", false, false},
		{"224.0.0.1:80", false, false},
		{"[ff02::1]:80", false, false},
		{"93.184.216.34:443", true, true},
		{"[2606:4700::1111]:443", true, true},
	} {
		if got := def.Control("tcp", tt.addr, nil) == nil; got != tt.def {
			t.Errorf("default policy, %s: allowed %v, want %v", tt.addr, got, tt.def)
		}
		if got := priv.Control("tcp", tt.addr, nil) == nil; got != tt.allowing {
			t.Errorf("AllowPrivate, %s: allowed %v, want %v", tt.addr, got, tt.allowing)
		}
	}
}

// TestRedirects: every hop is checked, so a feed on an allowed host that
// redirects to the metadata address or to a host the policy refuses is
// not followed there.
func TestRedirects(t *testing.T) {
	var reached atomic.Int32
	target := serve(t, func(w http.ResponseWriter, r *http.Request) { reached.Add(1); fmt.Fprint(w, rssFeed) })
	_, tport, _ := net.SplitHostPort(target.Listener.Addr().String())
	for _, tt := range []struct{ name, to string }{
		{"metadata", "http://169.254.169.254/latest/meta-data/"},
		{"metadata mapped", "http://[::ffff:a9fe:a9fe]/"},
		{"refused by policy", "http://127.0.0.1:" + tport + "/"},
		{"refused by name", "http://localhost:" + tport + "/"},
		{"not http", "file:///etc/passwd"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// The first server is on 127.0.0.2, the only address allowed.
			from := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, tt.to, http.StatusFound) }))
			ln, err := net.Listen("tcp", "127.0.0.2:0")
			if err != nil {
				t.Skipf("no 127.0.0.2 here: %v", err)
			}
			from.Listener.Close()
			from.Listener = ln
			from.Start()
			t.Cleanup(from.Close)
			fromAddr := netip.MustParseAddrPort(ln.Addr().String()).Addr()
			f := partners.NewFetcher(partners.Config{Timeout: 2 * time.Second, Allow: func(a netip.Addr) bool { return a == fromAddr }})
			if _, err := f.Fetch(ctx, from.URL, "", "", now); dateline.ErrorCode(err) != dateline.EINVALID {
				t.Errorf("redirect to %s: %v; want a refusal", tt.to, err)
			} else {
				t.Logf("%s: %s", tt.to, dateline.ErrorMessage(err))
			}
		})
	}
	// Even with private addresses allowed, the metadata address is not.
	from := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	if _, err := partners.NewFetcher(local).Fetch(ctx, from.URL, "", "", now); err == nil || !strings.Contains(dateline.ErrorMessage(err), "169.254.169.254") {
		t.Errorf("redirect to metadata with AllowPrivate: %v", err)
	}
	if reached.Load() != 0 {
		t.Errorf("a refused redirect target was reached %d times", reached.Load())
	}
	// A redirect between allowed hosts is followed.
	ok := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/feed", http.StatusMovedPermanently)
	})
	if res, err := partners.NewFetcher(local).Fetch(ctx, ok.URL, "", "", now); err != nil || len(res.Entries) != 2 {
		t.Errorf("allowed redirect: %+v, %v", res, err)
	}
}

func TestTooLarge(t *testing.T) {
	chunk := []byte(strings.Repeat("<!-- padding padding padding -->", 2048)) // 64 KB
	for _, declared := range []bool{false, true} {
		t.Run(fmt.Sprintf("declared=%v", declared), func(t *testing.T) {
			var sent atomic.Int64
			ts := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
				if declared {
					w.Header().Set("Content-Length", fmt.Sprint(50<<20))
				}
				w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel>`))
				for sent.Load() < 50<<20 {
					n, err := w.Write(chunk)
					sent.Add(int64(n))
					if err != nil {
						return
					}
				}
			})
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := partners.NewFetcher(local).Fetch(ctx, ts.URL, "", "", now)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(dateline.ErrorMessage(err), "5.0 MB allowed") {
				t.Fatalf("50 MB feed: %v; want a refusal", err)
			}
			t.Logf("%s in %v; allocated %d KB", dateline.ErrorMessage(err), took, (after.TotalAlloc-before.TotalAlloc)>>10)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 30<<20 {
				t.Errorf("allocated %d MB reading a refused feed", alloc>>20)
			}
			if took > 3*time.Second {
				t.Errorf("took %v", took)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	ts := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	f := partners.NewFetcher(partners.Config{AllowPrivate: true, Timeout: 300 * time.Millisecond})
	start := time.Now()
	_, err := f.Fetch(ctx, ts.URL, "", "", now)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %v with a 300 ms timeout", took)
	}
	if err == nil || !strings.Contains(dateline.ErrorMessage(err), "did not answer within 300ms") {
		t.Fatalf("silent server: %v", err)
	}
}

// schedEnv is a scheduler on a real SQLite store with a clock moved by hand.
type schedEnv struct {
	store   *sqlite.DB
	s       *partners.Scheduler
	t       time.Time
	changed int
}

func newSched(t *testing.T, cfg partners.Config) *schedEnv {
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &schedEnv{store: db, t: now}
	e.s = partners.NewScheduler(db, partners.NewFetcher(cfg), nil, func() time.Time { return e.t }, func() { e.changed++ }, partners.Backoff{})
	return e
}

func (e *schedEnv) add(t *testing.T, u string) int64 {
	f := &dateline.PartnerFeed{Name: "Alpha", URL: u, Kind: dateline.PartnerNews, CreatedAt: e.t}
	if err := e.store.CreatePartnerFeed(ctx, f, time.Now()); err != nil {
		t.Fatal(err)
	}
	return f.ID
}

func (e *schedEnv) feed(t *testing.T, id int64) *dateline.PartnerFeed {
	f, err := e.store.PartnerFeed(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestScheduler: a good fetch stores entries and validators; a 304 keeps
// them without parsing; broken XML keeps them and records a clear error;
// failures back off from 5 minutes doubling to 6 hours; a success resets.
func TestScheduler(t *testing.T) {
	var mode atomic.Value
	mode.Store("good")
	var requests, conditional atomic.Int32
	ts := serve(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Header.Get("If-None-Match") == `"v1"` && r.Header.Get("If-Modified-Since") != "" {
			conditional.Add(1)
		}
		switch mode.Load() {
		case "good":
			w.Header().Set("ETag", `"v1"`)
			w.Header().Set("Last-Modified", "Fri, 23 Oct 2026 10:00:00 GMT")
			fmt.Fprint(w, rssFeed)
		case "304":
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			fmt.Fprint(w, "<rss><channel><item><title>must not be parsed")
		case "broken":
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><item><title>Broken</title></channel>`)
		case "500":
			http.Error(w, "oops", http.StatusInternalServerError)
		}
	})
	e := newSched(t, local)
	id := e.add(t, ts.URL)

	if n := e.s.RunDue(ctx); n != 1 {
		t.Fatalf("RunDue fetched %d feeds, want 1", n)
	}
	f := e.feed(t, id)
	if f.Entries != 2 || f.State.Status != "ok" || f.State.ETag != `"v1"` || f.State.Failures != 0 || !f.State.NextAt.Equal(now.Add(15*time.Minute)) || e.changed != 1 {
		t.Fatalf("after a good fetch: %+v (changed %d)", f, e.changed)
	}
	if n := e.s.RunDue(ctx); n != 0 {
		t.Errorf("not due yet, but %d fetched", n)
	}

	mode.Store("304")
	e.t = e.t.Add(15 * time.Minute)
	e.s.RunDue(ctx)
	f = e.feed(t, id)
	if f.Entries != 2 || f.State.Status != "unchanged" || f.State.ETag != `"v1"` || conditional.Load() != 1 || e.changed != 1 {
		t.Fatalf("after a 304: %+v, conditional requests %d, changed %d", f, conditional.Load(), e.changed)
	}

	mode.Store("broken")
	e.t = e.t.Add(15 * time.Minute)
	e.s.RunDue(ctx)
	f = e.feed(t, id)
	if f.Entries != 2 || f.State.Status != "error" || f.State.Failures != 1 || !strings.Contains(f.State.Error, "could not be read as RSS, Atom or JSON Feed") ||
		!f.State.NextAt.Equal(e.t.Add(5*time.Minute)) || f.State.ETag != `"v1"` {
		t.Fatalf("after broken XML: %+v", f)
	}
	t.Logf("broken XML: %s", f.State.Error)

	mode.Store("500")
	want := []time.Duration{10 * time.Minute, 20 * time.Minute, 40 * time.Minute, 80 * time.Minute, 160 * time.Minute, 320 * time.Minute, 6 * time.Hour, 6 * time.Hour}
	for i, d := range want {
		e.t = f.State.NextAt
		e.s.RunDue(ctx)
		f = e.feed(t, id)
		if f.State.Failures != i+2 || !f.State.NextAt.Equal(e.t.Add(d)) || f.State.Error != "The feed answered 500 Internal Server Error." {
			t.Fatalf("failure %d: next in %v, state %+v; want %v", i+2, f.State.NextAt.Sub(e.t), f.State, d)
		}
	}
	if f.Entries != 2 {
		t.Errorf("failures dropped the entries: %d left", f.Entries)
	}

	// "Fetch now" ignores the schedule; success resets the backoff.
	mode.Store("good")
	got, err := e.s.FetchNow(ctx, id)
	if err != nil || got.State.Failures != 0 || got.State.Status != "ok" || got.State.Error != "" || !got.State.NextAt.Equal(e.t.Add(15*time.Minute)) {
		t.Fatalf("FetchNow: %+v, %v", got, err)
	}
	if _, err := e.s.FetchNow(ctx, 999); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("FetchNow(999) = %v", err)
	}
}

func TestBackoffDelay(t *testing.T) {
	b := partners.Backoff{Every: 15 * time.Minute, First: 5 * time.Minute, Max: 6 * time.Hour}
	for failures, want := range map[int]time.Duration{0: 15 * time.Minute, 1: 5 * time.Minute, 2: 10 * time.Minute, 7: 320 * time.Minute, 8: 6 * time.Hour, 1000: 6 * time.Hour} {
		if got := b.Delay(failures); got != want {
			t.Errorf("Delay(%d) = %v, want %v", failures, got, want)
		}
	}
}
