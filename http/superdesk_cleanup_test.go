package http_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"dateline"
	"dateline/internal/weedtest"
	"dateline/media"
	"dateline/media/s3media"
	"dateline/superdesk"
)

// TestSuperdeskCleanup: uploads no item used are removed after the
// grace period, record and file, from a folder and from an S3 store; the
// pictures a story shows, and recent uploads, stay.
func TestSuperdeskCleanup(t *testing.T) {
	t.Run("folder", func(t *testing.T) {
		s := newSDEnv(t)
		m := media.Dir{Root: filepath.Join(s.dir, "media")}
		checkSuperdeskCleanup(t, s, m, m)
	})
	t.Run("s3", func(t *testing.T) {
		w := weedtest.Start(t)
		m, err := s3media.Open(w.URL("site"), weedtest.Getenv)
		if err != nil {
			t.Fatal(err)
		}
		checkSuperdeskCleanup(t, newSDEnvMedia(t, m), m, m)
	})
}

func checkSuperdeskCleanup(t *testing.T, s *sdEnv, m dateline.Media, files superdesk.Remover) {
	ctx := context.Background()
	pub := sdItem(t, "publish")
	if code, res := s.publish(pub); code != http.StatusCreated {
		t.Fatalf("publish: %d %v", code, res)
	}
	upload := func(id string, seed byte) {
		t.Helper()
		ctype, mp := multipartBody(id, testJPEG(t, 200, 100, seed))
		if code, out := s.send("POST", "/api/v2/assets/push", ctype, mp, "x-superdesk-signature", superdesk.Sign(sdSecret, mp)); code != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", id, code, out)
		}
	}
	upload("orphan/never-used.jpg", 201)
	const (
		lead   = "20250312090340/7e1180a3c5d94f0e9b7c2d1e4f6a8b3cdb31.jpg"
		inline = "20250312090341/9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f.jpg"
		base   = "20250312090340/1f2e3d4c5b6a79880796a5b4c3d2e1f0aa01.jpg"
		thumb  = "67d15c2e9c1f4a0012ab34cd"
		orphan = "orphan/never-used.jpg"
		fresh  = "fresh/uploaded-today.jpg"
	)
	paths := map[string]string{}
	for _, id := range []string{lead, inline, base, thumb, orphan} {
		a, err := s.store.SuperdeskAsset(ctx, id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		paths[id] = a.Path
	}
	s.clock.Add(8 * 24 * time.Hour)
	upload(fresh, 202)
	svc := superdesk.New(s.store, m, nil)
	svc.Now = s.clock.Now
	rows, removed, err := svc.Prune(ctx, files, 7*24*time.Hour)
	if err != nil || rows != 3 || removed != 3 {
		t.Fatalf("prune: %d rows, %d files, %v; want 3 and 3", rows, removed, err)
	}
	for id, kept := range map[string]bool{lead: true, inline: true, base: false, thumb: false, orphan: false, fresh: true} {
		want := http.StatusNotFound
		if kept {
			want = http.StatusOK
		}
		if code, _ := s.send("GET", "/api/v2/assets/push/"+id, "", nil); code != want {
			t.Errorf("GET asset %s after the cleanup: %d, want %d", id, code, want)
		}
		if p, ok := paths[id]; ok {
			if ok, err := m.Exists(ctx, p); err != nil || ok != kept {
				t.Errorf("%s's file %s exists %v (%v), want %v", id, p, ok, err, kept)
			}
		}
	}
	// The story keeps its photos.
	a := s.articleOf(sdG1)
	if a.Photo == nil {
		t.Fatal("the story lost its photo")
	}
	if w := s.get("/media/" + a.Photo.Path); w.Code != http.StatusOK {
		t.Errorf("the lead photo after the cleanup: %d", w.Code)
	}
	if rows, removed, err := svc.Prune(ctx, files, 7*24*time.Hour); err != nil || rows != 0 || removed != 0 {
		t.Errorf("prune again: %d %d %v", rows, removed, err)
	}
	// Superdesk's next publish uploads what went, as before.
	s.images = map[string][]byte{}
	if code, res := s.publish(sdItem(t, "correction")); code != http.StatusCreated {
		t.Errorf("a correction after the cleanup: %d %v", code, res)
	}
}
