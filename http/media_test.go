package http_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

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
