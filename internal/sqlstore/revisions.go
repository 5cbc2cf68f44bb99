package sqlstore

import (
	"context"
	"strings"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// revisionStore is the newsroom's revisions and autosaves, and the photo
// library.
type revisionStore struct{ db *DB }

// InsertRevision stores rev in the transaction tx, filling its id and,
// when empty, the author's name. Returns ENOTFOUND for an unknown
// account.
func (d *Dialect) InsertRevision(ctx context.Context, tx Querier, rev *dateline.Revision) error {
	if err := rev.ValidateKind(); err != nil {
		return err
	}
	rev.CreatedAt = sqlutil.TruncSecond(rev.CreatedAt)
	err := tx.QueryRow(ctx, `INSERT INTO revisions (article_id, version, kind, user_id, user_name, note, data, created_at)
		VALUES (?, ?, ?, ?, COALESCE(NULLIF(?, ''), (SELECT name FROM users WHERE id = ?), ''), ?, ?, ?) RETURNING id, user_name`,
		rev.ArticleID, rev.Version, rev.Kind, sqlutil.NullID(rev.UserID), rev.UserName, rev.UserID, rev.Note, string(rev.Data), d.Time(rev.CreatedAt)).
		Scan(&rev.ID, &rev.UserName)
	if d.IsForeignKey(err) {
		return dateline.Errorf(dateline.ENOTFOUND, "No account %d.", rev.UserID)
	}
	return err
}

// Revisions lists an article's revisions, newest first, without their data.
func (s revisionStore) Revisions(ctx context.Context, articleID int64) (_ []dateline.Revision, err error) {
	defer s.db.wrap(&err, "revisions")
	return collect(ctx, s.db.Read(ctx), func(r sqlutil.Scanner) (dateline.Revision, error) {
		var rev dateline.Revision
		var created sqlutil.Time
		err := r.Scan(&rev.ID, &rev.ArticleID, &rev.Version, &rev.Kind, &rev.UserID, &rev.UserName, &rev.Note, &created)
		rev.CreatedAt = created.T
		return rev, err
	}, `SELECT id, article_id, version, kind, COALESCE(user_id, 0), user_name, note, created_at
		FROM revisions WHERE article_id = ? ORDER BY id DESC`, articleID)
}

// Revision returns one revision with its data. Returns ENOTFOUND.
func (s revisionStore) Revision(ctx context.Context, id int64) (_ *dateline.Revision, err error) {
	defer s.db.wrap(&err, "revision")
	var r dateline.Revision
	var data string
	var created sqlutil.Time
	err = s.db.Read(ctx).QueryRow(ctx, `SELECT id, article_id, version, kind, COALESCE(user_id, 0), user_name, note, data, created_at
		FROM revisions WHERE id = ?`, id).
		Scan(&r.ID, &r.ArticleID, &r.Version, &r.Kind, &r.UserID, &r.UserName, &r.Note, &data, &created)
	if err != nil {
		return nil, notFound(err, "No revision %d.", id)
	}
	r.Data, r.CreatedAt = []byte(data), created.T
	return &r, nil
}

// AddRevision stores a revision without changing the article. Returns
// ENOTFOUND for an unknown article or account.
func (s revisionStore) AddRevision(ctx context.Context, rev *dateline.Revision, now time.Time) (err error) {
	defer s.db.wrap(&err, "add revision")
	if rev.CreatedAt.IsZero() {
		rev.CreatedAt = now
	}
	return s.db.Tx(ctx, func(tx Querier) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM articles WHERE id = ?`, rev.ArticleID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No article %d.", rev.ArticleID)
		}
		return s.db.InsertRevision(ctx, tx, rev)
	})
}

// SaveAutosave keeps the editor's latest state for one person and story,
// replacing the previous one. Returns ENOTFOUND for an unknown article or
// account.
func (s revisionStore) SaveAutosave(ctx context.Context, as *dateline.Autosave, now time.Time) (err error) {
	defer s.db.wrap(&err, "save autosave")
	if as.SavedAt.IsZero() {
		as.SavedAt = now
	}
	as.SavedAt = sqlutil.TruncSecond(as.SavedAt)
	return s.db.QuietTx(ctx, func(tx Querier) error {
		_, err := tx.Exec(ctx, `INSERT INTO autosaves (article_id, user_id, base, data, saved_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (article_id, user_id) DO UPDATE SET base = excluded.base, data = excluded.data, saved_at = excluded.saved_at`,
			as.ArticleID, as.UserID, as.Base, string(as.Data), s.db.Time(as.SavedAt))
		if s.db.IsForeignKey(err) {
			return dateline.Errorf(dateline.ENOTFOUND, "No article %d or account %d.", as.ArticleID, as.UserID)
		}
		return err
	})
}

// Autosave returns the person's autosave of the article. Returns
// ENOTFOUND when there is none.
func (s revisionStore) Autosave(ctx context.Context, articleID, userID int64) (_ *dateline.Autosave, err error) {
	defer s.db.wrap(&err, "autosave")
	as := dateline.Autosave{ArticleID: articleID, UserID: userID}
	var data string
	var saved sqlutil.Time
	err = s.db.Fresh(ctx).QueryRow(ctx, `SELECT base, data, saved_at FROM autosaves WHERE article_id = ? AND user_id = ?`, articleID, userID).
		Scan(&as.Base, &data, &saved)
	if err != nil {
		return nil, notFound(err, "No autosave of article %d.", articleID)
	}
	as.Data, as.SavedAt = []byte(data), saved.T
	return &as, nil
}

// Photos lists the photos stored here (with a path), newest first.
func (s revisionStore) Photos(ctx context.Context, f dateline.PhotoFilter) (_ []dateline.Photo, err error) {
	defer s.db.wrap(&err, "photos")
	where := `p.path <> ''`
	var args []any
	if f.Before > 0 {
		where += ` AND p.id < ?`
		args = append(args, f.Before)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where += ` AND (p.caption ` + s.db.ILike + ` ? ESCAPE '\' OR p.credit ` + s.db.ILike + ` ? ESCAPE '\')`
		args = append(args, sqlutil.LikeContains(q), sqlutil.LikeContains(q))
	}
	args = append(args, sqlutil.LimitOr(f.Limit, 50, 200))
	return collect(ctx, s.db.Read(ctx), sqlutil.ScanPhotoRow, `SELECT `+sqlutil.PhotoColumns+` FROM photos p WHERE `+where+` ORDER BY p.id DESC LIMIT ?`, args...)
}

// Photo returns the photo with the id. Returns ENOTFOUND.
func (s revisionStore) Photo(ctx context.Context, id int64) (_ *dateline.Photo, err error) {
	defer s.db.wrap(&err, "photo")
	p, err := sqlutil.ScanPhoto(s.db.Read(ctx).QueryRow(ctx, `SELECT `+sqlutil.PhotoColumns+` FROM photos p WHERE p.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "No photo %d.", id)
	}
	return &p, nil
}

// SavePhoto creates the photo, or updates the one with its id (a photo of
// the library) or else with the same URI. Returns ENOTFOUND for an unknown
// id and ECONFLICT when another photo has the URI.
func (s revisionStore) SavePhoto(ctx context.Context, p *dateline.Photo, now time.Time) (err error) {
	defer s.db.wrap(&err, "save photo")
	return s.db.Tx(ctx, func(tx Querier) error { return s.db.SavePhoto(ctx, tx, p, now) })
}

// SavePhoto is the store's SavePhoto in the transaction tx.
func (d *Dialect) SavePhoto(ctx context.Context, tx Querier, p *dateline.Photo, now time.Time) error {
	var uri any
	if p.URI != "" {
		uri = p.URI
	}
	if p.ID != 0 {
		// A photo picked from the library keeps its row, whatever its URI.
		n, err := tx.Exec(ctx, `UPDATE photos SET uri = COALESCE(?, uri), path = ?, remote = ?, width = ?, height = ?,
			widths = ?, caption = ?, credit = ?, alt = ? WHERE id = ?`,
			uri, p.Path, p.Remote, p.Width, p.Height, sqlutil.JoinInts(p.Widths), p.Caption, p.Credit, p.Alt, p.ID)
		if d.IsUnique(err) {
			return dateline.Errorf(dateline.ECONFLICT, "Another photo has the URI %q.", p.URI)
		} else if err != nil {
			return err
		}
		if n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No photo %d.", p.ID)
		}
		return nil
	}
	// The same file sent again (a re-upload, an agency update) takes the new
	// file but keeps words it arrives without: an empty caption, credit or
	// alt leaves the stored one.
	return tx.QueryRow(ctx, `INSERT INTO photos (uri, path, remote, width, height, widths, caption, credit, alt, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (uri) DO UPDATE SET path = excluded.path, remote = excluded.remote, width = excluded.width,
			height = excluded.height, widths = excluded.widths,
			caption = COALESCE(NULLIF(excluded.caption, ''), photos.caption), credit = COALESCE(NULLIF(excluded.credit, ''), photos.credit),
			alt = COALESCE(NULLIF(excluded.alt, ''), photos.alt)
		RETURNING id`,
		uri, p.Path, p.Remote, p.Width, p.Height, sqlutil.JoinInts(p.Widths), p.Caption, p.Credit, p.Alt, d.Time(now)).Scan(&p.ID)
}
