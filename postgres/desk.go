package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dateline"
	"dateline/internal/sqlstore"
	"dateline/internal/sqlutil"
)

// deskStore is the newsroom's edits, revisions, autosaves and photo library.
type deskStore struct{ *DB }

// SaveArticle writes a newsroom edit with its revision; see
// dateline.Newsroom. Returns ECONFLICT when the stored version is not base
// or a new story's URI is taken, ENOTFOUND for an unknown id and EINVALID
// for a bad status, section, follow-up or translation link.
func (db deskStore) SaveArticle(ctx context.Context, a *dateline.Article, base int, rev *dateline.Revision, now time.Time) (err error) {
	defer wrap(&err, "save article")
	if err := a.ValidateEdit(); err != nil {
		return err
	}
	now = now.UTC().Truncate(time.Second)
	saved := *a
	if a.Photo != nil {
		p := *a.Photo
		saved.Photo = &p
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var sectionID int64
		err := tx.QueryRow(ctx, `SELECT id FROM sections WHERE slug = $1`, a.Section).Scan(&sectionID)
		if errors.Is(err, pgx.ErrNoRows) {
			return dateline.Errorf(dateline.EINVALID, "No section %q.", a.Section)
		} else if err != nil {
			return err
		}
		// The URI's advisory lock first, then the row, in the order the
		// ingest takes them.
		uri := a.URI
		if a.ID != 0 {
			err := tx.QueryRow(ctx, `SELECT uri FROM articles WHERE id = $1`, a.ID).Scan(&uri)
			if errors.Is(err, pgx.ErrNoRows) {
				return dateline.Errorf(dateline.ENOTFOUND, "No article %d.", a.ID)
			} else if err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, uriLock(uri)); err != nil {
			return err
		}
		var old *dateline.StoredArticle
		if a.ID == 0 {
			if base != 0 {
				return dateline.Errorf(dateline.EINVALID, "A new story starts from version 0, not %d.", base)
			}
			if old, err = loadPrior(ctx, tx, `uri = $1`, a.URI); err != nil {
				return err
			} else if old != nil {
				return dateline.Errorf(dateline.ECONFLICT, "Another story has the URI %q.", a.URI)
			}
		} else {
			// FOR UPDATE: the version compared is the one overwritten.
			if old, err = loadPrior(ctx, tx, `id = $1`, a.ID); err != nil {
				return err
			} else if old == nil {
				return dateline.Errorf(dateline.ENOTFOUND, "No article %d.", a.ID)
			}
			if old.Version != base {
				return dateline.EditConflict(old.Version, base)
			}
		}
		a.SettleEdit(old, now)
		var events []dateline.Event
		if err := writeArticle(ctx, tx, a, old, sectionID, now, &events); err != nil {
			return err
		}
		if rev != nil {
			if rev.TranslationOf != nil {
				if err := saveTranslation(ctx, tx, a.ID, *rev.TranslationOf); err != nil {
					return err
				}
			}
			rev.ArticleID, rev.Version, rev.CreatedAt = a.ID, a.Version, now
			if err := dialect.InsertRevision(ctx, sqlstore.Pgx(tx), rev); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM autosaves WHERE article_id = $1 AND user_id = $2`, a.ID, rev.UserID); err != nil {
				return err
			}
		}
		return writeEvents(ctx, tx, events)
	})
	if err != nil {
		// A refused save leaves the caller's article as it was.
		*a = saved
	}
	return err
}

// DeskArticles lists articles of any status, most recently changed first.
// Returns EINVALID for an unknown status.
func (db deskStore) DeskArticles(ctx context.Context, f dateline.DeskFilter) (_ []dateline.Article, err error) {
	defer wrap(&err, "desk articles")
	where, args, err := statusWhere(f.Status, nil)
	if err != nil {
		return nil, err
	}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Section != "" {
		where += ` AND s.slug = ` + arg(f.Section)
	}
	if f.AuthorID != 0 {
		where += ` AND a.author_id = ` + arg(f.AuthorID)
	}
	if f.VisibleTo != 0 {
		// A reporter sees their own stories and the published ones.
		where += ` AND (a.author_id = ` + arg(f.VisibleTo) + ` OR a.status = 'published')`
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where += ` AND a.headline ILIKE ` + arg(sqlutil.LikeContains(q))
	}
	q := db.reader(ctx)
	as, err := articleList(ctx, q, `SELECT `+sqlutil.ArticleColumns+sqlutil.ArticleFrom+` WHERE `+where+
		` ORDER BY a.modified_at DESC, a.id DESC LIMIT `+arg(sqlutil.LimitOr(f.Limit, 50, 200))+` OFFSET `+arg(max(f.Offset, 0)), args...)
	if err != nil {
		return nil, err
	}
	ptrs := make([]*dateline.Article, len(as))
	for i := range as {
		ptrs[i] = &as[i]
	}
	if err := fillWireRefused(ctx, q, ptrs); err != nil {
		return nil, err
	}
	return as, nil
}

// fillWireRefused sets WireRefusedAt of the withdrawn articles among as:
// the time of their newest RevisionWireRefused revision since the
// withdrawal.
func fillWireRefused(ctx context.Context, q querier, as []*dateline.Article) error {
	byID := map[int64]*dateline.Article{}
	var ids []int64
	for _, a := range as {
		if a.Status == dateline.StatusWithdrawn {
			byID[a.ID] = a
			ids = append(ids, a.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := q.Query(ctx, `SELECT article_id, MAX(created_at) FROM revisions
		WHERE article_id = ANY($1) AND kind = $2 GROUP BY article_id`, ids, dateline.RevisionWireRefused)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return err
		}
		if a := byID[id]; a != nil && !at.Before(a.WithdrawnAt) {
			a.WireRefusedAt = at.UTC()
		}
	}
	return rows.Err()
}
