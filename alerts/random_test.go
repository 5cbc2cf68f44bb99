package alerts

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/internal/enginetest"
	"dateline/internal/testseed"
)

// TestAlertsRandom: random clients, products, people and follows against a
// random wire (some stories killed, some corrected): each person's alert
// email carries exactly the public stories their company's products cover
// that match one of their follows, each once; nobody gets a story outside
// their products.
func TestAlertsRandom(t *testing.T) {
	seed := testseed.Seed(t)
	enginetest.Engines(t, func(t *testing.T, open func() dateline.Store) {
		r := rand.New(rand.NewPCG(seed, seed^0x5eed))
		s := open()
		now := time.Now()
		for _, sec := range dateline.DefaultSections {
			if err := s.SaveSection(ctx, &sec); err != nil {
				t.Fatal(err)
			}
		}
		sections := []string{"politics", "world", "economy", "sport"}
		topics := []string{"oil", "gas", "grain", "gold"}
		w := New(s, Config{BaseURL: "https://news.example", SiteName: "Dateline"}, slog.New(slog.DiscardHandler), time.Now)
		if _, err := w.Step(ctx); err != nil { // starts the cursor
			t.Fatal(err)
		}
		type person struct {
			user    dateline.ClientUser
			follows []dateline.Follow
		}
		var people []person
		for ci := range 3 {
			c := &dateline.Client{Name: fmt.Sprint("Client ", ci), SeatLimit: 5}
			if err := s.CreateClient(ctx, c, now); err != nil {
				t.Fatal(err)
			}
			for pi := range 1 + r.IntN(2) {
				p := &dateline.Product{Name: fmt.Sprintf("P%d-%d", ci, pi), Sections: []string{sections[r.IntN(4)]}}
				if r.IntN(3) == 0 {
					p.MaxUrgency = 3
				}
				if err := s.CreateProduct(ctx, p, now); err != nil {
					t.Fatal(err)
				}
				if err := s.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: p.ID}); err != nil {
					t.Fatal(err)
				}
			}
			for ui := range 2 {
				u := &dateline.ClientUser{ClientID: c.ID, Email: fmt.Sprintf("u%d-%d@example.org", ci, ui), Name: "U"}
				if err := s.CreateClientUser(ctx, u, now); err != nil {
					t.Fatal(err)
				}
				pe := person{user: *u}
				for _, i := range r.Perm(4)[:1+r.IntN(2)] {
					f := &dateline.Follow{UserID: u.ID, Kind: dateline.FollowTopic, Value: topics[i]}
					if r.IntN(4) == 0 {
						f = &dateline.Follow{UserID: u.ID, Kind: dateline.FollowSearch, Value: "report " + topics[i]}
					}
					if err := s.AddFollow(ctx, f, now); err != nil {
						t.Fatal(err)
					}
					pe.follows = append(pe.follows, *f)
				}
				people = append(people, pe)
			}
		}
		var ids []int64
		for i := range 30 {
			at := now.Add(time.Duration(i) * time.Millisecond)
			a := &dateline.Article{URI: fmt.Sprint("urn:random:", i), Section: sections[r.IntN(4)], Lang: "en", Status: dateline.StatusPublished, PublishedAt: at,
				Headline: fmt.Sprint("Story ", i), Pages: []string{"<p>A report.</p>"}, Urgency: 1 + r.IntN(9), Source: "wire", WireVersion: "1", SourceVersion: at}
			for _, j := range r.Perm(4)[:r.IntN(3)] {
				a.Topics = append(a.Topics, dateline.Topic{Slug: topics[j], Name: topics[j]})
				a.Pages[0] += " " + topics[j]
			}
			rs, err := s.UpsertArticles(ctx, []*dateline.Article{a}, at)
			if err != nil || rs[0].Refused != nil {
				t.Fatal(err, rs)
			}
			ids = append(ids, rs[0].ID)
			switch r.IntN(5) {
			case 0: // killed
				k := *a
				k.Status, k.WireVersion, k.SourceVersion, k.WithdrawNote = dateline.StatusWithdrawn, "2", at.Add(time.Millisecond), "Wrong."
				if _, err := s.UpsertArticles(ctx, []*dateline.Article{&k}, at); err != nil {
					t.Fatal(err)
				}
			case 1: // corrected
				c := *a
				c.WireVersion, c.SourceVersion = "2", at.Add(time.Millisecond)
				c.Corrections = []dateline.Correction{{At: time.Now(), Text: "A name."}}
				if _, err := s.UpsertArticles(ctx, []*dateline.Article{&c}, at); err != nil {
					t.Fatal(err)
				}
			}
		}
		if n, err := w.Step(ctx); err != nil {
			t.Fatal(err)
		} else {
			t.Logf("%d emails", n)
		}
		articles, err := s.ArticlesByID(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		outbox, err := s.MailOutbox(ctx, dateline.MailPending, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, pe := range people {
			e, err := s.Entitlement(ctx, pe.user.ClientID, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, a := range articles {
				if a.Status == dateline.StatusPublished && e.Covers(a) && slices.ContainsFunc(pe.follows, func(f dateline.Follow) bool { return f.Matches(a) }) {
					want = append(want, a.ID)
				}
			}
			var got []int64
			for _, m := range outbox {
				if m.To != pe.user.Email {
					continue
				}
				for _, id := range ids {
					if n := strings.Count(m.Text, fmt.Sprintf("/wire/items/%d\n", id)); n > 0 {
						got = append(got, id)
						if n > 1 {
							t.Errorf("%s: story %d %d times", m.To, id, n)
						}
					}
				}
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s (follows %v): alerted %v, want %v", pe.user.Email, pe.follows, got, want)
			}
		}
	})
}
