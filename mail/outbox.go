package mail

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"dateline"
	"dateline/internal/backoff"
)

// Store is what the outbox uses of the store.
type Store interface {
	dateline.Mails
}

// Counter counts messages by outcome (*metrics.Metrics is one).
type Counter interface {
	Mail(outcome string, n int)
}

// OutboxConfig tunes an Outbox; zero values are production's.
type OutboxConfig struct {
	SMTP    Config
	BaseURL string // the site's address, for unsubscribe links
	// Rate is how many messages a second this node sends at most (10).
	Rate float64
	// MinBackoff and MaxBackoff bound the wait before a retry, which
	// doubles from the first (1 min) to the second (1 h), with jitter.
	MinBackoff, MaxBackoff time.Duration
	// GiveUp is how long a message is retried before it fails (24 h).
	GiveUp time.Duration
	// Keep is how long sent and suppressed messages stay in the outbox
	// (30 days); their dedupe keys go with them.
	Keep time.Duration
	// Every is how often a node looks for work when not woken (5 s).
	Every time.Duration
}

func (c *OutboxConfig) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.MinBackoff, time.Minute)
	def(&c.MaxBackoff, time.Hour)
	def(&c.GiveUp, 24*time.Hour)
	def(&c.Keep, 30*24*time.Hour)
	def(&c.Every, 5*time.Second)
	def(&c.SMTP.Timeout, 30*time.Second)
	if c.Rate <= 0 {
		c.Rate = 10
	}
}

// Outbox sends the outbox's messages from this node. Every node of a
// cluster runs one: each claims a batch of due messages with a lease
// (Store.ClaimMail), so a message is sent by one node; one that dies
// mid-send frees its batch when the lease ends, and only the messages
// whose outcome was not written yet can go twice: the one in flight, and
// at full speed those accepted since the last write (recordEvery).
type Outbox struct {
	store Store
	cfg   OutboxConfig
	log   *slog.Logger
	now   func() time.Time
	count Counter
	wake  chan struct{}
	next  time.Time // the rate limit: when the next message may go
	key   []byte    // the unsubscribe key, read once
	// pruned is when sent messages were last pruned.
	pruned time.Time
}

// NewOutbox returns an Outbox on store. now is the clock (time.Now);
// count may be nil.
func NewOutbox(store Store, cfg OutboxConfig, log *slog.Logger, now func() time.Time, count Counter) *Outbox {
	cfg.defaults()
	return &Outbox{store: store, cfg: cfg, log: log, now: now, count: count, wake: make(chan struct{}, 1)}
}

// Wake asks Run to look for work now (a message was queued).
func (o *Outbox) Wake() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Run sends until ctx ends, woken by Wake or every cfg.Every.
func (o *Outbox) Run(ctx context.Context) {
	t := time.NewTicker(o.cfg.Every)
	defer t.Stop()
	for {
		for {
			n, err := o.Send(ctx)
			if err != nil && ctx.Err() == nil {
				o.log.Error("mail send", "err", err)
			}
			if n == 0 || err != nil {
				break
			}
		}
		if now := o.now(); now.Sub(o.pruned) >= time.Hour {
			o.pruned = now
			if n, err := o.store.PruneMail(ctx, now.Add(-o.cfg.Keep)); err != nil && ctx.Err() == nil {
				o.log.Error("mail prune", "err", err)
			} else if n > 0 {
				o.log.Info("mail pruned", "messages", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-o.wake:
		}
	}
}

// Outcomes are written in groups: before the rate makes the sender wait
// (so at a rate the store keeps up with, each outcome is written before
// the next message begins), and otherwise once recordMax are waiting or
// the oldest has waited recordEvery. A commit a message held PostgreSQL
// to 15 messages a second; a kill -9 now repeats at most the messages
// accepted since the last write.
const (
	recordMax   = 100
	recordEvery = 200 * time.Millisecond
)

// Send claims one batch of due messages (a second's worth at the rate,
// at least one), sends them on one connection at the rate, and records
// their outcomes in groups (recordMax, recordEvery). It returns how many
// it claimed.
func (o *Outbox) Send(ctx context.Context) (int, error) {
	if o.key == nil {
		key, err := o.store.MailKey(ctx)
		if err != nil {
			return 0, err
		}
		o.key = key
	}
	batch := max(1, int(o.cfg.Rate))
	gap := time.Duration(float64(time.Second) / o.cfg.Rate)
	// The lease covers the batch at the rate and a slow server.
	lease := time.Duration(batch)*gap + 2*o.cfg.SMTP.Timeout + time.Second
	claimed := o.now()
	ms, suppressed, err := o.store.ClaimMail(ctx, claimed, lease, batch)
	o.counted("suppressed", suppressed)
	if err != nil || len(ms) == 0 {
		return 0, err
	}
	// Outcomes are recorded even when the node is stopping, so that what
	// was accepted is not sent again.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	var done []dateline.MailResult // outcomes not written yet
	var oldest time.Time           // when the first of them came
	record := func() error {
		if len(done) == 0 {
			return nil
		}
		err := o.store.FinishMail(rctx, done, o.now())
		done = done[:0]
		return err
	}
	add := func(r dateline.MailResult) {
		if len(done) == 0 {
			oldest = time.Now()
		}
		done = append(done, r)
	}
	var conn *Conn
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	// A message is not begun when the lease may end before it is done
	// (a slow server): another node could take it meanwhile.
	last := claimed.Add(lease - o.cfg.SMTP.Timeout - time.Second)
	for i := range ms {
		m := &ms[i]
		if err := o.pace(ctx, record); err != nil {
			return len(ms), err
		}
		if ctx.Err() != nil || o.now().After(last) {
			// Not tried: free it for the next claim, here or elsewhere.
			add(dateline.MailResult{ID: m.ID, Error: m.LastError, NextAt: o.now()})
			continue
		}
		var sendErr error
		if conn == nil {
			// Dialling may take a while: what was sent is written first.
			if err := record(); err != nil {
				return len(ms), err
			}
			if conn, sendErr = Dial(ctx, o.cfg.SMTP); sendErr != nil {
				// No server: the rest of the batch waits its backoff
				// too, instead of a connection attempt each.
				for j := i; j < len(ms); j++ {
					add(o.result(&ms[j], sendErr))
				}
				if err := record(); err != nil {
					return len(ms), err
				}
				return len(ms), ctx.Err()
			}
		}
		_, sendErr = conn.Send(o.message(m))
		add(o.result(m, sendErr))
		if sendErr != nil {
			// A broken connection is not used again; a refused message
			// leaves it in a state go-mail resets, but a fresh one is
			// simplest.
			conn.Close()
			conn = nil
		}
		if len(done) >= recordMax || time.Since(oldest) >= recordEvery {
			if err := record(); err != nil {
				return len(ms), err
			}
		}
	}
	return len(ms), errors.Join(record(), ctx.Err())
}

// pace waits until the rate lets the next message go; idle runs first
// when there is a wait (the outcomes are written in it).
func (o *Outbox) pace(ctx context.Context, idle func() error) error {
	now := time.Now()
	if o.next.After(now) {
		if err := idle(); err != nil {
			return err
		}
		if d := time.Until(o.next); d > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(d):
			}
		}
		now = time.Now()
	}
	o.next = now.Add(time.Duration(float64(time.Second) / o.cfg.Rate))
	return nil
}

// message makes the email of an outbox message.
func (o *Outbox) message(m *dateline.OutMail) *Message {
	msg := &Message{To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML, Date: m.CreatedAt,
		MessageID: OutboxMessageID(m.ID, m.DedupeKey, o.cfg.SMTP.Domain())}
	if m.ListID != "" {
		msg.ListID = ListID(m.ListID, o.cfg.BaseURL)
		msg.Unsubscribe = UnsubscribeURL(o.cfg.BaseURL, o.key, Unsubscription{Address: m.To, List: m.ListID, Lang: m.Lang})
	}
	return msg
}

// result is the outcome of an attempt: sent, retried with backoff after a
// temporary failure until GiveUp, or failed.
func (o *Outbox) result(m *dateline.OutMail, err error) dateline.MailResult {
	r := dateline.MailResult{ID: m.ID, Sent: err == nil}
	outcome := "sent"
	if err != nil {
		r.Error = err.Error()
		outcome = "failed"
		if e, ok := err.(*Error); ok && e.Temporary {
			r.NextAt = backoff.Policy{Min: o.cfg.MinBackoff, Max: o.cfg.MaxBackoff, GiveUp: o.cfg.GiveUp}.Next(o.now(), m.CreatedAt, m.Attempts)
			if !r.NextAt.IsZero() {
				outcome = "retried"
			} else {
				r.Error = "given up after retrying: " + r.Error
			}
		}
		o.log.Warn("mail not sent", "id", m.ID, "outcome", outcome, "err", r.Error)
	}
	o.counted(outcome, 1)
	return r
}

func (o *Outbox) counted(outcome string, n int) {
	if o.count != nil && n > 0 {
		o.count.Mail(outcome, n)
	}
}
