// Package views counts readers' views of articles honestly and cheaply:
// the article page sends a beacon once it is shown, known bots are not
// counted, one reader's repeated views of a story within 30 minutes count
// once, and no cookie or personal data is kept. A reader is recognised by
// a hash of address and user agent with a salt that changes every day and
// lives only in memory. Counts gather in memory per article and minute and
// are written to the store in batches.
package views

import (
	"context"
	"encoding/binary"
	"hash/maphash"
	"strings"
	"sync"
	"time"

	"dateline"
)

// Rules of counting.
const (
	// Repeat is how long one reader's views of one story count once.
	Repeat = 30 * time.Minute
	// PerAddress is how many views one address may add per minute; the
	// rest are ignored, so a flood cannot move the rankings.
	PerAddress = 120
)

// Sink stores counts; dateline.Readership is one.
type Sink interface {
	AddViews(ctx context.Context, counts []dateline.ViewCount) error
}

// Counter takes views and writes them in batches. It is safe for
// concurrent use.
type Counter struct {
	now func() time.Time

	shards [64]shard

	saltMu   sync.Mutex
	saltDay  int64
	seed     maphash.Seed
	prevSeed maphash.Seed // yesterday's, for repeats across midnight
	hasPrev  bool
}

type shard struct {
	mu      sync.Mutex
	seen    map[uint64]int64 // reader+story hash → Unix second of the view that counted
	addrs   map[uint64]addrUse
	counts  map[key]int64
	cleaned int64 // Unix minute of the last sweep of seen
}

type key struct{ article, minute int64 }

type addrUse struct {
	minute int64
	n      int
}

// New returns a counter reading the time from now (time.Now when nil).
func New(now func() time.Time) *Counter {
	if now == nil {
		now = time.Now
	}
	c := &Counter{now: now}
	for i := range c.shards {
		c.shards[i] = shard{seen: map[uint64]int64{}, addrs: map[uint64]addrUse{}, counts: map[key]int64{}}
	}
	return c
}

// Outcome says what happened to one view.
type Outcome int

const (
	Counted  Outcome = iota
	Repeated         // the same reader saw the story less than 30 minutes ago
	Bot              // a known robot
	Flood            // the address sent too many views this minute
)

func (o Outcome) String() string {
	return [...]string{"counted", "repeated", "bot", "flood"}[o]
}

// botWords are found in the user agents of crawlers, previewers, feed
// readers and tools; browsers' own agents have none of them.
var botWords = []string{"bot", "crawl", "spider", "slurp", "fetch", "scrape", "preview", "facebookexternalhit", "embedly",
	"quora link", "whatsapp", "telegram", "vkshare", "curl", "wget", "python", "java/", "go-http", "okhttp", "axios",
	"node-fetch", "httpclient", "libwww", "headless", "lighthouse", "pagespeed", "pingdom", "uptime", "monitor", "phantom",
	"selenium", "yandexmetrika", "yandeximages", "yandexdirect", "mediapartners", "feedly", "feed", "rss", "archive"}

// botCache remembers the answer for agents seen: a site sees a few
// thousand distinct agents, and readers send the same ones again.
var botCache struct {
	sync.RWMutex
	m map[string]bool
}

// IsBot reports whether a user agent belongs to a robot rather than a
// reader's browser. Empty and very short agents, and agents that do not
// claim to be Mozilla-compatible browsers, are robots.
func IsBot(ua string) bool {
	if len(ua) < 10 || !strings.Contains(ua, "Mozilla/") {
		return true
	}
	botCache.RLock()
	bot, ok := botCache.m[ua]
	botCache.RUnlock()
	if ok {
		return bot
	}
	lower := strings.ToLower(ua)
	for _, w := range botWords {
		if strings.Contains(lower, w) {
			bot = true
			break
		}
	}
	if len(ua) <= 512 {
		botCache.Lock()
		if botCache.m == nil || len(botCache.m) >= 20000 {
			botCache.m = make(map[string]bool, 1024)
		}
		botCache.m[ua] = bot
		botCache.Unlock()
	}
	return bot
}

// salt returns the day's seed, making a new one when the UTC day changes,
// and yesterday's, which is kept only for the first 30 minutes of the day
// so that a repeat across midnight is still known. After that no hash can
// be matched with an earlier day's.
func (c *Counter) salt(now time.Time) (seed, prev maphash.Seed, hasPrev bool) {
	day := now.Unix() / 86400
	c.saltMu.Lock()
	defer c.saltMu.Unlock()
	if day != c.saltDay {
		c.prevSeed, c.hasPrev = c.seed, c.saltDay == day-1
		c.saltDay, c.seed = day, maphash.MakeSeed()
	}
	if now.Unix()-day*86400 >= int64(Repeat/time.Second) {
		c.hasPrev = false
	}
	return c.seed, c.prevSeed, c.hasPrev
}

// readerHash names one reader's view of one story under a seed.
func readerHash(seed maphash.Seed, addr, ua string, article int64) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	h.WriteString(addr)
	h.WriteByte(0)
	h.WriteString(ua)
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(article))
	h.Write(b[:])
	return h.Sum64()
}

// View takes one view of an article by the reader at addr with user agent
// ua. The caller has checked that the article is published.
func (c *Counter) View(article int64, addr, ua string) Outcome {
	if IsBot(ua) {
		return Bot
	}
	now := c.now()
	seed, prev, hasPrev := c.salt(now)
	addrHash := maphash.String(seed, addr)
	reader := readerHash(seed, addr, ua, article)

	sec, minute := now.Unix(), dateline.Minute(now)
	// Yesterday's hashes sit in the shard yesterday's address hash chose;
	// it is read first, under its own lock, so no two locks are held.
	prevAt := int64(-1)
	if hasPrev {
		old := &c.shards[maphash.String(prev, addr)%uint64(len(c.shards))]
		old.mu.Lock()
		if at, ok := old.seen[readerHash(prev, addr, ua, article)]; ok {
			prevAt = at
		}
		old.mu.Unlock()
	}
	// Both maps of an address live in the shard the address picks, so one
	// lock covers the flood check and the repeat check.
	sh := &c.shards[addrHash%uint64(len(c.shards))]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.sweep(minute, sec)
	use := sh.addrs[addrHash]
	if use.minute != minute {
		use = addrUse{minute: minute}
	}
	if use.n >= PerAddress {
		return Flood
	}
	use.n++
	sh.addrs[addrHash] = use
	if at, ok := sh.seen[reader]; ok && sec-at < int64(Repeat/time.Second) {
		return Repeated
	}
	if prevAt >= 0 && sec-prevAt < int64(Repeat/time.Second) {
		return Repeated
	}
	sh.seen[reader] = sec
	sh.counts[key{article, minute}]++
	return Counted
}

// sweep forgets repeats older than Repeat and addresses of past minutes,
// at most once a minute per shard.
func (sh *shard) sweep(minute, sec int64) {
	if sh.cleaned == minute {
		return
	}
	sh.cleaned = minute
	for k, at := range sh.seen {
		if sec-at >= int64(Repeat/time.Second) {
			delete(sh.seen, k)
		}
	}
	for k, u := range sh.addrs {
		if u.minute != minute {
			delete(sh.addrs, k)
		}
	}
}

// Pending returns the counts not yet written, without taking them.
func (c *Counter) Pending() int64 {
	var n int64
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		for _, v := range sh.counts {
			n += v
		}
		sh.mu.Unlock()
	}
	return n
}

// take removes and returns every pending count, merged by article and
// minute.
func (c *Counter) take() []dateline.ViewCount {
	merged := map[key]int64{}
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		for k, v := range sh.counts {
			merged[k] += v
		}
		clear(sh.counts)
		sh.mu.Unlock()
	}
	out := make([]dateline.ViewCount, 0, len(merged))
	for k, v := range merged {
		out = append(out, dateline.ViewCount{ArticleID: k.article, Minute: k.minute, Count: v})
	}
	return out
}

// putBack returns counts that could not be written, to try again.
func (c *Counter) putBack(vs []dateline.ViewCount) {
	sh := &c.shards[0]
	sh.mu.Lock()
	for _, v := range vs {
		sh.counts[key{v.ArticleID, v.Minute}] += v.Count
	}
	sh.mu.Unlock()
}

// Flush writes every pending count in one batch. On failure the counts are
// kept for the next flush, so none is lost while the store is away.
func (c *Counter) Flush(ctx context.Context, sink Sink) error {
	vs := c.take()
	if len(vs) == 0 {
		return nil
	}
	if err := sink.AddViews(ctx, vs); err != nil {
		c.putBack(vs)
		return err
	}
	return nil
}

// Run flushes every interval until ctx ends, then flushes once more with
// a fresh context, so a graceful shutdown writes every count.
func (c *Counter) Run(ctx context.Context, sink Sink, every time.Duration, onErr func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := c.Flush(fctx, sink); err != nil && onErr != nil {
				onErr(err)
			}
			return
		case <-t.C:
			if err := c.Flush(ctx, sink); err != nil && onErr != nil {
				onErr(err)
			}
		}
	}
}
