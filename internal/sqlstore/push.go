package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
	"dateline/internal/sqlutil"
)

// pushStore is push delivery's storage (dateline.Pushes): destinations,
// the outbox and the fan-out cursor. Its times are Unix milliseconds, and
// its writes are QuietTx: no page shows them.
type pushStore struct{ db *DB }

func ms(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func fromMs(v *int64) time.Time {
	if v == nil || *v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(*v).UTC()
}

const destinationColumns = `id, client_id, url, secret, paused, created_at`

func scanDestination(r sqlutil.Scanner) (dateline.PushDestination, error) {
	var d dateline.PushDestination
	var created int64
	err := r.Scan(&d.ID, &d.ClientID, &d.URL, &d.Secret, &d.Paused, &created)
	d.CreatedAt = fromMs(&created)
	return d, err
}

// CreatePushDestination stores a destination with a fresh secret.
// Returns EINVALID, or ENOTFOUND for an unknown client.
func (s pushStore) CreatePushDestination(ctx context.Context, d *dateline.PushDestination, now time.Time) (err error) {
	defer s.db.wrap(&err, "create push destination")
	d.URL = strings.TrimSpace(d.URL)
	if d.URL == "" || len(d.URL) > 2000 || !utf8.ValidString(d.URL) || strings.ContainsAny(d.URL, " \r\n\x00") {
		return dateline.Errorf(dateline.EINVALID, "A destination needs an address of at most 2,000 characters, without spaces.")
	}
	key := make([]byte, 32)
	rand.Read(key)
	d.Secret, d.CreatedAt = hex.EncodeToString(key), now.Truncate(time.Millisecond).UTC()
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		if err := tx.QueryRow(ctx, `INSERT INTO push_destinations (client_id, url, secret, paused, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			d.ClientID, d.URL, d.Secret, d.Paused, ms(d.CreatedAt)).Scan(&d.ID); err != nil {
			return err
		}
		// Pushing starts with the first destination: the site's past
		// is not pushed.
		return startCursor(ctx, tx, "push_cursor")
	})
	if s.db.IsForeignKey(err) {
		return dateline.Errorf(dateline.ENOTFOUND, "No client %d.", d.ClientID)
	}
	return err
}

// PushDestination returns ENOTFOUND when there is none with the id.
func (s pushStore) PushDestination(ctx context.Context, id int64) (_ *dateline.PushDestination, err error) {
	defer s.db.wrap(&err, "push destination")
	d, err := scanDestination(s.db.Fresh(ctx).QueryRow(ctx, `SELECT `+destinationColumns+` FROM push_destinations WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "No push destination %d.", id)
	}
	return &d, nil
}

// PushDestinations lists the client's destinations in the order made.
func (s pushStore) PushDestinations(ctx context.Context, clientID int64) (_ []dateline.PushDestination, err error) {
	defer s.db.wrap(&err, "push destinations")
	return collect(ctx, s.db.Fresh(ctx), scanDestination, `SELECT `+destinationColumns+` FROM push_destinations WHERE client_id = ? ORDER BY id`, clientID)
}

// SetPushPaused pauses or resumes a destination. Returns ENOTFOUND.
func (s pushStore) SetPushPaused(ctx context.Context, id int64, paused bool) (err error) {
	defer s.db.wrap(&err, "pause push destination")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `UPDATE push_destinations SET paused = ? WHERE id = ?`, paused, id)
		if err == nil && n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No push destination %d.", id)
		}
		return err
	})
}

// DeletePushDestination removes a destination and its log. Returns
// ENOTFOUND.
func (s pushStore) DeletePushDestination(ctx context.Context, id int64) (err error) {
	defer s.db.wrap(&err, "delete push destination")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `DELETE FROM push_destinations WHERE id = ?`, id)
		if err == nil && n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No push destination %d.", id)
		}
		return err
	})
}

// FanOutPush reads events after the cursor, asks plan what to send, stores
// it and moves the cursor in one transaction. The cursor's row lock (FOR
// UPDATE SKIP LOCKED) keeps it to one node at a time on PostgreSQL; SQLite
// has one writer.
func (s pushStore) FanOutPush(ctx context.Context, limit int, now time.Time, plan dateline.PushFanOut) (n int, err error) {
	defer s.db.wrap(&err, "fan out push")
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		events, err := s.db.cursorEvents(ctx, tx, "push_cursor", limit)
		if err != nil || len(events) == 0 {
			return err
		}
		dests, err := collect(ctx, tx, scanDestination, `SELECT `+destinationColumns+` FROM push_destinations ORDER BY id`)
		if err != nil {
			return err
		}
		prior := map[int64][]int64{}
		if len(dests) > 0 {
			for _, ev := range events {
				if _, ok := prior[ev.ArticleID]; ok || !ev.IsStory() {
					continue
				}
				ids, err := collect(ctx, tx, scanID, `SELECT destination_id FROM push_received WHERE article_id = ?`, ev.ArticleID)
				if err != nil {
					return err
				}
				prior[ev.ArticleID] = ids
			}
		}
		var items []dateline.PushItem
		if len(dests) > 0 {
			if items, err = plan(ctx, events, dests, prior); err != nil {
				return err
			}
		}
		stamp := now.UnixMilli()
		for _, it := range items {
			if len(it.Destinations) == 0 {
				continue
			}
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO push_items (article_id, event, version, body, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
				it.ArticleID, it.Event, it.Version, it.Body, stamp).Scan(&id); err != nil {
				return err
			}
			args := make([][]any, len(it.Destinations))
			for i, d := range it.Destinations {
				args[i] = []any{d, id, it.ArticleID, stamp, stamp}
			}
			if err := tx.ExecEach(ctx, `INSERT INTO push_deliveries (destination_id, item_id, article_id, next_at, created_at) VALUES (?, ?, ?, ?, ?)`, args); err != nil {
				return err
			}
			received := make([][]any, len(it.Destinations))
			for i, d := range it.Destinations {
				received[i] = []any{it.ArticleID, d}
			}
			if err := tx.ExecEach(ctx, `INSERT INTO push_received (article_id, destination_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, received); err != nil {
				return err
			}
		}
		n = len(events)
		return moveCursor(ctx, tx, "push_cursor", events)
	})
	return n, err
}

func scanEvent(r sqlutil.Scanner) (dateline.Event, error) {
	var e dateline.Event
	var at sqlutil.Time
	var topics string
	err := r.Scan(&e.ID, &at, &e.Kind, &e.ArticleID, &e.Section, &e.Headline, &e.Lang, &e.Urgency, &e.Breaking, &topics, &e.Collection)
	e.At, e.Topics = at.T, strings.Fields(topics)
	return e, err
}

const deliveryColumns = `d.id, d.destination_id, d.article_id, i.event, i.version, d.status, d.attempts, d.next_at, d.last_status, d.last_error, d.created_at, d.sent_at`

func scanDelivery(r sqlutil.Scanner) (dateline.PushDelivery, error) {
	var d dateline.PushDelivery
	var next, created int64
	var sent *int64
	err := r.Scan(&d.ID, &d.DestinationID, &d.ArticleID, &d.Event, &d.Version, &d.Status, &d.Attempts, &next, &d.LastStatus, &d.LastError, &created, &sent)
	d.NextAt, d.CreatedAt, d.SentAt = fromMs(&next), fromMs(&created), fromMs(sent)
	return d, err
}

// ClaimPushDeliveries leases up to limit due deliveries, the earliest
// pending one of each (destination, story) only.
func (s pushStore) ClaimPushDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) (out []dateline.PushDelivery, err error) {
	defer s.db.wrap(&err, "claim push deliveries")
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		// No join in the locking SELECT: PostgreSQL would lock the
		// destination's row too, and the other nodes would pass over
		// every delivery of a destination one of them is sending.
		ids, err := collect(ctx, tx, scanID, `SELECT d.id FROM push_deliveries d
			WHERE d.status = 'pending' AND d.next_at <= ?
			  AND d.destination_id NOT IN (SELECT id FROM push_destinations WHERE paused)
			  AND NOT EXISTS (SELECT 1 FROM push_deliveries e WHERE e.destination_id = d.destination_id
			      AND e.article_id = d.article_id AND e.id < d.id AND e.status = 'pending')
			ORDER BY d.next_at, d.id LIMIT ?`+s.db.SkipLocked, now.UnixMilli(), limit)
		if err != nil || len(ids) == 0 {
			return err
		}
		args := make([][]any, len(ids))
		for i, id := range ids {
			args[i] = []any{now.Add(lease).UnixMilli(), id}
		}
		if err := tx.ExecEach(ctx, `UPDATE push_deliveries SET next_at = ?, attempts = attempts + 1 WHERE id = ?`, args); err != nil {
			return err
		}
		out, err = collect(ctx, tx, func(r sqlutil.Scanner) (dateline.PushDelivery, error) {
			var d dateline.PushDelivery
			var created int64
			err := r.Scan(&d.ID, &d.DestinationID, &d.ArticleID, &d.Event, &d.Version, &d.Attempts, &created, &d.Body, &d.URL, &d.Secret, &d.ClientID)
			d.CreatedAt = fromMs(&created)
			return d, err
		}, `SELECT d.id, d.destination_id, d.article_id, i.event, i.version, d.attempts, d.created_at, i.body, t.url, t.secret, t.client_id
			FROM push_deliveries d JOIN push_items i ON i.id = d.item_id JOIN push_destinations t ON t.id = d.destination_id
			WHERE d.id IN (`+placeholders(len(ids))+`) ORDER BY d.id`, anys(ids)...)
		return err
	})
	return out, err
}

// FinishPushDeliveries records the outcomes of attempts.
func (s pushStore) FinishPushDeliveries(ctx context.Context, results []dateline.PushResult, now time.Time) (err error) {
	defer s.db.wrap(&err, "finish push deliveries")
	if len(results) == 0 {
		return nil
	}
	var sent, retry, failed [][]any
	for _, r := range results {
		msg := truncate(r.Error, 500)
		switch {
		case r.Sent:
			sent = append(sent, []any{now.UnixMilli(), r.Status, r.ID})
		case r.NextAt.IsZero():
			failed = append(failed, []any{r.Status, msg, r.ID})
		default:
			retry = append(retry, []any{r.NextAt.UnixMilli(), r.Status, msg, r.ID})
		}
	}
	return s.db.QuietTx(ctx, func(tx Querier) error {
		if err := tx.ExecEach(ctx, `UPDATE push_deliveries SET status = 'sent', sent_at = ?, last_status = ?, last_error = '' WHERE id = ?`, sent); err != nil {
			return err
		}
		if err := tx.ExecEach(ctx, `UPDATE push_deliveries SET status = 'failed', last_status = ?, last_error = ? WHERE id = ? AND status = 'pending'`, failed); err != nil {
			return err
		}
		return tx.ExecEach(ctx, `UPDATE push_deliveries SET next_at = ?, last_status = ?, last_error = ? WHERE id = ? AND status = 'pending'`, retry)
	})
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// PushDeliveries is the destination's log, newest first.
func (s pushStore) PushDeliveries(ctx context.Context, destinationID, before int64, limit int) (_ []dateline.PushDelivery, err error) {
	defer s.db.wrap(&err, "push deliveries")
	if before <= 0 {
		before = 1<<63 - 1
	}
	return collect(ctx, s.db.Fresh(ctx), scanDelivery, `SELECT `+deliveryColumns+`
		FROM push_deliveries d JOIN push_items i ON i.id = d.item_id
		WHERE d.destination_id = ? AND d.id < ? ORDER BY d.id DESC LIMIT ?`, destinationID, before, limit)
}

// ReplayPush copies the destination's deliveries made since since as new
// pending ones, in their order.
func (s pushStore) ReplayPush(ctx context.Context, destinationID int64, since, now time.Time) (n int, err error) {
	defer s.db.wrap(&err, "replay push")
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM push_destinations WHERE id = ?`, destinationID).Scan(&one); err != nil {
			return notFound(err, "No push destination %d.", destinationID)
		}
		stamp := now.UnixMilli()
		// Replays of replays are left out: each item once, in order.
		c, err := tx.Exec(ctx, `INSERT INTO push_deliveries (destination_id, item_id, article_id, next_at, created_at)
			SELECT destination_id, item_id, article_id, ?, ? FROM push_deliveries
			WHERE id IN (SELECT MIN(id) FROM push_deliveries WHERE destination_id = ? AND created_at >= ? AND created_at < ? GROUP BY item_id)
			ORDER BY id`, stamp, stamp, destinationID, since.UnixMilli(), stamp)
		n = int(c)
		return err
	})
	return n, err
}

// pruneBatch is how many deliveries PrunePush deletes in one transaction,
// so that SQLite's one writer is never held for long.
const pruneBatch = 2000

// PrunePush deletes done deliveries made before before, and the bodies
// left without a delivery, pruneBatch at a time.
func (s pushStore) PrunePush(ctx context.Context, before time.Time) (n int, err error) {
	defer s.db.wrap(&err, "prune push")
	for {
		var c int64
		err := s.db.QuietTx(ctx, func(tx Querier) error {
			var ids [][]any
			items := map[int64]bool{}
			rows, err := tx.Query(ctx, `SELECT id, item_id FROM push_deliveries WHERE status <> 'pending' AND created_at < ? ORDER BY created_at, id LIMIT ?`,
				before.UnixMilli(), pruneBatch)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id, item int64
				if err := rows.Scan(&id, &item); err != nil {
					rows.Close()
					return err
				}
				ids, items[item] = append(ids, []any{id}), true
			}
			rows.Close()
			if err := rows.Err(); err != nil || len(ids) == 0 {
				return err
			}
			if err := tx.ExecEach(ctx, `DELETE FROM push_deliveries WHERE id = ?`, ids); err != nil {
				return err
			}
			c = int64(len(ids))
			var args [][]any
			for id := range items {
				args = append(args, []any{id, id})
			}
			return tx.ExecEach(ctx, `DELETE FROM push_items WHERE id = ? AND NOT EXISTS (SELECT 1 FROM push_deliveries WHERE item_id = ?)`, args)
		})
		n += int(c)
		if err != nil || c < pruneBatch {
			return n, err
		}
	}
}

func scanID(r sqlutil.Scanner) (int64, error) {
	var id int64
	err := r.Scan(&id)
	return id, err
}

func anys(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
