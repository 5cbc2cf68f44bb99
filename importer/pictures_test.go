package importer

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"dateline/internal/netguard"
	"dateline/media"
)

// TestFetchPictures: a picture not in the folder is fetched from its
// address, through the guard that keeps requests off private networks.
func TestFetchPictures(t *testing.T) {
	var b bytes.Buffer
	jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 40, 30)), nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/wp-content/uploads/2020/01/a.jpg" {
			http.NotFound(w, r)
			return
		}
		w.Write(b.Bytes())
	}))
	defer srv.Close()
	ctx := context.Background()
	pics := func(p netguard.Policy) *Pictures {
		return &Pictures{Media: media.Dir{Root: t.TempDir()}, Dir: t.TempDir(), Marker: "/wp-content/uploads/", Folder: "wordpress", Fetch: p.Client(5 * time.Second)}
	}
	open := pics(netguard.Policy{AllowPrivate: true})
	ph, err := open.Photo(ctx, &Image{Key: "k", URL: srv.URL + "/wp-content/uploads/2020/01/a.jpg", Alt: "An <b>alt</b>"})
	if err != nil || ph == nil || ph.Width != 40 || ph.URI != "k" || ph.Alt != "An alt" || !strings.HasPrefix(ph.Path, "import/wordpress/") {
		t.Fatalf("fetched: %+v, %v", ph, err)
	}
	body, missing, err := open.Inline(ctx, `<p>x</p><img src="`+srv.URL+`/wp-content/uploads/2020/01/a.jpg" alt="A"><img src="`+srv.URL+`/none.jpg"><img alt="no src">`)
	if err != nil || missing != 2 || open.Copied != 1 || !strings.Contains(body, `<img src="/media/`+ph.Path+`" alt="A" width="40" height="30">`) {
		t.Errorf("inline: %q, %d missing, %d copied, %v", body, missing, open.Copied, err)
	}
	// A relative address, as Ghost writes them, is fetched from the old site.
	ghost := pics(netguard.Policy{AllowPrivate: true})
	ghost.Base, _ = url.Parse(srv.URL)
	if ph, err := ghost.Photo(ctx, &Image{URL: "/wp-content/uploads/2020/01/a.jpg"}); ph == nil || err != nil {
		t.Errorf("relative address: %+v, %v", ph, err)
	}
	// The default guard refuses the loopback address: nothing is fetched.
	guarded := pics(netguard.Policy{})
	if ph, err := guarded.Photo(ctx, &Image{URL: srv.URL + "/wp-content/uploads/2020/01/a.jpg"}); ph != nil || err != nil || guarded.Copied != 0 {
		t.Errorf("fetched from loopback: %+v, %v", ph, err)
	}
	// No pictures at all: every image is left out and counted.
	var none *Pictures
	if body, missing, err := none.Inline(ctx, `<img src="https://x.example/a.jpg"><p>t</p>`); body != "<p>t</p>" || missing != 1 || err != nil {
		t.Errorf("without pictures: %q %d %v", body, missing, err)
	}
}
