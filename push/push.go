// Package push delivers a client's items to its destinations: one node at
// a time fans the store's event log out into an outbox of deliveries
// (Store.FanOutPush), and every node's senders claim due deliveries, POST
// them signed, and record the outcome, retrying with exponential backoff.
// A delivery is sent only after every earlier one of the same story to the
// same destination was acknowledged (order per item); a node that dies
// mid-send frees its deliveries when their lease ends (at least once).
package push

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"dateline"
	"dateline/internal/backoff"
	"dateline/internal/netguard"
	"dateline/ninjs"
)

// Store is what push uses of the store.
type Store interface {
	dateline.Pushes
	ArticlesByID(ctx context.Context, ids []int64) ([]*dateline.Article, error)
	Entitlement(ctx context.Context, clientID int64, now time.Time) (dateline.Entitlement, error)
}

// Config tunes a Pusher; the zero value is production's.
type Config struct {
	// BaseURL is the site's absolute address, for links in the items.
	BaseURL string
	// AllowPrivate lets destinations live on loopback and private
	// addresses (tests, or a receiver on the agency's own network).
	AllowPrivate bool
	// Timeout of one POST (10 s).
	Timeout time.Duration
	// MinBackoff and MaxBackoff bound the wait before a retry, which
	// doubles from the first (10 s) to the second (1 h), with jitter.
	MinBackoff, MaxBackoff time.Duration
	// GiveUp is how long a delivery is retried before it fails (24 h).
	GiveUp time.Duration
	// Every is how often a node looks for work when not woken (1 s).
	Every time.Duration
	// Workers is how many POSTs a node has in flight at most (32).
	Workers int
	// Batch is how many deliveries a sender claims at once (200).
	Batch int
	// Keep is how long the log of done deliveries is kept (30 days; a
	// negative Keep keeps it for ever). Who received which story is kept
	// regardless, for later kills and corrections.
	Keep time.Duration
	// PruneEvery is how often a node prunes the log (1 h).
	PruneEvery time.Duration
	// Usage counts each client's deliveries acknowledged and given up
	// (dateline.UsagePushed, UsagePushFailed); nil counts none.
	Usage Usage
}

// Usage is where a Pusher counts the clients' deliveries (usage.Counter).
type Usage interface {
	Add(clientID, productID int64, kind string, n int64)
}

func (c *Config) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.Timeout, 10*time.Second)
	def(&c.MinBackoff, 10*time.Second)
	def(&c.MaxBackoff, time.Hour)
	def(&c.GiveUp, 24*time.Hour)
	def(&c.Every, time.Second)
	def(&c.PruneEvery, time.Hour)
	if c.Keep == 0 {
		c.Keep = 30 * 24 * time.Hour
	}
	if c.Workers <= 0 {
		c.Workers = 32
	}
	if c.Batch <= 0 {
		c.Batch = 200
	}
}

// Pusher fans out and sends. Run runs both until the context ends.
type Pusher struct {
	store  Store
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	client *http.Client
	guard  netguard.Policy
	wake   chan struct{}
	// Outcomes counts attempts by outcome ("sent", "retry", "failed"),
	// read by tests and metrics.
	mu       sync.Mutex
	outcomes map[string]int
}

// New returns a Pusher on store. now is the clock (time.Now).
func New(store Store, cfg Config, log *slog.Logger, now func() time.Time) *Pusher {
	cfg.defaults()
	guard := netguard.Policy{AllowPrivate: cfg.AllowPrivate}
	c := guard.Client(cfg.Timeout)
	c.Transport.(*http.Transport).MaxIdleConnsPerHost = cfg.Workers
	c.Transport.(*http.Transport).MaxIdleConns = 4 * cfg.Workers
	return &Pusher{store: store, cfg: cfg, log: log, now: now, client: c, guard: guard,
		wake: make(chan struct{}, 1), outcomes: map[string]int{}}
}

// count adds the recorded outcomes to the clients' usage: a delivery
// acknowledged is pushed, one given up failed (a product is not named: a
// destination takes every product of its client).
func (p *Pusher) count(results []dateline.PushResult, clientOf map[int64]int64) {
	if p.cfg.Usage == nil {
		return
	}
	for _, r := range results {
		switch {
		case r.Sent:
			p.cfg.Usage.Add(clientOf[r.ID], 0, dateline.UsagePushed, 1)
		case r.NextAt.IsZero():
			p.cfg.Usage.Add(clientOf[r.ID], 0, dateline.UsagePushFailed, 1)
		}
	}
}

// Guard is the policy destination addresses must pass (as partner feeds').
func (p *Pusher) Guard() netguard.Policy { return p.guard }

// Wake asks Run to look for work now (a change was written).
func (p *Pusher) Wake() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Outcomes returns the attempts so far by outcome.
func (p *Pusher) Outcomes() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.outcomes))
	for k, v := range p.outcomes {
		out[k] = v
	}
	return out
}

// Run fans out and sends until ctx ends, woken by Wake or every
// cfg.Every.
func (p *Pusher) Run(ctx context.Context) {
	t := time.NewTicker(p.cfg.Every)
	defer t.Stop()
	var pruned time.Time
	for {
		if p.cfg.Keep > 0 && p.now().Sub(pruned) >= p.cfg.PruneEvery {
			pruned = p.now()
			if n, err := p.store.PrunePush(ctx, pruned.Add(-p.cfg.Keep)); err != nil && ctx.Err() == nil {
				p.log.Error("push prune", "err", err)
			} else if n > 0 {
				p.log.Info("push log pruned", "deliveries", n, "before", pruned.Add(-p.cfg.Keep).Format(time.RFC3339))
			}
		}
		if _, err := p.FanOut(ctx); err != nil && ctx.Err() == nil {
			p.log.Error("push fan-out", "err", err)
		}
		for {
			n, err := p.Send(ctx)
			if err != nil && ctx.Err() == nil {
				p.log.Error("push send", "err", err)
			}
			if n == 0 || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-p.wake:
		}
	}
}

// FanOut turns the events not yet fanned out into deliveries, 500 events
// a transaction, and returns how many events it read.
func (p *Pusher) FanOut(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := p.store.FanOutPush(ctx, 500, p.now(), p.plan)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// plan decides, for each event, which destinations hear of it: those
// whose client's products cover the story now (with embargoed copy for an
// embargo), and, for a kill or a correction, those that received the story
// before, even if it no longer matches (moved to another section, or the
// contract ended): a client must be able to take down or mend what it
// printed. Other changes of a story that left a client's products are not
// its to receive.
func (p *Pusher) plan(ctx context.Context, events []dateline.Event, dests []dateline.PushDestination, prior map[int64][]int64) ([]dateline.PushItem, error) {
	var ids []int64
	seen := map[int64]bool{}
	for _, ev := range events {
		if ev.IsStory() && !seen[ev.ArticleID] {
			seen[ev.ArticleID] = true
			ids = append(ids, ev.ArticleID)
		}
	}
	articles := map[int64]*dateline.Article{}
	for len(ids) > 0 {
		k := min(len(ids), 1000)
		as, err := p.store.ArticlesByID(ctx, ids[:k])
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			articles[a.ID] = a
		}
		ids = ids[k:]
	}
	now := p.now()
	ents := map[int64]*dateline.Entitlement{}
	entitlement := func(client int64) (*dateline.Entitlement, error) {
		if e, ok := ents[client]; ok {
			return e, nil
		}
		e, err := p.store.Entitlement(ctx, client, now)
		if dateline.ErrorCode(err) == dateline.ENOTFOUND {
			e, err = dateline.Entitlement{}, nil
		}
		if err != nil {
			return nil, err
		}
		ents[client] = &e
		return &e, nil
	}
	var items []dateline.PushItem
	for _, ev := range events {
		if !ev.IsStory() {
			continue // a gallery's or an infographic's: not pushed yet
		}
		a := articles[ev.ArticleID]
		if a == nil {
			continue // deleted since (a draft): nothing to tell
		}
		kind := dateline.PushEvent(&ev, a)
		if kind == "" {
			continue
		}
		it := dateline.PushItem{ArticleID: a.ID, Event: kind, Version: a.Version}
		for _, d := range dests {
			had := (kind == dateline.PushKill || kind == dateline.PushCorrect) && contains(prior[a.ID], d.ID)
			if !had && kind != dateline.PushKill {
				e, err := entitlement(d.ClientID)
				if err != nil {
					return nil, err
				}
				had = kind == dateline.PushEmbargo && e.CoversEmbargoed(a) || kind != dateline.PushEmbargo && e.Covers(a)
			}
			if had {
				it.Destinations = append(it.Destinations, d.ID)
			}
		}
		if len(it.Destinations) == 0 {
			continue
		}
		body, err := json.Marshal(ninjs.FromArticle(a, p.cfg.BaseURL))
		if err != nil {
			return nil, err
		}
		it.Body = body
		items = append(items, it)
		// Later events of the batch reach those this one did.
		prior[a.ID] = appendNew(prior[a.ID], it.Destinations)
	}
	return items, nil
}

func contains(list []int64, id int64) bool {
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}

func appendNew(list, more []int64) []int64 {
	for _, id := range more {
		if !contains(list, id) {
			list = append(list, id)
		}
	}
	return list
}

// Send claims one batch of due deliveries, POSTs them (cfg.Workers at a
// time) and records the outcomes as they come, a few at a time, so that
// a node that dies mid-batch sends again only what was in flight. It
// returns how many it claimed.
func (p *Pusher) Send(ctx context.Context) (int, error) {
	lease := p.cfg.Timeout*2 + time.Second
	ds, err := p.store.ClaimPushDeliveries(ctx, p.now(), lease, p.cfg.Batch)
	if err != nil || len(ds) == 0 {
		return 0, err
	}
	results := make(chan dateline.PushResult, len(ds))
	sem := make(chan struct{}, p.cfg.Workers)
	go func() {
		var wg sync.WaitGroup
		for i := range ds {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				results <- p.deliver(ctx, &ds[i])
			}()
		}
		wg.Wait()
		close(results)
	}()
	// Outcomes are recorded even when the node is stopping, so that what
	// was acknowledged is not sent again.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	var done []dateline.PushResult
	var ferr error
	clientOf := make(map[int64]int64, len(ds))
	for _, d := range ds {
		clientOf[d.ID] = d.ClientID
	}
	flush := func() {
		if len(done) > 0 && ferr == nil {
			if ferr = p.store.FinishPushDeliveries(rctx, done, p.now()); ferr == nil {
				p.count(done, clientOf)
			}
		}
		done = done[:0]
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for open := true; open; {
		select {
		case r, ok := <-results:
			if !ok {
				open = false
				break
			}
			if done = append(done, r); len(done) >= p.cfg.Workers {
				flush()
			}
		case <-tick.C:
			flush()
		}
	}
	flush()
	if ferr != nil {
		return len(ds), ferr
	}
	return len(ds), ctx.Err()
}

// deliver POSTs one delivery and says what came of it.
func (p *Pusher) deliver(ctx context.Context, d *dateline.PushDelivery) dateline.PushResult {
	r := dateline.PushResult{ID: d.ID}
	status, err := p.post(ctx, d)
	r.Status = status
	outcome := "sent"
	switch {
	case err == nil && status >= 200 && status < 300:
		r.Sent = true
	default:
		if err != nil {
			r.Error = err.Error()
		} else {
			r.Error = "the destination answered " + strconv.Itoa(status) + " " + http.StatusText(status)
		}
		r.NextAt = p.retryAt(d)
		outcome = "retry"
		if r.NextAt.IsZero() {
			outcome = "failed"
		}
	}
	p.mu.Lock()
	p.outcomes[outcome]++
	p.mu.Unlock()
	return r
}

// post sends the body, signed, and returns the HTTP status.
func (p *Pusher) post(ctx context.Context, d *dateline.PushDelivery) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		return 0, fmt.Errorf("the address cannot be used: %v", err)
	}
	if err := p.guard.CheckURL(req.URL); err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "dateline-push/1")
	req.Header.Set("X-Dateline-Signature", dateline.PushSignature(d.Secret, d.Body))
	req.Header.Set("X-Dateline-Delivery", strconv.FormatInt(d.ID, 10))
	req.Header.Set("X-Dateline-Event", d.Event)
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// retryAt is when to try a delivery again after its attempts (see
// backoff.Policy.Next); the zero time once it has been retried for GiveUp.
func (p *Pusher) retryAt(d *dateline.PushDelivery) time.Time {
	return backoff.Policy{Min: p.cfg.MinBackoff, Max: p.cfg.MaxBackoff, GiveUp: p.cfg.GiveUp}.Next(p.now(), d.CreatedAt, d.Attempts)
}

// CheckDestination checks a destination's address as it is registered:
// https (or http on a private network the policy allows), and the network
// guard of partner feeds; every connection is checked again when sending.
// Returns EINVALID with the reason in words.
func CheckDestination(raw string, guard netguard.Policy) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return dateline.Errorf(dateline.EINVALID, "A destination is an https:// address, not %q.", truncate(raw, 80))
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && guard.AllowPrivate) {
		return dateline.Errorf(dateline.EINVALID, "A destination's address must start with https://.")
	}
	if err := guard.CheckURL(u); err != nil {
		return dateline.Errorf(dateline.EINVALID, "This destination cannot be used: %v.", err)
	}
	return nil
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// pushDesc describes the attempts counted by outcome, for Prometheus.
var pushDesc = prometheus.NewDesc("dateline_push_deliveries_total", "Push delivery attempts of this node by outcome: sent, retry, failed.", []string{"outcome"}, nil)

// Describe and Collect make the Pusher a Prometheus collector of its
// attempts by outcome.
func (p *Pusher) Describe(ch chan<- *prometheus.Desc) { ch <- pushDesc }

func (p *Pusher) Collect(ch chan<- prometheus.Metric) {
	for _, o := range []string{"sent", "retry", "failed"} {
		ch <- prometheus.MustNewConstMetric(pushDesc, prometheus.CounterValue, float64(p.Outcomes()[o]), o)
	}
}
