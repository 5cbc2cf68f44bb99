package sqlstore

import (
	"context"
	"encoding/json"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
	"dateline/liveblog"
)

// liveStore is liveblog.Store: live coverage and its posts. Each post is
// its own row with its own version, so journalists writing into one
// story never conflict unless two edit the same post. Every write logs
// its event (liveblog.EventPost, or dateline.EventUpdated when the live
// mark changes) as the transaction's last statements.
type liveStore struct{ db *DB }

const postColumns = `x.id, x.article_id, COALESCE(x.author_id, 0), COALESCE(u.name, ''), x.created_at, x.updated_at, x.kind, x.body,
	COALESCE(x.photo_id, 0), x.quote_by, x.link_url, x.key_event, x.pinned, x.closing, x.version, COALESCE(x.deleted_at, 0)`

func scanPost(r sqlutil.Scanner) (liveblog.Post, error) {
	var p liveblog.Post
	var created, updated, deleted int64
	err := r.Scan(&p.ID, &p.ArticleID, &p.AuthorID, &p.AuthorName, &created, &updated, &p.Kind, &p.Body,
		&p.PhotoID, &p.QuoteBy, &p.LinkURL, &p.KeyEvent, &p.Pinned, &p.Closing, &p.Version, &deleted)
	p.Created, p.Updated = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	if deleted != 0 {
		p.Deleted = time.UnixMilli(deleted).UTC()
	}
	return p, err
}

// logEvent logs an event of kind about the published story article; it
// must come last in the transaction (Dialect.EventLock). A story that is
// not public logs nothing: its posts are nobody's news yet.
func (s liveStore) logEvent(ctx context.Context, tx Querier, article int64, kind string, now time.Time) error {
	if s.db.EventLock != "" {
		if _, err := tx.Exec(ctx, s.db.EventLock); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO events (at, kind, article_id, section, headline, lang, urgency, breaking, topics)
		SELECT ?, ?, a.id, s.slug, a.headline, a.lang, a.urgency, a.breaking, ''
		FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.id = ? AND a.status = ?`,
		s.db.Time(now), kind, article, string(dateline.StatusPublished))
	return err
}

// StartCoverage marks the story live from now.
func (s liveStore) StartCoverage(ctx context.Context, article int64, now time.Time) (err error) {
	defer s.db.wrap(&err, "start coverage")
	return s.db.StoryTx(ctx, func(tx Querier) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM articles WHERE id = ?)`, article).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return dateline.Errorf(dateline.ENOTFOUND, "No story %d.", article)
		}
		n, err := tx.Exec(ctx, `INSERT INTO live_stories (article_id, started_at) VALUES (?, ?)
			ON CONFLICT (article_id) DO UPDATE SET started_at = excluded.started_at, ended_at = NULL
			WHERE live_stories.ended_at IS NOT NULL`, article, now.UnixMilli())
		if err != nil {
			return err
		}
		if n == 0 {
			return dateline.Errorf(dateline.ECONFLICT, "Story %d is live already.", article)
		}
		return s.logEvent(ctx, tx, article, dateline.EventUpdated, now)
	})
}

// Coverage returns the story's coverage.
func (s liveStore) Coverage(ctx context.Context, article int64) (_ liveblog.Coverage, err error) {
	defer s.db.wrap(&err, "coverage")
	return s.coverage(ctx, s.db.Read(ctx), article)
}

func (s liveStore) coverage(ctx context.Context, q Querier, article int64) (liveblog.Coverage, error) {
	c := liveblog.Coverage{ArticleID: article}
	var start, end int64
	err := q.QueryRow(ctx, `SELECT started_at, COALESCE(ended_at, 0) FROM live_stories WHERE article_id = ?`, article).Scan(&start, &end)
	if err != nil {
		return c, notFound(err, "Story %d was never live.", article)
	}
	c.Start = time.UnixMilli(start).UTC()
	if end != 0 {
		c.End = time.UnixMilli(end).UTC()
	}
	return c, nil
}

// LiveNow lists the stories whose coverage goes on.
func (s liveStore) LiveNow(ctx context.Context) (_ map[int64]bool, err error) {
	defer s.db.wrap(&err, "live now")
	ids, err := collect(ctx, s.db.Read(ctx), func(r sqlutil.Scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	}, `SELECT article_id FROM live_stories WHERE ended_at IS NULL`)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// AddPost stores a new post of a live story.
func (s liveStore) AddPost(ctx context.Context, p *liveblog.Post, now time.Time) (err error) {
	defer s.db.wrap(&err, "add post")
	if err := p.Normalize(); err != nil {
		return err
	}
	now = now.Truncate(time.Millisecond)
	return s.db.StoryTx(ctx, func(tx Querier) error {
		c, err := s.coverage(ctx, tx, p.ArticleID)
		if err != nil {
			if dateline.ErrorCode(err) == dateline.ENOTFOUND {
				return dateline.Errorf(dateline.EINVALID, "Story %d is not live: start its coverage first.", p.ArticleID)
			}
			return err
		}
		if !c.Live() {
			return dateline.Errorf(dateline.EINVALID, "The coverage of story %d has ended.", p.ArticleID)
		}
		if err := s.checkRefs(ctx, tx, p); err != nil {
			return err
		}
		if p.Pinned {
			if _, err := tx.Exec(ctx, `UPDATE live_posts SET pinned = ? WHERE article_id = ? AND pinned = ?`, false, p.ArticleID, true); err != nil {
				return err
			}
		}
		p.Created, p.Updated, p.Version, p.Deleted = now, now, 1, time.Time{}
		err = tx.QueryRow(ctx, `INSERT INTO live_posts (article_id, author_id, created_at, updated_at, kind, body, photo_id, quote_by, link_url, key_event, pinned, closing, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
			p.ArticleID, nullID(p.AuthorID), now.UnixMilli(), now.UnixMilli(), p.Kind, p.Body, nullID(p.PhotoID), p.QuoteBy, p.LinkURL,
			p.KeyEvent, p.Pinned, p.Closing).Scan(&p.ID)
		if s.db.IsForeignKey(err) {
			return dateline.Errorf(dateline.ENOTFOUND, "The story, the author or the photo of the post is gone.")
		}
		if err != nil {
			return err
		}
		if err := s.revise(ctx, tx, p, "create", p.AuthorID, now); err != nil {
			return err
		}
		if p.Closing {
			if _, err := tx.Exec(ctx, `UPDATE live_stories SET ended_at = ? WHERE article_id = ?`, now.UnixMilli(), p.ArticleID); err != nil {
				return err
			}
			if err := s.logEvent(ctx, tx, p.ArticleID, dateline.EventUpdated, now); err != nil {
				return err
			}
		}
		return s.logEvent(ctx, tx, p.ArticleID, liveblog.EventPost, now)
	})
}

// checkRefs refuses a post whose author or photo is unknown, with words.
func (s liveStore) checkRefs(ctx context.Context, tx Querier, p *liveblog.Post) error {
	if p.PhotoID != 0 {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM photos WHERE id = ?)`, p.PhotoID).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return dateline.Errorf(dateline.ENOTFOUND, "No photo %d in the library.", p.PhotoID)
		}
	}
	if p.AuthorID != 0 {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)`, p.AuthorID).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return dateline.Errorf(dateline.ENOTFOUND, "No newsroom account %d.", p.AuthorID)
		}
	}
	return nil
}

// nullID is NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// revise records the post as action left it.
func (s liveStore) revise(ctx context.Context, tx Querier, p *liveblog.Post, action string, user int64, now time.Time) error {
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO live_post_revisions (post_id, version, user_id, action, data, at) VALUES (?, ?, ?, ?, ?, ?)`,
		p.ID, p.Version, nullID(user), action, string(data), now.UnixMilli())
	return err
}

// lockPost reads the stored post for a write and checks it is at base.
func (s liveStore) lockPost(ctx context.Context, tx Querier, id int64, base int) (liveblog.Post, error) {
	p, err := scanPost(tx.QueryRow(ctx, `SELECT `+postColumns+` FROM live_posts x LEFT JOIN users u ON u.id = x.author_id WHERE x.id = ?`+s.db.forUpdate(), id))
	if err != nil {
		return p, notFound(err, "No post %d.", id)
	}
	if !p.Deleted.IsZero() {
		return p, dateline.Errorf(dateline.ENOTFOUND, "Post %d was deleted.", id)
	}
	if p.Version != base {
		return p, dateline.Errorf(dateline.ECONFLICT, "Someone saved post %d since you opened it; it is now at version %d. Reload it and make your change again.", id, p.Version)
	}
	return p, nil
}

// forUpdate locks the row a write reads, on an engine with row locks.
func (db *DB) forUpdate() string {
	if db.SkipLocked == "" {
		return ""
	}
	return " FOR UPDATE OF x"
}

// EditPost saves p over the stored post if it is still at base.
func (s liveStore) EditPost(ctx context.Context, p *liveblog.Post, base int, user int64, now time.Time) (err error) {
	defer s.db.wrap(&err, "edit post")
	if err := p.Normalize(); err != nil {
		return err
	}
	now = now.Truncate(time.Millisecond)
	return s.db.StoryTx(ctx, func(tx Querier) error {
		old, err := s.lockPost(ctx, tx, p.ID, base)
		if err != nil {
			return err
		}
		if err := s.checkRefs(ctx, tx, &liveblog.Post{PhotoID: p.PhotoID}); err != nil {
			return err
		}
		if p.Pinned {
			if _, err := tx.Exec(ctx, `UPDATE live_posts SET pinned = ? WHERE article_id = ? AND pinned = ? AND id <> ?`, false, old.ArticleID, true, p.ID); err != nil {
				return err
			}
		}
		p.ArticleID, p.AuthorID, p.AuthorName, p.Created, p.Closing = old.ArticleID, old.AuthorID, old.AuthorName, old.Created, old.Closing
		p.Updated, p.Version = now, old.Version+1
		if _, err := tx.Exec(ctx, `UPDATE live_posts SET updated_at = ?, kind = ?, body = ?, photo_id = ?, quote_by = ?, link_url = ?,
			key_event = ?, pinned = ?, version = ? WHERE id = ?`,
			now.UnixMilli(), p.Kind, p.Body, nullID(p.PhotoID), p.QuoteBy, p.LinkURL, p.KeyEvent, p.Pinned, p.Version, p.ID); err != nil {
			return err
		}
		if err := s.revise(ctx, tx, p, "edit", user, now); err != nil {
			return err
		}
		return s.logEvent(ctx, tx, p.ArticleID, liveblog.EventPost, now)
	})
}

// DeletePost takes the post off the page, keeping it in the history.
func (s liveStore) DeletePost(ctx context.Context, id int64, base int, user int64, now time.Time) (err error) {
	defer s.db.wrap(&err, "delete post")
	now = now.Truncate(time.Millisecond)
	return s.db.StoryTx(ctx, func(tx Querier) error {
		p, err := s.lockPost(ctx, tx, id, base)
		if err != nil {
			return err
		}
		p.Version++
		p.Deleted, p.Updated, p.Pinned = now, now, false
		if _, err := tx.Exec(ctx, `UPDATE live_posts SET deleted_at = ?, updated_at = ?, pinned = ?, version = ? WHERE id = ?`,
			now.UnixMilli(), now.UnixMilli(), false, p.Version, id); err != nil {
			return err
		}
		if err := s.revise(ctx, tx, &p, "delete", user, now); err != nil {
			return err
		}
		return s.logEvent(ctx, tx, p.ArticleID, liveblog.EventPost, now)
	})
}

// Post returns a post, deleted or not; the newsroom reads it fresh.
func (s liveStore) Post(ctx context.Context, id int64) (_ *liveblog.Post, err error) {
	defer s.db.wrap(&err, "post")
	q := s.db.Fresh(ctx)
	p, err := scanPost(q.QueryRow(ctx, `SELECT `+postColumns+` FROM live_posts x LEFT JOIN users u ON u.id = x.author_id WHERE x.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "No post %d.", id)
	}
	if err := s.photos(ctx, q, []liveblog.Post{p}); err != nil {
		return nil, err
	}
	return &p, nil
}

// Posts lists the story's posts oldest first.
func (s liveStore) Posts(ctx context.Context, article int64, deleted bool) (_ []liveblog.Post, err error) {
	defer s.db.wrap(&err, "posts")
	q := s.db.Read(ctx)
	where := ` AND x.deleted_at IS NULL`
	if deleted {
		where = ""
	}
	ps, err := collect(ctx, q, scanPost, `SELECT `+postColumns+` FROM live_posts x LEFT JOIN users u ON u.id = x.author_id
		WHERE x.article_id = ?`+where+` ORDER BY x.id`, article)
	if err != nil {
		return nil, err
	}
	return ps, s.photos(ctx, q, ps)
}

// photos reads the photos of the posts, once each.
func (s liveStore) photos(ctx context.Context, q Querier, ps []liveblog.Post) error {
	got := map[int64]*dateline.Photo{}
	for i := range ps {
		id := ps[i].PhotoID
		if id == 0 {
			continue
		}
		if ph, ok := got[id]; ok {
			ps[i].Photo = ph
			continue
		}
		ph, err := sqlutil.ScanPhoto(q.QueryRow(ctx, `SELECT `+sqlutil.PhotoColumns+` FROM photos p WHERE p.id = ?`, id))
		if err != nil && !noRows(err) {
			return err
		}
		if err == nil {
			got[id] = &ph
			ps[i].Photo = &ph
		}
	}
	return nil
}

// PostRevisions is the post's history, oldest first.
func (s liveStore) PostRevisions(ctx context.Context, post int64) (_ []liveblog.Revision, err error) {
	defer s.db.wrap(&err, "post revisions")
	return collect(ctx, s.db.Fresh(ctx), func(r sqlutil.Scanner) (liveblog.Revision, error) {
		var v liveblog.Revision
		var data string
		var at int64
		if err := r.Scan(&v.ID, &v.PostID, &v.Version, &v.UserID, &v.UserName, &v.Action, &data, &at); err != nil {
			return v, err
		}
		v.At = time.UnixMilli(at).UTC()
		return v, json.Unmarshal([]byte(data), &v.Post)
	}, `SELECT r.id, r.post_id, r.version, COALESCE(r.user_id, 0), COALESCE(u.name, ''), r.action, r.data, r.at
		FROM live_post_revisions r LEFT JOIN users u ON u.id = r.user_id WHERE r.post_id = ? ORDER BY r.id`, post)
}
