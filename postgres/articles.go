package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dateline"
	"dateline/internal/sqlutil"
)

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

const articleColumns = `a.id, a.uri, s.slug, s.name, a.lang, a.headline, a.lead, a.place, a.byline,
	a.status, a.published_at, a.updated_at, a.embargo_until, a.withdrawn_at, a.urgency, a.breaking,
	a.version, a.source_version, a.created_at, a.modified_at,
	a.submitted_at, a.embargoed, a.advisory, a.withdraw_note, a.follows_id, a.chain_id, a.author_id, a.commercial,
	a.withheld, a.source, a.wire_version,
	p.id, p.uri, p.path, p.remote, p.width, p.height, p.widths, p.caption, p.credit, p.alt`

const articleFrom = ` FROM articles a JOIN sections s ON s.id = a.section_id LEFT JOIN photos p ON p.id = a.photo_id`

func scanArticle(row sqlutil.Scanner) (*dateline.Article, error) {
	var a dateline.Article
	var status string
	var pub, upd, emb, wd, sub *time.Time
	var follows, chain, author *int64
	var srcVersion, created, modified time.Time
	var withheld bool
	var pid *int64
	var pw, ph *int
	var puri, ppath, premote, pwidths, pcap, pcredit, palt *string
	err := row.Scan(&a.ID, &a.URI, &a.Section, &a.SectionName, &a.Lang, &a.Headline, &a.Lead, &a.Place, &a.Byline,
		&status, &pub, &upd, &emb, &wd, &a.Urgency, &a.Breaking,
		&a.Version, &srcVersion, &created, &modified,
		&sub, &a.Embargoed, &a.Advisory, &a.WithdrawNote, &follows, &chain, &author, &a.Commercial,
		&withheld, &a.Source, &a.WireVersion,
		&pid, &puri, &ppath, &premote, &pw, &ph, &pwidths, &pcap, &pcredit, &palt)
	if err != nil {
		return nil, err
	}
	a.Status = dateline.ReadStatus(status, sub != nil, withheld)
	a.PublishedAt, a.UpdatedAt, a.EmbargoUntil, a.WithdrawnAt = fromTS(pub), fromTS(upd), fromTS(emb), fromTS(wd)
	a.SubmittedAt, a.Follows, a.ChainID, a.AuthorID = fromTS(sub), derefID(follows), derefID(chain), derefID(author)
	a.SourceVersion, a.CreatedAt, a.ModifiedAt = srcVersion.UTC(), created.UTC(), modified.UTC()
	if pid != nil {
		a.Photo = &dateline.Photo{ID: *pid, URI: deref(puri), Path: deref(ppath), Remote: deref(premote),
			Width: *pw, Height: *ph, Widths: sqlutil.SplitInts(deref(pwidths)),
			Caption: deref(pcap), Credit: deref(pcredit), Alt: deref(palt)}
	}
	return &a, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Article returns the article with the id. Returns ENOTFOUND if none.
func (db *DB) Article(ctx context.Context, id int64) (_ *dateline.Article, err error) {
	defer wrap(&err, "article")
	return db.article(ctx, `a.id = $1`, id)
}

// ArticleByURI returns the article with the source URI. Returns ENOTFOUND if none.
func (db *DB) ArticleByURI(ctx context.Context, uri string) (_ *dateline.Article, err error) {
	defer wrap(&err, "article by uri")
	return db.article(ctx, `a.uri = $1`, uri)
}

func (db *DB) article(ctx context.Context, where string, arg any) (*dateline.Article, error) {
	q := db.reader(ctx)
	a, err := scanArticle(q.QueryRow(ctx, `SELECT `+articleColumns+articleFrom+` WHERE `+where, arg))
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

func fillArticle(ctx context.Context, q querier, a *dateline.Article) error {
	rows, err := q.Query(ctx, `SELECT body FROM article_pages WHERE article_id = $1 ORDER BY page`, a.ID)
	if err != nil {
		return err
	}
	a.Pages, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	if len(a.Pages) == 0 {
		a.Pages = nil
	}
	a.Topics, err = tags(ctx, q, `SELECT t.id, t.slug, COALESCE(NULLIF(x.label, ''), t.name) FROM article_topics x JOIN topics t ON t.id = x.topic_id WHERE x.article_id = $1 ORDER BY x.position`, a.ID)
	if err != nil {
		return err
	}
	persons, err := tags(ctx, q, `SELECT t.id, t.slug, COALESCE(NULLIF(x.label, ''), t.name) FROM article_persons x JOIN persons t ON t.id = x.person_id WHERE x.article_id = $1 ORDER BY x.position`, a.ID)
	if err != nil {
		return err
	}
	for _, p := range persons {
		a.Persons = append(a.Persons, dateline.Person(p))
	}
	rows, err = q.Query(ctx, `SELECT l.target_uri, COALESCE(a.id, 0), COALESCE(s.slug, ''), COALESCE(a.headline, ''),
		COALESCE(a.lang, ''), COALESCE(a.commercial, '')
		FROM article_links l
		LEFT JOIN articles a ON a.uri = l.target_uri AND a.status = 'published'
		LEFT JOIN sections s ON s.id = a.section_id
		WHERE l.article_id = $1 ORDER BY l.position`, a.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ref dateline.ArticleRef
		if err := rows.Scan(&ref.URI, &ref.ID, &ref.Section, &ref.Headline, &ref.Lang, &ref.Commercial); err != nil {
			return err
		}
		a.ReadAlso = append(a.ReadAlso, ref)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if a.Corrections, err = corrections(ctx, q, a.ID); err != nil {
		return err
	}
	if a.ChainID == 0 {
		return nil
	}
	// The published stories of the chain, oldest first.
	rows, err = q.Query(ctx, `SELECT a.id, a.uri, s.slug, a.headline
		FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE a.chain_id = $1 AND a.status = 'published' ORDER BY a.published_at, a.id`, a.ChainID)
	if err != nil {
		return err
	}
	a.Chain, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (dateline.ArticleRef, error) {
		var r dateline.ArticleRef
		err := row.Scan(&r.ID, &r.URI, &r.Section, &r.Headline)
		return r, err
	})
	if len(a.Chain) == 0 {
		a.Chain = nil
	}
	return err
}

func tags(ctx context.Context, q querier, query string, id int64) ([]dateline.Topic, error) {
	rows, err := q.Query(ctx, query, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ts []dateline.Topic
	for rows.Next() {
		var t dateline.Topic
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name); err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, rows.Err()
}

// Articles lists published articles, newest first, without their pages.
func (db *DB) Articles(ctx context.Context, f dateline.ArticleFilter) (_ []dateline.Article, err error) {
	defer wrap(&err, "articles")
	where := []string{`a.status = 'published'`}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.Sections) > 0 {
		where = append(where, `s.slug = ANY(`+arg(f.Sections)+`)`)
	}
	if f.Topic != "" {
		where = append(where, `a.id IN (SELECT x.article_id FROM article_topics x JOIN topics t ON t.id = x.topic_id WHERE t.slug = `+arg(f.Topic)+`)`)
	}
	if f.Person != "" {
		where = append(where, `a.id IN (SELECT x.article_id FROM article_persons x JOIN persons t ON t.id = x.person_id WHERE t.slug = `+arg(f.Person)+`)`)
	}
	if !f.Since.IsZero() {
		where = append(where, `a.published_at >= `+arg(f.Since.UTC().Truncate(time.Second)))
	}
	if f.Before != nil {
		where = append(where, `(a.published_at, a.id) < (`+arg(f.Before.Time.UTC())+`, `+arg(f.Before.ID)+`)`)
	}
	limit := sqlutil.CapLimit(f.Limit)
	return articleList(ctx, db.reader(ctx), `SELECT `+articleColumns+articleFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY a.published_at DESC, a.id DESC LIMIT `+arg(limit), args...)
}

func articleList(ctx context.Context, q querier, query string, args ...any) ([]dateline.Article, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, []dateline.Article{}, sqlutil.Value(scanArticle))
}

// CountArticles counts articles with the status, or all when status is "".
func (db *DB) CountArticles(ctx context.Context, status dateline.Status) (_ int, err error) {
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
func (db *DB) PublishDue(ctx context.Context, now time.Time) (_ []int64, err error) {
	defer wrap(&err, "publish due")
	var ids []int64
	err = pgx.BeginFunc(ctx, db.primary, func(tx pgx.Tx) error {
		// The embargo is kept to the millisecond and released at its
		// instant, never before; the story is dated the instant's second.
		rows, err := tx.Query(ctx, `UPDATE articles
			SET status = 'published', published_at = COALESCE(published_at, date_trunc('second', embargo_until)),
			    version = version + 1, modified_at = $1
			WHERE status = 'scheduled' AND embargo_until <= $2 RETURNING id`, ts(now), now.UTC())
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
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
	return ids, nil
}

// NextEmbargo returns the earliest embargo still to end, to the
// millisecond, or the zero time.
func (db *DB) NextEmbargo(ctx context.Context) (_ time.Time, err error) {
	defer wrap(&err, "next embargo")
	var t *time.Time
	err = db.primary.QueryRow(ctx, `SELECT MIN(embargo_until) FROM articles WHERE status = 'scheduled'`).Scan(&t)
	return fromTS(t), err
}
