package sqlstore

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
	"dateline/internal/sqlutil"
)

// newsStore is readers' subscriptions (dateline.Newsletters). Times are
// Unix milliseconds, as the outbox's; writes are QuietTx: no page shows
// them.
type newsStore struct{ db *DB }

// Subscribe records the address and adds its lists, unconfirmed.
func (s newsStore) Subscribe(ctx context.Context, sub *dateline.NewsSubscriber, now time.Time) (err error) {
	defer s.db.wrap(&err, "subscribe")
	sub.Address = strings.TrimSpace(sub.Address)
	if sub.Address == "" || len(sub.Address) > 320 || !utf8.ValidString(sub.Address+sub.Zone) || strings.ContainsAny(sub.Address, "\r\n\x00") {
		return dateline.Errorf(dateline.EINVALID, "A subscription needs an address of at most 320 characters.")
	}
	if len(sub.Lists) == 0 {
		return dateline.Errorf(dateline.EINVALID, "A subscription needs at least one list.")
	}
	sub.Lang = dateline.EditionOf(sub.Lang)
	stamp := now.UnixMilli()
	return s.db.QuietTx(ctx, func(tx Querier) error {
		if err := tx.QueryRow(ctx, `INSERT INTO news_subscribers (address, address_key, lang, zone, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (address_key) DO UPDATE SET
				address = CASE WHEN `+confirmedSubscriber+` THEN news_subscribers.address ELSE excluded.address END,
				lang = CASE WHEN `+confirmedSubscriber+` THEN news_subscribers.lang ELSE excluded.lang END,
				zone = CASE WHEN excluded.zone = '' OR `+confirmedSubscriber+` THEN news_subscribers.zone ELSE excluded.zone END RETURNING id`,
			sub.Address, AddressKey(sub.Address), sub.Lang, sub.Zone, stamp).Scan(&sub.ID); err != nil {
			return err
		}
		// A list asked for again after a one-click unsubscribe waits for
		// a confirmation, which lifts the unsubscribe (ConfirmNews); first,
		// so that it takes the settings asked for now.
		again := make([][]any, len(sub.Lists))
		for i, l := range sub.Lists {
			again[i] = []any{sub.ID, l.ListID, AddressKey(sub.Address), l.ListID}
		}
		if err := tx.ExecEach(ctx, `UPDATE news_subscriptions SET confirmed_at = NULL WHERE subscriber_id = ? AND list_id = ?
			AND EXISTS (SELECT 1 FROM mail_suppressions WHERE address = ? AND list_id = ?)`, again); err != nil {
			return err
		}
		args := make([][]any, len(sub.Lists))
		for i, l := range sub.Lists {
			args[i] = []any{sub.ID, l.ListID, strings.Join(l.Sections, " "), l.Hour, stamp}
		}
		if err := tx.ExecEach(ctx, `INSERT INTO news_subscriptions (subscriber_id, list_id, sections, hour, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (subscriber_id, list_id) DO UPDATE SET sections = excluded.sections, hour = excluded.hour
			WHERE news_subscriptions.confirmed_at IS NULL`, args); err != nil {
			return err
		}
		// Alerts start with the first subscriber, not the site's past.
		return startCursor(ctx, tx, "news_cursor")
	})
}

// confirmedSubscriber is true, in an upsert of news_subscribers, when the
// address has a confirmed list: the form (which anyone may send for any
// address) then changes none of its settings; only new lists are added,
// to wait for their confirmation, and the manage page's signed link
// changes the rest.
const confirmedSubscriber = `EXISTS (SELECT 1 FROM news_subscriptions c WHERE c.subscriber_id = news_subscribers.id AND c.confirmed_at IS NOT NULL)`

func (s newsStore) subscriberID(ctx context.Context, tx Querier, address string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM news_subscribers WHERE address_key = ?`, AddressKey(address)).Scan(&id)
	if noRows(err) {
		return 0, dateline.Errorf(dateline.ENOTFOUND, "This address has no subscriptions.")
	}
	return id, err
}

// ConfirmNews confirms the address's lists not yet confirmed.
func (s newsStore) ConfirmNews(ctx context.Context, address string, now time.Time) (n int, err error) {
	defer s.db.wrap(&err, "confirm subscription")
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		id, err := s.subscriberID(ctx, tx, address)
		if err != nil {
			return err
		}
		// A list asked for again and confirmed lifts its one-click
		// unsubscribe.
		if _, err := tx.Exec(ctx, `DELETE FROM mail_suppressions WHERE address = ?
			AND list_id IN (SELECT list_id FROM news_subscriptions WHERE subscriber_id = ? AND confirmed_at IS NULL)`, AddressKey(address), id); err != nil {
			return err
		}
		c, err := tx.Exec(ctx, `UPDATE news_subscriptions SET confirmed_at = ? WHERE subscriber_id = ? AND confirmed_at IS NULL`, now.UnixMilli(), id)
		n = int(c)
		return err
	})
	return n, err
}

const newsListColumns = `l.list_id, l.sections, l.hour, l.confirmed_at, l.created_at`

func scanNewsList(r sqlutil.Scanner, l *dateline.NewsList, more ...any) error {
	var sections string
	var confirmed *int64
	var created int64
	err := r.Scan(append([]any{&l.ListID, &sections, &l.Hour, &confirmed, &created}, more...)...)
	l.Sections, l.Confirmed, l.CreatedAt = strings.Fields(sections), fromMs(confirmed), fromMs(&created)
	return err
}

// NewsSubscriber returns the address and its lists.
func (s newsStore) NewsSubscriber(ctx context.Context, address string) (_ *dateline.NewsSubscriber, err error) {
	defer s.db.wrap(&err, "news subscriber")
	q := s.db.Fresh(ctx)
	var sub dateline.NewsSubscriber
	var created int64
	err = q.QueryRow(ctx, `SELECT id, address, lang, zone, created_at FROM news_subscribers WHERE address_key = ?`, AddressKey(address)).
		Scan(&sub.ID, &sub.Address, &sub.Lang, &sub.Zone, &created)
	if noRows(err) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "This address has no subscriptions.")
	} else if err != nil {
		return nil, err
	}
	sub.CreatedAt = fromMs(&created)
	sub.Lists, err = collect(ctx, q, func(r sqlutil.Scanner) (dateline.NewsList, error) {
		var l dateline.NewsList
		return l, scanNewsList(r, &l, &l.Stopped)
	}, `SELECT `+newsListColumns+`, EXISTS (SELECT 1 FROM mail_suppressions p WHERE p.address = ? AND p.list_id = l.list_id)
		FROM news_subscriptions l WHERE l.subscriber_id = ? ORDER BY l.list_id`, AddressKey(address), sub.ID)
	return &sub, err
}

// Unfollow removes one list of the address.
func (s newsStore) Unfollow(ctx context.Context, address, listID string) (err error) {
	defer s.db.wrap(&err, "unfollow")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		_, err := tx.Exec(ctx, `DELETE FROM news_subscriptions WHERE list_id = ?
			AND subscriber_id IN (SELECT id FROM news_subscribers WHERE address_key = ?)`, listID, AddressKey(address))
		return err
	})
}

// DeleteNewsSubscriber forgets the address, its lists and its messages.
// The suppression list keeps what it has: it stops lists, it sends
// nothing.
func (s newsStore) DeleteNewsSubscriber(ctx context.Context, address string) (err error) {
	defer s.db.wrap(&err, "delete subscriber")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		id, err := s.subscriberID(ctx, tx, address)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM news_subscriptions WHERE subscriber_id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM news_subscribers WHERE id = ?`, id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM mail_outbox WHERE address_key = ?`, AddressKey(address))
		return err
	})
}

func recipients(ctx context.Context, q Querier, where string, args ...any) ([]dateline.NewsRecipient, error) {
	return collect(ctx, q, func(r sqlutil.Scanner) (dateline.NewsRecipient, error) {
		var n dateline.NewsRecipient
		return n, scanNewsList(r, &n.NewsList, &n.Address, &n.Lang, &n.Zone)
	}, `SELECT `+newsListColumns+`, s.address, s.lang, s.zone FROM news_subscriptions l JOIN news_subscribers s ON s.id = l.subscriber_id
		WHERE l.confirmed_at IS NOT NULL AND `+where+`
		  AND NOT EXISTS (SELECT 1 FROM mail_suppressions p WHERE p.address = s.address_key AND p.list_id = l.list_id)
		ORDER BY s.address_key, l.list_id`, args...)
}

// NewsRecipients lists the confirmed subscriptions of lists starting
// with prefix, but those the address unsubscribed from in one click.
func (s newsStore) NewsRecipients(ctx context.Context, prefix string) (_ []dateline.NewsRecipient, err error) {
	defer s.db.wrap(&err, "news recipients")
	return recipients(ctx, s.db.Fresh(ctx), `substr(l.list_id, 1, ?) = ?`, len(prefix), prefix)
}

// FanOutNews reads events after the alerter's cursor, asks plan what to
// send, queues it and moves the cursor, in one transaction.
func (s newsStore) FanOutNews(ctx context.Context, limit int, now time.Time, plan dateline.NewsFanOut) (n int, err error) {
	defer s.db.wrap(&err, "fan out news")
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		events, err := s.db.cursorEvents(ctx, tx, "news_cursor", limit)
		if err != nil || len(events) == 0 {
			return err
		}
		p, err := plan(ctx, events, func(listID string) ([]dateline.NewsRecipient, error) {
			return recipients(ctx, tx, `l.list_id = ?`, listID)
		})
		if err != nil {
			return err
		}
		for _, prefix := range p.Cancel {
			if _, err := tx.Exec(ctx, `UPDATE mail_outbox SET status = 'suppressed', last_error = 'the story was withdrawn'
				WHERE status = 'pending' AND substr(dedupe_key, 1, ?) = ?`, len(prefix), prefix); err != nil {
				return err
			}
		}
		for i := range p.Mail {
			if _, err := enqueueMail(ctx, tx, &p.Mail[i], now); err != nil {
				return err
			}
		}
		n = len(events)
		return moveCursor(ctx, tx, "news_cursor", events)
	})
	return n, err
}
