package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"dateline"
	"dateline/internal/sqlutil"
)

// storyStore is running stories and the home page's top stories.
type storyStore struct{ *DB }

func stories(ctx context.Context, q querier, query string, args ...any) ([]dateline.Story, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, []dateline.Story{}, sqlutil.Value(sqlutil.ScanStory))
}

// storyArticles returns the published articles attached to the story,
// newest first, as lists show them.
func storyArticles(ctx context.Context, q querier, storyID int64, limit int) ([]dateline.Article, error) {
	return articleList(ctx, q, `SELECT `+sqlutil.ArticleColumns+` FROM story_articles x JOIN articles a ON a.id = x.article_id
		JOIN sections s ON s.id = a.section_id LEFT JOIN photos p ON p.id = a.photo_id
		WHERE x.story_id = $1 AND a.status = 'published' ORDER BY a.published_at DESC, a.id DESC LIMIT $2`, storyID, limit)
}

// Story returns the running story with the slug and its published
// articles, newest first. Returns ENOTFOUND.
func (db storyStore) Story(ctx context.Context, slug string) (_ *dateline.Story, err error) {
	defer wrap(&err, "story")
	return db.story(ctx, `st.slug = $1`, slug)
}

// StoryByID returns the running story with the id and its published
// articles, newest first. Returns ENOTFOUND.
func (db storyStore) StoryByID(ctx context.Context, id int64) (_ *dateline.Story, err error) {
	defer wrap(&err, "story by id")
	return db.story(ctx, `st.id = $1`, id)
}

func (db storyStore) story(ctx context.Context, where string, arg any) (*dateline.Story, error) {
	q := db.reader(ctx)
	s, err := sqlutil.ScanStory(q.QueryRow(ctx, `SELECT `+sqlutil.StoryColumns+` FROM stories st WHERE `+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No story page %v.", arg)
	} else if err != nil {
		return nil, err
	}
	if s.Articles, err = storyArticles(ctx, q, s.ID, 100); err != nil {
		return nil, err
	}
	return s, nil
}

// Stories lists every running story, the latest changed first, without
// articles.
func (db storyStore) Stories(ctx context.Context) (_ []dateline.Story, err error) {
	defer wrap(&err, "stories")
	return stories(ctx, db.reader(ctx), `SELECT `+sqlutil.StoryColumns+` FROM stories st ORDER BY st.updated_at DESC, st.id DESC`)
}

// StoriesOf returns the running stories the article is attached to, the
// latest changed first.
func (db storyStore) StoriesOf(ctx context.Context, articleID int64) (_ []dateline.Story, err error) {
	defer wrap(&err, "stories of")
	return stories(ctx, db.reader(ctx), `SELECT `+sqlutil.StoryColumns+` FROM story_articles x JOIN stories st ON st.id = x.story_id
		WHERE x.article_id = $1 ORDER BY st.updated_at DESC, st.id DESC`, articleID)
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
	q := db.reader(ctx)
	refs, err := topRefs(ctx, q, edition)
	if err != nil {
		return nil, err
	}
	list, err := articleList(ctx, q, `SELECT `+sqlutil.ArticleColumns+` FROM home_top t JOIN articles a ON a.id = t.article_id
		JOIN sections s ON s.id = a.section_id LEFT JOIN photos p ON p.id = a.photo_id
		WHERE a.status = 'published' AND t.edition = $1`, edition)
	if err != nil {
		return nil, err
	}
	articles := map[int64]*dateline.Article{}
	for i := range list {
		articles[list[i].ID] = &list[i]
	}
	ss, err := stories(ctx, q, `SELECT `+sqlutil.StoryColumns+` FROM home_top t JOIN stories st ON st.id = t.story_id WHERE t.edition = $1`, edition)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*dateline.Story{}
	for i := range ss {
		byID[ss[i].ID] = &ss[i]
	}
	items := []dateline.TopItem{}
	for _, r := range refs {
		switch {
		case articles[r.ArticleID] != nil:
			items = append(items, dateline.TopItem{Article: articles[r.ArticleID]})
		case byID[r.StoryID] != nil:
			s := byID[r.StoryID]
			if s.Articles, err = storyArticles(ctx, q, s.ID, 1); err != nil {
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
	return topRefs(ctx, db.reader(ctx), dateline.LangMain)
}

// EditionTopRefs returns an edition's whole curated list in order,
// whatever the status of its articles.
func (db storyStore) EditionTopRefs(ctx context.Context, edition string) (_ []dateline.TopRef, err error) {
	defer wrap(&err, "edition top refs")
	return topRefs(ctx, db.reader(ctx), edition)
}

func topRefs(ctx context.Context, q querier, edition string) ([]dateline.TopRef, error) {
	rows, err := q.Query(ctx, `SELECT COALESCE(article_id, 0), COALESCE(story_id, 0) FROM home_top WHERE edition = $1 ORDER BY position`, edition)
	if err != nil {
		return nil, err
	}
	refs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (dateline.TopRef, error) {
		var r dateline.TopRef
		err := row.Scan(&r.ArticleID, &r.StoryID)
		return r, err
	})
	if err != nil {
		return nil, err
	}
	if refs == nil {
		refs = []dateline.TopRef{}
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
	return db.inTx(ctx, func(tx pgx.Tx) error {
		// One list is written at a time, so positions stay unique.
		if _, err := tx.Exec(ctx, `LOCK TABLE home_top IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM home_top WHERE edition = $1`, edition); err != nil {
			return err
		}
		var start int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) FROM home_top`).Scan(&start); err != nil {
			return err
		}
		for i, r := range refs {
			if err := topFits(ctx, tx, edition, r); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO home_top (position, article_id, story_id, edition) VALUES ($1, $2, $3, $4)`,
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
func topFits(ctx context.Context, tx pgx.Tx, edition string, r dateline.TopRef) error {
	if r.StoryID != 0 {
		var title, other string
		if err := tx.QueryRow(ctx, `SELECT title FROM stories WHERE id = $1`, r.StoryID).Scan(&title); errors.Is(err, pgx.ErrNoRows) {
			return dateline.Errorf(dateline.ENOTFOUND, "No story page %d.", r.StoryID)
		} else if err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `SELECT edition FROM home_top WHERE story_id = $1`, r.StoryID).Scan(&other)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		return dateline.TopStoryFits(edition, r.StoryID, title, other)
	}
	var headline, lang string
	err := tx.QueryRow(ctx, `SELECT a.headline, COALESCE(s.lang, '') FROM articles a LEFT JOIN sections s ON s.id = a.section_id WHERE a.id = $1`, r.ArticleID).Scan(&headline, &lang)
	if errors.Is(err, pgx.ErrNoRows) {
		return dateline.Errorf(dateline.ENOTFOUND, "No article %d.", r.ArticleID)
	} else if err != nil {
		return err
	}
	if err := dateline.TopArticleFits(edition, r.ArticleID, headline, lang); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `DELETE FROM home_top WHERE article_id = $1`, r.ArticleID)
	return err
}
