package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"dateline"
)

// translationStore is dateline.Translations.
type translationStore struct{ *DB }

// LinkTranslation makes id a translation of of; see dateline.Translations.
// Links into one group take turns on a transaction lock of the group, so
// two stories of one language cannot join it at once.
func (db translationStore) LinkTranslation(ctx context.Context, id, of int64) (err error) {
	defer wrap(&err, "link translation")
	if id == of {
		return dateline.Errorf(dateline.EINVALID, "A story cannot be a translation of itself.")
	}
	return db.inTx(ctx, func(tx pgx.Tx) error { return linkTranslation(ctx, tx, id, of) })
}

// saveTranslation links id to of (0: none) in a save's transaction when
// the link differs from the one stored (what TranslationOf returns).
func saveTranslation(ctx context.Context, tx pgx.Tx, id, of int64) error {
	var cur int64
	err := tx.QueryRow(ctx, `SELECT m.article_id FROM translations t JOIN translations m ON m.group_id = t.group_id
		WHERE t.article_id = $1 AND m.article_id != $1 ORDER BY m.article_id LIMIT 1`, id).Scan(&cur)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
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
func linkTranslation(ctx context.Context, tx pgx.Tx, id, of int64) error {
	{
		var lang string
		err := tx.QueryRow(ctx, `SELECT lang FROM articles WHERE id = $1 FOR UPDATE`, id).Scan(&lang)
		if errors.Is(err, pgx.ErrNoRows) {
			return dateline.Errorf(dateline.ENOTFOUND, "There is no story %d.", id)
		} else if err != nil {
			return err
		}
		var old *int64
		if err := tx.QueryRow(ctx, `SELECT group_id FROM translations WHERE article_id = $1`, id).Scan(&old); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if of == 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM translations WHERE article_id = $1`, id); err != nil {
				return err
			}
			return dropLonely(ctx, tx, old)
		}
		err = tx.QueryRow(ctx, `SELECT 1 FROM articles WHERE id = $1 FOR UPDATE`, of).Scan(new(int))
		if errors.Is(err, pgx.ErrNoRows) {
			return dateline.Errorf(dateline.ENOTFOUND, "There is no story %d to be a translation of.", of)
		} else if err != nil {
			return err
		}
		var group int64
		if err := tx.QueryRow(ctx, `INSERT INTO translations (article_id, group_id) VALUES ($1, $1)
			ON CONFLICT (article_id) DO UPDATE SET group_id = translations.group_id
			RETURNING group_id`, of).Scan(&group); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, ($2 % 2147483647)::int)`, translationLock, group); err != nil {
			return err
		}
		var clash int64
		err = tx.QueryRow(ctx, `SELECT a.id FROM translations t JOIN articles a ON a.id = t.article_id
			WHERE t.group_id = $1 AND a.lang = $2 AND a.id != $3 LIMIT 1`, group, lang, id).Scan(&clash)
		if err == nil {
			return dateline.Errorf(dateline.EINVALID, "Story %d is already the %s version of story %d; a translation is in another language.", clash, lang, of)
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO translations (article_id, group_id) VALUES ($1, $2)
			ON CONFLICT (article_id) DO UPDATE SET group_id = EXCLUDED.group_id`, id, group); err != nil {
			return err
		}
		if old != nil && *old != group {
			return dropLonely(ctx, tx, old)
		}
		return nil
	}
}

// translationLock is the first key of the transaction locks of
// translation groups.
const translationLock = 0x7472 // "tr"

// dropLonely removes a group that has one member left.
func dropLonely(ctx context.Context, tx pgx.Tx, group *int64) error {
	if group == nil {
		return nil
	}
	_, err := tx.Exec(ctx, `DELETE FROM translations WHERE group_id = $1
		AND (SELECT count(*) FROM translations WHERE group_id = $1) = 1`, *group)
	return err
}

// Translations returns the other published articles of id's group.
func (db translationStore) Translations(ctx context.Context, id int64) (_ []dateline.ArticleRef, err error) {
	defer wrap(&err, "translations")
	rows, err := db.reader(ctx).Query(ctx, `SELECT a.id, a.uri, s.slug, a.headline, a.lang
		FROM translations t JOIN translations m ON m.group_id = t.group_id
		JOIN articles a ON a.id = m.article_id JOIN sections s ON s.id = a.section_id
		WHERE t.article_id = $1 AND m.article_id != $1 AND a.status = 'published'
		ORDER BY a.id`, id)
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
	err = db.reader(ctx).QueryRow(ctx, `SELECT m.article_id FROM translations t JOIN translations m ON m.group_id = t.group_id
		WHERE t.article_id = $1 AND m.article_id != $1 ORDER BY m.article_id LIMIT 1`, id).Scan(&group)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return group, err
}
