package http_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"dateline"
)

// TestCollectionLifecycle: a gallery saved as a draft stays off the site;
// its title and a caption are fixed, its photos reordered, one added and
// one removed; it is refused publication while a photo has no credit,
// with what was typed kept; published, it is on the site in the new
// order; withdrawn (once confirmed), its address answers 410. An
// infographic published at once is edited and withdrawn the same way.
func TestCollectionLifecycle(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	var ids []string
	for i, credit := range []string{"DATELINE", "DATELINE", ""} {
		p := &dateline.Photo{URI: fmt.Sprintf("urn:test:coll:%d", i), Path: fmt.Sprintf("t/c%d.jpg", i), Width: 800, Height: 600,
			Caption: fmt.Sprintf("Quay %d", i), Credit: credit}
		if err := n.store.SavePhoto(ctx, p, time.Now()); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, fmt.Sprint(p.ID))
	}
	ed := n.as("editor@example.org")
	r := ed.post("/newsroom/galleries", url.Values{"title": {"Night shift at the port"}, "text": {"Cranes after dark."}, "section": {"politics"},
		"photo": {ids[0], ids[1]}, "pos-" + ids[0]: {"1"}, "pos-" + ids[1]: {"2"}, "action": {"save"}})
	m := regexp.MustCompile(`^/newsroom/galleries/(\d+)\?done=saved$`).FindStringSubmatch(r.Location)
	if m == nil {
		t.Fatalf("save a draft gallery: %d %s %s", r.Code, r.Location, excerpt(r.Body))
	}
	edit, public := "/newsroom/galleries/"+m[1], "/photo/"+m[1]
	if w := n.get(public); w.Code != http.StatusNotFound {
		t.Errorf("a draft gallery's address: %d", w.Code)
	}
	if w := n.get("/photo/"); strings.Contains(w.Body.String(), "Night shift") {
		t.Error("the site lists a draft gallery")
	}
	if page := ed.get("/newsroom/galleries").Body; !strings.Contains(page, "Night shift at the port") || !strings.Contains(page, "status-draft") {
		t.Errorf("the newsroom's list of galleries: %s", excerpt(page))
	}

	// Fix the title and a caption, swap the photos, add the one without a
	// credit: publishing is refused and the form keeps what was typed.
	form := url.Values{"title": {"Night shift at the north quay"}, "text": {"Cranes after dark."}, "section": {"politics"},
		"item": {ids[0], ids[1]}, "pos-" + ids[0]: {"2"}, "pos-" + ids[1]: {"1"},
		"caption-" + ids[0]: {"The north quay at midnight"}, "credit-" + ids[0]: {"DATELINE"},
		"caption-" + ids[1]: {"Quay 1"}, "credit-" + ids[1]: {"DATELINE"},
		"photo": {ids[2]}, "pos-" + ids[2]: {"3"}, "action": {"publish"}}
	r = ed.post(edit, form)
	if r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "Photo "+ids[2]+" needs a caption and a credit") || !strings.Contains(r.Body, "Night shift at the north quay") {
		t.Fatalf("publishing with a photo without credit: %d %s", r.Code, excerpt(r.Body))
	}
	if g, _ := n.store.Gallery(ctx, mustID(t, m[1])); g.Status != dateline.StatusDraft || g.Title != "Night shift at the port" {
		t.Errorf("the refused publication changed the gallery: %+v", g)
	}
	form.Del("photo")
	if r = ed.post(edit, form); r.Location != edit+"?done=shown" {
		t.Fatalf("publish: %d %s %s", r.Code, r.Location, excerpt(r.Body))
	}
	g, _ := n.store.Gallery(ctx, mustID(t, m[1]))
	if g.Status != dateline.StatusPublished || g.Title != "Night shift at the north quay" || len(g.Photos) != 2 || fmt.Sprint(g.Photos[0].ID) != ids[1] ||
		g.Photos[1].Caption != "The north quay at midnight" || g.PublishedAt.IsZero() {
		t.Fatalf("the published gallery: %+v", g)
	}
	if w := n.get(public); w.Code != 200 || !strings.Contains(w.Body.String(), "Night shift at the north quay") {
		t.Errorf("the published gallery's page: %d", w.Code)
	}
	// Remove a photo.
	form.Set("remove-"+ids[0], "1")
	form.Set("action", "save")
	if r = ed.post(edit, form); r.Location != edit+"?done=saved" {
		t.Fatalf("remove a photo: %d %s", r.Code, excerpt(r.Body))
	}
	if g, _ := n.store.Gallery(ctx, mustID(t, m[1])); len(g.Photos) != 1 || g.Status != dateline.StatusPublished {
		t.Errorf("after removing a photo: %+v", g)
	}
	// Withdraw: the box first.
	if r = ed.post(edit, url.Values{"action": {"withdraw"}}); r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "Tick the box") {
		t.Errorf("withdraw without the box: %d %s", r.Code, excerpt(r.Body))
	}
	if r = ed.post(edit, url.Values{"action": {"withdraw"}, "confirm": {"1"}}); r.Location != edit+"?done=taken-off" {
		t.Fatalf("withdraw: %d %s", r.Code, excerpt(r.Body))
	}
	if w := n.get(public); w.Code != http.StatusGone {
		t.Errorf("a withdrawn gallery's address: %d", w.Code)
	}

	// An infographic, published at once, edited, withdrawn.
	r = ed.post("/newsroom/infographics", url.Values{"title": {"Cranes by shift"}, "text": {"Evening: two.\n\nNight: four."}, "section": {"politics"},
		"photo": {ids[1]}, "action": {"publish"}})
	im := regexp.MustCompile(`^/infographics/(\d+)$`).FindStringSubmatch(r.Location)
	if im == nil {
		t.Fatalf("publish an infographic: %d %s %s", r.Code, r.Location, excerpt(r.Body))
	}
	iedit := "/newsroom/infographics/" + im[1]
	if page := ed.get(iedit).Body; !strings.Contains(page, "Evening: two.\n\nNight: four.") {
		t.Errorf("the infographic's edit page does not give its text back: %s", excerpt(page))
	}
	if r = ed.post(iedit, url.Values{"title": {"Cranes by shift, March"}, "text": {"Evening: two.\n\nNight: four."}, "section": {"politics"}, "item": {ids[1]}}); r.Location != iedit+"?done=saved" {
		t.Fatalf("edit the infographic: %d %s", r.Code, excerpt(r.Body))
	}
	if w := n.get("/infographics/" + im[1]); w.Code != 200 || !strings.Contains(w.Body.String(), "Cranes by shift, March") {
		t.Errorf("the edited infographic's page: %d", w.Code)
	}
	if r = ed.post(iedit, url.Values{"action": {"withdraw"}, "confirm": {"1"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("withdraw the infographic: %d %s", r.Code, excerpt(r.Body))
	}
	if w := n.get("/infographics/" + im[1]); w.Code != http.StatusGone {
		t.Errorf("a withdrawn infographic's address: %d", w.Code)
	}

	// Bad input is a 4xx in words; reporters may not edit.
	for path, v := range map[string]url.Values{
		edit:                           {"title": {""}, "item": {ids[1]}, "section": {"politics"}},
		"/newsroom/galleries/999999":   {"title": {"x"}},
		"/newsroom/galleries/abc":      {"title": {"x"}},
		"/newsroom/somethings/" + m[1]: {"title": {"x"}},
		"/newsroom/galleries":          {"title": {"No photos"}, "section": {"politics"}},
	} {
		if r := ed.post(path, v); r.Code < 400 || r.Code >= 500 {
			t.Errorf("POST %s %v: %d", path, v, r.Code)
		}
	}
	if r := n.as("reporter@example.org").post(edit, url.Values{"title": {"Mine now"}}); r.Code != http.StatusForbidden {
		t.Errorf("a reporter edits a gallery: %d", r.Code)
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatal(err)
	}
	return id
}
