package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// readershipStore is dateline.Readership: views, rankings, neighbours, events.
type readershipStore struct{ *DB }

var _ dateline.Readership = (*DB)(nil)

// readEdges returns the last minute that has left each window, in
// dateline.Periods order: 0 (nothing yet) where there is no row.
func readEdges(ctx context.Context, tx *sql.Tx) ([3]int64, error) {
	var through [3]int64
	rows, err := tx.QueryContext(ctx, `SELECT window_minutes, through FROM view_edges`)
	if err != nil {
		return through, err
	}
	defer rows.Close()
	for rows.Next() {
		var w, t int64
		if err := rows.Scan(&w, &t); err != nil {
			return through, err
		}
		for i, p := range dateline.Periods {
			if p.Minutes() == w {
				through[i] = t
			}
		}
	}
	return through, rows.Err()
}

// AddViews adds counts in one transaction: each to its minute and to the
// windows the minute has not left yet. Counts that are not positive, of
// unknown articles or of minutes that have left every window are dropped.
func (db readershipStore) AddViews(ctx context.Context, counts []dateline.ViewCount) (err error) {
	defer wrap(&err, "add views")
	merged := dateline.MergeViewCounts(counts)
	if len(merged) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		through, err := readEdges(ctx, tx)
		if err != nil {
			return err
		}
		sections, err := articleSections(ctx, tx, merged)
		if err != nil {
			return err
		}
		minutes, err := tx.PrepareContext(ctx, `INSERT INTO view_minutes (minute, article_id, count) VALUES (?, ?, ?)
			ON CONFLICT (minute, article_id) DO UPDATE SET count = count + excluded.count`)
		if err != nil {
			return err
		}
		defer minutes.Close()
		windows := map[int64]*[3]int64{}
		for _, c := range merged {
			// through[2] is the week's: such a minute is in no window.
			if sections[c.ArticleID] == 0 || c.Minute <= through[2] {
				continue
			}
			if _, err := minutes.ExecContext(ctx, c.Minute, c.ArticleID, c.Count); err != nil {
				return err
			}
			w := windows[c.ArticleID]
			if w == nil {
				w = new([3]int64)
				windows[c.ArticleID] = w
			}
			for i := range through {
				if c.Minute > through[i] {
					w[i] += c.Count
				}
			}
		}
		totals, err := tx.PrepareContext(ctx, `INSERT INTO view_windows (article_id, section_id, now, today, week) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (article_id) DO UPDATE SET now = now + excluded.now, today = today + excluded.today, week = week + excluded.week`)
		if err != nil {
			return err
		}
		defer totals.Close()
		for id, w := range windows {
			if _, err := totals.ExecContext(ctx, id, sections[id], w[0], w[1], w[2]); err != nil {
				return err
			}
		}
		return nil
	})
}

// articleSections returns the section of each of the counts' articles: 0
// for one that does not exist.
func articleSections(ctx context.Context, tx *sql.Tx, counts []dateline.ViewCount) (map[int64]int64, error) {
	sections := map[int64]int64{}
	stmt, err := tx.PrepareContext(ctx, `SELECT COALESCE((SELECT section_id FROM articles WHERE id = ?), 0)`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	for _, c := range counts {
		if _, seen := sections[c.ArticleID]; seen {
			continue
		}
		var id int64
		if err := stmt.QueryRowContext(ctx, c.ArticleID).Scan(&id); err != nil {
			return nil, err
		}
		sections[c.ArticleID] = id
	}
	return sections, nil
}

// viewSlack is how long minutes are kept after they leave the week.
const viewSlack = 60

// eventDays is how long events are kept.
const eventDays = 7

// ExpireViews moves each window's edge to now, subtracting the minutes
// that left it, in one transaction; then drops minutes an hour past the
// week, articles left without views and events older than a week (the
// newest event stays, so LastEventID never goes back).
func (db readershipStore) ExpireViews(ctx context.Context, now time.Time) (err error) {
	defer wrap(&err, "expire views")
	m := dateline.Minute(now)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		through, err := readEdges(ctx, tx)
		if err != nil {
			return err
		}
		for i, p := range dateline.Periods {
			edge := m - p.Minutes()
			if through[i] >= edge {
				continue
			}
			col := sqlutil.WindowColumn(p)
			// Minutes (through, edge] leave the window now. An article
			// whose views have all left goes: that happens as its last
			// minutes leave the week, the shorter windows having gone first.
			empty, err := collect(ctx, tx, `UPDATE view_windows SET `+col+` = `+col+` - v.n
				FROM (SELECT article_id, SUM(count) AS n FROM view_minutes WHERE minute > ? AND minute <= ? GROUP BY article_id) AS v
				WHERE view_windows.article_id = v.article_id
				RETURNING view_windows.article_id, now = 0 AND today = 0 AND week = 0`, through[i], edge)
			if err != nil {
				return err
			}
			for _, id := range empty {
				if _, err := tx.ExecContext(ctx, `DELETE FROM view_windows WHERE article_id = ?`, id); err != nil {
					return err
				}
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO view_edges (window_minutes, through) VALUES (?, ?)
				ON CONFLICT (window_minutes) DO UPDATE SET through = excluded.through`, p.Minutes(), edge)
			if err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM view_minutes WHERE minute <= ?`, m-dateline.PeriodWeek.Minutes()-viewSlack); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM events WHERE at < ? AND id < (SELECT MAX(id) FROM events)`,
			now.Add(-eventDays*24*time.Hour).Unix())
		return err
	})
}

// collect runs a query returning (id, bool) rows and returns the ids of
// the true ones.
func collect(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		var ok bool
		if err := rows.Scan(&id, &ok); err != nil {
			return nil, err
		}
		if ok {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}

// MostRead returns the published articles with the most views in the
// period, most first, then newest first, in the section when one is
// given. limit is 10 by default, 50 at most. Returns EINVALID for an
// unknown period.
//
// Each section's best are found by walking its part of the window's
// index (the inner query, run once per section), and the site's best
// are the best of those.
func (db readershipStore) MostRead(ctx context.Context, p dateline.Period, section string, limit int) (_ []dateline.Ranked, err error) {
	defer wrap(&err, "most read")
	col := sqlutil.WindowColumn(p)
	if col == "" {
		return nil, dateline.Errorf(dateline.EINVALID, "Unknown period %q.", p)
	}
	where, args := ``, []any{sqlutil.LimitOr(limit, 10, 50)}
	if section != "" {
		where, args = `AND top.slug = ?2`, append(args, section)
	}
	// CROSS JOIN fixes the order of the loops: sections, then the
	// section's walk down the index, then the article.
	rows, err := db.read.QueryContext(ctx, `SELECT `+sqlutil.ArticleColumns+`, w.`+col+`
		FROM sections top CROSS JOIN view_windows w CROSS JOIN articles a
		JOIN sections s ON s.id = a.section_id LEFT JOIN photos p ON p.id = a.photo_id
		WHERE w.article_id IN (
			SELECT x.article_id FROM view_windows x CROSS JOIN articles y
			WHERE x.section_id = top.id AND x.`+col+` > 0 AND y.id = x.article_id AND y.status = 'published'
				AND y.section_id = x.section_id
			ORDER BY x.`+col+` DESC, y.published_at DESC, y.id DESC LIMIT ?1)
		AND a.id = w.article_id `+where+`
		ORDER BY w.`+col+` DESC, a.published_at DESC, a.id DESC LIMIT ?1`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []dateline.Ranked{}
	for rows.Next() {
		var r dateline.Ranked
		a, err := sqlutil.ScanArticle(withExtra{rows, []any{&r.Views}})
		if err != nil {
			return nil, err
		}
		r.Article = *a
		out = append(out, r)
	}
	return out, rows.Err()
}

// withExtra scans the article's columns and then the extra ones.
type withExtra struct {
	row   scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }

// ViewsOf returns the article's views in each period, zeros when it has
// none.
func (db readershipStore) ViewsOf(ctx context.Context, articleID int64) (_ [3]int64, err error) {
	defer wrap(&err, "views of")
	var v [3]int64
	err = db.read.QueryRowContext(ctx, `SELECT now, today, week FROM view_windows WHERE article_id = ?`, articleID).
		Scan(&v[0], &v[1], &v[2])
	if errors.Is(err, sql.ErrNoRows) {
		return v, nil
	} else if err != nil {
		return v, err
	}
	return v, nil
}

// Neighbours returns published articles that share topics or persons with
// the article, newest first, with the number of tags in common. limit is
// 50 by default, 200 at most. An unknown article has none.
//
// The newest limit of all are among the newest limit of each tag, so
// each tag gives only those, walking its part of published_tags: a tag on
// a quarter of all stories costs no more than a rare one.
func (db readershipStore) Neighbours(ctx context.Context, id int64, limit int) (_ []dateline.Neighbour, err error) {
	defer wrap(&err, "neighbours")
	// For each tag of the article (b), its walk is the IN list; CROSS
	// JOIN keeps the few found outermost, or SQLite may walk the feed.
	// Only the newest limit found (top) are read whole and counted; a
	// filter on y.status in c would walk the feed too (published_tags
	// holds published stories only).
	rows, err := db.read.QueryContext(ctx, `WITH base(kind, tag_id) AS (
			SELECT 0, topic_id FROM article_topics WHERE article_id = ?1
			UNION ALL SELECT 1, person_id FROM article_persons WHERE article_id = ?1),
		c AS (SELECT DISTINCT y.id, y.published_at FROM base b CROSS JOIN articles y WHERE y.id IN (
			SELECT t.article_id FROM published_tags t WHERE t.kind = b.kind AND t.tag_id = b.tag_id AND t.article_id <> ?1
			ORDER BY t.published_at DESC, t.article_id DESC LIMIT ?2)),
		top AS (SELECT id FROM c ORDER BY published_at DESC, id DESC LIMIT ?2)
		SELECT `+sqlutil.ArticleColumns+`,
			(SELECT COUNT(*) FROM article_topics x WHERE x.article_id = a.id
				AND x.topic_id IN (SELECT tag_id FROM base WHERE kind = 0))
			+ (SELECT COUNT(*) FROM article_persons x WHERE x.article_id = a.id
				AND x.person_id IN (SELECT tag_id FROM base WHERE kind = 1))
		FROM top CROSS JOIN articles a JOIN sections s ON s.id = a.section_id LEFT JOIN photos p ON p.id = a.photo_id
		WHERE a.id = top.id AND a.status = 'published'
		ORDER BY a.published_at DESC, a.id DESC`, id, sqlutil.LimitOr(limit, 50, 200))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []dateline.Neighbour{}
	for rows.Next() {
		var n dateline.Neighbour
		a, err := sqlutil.ScanArticle(withExtra{rows, []any{&n.Shared}})
		if err != nil {
			return nil, err
		}
		n.Article = *a
		out = append(out, n)
	}
	return out, rows.Err()
}

// indexTags puts a published article's topics and persons in
// published_tags, or takes any other's out, in the caller's transaction.
func indexTags(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM published_tags WHERE article_id = ?`, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO published_tags (kind, tag_id, published_at, article_id)
		SELECT 0, x.topic_id, COALESCE(a.published_at, 0), a.id FROM article_topics x JOIN articles a ON a.id = x.article_id
		WHERE a.id = ?1 AND a.status = 'published'
		UNION ALL
		SELECT 1, x.person_id, COALESCE(a.published_at, 0), a.id FROM article_persons x JOIN articles a ON a.id = x.article_id
		WHERE a.id = ?1 AND a.status = 'published'`, id)
	return err
}

// rebuildTags makes published_tags again from the articles, as after a
// move, which writes articles and their tags without writeArticle.
func (db readershipStore) rebuildTags(ctx context.Context) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM published_tags`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO published_tags (kind, tag_id, published_at, article_id)
			SELECT 0, x.topic_id, COALESCE(a.published_at, 0), a.id FROM article_topics x JOIN articles a ON a.id = x.article_id
			WHERE a.status = 'published'
			UNION ALL
			SELECT 1, x.person_id, COALESCE(a.published_at, 0), a.id FROM article_persons x JOIN articles a ON a.id = x.article_id
			WHERE a.status = 'published'`)
		return err
	})
}

// maxPublishedIDs is how many ids PublishedIDs takes at once.
const maxPublishedIDs = 1000

// PublishedIDs reports which of ids are published articles: the map holds
// those, true. Ids that are not positive are ignored. Returns EINVALID for
// more than 1,000 ids.
func (db readershipStore) PublishedIDs(ctx context.Context, ids []int64) (_ map[int64]bool, err error) {
	defer wrap(&err, "published ids")
	if len(ids) > maxPublishedIDs {
		return nil, dateline.Errorf(dateline.EINVALID, "At most %d ids at once, not %d.", maxPublishedIDs, len(ids))
	}
	out := map[int64]bool{}
	var args []any
	for _, id := range ids {
		if id > 0 {
			args = append(args, id)
		}
	}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM articles WHERE status = 'published' AND id IN (`+placeholders(len(args))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// Events returns events with ids above after, oldest first: at most limit,
// 100 by default, 1,000 at most.
func (db readershipStore) Events(ctx context.Context, after int64, limit int) (_ []dateline.Event, err error) {
	defer wrap(&err, "events")
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, kind, article_id, section, headline, lang, urgency, breaking, topics, collection
		FROM events WHERE id > ? ORDER BY id LIMIT ?`, after, sqlutil.LimitOr(limit, 100, 1000))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	es := []dateline.Event{}
	for rows.Next() {
		var e dateline.Event
		var at int64
		var topics string
		if err := rows.Scan(&e.ID, &at, &e.Kind, &e.ArticleID, &e.Section, &e.Headline, &e.Lang, &e.Urgency, &e.Breaking, &topics, &e.Collection); err != nil {
			return nil, err
		}
		e.At, e.Topics = time.Unix(at, 0).UTC(), strings.Fields(topics)
		es = append(es, e)
	}
	return es, rows.Err()
}

// LastEventID returns the newest event's id, or 0.
func (db readershipStore) LastEventID(ctx context.Context) (_ int64, err error) {
	defer wrap(&err, "last event id")
	var id int64
	err = db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, nil
}

// insertEvent logs the event of writing a over old, if any, in the
// writer's transaction. Topics are a's, as written (with their slugs).
func insertEvent(ctx context.Context, tx *sql.Tx, a *dateline.Article, old *dateline.StoredArticle, now time.Time) error {
	e, ok := dateline.ArticleEvent(a, old, now)
	if !ok {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO events (at, kind, article_id, section, headline, lang, urgency, breaking, topics)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.At.Unix(), e.Kind, e.ArticleID, e.Section, e.Headline, e.Lang, e.Urgency, e.Breaking, strings.Join(e.Topics, " "))
	return err
}

// insertEventByID logs an event of the stored article id.
func insertEventByID(ctx context.Context, tx *sql.Tx, id int64, kind string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO events (at, kind, article_id, section, headline, lang, urgency, breaking, topics)
		SELECT ?, ?, a.id, s.slug, a.headline, a.lang, a.urgency, a.breaking,
			COALESCE((SELECT group_concat(t.slug, ' ' ORDER BY x.position) FROM article_topics x JOIN topics t ON t.id = x.topic_id
				WHERE x.article_id = a.id), '')
		FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.id = ?`, now.Unix(), kind, id)
	return err
}
