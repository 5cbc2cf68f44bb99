package readership

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"dateline"
)

// fakeStore keeps views and answers the rest from fields.
type fakeStore struct {
	mu        sync.Mutex
	views     []dateline.ViewCount
	published map[int64]bool
	asked     int // PublishedIDs calls
	ranked    []dateline.Ranked
	events    []dateline.Event
}

func (f *fakeStore) AddViews(_ context.Context, c []dateline.ViewCount) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.views = append(f.views, c...)
	return nil
}
func (f *fakeStore) ExpireViews(context.Context, time.Time) error { return nil }
func (f *fakeStore) MostRead(_ context.Context, _ dateline.Period, section string, _ int) ([]dateline.Ranked, error) {
	if section != "" {
		return nil, nil
	}
	return f.ranked, nil
}
func (f *fakeStore) PublishedIDs(_ context.Context, ids []int64) (map[int64]bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked++
	m := map[int64]bool{}
	for _, id := range ids {
		m[id] = f.published[id]
	}
	return m, nil
}
func (f *fakeStore) Events(_ context.Context, after int64, limit int) ([]dateline.Event, error) {
	var out []dateline.Event
	for _, e := range f.events {
		if e.ID > after && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}
func (f *fakeStore) LastEventID(context.Context) (int64, error) { return 0, nil }
func (f *fakeStore) Topic(_ context.Context, slug string) (*dateline.Topic, error) {
	return &dateline.Topic{Slug: slug, Name: "Topic " + slug}, nil
}

type fakeSite struct{ invalidated int }

func (s *fakeSite) Sections() []string                   { return []string{"world"} }
func (s *fakeSite) SectionName(slug string) string       { return "World" }
func (s *fakeSite) StoryURL(sec string, id int64) string { return "/" + sec + "/1" }
func (s *fakeSite) Invalidate()                          { s.invalidated++ }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestPublishedIsRemembered(t *testing.T) {
	st := &fakeStore{published: map[int64]bool{1: true}}
	s := New(st, &fakeSite{}, nil, quiet, nil)
	for range 3 {
		if ok, err := s.Published(context.Background(), 1); !ok || err != nil {
			t.Fatalf("Published(1) = %v, %v", ok, err)
		}
	}
	if st.asked != 1 {
		t.Errorf("the store was asked %d times, want 1", st.asked)
	}
	s.Changed()
	s.Published(context.Background(), 1)
	if st.asked != 2 {
		t.Errorf("after a change the store was asked %d times in all, want 2", st.asked)
	}
}

func TestRankingsInvalidateOnlyWhenChanged(t *testing.T) {
	st := &fakeStore{ranked: []dateline.Ranked{{Article: dateline.Article{ID: 1, Headline: "A"}, Views: 3}}}
	site := &fakeSite{}
	s := New(st, site, nil, quiet, nil)
	ctx := context.Background()
	for range 2 {
		if err := s.RefreshRankings(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if site.invalidated != 1 {
		t.Errorf("pages dropped %d times, want 1", site.invalidated)
	}
	if got := s.MostRead(dateline.PeriodToday, ""); len(got) != 1 || got[0].ID != 1 {
		t.Errorf("MostRead = %v", got)
	}
	st.published = map[int64]bool{1: false}
	list := s.MostRead(dateline.PeriodToday, "")
	if err := s.StillPublished(ctx, &list); err != nil || len(list) != 0 {
		t.Errorf("StillPublished kept %v (%v)", list, err)
	}
	if len(s.MostRead(dateline.PeriodToday, "")) != 1 {
		t.Error("StillPublished changed the shared ranking")
	}
}

func TestRunFlushesViewsAtTheEnd(t *testing.T) {
	st := &fakeStore{published: map[int64]bool{7: true}}
	s := New(st, &fakeSite{}, nil, quiet, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	s.View(7, "192.0.2.1", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
	cancel()
	<-done
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.views) != 1 || st.views[0].ArticleID != 7 {
		t.Errorf("views written: %+v", st.views)
	}
}

func TestPumpAndWebSub(t *testing.T) {
	var mu sync.Mutex
	var pinged []string
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		mu.Lock()
		pinged = append(pinged, r.Form.Get("hub.url"))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hub.Close()
	ws := NewWebSub(hub.URL, "https://news.example", func(e dateline.Event) []string {
		return []string{"https://news.example/" + e.Section + "/feed.rss", "https://news.example/feed.rss"}
	}, quiet)
	st := &fakeStore{events: []dateline.Event{
		{ID: 1, ArticleID: 1, Kind: "published", Section: "world", Topics: []string{"space"}},
		{ID: 2, ArticleID: 2, Kind: "published", Section: "science"},
	}}
	s := New(st, &fakeSite{}, ws, quiet, nil)
	sub, _, _ := s.Hub().Subscribe(0)
	defer s.Hub().Unsubscribe(sub)
	s.PumpOnce(context.Background())
	ws.Wait()
	if len(sub.C) != 2 {
		t.Errorf("%d messages on the stream, want 2", len(sub.C))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(pinged) != 3 {
		t.Errorf("pinged %v, want the two section feeds and the site's once", pinged)
	}
}

func TestNoHub(t *testing.T) {
	if NewWebSub("", "https://news.example", nil, quiet) != nil {
		t.Fatal("a WebSub without a hub")
	}
	var ws *WebSub
	ws.Notify([]dateline.Event{{Kind: "published"}}) // no panic
	ws.Wait()
}
