package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

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
	rows, err := db.reader(ctx).Query(ctx, `SELECT x.article_id, t.id, t.slug, t.name FROM article_topics x JOIN topics t ON t.id = x.topic_id
		WHERE x.article_id = ANY($1) ORDER BY x.article_id, x.position`, ids)
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
	err = db.reader(ctx).QueryRow(ctx, `SELECT x.label FROM `+tags+` t JOIN `+links+` x ON x.`+column+` = t.id
		JOIN articles a ON a.id = x.article_id JOIN sections s ON s.id = a.section_id
		WHERE t.slug = $1 AND x.label != '' AND s.lang = $2 AND a.status = 'published'
		ORDER BY a.published_at DESC, a.id DESC LIMIT 1`, slug, lang).Scan(&label)
	if errors.Is(err, pgx.ErrNoRows) {
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
	err = db.reader(ctx).QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` t JOIN published_tags x ON x.kind = $1 AND x.tag_id = t.id
		WHERE t.slug = $2)`, k, slug).Scan(&ok)
	if err != nil {
		return false, err
	}
	return ok, nil
}

// TagSuggest returns up to limit topics ("topics") or persons ("persons")
// whose name starts with prefix, then those whose name contains it,
// ignoring case. Names are matched by their slug too, as SQLite does, so
// both engines suggest the same. Returns EINVALID for another kind.
func (db tagStore) TagSuggest(ctx context.Context, kind, prefix string, limit int) (_ []dateline.Topic, err error) {
	defer wrap(&err, "tag suggest")
	if kind != "topics" && kind != "persons" {
		return nil, dateline.Errorf(dateline.EINVALID, "Tags are topics or persons, not %q.", kind)
	}
	prefix = strings.TrimSpace(prefix)
	if prefix == "" {
		return []dateline.Topic{}, nil
	}
	rows, err := db.reader(ctx).Query(ctx, `SELECT id, slug, name FROM (
			SELECT id, slug, name,
				CASE WHEN strpos(lower(name), lower($1)) = 1 OR ($2 <> '' AND starts_with(slug, $2)) THEN 0 ELSE 1 END AS rank
			FROM `+kind+`
			WHERE strpos(lower(name), lower($1)) > 0 OR ($2 <> '' AND strpos(slug, $2) > 0)) t
		ORDER BY rank, slug COLLATE "C", id LIMIT $3`, prefix, dateline.Slugify(prefix), sqlutil.LimitOr(limit, 10, 50))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, []dateline.Topic{}, func(r sqlutil.Scanner) (dateline.Topic, error) {
		var t dateline.Topic
		err := r.Scan(&t.ID, &t.Slug, &t.Name)
		return t, err
	})
}
