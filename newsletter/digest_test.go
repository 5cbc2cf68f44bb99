package newsletter

import (
	"strings"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/internal/enginetest"
	"dateline/internal/htmlcheck"
)

// fakeClock is a time the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// storeAt stores a published story first published at at.
func storeAt(t *testing.T, s dateline.Store, uri, section string, urgency int, at time.Time, topics ...string) {
	t.Helper()
	a := &dateline.Article{URI: uri, Section: section, Lang: "en", Status: dateline.StatusPublished, PublishedAt: at, SourceVersion: at,
		Headline: "Story " + uri, Lead: "Lead of " + uri + ".", Pages: []string{"<p>x</p>"}, Urgency: urgency, Source: "wire", WireVersion: "1"}
	if section == "mir" {
		a.Lang = "ru"
	}
	for _, tp := range topics {
		a.Topics = append(a.Topics, dateline.Topic{Slug: tp, Name: strings.ToUpper(tp[:1]) + tp[1:]})
	}
	if _, err := s.UpsertArticles(ctx, []*dateline.Article{a}, at); err != nil {
		t.Fatal(err)
	}
}

// lastAt is the latest instant before now at hh:mm in loc.
func lastAt(now time.Time, loc *time.Location, hh, mm int) time.Time {
	l := now.In(loc)
	at := time.Date(l.Year(), l.Month(), l.Day(), hh, mm, 0, 0, loc)
	if at.After(now) {
		at = at.AddDate(0, 0, -1)
	}
	return at
}

// queued returns the outbox's pending messages whose key starts with
// prefix.
func queued(t *testing.T, s dateline.Store, prefix string) []dateline.OutMail {
	t.Helper()
	ms, err := s.MailOutbox(ctx, dateline.MailPending, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []dateline.OutMail
	for _, m := range ms {
		if strings.HasPrefix(m.DedupeKey, prefix) {
			out = append(out, m)
		}
	}
	return out
}

// TestDigestAtLocalHour: a digest goes at the reader's hour in the
// reader's zone, once a day, with the day's top stories of the edition or
// of the chosen sections, most urgent first; two nodes make one; an
// unconfirmed reader gets none.
func TestDigestAtLocalHour(t *testing.T) {
	vlad, _ := time.LoadLocation("Asia/Vladivostok")
	msk, _ := time.LoadLocation("Europe/Moscow")
	pages := map[string][]byte{}
	defer func() { htmlcheck.Nu(t, pages) }()
	enginetest.Engines(t, func(t *testing.T, open func() dateline.Store) {
		a, b := open(), open()
		setup(t, a)
		sub := func(addr, zone string, hour int, confirm bool, sections ...string) {
			s := &dateline.NewsSubscriber{Address: addr, Lang: "en", Zone: zone, Lists: []dateline.NewsList{{ListID: "digest:en", Hour: hour, Sections: sections}}}
			if err := a.Subscribe(ctx, s, time.Now()); err != nil {
				t.Fatal(err)
			}
			if confirm {
				a.ConfirmNews(ctx, addr, time.Now())
			}
		}
		sub("far@example.org", "Asia/Vladivostok", 8, true)
		sub("near@example.org", "Europe/Moscow", 8, true, "economy")
		sub("late@example.org", "Asia/Vladivostok", 8, false)

		day1 := lastAt(time.Now(), vlad, 8, 30)
		storeAt(t, a, "p1", "politics", 3, day1.Add(-3*time.Hour))
		storeAt(t, a, "e1", "economy", 1, day1.Add(-2*time.Hour))
		storeAt(t, a, "w1", "world", 5, day1.Add(-1*time.Hour))
		storeAt(t, a, "m1", "mir", 1, day1.Add(-1*time.Hour))
		storeAt(t, a, "old", "politics", 1, day1.Add(-30*time.Hour))

		c := &fakeClock{t: day1}
		na, nb := New(a, Config{BaseURL: "https://news.example.org"}, quiet, c.Now), New(b, Config{BaseURL: "https://news.example.org"}, quiet, c.Now)
		for _, n := range []*Sender{na, nb, na} {
			if _, err := n.Digest(ctx); err != nil {
				t.Fatal(err)
			}
		}
		ms := queued(t, a, "digest:")
		if len(ms) != 1 || ms[0].To != "far@example.org" || ms[0].ListID != "digest:en" {
			t.Fatalf("at 8:30 in Vladivostok: %+v", ms)
		}
		text := ms[0].Text
		e, p, w := strings.Index(text, "Story e1"), strings.Index(text, "Story p1"), strings.Index(text, "Story w1")
		if e < 0 || p < e || w < p || strings.Contains(text, "Story m1") || strings.Contains(text, "Story old") {
			t.Errorf("the digest's stories (urgency order, English edition, last day):\n%s", text)
		}
		if !strings.Contains(text, "/unsubscribe/") || !strings.Contains(text, "/subscriptions/") {
			t.Errorf("the digest lacks its links:\n%s", text)
		}
		pages["digest "+t.Name()] = []byte(ms[0].HTML)

		// Moscow's 8 o'clock: the economy digest only.
		c.Set(lastAt(day1.Add(12*time.Hour), msk, 8, 5))
		storeAt(t, a, "e2", "economy", 4, c.Now().Add(-time.Hour))
		nb.Digest(ctx)
		na.Digest(ctx)
		ms = queued(t, a, "digest:digest:en:near@")
		if len(ms) != 1 || !strings.Contains(ms[0].Text, "Story e2") || strings.Contains(ms[0].Text, "Story p1") {
			t.Fatalf("Moscow's digest: %+v", ms)
		}
		// The next day in Vladivostok: a second one; a later minute of
		// the hour: none more.
		c.Set(day1.Add(24 * time.Hour))
		storeAt(t, a, "p2", "politics", 2, c.Now().Add(-time.Hour))
		na.Digest(ctx)
		c.Set(day1.Add(24*time.Hour + 20*time.Minute))
		nb.Digest(ctx)
		if ms := queued(t, a, "digest:digest:en:far@"); len(ms) != 2 {
			t.Errorf("Vladivostok's digests after two days: %d", len(ms))
		}
		if ms := queued(t, a, "digest:digest:en:late@"); len(ms) != 0 {
			t.Errorf("an unconfirmed reader got a digest")
		}
	})
}

// TestFollowsBatched: the stories of a followed topic go in one message
// an hour (the hour before), to confirmed followers only.
func TestFollowsBatched(t *testing.T) {
	enginetest.Engines(t, func(t *testing.T, open func() dateline.Store) {
		a := open()
		setup(t, a)
		subscribe(t, a, "fan@example.org", true, "topic:summit")
		subscribe(t, a, "shy@example.org", false, "topic:summit")
		subscribe(t, a, "other@example.org", true, "topic:harvest")
		hour := time.Now().UTC().Truncate(time.Hour).Add(-2 * time.Hour)
		for i, uri := range []string{"s1", "s2", "s3"} {
			storeAt(t, a, uri, "politics", 4, hour.Add(time.Duration(10+i*15)*time.Minute), "summit")
		}
		storeAt(t, a, "s4", "world", 4, hour.Add(time.Hour+5*time.Minute), "summit")
		storeAt(t, a, "x1", "world", 4, hour.Add(20*time.Minute), "elsewhere")

		c := &fakeClock{t: hour.Add(time.Hour + 2*time.Minute)}
		n := New(a, Config{BaseURL: "https://news.example.org"}, quiet, c.Now)
		n.Follows(ctx)
		c.Set(hour.Add(time.Hour + 40*time.Minute))
		n.Follows(ctx)
		ms := queued(t, a, "follow:")
		if len(ms) != 1 || ms[0].To != "fan@example.org" || ms[0].ListID != "topic:summit" {
			t.Fatalf("after the first hour: %+v", ms)
		}
		for _, want := range []string{"Story s1", "Story s2", "Story s3"} {
			if !strings.Contains(ms[0].Text, want) {
				t.Errorf("the batch lacks %s:\n%s", want, ms[0].Text)
			}
		}
		if strings.Contains(ms[0].Text, "Story s4") || strings.Contains(ms[0].Text, "Story x1") {
			t.Errorf("the batch has a story of another hour or topic:\n%s", ms[0].Text)
		}
		c.Set(hour.Add(2*time.Hour + time.Minute))
		n.Follows(ctx)
		ms = queued(t, a, "follow:")
		if len(ms) != 2 || !strings.Contains(ms[1].Text, "Story s4") || strings.Contains(ms[1].Text, "Story s1") {
			t.Fatalf("after the second hour: %+v", ms)
		}
	})
}
