package http_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"dateline"
	dhttp "dateline/http"
	"dateline/internal/netguard"
	"dateline/superdesk"
)

// sdPictures is Superdesk's own server of renditions (upload-raw), on a
// real local listener: each path answers as its mode says, and counts
// its requests.
type sdPictures struct {
	t    testing.TB
	ts   *httptest.Server
	mu   sync.Mutex
	mode map[string]string // path: "ok" (a JPEG, the default), "404", "html", "503"
	hits map[string]int
}

func newSDPictures(t testing.TB) *sdPictures {
	p := &sdPictures{t: t, mode: map[string]string{}, hits: map[string]int{}}
	p.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.hits[r.URL.Path]++
		mode := p.mode[r.URL.Path]
		p.mu.Unlock()
		switch mode {
		case "404":
			http.NotFound(w, r)
		case "html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<p>Sign in to Superdesk.</p>"))
		case "503":
			http.Error(w, "busy", http.StatusServiceUnavailable)
		default:
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(testJPEG(t, 1200, 800, byte(len(r.URL.Path))))
		}
	}))
	t.Cleanup(p.ts.Close)
	return p
}

func (p *sdPictures) set(mode string, paths ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, x := range paths {
		p.mode[x] = mode
	}
}

func (p *sdPictures) count(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits[path]
}

// local is an item of testdata/superdesk whose renditions live on p.
func (p *sdPictures) local(body []byte) []byte {
	return bytes.ReplaceAll(body, []byte("https://sd.example.org/api/upload-raw/"), []byte(p.ts.URL+"/raw/"))
}

const (
	sdLead   = "/raw/20250312090340/7e1180a3c5d94f0e9b7c2d1e4f6a8b3cdb31.jpg" // featuremedia's original
	sdBase   = "/raw/20250312090340/1f2e3d4c5b6a79880796a5b4c3d2e1f0aa01.jpg" // baseImage of both
	sdInline = "/raw/20250312090341/9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f.jpg" // editor_0's original
)

// item posts a signed item without uploading its pictures first.
func (s *sdEnv) item(body []byte) (int, string) {
	s.t.Helper()
	return s.send("POST", "/api/v2/content/push", "application/json", body, "x-superdesk-signature", superdesk.Sign(s.secret, body))
}

func newSDFetchEnv(t *testing.T, allowPrivate bool) *sdEnv {
	return newSDEnvWith(t, func(c *dhttp.Config) {
		c.SuperdeskFetch = netguard.Policy{AllowPrivate: allowPrivate}.Client(superdesk.FetchTimeout)
	})
}

// TestSuperdeskFetchesPictures: pictures Superdesk never uploaded are
// fetched once from their href (a real local server), kept in dateline's
// own media store like uploads and shown from /media/; a transient fault
// answers 503 and stores nothing, so Superdesk's retry publishes it whole.
func TestSuperdeskFetchesPictures(t *testing.T) {
	s := newSDFetchEnv(t, true)
	pics := newSDPictures(t)
	pub := pics.local(sdItem(t, "publish"))

	// Superdesk's server is busy: 503, nothing stored, nothing kept.
	pics.set("503", sdLead, sdInline)
	if code, out := s.item(pub); code != http.StatusServiceUnavailable || !strings.Contains(out, "try again") {
		t.Fatalf("with the pictures' server busy: %d %s", code, out)
	}
	if _, err := s.store.ArticleByURI(context.Background(), sdG1); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Fatalf("a 503 stored the story: %v", err)
	}

	// Mended: the retry stores the story with both pictures, fetched once.
	pics.set("ok", sdLead, sdInline)
	code, out := s.item(pub)
	if code != http.StatusCreated {
		t.Fatalf("retry: %d %s", code, out)
	}
	a := s.articleOf(sdG1)
	if a.Photo == nil || !strings.HasPrefix(a.Photo.Path, "superdesk/") || a.Photo.Remote != "" || a.Photo.Width != 1200 || a.Photo.Credit != "Anna Petrova" {
		t.Fatalf("lead photo: %+v", a.Photo)
	}
	if !strings.Contains(strings.Join(a.Pages, ""), `<figure class="inline-photo"><img src="/media/superdesk/`) {
		t.Errorf("the inline picture is not the site's own: %.600s", strings.Join(a.Pages, ""))
	}
	if strings.Contains(strings.Join(a.Pages, "")+a.Photo.Path, pics.ts.URL) {
		t.Errorf("the story hot-links the sender")
	}
	// Kept as uploads: Superdesk's GET says so.
	for _, id := range []string{"20250312090340/7e1180a3c5d94f0e9b7c2d1e4f6a8b3cdb31.jpg", "20250312090341/9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f.jpg"} {
		if code, _ := s.send("GET", "/api/v2/assets/push/"+id, "", nil); code != http.StatusOK {
			t.Errorf("GET asset %s after the fetch: %d", id, code)
		}
	}
	_, doc := s.page(fmt.Sprintf("/%s/%d", a.Section, a.ID))
	// The files the page names (srcsets and the inline photo's src; a
	// lead's src names a rendition Prepare does not make, see
	// TestSuperdeskReplay) are the site's own and are served.
	var srcs []string
	for _, img := range doc.All("img") {
		if src := img.Attr("src"); !strings.HasPrefix(src, "/media/superdesk/") && !strings.HasPrefix(src, "/static/") {
			t.Errorf("the page shows %s", src)
		}
		for _, c := range strings.Split(img.Attr("srcset"), ",") {
			if f := strings.Fields(c); len(f) > 0 {
				srcs = append(srcs, f[0])
			}
		}
	}
	for _, img := range doc.All("figure.inline-photo img") {
		srcs = append(srcs, img.Attr("src"))
	}
	if len(srcs) < 2 {
		t.Errorf("the page names %v", srcs)
	}
	for _, src := range srcs {
		if w := s.get(src); w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/jpeg" {
			t.Errorf("%s: %d", src, w.Code)
		}
	}
	lead, inline := pics.count(sdLead), pics.count(sdInline)
	if lead != 1 || inline != 2 { // the first try stopped at the inline picture's 503
		t.Errorf("fetches: lead %d inline %d, want 1 and 2", lead, inline)
	}
	// A correction reuses what was fetched.
	if code, out := s.item(pics.local(sdItem(t, "correction"))); code != http.StatusCreated {
		t.Fatalf("correction: %d %s", code, out)
	}
	if pics.count(sdLead) != lead || pics.count(sdInline) != inline {
		t.Errorf("the correction fetched again: lead %d inline %d", pics.count(sdLead), pics.count(sdInline))
	}
}

// TestSuperdeskFetchPermanentFaults: a picture that is gone (404), is not
// an image, or lives on a private address the guard refuses is left out
// and the story published (201); nothing of the sender's is linked.
func TestSuperdeskFetchPermanentFaults(t *testing.T) {
	s := newSDFetchEnv(t, true)
	pics := newSDPictures(t)
	pics.set("404", sdLead, sdBase)
	pics.set("html", sdInline)
	start := time.Now()
	if code, out := s.item(pics.local(sdItem(t, "publish"))); code != http.StatusCreated {
		t.Fatalf("publish: %d %s", code, out)
	}
	a := s.articleOf(sdG1)
	if a.Photo != nil || strings.Contains(strings.Join(a.Pages, ""), "<img") {
		t.Errorf("a picture that cannot be fetched is shown: %+v %.300s", a.Photo, strings.Join(a.Pages, ""))
	}
	// At most two renditions of a picture are tried.
	if pics.count(sdLead) != 1 || pics.count(sdBase) != 2 || pics.count(sdInline) != 1 {
		t.Errorf("fetches: %v", pics.hits)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("permanent faults took %v", time.Since(start))
	}

	// The guard refuses loopback unless told otherwise: nothing fetched.
	g := newSDFetchEnv(t, false)
	other := newSDPictures(t)
	if code, out := g.item(other.local(sdItem(t, "publish"))); code != http.StatusCreated {
		t.Fatalf("publish with the guard: %d %s", code, out)
	}
	if a := g.articleOf(sdG1); a.Photo != nil {
		t.Errorf("a picture on a private address was fetched: %+v", a.Photo)
	}
	if len(other.hits) != 0 {
		t.Errorf("the guard let requests through: %v", other.hits)
	}
}
