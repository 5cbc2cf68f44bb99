package newsletter

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/internal/mailpittest"
	"dateline/internal/pgtest"
	"dateline/mail"
	"dateline/postgres"
	"dateline/sqlite"
)

// BenchmarkDigest1000 measures the daily digest for 1,000 confirmed
// readers due at one hour: how fast one node queues them (Digest) and how
// fast the outbox sends them to a real SMTP server (Mailpit), at
// --mail-rate 10000 so the figure is the node's and not the limit's (the
// default rate, 10 a second, sends 1,000 in 100 s). On SQLite, and on
// PostgreSQL too when DATELINE_TEST_POSTGRES is set:
//
//	DATELINE_MAILPIT=... go test ./newsletter -run '^$' -bench Digest1000 -benchtime 1x
func BenchmarkDigest1000(b *testing.B) {
	mp := mailpittest.Start(b)
	engines := map[string]func(b *testing.B) dateline.Store{
		"sqlite": func(b *testing.B) dateline.Store {
			s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "d.db"))
			if err != nil {
				b.Fatal(err)
			}
			return s
		},
	}
	if os.Getenv("DATELINE_TEST_POSTGRES") != "" {
		engines["postgres"] = func(b *testing.B) dateline.Store {
			s, err := postgres.Open(ctx, pgtest.Schema(b), postgres.Options{})
			if err != nil {
				b.Fatal(err)
			}
			return s
		}
	}
	for _, name := range []string{"sqlite", "postgres"} {
		open, ok := engines[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			const readers = 1000
			msk, _ := time.LoadLocation("Europe/Moscow")
			var queuePerSec, sendPerSec float64
			for i := range b.N {
				b.StopTimer()
				s := open(b)
				for _, sec := range dateline.DefaultSections[:3] {
					if err := s.SaveSection(ctx, &sec); err != nil {
						b.Fatal(err)
					}
				}
				at := lastAt(time.Now(), msk, 8, 30)
				for j := range 12 {
					st := at.Add(-time.Duration(j+1) * time.Hour)
					a := &dateline.Article{URI: fmt.Sprintf("d%d", j), Section: dateline.DefaultSections[j%3].Slug, Lang: "en", Status: dateline.StatusPublished,
						PublishedAt: st, SourceVersion: st, Headline: fmt.Sprintf("Digest story %d", j), Lead: "A lead.", Pages: []string{"<p>x</p>"},
						Urgency: 1 + j%5, Source: "wire", WireVersion: "1"}
					if _, err := s.UpsertArticles(ctx, []*dateline.Article{a}, st); err != nil {
						b.Fatal(err)
					}
				}
				tag := fmt.Sprintf("%s-%d-%d", name, i, time.Now().UnixNano())
				for r := range readers {
					addr := fmt.Sprintf("r%d-%s@example.org", r, tag)
					sub := &dateline.NewsSubscriber{Address: addr, Lang: "en", Zone: "Europe/Moscow", Lists: []dateline.NewsList{{ListID: "digest:en", Hour: 8}}}
					if err := s.Subscribe(ctx, sub, at.Add(-48*time.Hour)); err != nil {
						b.Fatal(err)
					}
					if _, err := s.ConfirmNews(ctx, addr, at.Add(-48*time.Hour)); err != nil {
						b.Fatal(err)
					}
				}
				sender := New(s, Config{BaseURL: "https://news.example.org"}, quiet, func() time.Time { return at })
				b.StartTimer()
				start := time.Now()
				n, err := sender.Digest(ctx)
				queued := time.Since(start)
				if err != nil || n != readers {
					b.Fatalf("Digest queued %d, %v; want %d", n, err, readers)
				}
				cfg, _ := mail.ParseURL(mp.URL("news@example.org"), "")
				o := mail.NewOutbox(s, mail.OutboxConfig{SMTP: cfg, BaseURL: "https://news.example.org", Rate: 10000, Every: 10 * time.Millisecond},
					quiet, time.Now, counter{})
				c, cancel := context.WithCancel(ctx)
				var wg sync.WaitGroup
				start = time.Now()
				wg.Go(func() { o.Run(c) })
				for {
					p, err := s.MailOutbox(ctx, dateline.MailPending, 1)
					if err != nil {
						b.Fatal(err)
					}
					if len(p) == 0 {
						break
					}
					if time.Since(start) > 5*time.Minute {
						b.Fatal("the outbox did not send 1,000 digests in 5 minutes")
					}
					time.Sleep(10 * time.Millisecond)
				}
				sent := time.Since(start)
				cancel()
				wg.Wait()
				b.StopTimer()
				if got, err := s.MailOutbox(ctx, dateline.MailSent, readers+1); err != nil || len(got) != readers {
					b.Fatalf("sent %d, %v; want %d", len(got), err, readers)
				}
				s.Close()
				queuePerSec, sendPerSec = readers/queued.Seconds(), readers/sent.Seconds()
			}
			b.ReportMetric(queuePerSec, "queued/s")
			b.ReportMetric(sendPerSec, "sent/s")
			b.ReportMetric(0, "ns/op")
		})
	}
}
