package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"dateline"
)

// DeleteDraft removes a draft that readers never saw; see
// dateline.Newsroom. Its revisions, autosaves, corrections, links and
// attachments go with it (ON DELETE CASCADE); a translation group left
// with one story is dropped, and stories that followed it follow none.
func (db deskStore) DeleteDraft(ctx context.Context, id int64, base int) (err error) {
	defer wrap(&err, "delete draft")
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var r dateline.DraftRow
		var status string
		err := tx.QueryRow(ctx, `SELECT status, withheld, source, published_at IS NOT NULL, version FROM articles WHERE id = $1 FOR UPDATE`, id).
			Scan(&status, &r.Withheld, &r.Source, &r.WasPublic, &r.Version)
		if errors.Is(err, pgx.ErrNoRows) {
			return dateline.Errorf(dateline.ENOTFOUND, "No article %d.", id)
		} else if err != nil {
			return err
		}
		r.Status = dateline.Status(status)
		if err := r.Deletable(base); err != nil {
			return err
		}
		var group *int64
		if err := tx.QueryRow(ctx, `SELECT group_id FROM translations WHERE article_id = $1`, id).Scan(&group); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM articles WHERE id = $1`, id); err != nil {
			return err
		}
		return dropLonely(ctx, tx, group)
	})
}
