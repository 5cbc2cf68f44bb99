package http_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/auth"
	"dateline/http/portal"
	"dateline/i18n"
)

// wireUser is a browser signed in to the portal: its cookies and the
// session's CSRF token.
type wireUser struct {
	e       *env
	cookies map[string]string
	csrf    string
}

func (u *wireUser) request(method, path string, form url.Values, headers ...string) *httptest.ResponseRecorder {
	u.e.helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for name, v := range u.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: v})
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	u.e.srv.ServeHTTP(w, req)
	for _, c := range w.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(u.cookies, c.Name)
		} else {
			u.cookies[c.Name] = c.Value
		}
	}
	return w
}

func (u *wireUser) get(path string, headers ...string) *httptest.ResponseRecorder {
	return u.request(http.MethodGet, path, nil, headers...)
}

// post sends a form with the session's CSRF token.
func (u *wireUser) post(path string, form url.Values) *httptest.ResponseRecorder {
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", u.csrf)
	return u.request(http.MethodPost, path, form)
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// wireSignin signs in with the form as a browser does; it returns the
// browser and the answer to the sign-in.
func wireSignin(e *env, email, password string) (*wireUser, *httptest.ResponseRecorder) {
	e.helper()
	u := &wireUser{e: e, cookies: map[string]string{}}
	form := u.get("/wire/signin")
	m := csrfInput.FindStringSubmatch(form.Body.String())
	if form.Code != 200 || m == nil {
		e.t.Fatalf("sign-in form: %d %s", form.Code, form.Body)
	}
	res := u.request(http.MethodPost, "/wire/signin", url.Values{"csrf": {m[1]}, "email": {email}, "password": {password}, "next": {"/wire/"}})
	if res.Code == http.StatusSeeOther {
		page := u.get("/wire/")
		if m := csrfInput.FindStringSubmatch(page.Body.String()); m != nil {
			u.csrf = m[1]
		}
	}
	return u, res
}

// mustSignin signs in or fails the test.
func mustSignin(e *env, email, password string) *wireUser {
	e.helper()
	u, res := wireSignin(e, email, password)
	if res.Code != http.StatusSeeOther || u.csrf == "" {
		e.t.Fatalf("sign in as %s: %d %s", email, res.Code, res.Body)
	}
	return u
}

// clientUser adds a person with a password to the client.
func clientUser(e *env, clientID int64, email, password string, role dateline.ClientRole) *dateline.ClientUser {
	e.helper()
	u := &dateline.ClientUser{ClientID: clientID, Email: email, Name: "Person " + email, Role: role}
	if password != "" {
		u.PasswordHash = auth.Hash(password)
	}
	if err := e.store.CreateClientUser(context.Background(), u, e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// wireIDs are the item ids of a list page, in order.
var wireItemID = regexp.MustCompile(`class="wire-item[^"]*" data-id="(\d+)"`)

func wireIDs(body string) []int64 {
	var ids []int64
	for _, m := range wireItemID.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
	}
	return ids
}

var olderLink = regexp.MustCompile(`href="(/wire/\?[^"]+)">[^<]*</a></p>`)

// wireAll follows a list's "Older items" to its end.
func (u *wireUser) wireAll(t *testing.T, path string) []int64 {
	t.Helper()
	var all []int64
	for pages := 0; path != ""; pages++ {
		res := u.get(path)
		if res.Code != 200 || pages > 100 {
			t.Fatalf("%s: %d after %d pages: %s", path, res.Code, pages, res.Body)
		}
		all = append(all, wireIDs(res.Body.String())...)
		path = ""
		if m := olderLink.FindStringSubmatch(res.Body.String()); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	return all
}

// TestPortalSignIn: sign-in, wrong passwords and the lock, the forms'
// CSRF, session expiry and sign-out, a disabled user and an ended
// contract, invitations once, and a client admin's invitations within the
// seat limit.
func TestPortalSignIn(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	c := &dateline.Client{Name: "Bank of Tests", SeatLimit: 3}
	if err := e.store.CreateClient(ctx, c, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	const pw = "correct horse battery"
	admin := clientUser(e, c.ID, "boss@bank.example", pw, dateline.ClientAdmin)

	// Without a session: pages go to the form, the stream and writes are 401.
	anon := &wireUser{e: e, cookies: map[string]string{}}
	if res := anon.get("/wire/"); res.Code != http.StatusSeeOther || !strings.HasPrefix(res.Header().Get("Location"), "/wire/signin?next=") {
		t.Errorf("/wire/ without a session: %d %s", res.Code, res.Header().Get("Location"))
	}
	for _, p := range []string{"/wire/stream", "/wire/items/1/download/ninjs"} {
		if res := anon.get(p); res.Code != http.StatusUnauthorized {
			t.Errorf("%s without a session: %d", p, res.Code)
		}
	}
	if res := anon.request(http.MethodPost, "/wire/follows", url.Values{"kind": {"topic"}, "value": {"x"}}); res.Code != http.StatusUnauthorized {
		t.Errorf("a write without a session: %d", res.Code)
	}
	// The sign-in form's own token.
	if res := anon.request(http.MethodPost, "/wire/signin", url.Values{"email": {admin.Email}, "password": {pw}}); res.Code != http.StatusForbidden {
		t.Errorf("sign-in without the form's token: %d", res.Code)
	}

	u := mustSignin(e, "BOSS@bank.example", pw)
	page := u.get("/wire/")
	if page.Code != 200 || !strings.Contains(page.Body.String(), "Bank of Tests") || !strings.Contains(page.Body.String(), admin.Name) {
		t.Fatalf("the wire after sign-in: %d %s", page.Code, page.Body)
	}
	if !strings.Contains(page.Header().Get("Cache-Control"), "no-store") || page.Header().Get("X-Frame-Options") != "DENY" {
		t.Errorf("headers: %v", page.Header())
	}
	// The staff's newsroom does not take a client's cookie.
	if res := u.get("/newsroom/"); res.Code != http.StatusSeeOther || !strings.HasPrefix(res.Header().Get("Location"), "/newsroom/login") {
		t.Errorf("a client's session in the newsroom: %d %s", res.Code, res.Header().Get("Location"))
	}
	// CSRF: a write without the token, with a wrong one, from another site.
	if res := u.request(http.MethodPost, "/wire/follows", url.Values{"kind": {"topic"}, "value": {"oil"}}); res.Code != http.StatusForbidden {
		t.Errorf("a write without the CSRF token: %d", res.Code)
	}
	if res := u.request(http.MethodPost, "/wire/follows", url.Values{"csrf": {"forged"}, "kind": {"topic"}, "value": {"oil"}}); res.Code != http.StatusForbidden {
		t.Errorf("a write with a forged token: %d", res.Code)
	}
	if res := u.request(http.MethodPost, "/wire/follows", url.Values{"csrf": {u.csrf}, "kind": {"topic"}, "value": {"oil"}}, "Origin", "https://evil.example"); res.Code != http.StatusForbidden {
		t.Errorf("a write from another site: %d", res.Code)
	}
	if res := u.post("/wire/follows", url.Values{"kind": {"topic"}, "value": {"oil"}}); res.Code != http.StatusSeeOther {
		t.Errorf("a write with the token: %d %s", res.Code, res.Body)
	}

	// Russian, when chosen.
	if res := u.get("/wire/lang/ru?next=/wire/follows"); res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/wire/follows" {
		t.Errorf("language: %d %s", res.Code, res.Header().Get("Location"))
	}
	if res := u.get("/wire/follows"); !strings.Contains(res.Body.String(), `<html lang="ru">`) || !strings.Contains(res.Body.String(), i18n.T(i18n.RU, "Stop following")) {
		t.Errorf("the Russian page: %s", res.Body)
	}
	u.get("/wire/lang/en?next=//evil.example")
	if res := u.get("/wire/lang/xx"); res.Code != http.StatusNotFound {
		t.Errorf("an unknown language: %d", res.Code)
	}

	// Wrong passwords: five lock the account for 15 minutes, even for the
	// right password; then it opens again.
	for i := range 5 {
		if _, res := wireSignin(e, admin.Email, "wrong password "+strconv.Itoa(i)); res.Code != http.StatusUnauthorized || !strings.Contains(res.Body.String(), "wrong") {
			t.Fatalf("wrong password %d: %d", i, res.Code)
		}
	}
	if _, res := wireSignin(e, admin.Email, pw); res.Code != http.StatusTooManyRequests || !strings.Contains(res.Body.String(), "locked until") {
		t.Errorf("the right password on a locked account: %d %s", res.Code, res.Body)
	}
	if _, res := wireSignin(e, "nobody@bank.example", pw); res.Code != http.StatusUnauthorized {
		t.Errorf("an unknown email: %d", res.Code)
	}
	e.clock.Add(16 * time.Minute)
	u2 := mustSignin(e, admin.Email, pw)

	// Sign-out ends that session only.
	if res := u2.post("/wire/signout", nil); res.Code != http.StatusSeeOther {
		t.Errorf("sign-out: %d", res.Code)
	}
	if res := u2.get("/wire/"); res.Code != http.StatusSeeOther {
		t.Errorf("after sign-out: %d", res.Code)
	}
	if res := u.get("/wire/"); res.Code != 200 {
		t.Errorf("the other session after a sign-out: %d", res.Code)
	}
	// Sessions end after seven days.
	e.clock.Add(7*24*time.Hour + time.Second)
	if res := u.get("/wire/"); res.Code != http.StatusSeeOther {
		t.Errorf("a session after seven days: %d", res.Code)
	}
	u = mustSignin(e, admin.Email, pw)

	// A client admin invites colleagues within the seat limit (3).
	var links []string
	for i := range 2 {
		res := u.post("/wire/people", url.Values{"email": {fmt.Sprintf("new%d@bank.example", i)}, "name": {fmt.Sprintf("New %d", i)}})
		m := regexp.MustCompile(`value="(https://news\.example/wire/invitation/[^"]+)"`).FindStringSubmatch(res.Body.String())
		if res.Code != http.StatusCreated || m == nil {
			t.Fatalf("invite %d: %d %s", i, res.Code, res.Body)
		}
		links = append(links, strings.TrimPrefix(m[1], "https://news.example"))
	}
	if res := u.post("/wire/people", url.Values{"email": {"fourth@bank.example"}, "name": {"Fourth"}}); res.Code != http.StatusForbidden || !strings.Contains(res.Body.String(), "Every seat of your company is taken (3 of 3)") {
		t.Errorf("an invitation over the seat limit: %d %s", res.Code, res.Body)
	}
	if res := u.post("/wire/people", url.Values{"email": {"not an email"}, "name": {"X"}}); res.Code != http.StatusBadRequest {
		t.Errorf("an invitation to a bad address: %d", res.Code)
	}
	// The invitation sets a password once and signs in.
	guest := &wireUser{e: e, cookies: map[string]string{}}
	form := guest.get(links[0])
	tok := csrfInput.FindStringSubmatch(form.Body.String())
	if form.Code != 200 || tok == nil || form.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("the invitation's form: %d %v", form.Code, form.Header())
	}
	for _, tc := range []struct {
		pw, repeat string
		code       int
	}{{"short", "short", 400}, {"long enough words", "other words here", 400}} {
		res := guest.request(http.MethodPost, links[0], url.Values{"csrf": {tok[1]}, "password": {tc.pw}, "repeat": {tc.repeat}})
		if res.Code != tc.code {
			t.Errorf("invitation with %q/%q: %d", tc.pw, tc.repeat, res.Code)
		}
		tok = csrfInput.FindStringSubmatch(res.Body.String()) // the form again, with a new token
	}
	if res := guest.request(http.MethodPost, links[0], url.Values{"csrf": {tok[1]}, "password": {"a new long password"}, "repeat": {"a new long password"}}); res.Code != http.StatusSeeOther {
		t.Fatalf("accepting the invitation: %d %s", res.Code, res.Body)
	}
	if res := guest.get("/wire/"); res.Code != 200 || !strings.Contains(res.Body.String(), "New 0") {
		t.Errorf("signed in by the invitation: %d", res.Code)
	}
	if res := guest.get(links[0]); res.Code != http.StatusNotFound {
		t.Errorf("an invitation used twice: %d", res.Code)
	}
	mustSignin(e, "new0@bank.example", "a new long password")
	// A member may not invite.
	member := mustSignin(e, "new0@bank.example", "a new long password")
	if res := member.post("/wire/people", url.Values{"email": {"x@bank.example"}, "name": {"X"}}); res.Code != http.StatusForbidden {
		t.Errorf("a member invites: %d", res.Code)
	}
	// An invitation expires after a week.
	e.clock.Add(dateline.InvitationLife)
	if res := guest.get(links[1]); res.Code != http.StatusGone {
		t.Errorf("an expired invitation: %d", res.Code)
	}
	// The agency's invitation (the CLI's and the newsroom's).
	letter, err := portal.Invite(ctx, e.store, "https://news.example", "Dateline", admin, i18n.EN, e.clock.Now())
	if err != nil || !strings.Contains(letter.Text, letter.Link) || !strings.Contains(letter.Text, "Bank of Tests") || letter.To != admin.Email {
		t.Errorf("Invite: %+v, %v", letter, err)
	}

	// A disabled user, a disabled client.
	admin.Disabled = true
	if err := e.store.UpdateClientUser(ctx, admin); err != nil {
		t.Fatal(err)
	}
	if _, res := wireSignin(e, admin.Email, pw); res.Code != http.StatusForbidden {
		t.Errorf("a disabled user signs in: %d", res.Code)
	}
	member = mustSignin(e, "new0@bank.example", "a new long password")
	c.Disabled = true
	if err := e.store.UpdateClient(ctx, c); err != nil {
		t.Fatal(err)
	}
	if res := member.get("/wire/"); res.Code != http.StatusForbidden {
		t.Errorf("a disabled client's session: %d", res.Code)
	}
	if _, res := wireSignin(e, "new0@bank.example", "a new long password"); res.Code != http.StatusForbidden {
		t.Errorf("a disabled client's user signs in: %d", res.Code)
	}
}

// TestPortalEntitlementRandom plays the random wire of
// TestClientEntitlementRandom to random clients and reads everything the
// portal gives each client's user: every page of the list, the list
// filtered by a random product, section, edition and kind, the embargoed
// copy, a search, every item, downloads in every format, a zip of what
// it may have and one with an item it may not, the galleries and
// infographics (the first page's, each one's page and downloads),
// bookmarks and the stream.
// None may carry a story outside the client's products; the lists miss
// none inside. Set DATELINE_TEST_SEED to replay a run.
func TestPortalEntitlementRandom(t *testing.T) {
	seed := testSeed(t)
	w := playWire(t, seed)
	e, r, stories := w.e, w.rng, w.stories
	ctx := context.Background()
	for ci, wc := range w.clients {
		ent := &wc.ent
		c := wc.c
		c.SeatLimit = 1
		if err := e.store.UpdateClient(ctx, c); err != nil {
			t.Fatal(err)
		}
		email := fmt.Sprintf("reader%d@client.example", ci)
		clientUser(e, c.ID, email, "a long test password", dateline.ClientMember)
		t.Run(fmt.Sprintf("client%d", ci), func(t *testing.T) {
			u, res := wireSignin(e, email, "a long test password")
			if c.Disabled {
				if res.Code != http.StatusForbidden {
					t.Errorf("a disabled client's user signs in: %d", res.Code)
				}
				return
			}
			if res.Code != http.StatusSeeOther {
				t.Fatalf("sign in: %d %s", res.Code, res.Body)
			}
			// Every page of the list.
			if got, want := u.wireAll(t, "/wire/"), w.covered(ent.Covers); !slices.Equal(got, want) {
				t.Errorf("the wire: got %v, want %v", got, want)
			}
			// A random filter, as the narrowed products should take it.
			q := url.Values{}
			var product *dateline.Product
			if len(ent.Products) > 0 && r.IntN(2) == 0 {
				product = &ent.Products[r.IntN(len(ent.Products))]
				q.Set("product", strconv.FormatInt(product.ID, 10))
			}
			section, lang, kind := "", "", ""
			if r.IntN(2) == 0 {
				section = rndSections[r.IntN(len(rndSections))]
				q.Set("section", section)
			}
			if r.IntN(2) == 0 {
				lang = []string{"en", "ru"}[r.IntN(2)]
				q.Set("lang", lang)
			}
			if r.IntN(2) == 0 {
				kind = []string{dateline.KindText, dateline.KindPhoto}[r.IntN(2)]
				q.Set("kind", kind)
			}
			want := w.covered(func(a *dateline.Article) bool {
				if section != "" && a.Section != section || lang != "" && a.Lang != lang || kind == dateline.KindPhoto && a.Photo == nil {
					return false
				}
				if product != nil {
					return product.Covers(a)
				}
				return ent.Covers(a)
			})
			if got := u.wireAll(t, "/wire/?"+q.Encode()); !slices.Equal(got, want) {
				t.Errorf("the wire filtered by %s: got %v, want %v", q.Encode(), got, want)
			}
			// Galleries and infographics above the first page, unfiltered
			// and filtered, and every one's page and downloads.
			collectionDownloads := checkPortalCollections(t, w, u, ent, "/wire/", nil, "", "", "")
			checkPortalCollections(t, w, u, ent, "/wire/?"+q.Encode(), product, section, lang, kind)
			// The kills named above the list: covered, killed after publication.
			for _, m := range regexp.MustCompile(`data-killed="(\d+)"`).FindAllStringSubmatch(u.get("/wire/").Body.String(), -1) {
				id, _ := strconv.ParseInt(m[1], 10, 64)
				if a := storyByID(stories, id); a == nil || a.Status != dateline.StatusWithdrawn || !a.WasPublic() || !ent.Covers(a) {
					t.Errorf("the wire names kill %d outside the products", id)
				}
			}
			// The embargoed copy: only through products that carry it.
			var wantEmb []int64
			for _, a := range stories {
				if a.Status == dateline.StatusScheduled && a.Embargoed && ent.CoversEmbargoed(a) {
					wantEmb = append(wantEmb, a.ID)
				}
			}
			res = u.get("/wire/?embargoed=1")
			gotEmb := wireIDs(res.Body.String())
			slices.Sort(gotEmb)
			if res.Code != 200 || !slices.Equal(gotEmb, wantEmb) {
				t.Errorf("embargoed: %d %v, want %v", res.Code, gotEmb, wantEmb)
			}
			if len(wantEmb) > 0 && !strings.Contains(res.Body.String(), "Release") {
				t.Errorf("embargoed items without their release time")
			}
			// A search for a word every story has finds what the list has.
			gotSearch := u.wireAll(t, "/wire/?q=headline")
			slices.Sort(gotSearch)
			wantSearch := w.covered(ent.Covers)
			slices.Sort(wantSearch)
			if !slices.Equal(gotSearch, wantSearch) {
				t.Errorf("search: got %v, want %v", gotSearch, wantSearch)
			}
			// Every item, and its downloads.
			var mine, others []int64
			for _, a := range stories {
				res := u.get(fmt.Sprintf("/wire/items/%d", a.ID))
				shows := ent.Shows(a)
				if shows && res.Code != 200 || !shows && res.Code != 404 {
					t.Errorf("item %d (%s, covered %v): %d", a.ID, a.Status, ent.Covers(a), res.Code)
				}
				if !shows && strings.Contains(res.Body.String(), a.Headline) {
					t.Errorf("item %d: the 404 names its headline", a.ID)
				}
				if shows {
					mine = append(mine, a.ID)
				} else {
					others = append(others, a.ID)
				}
				// The chain on the page names only what the client may open.
				if shows {
					for _, other := range stories {
						if !ent.Shows(other) && strings.Contains(res.Body.String(), fmt.Sprintf(`href="/wire/items/%d"`, other.ID)) {
							t.Errorf("item %d links to item %d outside the products", a.ID, other.ID)
						}
					}
				}
				format := []string{"ninjs", "newsml", "text"}[r.IntN(3)]
				dl := u.get(fmt.Sprintf("/wire/items/%d/download/%s", a.ID, format))
				if shows && dl.Code != 200 || !shows && dl.Code != 404 {
					t.Errorf("download %s of item %d: %d", format, a.ID, dl.Code)
				}
				if shows && !strings.Contains(dl.Body.String(), a.URI) {
					t.Errorf("download %s of item %d does not name it", format, a.ID)
				}
			}
			// A zip of everything it may have (a hundred at most).
			if len(mine) > 0 {
				sel := mine[:min(len(mine), 100)]
				form := url.Values{"format": {"newsml"}}
				for _, id := range sel {
					form.Add("id", strconv.FormatInt(id, 10))
				}
				res := u.post("/wire/download", form)
				zr, err := zip.NewReader(bytes.NewReader(res.Body.Bytes()), int64(res.Body.Len()))
				if res.Code != 200 || err != nil || len(zr.File) != len(sel) {
					t.Fatalf("zip of %d items: %d %v", len(sel), res.Code, err)
				}
				for i, f := range zr.File {
					if f.Name != fmt.Sprintf("dateline-%d.xml", sel[i]) {
						t.Errorf("zip file %d: %s", i, f.Name)
					}
				}
			}
			// One item outside the products refuses the whole zip.
			if len(others) > 0 {
				form := url.Values{"format": {"text"}, "id": {strconv.FormatInt(others[r.IntN(len(others))], 10)}}
				if len(mine) > 0 {
					form.Add("id", strconv.FormatInt(mine[0], 10))
				}
				if res := u.post("/wire/download", form); res.Code != 404 || res.Header().Get("Content-Type") == "application/zip" {
					t.Errorf("a zip with an item outside the products: %d %s", res.Code, res.Header().Get("Content-Type"))
				}
				// Nor may it be bookmarked.
				if res := u.post(fmt.Sprintf("/wire/items/%d/bookmark", others[0]), url.Values{"op": {"add"}}); res.Code != 404 {
					t.Errorf("a bookmark of an item outside the products: %d", res.Code)
				}
			}
			// The stream names only stories the products cover.
			if len(ent.Products) > 0 {
				body := streamBody(t, e, "/wire/stream", "Cookie", "dateline_wire="+u.cookies["dateline_wire"])
				colls := collectionEventsFor(w.events, ent)
				for _, line := range strings.Split(body, "\n") {
					if data, ok := strings.CutPrefix(line, "data: "); ok {
						var ev struct {
							ID         int64
							Collection string
						}
						if err := json.Unmarshal([]byte(data), &ev); err != nil || ev.ID <= 0 {
							continue
						}
						if ev.Collection != "" {
							// A gallery's or an infographic's id is no story's.
							if key := ev.Collection + "-" + strconv.FormatInt(ev.ID, 10); !colls[key] {
								t.Errorf("the portal's stream announced %s outside the products", key)
							}
						} else if a := storyByID(stories, ev.ID); a == nil || !ent.Shows(a) {
							t.Errorf("the portal's stream announced story %d outside the products", ev.ID)
						}
					}
				}
				if !strings.Contains(body, "dateline live") {
					t.Errorf("the portal's stream: %q", body)
				}
			}
			// Downloads and deliveries were counted for the client.
			if err := e.srv.FlushUsage(ctx); err != nil {
				t.Fatal(err)
			}
			us, err := e.store.UsageOf(ctx, c.ID, "2000-01-01", "2100-01-01")
			if err != nil {
				t.Fatal(err)
			}
			var downloads int64
			for _, x := range us {
				if x.Kind == dateline.UsageDownloaded {
					downloads += x.Count
					if x.ProductID != 0 && ent.Product(x.ProductID) == nil {
						t.Errorf("a download counted for product %d outside the contract", x.ProductID)
					}
				}
			}
			if want := int64(len(mine) + min(len(mine), 100) + collectionDownloads); downloads != want {
				t.Errorf("downloads counted: %d, want %d", downloads, want)
			}
		})
	}
}

// portalWorld is a client with a product of sport, a signed-in user, and
// stories in sport and politics.
func portalWorld(t testing.TB) (e *env, u *wireUser, sport, politics []int64) {
	e = newEnv(t, false)
	ctx := context.Background()
	c := &dateline.Client{Name: "Sport Daily", SeatLimit: 2}
	if err := e.store.CreateClient(ctx, c, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	p := &dateline.Product{Name: "Sport", Sections: []string{"sport"}}
	if err := e.store.CreateProduct(ctx, p, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := e.store.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: p.ID}); err != nil {
		t.Fatal(err)
	}
	clientUser(e, c.ID, "desk@sport.example", "a long test password", dateline.ClientAdmin)
	for i := range 4 {
		sport = append(sport, e.publishTopic(fmt.Sprintf("urn:portal:sport:%d", i), fmt.Sprintf("Football final %d", i), "sport", "Football"))
		politics = append(politics, e.publish(fmt.Sprintf("urn:portal:pol:%d", i), fmt.Sprintf("Budget vote %d", i), "politics", ""))
		e.clock.Add(time.Minute)
	}
	return e, mustSignin(e, "desk@sport.example", "a long test password"), sport, politics
}

// publishTopic publishes a story of the section with a topic.
func (e *env) publishTopic(uri, headline, section, topic string) int64 {
	e.helper()
	i := slices.IndexFunc(dateline.DefaultSections, func(s dateline.Section) bool { return s.Slug == section })
	doc := fmt.Sprintf(`{"uri": %q, "type": "text", "versioncreated": %q, "language": "en", "headlines": [{"value": %q}],
		"bodies": [{"role": "html", "contenttype": "text/html", "value": "<p>First paragraph.</p><p>Second paragraph.</p>"}],
		"subjects": [{"name": "x", "literal": %q}, {"name": %q}]}`, uri, e.clock.Now().Format(time.RFC3339), headline, dateline.DefaultSections[i].Codes[0], topic)
	w := e.ingest(doc)
	var r struct{ ID int64 }
	if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil || w.Code >= 300 {
		e.t.Fatalf("ingest %s: %d %s", uri, w.Code, w.Body)
	}
	return r.ID
}

// TestPortalItemsMarksFollows: the marks of a version chain (updated,
// corrected, killed with its advisory), bookmarks, follows and the alerts
// they make, the photo's original, and usage.
func TestPortalItemsMarksFollows(t *testing.T) {
	e, u, sport, politics := portalWorld(t)
	ctx := context.Background()
	// An update with a correction, then a kill of another.
	a, _ := e.store.Article(ctx, sport[0])
	a.Headline, a.Advisory, a.UpdatedAt = "Football final 0: extra time", "Adds the score.", e.clock.Now()
	a.Corrections = []dateline.Correction{{At: e.clock.Now(), Text: "The stadium's name was wrong."}}
	if err := e.store.SaveArticle(ctx, a, a.Version, nil, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	k, _ := e.store.Article(ctx, sport[1])
	k.Status, k.WithdrawNote, k.WithdrawnAt = dateline.StatusWithdrawn, "Legal reasons.", e.clock.Now()
	if err := e.store.SaveArticle(ctx, k, k.Version, nil, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.srv.Changed()
	page := u.get(fmt.Sprintf("/wire/items/%d", sport[0])).Body.String()
	for _, want := range []string{"mark-Updated", "mark-Corrected", "Adds the score.", "The stadium&#39;s name was wrong.", "download/newsml", "Sport",
		`name="kind" value="topic"><input type="hidden" name="value" value="football">`} {
		if !strings.Contains(page, want) {
			t.Errorf("the updated item lacks %q", want)
		}
	}
	killed := u.get(fmt.Sprintf("/wire/items/%d", sport[1]))
	if killed.Code != 200 || !strings.Contains(killed.Body.String(), "mark-Killed") || !strings.Contains(killed.Body.String(), "Legal reasons.") ||
		strings.Contains(killed.Body.String(), "download/photo") {
		t.Errorf("the killed item: %d", killed.Code)
	}
	if txt := u.get(fmt.Sprintf("/wire/items/%d/download/text", sport[1])).Body.String(); !strings.HasPrefix(txt, "KILLED: Legal reasons.") || strings.Contains(txt, "paragraph") {
		t.Errorf("the killed item as text: %q", txt)
	}
	list := u.get("/wire/").Body.String()
	if ids := wireIDs(list); slices.Contains(ids, politics[0]) || !slices.Contains(ids, sport[0]) || slices.Contains(ids, sport[1]) {
		t.Errorf("the list: %v", ids)
	}
	// The kill is named above the list for two days, with its reason.
	if !strings.Contains(list, fmt.Sprintf(`data-killed="%d"`, sport[1])) || !strings.Contains(list, "Legal reasons.") {
		t.Errorf("the list does not name the kill")
	}
	if strings.Contains(u.get("/wire/?kind=photo").Body.String(), "data-killed") {
		t.Errorf("photos only names a kill of a story without a photo")
	}
	e.clock.Add(49 * time.Hour)
	if strings.Contains(u.get("/wire/").Body.String(), "data-killed") {
		t.Errorf("a kill of three days ago is still named")
	}
	// Bookmarks: kept, listed, removed; the list marks them.
	if res := u.post(fmt.Sprintf("/wire/items/%d/bookmark", sport[2]), url.Values{"op": {"add"}}); res.Code != http.StatusSeeOther {
		t.Fatalf("bookmark: %d", res.Code)
	}
	if b := u.get("/wire/bookmarks").Body.String(); !strings.Contains(b, "Football final 2") || strings.Contains(b, "Football final 3") {
		t.Errorf("bookmarks: %s", b)
	}
	if !strings.Contains(u.get("/wire/").Body.String(), "mark-Bookmarked") {
		t.Errorf("the list does not mark the bookmark")
	}
	u.post(fmt.Sprintf("/wire/items/%d/bookmark", sport[2]), url.Values{"op": {"remove"}})
	if b := u.get("/wire/bookmarks").Body.String(); strings.Contains(b, "Football final 2") {
		t.Errorf("a removed bookmark is listed")
	}
	if res := u.post(fmt.Sprintf("/wire/items/%d/bookmark", sport[2]), url.Values{"op": {"twist"}}); res.Code != http.StatusBadRequest {
		t.Errorf("a bookmark's bad op: %d", res.Code)
	}
	// Follows and the alerts they make: only for items in the products.
	for _, f := range [][2]string{{"topic", "football"}, {"search", "budget vote"}} {
		if res := u.post("/wire/follows", url.Values{"kind": {f[0]}, "value": {f[1]}}); res.Code != http.StatusSeeOther {
			t.Fatalf("follow %v: %d %s", f, res.Code, res.Body)
		}
	}
	if res := u.post("/wire/follows", url.Values{"kind": {"topic"}, "value": {"Not A Slug!"}}); res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "slug") {
		t.Errorf("a follow of a bad slug: %d", res.Code)
	}
	if res := u.post("/wire/follows", url.Values{"kind": {"topic"}, "value": {"football"}}); res.Code != http.StatusBadRequest {
		t.Errorf("a second follow: %d", res.Code)
	}
	other := &dateline.Client{Name: "Politics Weekly", SeatLimit: 1}
	e.store.CreateClient(ctx, other, e.clock.Now())
	ou := clientUser(e, other.ID, "desk@politics.example", "a long test password", dateline.ClientMember)
	e.store.AddFollow(ctx, &dateline.Follow{UserID: ou.ID, Kind: dateline.FollowTopic, Value: "football"}, e.clock.Now())
	for _, tc := range []struct {
		id   int64
		want int
	}{{sport[3], 1}, {politics[3], 0}} {
		a, _ := e.store.Article(ctx, tc.id)
		alerts, err := portal.Alerts(ctx, e.store, a, e.clock.Now())
		if err != nil || len(alerts) != tc.want {
			t.Errorf("alerts for %q: %+v, %v; want %d", a.Headline, alerts, err, tc.want)
		}
		for _, al := range alerts {
			if al.User.Email != "desk@sport.example" || al.Follows[0].Value != "football" {
				t.Errorf("alert: %+v", al)
			}
		}
	}
	if page := u.get("/wire/follows").Body.String(); !strings.Contains(page, "budget vote") {
		t.Errorf("follows page: %s", page)
	}
	fs, _ := e.store.Follows(ctx, u.userID(t))
	if res := u.post(fmt.Sprintf("/wire/follows/%d/delete", fs[0].ID), nil); res.Code != http.StatusSeeOther {
		t.Errorf("unfollow: %d", res.Code)
	}
	if res := u.post(fmt.Sprintf("/wire/follows/%d/delete", fs[0].ID), nil); res.Code != http.StatusNotFound {
		t.Errorf("unfollow twice: %d", res.Code)
	}
	// A photo's original.
	if err := os.MkdirAll(filepath.Join(e.dir, "media", "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	jpeg := []byte("\xff\xd8\xff\xe0 not really a photo")
	os.WriteFile(filepath.Join(e.dir, "media", "lib", "final.jpg"), jpeg, 0o644)
	ph := &dateline.Photo{Path: "lib/final.jpg", Width: 10, Height: 10, Caption: "The final"}
	if err := e.store.SavePhoto(ctx, ph, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	a3, _ := e.store.Article(ctx, sport[3])
	a3.Photo = ph
	if err := e.store.SaveArticle(ctx, a3, a3.Version, nil, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	res := u.get(fmt.Sprintf("/wire/items/%d/download/photo", sport[3]))
	if res.Code != 200 || !bytes.Equal(res.Body.Bytes(), jpeg) || !strings.Contains(res.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("the photo's original: %d %q", res.Code, res.Header())
	}
	if res := u.get(fmt.Sprintf("/wire/items/%d/download/photo", sport[2])); res.Code != 404 {
		t.Errorf("the photo of an item without one: %d", res.Code)
	}
	zipped := u.post("/wire/download", url.Values{"format": {"ninjs"}, "photos": {"1"}, "id": {strconv.FormatInt(sport[3], 10), strconv.FormatInt(sport[2], 10)}})
	zr, err := zip.NewReader(bytes.NewReader(zipped.Body.Bytes()), int64(zipped.Body.Len()))
	if err != nil || len(zr.File) != 3 || zr.File[1].Name != fmt.Sprintf("dateline-%d-photo.jpg", sport[3]) {
		t.Errorf("a zip with a photo: %v %v", err, zr)
	}
	for _, bad := range []url.Values{{"format": {"ninjs"}}, {"format": {"pdf"}, "id": {"1"}}, {"format": {"text"}, "id": {"x"}}, {"format": {"text"}, "id": make([]string, 101)}} {
		if res := u.post("/wire/download", bad); res.Code != http.StatusBadRequest {
			t.Errorf("zip %v: %d", bad, res.Code)
		}
	}
	if res := u.get(fmt.Sprintf("/wire/items/%d/download/pdf", sport[3])); res.Code != 404 {
		t.Errorf("a download in no format: %d", res.Code)
	}
	// Bad filters are refused in words.
	for _, q := range []string{"product=99", "section=nowhere", "lang=de", "kind=video", "before=zzz", "from=-1", "q=%22%22", "q=a&q=b"} {
		if res := u.get("/wire/?" + q); res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "class=\"error\"") {
			t.Errorf("/wire/?%s: %d", q, res.Code)
		}
	}
}

// userID is the signed-in user's id.
func (u *wireUser) userID(t *testing.T) int64 {
	t.Helper()
	s, err := u.e.store.ClientSession(context.Background(), auth.Sum(u.cookies["dateline_wire"]), u.e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return s.UserID
}

// FuzzPortal sends a signed-in client user's filters, item ids and zip
// selections: never a 5xx, and never a story outside the products.
func FuzzPortal(f *testing.F) {
	for _, s := range [][3]string{{"section=sport&kind=photo", "1", "1,2"}, {"q=football+-final&from=50", "99999999999999999999", "x"}, {"before=abc", "-1", ""},
		{"product=1&lang=ru&embargoed=1", "0", "1,1,1"}, {"q=%22", "%00", "9223372036854775807"}, {"part=list&q=\x00", "1/download/ninjs", strings.Repeat("1,", 120)}} {
		f.Add(s[0], s[1], s[2])
	}
	e, u, _, politics := portalWorld(f)
	f.Fuzz(func(t *testing.T, query, id, sel string) {
		check := func(what string, res *httptest.ResponseRecorder) {
			if res.Code >= 500 {
				t.Fatalf("%s: %d", what, res.Code)
			}
			body := res.Body.String()
			for _, p := range politics {
				if slices.Contains(wireIDs(body), p) || strings.Contains(body, fmt.Sprintf("dateline-%d.", p)) || strings.Contains(body, "Budget vote") {
					t.Fatalf("%s shows a story outside the products", what)
				}
			}
		}
		req := httptest.NewRequest(http.MethodGet, "/wire/", nil)
		req.URL.RawQuery = query
		for name, v := range u.cookies {
			req.AddCookie(&http.Cookie{Name: name, Value: v})
		}
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, req)
		check("/wire/?"+query, w)
		if p := "/wire/items/" + url.PathEscape(id); !strings.ContainsAny(id, "?#") {
			check(p, u.get(p))
		}
		form := url.Values{"format": {"text"}, "id": strings.Split(sel, ",")}
		check("zip "+sel, u.post("/wire/download", form))
	})
}

// TestUsageCounts: a client's API requests, the items they carry (list,
// item, feed) and the portal's deliveries and downloads are counted per
// product and day, and written in one batch.
func TestUsageCounts(t *testing.T) {
	e, u, sport, politics := portalWorld(t)
	ctx := context.Background()
	c, _ := e.store.ClientUserByEmail(ctx, "desk@sport.example")
	cl, _ := e.store.Client(ctx, c.ClientID)
	ent, _ := e.store.Entitlement(ctx, c.ClientID, e.clock.Now())
	pid := ent.Products[0].ID
	tok := e.makeTokenFor(&dateline.Token{Name: "usage", Scope: "read", ClientID: c.ClientID})
	if code, page, _ := e.items("/api/v1/items", tok); code != 200 || len(page.Items) != len(sport) {
		t.Fatalf("items: %d %d", code, len(page.Items))
	}
	e.get(fmt.Sprintf("/api/v1/items/%d", sport[0]), "Authorization", "Bearer "+tok)
	e.get(fmt.Sprintf("/api/v1/items/%d", politics[0]), "Authorization", "Bearer "+tok) // 404: a request, nothing delivered
	if res := e.get(dateline.FeedAddress(cl, pid)); res.Code != 200 {
		t.Fatalf("feed: %d", res.Code)
	}
	u.get("/wire/")
	u.get(fmt.Sprintf("/wire/items/%d/download/text", sport[1]))
	if err := e.srv.FlushUsage(ctx); err != nil {
		t.Fatal(err)
	}
	us, err := e.store.UsageOf(ctx, c.ClientID, "2000-01-01", "2100-01-01")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, x := range us {
		got[fmt.Sprintf("%d/%s", x.ProductID, x.Kind)] += x.Count
		if x.Day != e.clock.Now().UTC().Format(time.DateOnly) {
			t.Errorf("counted on %s", x.Day)
		}
	}
	n := int64(len(sport))
	// Delivered: the API's list and item, the feed, and the portal's list
	// twice (once at sign-in).
	want := map[string]int64{"0/api": 3, fmt.Sprintf("%d/delivered", pid): n + 1 + n + 2*n, fmt.Sprintf("%d/downloaded", pid): 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("usage: %v, want %v", got, want)
	}
}
