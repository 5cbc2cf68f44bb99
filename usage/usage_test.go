package usage_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/internal/pgtest"
	"dateline/postgres"
	"dateline/sqlite"
	"dateline/usage"
)

// TestCounter counts from many goroutines across a day's end and two
// flushes, on both engines: the stored sums are the counted ones, per
// client, product, day and kind, and a flush of nothing writes nothing.
func TestCounter(t *testing.T) {
	ctx := context.Background()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			var s dateline.Store
			var err error
			if engine == "sqlite" {
				s, err = sqlite.Open(ctx, filepath.Join(t.TempDir(), "dateline.db"))
			} else {
				s, err = postgres.Open(ctx, pgtest.Schema(t), postgres.Options{})
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			c := &dateline.Client{Name: "Counted", SeatLimit: 1}
			if err := s.CreateClient(ctx, c, time.Now()); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			now := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			k := usage.New(s, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
			count := func() {
				var wg sync.WaitGroup
				for g := range 8 {
					wg.Go(func() {
						for i := range 100 {
							k.Add(c.ID, int64(g%2), dateline.UsageDelivered, 1)
							if i%10 == 0 {
								k.Add(c.ID, 0, dateline.UsageAPI, 2)
							}
						}
					})
				}
				wg.Wait()
			}
			count()
			if err := k.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			count()
			mu.Lock()
			now = now.Add(2 * time.Minute) // the next day
			mu.Unlock()
			count()
			k.Add(0, 1, dateline.UsageAPI, 5)    // no client: not counted
			k.Add(c.ID, 1, dateline.UsageAPI, 0) // nothing
			if err := k.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if err := k.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			us, err := s.UsageOf(ctx, c.ID, "2026-12-31", "2027-01-01")
			if err != nil {
				t.Fatal(err)
			}
			got := map[dateline.Usage]int64{}
			for _, u := range us {
				n := u.Count
				u.Count = 0
				got[u] = n
			}
			want := map[dateline.Usage]int64{
				{ClientID: c.ID, ProductID: 0, Day: "2026-12-31", Kind: dateline.UsageDelivered}: 800,
				{ClientID: c.ID, ProductID: 1, Day: "2026-12-31", Kind: dateline.UsageDelivered}: 800,
				{ClientID: c.ID, ProductID: 0, Day: "2026-12-31", Kind: dateline.UsageAPI}:       320,
				{ClientID: c.ID, ProductID: 0, Day: "2027-01-01", Kind: dateline.UsageDelivered}: 400,
				{ClientID: c.ID, ProductID: 1, Day: "2027-01-01", Kind: dateline.UsageDelivered}: 400,
				{ClientID: c.ID, ProductID: 0, Day: "2027-01-01", Kind: dateline.UsageAPI}:       160,
			}
			if len(got) != len(want) {
				t.Fatalf("usage: %v, want %v", got, want)
			}
			for k, n := range want {
				if got[k] != n {
					t.Errorf("%+v: %d, want %d", k, got[k], n)
				}
			}
		})
	}
}
