package storetest

import (
	"testing"
	"time"

	"dateline"
)

// testPhotoReupload: a photo stored again by its URI takes the new file,
// but an empty caption, credit or alt keeps the stored one, by SavePhoto
// and through an article alike.
func testPhotoReupload(t *testing.T, s dateline.Store) {
	p := &dateline.Photo{URI: "urn:photo:re", Path: "re/1.jpg", Width: 960, Height: 640, Widths: []int{480},
		Caption: "Lavrov in Geneva", Credit: "Reuters", Alt: "A man at a desk"}
	if err := s.SavePhoto(ctx, p, time.Now()); err != nil {
		t.Fatal(err)
	}
	id := p.ID
	check := func(when string, path string, width int, caption, credit, alt string) {
		t.Helper()
		got, err := s.Photo(ctx, id)
		if err != nil {
			t.Fatalf("%s: Photo: %v", when, err)
		}
		if got.Path != path || got.Width != width || got.Caption != caption || got.Credit != credit || got.Alt != alt {
			t.Errorf("%s: photo = %+v, want path %s width %d caption %q credit %q alt %q", when, got, path, width, caption, credit, alt)
		}
	}

	// The file changes; the words stay.
	again := &dateline.Photo{URI: "urn:photo:re", Path: "re/2.jpg", Remote: "https://example.org/re.jpg", Width: 1200, Height: 800, Widths: []int{480, 960}}
	if err := s.SavePhoto(ctx, again, time.Now()); err != nil {
		t.Fatal(err)
	}
	if again.ID != id {
		t.Fatalf("re-upload made photo %d, want %d", again.ID, id)
	}
	check("re-upload without words", "re/2.jpg", 1200, "Lavrov in Geneva", "Reuters", "A man at a desk")
	if got, _ := s.Photo(ctx, id); got.Height != 800 || len(got.Widths) != 2 || got.Remote != "https://example.org/re.jpg" {
		t.Errorf("file columns not updated: %+v", got)
	}

	// A new caption replaces the old one; the empty credit keeps its.
	if err := s.SavePhoto(ctx, &dateline.Photo{URI: "urn:photo:re", Path: "re/3.jpg", Width: 640, Caption: "Lavrov and Rubio in Geneva"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	check("new caption", "re/3.jpg", 640, "Lavrov and Rubio in Geneva", "Reuters", "A man at a desk")

	// The same through an ingested article that carries the photo.
	a := article("urn:photo:re:story", "world", base)
	a.Photo = &dateline.Photo{URI: "urn:photo:re", Path: "re/4.jpg", Width: 480}
	upsert(t, s, base, a)
	check("through an article", "re/4.jpg", 480, "Lavrov and Rubio in Geneva", "Reuters", "A man at a desk")
	if got, err := s.ArticleByURI(ctx, "urn:photo:re:story"); err != nil {
		t.Error(err)
	} else if got.Photo == nil || got.Photo.ID != id || got.Photo.Caption != "Lavrov and Rubio in Geneva" {
		t.Errorf("article photo = %+v", got.Photo)
	}

	// A photo picked by id is edited as a whole: an empty caption clears it.
	if err := s.SavePhoto(ctx, &dateline.Photo{ID: id, Path: "re/4.jpg", Width: 480, Credit: "Reuters"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	check("edit by id", "re/4.jpg", 480, "", "Reuters", "")
}
