package newsletter

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/internal/enginetest"
	"dateline/internal/mailpittest"
	"dateline/internal/testseed"
	"dateline/mail"
)

var (
	ctx   = context.Background()
	quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
)

func setup(t *testing.T, s dateline.Store) {
	t.Helper()
	for _, sec := range append(dateline.DefaultSections[:3:3], dateline.Section{Slug: "mir", Name: "Мир", Position: 9, Lang: "ru"}) {
		if err := s.SaveSection(ctx, &sec); err != nil {
			t.Fatal(err)
		}
	}
}

func subscribe(t *testing.T, s dateline.Store, address string, confirm bool, lists ...string) {
	t.Helper()
	sub := &dateline.NewsSubscriber{Address: address, Lang: "en"}
	for _, l := range lists {
		sub.Lists = append(sub.Lists, dateline.NewsList{ListID: l})
	}
	if err := s.Subscribe(ctx, sub, time.Now()); err != nil {
		t.Fatal(err)
	}
	if confirm {
		if _, err := s.ConfirmNews(ctx, address, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
}

type story struct {
	uri, section string
	urgency      int
	breaking     bool
	embargo      bool // released later
	kill         bool // withdrawn before the alerter reads it
	id           int64
	at           time.Time // when it was first stored
}

func (st *story) alerts() bool {
	return !st.kill && (st.breaking || st.urgency == 1 || st.urgency == 2)
}

func (st *story) edition() string {
	if st.section == "mir" {
		return "ru"
	}
	return "en"
}

func put(t *testing.T, s dateline.Store, st *story, version int) {
	t.Helper()
	at := time.Now()
	a := &dateline.Article{URI: st.uri, Section: st.section, Lang: st.edition(), Status: dateline.StatusPublished, PublishedAt: at,
		Headline: "Story " + st.uri, Lead: "Lead.", Pages: []string{"<p>x</p>"}, Urgency: st.urgency, Breaking: st.breaking,
		Source: "wire", WireVersion: strconv.Itoa(version), SourceVersion: at.Add(time.Duration(version) * time.Millisecond)}
	switch {
	case st.embargo && version == 1:
		a.Status, a.PublishedAt, a.EmbargoUntil, a.Embargoed = dateline.StatusScheduled, time.Time{}, at.Add(100*time.Millisecond), true
	case version == 2:
		a.Status, a.WithdrawNote = dateline.StatusWithdrawn, "Legal."
	}
	rs, err := s.UpsertArticles(ctx, []*dateline.Article{a}, at)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) > 0 && rs[0].ID != 0 {
		st.id = rs[0].ID
	}
	if version == 1 {
		st.at = at
	}
}

// TestAlertTwoNodes: two nodes run the alerter and the outbox on one
// database; each confirmed reader of an edition gets each breaking story
// of it once in Mailpit; unconfirmed readers, ordinary stories, a story
// killed before its alert and an embargo before its release send
// nothing; a kill after the alert was queued takes it out of the outbox.
func TestAlertTwoNodes(t *testing.T) {
	mp := mailpittest.Start(t)
	enginetest.Engines(t, func(t *testing.T, open func() dateline.Store) {
		a, b := open(), open()
		setup(t, a)
		tag := strings.ReplaceAll(t.Name(), "/", "-")
		addr := func(i int) string { return fmt.Sprintf("r%d-%s@example.org", i, tag) }
		for i := range 6 {
			subscribe(t, a, addr(i), true, "breaking:en")
		}
		subscribe(t, b, addr(6), false, "breaking:en", "breaking:ru")
		subscribe(t, b, addr(7), true, "breaking:ru")
		stories := []*story{
			{uri: "u1", section: "politics", urgency: 1},
			{uri: "u2", section: "world", urgency: 3},
			{uri: "u3", section: "economy", urgency: 5, breaking: true},
			{uri: "u4", section: "mir", urgency: 2},
			{uri: "u5", section: "politics", urgency: 1, kill: true},
			{uri: "u6", section: "world", urgency: 1, embargo: true},
		}
		for _, st := range stories {
			put(t, a, st, 1)
			if st.kill {
				put(t, a, st, 2)
			}
		}
		na, nb := New(a, Config{BaseURL: "https://news.example.org"}, quiet, time.Now), New(b, Config{BaseURL: "https://news.example.org"}, quiet, time.Now)
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				if _, err := na.Alert(ctx); err != nil {
					t.Error(err)
				}
			})
			wg.Go(func() {
				if _, err := nb.Alert(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		pending, _ := a.MailOutbox(ctx, dateline.MailPending, 1000)
		for _, m := range pending {
			if strings.Contains(m.DedupeKey, ":"+strconv.FormatInt(stories[5].id, 10)+":") {
				t.Errorf("an embargoed story's alert before its release: %s", m.DedupeKey)
			}
		}
		// Queued, then killed before the outbox ran: not sent.
		late := &story{uri: "u7", section: "politics", urgency: 1}
		put(t, a, late, 1)
		if _, err := nb.Alert(ctx); err != nil {
			t.Fatal(err)
		}
		put(t, a, late, 2)
		time.Sleep(150 * time.Millisecond)
		if _, err := a.PublishDue(ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := na.Alert(ctx); err != nil {
			t.Fatal(err)
		}

		want := map[string]int{}
		for i := range 8 {
			for _, st := range stories {
				if st.alerts() && i != 6 && (st.edition() == "en") == (i < 6) {
					subject := "Breaking: Story "
					if st.edition() == "ru" {
						subject = "Срочно: Story "
					}
					want[addr(i)+" "+subject+st.uri]++
				}
			}
		}
		cfg, _ := mail.ParseURL(mp.URL("news@example.org"), "")
		oc := mail.OutboxConfig{SMTP: cfg, BaseURL: "https://news.example.org", Rate: 100, Every: 20 * time.Millisecond}
		c, cancel := context.WithCancel(ctx)
		for _, s := range []dateline.Store{a, b} {
			o := mail.NewOutbox(s, oc, quiet, time.Now, counter{})
			wg.Go(func() { o.Run(c) })
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			p, _ := a.MailOutbox(ctx, dateline.MailPending, 10)
			if len(p) == 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		wg.Wait()
		got := map[string]int{}
		for _, m := range mp.Messages(t) {
			if strings.HasSuffix(m.To[0].Address, tag+"@example.org") {
				got[m.To[0].Address+" "+m.Subject]++
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Mailpit has\n%v\nwant\n%v", got, want)
		}
	})
}

type counter struct{}

func (counter) Mail(string, int) {}

// TestAlertRandom plays readers and a wire at random on two nodes: no
// reader is queued a story twice, a story outside their subscriptions, a
// story before confirming, an ordinary or killed story; every confirmed
// reader of an edition is queued each of its breaking stories.
func TestAlertRandom(t *testing.T) {
	seed := testseed.Seed(t)
	enginetest.Engines(t, func(t *testing.T, open func() dateline.Store) {
		r := rand.New(rand.NewPCG(seed, 21))
		a, b := open(), open()
		setup(t, a)
		nodes := []*Sender{New(a, Config{BaseURL: "https://x.example"}, quiet, time.Now), New(b, Config{BaseURL: "https://x.example"}, quiet, time.Now)}
		stores := []dateline.Store{a, b}
		type reader struct {
			lists     map[string]bool
			confirmed time.Time // events after it count; zero: never
		}
		readers := map[string]*reader{}
		var stories []*story
		sections := []string{"politics", "world", "economy", "mir"}
		for step := range 120 {
			switch k := r.IntN(10); {
			case k < 3:
				addr := fmt.Sprintf("reader%d@example.org", r.IntN(15))
				rd := readers[addr]
				if rd == nil {
					rd = &reader{lists: map[string]bool{}}
					readers[addr] = rd
				}
				var lists []string
				for _, l := range []string{"breaking:en", "breaking:ru"} {
					if r.IntN(2) == 0 {
						lists = append(lists, l)
					}
				}
				if len(lists) == 0 {
					lists = []string{"breaking:en"}
				}
				subscribe(t, stores[r.IntN(2)], addr, false, lists...)
				for _, l := range lists {
					if !rd.lists[l] {
						rd.lists[l] = true
						if !rd.confirmed.IsZero() {
							// A new list waits for its own confirmation:
							// the model stops counting this reader.
							rd.confirmed = time.Time{}
							delete(readers, addr)
							readers[addr] = &reader{lists: rd.lists}
						}
					}
				}
			case k < 4:
				for addr, rd := range readers {
					if rd.confirmed.IsZero() && r.IntN(2) == 0 {
						if _, err := stores[r.IntN(2)].ConfirmNews(ctx, addr, time.Now()); err != nil {
							t.Fatal(err)
						}
						rd.confirmed = time.Now()
					}
				}
			case k < 9:
				st := &story{uri: "s" + strconv.Itoa(step), section: sections[r.IntN(4)], urgency: 1 + r.IntN(5), breaking: r.IntN(8) == 0, kill: r.IntN(6) == 0}
				put(t, a, st, 1)
				if st.kill {
					put(t, a, st, 2)
				}
				stories = append(stories, st)
			default:
				var wg sync.WaitGroup
				for _, n := range nodes {
					wg.Go(func() {
						if _, err := n.Alert(ctx); err != nil {
							t.Error(err)
						}
					})
				}
				wg.Wait()
			}
		}
		for _, n := range nodes {
			if _, err := n.Alert(ctx); err != nil {
				t.Fatal(err)
			}
		}
		byID := map[int64]*story{}
		for _, st := range stories {
			byID[st.id] = st
		}
		queued, err := a.MailOutbox(ctx, dateline.MailPending, 100000)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, m := range queued {
			if !strings.HasPrefix(m.DedupeKey, "alert:") {
				continue
			}
			parts := strings.SplitN(m.DedupeKey, ":", 3)
			id, _ := strconv.ParseInt(parts[1], 10, 64)
			st, rd := byID[id], readers[strings.ToLower(m.To)]
			if seen[m.DedupeKey] {
				t.Errorf("%s queued twice", m.DedupeKey)
			}
			seen[m.DedupeKey] = true
			switch {
			case st == nil || rd == nil:
				t.Errorf("%s: an unknown story or reader", m.DedupeKey)
			case !st.alerts():
				t.Errorf("%s: story %s (urgency %d, killed %v) is not breaking", m.DedupeKey, st.uri, st.urgency, st.kill)
			case !rd.lists["breaking:"+st.edition()]:
				t.Errorf("%s: the reader has not subscribed to breaking:%s", m.DedupeKey, st.edition())
			case m.ListID != "breaking:"+st.edition():
				t.Errorf("%s: list %s", m.DedupeKey, m.ListID)
			}
		}
		for addr, rd := range readers {
			for _, st := range stories {
				if !rd.confirmed.IsZero() && st.at.After(rd.confirmed) && st.alerts() && rd.lists["breaking:"+st.edition()] && !seen[AlertKey(st.id, addr)] {
					t.Errorf("%s was not queued story %s (%s, urgency %d)", addr, st.uri, st.section, st.urgency)
				}
			}
		}
		t.Logf("%d readers, %d stories, %d alerts queued", len(readers), len(stories), len(seen))
	})
}
