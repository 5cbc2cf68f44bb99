package storetest

import (
	"context"
	"testing"
	"time"

	"dateline"
)

// testCollectionEvents: a gallery's or an infographic's save logs its
// publish, update or kill in the event log (Collection its kind,
// ArticleID its id, its title, section and the section's edition), in
// the same order as stories' events, read alike by Events and by the
// fan-outs' cursor; a draft's or a withdrawn one's save logs nothing, and
// a story's events keep Collection "".
func testCollectionEvents(t *testing.T, s dateline.Store) {
	ru := dateline.Section{Slug: "politika", Name: "Политика", Position: 20, Lang: "ru"}
	if err := s.SaveSection(ctx, &ru); err != nil {
		t.Fatal(err)
	}
	photo := dateline.Photo{URI: "urn:ce:p1", Path: "ce/1.jpg", Width: 800, Height: 600, Caption: "Quay", Credit: "DATELINE"}
	if err := s.SavePhoto(ctx, &photo, time.Now()); err != nil {
		t.Fatal(err)
	}
	// The alerts' cursor starts at the newest event.
	noAlerts := func(context.Context, []dateline.Event) ([]dateline.AlertItem, error) { return nil, nil }
	if _, err := s.FanOutAlerts(ctx, 100, base, noAlerts); err != nil {
		t.Fatal(err)
	}
	last, err := s.LastEventID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		kind, collection, section, title, lang string
		id                                     func() int64
	}
	var wants []want
	g := &dateline.Gallery{URI: "urn:ce:g", Section: "politics", Title: "Quay draft", PublishedAt: base,
		Photos: []dateline.Photo{photo}, Status: dateline.StatusDraft}
	gid := func() int64 { return g.ID }
	saveG := func(st dateline.Status, title string, w string) {
		t.Helper()
		g.Status, g.Title = st, title
		if err := s.SaveGallery(ctx, g, base); err != nil {
			t.Fatal(err)
		}
		if w != "" {
			wants = append(wants, want{w, dateline.KindGallery, g.Section, title, "en", gid})
		}
	}
	saveG(dateline.StatusDraft, "Quay draft", "")
	saveG(dateline.StatusPublished, "Quay", dateline.EventPublished)
	saveG(dateline.StatusPublished, "Quay at dusk", dateline.EventUpdated)
	// A story between: its event is a story's, its id may equal the
	// gallery's.
	a := story("urn:ce:story", "politics", "Story between", "<p>Body</p>", base)
	storyID := upsert(t, s, base, a)[0].ID
	wants = append(wants, want{dateline.EventPublished, "", "politics", "Story between", "en", func() int64 { return storyID }})
	saveG(dateline.StatusWithdrawn, "Quay at dusk", dateline.EventWithdrawn)
	saveG(dateline.StatusWithdrawn, "Quay withdrawn", "")
	saveG(dateline.StatusDraft, "Quay redrafted", "")
	saveG(dateline.StatusPublished, "Quay again", dateline.EventPublished)
	saveG(dateline.StatusDraft, "Quay back to draft", dateline.EventWithdrawn)
	// An infographic saved without a status is published, in a section
	// of the Russian edition.
	ig := &dateline.Infographic{URI: "urn:ce:i", Section: "politika", Title: "Бюджет", Text: "<p>Text</p>", PublishedAt: base,
		Images: []dateline.Photo{photo}}
	if err := s.SaveInfographic(ctx, ig, base); err != nil {
		t.Fatal(err)
	}
	wants = append(wants, want{dateline.EventPublished, dateline.KindInfographic, "politika", "Бюджет", "ru", func() int64 { return ig.ID }})
	// A refused save logs nothing.
	bad := &dateline.Infographic{URI: "urn:ce:bad", Section: "nowhere", Title: "Bad", Images: []dateline.Photo{photo}}
	wantCode(t, s.SaveInfographic(ctx, bad, base), dateline.EUNPROCESSABLE)

	check := func(from string, es []dateline.Event) {
		t.Helper()
		if len(es) != len(wants) {
			t.Fatalf("%s: %d events, want %d: %+v", from, len(es), len(wants), es)
		}
		for i, w := range wants {
			e := es[i]
			if e.Kind != w.kind || e.Collection != w.collection || e.ArticleID != w.id() || e.Section != w.section ||
				e.Headline != w.title || e.Lang != w.lang || e.IsStory() != (w.collection == "") {
				t.Errorf("%s: event %d = %+v; want %+v (id %d)", from, i, e, w, w.id())
			}
			if w.collection != "" && (e.Urgency != 0 || e.Breaking || len(e.Topics) != 0) {
				t.Errorf("%s: event %d of a collection carries a story's fields: %+v", from, i, e)
			}
			if i > 0 && e.ID <= es[i-1].ID {
				t.Errorf("%s: event ids out of order: %+v", from, es)
			}
		}
	}
	es, err := s.Events(ctx, last, 0)
	if err != nil {
		t.Fatal(err)
	}
	check("Events", es)
	var fanned []dateline.Event
	if _, err := s.FanOutAlerts(ctx, 100, base, func(_ context.Context, es []dateline.Event) ([]dateline.AlertItem, error) {
		fanned = append(fanned, es...)
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	check("FanOutAlerts", fanned)
}
