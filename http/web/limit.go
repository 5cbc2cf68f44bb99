package web

import (
	"sync"
	"time"
)

// Limiter is a token bucket per key (a client's address, say): each key
// may spend Burst tokens at once and gets Rate back a second. It lives in
// memory, per node.
type Limiter struct {
	Rate  float64 // tokens a second
	Burst float64 // the most a key holds

	mu      sync.Mutex
	buckets map[string]*tokens
}

type tokens struct {
	n  float64
	at time.Time
}

// limiterKeys is how many keys a Limiter remembers before it forgets them
// all, rather than grow without end under a flood of addresses.
const limiterKeys = 100_000

// Allow spends one of key's tokens at now. When there is none it returns
// false and how long until there is one.
func (l *Limiter) Allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil || len(l.buckets) >= limiterKeys {
		l.buckets = make(map[string]*tokens)
	}
	b := l.buckets[key]
	if b == nil {
		b = &tokens{n: l.Burst, at: now}
		l.buckets[key] = b
	}
	if now.After(b.at) {
		b.n = min(l.Burst, b.n+now.Sub(b.at).Seconds()*l.Rate)
		b.at = now
	}
	if b.n < 1 {
		return false, time.Duration((1 - b.n) / l.Rate * float64(time.Second))
	}
	b.n--
	return true, 0
}
