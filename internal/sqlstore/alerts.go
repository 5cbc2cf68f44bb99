package sqlstore

import (
	"context"
	"strings"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// alertStore is the storage of follow alerts (dateline.Alerts): the items
// waiting per client user and the alerts' cursor in the event log, whose
// row's lock also makes one node at a time flush. Times are Unix
// milliseconds; its writes are QuietTx.
type alertStore struct{ db *DB }

// FanOutAlerts records the items plan makes of the events after the
// cursor.
func (s alertStore) FanOutAlerts(ctx context.Context, limit int, now time.Time, plan dateline.AlertPlan) (n int, err error) {
	defer s.db.wrap(&err, "fan out alerts")
	// The first worker starts the cursor: the site's past is not alerted.
	var cursors int
	if err := s.db.Fresh(ctx).QueryRow(ctx, `SELECT COUNT(*) FROM alert_cursor`).Scan(&cursors); err != nil {
		return 0, err
	}
	if cursors == 0 {
		if err := s.db.QuietTx(ctx, func(tx Querier) error { return startCursor(ctx, tx, "alert_cursor") }); err != nil {
			return 0, err
		}
	}
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		events, err := s.db.cursorEvents(ctx, tx, "alert_cursor", limit)
		if err != nil || len(events) == 0 {
			return err
		}
		items, err := plan(ctx, events)
		if err != nil {
			return err
		}
		args := make([][]any, len(items))
		for i, it := range items {
			args[i] = []any{it.UserID, it.ArticleID, strings.Join(it.Follows, "\n"), ms(now)}
		}
		if err := tx.ExecEach(ctx, `INSERT INTO alert_items (client_user_id, article_id, follows, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (client_user_id, article_id) DO NOTHING`, args); err != nil {
			return err
		}
		n = len(events)
		return moveCursor(ctx, tx, "alert_cursor", events)
	})
	return n, err
}

// FlushAlerts queues the email of each user whose window has passed.
func (s alertStore) FlushAlerts(ctx context.Context, now time.Time, window time.Duration, limit int, compose dateline.AlertCompose) (n int, err error) {
	defer s.db.wrap(&err, "flush alerts")
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		if _, ok, err := s.db.lockCursor(ctx, tx, "alert_cursor"); !ok || err != nil {
			return err // another node is at it
		}
		users, err := collect(ctx, tx, scanID, `SELECT p.client_user_id FROM alert_items p WHERE p.status = 'pending'
			GROUP BY p.client_user_id
			HAVING COALESCE((SELECT MAX(q.sent_at) FROM alert_items q WHERE q.client_user_id = p.client_user_id AND q.status = 'sent'), 0) <= ?
			ORDER BY MIN(p.id) LIMIT ?`, ms(now.Add(-window)), limit)
		if err != nil {
			return err
		}
		for _, u := range users {
			items, err := collect(ctx, tx, scanAlertItem, `SELECT `+alertColumns+` FROM alert_items WHERE client_user_id = ? AND status = 'pending' ORDER BY id`, u)
			if err != nil {
				return err
			}
			m, carried, err := compose(ctx, u, items)
			if err != nil {
				return err
			}
			if m != nil && len(carried) > 0 {
				queued, err := enqueueMail(ctx, tx, m, now)
				if err != nil {
					return err
				}
				if queued {
					n++
				}
			} else {
				carried = nil
			}
			args := make([][]any, len(items))
			for i, it := range items {
				status := dateline.AlertDropped
				for _, id := range carried {
					if id == it.ID {
						status = dateline.AlertSent
					}
				}
				args[i] = []any{status, ms(now), it.ID}
			}
			if err := tx.ExecEach(ctx, `UPDATE alert_items SET status = ?, sent_at = ? WHERE id = ?`, args); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// AlertItems lists the user's items, oldest first.
func (s alertStore) AlertItems(ctx context.Context, userID int64) (_ []dateline.AlertItem, err error) {
	defer s.db.wrap(&err, "alert items")
	return collect(ctx, s.db.Fresh(ctx), scanAlertItem, `SELECT `+alertColumns+` FROM alert_items WHERE client_user_id = ? ORDER BY id`, userID)
}

// SetAlertLang keeps the language of the user's alert emails.
func (s alertStore) SetAlertLang(ctx context.Context, userID int64, lang string) (err error) {
	defer s.db.wrap(&err, "set alert language")
	if lang != "en" && lang != "ru" {
		return dateline.Errorf(dateline.EINVALID, "Alerts are in English (en) or Russian (ru).")
	}
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		_, err := tx.Exec(ctx, `INSERT INTO alert_langs (client_user_id, lang) VALUES (?, ?)
			ON CONFLICT (client_user_id) DO UPDATE SET lang = excluded.lang`, userID, lang)
		return err
	})
	if s.db.IsForeignKey(err) {
		return dateline.Errorf(dateline.ENOTFOUND, "No client user %d.", userID)
	}
	return err
}

// AlertLang is the language kept for the user's alerts, "" for none.
func (s alertStore) AlertLang(ctx context.Context, userID int64) (lang string, err error) {
	defer s.db.wrap(&err, "alert language")
	err = s.db.Fresh(ctx).QueryRow(ctx, `SELECT lang FROM alert_langs WHERE client_user_id = ?`, userID).Scan(&lang)
	if noRows(err) {
		return "", nil
	}
	return lang, err
}

const alertColumns = `id, client_user_id, article_id, follows, status, created_at, sent_at`

func scanAlertItem(r sqlutil.Scanner) (dateline.AlertItem, error) {
	var it dateline.AlertItem
	var follows string
	var created int64
	var sent *int64
	err := r.Scan(&it.ID, &it.UserID, &it.ArticleID, &follows, &it.Status, &created, &sent)
	it.Follows, it.CreatedAt, it.SentAt = strings.Split(follows, "\n"), fromMs(&created), fromMs(sent)
	return it, err
}
