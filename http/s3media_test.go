package http_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"dateline"
	"dateline/internal/weedtest"
	"dateline/media/s3media"
)

// TestS3Media keeps the photos in a real S3 store (SeaweedFS on
// loopback): an upload through the newsroom stores the photo and its
// renditions in the bucket, the router serves them with the store's ETag,
// 304s and ranges, and while the store is down the photos answer 503 with
// words for people, pages render, and an upload is refused with the words
// typed kept, the story's text saved; once the store is back, photos are
// served again.
func TestS3Media(t *testing.T) {
	w := weedtest.Start(t)
	store, err := s3media.Open(w.URL("site"), weedtest.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	n := newNewsroomMedia(t, store)
	ctx := context.Background()
	rep, ed := n.as("reporter@example.org"), n.as("editor@example.org")

	if r := rep.upload("minister.jpg", jpegBytes(t, 1000, 700), "The minister arrives", "Photo: Rita Reporter"); r.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.Code, excerpt(r.Body))
	}
	ps, err := n.store.Photos(ctx, dateline.PhotoFilter{})
	if err != nil || len(ps) != 1 {
		t.Fatalf("photos: %v, %v", ps, err)
	}
	p := ps[0]
	var want []string
	for _, width := range append([]int{0}, p.Widths...) {
		want = append(want, "site/"+p.Rendition(width))
	}
	slices.Sort(want)
	if got := w.Keys(t, "site/"); !slices.Equal(got, want) || len(p.Widths) == 0 {
		t.Errorf("the bucket holds %v, want %v", got, want)
	}

	// Served through the router, with the store's ETag.
	path := "/media/" + p.Path
	obj, err := w.Client(t).GetObject(ctx, w.Bucket, "site/"+p.Path, minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	info, _ := obj.Stat()
	stored, _ := io.ReadAll(obj)
	obj.Close()
	etag := `"` + info.ETag + `"`
	full := n.get(path)
	if full.Code != http.StatusOK || full.Header().Get("ETag") != etag || full.Body.String() != string(stored) ||
		full.Header().Get("Content-Type") != "image/jpeg" || !strings.Contains(full.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("GET %s: %d, ETag %s (want %s), %d bytes of %d, %v", path, full.Code, full.Header().Get("ETag"), etag, full.Body.Len(), len(stored), full.Header())
	}
	if r := n.get(path, "If-None-Match", etag); r.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", r.Code)
	}
	r := n.get(path, "Range", "bytes=100-199")
	if r.Code != http.StatusPartialContent || r.Body.String() != string(stored[100:200]) ||
		r.Header().Get("Content-Range") != "bytes 100-199/"+strconv.Itoa(len(stored)) {
		t.Errorf("Range: %d %v, %d bytes", r.Code, r.Header(), r.Body.Len())
	}
	if r := n.get(path, "Range", "bytes=-10", "If-Range", etag); r.Code != http.StatusPartialContent || r.Body.String() != string(stored[len(stored)-10:]) {
		t.Errorf("If-Range with the ETag: %d, %d bytes", r.Code, r.Body.Len())
	}
	if r := n.get(path, "Range", "bytes=0-9", "If-Range", `"other"`); r.Code != http.StatusOK || r.Body.Len() != len(stored) {
		t.Errorf("If-Range with another ETag: %d, %d bytes", r.Code, r.Body.Len())
	}
	if r := n.do(http.MethodHead, path, ""); r.Code != http.StatusOK || r.Header().Get("Content-Length") != strconv.Itoa(len(stored)) {
		t.Errorf("HEAD: %d %v", r.Code, r.Header())
	}
	if r := n.get("/media/" + p.Path + ".missing"); r.Code != http.StatusNotFound {
		t.Errorf("a missing photo: %d", r.Code)
	}

	// A published story with the photo.
	photoID := strconv.FormatInt(p.ID, 10)
	story := storyForm("The minister arrives", "photo_id", photoID, "caption", "The minister", "credit", "Photo: Rita Reporter")
	id := ed.create(story)
	if r := ed.act(id, story, "publish"); r.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", r.Code, excerpt(r.Body))
	}
	article := "/politics/" + strconv.FormatInt(id, 10)
	if r := n.get(article); r.Code != http.StatusOK || !strings.Contains(r.Body.String(), "/media/"+strings.TrimSuffix(p.Path, ".jpg")) {
		t.Fatalf("the article: %d", r.Code)
	}

	// The store goes down.
	w.Stop()
	r = n.get(path)
	if r.Code != http.StatusServiceUnavailable || !strings.Contains(r.Body.String(), "The photo store is not answering; try again shortly.") || r.Header().Get("Retry-After") == "" {
		t.Errorf("a photo while the store is down: %d %v %s", r.Code, r.Header(), excerpt(r.Body.String()))
	}
	n.srv.Changed() // every page renders anew, without the store
	for _, page := range []string{article, "/", "/politics"} {
		if r := n.get(page); r.Code != http.StatusOK {
			t.Errorf("%s while the store is down: %d", page, r.Code)
		}
	}
	up := rep.upload("second.jpg", jpegBytes(t, 800, 600), "Second caption typed", "Second credit typed")
	if up.Code != http.StatusServiceUnavailable || !strings.Contains(up.Body, "The photo store is not answering; try again shortly.") ||
		!strings.Contains(up.Body, "Second caption typed") || !strings.Contains(up.Body, "Second credit typed") {
		t.Errorf("an upload while the store is down: %d %s", up.Code, excerpt(up.Body))
	}
	// The editor's upload (JSON) says why, and the story's text is saved.
	up = rep.uploadWith("third.jpg", jpegBytes(t, 800, 600), "Third", "Credit", "Accept", "application/json", "X-CSRF-Token", rep.csrf)
	if up.Code != http.StatusServiceUnavailable || !strings.Contains(up.Body, `"message": "The photo store is not answering; try again shortly."`) {
		t.Errorf("the editor's upload while the store is down: %d %s", up.Code, up.Body)
	}
	sid := rep.create(storyForm("Written while the photo store was down"))
	if a, err := n.store.Article(ctx, sid); err != nil || a.Headline != "Written while the photo store was down" {
		t.Errorf("the story typed meanwhile: %v, %v", a, err)
	}
	if ps, _ := n.store.Photos(ctx, dateline.PhotoFilter{}); len(ps) != 1 {
		t.Errorf("%d photos in the library after refused uploads", len(ps))
	}

	// Back.
	w.Start(t)
	if r := n.get(path); r.Code != http.StatusOK || r.Body.String() != string(stored) {
		t.Errorf("after the store is back: %d, %d bytes", r.Code, r.Body.Len())
	}
}
