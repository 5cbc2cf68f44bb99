package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dateline"
	"dateline/internal/sqlutil"
)

// readershipStore is dateline.Readership: views, rankings, neighbours, events.
type readershipStore struct{ *DB }

var _ dateline.Readership = (*DB)(nil)

// lockEdges locks the windows' edge rows (FOR SHARE to add views, FOR
// UPDATE to move them) and returns the last minute that has left each
// window, in dateline.Periods order. The first caller makes the rows at 0
// (nothing has left yet); one making them at the same moment waits for it.
// Holding them, AddViews and ExpireViews never interleave, so no view is
// added to a window after its minute was subtracted, and two nodes
// expiring at once take turns: the second finds the edges moved.
func lockEdges(ctx context.Context, tx pgx.Tx, mode string) ([3]int64, error) {
	var through [3]int64
	read := func() (int, error) {
		rows, err := tx.Query(ctx, `SELECT window_minutes, through FROM view_edges ORDER BY window_minutes `+mode)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var w, t int64
			if err := rows.Scan(&w, &t); err != nil {
				return 0, err
			}
			for i, p := range dateline.Periods {
				if p.Minutes() == w {
					through[i] = t
					n++
				}
			}
		}
		return n, rows.Err()
	}
	n, err := read()
	if err != nil || n == len(dateline.Periods) {
		return through, err
	}
	var ws []int64
	for _, p := range dateline.Periods {
		ws = append(ws, p.Minutes())
	}
	if _, err := tx.Exec(ctx, `INSERT INTO view_edges (window_minutes, through) SELECT unnest($1::bigint[]), 0
		ON CONFLICT (window_minutes) DO NOTHING`, ws); err != nil {
		return through, err
	}
	_, err = read()
	return through, err
}

// AddViews adds counts in one transaction: each to its minute and to the
// windows the minute has not left yet. Counts that are not positive, of
// unknown articles or of minutes that have left every window are dropped.
// Rows are written in key order, so concurrent batches do not deadlock.
// Views are not announced: no page waits for them.
func (db readershipStore) AddViews(ctx context.Context, counts []dateline.ViewCount) (err error) {
	defer wrap(&err, "add views")
	merged := dateline.MergeViewCounts(counts)
	if len(merged) == 0 {
		return nil
	}
	return db.retryQuietTx(ctx, func(tx pgx.Tx) error {
		through, err := lockEdges(ctx, tx, "FOR SHARE")
		if err != nil {
			return err
		}
		var ids []int64
		for _, c := range merged {
			ids = append(ids, c.ArticleID)
		}
		slices.Sort(ids)
		rows, err := tx.Query(ctx, `SELECT id, section_id FROM articles WHERE id = ANY($1)`, slices.Compact(ids))
		if err != nil {
			return err
		}
		sections := map[int64]int64{}
		var id, section int64
		if _, err := pgx.ForEachRow(rows, []any{&id, &section}, func() error { sections[id] = section; return nil }); err != nil {
			return err
		}
		var minutes, articles, views []int64
		windows := map[int64]*[3]int64{}
		for _, c := range merged {
			// through[2] is the week's: such a minute is in no window.
			if sections[c.ArticleID] == 0 || c.Minute <= through[2] {
				continue
			}
			minutes, articles, views = append(minutes, c.Minute), append(articles, c.ArticleID), append(views, c.Count)
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
		if len(minutes) == 0 {
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO view_minutes (minute, article_id, count)
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])
			ON CONFLICT (minute, article_id) DO UPDATE SET count = view_minutes.count + EXCLUDED.count`, minutes, articles, views)
		if err != nil {
			return err
		}
		wids := make([]int64, 0, len(windows))
		for id := range windows {
			wids = append(wids, id)
		}
		slices.Sort(wids)
		var secs, now, today, week []int64
		for _, id := range wids {
			w := windows[id]
			secs, now, today, week = append(secs, sections[id]), append(now, w[0]), append(today, w[1]), append(week, w[2])
		}
		_, err = tx.Exec(ctx, `INSERT INTO view_windows (article_id, section_id, now, today, week)
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])
			ON CONFLICT (article_id) DO UPDATE SET now = view_windows.now + EXCLUDED.now,
				today = view_windows.today + EXCLUDED.today, week = view_windows.week + EXCLUDED.week`, wids, secs, now, today, week)
		return err
	})
}

// retryQuietTx is inQuietTx, tried again (three times in all) when
// PostgreSQL aborts it as a deadlock: an article write that moves stories
// to other sections locks their windows' rows in its own order.
func (db readershipStore) retryQuietTx(ctx context.Context, fn func(pgx.Tx) error) error {
	var err error
	for attempt := range 3 {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt*attempt) * 20 * time.Millisecond)
		}
		if err = db.inQuietTx(ctx, fn); !retryable(err) {
			break
		}
	}
	return err
}

// viewSlack is how long minutes are kept after they leave the week.
const viewSlack = 60

// eventDays is how long events are kept.
const eventDays = 7

// ExpireViews moves each window's edge to now, subtracting the minutes
// that left it, in one transaction; then drops minutes an hour past the
// week, articles left without views and events older than a week (the
// newest event stays, so LastEventID never goes back). Every node may run
// it at once: the edge rows are locked, and each minute leaves each window
// once.
func (db readershipStore) ExpireViews(ctx context.Context, now time.Time) (err error) {
	defer wrap(&err, "expire views")
	m := dateline.Minute(now)
	return db.retryQuietTx(ctx, func(tx pgx.Tx) error {
		through, err := lockEdges(ctx, tx, "FOR UPDATE")
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
			rows, err := tx.Query(ctx, `UPDATE view_windows w SET `+col+` = w.`+col+` - v.n
				FROM (SELECT article_id, SUM(count) AS n FROM view_minutes WHERE minute > $1 AND minute <= $2 GROUP BY article_id) v
				WHERE w.article_id = v.article_id
				RETURNING w.article_id, w.now = 0 AND w.today = 0 AND w.week = 0`, through[i], edge)
			if err != nil {
				return err
			}
			var empty []int64
			var id int64
			var none bool
			if _, err := pgx.ForEachRow(rows, []any{&id, &none}, func() error {
				if none {
					empty = append(empty, id)
				}
				return nil
			}); err != nil {
				return err
			}
			if len(empty) > 0 {
				if _, err := tx.Exec(ctx, `DELETE FROM view_windows WHERE article_id = ANY($1)`, empty); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `UPDATE view_edges SET through = $2 WHERE window_minutes = $1`, p.Minutes(), edge); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM view_minutes WHERE minute <= $1`, m-dateline.PeriodWeek.Minutes()-viewSlack); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM events WHERE at < $1 AND id < (SELECT MAX(id) FROM events)`,
			now.UTC().Add(-eventDays*24*time.Hour).Truncate(time.Second))
		return err
	})
}

// withExtra scans the article's columns and then the extra ones.
type withExtra struct {
	row   pgx.Row
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }

// MostRead returns the published articles with the most views in the
// period, most first, then newest first, in the section when one is
// given. limit is 10 by default, 50 at most. Returns EINVALID for an
// unknown period.
//
// Each section's best are found by walking its part of the window's
// index (the LATERAL query), and the site's best are the best of those.
func (db readershipStore) MostRead(ctx context.Context, p dateline.Period, section string, limit int) (_ []dateline.Ranked, err error) {
	defer wrap(&err, "most read")
	col := sqlutil.WindowColumn(p)
	if col == "" {
		return nil, dateline.Errorf(dateline.EINVALID, "Unknown period %q.", p)
	}
	where, args := ``, []any{sqlutil.LimitOr(limit, 10, 50)}
	if section != "" {
		where, args = `WHERE top.slug = $2`, append(args, section)
	}
	rows, err := db.reader(ctx).Query(ctx, `SELECT `+sqlutil.ArticleColumns+`, x.n
		FROM sections top CROSS JOIN LATERAL (
			SELECT w.article_id, w.`+col+` AS n FROM view_windows w JOIN articles y ON y.id = w.article_id
			WHERE w.section_id = top.id AND w.`+col+` > 0 AND y.status = 'published' AND y.section_id = w.section_id
			ORDER BY w.`+col+` DESC, y.published_at DESC, y.id DESC LIMIT $1) x
		JOIN articles a ON a.id = x.article_id JOIN sections s ON s.id = a.section_id LEFT JOIN photos p ON p.id = a.photo_id
		`+where+`
		ORDER BY x.n DESC, a.published_at DESC, a.id DESC LIMIT $1`, args...)
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

// ViewsOf returns the article's views in each period, zeros when it has
// none.
func (db readershipStore) ViewsOf(ctx context.Context, articleID int64) (_ [3]int64, err error) {
	defer wrap(&err, "views of")
	var v [3]int64
	err = db.reader(ctx).QueryRow(ctx, `SELECT now, today, week FROM view_windows WHERE article_id = $1`, articleID).
		Scan(&v[0], &v[1], &v[2])
	if errors.Is(err, pgx.ErrNoRows) {
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
	rows, err := db.reader(ctx).Query(ctx, `WITH base AS (
			SELECT 0 AS kind, topic_id AS tag_id FROM article_topics WHERE article_id = $1
			UNION ALL SELECT 1, person_id FROM article_persons WHERE article_id = $1),
		c AS (SELECT DISTINCT x.article_id FROM base b CROSS JOIN LATERAL (
			SELECT t.article_id FROM published_tags t WHERE t.kind = b.kind AND t.tag_id = b.tag_id AND t.article_id <> $1
			ORDER BY t.published_at DESC, t.article_id DESC LIMIT $2) x)
		SELECT `+sqlutil.ArticleColumns+`,
			((SELECT COUNT(*) FROM article_topics x WHERE x.article_id = a.id
				AND x.topic_id IN (SELECT tag_id FROM base WHERE kind = 0))
			+ (SELECT COUNT(*) FROM article_persons x WHERE x.article_id = a.id
				AND x.person_id IN (SELECT tag_id FROM base WHERE kind = 1)))::int
		FROM c JOIN articles a ON a.id = c.article_id JOIN sections s ON s.id = a.section_id LEFT JOIN photos p ON p.id = a.photo_id
		WHERE a.status = 'published'
		ORDER BY a.published_at DESC, a.id DESC LIMIT $2`, id, sqlutil.LimitOr(limit, 50, 200))
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

// publishedTags selects the published_tags rows of the published articles
// that match the condition on a.
const publishedTags = `SELECT 0, x.topic_id, COALESCE(a.published_at, 'epoch'), a.id FROM article_topics x JOIN articles a ON a.id = x.article_id
	WHERE a.status = 'published' AND %[1]s
	UNION ALL
	SELECT 1, x.person_id, COALESCE(a.published_at, 'epoch'), a.id FROM article_persons x JOIN articles a ON a.id = x.article_id
	WHERE a.status = 'published' AND %[1]s`

// indexTags puts a published article's topics and persons in
// published_tags, or takes any other's out, in the caller's transaction.
func indexTags(ctx context.Context, tx pgx.Tx, id int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM published_tags WHERE article_id = $1`, id); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO published_tags (kind, tag_id, published_at, article_id) `+
		fmt.Sprintf(publishedTags, `a.id = $1`), id)
	return err
}

// rebuildTags makes published_tags again from the articles, as after a
// move, which writes articles and their tags without writeArticle.
func (db readershipStore) rebuildTags(ctx context.Context) error {
	return pgx.BeginFunc(ctx, db.primary, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `TRUNCATE published_tags`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO published_tags (kind, tag_id, published_at, article_id) `+fmt.Sprintf(publishedTags, `true`))
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
	var want []int64
	for _, id := range ids {
		if id > 0 {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return out, nil
	}
	rows, err := db.reader(ctx).Query(ctx, `SELECT id FROM articles WHERE status = 'published' AND id = ANY($1)`, want)
	if err != nil {
		return nil, err
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}

// Events returns events with ids above after, oldest first: at most limit,
// 100 by default, 1,000 at most.
func (db readershipStore) Events(ctx context.Context, after int64, limit int) (_ []dateline.Event, err error) {
	defer wrap(&err, "events")
	rows, err := db.reader(ctx).Query(ctx, `SELECT id, at, kind, article_id, section, headline, lang, urgency, breaking, topics, collection
		FROM events WHERE id > $1 ORDER BY id LIMIT $2`, after, sqlutil.LimitOr(limit, 100, 1000))
	if err != nil {
		return nil, err
	}
	es, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (dateline.Event, error) {
		var e dateline.Event
		var topics string
		err := row.Scan(&e.ID, &e.At, &e.Kind, &e.ArticleID, &e.Section, &e.Headline, &e.Lang, &e.Urgency, &e.Breaking, &topics, &e.Collection)
		e.At, e.Topics = e.At.UTC(), strings.Fields(topics)
		return e, err
	})
	if err != nil {
		return nil, err
	}
	if es == nil {
		es = []dateline.Event{}
	}
	return es, nil
}

// LastEventID returns the newest event's id, or 0.
func (db readershipStore) LastEventID(ctx context.Context) (_ int64, err error) {
	defer wrap(&err, "last event id")
	var id int64
	err = db.reader(ctx).QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, nil
}

// eventsLock is the advisory lock key under which events are numbered.
const eventsLock = 0x64617465_6576656e // "dateeven"

// writeEvents inserts a transaction's events. It must be the
// transaction's last statement: it takes a lock held until the commit, so
// that events get their ids in commit order and a reader who has seen one
// id has seen every smaller one. Being last, the lock waits for no other.
func writeEvents(ctx context.Context, tx pgx.Tx, es []dateline.Event) error {
	if len(es) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(eventsLock)); err != nil {
		return err
	}
	b := &pgx.Batch{}
	for _, e := range es {
		b.Queue(`INSERT INTO events (at, kind, article_id, section, headline, lang, urgency, breaking, topics)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			ts(e.At), e.Kind, e.ArticleID, e.Section, e.Headline, e.Lang, e.Urgency, e.Breaking, strings.Join(e.Topics, " "))
	}
	return tx.SendBatch(ctx, b).Close()
}

// writeEventsByID inserts an event of each stored article, in id order;
// like writeEvents, it must come last in the transaction.
func writeEventsByID(ctx context.Context, tx pgx.Tx, ids []int64, kind string, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(eventsLock)); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO events (at, kind, article_id, section, headline, lang, urgency, breaking, topics)
		SELECT $1, $2, a.id, s.slug, a.headline, a.lang, a.urgency, a.breaking,
			COALESCE((SELECT string_agg(t.slug, ' ' ORDER BY x.position) FROM article_topics x JOIN topics t ON t.id = x.topic_id
				WHERE x.article_id = a.id), '')
		FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.id = ANY($3) ORDER BY a.id`, ts(now), kind, ids)
	return err
}
