package readership

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"dateline"
)

// hubPingEvery is the least time between two pings of the hub about one
// feed; pings asked for sooner are merged into one sent when it is up.
const hubPingEvery = time.Second

// hubTimeout bounds one ping.
const hubTimeout = 10 * time.Second

// WebSub tells a WebSub hub that feeds changed: "hub.mode=publish" with
// the feed's address, form-encoded, which is what hubs take from
// publishers. Failures are logged; the hub also polls.
type WebSub struct {
	hub    string
	agent  string // User-Agent
	client *http.Client
	log    *slog.Logger
	every  time.Duration
	// feeds lists the addresses of the feeds an event changes.
	feeds func(e dateline.Event) []string

	mu      sync.Mutex
	last    map[string]time.Time // feed URL → last ping
	pending map[string]bool      // a ping is waiting for its turn
	wg      sync.WaitGroup
}

// NewWebSub pings hub, or returns nil when hub is "". feeds names the
// feeds (absolute URLs) a public event changes.
func NewWebSub(hub, baseURL string, feeds func(e dateline.Event) []string, log *slog.Logger) *WebSub {
	if hub == "" {
		return nil
	}
	return &WebSub{hub: hub, agent: "dateline (+" + baseURL + "/)", client: &http.Client{Timeout: hubTimeout}, log: log,
		every: hubPingEvery, feeds: feeds, last: map[string]time.Time{}, pending: map[string]bool{}}
}

// Notify tells the hub, if there is one, that the feeds the events
// changed did. It returns at once; the pings run in the background, at
// most one a second for each feed.
func (n *WebSub) Notify(es []dateline.Event) {
	if n == nil || len(es) == 0 {
		return
	}
	seen := map[string]bool{}
	for _, e := range es {
		if !dateline.PublicEvent(e.Kind) || !e.IsStory() {
			continue // nothing a feed shows changed (the site's feeds carry stories only)
		}
		for _, u := range n.feeds(e) {
			if !seen[u] {
				seen[u] = true
				n.ping(u)
			}
		}
	}
}

// ping sends one ping now, or once the feed's last ping is a second old.
func (n *WebSub) ping(feedURL string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pending[feedURL] {
		return
	}
	wait := n.every - time.Since(n.last[feedURL])
	if wait <= 0 {
		n.last[feedURL] = time.Now()
		n.wg.Add(1)
		go n.send(feedURL)
		return
	}
	n.pending[feedURL] = true
	n.wg.Add(1)
	time.AfterFunc(wait, func() {
		n.mu.Lock()
		n.pending[feedURL] = false
		n.last[feedURL] = time.Now()
		n.mu.Unlock()
		n.send(feedURL)
	})
}

func (n *WebSub) send(feedURL string) {
	defer n.wg.Done()
	ctx, cancel := context.WithTimeout(context.Background(), hubTimeout)
	defer cancel()
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {feedURL}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.hub, strings.NewReader(form.Encode()))
	if err != nil {
		n.log.Error("websub ping", "hub", n.hub, "feed", feedURL, "err", err)
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", n.agent)
	resp, err := n.client.Do(req)
	if err != nil {
		n.log.Warn("websub ping failed", "hub", n.hub, "feed", feedURL, "err", err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		n.log.Warn("websub hub refused a ping", "hub", n.hub, "feed", feedURL, "status", resp.StatusCode)
	}
}

// Wait waits for the pings sent or planned so far (tests and shutdown).
func (n *WebSub) Wait() {
	if n != nil {
		n.wg.Wait()
	}
}

// SetTimeout bounds each ping (tests).
func (n *WebSub) SetTimeout(d time.Duration) { n.client.Timeout = d }
