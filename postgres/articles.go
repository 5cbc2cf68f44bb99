package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"dateline"
	"dateline/internal/sqlutil"
)

// contentStore is the content methods of dateline.Store (articles.go, write.go): lists, lookups, ingest, release.
type contentStore struct{ *DB }

// ts is how a time is written: UTC, whole seconds, NULL when zero.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Second)
}

// tsMilli is how a time kept to the millisecond (the embargo) is
// written: UTC, whole milliseconds, NULL when zero.
func tsMilli(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Millisecond)
}

func fromTS(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Article returns the article with the id. Returns ENOTFOUND if none.
func (db contentStore) Article(ctx context.Context, id int64) (_ *dateline.Article, err error) {
	defer wrap(&err, "article")
	return db.article(ctx, `a.id = $1`, id)
}

// ArticleByURI returns the article with the source URI. Returns ENOTFOUND if none.
func (db contentStore) ArticleByURI(ctx context.Context, uri string) (_ *dateline.Article, err error) {
	defer wrap(&err, "article by uri")
	return db.article(ctx, `a.uri = $1`, uri)
}

func (db contentStore) article(ctx context.Context, where string, arg any) (*dateline.Article, error) {
	q := db.reader(ctx)
	a, err := sqlutil.ScanArticle(q.QueryRow(ctx, `SELECT `+sqlutil.ArticleColumns+sqlutil.ArticleFrom+` WHERE `+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No article %v.", arg)
	} else if err != nil {
		return nil, err
	}
	if err := fillArticle(ctx, q, a); err != nil {
		return nil, fmt.Errorf("article %d: %w", a.ID, err)
	}
	if err := fillWireRefused(ctx, q, []*dateline.Article{a}); err != nil {
		return nil, fmt.Errorf("article %d: %w", a.ID, err)
	}
	return a, nil
}

// fillArticle reads an article's pages, tags, links, corrections and chain.
func fillArticle(ctx context.Context, q querier, a *dateline.Article) error {
	return fillArticles(ctx, q, map[int64]*dateline.Article{a.ID: a}, []int64{a.ID})
}

// Articles lists published articles, newest first, without their pages:
// a keyset walk of an index (sqlutil.ArticleKeys), then the rows of the
// page by id.
func (db contentStore) Articles(ctx context.Context, f dateline.ArticleFilter) (_ []dateline.Article, err error) {
	defer wrap(&err, "articles")
	q, args := articlesQuery(f)
	return articleList(ctx, db.reader(ctx), q, args...)
}

// articlesQuery is the query of Articles.
func articlesQuery(f dateline.ArticleFilter) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	keys := sqlutil.ArticleKeys(f, sqlutil.CapLimit(f.Limit), sqlutil.Dialect{Arg: arg, At: func(t time.Time) any { return t.UTC().Truncate(time.Second) }, LimitArms: true})
	return `SELECT ` + sqlutil.ArticleColumns + ` FROM (` + keys + `) x JOIN articles a ON a.id = x.id
		JOIN sections s ON s.id = a.section_id LEFT JOIN photos p ON p.id = a.photo_id
		ORDER BY x.published_at DESC, x.id DESC`, args
}

func articleList(ctx context.Context, q querier, query string, args ...any) ([]dateline.Article, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, []dateline.Article{}, sqlutil.Value(sqlutil.ScanArticle))
}

// CountArticles counts articles with the status, or all when status is "".
func (db contentStore) CountArticles(ctx context.Context, status dateline.Status) (_ int, err error) {
	defer wrap(&err, "count articles")
	where, args, err := statusWhere(status, nil)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.reader(ctx).QueryRow(ctx, `SELECT COUNT(*) FROM articles a WHERE `+where, args...).Scan(&n)
	return n, err
}

// statusWhere is the condition on articles a for the status ("" for any),
// with its argument appended to args: a submitted story is a draft with a
// submission time, a withheld one a draft marked withheld.
func statusWhere(s dateline.Status, args []any) (string, []any, error) {
	switch s {
	case "":
		return `true`, args, nil
	case dateline.StatusSubmitted:
		return `a.status = 'draft' AND a.submitted_at IS NOT NULL`, args, nil
	case dateline.StatusWithheld:
		return `a.status = 'draft' AND a.withheld`, args, nil
	case dateline.StatusDraft:
		return `a.status = 'draft' AND a.submitted_at IS NULL AND NOT a.withheld`, args, nil
	}
	if !s.Valid() {
		return "", nil, dateline.Errorf(dateline.EINVALID, "Unknown status %q.", s)
	}
	args = append(args, string(s))
	return `a.status = $` + strconv.Itoa(len(args)), args, nil
}

// PublishDue publishes scheduled articles whose embargo has ended. Row
// locks make each release happen once, however many nodes run it.
func (db contentStore) PublishDue(ctx context.Context, now time.Time) (_ []dateline.Release, err error) {
	defer wrap(&err, "publish due")
	var released []dateline.Release
	var ids []int64
	err = pgx.BeginFunc(ctx, db.primary, func(tx pgx.Tx) error {
		// The embargo is kept to the millisecond and released at its
		// instant, never before; the story is dated the instant's second.
		rows, err := tx.Query(ctx, `UPDATE articles
			SET status = 'published', published_at = COALESCE(published_at, date_trunc('second', embargo_until)),
			    version = version + 1, modified_at = $1
			WHERE status = 'scheduled' AND embargo_until <= $2 RETURNING id, embargo_until, embargoed`, ts(now), now.UTC())
		if err != nil {
			return err
		}
		released, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (dateline.Release, error) {
			var x dateline.Release
			err := r.Scan(&x.ID, &x.Due, &x.Embargoed)
			x.Due = x.Due.UTC()
			return x, err
		})
		if err != nil {
			return err
		}
		ids = make([]int64, len(released))
		for i, x := range released {
			ids[i] = x.ID
		}
		// Released stories are found by search, and announced, in the same
		// transaction.
		for _, id := range ids {
			if err := indexByID(ctx, tx, id); err != nil {
				return err
			}
			if err := indexTags(ctx, tx, id); err != nil {
				return err
			}
		}
		return writeEventsByID(ctx, tx, ids, dateline.EventPublished, now)
	})
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		db.announce(ctx, true)
	}
	return released, nil
}

// NextEmbargo returns the earliest embargo still to end, to the
// millisecond, or the zero time.
func (db contentStore) NextEmbargo(ctx context.Context) (_ time.Time, err error) {
	defer wrap(&err, "next embargo")
	var t *time.Time
	err = db.primary.QueryRow(ctx, `SELECT MIN(embargo_until) FROM articles WHERE status = 'scheduled'`).Scan(&t)
	return fromTS(t), err
}
