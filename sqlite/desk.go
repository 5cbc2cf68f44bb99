package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

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
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var sectionID int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM sections WHERE slug = ?`, a.Section).Scan(&sectionID)
		if errors.Is(err, sql.ErrNoRows) {
			return dateline.Errorf(dateline.EINVALID, "No section %q.", a.Section)
		} else if err != nil {
			return err
		}
		var old *dateline.StoredArticle
		if a.ID == 0 {
			if base != 0 {
				return dateline.Errorf(dateline.EINVALID, "A new story starts from version 0, not %d.", base)
			}
			if old, err = loadPrior(ctx, tx, `uri = ?`, a.URI); err != nil {
				return err
			} else if old != nil {
				return dateline.Errorf(dateline.ECONFLICT, "Another story has the URI %q.", a.URI)
			}
		} else {
			// The writer's transaction is IMMEDIATE: the row stays as read
			// here until the commit.
			if old, err = loadPrior(ctx, tx, `id = ?`, a.ID); err != nil {
				return err
			} else if old == nil {
				return dateline.Errorf(dateline.ENOTFOUND, "No article %d.", a.ID)
			}
			if old.Version != base {
				return dateline.EditConflict(old.Version, base)
			}
		}
		a.SettleEdit(old, now)
		if err := writeArticle(ctx, tx, a, old, sectionID, now); err != nil {
			return err
		}
		if rev == nil {
			return nil
		}
		if rev.TranslationOf != nil {
			if err := saveTranslation(ctx, tx, a.ID, *rev.TranslationOf); err != nil {
				return err
			}
		}
		rev.ArticleID, rev.Version, rev.CreatedAt = a.ID, a.Version, now
		if err := dialect.InsertRevision(ctx, sqlstore.SQL(tx), rev); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM autosaves WHERE article_id = ? AND user_id = ?`, a.ID, rev.UserID)
		return err
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
	where, args, err := statusWhere(f.Status)
	if err != nil {
		return nil, err
	}
	if f.Section != "" {
		where += ` AND s.slug = ?`
		args = append(args, f.Section)
	}
	if f.AuthorID != 0 {
		where += ` AND a.author_id = ?`
		args = append(args, f.AuthorID)
	}
	if f.VisibleTo != 0 {
		// A reporter sees their own stories and the published ones.
		where += ` AND (a.author_id = ? OR a.status = 'published')`
		args = append(args, f.VisibleTo)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where += ` AND a.headline LIKE ? ESCAPE '\'`
		args = append(args, sqlutil.LikeContains(q))
	}
	args = append(args, sqlutil.LimitOr(f.Limit, 50, 200), max(f.Offset, 0))
	as, err := db.articleList(ctx, `SELECT `+sqlutil.ArticleColumns+sqlutil.ArticleFrom+` WHERE `+where+
		` ORDER BY a.modified_at DESC, a.id DESC LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, err
	}
	ptrs := make([]*dateline.Article, len(as))
	for i := range as {
		ptrs[i] = &as[i]
	}
	if err := fillWireRefused(ctx, db.read, ptrs); err != nil {
		return nil, err
	}
	return as, nil
}

// fillWireRefused sets WireRefusedAt of the withdrawn articles among as:
// the time of their newest RevisionWireRefused revision since the
// withdrawal.
func fillWireRefused(ctx context.Context, q queryer, as []*dateline.Article) error {
	byID := map[int64]*dateline.Article{}
	var args []any
	for _, a := range as {
		if a.Status == dateline.StatusWithdrawn {
			byID[a.ID] = a
			args = append(args, a.ID)
		}
	}
	if len(args) == 0 {
		return nil
	}
	args = append(args, dateline.RevisionWireRefused)
	rows, err := q.QueryContext(ctx, `SELECT article_id, MAX(created_at) FROM revisions
		WHERE article_id IN (`+placeholders(len(args)-1)+`) AND kind = ? GROUP BY article_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		if err := rows.Scan(&id, &at); err != nil {
			return err
		}
		if a := byID[id]; a != nil && !time.Unix(at, 0).Before(a.WithdrawnAt) {
			a.WireRefusedAt = time.Unix(at, 0).UTC()
		}
	}
	return rows.Err()
}
