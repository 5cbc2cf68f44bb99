package newsletter

import (
	"slices"
	"testing"
	"time"

	"dateline"
)

// TestCollectionEventIsNoStory: a gallery's or an infographic's event
// carries its own id, which may be a story's. A collection withdrawn must
// not cancel the story's queued breaking alerts, and none is alerted.
func TestCollectionEventIsNoStory(t *testing.T) {
	s := &Sender{}
	none := func(string) ([]dateline.NewsRecipient, error) {
		t.Fatal("a collection's event reads a breaking list")
		return nil, nil
	}
	story := dateline.Event{ID: 9, At: time.Now(), Kind: dateline.EventWithdrawn, ArticleID: 7, Section: "politics", Lang: "en"}
	p, err := s.plan(ctx, nil, nil, []dateline.Event{story}, none)
	if err != nil || !slices.Equal(p.Cancel, []string{"alert:7:"}) {
		t.Fatalf("a story's kill plans %+v, %v; want its alerts canceled", p, err)
	}
	for _, kind := range []string{dateline.KindGallery, dateline.KindInfographic} {
		for _, ek := range []string{dateline.EventPublished, dateline.EventUpdated, dateline.EventWithdrawn} {
			ev := story
			ev.Kind, ev.Collection, ev.Urgency, ev.Breaking = ek, kind, 1, true
			if p, err := s.plan(ctx, nil, nil, []dateline.Event{ev}, none); err != nil || len(p.Cancel) != 0 || len(p.Mail) != 0 {
				t.Errorf("a %s's %s event with a story's id plans %+v, %v; want nothing", kind, ek, p, err)
			}
		}
	}
}
