// Package usage counts what each client takes of the wire, per product,
// day (UTC) and kind (dateline.UsageDelivered, UsageDownloaded, UsageAPI),
// in memory, and writes the sums to the store in batches: a read of the
// API or the portal never waits on a write. A node that dies loses the
// counts of its last half minute at most.
package usage

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"dateline"
)

// Store is where the counts go.
type Store interface {
	AddUsage(ctx context.Context, us []dateline.Usage) error
}

// Every is how often Run writes the counts.
const Every = 30 * time.Second

// maxKeys is how many counts wait before one is written at once.
const maxKeys = 10000

// Counter sums uses until they are written.
type Counter struct {
	store Store
	now   func() time.Time
	log   *slog.Logger

	mu      sync.Mutex
	pending map[dateline.Usage]int64 // by the use with Count 0
}

// New makes a counter writing to store.
func New(store Store, now func() time.Time, log *slog.Logger) *Counter {
	return &Counter{store: store, now: now, log: log, pending: map[dateline.Usage]int64{}}
}

// Add counts n uses of kind of the client's product (0: no one product)
// today.
func (c *Counter) Add(clientID, productID int64, kind string, n int64) {
	if c == nil || clientID == 0 || n <= 0 {
		return
	}
	k := dateline.Usage{ClientID: clientID, ProductID: productID, Day: c.now().UTC().Format(time.DateOnly), Kind: kind}
	c.mu.Lock()
	c.pending[k] += n
	full := len(c.pending) >= maxKeys
	c.mu.Unlock()
	if full {
		go func() {
			if err := c.Flush(context.Background()); err != nil {
				c.log.Error("usage", "err", err)
			}
		}()
	}
}

// Flush writes what was counted; what it could not write is counted
// again for the next time.
func (c *Counter) Flush(ctx context.Context) error {
	c.mu.Lock()
	batch := make([]dateline.Usage, 0, len(c.pending))
	for k, n := range c.pending {
		k.Count = n
		batch = append(batch, k)
	}
	c.pending = map[dateline.Usage]int64{}
	c.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	// In one order, so that two nodes' batches lock rows alike.
	slices.SortFunc(batch, func(a, b dateline.Usage) int {
		return cmp.Or(cmp.Compare(a.ClientID, b.ClientID), cmp.Compare(a.Day, b.Day), cmp.Compare(a.ProductID, b.ProductID), cmp.Compare(a.Kind, b.Kind))
	})
	err := c.store.AddUsage(ctx, batch)
	if err != nil {
		c.mu.Lock()
		for _, u := range batch {
			n := u.Count
			u.Count = 0
			c.pending[u] += n
		}
		c.mu.Unlock()
	}
	return err
}

// Run writes the counts every Every until ctx ends, and once more then.
func (c *Counter) Run(ctx context.Context) {
	t := time.NewTicker(Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if err := c.Flush(fctx); err != nil {
				c.log.Error("usage", "err", err)
			}
			cancel()
			return
		case <-t.C:
			if err := c.Flush(ctx); err != nil {
				c.log.Error("usage", "err", err)
			}
		}
	}
}
