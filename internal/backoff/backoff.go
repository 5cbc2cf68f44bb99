// Package backoff is the retry schedule of the outboxes (push deliveries
// and email): a wait that doubles with each attempt, with jitter, until a
// message has been retried long enough to give up.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Policy bounds the waits: from Min, doubling to Max, until GiveUp after
// the message was made.
type Policy struct {
	Min, Max, GiveUp time.Duration
}

// Next is when to try again a message made at created after attempts
// attempts (the first is 1): the wait doubles from Min to Max, with up to
// a quarter of jitter; the zero time once the next try would come more
// than GiveUp after created (give up). A zero created never gives up.
func (p Policy) Next(now, created time.Time, attempts int) time.Time {
	wait := p.Min
	for i := 1; i < attempts && wait < p.Max; i++ {
		wait *= 2
	}
	wait = min(wait, p.Max)
	wait += time.Duration(rand.Int64N(int64(wait)/4 + 1))
	if !created.IsZero() && now.Add(wait).Sub(created) > p.GiveUp {
		return time.Time{}
	}
	return now.Add(wait)
}
