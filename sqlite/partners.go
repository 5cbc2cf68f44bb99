package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// partnerStore is dateline.Partners.
type partnerStore struct{ *DB }

var _ dateline.Partners = (*DB)(nil)

const partnerFeedCols = `f.id, f.name, f.url, f.kind, f.created_at, f.fetched_at, f.next_at, f.status, f.error, f.failures, f.etag, f.last_modified`

// PartnerFeeds lists every feed by name, with its state and entry count.
func (db partnerStore) PartnerFeeds(ctx context.Context) (_ []dateline.PartnerFeed, err error) {
	defer wrap(&err, "partner feeds")
	rows, err := db.read.QueryContext(ctx, `SELECT `+partnerFeedCols+`, (SELECT COUNT(*) FROM partner_entries e WHERE e.feed_id = f.id)
		FROM partner_feeds f ORDER BY f.name, f.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	fs := []dateline.PartnerFeed{}
	for rows.Next() {
		var n int
		f, err := sqlutil.ScanPartnerFeed(rows, &n)
		if err != nil {
			return nil, err
		}
		f.Entries = n
		fs = append(fs, f)
	}
	return fs, rows.Err()
}

// PartnerFeed returns one feed. Returns ENOTFOUND.
func (db partnerStore) PartnerFeed(ctx context.Context, id int64) (_ *dateline.PartnerFeed, err error) {
	defer wrap(&err, "partner feed")
	var n int
	f, err := sqlutil.ScanPartnerFeed(db.read.QueryRowContext(ctx, `SELECT `+partnerFeedCols+`, (SELECT COUNT(*) FROM partner_entries e WHERE e.feed_id = f.id)
		FROM partner_feeds f WHERE f.id = ?`, id), &n)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No partner feed %d.", id)
	} else if err != nil {
		return nil, err
	}
	f.Entries = n
	return &f, nil
}

// CreatePartnerFeed stores a new feed. Returns EINVALID and ECONFLICT.
func (db partnerStore) CreatePartnerFeed(ctx context.Context, f *dateline.PartnerFeed, now time.Time) (err error) {
	defer wrap(&err, "create partner feed")
	if err := f.Validate(); err != nil {
		return err
	}
	if f.CreatedAt.IsZero() {
		f.CreatedAt = now.UTC()
	}
	if f.State.NextAt.IsZero() {
		f.State.NextAt = f.CreatedAt
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO partner_feeds (name, url, kind, created_at, next_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			f.Name, f.URL, f.Kind, f.CreatedAt.Unix(), f.State.NextAt.Unix()).Scan(&f.ID)
	})
	if isUnique(err) {
		return dateline.Errorf(dateline.ECONFLICT, "The feed %s is registered already.", f.URL)
	}
	return err
}

// DeletePartnerFeed removes a feed and its entries. Returns ENOTFOUND.
func (db partnerStore) DeletePartnerFeed(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "delete partner feed")
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM partner_feeds WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No partner feed %d.", id)
		}
		return nil
	})
}

// ClaimPartnerFeeds returns the feeds due by now and moves them on by
// lease.
func (db partnerStore) ClaimPartnerFeeds(ctx context.Context, now time.Time, lease time.Duration, limit int) (_ []dateline.PartnerFeed, err error) {
	defer wrap(&err, "claim partner feeds")
	limit = sqlutil.LimitOr(limit, 10, 100)
	fs := []dateline.PartnerFeed{}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+partnerFeedCols+` FROM partner_feeds f WHERE f.next_at <= ? ORDER BY f.next_at, f.id LIMIT ?`, now.Unix(), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			f, err := sqlutil.ScanPartnerFeed(rows)
			if err != nil {
				return err
			}
			fs = append(fs, f)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		for i := range fs {
			fs[i].State.NextAt = time.Unix(now.Add(lease).Unix(), 0).UTC()
			if _, err := tx.ExecContext(ctx, `UPDATE partner_feeds SET next_at = ? WHERE id = ?`, fs[i].State.NextAt.Unix(), fs[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	return fs, err
}

// SavePartnerFetch records a fetch and, when entries is not nil, replaces
// the feed's entries. Returns ENOTFOUND.
func (db partnerStore) SavePartnerFetch(ctx context.Context, id int64, st dateline.PartnerState, entries []dateline.PartnerEntry) (err error) {
	defer wrap(&err, "save partner fetch")
	var fetched any
	if !st.FetchedAt.IsZero() {
		fetched = st.FetchedAt.Unix()
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE partner_feeds SET fetched_at = ?, next_at = ?, status = ?, error = ?, failures = ?, etag = ?, last_modified = ? WHERE id = ?`,
			fetched, st.NextAt.Unix(), st.Status, st.Error, st.Failures, st.ETag, st.LastModified, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No partner feed %d.", id)
		}
		if entries == nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM partner_entries WHERE feed_id = ?`, id); err != nil {
			return err
		}
		for _, e := range dateline.NewestPartnerEntries(entries) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO partner_entries (feed_id, title, link, summary, published_at) VALUES (?, ?, ?, ?, ?)`,
				id, e.Title, e.Link, e.Summary, e.PublishedAt.Unix()); err != nil {
				return err
			}
		}
		return nil
	})
}

// PartnerEntries returns the newest entries across the feeds of the kind.
func (db partnerStore) PartnerEntries(ctx context.Context, kind string, limit int) (_ []dateline.PartnerEntry, err error) {
	defer wrap(&err, "partner entries")
	rows, err := db.read.QueryContext(ctx, `SELECT e.id, e.feed_id, f.name, e.title, e.link, e.summary, e.published_at
		FROM partner_entries e JOIN partner_feeds f ON f.id = e.feed_id
		WHERE f.kind = ? ORDER BY e.published_at DESC, e.id LIMIT ?`, kind, sqlutil.LimitOr(limit, 10, 100))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	es := []dateline.PartnerEntry{}
	for rows.Next() {
		var e dateline.PartnerEntry
		var at int64
		if err := rows.Scan(&e.ID, &e.FeedID, &e.FeedName, &e.Title, &e.Link, &e.Summary, &at); err != nil {
			return nil, err
		}
		e.PublishedAt = time.Unix(at, 0).UTC()
		es = append(es, e)
	}
	return es, rows.Err()
}
