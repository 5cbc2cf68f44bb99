package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"dateline"
	"dateline/internal/sqlutil"
)

// tagStore is dateline.Tagging.
type tagStore struct{ *DB }

var _ dateline.Tagging = (*DB)(nil)

// TopicsOf returns the topics of each article; see dateline.Tagging.
func (db tagStore) TopicsOf(ctx context.Context, ids []int64) (_ map[int64][]dateline.Topic, err error) {
	defer wrap(&err, "topics of")
	out := map[int64][]dateline.Topic{}
	if len(ids) == 0 {
		return out, nil
	}
	if len(ids) > 1000 {
		return nil, dateline.Errorf(dateline.EINVALID, "At most 1000 articles at once.")
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.read.QueryContext(ctx, `SELECT x.article_id, t.id, t.slug, t.name FROM article_topics x JOIN topics t ON t.id = x.topic_id
		WHERE x.article_id IN (?`+strings.Repeat(",?", len(ids)-1)+`) ORDER BY x.article_id, x.position`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t dateline.Topic
		if err := rows.Scan(&id, &t.ID, &t.Slug, &t.Name); err != nil {
			return nil, err
		}
		out[id] = append(out[id], t)
	}
	return out, rows.Err()
}

// TagLabel returns how edition lang's stories name a tag; see
// dateline.Tagging.
func (db tagStore) TagLabel(ctx context.Context, kind, slug, lang string) (_ string, err error) {
	defer wrap(&err, "tag label")
	links, tags, column := "article_topics", "topics", "topic_id"
	if kind == dateline.TagPerson {
		links, tags, column = "article_persons", "persons", "person_id"
	}
	var label string
	err = db.read.QueryRowContext(ctx, `SELECT x.label FROM `+tags+` t JOIN `+links+` x ON x.`+column+` = t.id
		JOIN articles a ON a.id = x.article_id JOIN sections s ON s.id = a.section_id
		WHERE t.slug = ? AND x.label != '' AND s.lang = ? AND a.status = 'published'
		ORDER BY a.published_at DESC, a.id DESC LIMIT 1`, slug, lang).Scan(&label)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return label, err
}

// TagPublished reports whether the tag has a published story; see
// dateline.Tagging. published_tags holds the tags of published stories
// only.
func (db tagStore) TagPublished(ctx context.Context, kind, slug string) (_ bool, err error) {
	defer wrap(&err, "tag published")
	table, k := "topics", 0
	switch kind {
	case dateline.TagTopic:
	case dateline.TagPerson:
		table, k = "persons", 1
	default:
		return false, dateline.Errorf(dateline.EINVALID, "Tags are topics or persons, not %q.", kind)
	}
	var ok bool
	err = db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` t JOIN published_tags x ON x.kind = ? AND x.tag_id = t.id
		WHERE t.slug = ?)`, k, slug).Scan(&ok)
	if err != nil {
		return false, err
	}
	return ok, nil
}

// TagSuggest returns up to limit topics ("topics") or persons ("persons")
// whose name starts with prefix, then those whose name contains it,
// ignoring case. SQLite's lower() folds ASCII only, so names are matched
// by their slug too: "лав" finds "Сергей Лавров" as "lav" in
// "sergey-lavrov". Returns EINVALID for another kind.
func (db tagStore) TagSuggest(ctx context.Context, kind, prefix string, limit int) (_ []dateline.Topic, err error) {
	defer wrap(&err, "tag suggest")
	if kind != "topics" && kind != "persons" {
		return nil, dateline.Errorf(dateline.EINVALID, "Tags are topics or persons, not %q.", kind)
	}
	ts := []dateline.Topic{}
	prefix = strings.TrimSpace(prefix)
	if prefix == "" {
		return ts, nil
	}
	slug := dateline.Slugify(prefix)
	rows, err := db.read.QueryContext(ctx, `SELECT id, slug, name FROM (
			SELECT id, slug, name,
				CASE WHEN instr(lower(name), lower(?1)) = 1 OR (?2 <> '' AND instr(slug, ?2) = 1) THEN 0 ELSE 1 END AS rank
			FROM `+kind+`
			WHERE instr(lower(name), lower(?1)) > 0 OR (?2 <> '' AND instr(slug, ?2) > 0))
		ORDER BY rank, slug, id LIMIT ?3`, prefix, slug, sqlutil.LimitOr(limit, 10, 50))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t dateline.Topic
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name); err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, rows.Err()
}
