package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"dateline"
)

// translationStore is dateline.Translations.
type translationStore struct{ *DB }

// LinkTranslation makes id a translation of of; see dateline.Translations.
func (db translationStore) LinkTranslation(ctx context.Context, id, of int64) (err error) {
	defer wrap(&err, "link translation")
	if id == of {
		return dateline.Errorf(dateline.EINVALID, "A story cannot be a translation of itself.")
	}
	return db.inTx(ctx, func(tx *sql.Tx) error { return linkTranslation(ctx, tx, id, of) })
}

// saveTranslation links id to of (0: none) in a save's transaction when
// the link differs from the one stored (what TranslationOf returns).
func saveTranslation(ctx context.Context, tx *sql.Tx, id, of int64) error {
	var cur int64
	err := tx.QueryRowContext(ctx, `SELECT m.article_id FROM translations t JOIN translations m ON m.group_id = t.group_id
		WHERE t.article_id = ? AND m.article_id != ? ORDER BY m.article_id LIMIT 1`, id, id).Scan(&cur)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if cur == of {
		return nil
	}
	if id == of {
		return dateline.Errorf(dateline.EINVALID, "A story cannot be a translation of itself.")
	}
	return linkTranslation(ctx, tx, id, of)
}

// linkTranslation is LinkTranslation inside the transaction tx.
func linkTranslation(ctx context.Context, tx *sql.Tx, id, of int64) error {
	{
		var lang string
		err := tx.QueryRowContext(ctx, `SELECT lang FROM articles WHERE id = ?`, id).Scan(&lang)
		if errors.Is(err, sql.ErrNoRows) {
			return dateline.Errorf(dateline.ENOTFOUND, "There is no story %d.", id)
		} else if err != nil {
			return err
		}
		var old sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT group_id FROM translations WHERE article_id = ?`, id).Scan(&old); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if of == 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM translations WHERE article_id = ?`, id); err != nil {
				return err
			}
			return dropLonely(ctx, tx, old)
		}
		var ofLang string
		err = tx.QueryRowContext(ctx, `SELECT lang FROM articles WHERE id = ?`, of).Scan(&ofLang)
		if errors.Is(err, sql.ErrNoRows) {
			return dateline.Errorf(dateline.ENOTFOUND, "There is no story %d to be a translation of.", of)
		} else if err != nil {
			return err
		}
		group := of
		if err := tx.QueryRowContext(ctx, `SELECT group_id FROM translations WHERE article_id = ?`, of).Scan(&group); errors.Is(err, sql.ErrNoRows) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO translations (article_id, group_id) VALUES (?, ?)`, of, of); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		var clash int64
		err = tx.QueryRowContext(ctx, `SELECT a.id FROM translations t JOIN articles a ON a.id = t.article_id
			WHERE t.group_id = ? AND a.lang = ? AND a.id != ? LIMIT 1`, group, lang, id).Scan(&clash)
		if err == nil {
			return dateline.Errorf(dateline.EINVALID, "Story %d is already the %s version of story %d; a translation is in another language.", clash, lang, of)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO translations (article_id, group_id) VALUES (?, ?)
			ON CONFLICT (article_id) DO UPDATE SET group_id = excluded.group_id`, id, group); err != nil {
			return err
		}
		if old.Valid && old.Int64 != group {
			return dropLonely(ctx, tx, old)
		}
		return nil
	}
}

// dropLonely removes a group that has one member left: a story is not a
// translation of nothing.
func dropLonely(ctx context.Context, tx *sql.Tx, group sql.NullInt64) error {
	if !group.Valid {
		return nil
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM translations WHERE group_id = ?
		AND (SELECT count(*) FROM translations WHERE group_id = ?) = 1`, group.Int64, group.Int64)
	return err
}

// Translations returns the other published articles of id's group.
func (db translationStore) Translations(ctx context.Context, id int64) (_ []dateline.ArticleRef, err error) {
	defer wrap(&err, "translations")
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, a.uri, s.slug, a.headline, a.lang
		FROM translations t JOIN translations m ON m.group_id = t.group_id
		JOIN articles a ON a.id = m.article_id JOIN sections s ON s.id = a.section_id
		WHERE t.article_id = ? AND m.article_id != ? AND a.status = 'published'
		ORDER BY a.id`, id, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dateline.ArticleRef
	for rows.Next() {
		var r dateline.ArticleRef
		if err := rows.Scan(&r.ID, &r.URI, &r.Section, &r.Headline, &r.Lang); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// TranslationOf returns the first article of id's group, or 0.
func (db translationStore) TranslationOf(ctx context.Context, id int64) (_ int64, err error) {
	defer wrap(&err, "translation of")
	var group int64
	err = db.read.QueryRowContext(ctx, `SELECT m.article_id FROM translations t JOIN translations m ON m.group_id = t.group_id
		WHERE t.article_id = ? AND m.article_id != ? ORDER BY m.article_id LIMIT 1`, id, id).Scan(&group)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return group, err
}
