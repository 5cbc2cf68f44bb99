package http_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dateline/media"
)

// TestMediaBadPaths: a path that runs through a file, or a name longer
// than the file system allows, is a missing file to the reader: 404,
// never 500, on GET and HEAD.
func TestMediaBadPaths(t *testing.T) {
	e := newEnv(t, false)
	files := media.Dir{Root: filepath.Join(e.dir, "media")}
	if err := files.Put(context.Background(), "demo/photo.jpg", strings.NewReader("jpeg bytes")); err != nil {
		t.Fatal(err)
	}
	if w := e.get("/media/demo/photo.jpg"); w.Code != http.StatusOK {
		t.Fatalf("the stored file: %d", w.Code)
	}
	for name, path := range map[string]string{
		"through a file":   "/media/demo/photo.jpg/x",
		"deeper":           "/media/demo/photo.jpg/x/y.jpg",
		"long name":        "/media/demo/" + strings.Repeat("a", 300) + ".jpg",
		"long folder":      "/media/" + strings.Repeat("b", 300) + "/x.jpg",
		"long name, short": "/media/" + strings.Repeat("c", 256),
	} {
		t.Run(name, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodHead} {
				if w := e.do(method, path, ""); w.Code != http.StatusNotFound {
					t.Errorf("%s %s: %d, want 404 (%s)", method, path, w.Code, strings.TrimSpace(w.Body.String()))
				}
			}
		})
	}
}

// TestUploadBusy: uploads that find the node's image budget taken by
// another photo wait within the bound, then answer 503 with Retry-After
// and a message for people; the one that had the budget is stored.
func TestUploadBusy(t *testing.T) {
	n := newNewsroom(t)
	// 6000 × 4000 needs about 81 MB: one at a time in 96 MiB.
	media.SetWorkBudget(96<<20, 50*time.Millisecond)
	t.Cleanup(func() { media.SetWorkBudget(media.DefaultWorkBudget, media.DefaultWorkWait) })
	photo := jpegBytes(t, 6000, 4000)
	browsers := []*browser{n.as("reporter@example.org"), n.as("editor@example.org"), n.as("admin@example.org")}
	answers := make([]resp, len(browsers))
	var wg sync.WaitGroup
	for i, b := range browsers {
		wg.Go(func() { answers[i] = b.upload("big.jpg", photo, "Caption", "Credit") })
	}
	wg.Wait()
	stored, busy := 0, 0
	for _, r := range answers {
		switch {
		case r.Code == http.StatusSeeOther:
			stored++
		case r.Code == http.StatusServiceUnavailable && r.Header.Get("Retry-After") != "" && strings.Contains(r.Body, "busy preparing other photos"):
			busy++
		default:
			t.Errorf("upload: %d %s", r.Code, excerpt(r.Body))
		}
	}
	if stored == 0 || busy == 0 {
		t.Errorf("%d stored and %d answered busy, want some of each", stored, busy)
	}
}
