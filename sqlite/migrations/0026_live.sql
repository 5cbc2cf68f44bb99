-- Live coverage (package liveblog): a story is live from started_at
-- until ended_at (NULL while it goes on); its posts are rows of their
-- own, each with its version, deleted ones kept (deleted_at) with their
-- history in live_post_revisions. Times are Unix milliseconds.
CREATE TABLE live_stories (
	article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
	started_at INTEGER NOT NULL,
	ended_at   INTEGER
);

CREATE TABLE live_posts (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	author_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('text', 'photo', 'quote', 'link')),
	body       TEXT NOT NULL DEFAULT '',
	photo_id   INTEGER REFERENCES photos(id) ON DELETE SET NULL,
	quote_by   TEXT NOT NULL DEFAULT '',
	link_url   TEXT NOT NULL DEFAULT '',
	key_event  INTEGER NOT NULL DEFAULT 0,
	pinned     INTEGER NOT NULL DEFAULT 0,
	closing    INTEGER NOT NULL DEFAULT 0,
	version    INTEGER NOT NULL DEFAULT 1,
	deleted_at INTEGER
);
CREATE INDEX live_posts_article ON live_posts (article_id, id);

CREATE TABLE live_post_revisions (
	id        INTEGER PRIMARY KEY,
	post_id   INTEGER NOT NULL REFERENCES live_posts(id) ON DELETE CASCADE,
	version   INTEGER NOT NULL,
	user_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
	action    TEXT NOT NULL CHECK (action IN ('create', 'edit', 'delete')),
	data      TEXT NOT NULL,
	at        INTEGER NOT NULL
);
CREATE INDEX live_post_revisions_post ON live_post_revisions (post_id, id);
