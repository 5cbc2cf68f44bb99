package http_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/internal/weedtest"
	"dateline/media/s3media"
	"dateline/superdesk"
)

// TestSuperdeskMediaDown: while the photo store (a real S3 server) is
// down, Superdesk is answered 503, which it retries, never a 4xx, which
// it would not; nothing is stored. Once the store is back, the same
// calls succeed.
func TestSuperdeskMediaDown(t *testing.T) {
	w := weedtest.Start(t)
	store, err := s3media.Open(w.URL("site"), weedtest.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	s := newSDEnvMedia(t, store)
	ctx := context.Background()
	up := func(id string) (int, string) {
		ctype, mp := multipartBody(id, testJPEG(t, 1200, 800, 3))
		return s.send("POST", "/api/v2/assets/push", ctype, mp, "x-superdesk-signature", superdesk.Sign(sdSecret, mp))
	}
	const stored = "20250312090340/7e1180a3c5d94f0e9b7c2d1e4f6a8b3cdb31.jpg"
	if code, out := up(stored); code != http.StatusCreated {
		t.Fatalf("upload: %d %s", code, out)
	}
	w.Stop()
	if code, _ := s.send("GET", "/api/v2/assets/push/"+stored, "", nil); code != http.StatusServiceUnavailable {
		t.Errorf("GET while the store is down: %d, want 503", code)
	}
	if code, out := up("20250312090340/another.jpg"); code != http.StatusServiceUnavailable || !strings.Contains(out, "message") {
		t.Errorf("upload while the store is down: %d %s", code, out)
	}
	pub := sdItem(t, "publish")
	if code, out := s.send("POST", "/api/v2/content/push", "application/json", pub, "x-superdesk-signature", superdesk.Sign(sdSecret, pub)); code != http.StatusServiceUnavailable {
		t.Errorf("an item whose photo is to be made while the store is down: %d %s", code, out)
	}
	if _, err := s.store.ArticleByURI(ctx, sdG1); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("the item was stored: %v", err)
	}
	w.Start(t)
	// Superdesk sends again later; a restarted store may take a few
	// seconds more before it takes new files.
	for try := 0; ; try++ {
		code, out := up("20250312090340/another.jpg")
		if code == http.StatusCreated {
			break
		}
		if code != http.StatusServiceUnavailable || try == 30 {
			t.Fatalf("upload once the store is back: %d %s", code, out)
		}
		time.Sleep(time.Second)
	}
	if code, res := s.publish(pub); code != http.StatusCreated || res["result"] != "created" {
		t.Fatalf("publish once the store is back: %d %v", code, res)
	}
	if a := s.articleOf(sdG1); a.Photo == nil || a.Photo.Path == "" {
		t.Errorf("photo: %+v", a.Photo)
	}
}
