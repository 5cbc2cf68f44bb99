package alerts

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/internal/enginetest"
	"dateline/internal/mailpittest"
	"dateline/mail"
)

var ctx = context.Background()

// TestTwoNodes: two nodes on one database run the worker at once over the
// same stories; each user gets one email listing every story once, and
// each alert is recorded and sent once.
func TestTwoNodes(t *testing.T) {
	mp := mailpittest.Start(t)
	enginetest.Engines(t, func(t *testing.T, open func() dateline.Store) {
		a, b := open(), open()
		engine := t.Name()[strings.LastIndex(t.Name(), "/")+1:]
		now := time.Now()
		for _, sec := range dateline.DefaultSections {
			if err := a.SaveSection(ctx, &sec); err != nil {
				t.Fatal(err)
			}
		}
		c := &dateline.Client{Name: "Sport Daily", SeatLimit: 10}
		if err := a.CreateClient(ctx, c, now); err != nil {
			t.Fatal(err)
		}
		p := &dateline.Product{Name: "Sport", Sections: []string{"sport"}}
		if err := a.CreateProduct(ctx, p, now); err != nil {
			t.Fatal(err)
		}
		if err := a.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: p.ID}); err != nil {
			t.Fatal(err)
		}
		const users, stories = 6, 12
		for i := range users {
			u := &dateline.ClientUser{ClientID: c.ID, Email: fmt.Sprintf("u%d-%s@sport.example", i, engine), Name: fmt.Sprint("User ", i)}
			if err := a.CreateClientUser(ctx, u, now); err != nil {
				t.Fatal(err)
			}
			f := &dateline.Follow{UserID: u.ID, Kind: dateline.FollowTopic, Value: "football"}
			if i%2 == 1 {
				f = &dateline.Follow{UserID: u.ID, Kind: dateline.FollowSearch, Value: "cup"}
			}
			if err := a.AddFollow(ctx, f, now); err != nil {
				t.Fatal(err)
			}
			if i%3 == 0 {
				if err := a.SetAlertLang(ctx, u.ID, "ru"); err != nil {
					t.Fatal(err)
				}
			}
		}
		// The first step starts the alerts' cursor: the stories after it
		// are alerted.
		if _, err := New(a, Config{}, slog.New(slog.DiscardHandler), time.Now).Step(ctx); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for i := range stories {
			at := now.Add(time.Duration(i) * time.Millisecond)
			art := &dateline.Article{URI: fmt.Sprint("urn:alerts:", i), Section: "sport", Lang: "en", Status: dateline.StatusPublished, PublishedAt: at,
				Headline: fmt.Sprint("Cup match ", i), Pages: []string{"<p>x</p>"}, Urgency: 3, Source: "wire", WireVersion: "1", SourceVersion: at,
				Topics: []dateline.Topic{{Slug: "football", Name: "Football"}}}
			rs, err := a.UpsertArticles(ctx, []*dateline.Article{art}, at)
			if err != nil || rs[0].Refused != nil {
				t.Fatal(err, rs)
			}
			ids = append(ids, rs[0].ID)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		queued := 0
		for _, s := range []dateline.Store{a, b} {
			wg.Go(func() {
				w := New(s, Config{BaseURL: "https://news.example", SiteName: "Dateline"}, slog.New(slog.DiscardHandler), time.Now)
				for range 5 {
					n, err := w.Step(ctx)
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					queued += n
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if queued != users {
			t.Errorf("the nodes queued %d emails, want %d", queued, users)
		}
		smtp, _ := mail.ParseURL(mp.URL("wire@news.example"), "")
		outbox := mail.NewOutbox(a, mail.OutboxConfig{SMTP: smtp, BaseURL: "https://news.example", Rate: 100}, slog.New(slog.DiscardHandler), time.Now, nil)
		if n, err := outbox.Send(ctx); err != nil || n != users {
			t.Fatalf("sent %d, %v", n, err)
		}
		per := map[string]int{}
		for _, s := range mp.Wait(t, users, 10*time.Second) {
			if strings.Contains(s.To[0].Address, "-"+engine+"@") {
				per[s.To[0].Address]++
				m := mp.Message(t, s.ID)
				ru := strings.HasPrefix(s.To[0].Address, "u0-") || strings.HasPrefix(s.To[0].Address, "u3-")
				if want := fmt.Sprintf("Новых материалов по вашим подпискам в ленте Dateline: %d", stories); ru && m.Subject != want || !ru && m.Subject != fmt.Sprintf("%d new stories you follow on the Dateline wire", stories) {
					t.Errorf("%s: subject %q", s.To[0].Address, m.Subject)
				}
				for _, id := range ids {
					if n := strings.Count(m.Text, fmt.Sprintf("/wire/items/%d\r\n", id)); n != 1 {
						t.Errorf("%s has story %d %d times:\n%q", s.To[0].Address, id, n, m.Text)
					}
				}
			}
		}
		if len(per) != users {
			t.Errorf("emails to %d users, want %d", len(per), users)
		}
		for addr, n := range per {
			if n != 1 {
				t.Errorf("%s got %d emails", addr, n)
			}
		}
	})
}
