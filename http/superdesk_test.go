package http_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dateline"
	dhttp "dateline/http"
	"dateline/superdesk"
)

// sdSecret is the test source's secret token.
const sdSecret = "superdesk-test-secret-0123456789"

// sdEnv is a site with a Superdesk source, served on a real listener so
// that requests go over the wire as Superdesk sends them, by a client
// that refuses redirects (python-requests would follow one and lose the
// body).
type sdEnv struct {
	*env
	ts     *httptest.Server
	client *http.Client
	secret string
	images map[string][]byte // media id: the file Superdesk uploads
}

func newSDEnv(t testing.TB) *sdEnv { return newSDEnvMedia(t, nil) }

// newSDEnvMedia is newSDEnv with the photos in m (nil: a folder).
func newSDEnvMedia(t testing.TB, m dateline.Media) *sdEnv {
	return newSDEnvWith(t, func(c *dhttp.Config) {
		if m != nil {
			c.Media = m
		}
	})
}

// newSDEnvWith is newSDEnv with the site's configuration changed by set.
func newSDEnvWith(t testing.TB, set func(*dhttp.Config)) *sdEnv {
	e := newEnvConfig(t, false, "world", set)
	ctx := context.Background()
	secs, err := e.store.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secs {
		if s.Slug == "world" { // the desk's service "i" (International News) goes to World
			s.Codes = append(s.Codes, "i")
			if err := e.store.SaveSection(ctx, &s); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.srv.Changed()
	if err := e.store.CreateSource(ctx, &dateline.Source{Name: "sd", Kind: dateline.SourceSuperdesk, Secret: sdSecret}, time.Now()); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(e.srv)
	t.Cleanup(ts.Close)
	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return errors.New("redirected")
	}}
	return &sdEnv{env: e, ts: ts, client: client, secret: sdSecret, images: map[string][]byte{}}
}

// testJPEG is a JPEG of w×h pixels in a colour of its own.
func testJPEG(t testing.TB, w, h int, seed byte) []byte {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.RGBA{seed, byte(x), byte(y), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 70}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sdItem reads an item of testdata/superdesk as it is sent.
func sdItem(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", "superdesk", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// send makes one request as python-requests does; sign adds the
// signature header (x-superdesk-signature) with the secret.
func (s *sdEnv) send(method, path, ctype string, body []byte, headers ...string) (int, string) {
	s.t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, s.ts.URL+path, r)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("User-Agent", "python-requests/2.32.3")
	if ctype != "" {
		req.Header.Set("Accept-Encoding", "gzip, deflate")
		req.Header.Set("Content-type", ctype)
		req.Header.Set("Accept", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// multipartBody is the body python-requests (urllib3's
// encode_multipart_formdata) builds for Superdesk's upload: the text
// field media_id, then the file field media named by the media id.
func multipartBody(id string, data []byte) (string, []byte) {
	boundary := hex.EncodeToString([]byte("dateline-sd-test"))
	var b bytes.Buffer
	fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"media_id\"\r\n\r\n%s\r\n", boundary, id)
	fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"media\"; filename=\"%s\"\r\nContent-Type: image/jpeg\r\n\r\n", boundary, id)
	b.Write(data)
	fmt.Fprintf(&b, "\r\n--%s--\r\n", boundary)
	return "multipart/form-data; boundary=" + boundary, b.Bytes()
}

// mediaIDs lists the distinct media ids of an item's renditions, as the
// transmitter collects them (associations and one level deeper).
func mediaIDs(t testing.TB, body []byte) []string {
	var it superdesk.Item
	if err := json.Unmarshal(body, &it); err != nil {
		t.Fatal(err)
	}
	var ids []string
	var walk func(it *superdesk.Item, depth int)
	walk = func(it *superdesk.Item, depth int) {
		var names []string
		for n := range it.Renditions {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			if m := it.Renditions[n].Media; m != "" && !slices.Contains(ids, m) {
				ids = append(ids, m)
			}
		}
		if depth < 2 {
			var keys []string
			for k := range it.Associations {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if a := it.Associations[k]; a != nil {
					walk(a, depth+1)
				}
			}
		}
	}
	walk(&it, 0)
	return ids
}

// publish plays one queue entry as Superdesk's transmitter does: for
// each media id GET, upload when 404 (then GET again: 200), and the
// signed item last. It returns the item's answer.
func (s *sdEnv) publish(body []byte) (int, map[string]any) {
	s.t.Helper()
	for _, id := range mediaIDs(s.t, body) {
		code, _ := s.send("GET", "/api/v2/assets/push/"+id, "", nil)
		if code == http.StatusNotFound {
			data, ok := s.images[id]
			if !ok {
				data = testJPEG(s.t, 1600, 1000, byte(len(s.images)*40))
				s.images[id] = data
			}
			ctype, mp := multipartBody(id, data)
			if code, out := s.send("POST", "/api/v2/assets/push", ctype, mp, "x-superdesk-signature", superdesk.Sign(s.secret, mp)); code != http.StatusCreated {
				s.t.Fatalf("upload %s: %d %s", id, code, out)
			}
			code, _ = s.send("GET", "/api/v2/assets/push/"+id, "", nil)
		}
		if code != http.StatusOK {
			s.t.Fatalf("GET asset %s after upload: %d", id, code)
		}
	}
	code, out := s.send("POST", "/api/v2/content/push", "application/json", body, "x-superdesk-signature", superdesk.Sign(s.secret, body))
	var res map[string]any
	json.Unmarshal([]byte(out), &res)
	return code, res
}

func (s *sdEnv) articleOf(guid string) *dateline.Article {
	s.t.Helper()
	a, err := s.store.ArticleByURI(context.Background(), guid)
	if err != nil {
		s.t.Fatalf("article %s: %v", guid, err)
	}
	return a
}

const (
	sdG1 = "urn:newsml:sd.example.org:2025-03-12T09:03:40.123456:6c1e4a0f-7a11-4c9b-9c2e-1a2b3c4d5e6f"
	sdG2 = "urn:newsml:sd.example.org:2025-03-12T11:20:02.654321:0d9f3b7e-2c44-4a61-8f0e-9e8d7c6b5a41"
	sdG3 = "urn:newsml:sd.example.org:2025-03-12T12:00:00.000001:3b5c7d9e-1f2a-4b3c-8d4e-5f6a7b8c9d0e"
)

// TestSuperdeskReplay replays Superdesk's traffic for one story's life:
// first publish with a lead picture and an inline one, a re-delivery, a
// correction, a stale version, a rewrite (evolvedfrom), a kill, an
// embargoed item and bad signatures, and checks the public pages.
func TestSuperdeskReplay(t *testing.T) {
	s := newSDEnv(t)
	ctx := context.Background()

	// The first publish: three binaries, then the item.
	pub := sdItem(t, "publish")
	code, res := s.publish(pub)
	if code != http.StatusCreated || res["result"] != "created" {
		t.Fatalf("publish: %d %v", code, res)
	}
	a := s.articleOf(sdG1)
	addr := fmt.Sprintf("/%s/%d", a.Section, a.ID)
	if a.Section != "world" || a.Place != "Zürich" || a.Byline != "Ivan Smirnov" || a.Lead != "Ministers from five countries met in Zürich." {
		t.Errorf("mapped: section %q place %q byline %q lead %q", a.Section, a.Place, a.Byline, a.Lead)
	}
	if a.Photo == nil || a.Photo.Path == "" || a.Photo.Remote != "" || a.Photo.Width != 1600 || a.Photo.Credit != "Anna Petrova" {
		t.Fatalf("lead photo: %+v", a.Photo)
	}
	w, doc := s.page(addr)
	if w.Code != http.StatusOK {
		t.Fatalf("%s: %d", addr, w.Code)
	}
	body := w.Body.String()
	if !strings.Contains(body, "Ministers meet in Zürich for river talks") || !strings.Contains(body, "Министры said the talks") {
		t.Errorf("the page lacks the headline or the body")
	}
	if strings.Contains(body, "sd.example.org") {
		t.Errorf("the page links to the sender's files")
	}
	// The files the page names: the srcset of the lead photo (its src
	// names a 480-pixel rendition media.Prepare does not make, as for
	// every uploaded photo) and the inline photo's src.
	var srcs []string
	for _, img := range doc.All("img") {
		for _, c := range strings.Split(img.Attr("srcset"), ",") {
			if f := strings.Fields(c); len(f) > 0 {
				srcs = append(srcs, f[0])
			}
		}
	}
	for _, img := range doc.All("figure.inline-photo img") {
		srcs = append(srcs, img.Attr("src"))
	}
	inline := 0
	for _, src := range srcs {
		if !strings.HasPrefix(src, "/media/superdesk/") {
			continue
		}
		if w := s.get(src); w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/jpeg" {
			t.Errorf("%s: %d %s", src, w.Code, w.Header().Get("Content-Type"))
		}
		inline++
	}
	if inline < 2 || !strings.Contains(body, `class="inline-photo"`) {
		t.Errorf("want the lead and the inline photo from /media/superdesk/, got %v", srcs)
	}

	// A re-delivery (a retry after a timeout): GETs answer 200, nothing
	// is uploaded, and the item is answered 201 and ignored.
	before := s.articleOf(sdG1)
	code, res = s.publish(pub)
	if code != http.StatusCreated || res["result"] != superdesk.Ignored {
		t.Errorf("re-delivery: %d %v", code, res)
	}
	if after := s.articleOf(sdG1); after.Version != before.Version {
		t.Errorf("re-delivery changed the article: version %d to %d", before.Version, after.Version)
	}

	// The correction, then an older version that arrives late.
	if code, res = s.publish(sdItem(t, "correction")); code != http.StatusCreated || res["result"] != "updated" {
		t.Errorf("correction: %d %v", code, res)
	}
	if code, res = s.publish(sdItem(t, "stale")); code != http.StatusCreated || res["result"] != superdesk.Ignored {
		t.Errorf("stale: %d %v", code, res)
	}
	w = s.get(addr)
	if body := w.Body.String(); !strings.Contains(body, "on Tuesday to talk") || !strings.Contains(body, "The talks were on Tuesday, not Wednesday.") || strings.Contains(body, "old version") {
		t.Errorf("after the correction the page shows the wrong words")
	}

	// Bad signatures: nothing stored.
	rew := sdItem(t, "rewrite")
	for _, tt := range []struct {
		name    string
		headers []string
		want    int
	}{
		{"no signature", nil, http.StatusUnauthorized},
		{"malformed", []string{"x-superdesk-signature", "md5=abc"}, http.StatusUnauthorized},
		{"another secret", []string{"x-superdesk-signature", superdesk.Sign("another-secret-0123456789", rew)}, http.StatusForbidden},
		{"another body", []string{"x-superdesk-signature", superdesk.Sign(sdSecret, pub)}, http.StatusForbidden},
		{"upper-case hex of another body", []string{"x-superdesk-signature", "sha1=" + strings.ToUpper(superdesk.Sign(sdSecret, pub)[5:])}, http.StatusForbidden},
	} {
		code, out := s.send("POST", "/api/v2/content/push", "application/json", rew, tt.headers...)
		if code != tt.want || !strings.Contains(out, "message") {
			t.Errorf("%s: %d %s, want %d", tt.name, code, out, tt.want)
		}
	}
	ctype, mp := multipartBody("unsigned/upload.jpg", testJPEG(t, 10, 10, 1))
	if code, _ := s.send("POST", "/api/v2/assets/push", ctype, mp); code != http.StatusUnauthorized {
		t.Errorf("unsigned upload: %d", code)
	}
	if code, _ := s.send("GET", "/api/v2/assets/push/unsigned/upload.jpg", "", nil); code != http.StatusNotFound {
		t.Errorf("the unsigned upload is stored: %d", code)
	}
	if _, err := s.store.ArticleByURI(ctx, sdG2); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("a badly signed item was stored: %v", err)
	}
	// The uploads as they came are not public.
	if as, err := s.store.SuperdeskAsset(ctx, "20250312090340/7e1180a3c5d94f0e9b7c2d1e4f6a8b3cdb31.jpg"); err != nil {
		t.Error(err)
	} else if w := s.get("/media/" + as.Path); w.Code != http.StatusNotFound {
		t.Errorf("the upload as it came is served: %d", w.Code)
	}

	// The rewrite, signed with the other header name: the same article,
	// at the same address, with the new words.
	code, out := s.send("POST", "/api/v1/content/push", "application/json", rew, "x-publisher-signature", superdesk.Sign(sdSecret, rew))
	if code != http.StatusCreated || !strings.Contains(out, `"updated"`) {
		t.Fatalf("rewrite: %d %s", code, out)
	}
	if _, err := s.store.ArticleByURI(ctx, sdG2); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("the rewrite made an article of its own: %v", err)
	}
	if w := s.get(addr); !strings.Contains(w.Body.String(), "River treaty agreed in Zürich") {
		t.Errorf("the rewrite is not at the story's address: %d", w.Code)
	}
	// A correction of the original after the rewrite no longer changes
	// the article.
	late := bytes.Replace(sdItem(t, "correction"), []byte(`"version": "5"`), []byte(`"version": "6"`), 1)
	if code, res = s.publish(late); code != http.StatusCreated || res["result"] != superdesk.Ignored {
		t.Errorf("correction of the original after the rewrite: %d %v", code, res)
	}

	// The kill: 410 at the address, the last public headline, never the
	// notice; later versions of either guid are ignored.
	if code, res = s.publish(sdItem(t, "kill")); code != http.StatusCreated || res["result"] != superdesk.Killed {
		t.Fatalf("kill: %d %v", code, res)
	}
	w = s.get(addr)
	if w.Code != http.StatusGone {
		t.Errorf("%s after the kill: %d", addr, w.Code)
	}
	if body := w.Body.String(); strings.Contains(body, "Please kill") || strings.Contains(body, "Kill/Takedown") || strings.Contains(body, "wrong about the treaty") {
		t.Errorf("the 410 page shows the kill notice")
	}
	guids, err := s.store.SuperdeskGUIDs(ctx, sdG1)
	if err != nil || len(guids) != 2 {
		t.Errorf("guids of the chain: %v %v", guids, err)
	}
	for _, g := range guids {
		if a := s.articleOf(sdG1); a.Status != dateline.StatusWithdrawn {
			t.Errorf("guid %s: %s", g, a.Status)
		}
	}
	if code, res = s.publish(rew); code != http.StatusCreated || res["result"] != superdesk.Ignored {
		t.Errorf("the rewrite after the kill: %d %v", code, res)
	}
	if w := s.get(addr); w.Code != http.StatusGone {
		t.Errorf("after a resent rewrite: %d", w.Code)
	}

	// An embargoed item waits, placed by its subject.
	release := s.clock.Now().Add(time.Hour)
	emb := bytes.Replace(sdItem(t, "embargoed"), []byte("__EMBARGO__"), []byte(release.Format("2006-01-02T15:04:05.000000+00:00")), 1)
	if code, res = s.publish(emb); code != http.StatusCreated || res["result"] != "created" {
		t.Fatalf("embargoed: %d %v", code, res)
	}
	e := s.articleOf(sdG3)
	if e.Status != dateline.StatusScheduled || e.Section != "economy" || !e.EmbargoUntil.Equal(release.Truncate(time.Millisecond)) {
		t.Errorf("embargoed: %s in %s until %v", e.Status, e.Section, e.EmbargoUntil)
	}
	eaddr := fmt.Sprintf("/economy/%d", e.ID)
	if w := s.get(eaddr); w.Code != http.StatusNotFound {
		t.Errorf("%s under embargo: %d", eaddr, w.Code)
	}
	s.clock.Add(time.Hour + time.Second)
	if _, err := s.store.PublishDue(ctx, s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	s.srv.StoriesChanged()
	if w := s.get(eaddr); w.Code != http.StatusOK {
		t.Errorf("%s after the embargo: %d", eaddr, w.Code)
	}
}

// TestSuperdeskAddresses: the receiver's addresses never redirect, ids
// with slashes (and doubled slashes) reach the GET, and bad requests are
// answered in words.
func TestSuperdeskAddresses(t *testing.T) {
	s := newSDEnv(t)
	id := "20250312090340//odd/name.jpg"
	if code, _ := s.send("GET", "/api/v2/assets/push/"+id, "", nil); code != http.StatusNotFound {
		t.Errorf("GET before the upload: %d", code)
	}
	ctype, mp := multipartBody(id, testJPEG(t, 20, 20, 9))
	sig := superdesk.Sign(sdSecret, mp)
	if code, out := s.send("POST", "/api/v1/assets/push/", ctype, mp, "x-superdesk-signature", sig); code != http.StatusCreated {
		t.Fatalf("upload: %d %s", code, out)
	}
	for _, p := range []string{"/api/v2/assets/push/" + id, "/api/v1/assets/push/" + id} {
		if code, _ := s.send("GET", p, "", nil); code != http.StatusOK {
			t.Errorf("GET %s: %d", p, code)
		}
	}
	if code, _ := s.send("GET", "/api/v2/assets/push/20250312090340/odd/name.jpg", "", nil); code != http.StatusNotFound {
		t.Errorf("GET of another id: %d", code)
	}
	item := []byte(`{"guid": "x", "type": "text"`)
	for _, tt := range []struct {
		method, path, ctype string
		body                []byte
		headers             []string
		want                int
	}{
		{"GET", "/api/v2/content/push", "", nil, nil, http.StatusMethodNotAllowed},
		{"DELETE", "/api/v2/assets/push/" + id, "", nil, nil, http.StatusMethodNotAllowed},
		{"POST", "/api/v2/content/push", "application/json", item, []string{"x-superdesk-signature", superdesk.Sign(sdSecret, item)}, http.StatusBadRequest},
		{"POST", "/api/v2/content/push", "application/json", []byte(`{"guid": "x"}`), []string{"x-superdesk-signature", superdesk.Sign(sdSecret, []byte(`{"guid": "x"}`))}, http.StatusBadRequest},
		{"POST", "/api/v2/assets/push", "text/plain", []byte("x"), []string{"x-superdesk-signature", superdesk.Sign(sdSecret, []byte("x"))}, http.StatusBadRequest},
		{"POST", "/api/v2/content/push", "application/json", bytes.Repeat([]byte(" "), 9<<20), nil, http.StatusRequestEntityTooLarge},
	} {
		code, out := s.send(tt.method, tt.path, tt.ctype, tt.body, tt.headers...)
		if code != tt.want || !strings.Contains(out, "message") {
			t.Errorf("%s %s: %d %.200s, want %d", tt.method, tt.path, code, out, tt.want)
		}
	}
	// A disabled source's signature no longer counts.
	if err := s.store.SetSourceDisabled(context.Background(), "sd", true); err != nil {
		t.Fatal(err)
	}
	if code, _ := s.send("POST", "/api/v2/assets/push", ctype, mp, "x-superdesk-signature", sig); code != http.StatusForbidden {
		t.Errorf("upload from a disabled source: %d", code)
	}
}
