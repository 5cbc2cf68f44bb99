package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// sitemapStore is dateline.Sitemaps.
type sitemapStore struct{ *DB }

var _ dateline.Sitemaps = (*DB)(nil)

// SitemapMonths reads the months from sitemap_months, which triggers keep
// in the transaction of every write to articles; see dateline.Sitemaps.
// The table has a row a month, so the list costs the same at any size.
func (db sitemapStore) SitemapMonths(ctx context.Context, changedSince time.Time) (_ []dateline.MonthCount, err error) {
	defer wrap(&err, "sitemap months")
	where, args := `count > 0`, []any{}
	if !changedSince.IsZero() {
		where, args = `modified >= ?`, append(args, changedSince.Unix())
	}
	rows, err := db.read.QueryContext(ctx, `SELECT month, count, modified FROM sitemap_months WHERE `+where+` ORDER BY month`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, []dateline.MonthCount{}, func(r sqlutil.Scanner) (dateline.MonthCount, error) {
		var m dateline.MonthCount
		var month, mod int64
		err := r.Scan(&month, &m.Count, &mod)
		m.Month, m.Modified = time.Unix(month, 0).UTC(), time.Unix(mod, 0).UTC()
		return m, err
	})
}

// SitemapArticles lists a stretch of published articles, oldest first;
// see dateline.Sitemaps. The offset is skipped inside articles_feed,
// which covers it, so only the rows returned are read.
func (db sitemapStore) SitemapArticles(ctx context.Context, from, to time.Time, offset, limit int) (_ []dateline.SitemapEntry, err error) {
	defer wrap(&err, "sitemap articles")
	if limit <= 0 || limit > 50000 || offset < 0 {
		return nil, dateline.Errorf(dateline.EINVALID, "A sitemap lists 1 to 50,000 articles.")
	}
	// The rows come in the order of x; they are sorted here only if
	// not, which saves SQLite a sort of the whole file.
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, s.slug, a.headline, a.lang, a.published_at, a.updated_at, p.path, p.remote, a.commercial <> ''
		FROM (SELECT id FROM articles WHERE status = 'published' AND published_at >= ? AND published_at < ?
			ORDER BY published_at, id LIMIT ? OFFSET ?) x
		JOIN articles a ON a.id = x.id
		JOIN sections s ON s.id = a.section_id
		LEFT JOIN photos p ON p.id = a.photo_id`, from.Unix(), to.Unix(), limit, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]dateline.SitemapEntry, 0, min(limit, 10000))
	// Sections and languages are few: one string each, not one a row.
	words := map[string]string{}
	word := func(b sql.RawBytes) string {
		w, ok := words[string(b)]
		if !ok {
			w = string(b)
			words[w] = w
		}
		return w
	}
	for rows.Next() {
		var e dateline.SitemapEntry
		var pub int64
		var upd sql.NullInt64
		var section, lang sql.RawBytes
		var path, remote sql.NullString
		if err := rows.Scan(&e.ID, &section, &e.Headline, &lang, &pub, &upd, &path, &remote, &e.Commercial); err != nil {
			return nil, err
		}
		e.Section, e.Lang = word(section), word(lang)
		e.PublishedAt, e.UpdatedAt = time.Unix(pub, 0).UTC(), fromUnix(upd)
		if path.Valid {
			e.Photo = &dateline.Photo{Path: path.String, Remote: remote.String}
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortEntries(out)
	return out, nil
}

// sortEntries puts entries oldest first, then by id, if they are not.
func sortEntries(es []dateline.SitemapEntry) {
	order := func(a, b dateline.SitemapEntry) int {
		if c := a.PublishedAt.Compare(b.PublishedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	}
	if !slices.IsSortedFunc(es, order) {
		slices.SortFunc(es, order)
	}
}

// SitemapCount counts published articles in a time range; see
// dateline.Sitemaps.
func (db sitemapStore) SitemapCount(ctx context.Context, from, to time.Time) (_ int, err error) {
	defer wrap(&err, "sitemap count")
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at >= ? AND published_at < ?`,
		from.Unix(), to.Unix()).Scan(&n); err != nil {
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
	// MATERIALIZED, so that each tag's step is taken once, not once for
	// the filter and again for the column.
	rows, err := db.read.QueryContext(ctx, `WITH x AS MATERIALIZED (
			SELECT t.id, t.slug, t.name, (SELECT MAX(published_at) FROM published_tags WHERE kind = ? AND tag_id = t.id) AS newest
			FROM `+table+` t WHERE t.id > ? AND t.id <= ?)
		SELECT id, slug, name, newest FROM x WHERE newest IS NOT NULL ORDER BY id`, k, after, after+int64(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []dateline.SitemapTag{}
	for rows.Next() {
		var t dateline.SitemapTag
		var newest int64
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name, &newest); err != nil {
			return nil, err
		}
		t.Modified = time.Unix(newest, 0).UTC()
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
	if err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&id); err != nil {
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
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	in := `(?` + strings.Repeat(",?", len(ids)-1) + `)`
	rows, err := db.read.QueryContext(ctx, `SELECT article_id, body FROM article_pages WHERE article_id IN `+in+` ORDER BY article_id, page`, args...)
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
	rows, err = db.read.QueryContext(ctx, `SELECT article_id, at, text FROM corrections WHERE article_id IN `+in+` ORDER BY article_id, position`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		var c dateline.Correction
		if err := rows.Scan(&id, &at, &c.Text); err != nil {
			return nil, err
		}
		c.At = time.Unix(at, 0).UTC()
		b := out[id]
		b.Corrections = append(b.Corrections, c)
		out[id] = b
	}
	return out, rows.Err()
}
