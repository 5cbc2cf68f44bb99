package alerts

import (
	"log/slog"
	"testing"
	"time"

	"dateline"
	"dateline/internal/enginetest"
)

// TestCollectionEventIsNoStory: a gallery's or an infographic's event
// carries its own id, which may be a public story's: the plan alerts the
// story's followers for the story's event and for no collection's.
func TestCollectionEventIsNoStory(t *testing.T) {
	enginetest.Engines(t, func(t *testing.T, open func() dateline.Store) {
		s := open()
		now := time.Now()
		for _, sec := range dateline.DefaultSections {
			if err := s.SaveSection(ctx, &sec); err != nil {
				t.Fatal(err)
			}
		}
		c := &dateline.Client{Name: "Client", SeatLimit: 5}
		if err := s.CreateClient(ctx, c, now); err != nil {
			t.Fatal(err)
		}
		p := &dateline.Product{Name: "Politics", Sections: []string{"politics"}}
		if err := s.CreateProduct(ctx, p, now); err != nil {
			t.Fatal(err)
		}
		if err := s.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: p.ID}); err != nil {
			t.Fatal(err)
		}
		u := &dateline.ClientUser{ClientID: c.ID, Email: "u@example.org", Name: "U"}
		if err := s.CreateClientUser(ctx, u, now); err != nil {
			t.Fatal(err)
		}
		if err := s.AddFollow(ctx, &dateline.Follow{UserID: u.ID, Kind: dateline.FollowTopic, Value: "oil"}, now); err != nil {
			t.Fatal(err)
		}
		a := &dateline.Article{URI: "urn:coll:story", Section: "politics", Lang: "en", Status: dateline.StatusPublished, PublishedAt: now,
			Headline: "Oil", Pages: []string{"<p>Oil.</p>"}, Urgency: 3, Source: "wire", WireVersion: "1", SourceVersion: now,
			Topics: []dateline.Topic{{Slug: "oil", Name: "oil"}}}
		rs, err := s.UpsertArticles(ctx, []*dateline.Article{a}, now)
		if err != nil || rs[0].Refused != nil {
			t.Fatal(err, rs)
		}
		w := New(s, Config{BaseURL: "https://news.example", SiteName: "Dateline"}, slog.New(slog.DiscardHandler), time.Now)
		ev := dateline.Event{ID: 1, At: now, Kind: dateline.EventPublished, ArticleID: rs[0].ID, Section: "politics", Headline: "Oil", Lang: "en"}
		items, err := w.plan(ctx, []dateline.Event{ev})
		if err != nil || len(items) != 1 || items[0].UserID != u.ID {
			t.Fatalf("the story's event plans %+v, %v; want the follower's alert", items, err)
		}
		for _, kind := range []string{dateline.KindGallery, dateline.KindInfographic} {
			ev.Collection, ev.Headline = kind, "A "+kind
			if items, err := w.plan(ctx, []dateline.Event{ev}); err != nil || len(items) != 0 {
				t.Errorf("a %s's event with the story's id plans %+v, %v; want none", kind, items, err)
			}
		}
	})
}
