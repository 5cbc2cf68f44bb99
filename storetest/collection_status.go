package storetest

import (
	"testing"
	"time"

	"dateline"
)

// testCollectionStatus: galleries and infographics keep their status;
// the site's lists show the published ones, the newsroom's every one;
// one saved without a status is published, as before statuses; a status
// of articles only is refused.
func testCollectionStatus(t *testing.T, s dateline.Store) {
	photo := dateline.Photo{URI: "urn:cs:p1", Path: "cs/1.jpg", Width: 800, Height: 600, Caption: "Quay", Credit: "DATELINE"}
	if err := s.SavePhoto(ctx, &photo, time.Now()); err != nil {
		t.Fatal(err)
	}
	galleries := map[dateline.Status]*dateline.Gallery{}
	infos := map[dateline.Status]*dateline.Infographic{}
	for i, st := range []dateline.Status{dateline.StatusDraft, "", dateline.StatusWithdrawn} {
		g := &dateline.Gallery{URI: "urn:cs:g" + string(st), Section: "politics", Title: "Gallery " + string(st), PublishedAt: base.Add(time.Duration(i) * time.Minute),
			Photos: []dateline.Photo{photo}, Status: st}
		if err := s.SaveGallery(ctx, g, time.Now()); err != nil {
			t.Fatal(err)
		}
		galleries[st] = g
		ig := &dateline.Infographic{URI: "urn:cs:i" + string(st), Section: "politics", Title: "Infographic " + string(st), Text: "<p>Text</p>",
			PublishedAt: base.Add(time.Duration(i) * time.Minute), Images: []dateline.Photo{photo}, Status: st}
		if err := s.SaveInfographic(ctx, ig, time.Now()); err != nil {
			t.Fatal(err)
		}
		infos[st] = ig
	}
	for st, g := range galleries {
		want := st
		if want == "" {
			want = dateline.StatusPublished
		}
		if got, err := s.Gallery(ctx, g.ID); err != nil || got.Status != want {
			t.Errorf("gallery saved as %q reads %+v, %v", st, got, err)
		}
		if got, err := s.Infographic(ctx, infos[st].ID); err != nil || got.Status != want {
			t.Errorf("infographic saved as %q reads %+v, %v", st, got, err)
		}
	}
	if gs, err := s.Galleries(ctx, 10); err != nil || len(gs) != 1 || gs[0].ID != galleries[""].ID {
		t.Errorf("Galleries = %+v, %v; want only the published one", gs, err)
	}
	if gs, err := s.AllGalleries(ctx, 10); err != nil || len(gs) != 3 || gs[0].Status != dateline.StatusWithdrawn {
		t.Errorf("AllGalleries = %+v, %v; want all three, the newest first", gs, err)
	}
	if is, err := s.Infographics(ctx, 10); err != nil || len(is) != 1 || is[0].ID != infos[""].ID {
		t.Errorf("Infographics = %+v, %v; want only the published one", is, err)
	}
	if is, err := s.AllInfographics(ctx, 10); err != nil || len(is) != 3 {
		t.Errorf("AllInfographics = %d, %v; want all three", len(is), err)
	}
	// A draft is published by saving it so, and reordered in the same save.
	g := galleries[dateline.StatusDraft]
	second := dateline.Photo{URI: "urn:cs:p2", Path: "cs/2.jpg", Width: 800, Height: 600, Caption: "Crane", Credit: "DATELINE"}
	if err := s.SavePhoto(ctx, &second, time.Now()); err != nil {
		t.Fatal(err)
	}
	g.Photos, g.Status = []dateline.Photo{second, photo}, dateline.StatusPublished
	if err := s.SaveGallery(ctx, g, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Gallery(ctx, g.ID); got.Status != dateline.StatusPublished || len(got.Photos) != 2 || got.Photos[0].ID != second.ID {
		t.Errorf("after publishing and reordering: %+v", got)
	}
	bad := &dateline.Gallery{URI: "urn:cs:bad", Title: "Bad", Photos: []dateline.Photo{photo}, Status: dateline.StatusScheduled}
	wantCode(t, s.SaveGallery(ctx, bad, time.Now()), dateline.EINVALID)
}
