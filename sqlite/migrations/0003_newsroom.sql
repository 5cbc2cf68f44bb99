-- The newsroom: people, their sessions, every saved revision, the wire
-- lifecycle of a story (submission, advisories, corrections, chains of
-- follow-ups, withdrawal notes), running stories, the home page's curated
-- list of articles and stories, and the audit log. Times are Unix seconds.

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'reporter')),
	password_hash TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0,
	failures      INTEGER NOT NULL DEFAULT 0,
	locked_until  INTEGER,
	created_at    INTEGER NOT NULL
);

-- Only the SHA-256 of a session's secret is kept.
CREATE TABLE sessions (
	id         INTEGER PRIMARY KEY,
	hash       BLOB NOT NULL UNIQUE,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A submitted story is a draft with submitted_at set: the status column
-- keeps its four public-facing values.
ALTER TABLE articles ADD COLUMN submitted_at INTEGER;
ALTER TABLE articles ADD COLUMN embargoed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN advisory TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN withdraw_note TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN follows_id INTEGER REFERENCES articles(id) ON DELETE SET NULL;
ALTER TABLE articles ADD COLUMN chain_id INTEGER;
ALTER TABLE articles ADD COLUMN author_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
CREATE INDEX articles_desk ON articles (modified_at DESC, id DESC);
CREATE INDEX articles_chain ON articles (chain_id) WHERE chain_id IS NOT NULL;

CREATE TABLE corrections (
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	at         INTEGER NOT NULL,
	text       TEXT NOT NULL,
	PRIMARY KEY (article_id, position)
) WITHOUT ROWID;

-- Every save of an article, as JSON of dateline.Draft; kind is save,
-- restore or conflict (an edit refused because another landed first,
-- kept so that nothing typed is lost).
CREATE TABLE revisions (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	version    INTEGER NOT NULL,
	kind       TEXT NOT NULL,
	user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
	user_name  TEXT NOT NULL DEFAULT '',
	note       TEXT NOT NULL DEFAULT '',
	data       TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX revisions_article ON revisions (article_id, id DESC);

-- The latest unsaved state of the editor, per article and person.
CREATE TABLE autosaves (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	base       INTEGER NOT NULL,
	data       TEXT NOT NULL,
	saved_at   INTEGER NOT NULL,
	UNIQUE (article_id, user_id)
);

-- Running stories ("Conflict in Syria"): an introduction and a timeline.
CREATE TABLE stories (
	id         INTEGER PRIMARY KEY,
	slug       TEXT NOT NULL UNIQUE,
	title      TEXT NOT NULL,
	intro      TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE story_articles (
	story_id   INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	PRIMARY KEY (story_id, article_id)
) WITHOUT ROWID;
CREATE INDEX story_articles_article ON story_articles (article_id);

-- The home page's top stories: each an article or a running story.
CREATE TABLE home_top (
	position   INTEGER PRIMARY KEY,
	article_id INTEGER UNIQUE REFERENCES articles(id) ON DELETE CASCADE,
	story_id   INTEGER UNIQUE REFERENCES stories(id) ON DELETE CASCADE,
	CHECK ((article_id IS NULL) <> (story_id IS NULL))
);
INSERT INTO home_top (position, article_id) SELECT position, article_id FROM top_stories;
DROP TABLE top_stories;

CREATE TABLE audit_log (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	user_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
	user_name TEXT NOT NULL DEFAULT '',
	action    TEXT NOT NULL,
	target    TEXT NOT NULL DEFAULT '',
	detail    TEXT NOT NULL DEFAULT ''
);
