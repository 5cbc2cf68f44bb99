package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"dateline"
	"dateline/internal/sqlutil"
)

// storyStore is running stories and the home page's top stories.
type storyStore struct{ *DB }

func (db storyStore) stories(ctx context.Context, query string, args ...any) ([]dateline.Story, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, []dateline.Story{}, sqlutil.Value(sqlutil.ScanStory))
}

// storyArticles returns the published articles attached to the story,
// newest first, as lists show them.
func (db storyStore) storyArticles(ctx context.Context, storyID int64, limit int) ([]dateline.Article, error) {
	return db.articleList(ctx, `SELECT `+sqlutil.ArticleColumns+` FROM story_articles x CROSS JOIN articles a ON a.id = x.article_id
		JOIN sections s ON s.id = a.section_id LEFT JOIN photos p ON p.id = a.photo_id
		WHERE x.story_id = ? AND a.status = 'published' ORDER BY a.published_at DESC, a.id DESC LIMIT ?`, storyID, limit)
}

// Story returns the running story with the slug and its published
// articles, newest first. Returns ENOTFOUND.
func (db storyStore) Story(ctx context.Context, slug string) (_ *dateline.Story, err error) {
	defer wrap(&err, "story")
	return db.story(ctx, `st.slug = ?`, slug)
}

// StoryByID returns the running story with the id and its published
// articles, newest first. Returns ENOTFOUND.
func (db storyStore) StoryByID(ctx context.Context, id int64) (_ *dateline.Story, err error) {
	defer wrap(&err, "story by id")
	return db.story(ctx, `st.id = ?`, id)
}

func (db storyStore) story(ctx context.Context, where string, arg any) (*dateline.Story, error) {
	s, err := sqlutil.ScanStory(db.read.QueryRowContext(ctx, `SELECT `+sqlutil.StoryColumns+` FROM stories st WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No story page %v.", arg)
	} else if err != nil {
		return nil, err
	}
	if s.Articles, err = db.storyArticles(ctx, s.ID, 100); err != nil {
		return nil, err
	}
	return s, nil
}

// Stories lists every running story, the latest changed first, without
// articles.
func (db storyStore) Stories(ctx context.Context) (_ []dateline.Story, err error) {
	defer wrap(&err, "stories")
	return db.stories(ctx, `SELECT `+sqlutil.StoryColumns+` FROM stories st ORDER BY st.updated_at DESC, st.id DESC`)
}

// StoriesOf returns the running stories the article is attached to, the
// latest changed first.
func (db storyStore) StoriesOf(ctx context.Context, articleID int64) (_ []dateline.Story, err error) {
	defer wrap(&err, "stories of")
	return db.stories(ctx, `SELECT `+sqlutil.StoryColumns+` FROM story_articles x JOIN stories st ON st.id = x.story_id
		WHERE x.article_id = ? ORDER BY st.updated_at DESC, st.id DESC`, articleID)
}

// TopStories returns the main edition's curated list in order.
func (db storyStore) TopStories(ctx context.Context) (_ []dateline.TopItem, err error) {
	defer wrap(&err, "top stories")
	return db.EditionTop(ctx, dateline.LangMain)
}

// EditionTop returns an edition's curated list in order: published
// articles, and running stories with their newest published article.
func (db storyStore) EditionTop(ctx context.Context, edition string) (_ []dateline.TopItem, err error) {
	defer wrap(&err, "edition top")
	refs, err := db.EditionTopRefs(ctx, edition)
	if err != nil {
		return nil, err
	}
	// CROSS JOIN makes SQLite read the short curated list first instead of
	// scanning every article.
	list, err := db.articleList(ctx, `SELECT `+sqlutil.ArticleColumns+` FROM home_top t CROSS JOIN articles a ON a.id = t.article_id
		JOIN sections s ON s.id = a.section_id LEFT JOIN photos p ON p.id = a.photo_id
		WHERE a.status = 'published' AND t.edition = ?`, edition)
	if err != nil {
		return nil, err
	}
	articles := map[int64]*dateline.Article{}
	for i := range list {
		articles[list[i].ID] = &list[i]
	}
	stories, err := db.stories(ctx, `SELECT `+sqlutil.StoryColumns+` FROM home_top t CROSS JOIN stories st ON st.id = t.story_id WHERE t.edition = ?`, edition)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*dateline.Story{}
	for i := range stories {
		byID[stories[i].ID] = &stories[i]
	}
	items := []dateline.TopItem{}
	for _, r := range refs {
		switch {
		case articles[r.ArticleID] != nil:
			items = append(items, dateline.TopItem{Article: articles[r.ArticleID]})
		case byID[r.StoryID] != nil:
			s := byID[r.StoryID]
			if s.Articles, err = db.storyArticles(ctx, s.ID, 1); err != nil {
				return nil, err
			}
			if len(s.Articles) == 0 {
				s.Articles = nil
			}
			items = append(items, dateline.TopItem{Story: s})
		}
	}
	return items, nil
}

// TopRefs returns the main edition's whole curated list in order.
func (db storyStore) TopRefs(ctx context.Context) (_ []dateline.TopRef, err error) {
	defer wrap(&err, "top refs")
	return db.EditionTopRefs(ctx, dateline.LangMain)
}

// EditionTopRefs returns an edition's whole curated list in order,
// whatever the status of its articles.
func (db storyStore) EditionTopRefs(ctx context.Context, edition string) (_ []dateline.TopRef, err error) {
	defer wrap(&err, "edition top refs")
	rows, err := db.read.QueryContext(ctx, `SELECT COALESCE(article_id, 0), COALESCE(story_id, 0) FROM home_top WHERE edition = ? ORDER BY position`, edition)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	refs := []dateline.TopRef{}
	for rows.Next() {
		var r dateline.TopRef
		if err := rows.Scan(&r.ArticleID, &r.StoryID); err != nil {
			return nil, err
		}
		refs = append(refs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return refs, nil
}

// SetTopStories replaces the main edition's curated list.
func (db storyStore) SetTopStories(ctx context.Context, refs []dateline.TopRef) (err error) {
	defer wrap(&err, "set top stories")
	return db.SetEditionTop(ctx, dateline.LangMain, refs)
}

// SetEditionTop replaces an edition's curated list. Returns EINVALID for
// an unknown edition, a ref that names not exactly one of an article and a
// story or names one twice, an article of another edition or a story page
// on another edition's list, and ENOTFOUND for an unknown id.
func (db storyStore) SetEditionTop(ctx context.Context, edition string, refs []dateline.TopRef) (err error) {
	defer wrap(&err, "set edition top")
	if err := dateline.CheckEdition(edition); err != nil {
		return err
	}
	if err := dateline.TopRefs(refs).Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM home_top WHERE edition = ?`, edition); err != nil {
			return err
		}
		var start int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) FROM home_top`).Scan(&start); err != nil {
			return err
		}
		for i, r := range refs {
			if err := topFits(ctx, tx, edition, r); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO home_top (position, article_id, story_id, edition) VALUES (?, ?, ?, ?)`,
				start+i+1, sqlutil.NullID(r.ArticleID), sqlutil.NullID(r.StoryID), edition)
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// topFits asks the rules whether r may lead edition's home page, and takes
// an article off another edition's list it no longer belongs to (its
// section moved).
func topFits(ctx context.Context, tx *sql.Tx, edition string, r dateline.TopRef) error {
	if r.StoryID != 0 {
		var title, other string
		if err := tx.QueryRowContext(ctx, `SELECT title FROM stories WHERE id = ?`, r.StoryID).Scan(&title); errors.Is(err, sql.ErrNoRows) {
			return dateline.Errorf(dateline.ENOTFOUND, "No story page %d.", r.StoryID)
		} else if err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT edition FROM home_top WHERE story_id = ?`, r.StoryID).Scan(&other)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return dateline.TopStoryFits(edition, r.StoryID, title, other)
	}
	var headline, lang string
	err := tx.QueryRowContext(ctx, `SELECT a.headline, COALESCE(s.lang, '') FROM articles a LEFT JOIN sections s ON s.id = a.section_id WHERE a.id = ?`, r.ArticleID).Scan(&headline, &lang)
	if errors.Is(err, sql.ErrNoRows) {
		return dateline.Errorf(dateline.ENOTFOUND, "No article %d.", r.ArticleID)
	} else if err != nil {
		return err
	}
	if err := dateline.TopArticleFits(edition, r.ArticleID, headline, lang); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM home_top WHERE article_id = ?`, r.ArticleID)
	return err
}
