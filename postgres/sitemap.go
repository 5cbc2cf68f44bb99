package postgres

import (
	"context"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// sitemapStore is dateline.Sitemaps.
type sitemapStore struct{ *DB }

var _ dateline.Sitemaps = (*DB)(nil)

// SitemapMonths reads the months from sitemap_months, which a trigger
// keeps in the transaction of every write to articles; see
// dateline.Sitemaps. The table has a row a month, so the list costs the
// same at any size.
func (db sitemapStore) SitemapMonths(ctx context.Context, changedSince time.Time) (_ []dateline.MonthCount, err error) {
	defer wrap(&err, "sitemap months")
	where, args := `count > 0`, []any{}
	if !changedSince.IsZero() {
		where, args = `modified >= $1`, append(args, changedSince.UTC().Truncate(time.Second))
	}
	rows, err := db.reader(ctx).Query(ctx, `SELECT month, count, modified FROM sitemap_months WHERE `+where+` ORDER BY month`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, []dateline.MonthCount{}, func(r sqlutil.Scanner) (dateline.MonthCount, error) {
		var m dateline.MonthCount
		err := r.Scan(&m.Month, &m.Count, &m.Modified)
		m.Month, m.Modified = m.Month.UTC(), m.Modified.UTC()
		return m, err
	})
}

// SitemapArticles lists a stretch of published articles, oldest first;
// see dateline.Sitemaps. The offset is skipped inside articles_feed, so
// only the rows returned are read from the table.
func (db sitemapStore) SitemapArticles(ctx context.Context, from, to time.Time, offset, limit int) (_ []dateline.SitemapEntry, err error) {
	defer wrap(&err, "sitemap articles")
	if limit <= 0 || limit > 50000 || offset < 0 {
		return nil, dateline.Errorf(dateline.EINVALID, "A sitemap lists 1 to 50,000 articles.")
	}
	rows, err := db.reader(ctx).Query(ctx, `SELECT a.id, s.slug, a.headline, a.lang, a.published_at, a.updated_at, p.path, p.remote, a.commercial <> ''
		FROM (SELECT published_at, id FROM articles WHERE status = 'published' AND published_at >= $1 AND published_at < $2
			ORDER BY published_at, id LIMIT $3 OFFSET $4) x
		JOIN articles a ON a.id = x.id
		JOIN sections s ON s.id = a.section_id
		LEFT JOIN photos p ON p.id = a.photo_id
		ORDER BY x.published_at, x.id`, from.UTC(), to.UTC(), limit, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]dateline.SitemapEntry, 0, min(limit, 1024))
	for rows.Next() {
		var e dateline.SitemapEntry
		var pub time.Time
		var upd *time.Time
		var path, remote *string
		if err := rows.Scan(&e.ID, &e.Section, &e.Headline, &e.Lang, &pub, &upd, &path, &remote, &e.Commercial); err != nil {
			return nil, err
		}
		e.PublishedAt, e.UpdatedAt = pub.UTC(), fromTS(upd)
		if path != nil {
			e.Photo = &dateline.Photo{Path: *path, Remote: deref(remote)}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SitemapCount counts published articles in a time range; see
// dateline.Sitemaps.
func (db sitemapStore) SitemapCount(ctx context.Context, from, to time.Time) (_ int, err error) {
	defer wrap(&err, "sitemap count")
	var n int
	if err := db.reader(ctx).QueryRow(ctx, `SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at >= $1 AND published_at < $2`,
		from.UTC(), to.UTC()).Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}

// TagArticles lists a tag's newest published articles; see
// dateline.Sitemaps.
func (db sitemapStore) TagArticles(ctx context.Context, kind, slug string, limit int) (_ []dateline.Article, err error) {
	defer wrap(&err, "tag articles")
	f, err := sqlutil.TagFilter(kind, slug, limit)
	if err != nil {
		return nil, err
	}
	return db.Articles(ctx, f)
}

// SitemapTags lists tags with published articles in a range of ids; see
// dateline.Sitemaps. Each tag's newest publication is one step into
// published_tags, which holds only published articles.
func (db sitemapStore) SitemapTags(ctx context.Context, kind string, after int64, limit int) (_ []dateline.SitemapTag, err error) {
	defer wrap(&err, "sitemap tags")
	table, k, err := sqlutil.TagTable(kind)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 50000 {
		return nil, dateline.Errorf(dateline.EINVALID, "A sitemap lists 1 to 50,000 tags.")
	}
	// A lateral step per tag, taken once (a subquery in the select list
	// and the filter would be run twice), and tags without any drop out.
	rows, err := db.reader(ctx).Query(ctx, `SELECT t.id, t.slug, t.name, n.newest FROM `+table+` t
		CROSS JOIN LATERAL (SELECT published_at AS newest FROM published_tags WHERE kind = $1 AND tag_id = t.id
			ORDER BY published_at DESC LIMIT 1) n
		WHERE t.id > $2 AND t.id <= $3 ORDER BY t.id`, k, after, after+int64(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []dateline.SitemapTag{}
	for rows.Next() {
		var t dateline.SitemapTag
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name, &t.Modified); err != nil {
			return nil, err
		}
		t.Modified = t.Modified.UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}

// LastTagID returns the largest id of the kind; see dateline.Sitemaps.
func (db sitemapStore) LastTagID(ctx context.Context, kind string) (_ int64, err error) {
	defer wrap(&err, "last tag id")
	table, _, err := sqlutil.TagTable(kind)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := db.reader(ctx).QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&id); err != nil {
		return 0, err
	}
	return id, nil
}

// FeedBodies returns the pages and corrections of articles; see
// dateline.Sitemaps.
func (db sitemapStore) FeedBodies(ctx context.Context, ids []int64) (_ map[int64]dateline.FeedBody, err error) {
	defer wrap(&err, "feed bodies")
	out := map[int64]dateline.FeedBody{}
	if len(ids) == 0 {
		return out, nil
	}
	if len(ids) > 200 {
		return nil, dateline.Errorf(dateline.EINVALID, "At most 200 articles at once.")
	}
	q := db.reader(ctx)
	rows, err := q.Query(ctx, `SELECT article_id, body FROM article_pages WHERE article_id = ANY($1) ORDER BY article_id, page`, ids)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			rows.Close()
			return nil, err
		}
		b := out[id]
		b.Pages = append(b.Pages, body)
		out[id] = b
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT article_id, at, text FROM corrections WHERE article_id = ANY($1) ORDER BY article_id, position`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c dateline.Correction
		if err := rows.Scan(&id, &c.At, &c.Text); err != nil {
			return nil, err
		}
		c.At = c.At.UTC()
		b := out[id]
		b.Corrections = append(b.Corrections, c)
		out[id] = b
	}
	return out, rows.Err()
}
