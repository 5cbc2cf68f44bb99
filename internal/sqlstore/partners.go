package sqlstore

import (
	"context"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// partnerStore is dateline.Partners.
type partnerStore struct{ db *DB }

const partnerFeedCols = `f.id, f.name, f.url, f.kind, f.created_at, f.fetched_at, f.next_at, f.status, f.error, f.failures, f.etag, f.last_modified`

// partnerFeedCount reads a feed with its count of entries.
func partnerFeedCount(r sqlutil.Scanner) (dateline.PartnerFeed, error) {
	var n int
	f, err := sqlutil.ScanPartnerFeed(r, &n)
	f.Entries = n
	return f, err
}

func partnerFeed(r sqlutil.Scanner) (dateline.PartnerFeed, error) { return sqlutil.ScanPartnerFeed(r) }

// PartnerFeeds lists every feed by name, with its state and entry count.
// It reads what was just saved: the newsroom shows it.
func (s partnerStore) PartnerFeeds(ctx context.Context) (_ []dateline.PartnerFeed, err error) {
	defer s.db.wrap(&err, "partner feeds")
	return collect(ctx, s.db.Fresh(ctx), partnerFeedCount, `SELECT `+partnerFeedCols+`,
		(SELECT COUNT(*) FROM partner_entries e WHERE e.feed_id = f.id) FROM partner_feeds f ORDER BY f.name, f.id`)
}

// PartnerFeed returns one feed. Returns ENOTFOUND.
func (s partnerStore) PartnerFeed(ctx context.Context, id int64) (_ *dateline.PartnerFeed, err error) {
	defer s.db.wrap(&err, "partner feed")
	f, err := partnerFeedCount(s.db.Fresh(ctx).QueryRow(ctx, `SELECT `+partnerFeedCols+`,
		(SELECT COUNT(*) FROM partner_entries e WHERE e.feed_id = f.id) FROM partner_feeds f WHERE f.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "No partner feed %d.", id)
	}
	return &f, nil
}

// CreatePartnerFeed stores a new feed. Returns EINVALID and ECONFLICT.
func (s partnerStore) CreatePartnerFeed(ctx context.Context, f *dateline.PartnerFeed, now time.Time) (err error) {
	defer s.db.wrap(&err, "create partner feed")
	if err := f.Validate(); err != nil {
		return err
	}
	if f.CreatedAt.IsZero() {
		f.CreatedAt = now.UTC()
	}
	if f.State.NextAt.IsZero() {
		f.State.NextAt = f.CreatedAt
	}
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		return tx.QueryRow(ctx, `INSERT INTO partner_feeds (name, url, kind, created_at, next_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			f.Name, f.URL, f.Kind, s.db.Time(f.CreatedAt), s.db.Time(f.State.NextAt)).Scan(&f.ID)
	})
	if s.db.IsUnique(err) {
		return dateline.Errorf(dateline.ECONFLICT, "The feed %s is registered already.", f.URL)
	}
	return err
}

// DeletePartnerFeed removes a feed and its entries, and tells every node,
// since the home page may show them. Returns ENOTFOUND.
func (s partnerStore) DeletePartnerFeed(ctx context.Context, id int64) (err error) {
	defer s.db.wrap(&err, "delete partner feed")
	return s.db.Tx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `DELETE FROM partner_feeds WHERE id = ?`, id)
		if err == nil && n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No partner feed %d.", id)
		}
		return err
	})
}

// ClaimPartnerFeeds returns the feeds due by now, earliest first, and
// moves them on by lease in the same transaction; rows another node is
// claiming are skipped (PostgreSQL; SQLite has one writer).
func (s partnerStore) ClaimPartnerFeeds(ctx context.Context, now time.Time, lease time.Duration, limit int) (_ []dateline.PartnerFeed, err error) {
	defer s.db.wrap(&err, "claim partner feeds")
	var fs []dateline.PartnerFeed
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		var err error
		fs, err = collect(ctx, tx, partnerFeed, `SELECT `+partnerFeedCols+` FROM partner_feeds f
			WHERE f.next_at <= ? ORDER BY f.next_at, f.id LIMIT ?`+s.db.SkipLocked, s.db.Time(now), sqlutil.LimitOr(limit, 10, 100))
		if err != nil {
			return err
		}
		next := sqlutil.TruncSecond(now.Add(lease))
		args := make([][]any, len(fs))
		for i := range fs {
			fs[i].State.NextAt = next
			args[i] = []any{s.db.Time(next), fs[i].ID}
		}
		return tx.ExecEach(ctx, `UPDATE partner_feeds SET next_at = ? WHERE id = ?`, args)
	})
	return fs, err
}

// SavePartnerFetch records a fetch and, when entries is not nil, replaces
// the feed's entries; only then are the nodes told, since only entries
// show on pages. Returns ENOTFOUND.
func (s partnerStore) SavePartnerFetch(ctx context.Context, id int64, st dateline.PartnerState, entries []dateline.PartnerEntry) (err error) {
	defer s.db.wrap(&err, "save partner fetch")
	run := s.db.QuietTx
	if entries != nil {
		run = s.db.Tx
	}
	return run(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `UPDATE partner_feeds SET fetched_at = ?, next_at = ?, status = ?, error = ?, failures = ?, etag = ?, last_modified = ? WHERE id = ?`,
			s.db.Time(st.FetchedAt), s.db.Time(st.NextAt), st.Status, st.Error, st.Failures, st.ETag, st.LastModified, id)
		if err != nil {
			return err
		}
		if n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No partner feed %d.", id)
		}
		if entries == nil {
			return nil
		}
		if _, err := tx.Exec(ctx, `DELETE FROM partner_entries WHERE feed_id = ?`, id); err != nil {
			return err
		}
		var args [][]any
		for _, e := range dateline.NewestPartnerEntries(entries) {
			args = append(args, []any{id, e.Title, e.Link, e.Summary, s.db.Time(e.PublishedAt)})
		}
		return tx.ExecEach(ctx, `INSERT INTO partner_entries (feed_id, title, link, summary, published_at) VALUES (?, ?, ?, ?, ?)`, args)
	})
}

// PartnerEntries returns the newest entries across the feeds of the kind.
func (s partnerStore) PartnerEntries(ctx context.Context, kind string, limit int) (_ []dateline.PartnerEntry, err error) {
	defer s.db.wrap(&err, "partner entries")
	return collect(ctx, s.db.Read(ctx), func(r sqlutil.Scanner) (dateline.PartnerEntry, error) {
		var e dateline.PartnerEntry
		var at sqlutil.Time
		err := r.Scan(&e.ID, &e.FeedID, &e.FeedName, &e.Title, &e.Link, &e.Summary, &at)
		e.PublishedAt = at.T
		return e, err
	}, `SELECT e.id, e.feed_id, f.name, e.title, e.link, e.summary, e.published_at
		FROM partner_entries e JOIN partner_feeds f ON f.id = e.feed_id
		WHERE f.kind = ? ORDER BY e.published_at DESC, e.id LIMIT ?`, kind, sqlutil.LimitOr(limit, 10, 100))
}
