package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"dateline"
	"dateline/internal/sqlutil"
)

// partnerStore is dateline.Partners.
type partnerStore struct{ *DB }

var _ dateline.Partners = (*DB)(nil)

const partnerFeedCols = `f.id, f.name, f.url, f.kind, f.created_at, f.fetched_at, f.next_at, f.status, f.error, f.failures, f.etag, f.last_modified`

// PartnerFeeds lists every feed by name, with its state and entry count.
// It reads the primary: the newsroom shows what was just saved.
func (db partnerStore) PartnerFeeds(ctx context.Context) (_ []dateline.PartnerFeed, err error) {
	defer wrap(&err, "partner feeds")
	rows, err := db.primary.Query(ctx, `SELECT `+partnerFeedCols+`, (SELECT COUNT(*) FROM partner_entries e WHERE e.feed_id = f.id)
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
	f, err := sqlutil.ScanPartnerFeed(db.primary.QueryRow(ctx, `SELECT `+partnerFeedCols+`, (SELECT COUNT(*) FROM partner_entries e WHERE e.feed_id = f.id)
		FROM partner_feeds f WHERE f.id = $1`, id), &n)
	if errors.Is(err, pgx.ErrNoRows) {
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
	err = db.inQuietTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO partner_feeds (name, url, kind, created_at, next_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			f.Name, f.URL, f.Kind, ts(f.CreatedAt), ts(f.State.NextAt)).Scan(&f.ID)
	})
	if isUnique(err) {
		return dateline.Errorf(dateline.ECONFLICT, "The feed %s is registered already.", f.URL)
	}
	return err
}

// DeletePartnerFeed removes a feed and its entries, and tells every node,
// since the home page may show them. Returns ENOTFOUND.
func (db partnerStore) DeletePartnerFeed(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "delete partner feed")
	return db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM partner_feeds WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No partner feed %d.", id)
		}
		return nil
	})
}

// ClaimPartnerFeeds returns the feeds due by now and moves them on by
// lease in one statement; rows another node is claiming are skipped.
func (db partnerStore) ClaimPartnerFeeds(ctx context.Context, now time.Time, lease time.Duration, limit int) (_ []dateline.PartnerFeed, err error) {
	defer wrap(&err, "claim partner feeds")
	fs := []dateline.PartnerFeed{}
	err = db.inQuietTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `WITH due AS (
				SELECT id FROM partner_feeds WHERE next_at <= $1 ORDER BY next_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
			UPDATE partner_feeds f SET next_at = $2 FROM due WHERE f.id = due.id
			RETURNING f.id, f.name, f.url, f.kind, f.created_at, f.fetched_at, f.next_at, f.status, f.error, f.failures, f.etag, f.last_modified`,
			ts(now), ts(now.Add(lease)), sqlutil.LimitOr(limit, 10, 100))
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
		return rows.Err()
	})
	return fs, err
}

// SavePartnerFetch records a fetch and, when entries is not nil, replaces
// the feed's entries; only then are the nodes told, since only entries
// show on pages. Returns ENOTFOUND.
func (db partnerStore) SavePartnerFetch(ctx context.Context, id int64, st dateline.PartnerState, entries []dateline.PartnerEntry) (err error) {
	defer wrap(&err, "save partner fetch")
	run := db.inQuietTx
	if entries != nil {
		run = db.inTx
	}
	return run(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE partner_feeds SET fetched_at = $1, next_at = $2, status = $3, error = $4, failures = $5, etag = $6, last_modified = $7 WHERE id = $8`,
			ts(st.FetchedAt), ts(st.NextAt), st.Status, st.Error, st.Failures, st.ETag, st.LastModified, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No partner feed %d.", id)
		}
		if entries == nil {
			return nil
		}
		if _, err := tx.Exec(ctx, `DELETE FROM partner_entries WHERE feed_id = $1`, id); err != nil {
			return err
		}
		for _, e := range dateline.NewestPartnerEntries(entries) {
			if _, err := tx.Exec(ctx, `INSERT INTO partner_entries (feed_id, title, link, summary, published_at) VALUES ($1, $2, $3, $4, $5)`,
				id, e.Title, e.Link, e.Summary, ts(e.PublishedAt)); err != nil {
				return err
			}
		}
		return nil
	})
}

// PartnerEntries returns the newest entries across the feeds of the kind.
func (db partnerStore) PartnerEntries(ctx context.Context, kind string, limit int) (_ []dateline.PartnerEntry, err error) {
	defer wrap(&err, "partner entries")
	rows, err := db.reader(ctx).Query(ctx, `SELECT e.id, e.feed_id, f.name, e.title, e.link, e.summary, e.published_at
		FROM partner_entries e JOIN partner_feeds f ON f.id = e.feed_id
		WHERE f.kind = $1 ORDER BY e.published_at DESC, e.id LIMIT $2`, kind, sqlutil.LimitOr(limit, 10, 100))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	es := []dateline.PartnerEntry{}
	for rows.Next() {
		var e dateline.PartnerEntry
		if err := rows.Scan(&e.ID, &e.FeedID, &e.FeedName, &e.Title, &e.Link, &e.Summary, &e.PublishedAt); err != nil {
			return nil, err
		}
		e.PublishedAt = e.PublishedAt.UTC()
		es = append(es, e)
	}
	return es, rows.Err()
}
