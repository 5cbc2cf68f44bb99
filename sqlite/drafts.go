package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"dateline"
)

// DeleteDraft removes a draft that readers never saw; see
// dateline.Newsroom. Its revisions, autosaves, corrections, links and
// attachments go with it (ON DELETE CASCADE); a translation group left
// with one story is dropped, and stories that followed it follow none.
func (db deskStore) DeleteDraft(ctx context.Context, id int64, base int) (err error) {
	defer wrap(&err, "delete draft")
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var r dateline.DraftRow
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status, withheld, source, published_at IS NOT NULL, version FROM articles WHERE id = ?`, id).
			Scan(&status, &r.Withheld, &r.Source, &r.WasPublic, &r.Version)
		if errors.Is(err, sql.ErrNoRows) {
			return dateline.Errorf(dateline.ENOTFOUND, "No article %d.", id)
		} else if err != nil {
			return err
		}
		r.Status = dateline.Status(status)
		if err := r.Deletable(base); err != nil {
			return err
		}
		var group sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT group_id FROM translations WHERE article_id = ?`, id).Scan(&group); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM articles WHERE id = ?`, id); err != nil {
			return err
		}
		return dropLonely(ctx, tx, group)
	})
}
