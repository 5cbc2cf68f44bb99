package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// storyPageStore is the newsroom's side of running stories: saving them
// and what is attached to them. Their pages are read by each engine.
type storyPageStore struct{ db *DB }

// SaveStory creates (ID 0) or updates a running story. Returns EINVALID
// for a bad title or slug, ECONFLICT when the slug is taken and ENOTFOUND
// for an unknown id.
func (s storyPageStore) SaveStory(ctx context.Context, st *dateline.Story, now time.Time) (err error) {
	defer s.db.wrap(&err, "save story")
	if err := st.Validate(); err != nil {
		return err
	}
	now = sqlutil.TruncSecond(now)
	err = s.db.Tx(ctx, func(tx Querier) error {
		var err error
		if st.ID == 0 {
			st.CreatedAt = now
			err = tx.QueryRow(ctx, `INSERT INTO stories (slug, title, intro, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
				st.Slug, st.Title, st.Intro, s.db.Time(now), s.db.Time(now)).Scan(&st.ID)
		} else {
			var created sqlutil.Time
			err = tx.QueryRow(ctx, `UPDATE stories SET slug = ?, title = ?, intro = ?, updated_at = ? WHERE id = ? RETURNING created_at`,
				st.Slug, st.Title, st.Intro, s.db.Time(now), st.ID).Scan(&created)
			if noRows(err) {
				return dateline.Errorf(dateline.ENOTFOUND, "No story page %d.", st.ID)
			}
			st.CreatedAt = created.T
		}
		if s.db.IsUnique(err) {
			return dateline.Errorf(dateline.ECONFLICT, "Another story page has the address %q.", st.Slug)
		}
		return err
	})
	if err == nil {
		st.UpdatedAt = now
	}
	return err
}

// SetStoryArticles replaces the articles attached to the story. Returns
// ENOTFOUND for an unknown story or article and EINVALID for an article
// listed twice.
func (s storyPageStore) SetStoryArticles(ctx context.Context, storyID int64, articleIDs []int64, now time.Time) (err error) {
	defer s.db.wrap(&err, "set story articles")
	seen := map[int64]bool{}
	for _, id := range articleIDs {
		if seen[id] {
			return dateline.Errorf(dateline.EINVALID, "Article %d is listed twice.", id)
		}
		seen[id] = true
	}
	return s.db.Tx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `UPDATE stories SET updated_at = ? WHERE id = ?`, s.db.Time(now), storyID)
		if err != nil {
			return err
		}
		if n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No story page %d.", storyID)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM story_articles WHERE story_id = ?`, storyID); err != nil {
			return err
		}
		for _, id := range articleIDs {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM articles WHERE id = ?)`, id).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return dateline.Errorf(dateline.ENOTFOUND, "No article %d.", id)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO story_articles (story_id, article_id) VALUES (?, ?)`, storyID, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// StoryArticleIDs returns the ids of every article attached to the story,
// whatever its status, in id order. Returns ENOTFOUND for an unknown story.
func (s storyPageStore) StoryArticleIDs(ctx context.Context, storyID int64) (_ []int64, err error) {
	defer s.db.wrap(&err, "story article ids")
	// One query, so that the story and its attachments are read together:
	// no row is no story, one NULL is a story without articles.
	ids, err := collect(ctx, s.db.Read(ctx), func(r sqlutil.Scanner) (sql.NullInt64, error) {
		var id sql.NullInt64
		err := r.Scan(&id)
		return id, err
	}, `SELECT x.article_id FROM stories st LEFT JOIN story_articles x ON x.story_id = st.id
		WHERE st.id = ? ORDER BY x.article_id`, storyID)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No story page %d.", storyID)
	}
	out := []int64{}
	for _, id := range ids {
		if id.Valid {
			out = append(out, id.Int64)
		}
	}
	return out, nil
}
