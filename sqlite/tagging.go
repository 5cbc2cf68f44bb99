package sqlite

import (
	"context"
	"fmt"
	"strings"

	"dateline"
)

var _ dateline.Tagging = (*DB)(nil)

// TopicsOf returns the topics of each article; see dateline.Tagging.
func (db *DB) TopicsOf(ctx context.Context, ids []int64) (map[int64][]dateline.Topic, error) {
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
		return nil, fmt.Errorf("sqlite: topics of: %w", err)
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
