package http_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/auth"
	dhttp "dateline/http"
	"dateline/ingest"
	"dateline/media"
	"dateline/ninjs"
)

const testPassword = "newsroom-secret-42"

// nrEnv is a site with a newsroom: an HTTP server on loopback, people of
// every role, and a log kept for inspection.
type nrEnv struct {
	*env
	ts   *httptest.Server
	logs *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var hashOnce = sync.OnceValue(func() string { return auth.Hash(testPassword) })

func newNewsroom(t testing.TB) *nrEnv {
	t.Helper()
	return newNewsroomMedia(t, nil)
}

// newNewsroomMedia is newNewsroom with its photos in m (nil: the
// folder media under the test's folder).
func newNewsroomMedia(t testing.TB, m dateline.Media) *nrEnv {
	t.Helper()
	e := newEnv(t, false)
	if m == nil {
		m = media.Dir{Root: filepath.Join(e.dir, "media")}
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	in := &ingest.Service{Store: e.store, Now: e.clock.Now, FallbackSection: "world"}
	srv, err := dhttp.NewServer(e.store, in, log, dhttp.Config{
		SiteName: "Dateline", AgencyMark: "DATELINE", BaseURL: "http://news.example",
		City: dhttp.City{Name: "Moscow", Zone: moscow}, Media: m, MaxBodySize: 256 << 10,
	}, e.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	in.Changed = srv.StoriesChanged
	e.srv = srv
	for _, u := range []dateline.User{
		{Email: "admin@example.org", Name: "Ada Admin", Role: dateline.RoleAdmin},
		{Email: "editor@example.org", Name: "Ed Editor", Role: dateline.RoleEditor},
		{Email: "editor2@example.org", Name: "Eva Second", Role: dateline.RoleEditor},
		{Email: "reporter@example.org", Name: "Rita Reporter", Role: dateline.RoleReporter},
		{Email: "reporter2@example.org", Name: "Rob Other", Role: dateline.RoleReporter},
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

// browser is one person's browser: cookies, no automatic redirects.
type browser struct {
	t    testing.TB
	e    *nrEnv
	c    *http.Client
	csrf string
}

func (n *nrEnv) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: n.env.t, e: n, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type resp struct {
	Code     int
	Body     string
	Location string
	Header   http.Header
}

func (b *browser) req(method, path string, body io.Reader, ctype string, headers ...string) resp {
	b.t.Helper()
	r, err := http.NewRequest(method, b.e.ts.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	res, err := b.c.Do(r)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	out := resp{Code: res.StatusCode, Body: string(data), Location: res.Header.Get("Location"), Header: res.Header}
	if m := csrfMeta.FindStringSubmatch(out.Body); m != nil {
		b.csrf = m[1]
	}
	return out
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

func (b *browser) get(path string) resp { b.t.Helper(); return b.req("GET", path, nil, "") }

// post sends a form with the session's CSRF token unless the values hold one.
func (b *browser) post(path string, v url.Values) resp {
	b.t.Helper()
	if v == nil {
		v = url.Values{}
	}
	if !v.Has("csrf") {
		v.Set("csrf", b.csrf)
	}
	return b.req("POST", path, strings.NewReader(v.Encode()), "application/x-www-form-urlencoded")
}

var loginToken = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) login(email, password string) resp {
	b.t.Helper()
	form := b.get("/newsroom/login")
	m := loginToken.FindStringSubmatch(form.Body)
	if m == nil {
		b.t.Fatalf("login form without token: %d %s", form.Code, form.Body)
	}
	r := b.post("/newsroom/login", url.Values{"email": {email}, "password": {password}, "csrf": {m[1]}})
	if r.Code == http.StatusSeeOther {
		b.get("/newsroom/") // picks up the CSRF token
	}
	return r
}

func (n *nrEnv) as(email string) *browser {
	n.env.t.Helper()
	b := n.browser()
	if r := b.login(email, testPassword); r.Code != http.StatusSeeOther {
		n.env.t.Fatalf("login %s: %d %s", email, r.Code, r.Body)
	}
	return b
}

func storyForm(headline string, extra ...string) url.Values {
	v := url.Values{"version": {"0"}, "headline": {headline}, "lead": {"The lead of " + headline + "."},
		"body": {"<p>First paragraph of " + headline + ".</p><p>Second paragraph.</p>"}, "section": {"politics"},
		"lang": {"en"}, "urgency": {"5"}, "action": {"save"}, "place": {"Moscow"}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

var articleLoc = regexp.MustCompile(`^/newsroom/articles/(\d+)\?done=(\w+)$`)

// create saves a new story and returns its id.
func (b *browser) create(v url.Values) int64 {
	b.t.Helper()
	r := b.post("/newsroom/articles", v)
	m := articleLoc.FindStringSubmatch(r.Location)
	if r.Code != http.StatusSeeOther || m == nil {
		b.t.Fatalf("create: %d %q %s", r.Code, r.Location, excerpt(r.Body))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func (b *browser) version(id int64) string {
	b.t.Helper()
	a, err := b.e.store.Article(context.Background(), id)
	if err != nil {
		b.t.Fatal(err)
	}
	return strconv.Itoa(a.Version)
}

// act saves story id with the action, from its current version.
func (b *browser) act(id int64, v url.Values, action string) resp {
	b.t.Helper()
	v.Set("version", b.version(id))
	v.Set("action", action)
	return b.post("/newsroom/articles/"+strconv.FormatInt(id, 10), v)
}

func excerpt(s string) string {
	if m := regexp.MustCompile(`(?s)<p class="error"[^>]*>(.*?)</p>|<main.*`).FindString(s); m != "" {
		s = m
	}
	if len(s) > 600 {
		s = s[:600]
	}
	return s
}

func TestNewsroomNeedsSession(t *testing.T) {
	n := newNewsroom(t)
	b := n.browser()
	gets := []string{"/newsroom/", "/newsroom/articles/new", "/newsroom/articles/1", "/newsroom/articles/1/history",
		"/newsroom/articles/1/compare?a=1&b=2", "/newsroom/photos", "/newsroom/photos/1", "/newsroom/galleries", "/newsroom/infographics",
		"/newsroom/top", "/newsroom/stories", "/newsroom/stories/1", "/newsroom/account", "/newsroom/users", "/newsroom/sections",
		"/newsroom/tokens", "/newsroom/audit", "/newsroom/nothing-here"}
	for _, p := range gets {
		r := b.get(p)
		if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/newsroom/login?next=") {
			t.Errorf("GET %s without a session: %d %q", p, r.Code, r.Location)
		}
	}
	for _, p := range []string{"/newsroom/api/articles?q=x", "/newsroom/api/tags?kind=topics&q=x", "/newsroom/api/photos"} {
		if r := b.get(p); r.Code != http.StatusUnauthorized || !strings.Contains(r.Body, "Sign in") {
			t.Errorf("GET %s without a session: %d %s", p, r.Code, r.Body)
		}
	}
	posts := []string{"/newsroom/logout", "/newsroom/articles", "/newsroom/articles/1", "/newsroom/articles/1/autosave",
		"/newsroom/articles/1/withdraw", "/newsroom/articles/1/restore", "/newsroom/preview", "/newsroom/photos", "/newsroom/photos/1",
		"/newsroom/galleries", "/newsroom/top", "/newsroom/stories", "/newsroom/stories/1", "/newsroom/account", "/newsroom/users",
		"/newsroom/users/1", "/newsroom/sections", "/newsroom/tokens", "/newsroom/tokens/1/delete"}
	for _, p := range posts {
		if r := b.post(p, storyForm("x")); r.Code != http.StatusUnauthorized {
			t.Errorf("POST %s without a session: %d", p, r.Code)
		}
	}
	// A made-up session cookie is no session.
	u, _ := url.Parse(n.ts.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "dateline_session", Value: strings.Repeat("A", 43)}})
	if r := b.get("/newsroom/"); r.Code != http.StatusSeeOther {
		t.Errorf("forged session: %d", r.Code)
	}
	if n, _ := n.store.CountArticles(context.Background(), ""); n != 0 {
		t.Errorf("%d articles were stored by requests without a session", n)
	}
}

func TestLoginLockoutAndFixation(t *testing.T) {
	n := newNewsroom(t)
	b := n.browser()

	// The sign-in form's own token is required.
	if r := b.post("/newsroom/login", url.Values{"email": {"editor@example.org"}, "password": {testPassword}, "csrf": {"made-up"}}); r.Code != http.StatusForbidden {
		t.Errorf("sign-in without the form's token: %d", r.Code)
	}
	if r := b.login("nobody@example.org", testPassword); r.Code != http.StatusUnauthorized || !strings.Contains(r.Body, "The email or the password is wrong.") {
		t.Errorf("unknown email: %d %s", r.Code, excerpt(r.Body))
	}
	for i := 1; i <= 5; i++ {
		r := b.login("editor@example.org", "wrong password "+strconv.Itoa(i))
		if r.Code != http.StatusUnauthorized || !strings.Contains(r.Body, "The email or the password is wrong.") {
			t.Fatalf("failure %d: %d", i, r.Code)
		}
	}
	// Wrong passwords get the same answer whether the account is known,
	// unknown or locked; the right one is told of the lock.
	if r := b.login("editor@example.org", "wrong password 6"); r.Code != http.StatusUnauthorized || strings.Contains(r.Body, "locked until") {
		t.Errorf("wrong password while locked: %d", r.Code)
	}
	r := b.login("editor@example.org", testPassword)
	if r.Code != http.StatusTooManyRequests || !strings.Contains(r.Body, "locked until") || r.Header.Get("Retry-After") == "" {
		t.Fatalf("right password while locked: %d %s", r.Code, excerpt(r.Body))
	}
	n.clock.Add(16 * time.Minute)

	// A session id planted before sign-in is not the one after it.
	u, _ := url.Parse(n.ts.URL)
	planted := auth.Token()
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "dateline_session", Value: planted}})
	if r := b.login("editor@example.org", testPassword); r.Code != http.StatusSeeOther || r.Location != "/newsroom/" {
		t.Fatalf("sign-in after the lock: %d %q", r.Code, r.Location)
	}
	var got string
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "dateline_session" {
			got = c.Value
		}
	}
	if got == "" || got == planted {
		t.Fatalf("session after sign-in %q, planted %q", got, planted)
	}
	other := n.browser()
	other.c.Jar.SetCookies(u, []*http.Cookie{{Name: "dateline_session", Value: planted}})
	if r := other.get("/newsroom/"); r.Code != http.StatusSeeOther {
		t.Errorf("the planted id works after sign-in: %d", r.Code)
	}
	if r := b.get("/newsroom/"); r.Code != 200 || !strings.Contains(r.Body, "Ed Editor") {
		t.Fatalf("desk after sign-in: %d", r.Code)
	}
	// The cookie's attributes.
	res := n.browser().login("admin@example.org", testPassword)
	for _, sc := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(sc, "dateline_session=") && (!strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax")) {
			t.Errorf("session cookie %q", sc)
		}
	}
	// Sign out ends the session.
	if r := b.post("/newsroom/logout", nil); r.Code != http.StatusSeeOther {
		t.Errorf("logout: %d", r.Code)
	}
	if r := b.get("/newsroom/"); r.Code != http.StatusSeeOther {
		t.Errorf("desk after logout: %d", r.Code)
	}
}

func TestLoginRateLimitPerAddress(t *testing.T) {
	n := newNewsroom(t)
	b := n.browser()
	limited := false
	for i := 0; i < 40 && !limited; i++ {
		r := b.login(fmt.Sprintf("nobody%d@example.org", i), "whatever-password")
		limited = r.Code == http.StatusTooManyRequests && strings.Contains(r.Body, "from your address")
	}
	if !limited {
		t.Error("40 quick sign-ins from one address were never slowed down")
	}
}

func TestCSRFAndRoles(t *testing.T) {
	n := newNewsroom(t)
	rep := n.as("reporter@example.org")
	id := rep.create(storyForm("Reporter's story"))

	// Without the token, with a wrong one, or from another site: refused.
	v := storyForm("Changed")
	v.Set("version", rep.version(id))
	v.Set("csrf", "")
	if r := rep.post("/newsroom/articles/"+strconv.FormatInt(id, 10), v); r.Code != http.StatusForbidden {
		t.Errorf("save without CSRF token: %d", r.Code)
	}
	v.Set("csrf", auth.Token())
	if r := rep.post("/newsroom/articles/"+strconv.FormatInt(id, 10), v); r.Code != http.StatusForbidden {
		t.Errorf("save with a wrong CSRF token: %d", r.Code)
	}
	v.Set("csrf", rep.csrf)
	if r := rep.req("POST", "/newsroom/articles/"+strconv.FormatInt(id, 10), strings.NewReader(v.Encode()), "application/x-www-form-urlencoded", "Origin", "https://evil.example"); r.Code != http.StatusForbidden {
		t.Errorf("save from another origin: %d", r.Code)
	}
	if a, _ := n.store.Article(context.Background(), id); a.Headline != "Reporter's story" {
		t.Errorf("a refused save changed the story: %q", a.Headline)
	}

	// A reporter cannot publish, manage people, or touch others' stories.
	if r := rep.act(id, storyForm("Reporter's story"), "publish"); r.Code != http.StatusForbidden {
		t.Errorf("reporter publishes: %d", r.Code)
	}
	for _, p := range []string{"/newsroom/users", "/newsroom/tokens", "/newsroom/audit", "/newsroom/sections", "/newsroom/top"} {
		if r := rep.get(p); r.Code != http.StatusForbidden {
			t.Errorf("reporter GET %s: %d", p, r.Code)
		}
	}
	if r := rep.post("/newsroom/users", url.Values{"email": {"x@example.org"}, "name": {"X"}, "role": {"admin"}, "password": {"long enough pw"}}); r.Code != http.StatusForbidden {
		t.Errorf("reporter adds a user: %d", r.Code)
	}
	other := n.as("reporter2@example.org")
	if r := other.get("/newsroom/articles/" + strconv.FormatInt(id, 10)); r.Code != http.StatusForbidden {
		t.Errorf("another reporter opens the story: %d", r.Code)
	}
	// An editor may publish it.
	ed := n.as("editor@example.org")
	if r := ed.act(id, storyForm("Reporter's story"), "publish"); r.Code != http.StatusSeeOther || !strings.Contains(r.Location, "done=published") {
		t.Fatalf("editor publishes: %d %s", r.Code, excerpt(r.Body))
	}
	// Once published, the reporter can no longer change it.
	if r := rep.act(id, storyForm("Reporter's rewrite"), "save"); r.Code != http.StatusForbidden {
		t.Errorf("reporter changes a published story: %d", r.Code)
	}
	if r := ed.get("/newsroom/users"); r.Code != http.StatusForbidden {
		t.Errorf("editor manages people: %d", r.Code)
	}
}

func TestWorkflowOnTheSite(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	rep := n.as("reporter@example.org")
	id := rep.create(storyForm("Minister visits Kazan", "topics", "Tatarstan, Economy", "persons", "Anna Petrova"))
	if r := rep.act(id, storyForm("Minister visits Kazan", "topics", "Tatarstan, Economy"), "submit"); !strings.Contains(r.Location, "done=submitted") {
		t.Fatalf("submit: %d %s", r.Code, excerpt(r.Body))
	}
	if a, _ := n.store.Article(ctx, id); a.Status != dateline.StatusSubmitted {
		t.Fatalf("status after submit: %s", a.Status)
	}
	ed := n.as("editor@example.org")
	if r := ed.get("/newsroom/?status=submitted"); !strings.Contains(r.Body, "Minister visits Kazan") {
		t.Error("the submitted story is not on the editors' list")
	}
	if r := ed.act(id, storyForm("Minister visits Kazan", "topics", "Tatarstan, Economy"), "publish"); !strings.Contains(r.Location, "done=published") {
		t.Fatalf("publish: %d %s", r.Code, excerpt(r.Body))
	}
	path := "/politics/" + strconv.FormatInt(id, 10)
	for _, p := range []string{"/", "/politics", "/news", "/topics/tatarstan"} {
		if w := n.get(p); !strings.Contains(w.Body.String(), "Minister visits Kazan") {
			t.Errorf("%s does not list the published story", p)
		}
	}
	if w := n.get(path); w.Code != 200 || strings.Contains(w.Body.String(), "Updated:") {
		t.Fatalf("article: %d, updated shown before any update", w.Code)
	}

	// An update with an advisory shows "Updated" and the advisory.
	n.clock.Add(20 * time.Minute)
	if r := ed.act(id, storyForm("Minister visits Kazan", "advisory", "Adds the minister's reaction"), "save"); r.Code != http.StatusSeeOther {
		t.Fatalf("update: %d %s", r.Code, excerpt(r.Body))
	}
	body := n.get(path).Body.String()
	if !strings.Contains(body, "Updated:") || !strings.Contains(body, "Adds the minister&#39;s reaction") {
		t.Errorf("the update is not shown: %s", excerpt(body))
	}
	// A correction is dated at the end and the story is marked CORRECTED.
	n.clock.Add(5 * time.Minute)
	ed.act(id, storyForm("Minister visits Kazan", "correction", "An earlier version misspelt the city."), "save")
	body = n.get(path).Body.String()
	if !strings.Contains(body, "CORRECTED") || !strings.Contains(body, "An earlier version misspelt the city.") {
		t.Errorf("the correction is not shown")
	}
	// A follow-up joins the chain, shown on both.
	f := storyForm("Minister leaves Kazan", "follows", strconv.FormatInt(id, 10))
	fid := ed.create(f)
	ed.act(fid, storyForm("Minister leaves Kazan", "follows", strconv.FormatInt(id, 10)), "publish")
	body = n.get("/politics/" + strconv.FormatInt(fid, 10)).Body.String()
	if !strings.Contains(body, "How this story developed") || !strings.Contains(body, "Minister visits Kazan") {
		t.Errorf("the chain is not on the follow-up")
	}
	if feed := n.get("/news").Body.String(); !strings.Contains(feed, "UPDATE") || !strings.Contains(feed, fmt.Sprintf(`href="/politics/%d">Earlier report`, id)) {
		t.Errorf("the feed does not show the follow-up as an update")
	}
	// Withdrawal: 410 with the reason, gone from every list.
	v := url.Values{"version": {ed.version(id)}, "withdraw_note": {"The visit was cancelled."}}
	// Without the confirmation box the story stays, and the reason typed
	// comes back in the form.
	if r := ed.post("/newsroom/articles/"+strconv.FormatInt(id, 10)+"/withdraw", v); r.Code != http.StatusBadRequest ||
		!strings.Contains(r.Body, "Tick the box") || !strings.Contains(r.Body, `value="The visit was cancelled."`) {
		t.Fatalf("unconfirmed withdraw: %d %s", r.Code, excerpt(r.Body))
	}
	v.Set("confirm", "1")
	if r := ed.post("/newsroom/articles/"+strconv.FormatInt(id, 10)+"/withdraw", v); !strings.Contains(r.Location, "done=withdrawn") {
		t.Fatalf("withdraw: %d %s", r.Code, excerpt(r.Body))
	}
	w := n.get(path)
	if w.Code != http.StatusGone || !strings.Contains(w.Body.String(), "The visit was cancelled.") {
		t.Errorf("withdrawn story: %d", w.Code)
	}
	for _, p := range []string{"/", "/politics", "/news", "/topics/tatarstan", "/search?q=Kazan+visits"} {
		if strings.Contains(n.get(p).Body.String(), "Minister visits Kazan") {
			t.Errorf("%s still lists the withdrawn story", p)
		}
	}
	// The audit log has the whole life.
	adm := n.as("admin@example.org")
	log := adm.get("/newsroom/audit").Body
	for _, want := range []string{"article.create", "article.submitted", "article.published", "article.withdraw", "login"} {
		if !strings.Contains(log, want) {
			t.Errorf("audit log lacks %s", want)
		}
	}
}

func TestPublishRules(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	ed := n.as("editor@example.org")
	// A photo without caption and credit stops publication.
	p := &dateline.Photo{URI: "urn:test:photo:1", Path: "x/p.jpg", Width: 100, Height: 80}
	if err := n.store.SavePhoto(ctx, p, time.Now()); err != nil {
		t.Fatal(err)
	}
	id := ed.create(storyForm("With a photo", "photo_id", strconv.FormatInt(p.ID, 10)))
	r := ed.act(id, storyForm("With a photo", "photo_id", strconv.FormatInt(p.ID, 10)), "publish")
	if r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "a caption and a credit for the photo") {
		t.Errorf("publish without caption: %d %s", r.Code, excerpt(r.Body))
	}
	r = ed.act(id, storyForm("With a photo", "photo_id", strconv.FormatInt(p.ID, 10), "caption", "The minister", "credit", "Photo: A. B."), "publish")
	if r.Code != http.StatusSeeOther {
		t.Fatalf("publish with caption: %d %s", r.Code, excerpt(r.Body))
	}
	// Publishing at a set time waits, then appears.
	at := n.clock.Now().Add(2 * time.Hour).In(moscow).Format("2006-01-02T15:04")
	sid := ed.create(storyForm("Scheduled story"))
	if r := ed.act(sid, storyForm("Scheduled story", "publish_at", at, "embargoed", "1"), "publish"); !strings.Contains(r.Location, "done=scheduled") {
		t.Fatalf("schedule: %d %s", r.Code, excerpt(r.Body))
	}
	if w := n.get("/news"); strings.Contains(w.Body.String(), "Scheduled story") {
		t.Error("a scheduled story is public before its time")
	}
	n.clock.Add(2*time.Hour + time.Minute)
	if _, err := n.store.PublishDue(ctx, n.clock.Now()); err != nil {
		t.Fatal(err)
	}
	n.srv.Changed()
	if w := n.get("/news"); !strings.Contains(w.Body.String(), "Scheduled story") {
		t.Error("the scheduled story did not appear after its time")
	}
	// Bad forms answer 400 with a message and store nothing.
	for _, bad := range []url.Values{
		storyForm("x", "section", "nowhere"), storyForm("x", "lang", "xx"), storyForm("x", "urgency", "9"),
		storyForm("x", "photo_id", "abc"), storyForm("x", "photo_id", "999999"), storyForm("x", "publish_at", "tomorrow"),
		storyForm(strings.Repeat("h", 301)), storyForm("x", "follows", "-1"), storyForm("x", "follows", "999999"),
		storyForm("x", "headline", "bad\x00text"), storyForm("x", "version", "abc"),
	} {
		before, _ := n.store.CountArticles(ctx, "")
		r := ed.post("/newsroom/articles", bad)
		if r.Code != http.StatusBadRequest {
			t.Errorf("bad form %v: %d", bad, r.Code)
		}
		if after, _ := n.store.CountArticles(ctx, ""); after != before {
			t.Errorf("bad form stored an article")
		}
	}
	if r := ed.act(id, storyForm("x"), "explode"); r.Code != http.StatusBadRequest {
		t.Errorf("unknown action: %d", r.Code)
	}
}

func TestConflictKeepsBothVersions(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	a := n.as("editor@example.org")
	b := n.as("editor2@example.org")
	id := a.create(storyForm("Talks resume"))
	ver := a.version(id)
	va := storyForm("Talks resume in Geneva")
	va.Set("version", ver)
	if r := a.post("/newsroom/articles/"+strconv.FormatInt(id, 10), va); r.Code != http.StatusSeeOther {
		t.Fatalf("first save: %d", r.Code)
	}
	vb := storyForm("Talks resume in Vienna")
	vb.Set("version", ver)
	r := b.post("/newsroom/articles/"+strconv.FormatInt(id, 10), vb)
	if r.Code != http.StatusConflict || !strings.Contains(r.Body, "Someone saved this story while you were editing") || !strings.Contains(r.Body, "Ed Editor") {
		t.Fatalf("second save: %d %s", r.Code, excerpt(r.Body))
	}
	if !strings.Contains(r.Body, "<del>Geneva</del>") || !strings.Contains(r.Body, "<ins>Vienna</ins>") {
		t.Errorf("the conflict does not show the difference")
	}
	art, _ := n.store.Article(ctx, id)
	if art.Headline != "Talks resume in Geneva" {
		t.Errorf("the refused save changed the story: %q", art.Headline)
	}
	revs, _ := n.store.Revisions(ctx, id)
	var kept bool
	for _, rv := range revs {
		if rv.Kind == dateline.RevisionConflict {
			full, _ := n.store.Revision(ctx, rv.ID)
			kept = strings.Contains(string(full.Data), "Vienna")
		}
	}
	if !kept {
		t.Error("the refused version is not kept")
	}
	// The form now carries the new base: saving it again wins.
	if m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(r.Body); m == nil || m[1] != a.version(id) {
		t.Errorf("the conflict form's version: %v", m)
	}
	vb.Set("version", a.version(id))
	if r := b.post("/newsroom/articles/"+strconv.FormatInt(id, 10), vb); r.Code != http.StatusSeeOther {
		t.Errorf("saving over after the conflict: %d", r.Code)
	}
	// History: compare and restore.
	h := a.get("/newsroom/articles/" + strconv.FormatInt(id, 10) + "/history")
	if h.Code != 200 || !strings.Contains(h.Body, "Refused edit (kept)") {
		t.Fatalf("history: %d", h.Code)
	}
	revs, _ = n.store.Revisions(ctx, id)
	first := revs[len(revs)-1]
	c := a.get(fmt.Sprintf("/newsroom/articles/%d/compare?a=%d&b=%d", id, first.ID, revs[0].ID))
	if c.Code != 200 || !strings.Contains(c.Body, "<ins>in</ins>") {
		t.Errorf("compare: %d %s", c.Code, excerpt(c.Body))
	}
	if c := a.get(fmt.Sprintf("/newsroom/articles/%d/compare?a=x&b=1", id)); c.Code != http.StatusBadRequest {
		t.Errorf("compare with a bad revision: %d", c.Code)
	}
	rs := a.post(fmt.Sprintf("/newsroom/articles/%d/restore", id), url.Values{"revision": {strconv.FormatInt(first.ID, 10)}})
	if rs.Code != 200 || !strings.Contains(rs.Body, `value="Talks resume"`) {
		t.Fatalf("restore: %d", rs.Code)
	}
	v := storyForm("Talks resume", "restore", strconv.FormatInt(first.ID, 10))
	v.Set("version", a.version(id))
	a.post("/newsroom/articles/"+strconv.FormatInt(id, 10), v)
	if art, _ := n.store.Article(ctx, id); art.Headline != "Talks resume" {
		t.Errorf("after restore: %q", art.Headline)
	}
	if revs, _ := n.store.Revisions(ctx, id); revs[0].Kind != dateline.RevisionRestore {
		t.Errorf("the restore is recorded as %q", revs[0].Kind)
	}
}

func TestAutosaveAndPreview(t *testing.T) {
	n := newNewsroom(t)
	ed := n.as("editor@example.org")
	id := ed.create(storyForm("Autosaved"))
	v := storyForm("Autosaved, with more")
	v.Set("csrf", "")
	r := ed.req("POST", fmt.Sprintf("/newsroom/articles/%d/autosave", id), strings.NewReader(v.Encode()), "application/x-www-form-urlencoded", "X-CSRF-Token", ed.csrf)
	if r.Code != 200 || !strings.Contains(r.Body, "saved_at") {
		t.Fatalf("autosave: %d %s", r.Code, r.Body)
	}
	n.clock.Add(time.Minute)
	if e := ed.get(fmt.Sprintf("/newsroom/articles/%d", id)); !strings.Contains(e.Body, "You have unsaved changes") {
		t.Error("the editor does not offer the autosave")
	}
	if e := ed.get(fmt.Sprintf("/newsroom/articles/%d?restore=autosave", id)); !strings.Contains(e.Body, "Autosaved, with more") {
		t.Error("the autosave cannot be restored")
	}
	p := ed.post("/newsroom/preview", storyForm("Preview headline", "body", `<p>One</p><hr class="page-break"><p>Two</p><script>alert(1)</script>`))
	if p.Code != 200 || !strings.Contains(p.Body, "Preview: readers do not see this page") || !strings.Contains(p.Body, "Preview headline") ||
		!strings.Contains(p.Body, "<p>Two</p>") || strings.Contains(p.Body, "alert(1)") {
		t.Errorf("preview: %d %s", p.Code, excerpt(p.Body))
	}
}

// jpegBytes makes a w×h JPEG.
func jpegBytes(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bombPNG is a PNG header that claims 50,000 × 50,000 pixels.
func bombPNG(t testing.TB) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	// IHDR's width and height are at bytes 16-23, its CRC at 29-32.
	copy(data[16:], []byte{0, 0, 0xc3, 0x50, 0, 0, 0xc3, 0x50})
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

func (b *browser) upload(name string, data []byte, caption, credit string) resp {
	b.t.Helper()
	return b.uploadWith(name, data, caption, credit)
}

// uploadWith is upload with the request's headers, name and value in turn.
func (b *browser) uploadWith(name string, data []byte, caption, credit string, headers ...string) resp {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", b.csrf)
	mw.WriteField("caption", caption)
	mw.WriteField("credit", credit)
	fw, _ := mw.CreateFormFile("photo", name)
	fw.Write(data)
	mw.Close()
	return b.req("POST", "/newsroom/photos", &body, mw.FormDataContentType(), headers...)
}

func TestUploads(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	rep := n.as("reporter@example.org")
	good := jpegBytes(t, 1000, 700)
	bad := map[string]struct {
		data []byte
		code int
		msg  string
	}{
		"truncated.jpg": {good[:len(good)/2], http.StatusUnprocessableEntity, "damaged or incomplete"},
		"script.jpg":    {[]byte("#!/bin/sh\nrm -rf /\n"), http.StatusUnprocessableEntity, "not a JPEG, PNG or WebP"},
		"bomb.png":      {bombPNG(t), http.StatusUnprocessableEntity, "50000 × 50000"},
		"empty.jpg":     {nil, http.StatusBadRequest, "empty"},
		"huge.jpg":      {bytes.Repeat([]byte{0xff}, 21<<20), http.StatusRequestEntityTooLarge, "MB"},
	}
	for name, c := range bad {
		r := rep.upload(name, c.data, "Caption", "Credit")
		if r.Code != c.code || !strings.Contains(r.Body, c.msg) {
			t.Errorf("%s: %d %s", name, r.Code, excerpt(r.Body))
		}
	}
	if ps, _ := n.store.Photos(ctx, dateline.PhotoFilter{}); len(ps) != 0 {
		t.Errorf("bad uploads stored %d photos", len(ps))
	}
	if entries, _ := os.ReadDir(filepath.Join(n.dir, "media")); len(entries) != 0 {
		t.Errorf("bad uploads left %d files", len(entries))
	}
	r := rep.upload("minister.jpg", good, "The minister arrives", "Photo: Rita Reporter")
	if r.Code != http.StatusSeeOther || !strings.Contains(r.Location, "done=uploaded") {
		t.Fatalf("good upload: %d %s", r.Code, excerpt(r.Body))
	}
	ps, _ := n.store.Photos(ctx, dateline.PhotoFilter{})
	if len(ps) != 1 || ps[0].Width != 1000 || len(ps[0].Widths) == 0 || ps[0].Caption != "The minister arrives" {
		t.Fatalf("library after upload: %+v", ps)
	}
	if w := n.get("/media/" + ps[0].Rendition(ps[0].Widths[0])); w.Code != 200 {
		t.Errorf("rendition: %d", w.Code)
	}
	if j := rep.get("/newsroom/api/photos?q=minister"); !strings.Contains(j.Body, `"caption": "The minister arrives"`) {
		t.Errorf("photo API: %s", j.Body)
	}
}

func TestAdminPagesAndSecretsStayOutOfLogs(t *testing.T) {
	n := newNewsroom(t)
	adm := n.as("admin@example.org")
	r := adm.post("/newsroom/users", url.Values{"email": {"new@example.org"}, "name": {"New Person"}, "role": {"reporter"}, "password": {"another-secret-99"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("add user: %d %s", r.Code, excerpt(r.Body))
	}
	if r := adm.post("/newsroom/users", url.Values{"email": {"new@example.org"}, "name": {"Again"}, "role": {"reporter"}, "password": {"another-secret-99"}}); r.Code != http.StatusConflict {
		t.Errorf("same email twice: %d", r.Code)
	}
	for _, bad := range []url.Values{{"email": {"not-an-email"}, "name": {"X"}, "role": {"reporter"}, "password": {"long enough 1"}},
		{"email": {"a@example.org"}, "name": {"X"}, "role": {"king"}, "password": {"long enough 1"}},
		{"email": {"b@example.org"}, "name": {"X"}, "role": {"reporter"}, "password": {"short"}}} {
		if r := adm.post("/newsroom/users", bad); r.Code != http.StatusBadRequest {
			t.Errorf("bad user %v: %d", bad, r.Code)
		}
	}
	nb := n.browser()
	if nb.login("new@example.org", "another-secret-99").Code != http.StatusSeeOther {
		t.Error("the new person cannot sign in")
	}
	// Disabling an account ends its sessions and refuses its sign-in.
	nu, _ := n.store.UserByEmail(context.Background(), "new@example.org")
	if r := adm.post(fmt.Sprintf("/newsroom/users/%d", nu.ID), url.Values{"name": {"New Person"}, "role": {"reporter"}, "disabled": {"1"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("disable: %d %s", r.Code, excerpt(r.Body))
	}
	if r := nb.get("/newsroom/"); r.Code != http.StatusSeeOther {
		t.Errorf("a disabled account's session still works: %d", r.Code)
	}
	if r := n.browser().login("new@example.org", "another-secret-99"); r.Code != http.StatusForbidden || !strings.Contains(r.Body, "disabled") {
		t.Errorf("a disabled account signs in: %d", r.Code)
	}
	me0, _ := n.store.UserByEmail(context.Background(), "admin@example.org")
	if r := adm.post(fmt.Sprintf("/newsroom/users/%d", me0.ID), url.Values{"name": {"Ada Admin"}, "role": {"editor"}}); r.Code != http.StatusBadRequest {
		t.Errorf("an admin demotes herself: %d", r.Code)
	}
	tok := adm.post("/newsroom/tokens", url.Values{"name": {"Wire importer"}, "scope": {"write"}})
	m := regexp.MustCompile(`value="(dl_[^"]+)"`).FindStringSubmatch(tok.Body)
	if tok.Code != http.StatusCreated || m == nil {
		t.Fatalf("token: %d", tok.Code)
	}
	// The token works on the ingest API.
	doc := `{"uri":"urn:test:tok","type":"text","versioncreated":"2026-11-27T10:00:00Z","language":"en","headlines":[{"value":"By token"}],"bodies":[{"role":"html","contenttype":"text/html","value":"<p>x</p>"}]}`
	if w := n.do("POST", "/api/v1/items", doc, "Authorization", "Bearer "+m[1], "Content-Type", "application/json"); w.Code >= 300 {
		t.Errorf("ingest with the new token: %d %s", w.Code, w.Body)
	}
	if r := adm.post("/newsroom/sections", url.Values{"slug": {"culture-2"}, "name": {"Arts"}, "position": {"50"}, "codes": {"arts\nculture2"}}); r.Code != http.StatusSeeOther {
		t.Errorf("add section: %d %s", r.Code, excerpt(r.Body))
	}
	if w := n.get("/culture-2"); w.Code != 200 {
		t.Errorf("new section page: %d", w.Code)
	}
	if r := adm.post("/newsroom/sections", url.Values{"slug": {"newsroom"}, "name": {"X"}, "position": {"1"}}); r.Code != http.StatusBadRequest {
		t.Errorf("reserved section slug: %d", r.Code)
	}
	// Change one's own password: the old stops working.
	me := n.as("editor@example.org")
	if r := me.post("/newsroom/account", url.Values{"current": {testPassword}, "password": {"brand-new-password"}, "again": {"brand-new-password"}}); r.Code != http.StatusSeeOther {
		t.Errorf("password change: %d %s", r.Code, excerpt(r.Body))
	}
	if r := me.get("/newsroom/"); r.Code != 200 {
		t.Errorf("the browser that changed its password lost its session: %d", r.Code)
	}
	if b := n.browser(); b.login("editor@example.org", testPassword).Code == http.StatusSeeOther {
		t.Error("the old password still works")
	}
	logs := n.logs.String()
	for _, secret := range []string{testPassword, "another-secret-99", "brand-new-password", m[1], adm.csrf} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds a secret %q", secret)
		}
	}
	if !strings.Contains(logs, "/newsroom/login") {
		t.Error("the log is not recording requests at all")
	}
}

func TestTopStoriesAndStoryPages(t *testing.T) {
	n := newNewsroom(t)
	ed := n.as("editor@example.org")
	var ids []int64
	for _, h := range []string{"First top", "Second top", "Third top"} {
		id := ed.create(storyForm(h))
		ed.act(id, storyForm(h), "publish")
		ids = append(ids, id)
	}
	r := ed.post("/newsroom/stories", url.Values{"title": {"Conflict in Syria"}, "intro": {"The war, its diplomacy and its refugees."}})
	m := regexp.MustCompile(`/newsroom/stories/(\d+)`).FindStringSubmatch(r.Location)
	if m == nil {
		t.Fatalf("create story page: %d %s", r.Code, excerpt(r.Body))
	}
	sp := "/newsroom/stories/" + m[1]
	if r := ed.post(sp, url.Values{"title": {"Conflict in Syria"}, "slug": {"conflict-in-syria"}, "intro": {"The war."}, "attach": {fmt.Sprint(ids[0], ", ", ids[1])}}); r.Code != http.StatusSeeOther {
		t.Fatalf("attach: %d %s", r.Code, excerpt(r.Body))
	}
	// The timeline, not the third column's news feed.
	if w := n.get("/stories/conflict-in-syria"); w.Code != 200 || !strings.Contains(w.Body.String(), "First top") || strings.Contains(strings.Split(w.Body.String(), "<aside>")[0], "Third top") {
		t.Errorf("story page: %d", w.Code)
	}
	if !strings.Contains(n.get(fmt.Sprintf("/politics/%d", ids[0])).Body.String(), `href="/stories/conflict-in-syria"`) {
		t.Error("the article does not link its story page")
	}
	// Order without JavaScript: add, reorder by numbers, move, remove.
	add := func(v url.Values) {
		t.Helper()
		if r := ed.post("/newsroom/top", v); r.Code != http.StatusSeeOther {
			t.Fatalf("top: %d %s", r.Code, excerpt(r.Body))
		}
	}
	add(url.Values{"add_article": {fmt.Sprint(ids[2])}})
	add(url.Values{"item": {fmt.Sprint("a", ids[2])}, "pos-" + fmt.Sprint("a", ids[2]): {"1"}, "add_story": {m[1]}, "add_pos": {"2"}})
	add(url.Values{"item": {fmt.Sprint("a", ids[2]), "s" + m[1]}, "pos-" + fmt.Sprint("a", ids[2]): {"1"}, "pos-s" + m[1]: {"2"}, "move": {"up-s" + m[1]}})
	top, _ := n.store.TopStories(context.Background())
	if len(top) != 2 || top[0].Story == nil || top[1].Article == nil || top[1].Article.ID != ids[2] {
		t.Fatalf("top after moving up: %+v", top)
	}
	home := n.get("/").Body.String()
	if !strings.Contains(home, `href="/stories/conflict-in-syria"`) || strings.Index(home, "Conflict in Syria") > strings.Index(home, "Third top") {
		t.Error("the home page does not lead with the story page")
	}
	add(url.Values{"item": {"s" + m[1], fmt.Sprint("a", ids[2])}, "remove-s" + m[1]: {"1"}})
	if top, _ := n.store.TopStories(context.Background()); len(top) != 1 {
		t.Errorf("after removal: %d items", len(top))
	}
	for _, bad := range []url.Values{{"item": {"x1"}}, {"add_article": {"abc"}}, {"add_article": {"999999"}}} {
		if r := ed.post("/newsroom/top", bad); r.Code < 400 || r.Code >= 500 {
			t.Errorf("bad top form %v: %d", bad, r.Code)
		}
	}
}

// FuzzNewsroomForm sends arbitrary forms to the editor: never a 500, and
// never a story without a section.
func FuzzNewsroomForm(f *testing.F) {
	f.Add("headline", "lead", "<p>body</p>", "politics", "en", "5", "", "", "save")
	f.Add("", "", "", "", "", "", "", "", "")
	f.Add("h\x00", "l", "<script>x</script>", "politics", "ru", "1", "abc", "2026-99-99T99:99", "publish")
	n := newNewsroom(f)
	ed := n.as("editor@example.org")
	f.Fuzz(func(t *testing.T, headline, lead, body, section, lang, urgency, photo, at, action string) {
		v := url.Values{"version": {"0"}, "headline": {headline}, "lead": {lead}, "body": {body}, "section": {section},
			"lang": {lang}, "urgency": {urgency}, "photo_id": {photo}, "publish_at": {at}, "action": {action}}
		ed.t = t
		r := ed.post("/newsroom/articles", v)
		if r.Code >= 500 {
			t.Fatalf("%d for %v", r.Code, v)
		}
	})
}

// The API sends the newsroom's states as ninjs: version and pubstatus.
func TestItemAPICarriesTheLifecycle(t *testing.T) {
	n := newNewsroom(t)
	ed := n.as("editor@example.org")
	id := ed.create(storyForm("Lifecycle story"))
	path := fmt.Sprintf("/api/v1/items/%d", id)
	if w := n.get(path, "Authorization", "Bearer "+n.read); w.Code != http.StatusNotFound {
		t.Errorf("a draft is sent: %d", w.Code)
	}
	if w := n.get(path); w.Code != http.StatusUnauthorized {
		t.Errorf("without a token: %d", w.Code)
	}
	ed.act(id, storyForm("Lifecycle story"), "publish")
	ed.act(id, storyForm("Lifecycle story", "advisory", "Adds detail", "correction", "Fixes a date."), "save")
	w := n.get(path, "Authorization", "Bearer "+n.read)
	it, err := ninjs.Parse(w.Body.Bytes())
	if w.Code != 200 || err != nil {
		t.Fatalf("item: %d %v", w.Code, err)
	}
	if it.PubStatus != "usable" || string(it.Version) != ed.version(id) || !strings.Contains(it.EdNote, "CORRECTED") {
		t.Errorf("published item: %q %q %q", it.PubStatus, it.Version, it.EdNote)
	}
	ed.post(fmt.Sprintf("/newsroom/articles/%d/withdraw", id), url.Values{"version": {ed.version(id)}, "withdraw_note": {"Wrong city."}, "confirm": {"1"}})
	it, err = ninjs.Parse(n.get(path, "Authorization", "Bearer "+n.read).Body.Bytes())
	if err != nil || it.PubStatus != "canceled" || len(it.Bodies) != 0 || !strings.Contains(it.EdNote, "Wrong city.") {
		t.Errorf("withdrawn item: %v %+v", err, it)
	}
	for _, bad := range []string{"/api/v1/items/abc", "/api/v1/items/0", "/api/v1/items/99999999"} {
		if w := n.get(bad, "Authorization", "Bearer "+n.read); w.Code != http.StatusNotFound {
			t.Errorf("%s: %d", bad, w.Code)
		}
	}
}

// Findings of review, each a way an edit could have been lost or a rule
// gone round.
func TestNewsroomEdgeCases(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	ed := n.as("editor@example.org")
	ed2 := n.as("editor2@example.org")

	// Restoring an autosave made from an older version is a conflict, not
	// an overwrite of the save that came between.
	id := ed.create(storyForm("Autosave base"))
	v := storyForm("Autosave base, mine")
	v.Set("version", ed.version(id))
	v.Set("csrf", "")
	ed.req("POST", fmt.Sprintf("/newsroom/articles/%d/autosave", id), strings.NewReader(v.Encode()), "application/x-www-form-urlencoded", "X-CSRF-Token", ed.csrf)
	ed2.act(id, storyForm("Autosave base, theirs"), "save")
	page := ed.get(fmt.Sprintf("/newsroom/articles/%d?restore=autosave", id))
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.Body)
	v = storyForm("Autosave base, mine")
	v.Set("version", m[1])
	if r := ed.post(fmt.Sprintf("/newsroom/articles/%d", id), v); r.Code != http.StatusConflict {
		t.Errorf("saving a restored old autosave: %d", r.Code)
	}
	if a, _ := n.store.Article(ctx, id); a.Headline != "Autosave base, theirs" {
		t.Errorf("the later save was overwritten: %q", a.Headline)
	}

	// Restoring a revision of a scheduled story keeps it scheduled, and a
	// plain save of a scheduled story never releases it.
	at := n.clock.Now().Add(5 * time.Hour).In(moscow).Format("2006-01-02T15:04")
	sid := ed.create(storyForm("Embargoed story"))
	ed.act(sid, storyForm("Embargoed story", "publish_at", at, "embargoed", "1"), "publish")
	revs, _ := n.store.Revisions(ctx, sid)
	rs := ed.post(fmt.Sprintf("/newsroom/articles/%d/restore", sid), url.Values{"revision": {strconv.FormatInt(revs[len(revs)-1].ID, 10)}})
	if !strings.Contains(rs.Body, `name="publish_at" type="datetime-local" value="`+at+`"`) {
		t.Errorf("the restore form lost the embargo time")
	}
	ed.act(sid, storyForm("Embargoed story, restored"), "save")
	if a, _ := n.store.Article(ctx, sid); a.Status != dateline.StatusScheduled {
		t.Errorf("a plain save released a scheduled story: %s", a.Status)
	}

	// A reporter cannot preview someone else's story, nor rewrite a
	// library photo's caption.
	rep := n.as("reporter@example.org")
	if r := rep.post("/newsroom/preview", storyForm("x", "id", strconv.FormatInt(sid, 10))); r.Code != http.StatusForbidden {
		t.Errorf("a reporter previews another's story: %d", r.Code)
	}
	p := &dateline.Photo{URI: "urn:test:photo:cap", Path: "x/cap.jpg", Width: 10, Height: 10, Caption: "The minister", Credit: "Photo: Agency"}
	n.store.SavePhoto(ctx, p, time.Now())
	if r := rep.post(fmt.Sprintf("/newsroom/photos/%d", p.ID), url.Values{"caption": {"HOAX"}, "credit": {""}}); r.Code != http.StatusForbidden {
		t.Errorf("a reporter edits a photo: %d", r.Code)
	}
	rep.create(storyForm("Reporter uses the photo", "photo_id", strconv.FormatInt(p.ID, 10), "caption", "HOAX", "credit", ""))
	if got, _ := n.store.Photo(ctx, p.ID); got.Caption != "The minister" || got.Credit != "Photo: Agency" {
		t.Errorf("a reporter's draft changed the photo: %q %q", got.Caption, got.Credit)
	}

	// A huge comparison is cut short, not computed for seconds.
	line := strings.Repeat("word ", 2000)
	big := func(tag string) *dateline.Draft {
		var b strings.Builder
		for i := 0; i < 100; i++ {
			fmt.Fprintf(&b, "<p>%s%s %d</p><p>shared</p>", line, tag, i)
		}
		return &dateline.Draft{Body: b.String()}
	}
	start := time.Now()
	dhttp.DiffDrafts(big("a"), big("b"))
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a large comparison took %v", d)
	}
}

func TestTrustedProxy(t *testing.T) {
	e := newEnv(t, false)
	a := e.publish("urn:test:proxy", "Behind a proxy", "politics", "")
	send := func(remote, xff string) {
		req := httptest.NewRequest("POST", "/api/v1/views", strings.NewReader(fmt.Sprintf("id=%d", a)))
		req.RemoteAddr, req.Header["User-Agent"] = remote+":5000", []string{firefoxUA}
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		e.srv.ServeHTTP(httptest.NewRecorder(), req)
	}
	// Without trusted proxies, every reader behind the proxy is one address.
	send("10.0.0.1", "198.51.100.1")
	send("10.0.0.1", "198.51.100.2")
	if got := e.viewsOf(a); got[0] != 1 {
		t.Errorf("untrusted proxy: %v", got)
	}
	e2 := newEnv(t, false)
	e2.srv = e2.withTrusted(t, "10.0.0.0/8")
	b := e2.publish("urn:test:proxy2", "Behind a trusted proxy", "politics", "")
	for _, xff := range []string{"198.51.100.1", "198.51.100.2", "203.0.113.9, 198.51.100.2", "198.51.100.1, 10.0.0.7"} {
		req := httptest.NewRequest("POST", "/api/v1/views", strings.NewReader(fmt.Sprintf("id=%d", b)))
		req.RemoteAddr, req.Header["User-Agent"] = "10.0.0.1:5000", []string{firefoxUA}
		req.Header.Set("X-Forwarded-For", xff)
		e2.srv.ServeHTTP(httptest.NewRecorder(), req)
	}
	// 198.51.100.1 twice (the second through two proxies) and .2 twice.
	if got := e2.viewsOf(b); got[0] != 2 {
		t.Errorf("trusted proxy: %v", got)
	}
}
