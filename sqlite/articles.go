package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// contentStore is the content methods of dateline.Store (articles.go, write.go): lists, lookups, ingest, release.
type contentStore struct{ *DB }

func unix(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

func fromUnix(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(n.Int64, 0).UTC()
}

// unixMilli is how a time kept to the millisecond (the embargo) is
// written: Unix milliseconds, NULL when zero.
func unixMilli(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func fromMilli(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMilli(n.Int64).UTC()
}

type scanner = sqlutil.Scanner

// Article returns the article with the id. Returns ENOTFOUND if none.
func (db contentStore) Article(ctx context.Context, id int64) (_ *dateline.Article, err error) {
	defer wrap(&err, "article")
	return db.article(ctx, `a.id = ?`, id)
}

// ArticleByURI returns the article with the source URI. Returns ENOTFOUND if none.
func (db contentStore) ArticleByURI(ctx context.Context, uri string) (_ *dateline.Article, err error) {
	defer wrap(&err, "article by uri")
	return db.article(ctx, `a.uri = ?`, uri)
}

func (db contentStore) article(ctx context.Context, where string, arg any) (*dateline.Article, error) {
	a, err := sqlutil.ScanArticle(db.read.QueryRowContext(ctx, `SELECT `+sqlutil.ArticleColumns+sqlutil.ArticleFrom+` WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No article %v.", arg)
	} else if err != nil {
		return nil, err
	}
	if err := fillArticle(ctx, db.read, a); err != nil {
		return nil, fmt.Errorf("article %d: %w", a.ID, err)
	}
	if err := fillWireRefused(ctx, db.read, []*dateline.Article{a}); err != nil {
		return nil, fmt.Errorf("article %d: %w", a.ID, err)
	}
	return a, nil
}

// queryer is the read pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// fillArticle reads an article's pages, tags, links, corrections and chain.
func fillArticle(ctx context.Context, q queryer, a *dateline.Article) error {
	return fillArticles(ctx, q, map[int64]*dateline.Article{a.ID: a}, "["+strconv.FormatInt(a.ID, 10)+"]")
}

func corrections(ctx context.Context, q queryer, id int64) ([]dateline.Correction, error) {
	rows, err := q.QueryContext(ctx, `SELECT at, text FROM corrections WHERE article_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cs []dateline.Correction
	for rows.Next() {
		var c dateline.Correction
		var at int64
		if err := rows.Scan(&at, &c.Text); err != nil {
			return nil, err
		}
		c.At = time.Unix(at, 0).UTC()
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

// chain returns the published stories of the chain, oldest first.
func chain(ctx context.Context, q queryer, chainID int64) ([]dateline.ArticleRef, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.id, a.uri, s.slug, a.headline
		FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE a.chain_id = ? AND a.status = 'published' ORDER BY a.published_at, a.id`, chainID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var refs []dateline.ArticleRef
	for rows.Next() {
		var r dateline.ArticleRef
		if err := rows.Scan(&r.ID, &r.URI, &r.Section, &r.Headline); err != nil {
			return nil, err
		}
		refs = append(refs, r)
	}
	return refs, rows.Err()
}

// Articles lists published articles, newest first, without their pages:
// a keyset walk of an index (sqlutil.ArticleKeys), then the rows of the
// page by id.
func (db contentStore) Articles(ctx context.Context, f dateline.ArticleFilter) (_ []dateline.Article, err error) {
	defer wrap(&err, "articles")
	q, args := articlesQuery(f)
	return db.articleList(ctx, q, args...)
}

// articlesQuery is the query of Articles.
func articlesQuery(f dateline.ArticleFilter) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "?"
	}
	keys := sqlutil.ArticleKeys(f, sqlutil.CapLimit(f.Limit), sqlutil.Dialect{Arg: arg, At: func(t time.Time) any { return t.Unix() }})
	return `SELECT ` + sqlutil.ArticleColumns + ` FROM (` + keys + `) x JOIN articles a ON a.id = x.id
		JOIN sections s ON s.id = a.section_id LEFT JOIN photos p ON p.id = a.photo_id
		ORDER BY x.published_at DESC, x.id DESC`, args
}

func (db contentStore) articleList(ctx context.Context, query string, args ...any) ([]dateline.Article, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, []dateline.Article{}, sqlutil.Value(sqlutil.ScanArticle))
}

// CountArticles counts articles with the status, or all when status is "".
func (db contentStore) CountArticles(ctx context.Context, status dateline.Status) (_ int, err error) {
	defer wrap(&err, "count articles")
	where, args, err := statusWhere(status)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles a WHERE `+where, args...).Scan(&n)
	return n, err
}

// statusWhere is the condition on articles a for the status ("" for any):
// a submitted story is a draft with a submission time, a withheld one a
// draft marked withheld.
func statusWhere(s dateline.Status) (string, []any, error) {
	switch s {
	case "":
		return `1 = 1`, nil, nil
	case dateline.StatusSubmitted:
		return `a.status = 'draft' AND a.submitted_at IS NOT NULL`, nil, nil
	case dateline.StatusWithheld:
		return `a.status = 'draft' AND a.withheld`, nil, nil
	case dateline.StatusDraft:
		return `a.status = 'draft' AND a.submitted_at IS NULL AND NOT a.withheld`, nil, nil
	}
	if !s.Valid() {
		return "", nil, dateline.Errorf(dateline.EINVALID, "Unknown status %q.", s)
	}
	return `a.status = ?`, []any{string(s)}, nil
}

// PublishDue publishes scheduled articles whose embargo has ended.
func (db contentStore) PublishDue(ctx context.Context, now time.Time) (_ []dateline.Release, err error) {
	defer wrap(&err, "publish due")
	var released []dateline.Release
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		// The embargo is kept to the millisecond and released at its
		// instant, never before; the story is dated the instant's second.
		rows, err := tx.QueryContext(ctx, `UPDATE articles
			SET status = 'published', published_at = COALESCE(published_at, embargo_until / 1000),
			    version = version + 1, modified_at = ?
			WHERE status = 'scheduled' AND embargo_until <= ? RETURNING id, embargo_until, embargoed`, now.Unix(), now.UnixMilli())
		if err != nil {
			return err
		}
		for rows.Next() {
			var x dateline.Release
			var due int64
			if err := rows.Scan(&x.ID, &due, &x.Embargoed); err != nil {
				rows.Close()
				return err
			}
			x.Due = time.UnixMilli(due).UTC()
			released = append(released, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Released stories are found by search, and announced, in the same
		// transaction.
		for _, x := range released {
			id := x.ID
			if err := indexByID(ctx, tx, id); err != nil {
				return err
			}
			if err := indexTags(ctx, tx, id); err != nil {
				return err
			}
			if err := insertEventByID(ctx, tx, id, dateline.EventPublished, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return released, nil
}

// NextEmbargo returns the earliest embargo still to end, to the
// millisecond, or the zero time.
func (db contentStore) NextEmbargo(ctx context.Context) (_ time.Time, err error) {
	defer wrap(&err, "next embargo")
	var t sql.NullInt64
	err = db.read.QueryRowContext(ctx, `SELECT MIN(embargo_until) FROM articles WHERE status = 'scheduled'`).Scan(&t)
	return fromMilli(t), err
}
