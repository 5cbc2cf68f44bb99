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
		if err := insertRevision(ctx, tx, rev); err != nil {
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

// insertRevision stores rev, filling its id and, when empty, the author's
// name.
func insertRevision(ctx context.Context, tx *sql.Tx, rev *dateline.Revision) error {
	if err := rev.ValidateKind(); err != nil {
		return err
	}
	rev.CreatedAt = sqlutil.TruncSecond(rev.CreatedAt)
	err := tx.QueryRowContext(ctx, `INSERT INTO revisions (article_id, version, kind, user_id, user_name, note, data, created_at)
		VALUES (?, ?, ?, ?, COALESCE(NULLIF(?, ''), (SELECT name FROM users WHERE id = ?), ''), ?, ?, ?) RETURNING id, user_name`,
		rev.ArticleID, rev.Version, rev.Kind, sqlutil.NullID(rev.UserID), rev.UserName, rev.UserID, rev.Note, string(rev.Data), rev.CreatedAt.Unix()).
		Scan(&rev.ID, &rev.UserName)
	if isForeignKey(err) {
		return dateline.Errorf(dateline.ENOTFOUND, "No account %d.", rev.UserID)
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

// Revisions lists an article's revisions, newest first, without their data.
func (db deskStore) Revisions(ctx context.Context, articleID int64) (_ []dateline.Revision, err error) {
	defer wrap(&err, "revisions")
	rows, err := db.read.QueryContext(ctx, `SELECT id, article_id, version, kind, COALESCE(user_id, 0), user_name, note, created_at
		FROM revisions WHERE article_id = ? ORDER BY id DESC`, articleID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rs := []dateline.Revision{}
	for rows.Next() {
		var r dateline.Revision
		var created int64
		if err := rows.Scan(&r.ID, &r.ArticleID, &r.Version, &r.Kind, &r.UserID, &r.UserName, &r.Note, &created); err != nil {
			return nil, err
		}
		r.CreatedAt = time.Unix(created, 0).UTC()
		rs = append(rs, r)
	}
	return rs, rows.Err()
}

// Revision returns one revision with its data. Returns ENOTFOUND.
func (db deskStore) Revision(ctx context.Context, id int64) (_ *dateline.Revision, err error) {
	defer wrap(&err, "revision")
	var r dateline.Revision
	var data string
	var created int64
	err = db.read.QueryRowContext(ctx, `SELECT id, article_id, version, kind, COALESCE(user_id, 0), user_name, note, data, created_at
		FROM revisions WHERE id = ?`, id).
		Scan(&r.ID, &r.ArticleID, &r.Version, &r.Kind, &r.UserID, &r.UserName, &r.Note, &data, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No revision %d.", id)
	} else if err != nil {
		return nil, err
	}
	r.Data, r.CreatedAt = []byte(data), time.Unix(created, 0).UTC()
	return &r, nil
}

// AddRevision stores a revision without changing the article. Returns
// ENOTFOUND for an unknown article or account.
func (db deskStore) AddRevision(ctx context.Context, rev *dateline.Revision, now time.Time) (err error) {
	defer wrap(&err, "add revision")
	if rev.CreatedAt.IsZero() {
		rev.CreatedAt = now
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles WHERE id = ?`, rev.ArticleID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No article %d.", rev.ArticleID)
		}
		return insertRevision(ctx, tx, rev)
	})
}

// SaveAutosave keeps the editor's latest state for one person and story,
// replacing the previous one. Returns ENOTFOUND for an unknown article or
// account.
func (db deskStore) SaveAutosave(ctx context.Context, as *dateline.Autosave, now time.Time) (err error) {
	defer wrap(&err, "save autosave")
	if as.SavedAt.IsZero() {
		as.SavedAt = now
	}
	as.SavedAt = sqlutil.TruncSecond(as.SavedAt)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO autosaves (article_id, user_id, base, data, saved_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (article_id, user_id) DO UPDATE SET base = excluded.base, data = excluded.data, saved_at = excluded.saved_at`,
			as.ArticleID, as.UserID, as.Base, string(as.Data), as.SavedAt.Unix())
		if isForeignKey(err) {
			return dateline.Errorf(dateline.ENOTFOUND, "No article %d or account %d.", as.ArticleID, as.UserID)
		}
		return err
	})
}

// Autosave returns the person's autosave of the article. Returns ENOTFOUND
// when there is none.
func (db deskStore) Autosave(ctx context.Context, articleID, userID int64) (_ *dateline.Autosave, err error) {
	defer wrap(&err, "autosave")
	as := dateline.Autosave{ArticleID: articleID, UserID: userID}
	var data string
	var saved int64
	err = db.read.QueryRowContext(ctx, `SELECT base, data, saved_at FROM autosaves WHERE article_id = ? AND user_id = ?`, articleID, userID).
		Scan(&as.Base, &data, &saved)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No autosave of article %d.", articleID)
	} else if err != nil {
		return nil, err
	}
	as.Data, as.SavedAt = []byte(data), time.Unix(saved, 0).UTC()
	return &as, nil
}

// Photos lists the photos stored here (with a path), newest first.
func (db deskStore) Photos(ctx context.Context, f dateline.PhotoFilter) (_ []dateline.Photo, err error) {
	defer wrap(&err, "photos")
	where := `p.path <> ''`
	var args []any
	if f.Before > 0 {
		where += ` AND p.id < ?`
		args = append(args, f.Before)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where += ` AND (p.caption LIKE ? ESCAPE '\' OR p.credit LIKE ? ESCAPE '\')`
		args = append(args, sqlutil.LikeContains(q), sqlutil.LikeContains(q))
	}
	args = append(args, sqlutil.LimitOr(f.Limit, 50, 200))
	rows, err := db.read.QueryContext(ctx, `SELECT `+sqlutil.PhotoColumns+` FROM photos p WHERE `+where+` ORDER BY p.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, []dateline.Photo{}, sqlutil.ScanPhotoRow)
}

// Photo returns the photo with the id. Returns ENOTFOUND.
func (db deskStore) Photo(ctx context.Context, id int64) (_ *dateline.Photo, err error) {
	defer wrap(&err, "photo")
	p, err := sqlutil.ScanPhoto(db.read.QueryRowContext(ctx, `SELECT `+sqlutil.PhotoColumns+` FROM photos p WHERE p.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No photo %d.", id)
	} else if err != nil {
		return nil, err
	}
	return &p, nil
}
