-- The content model. Times are Unix seconds, UTC.

CREATE TABLE sections (
	id       INTEGER PRIMARY KEY,
	slug     TEXT NOT NULL UNIQUE,
	name     TEXT NOT NULL,
	position INTEGER NOT NULL DEFAULT 0
);

-- Codes that incoming items are matched against to find their section.
CREATE TABLE section_codes (
	code       TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
	section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE
);

CREATE TABLE photos (
	id         INTEGER PRIMARY KEY,
	uri        TEXT UNIQUE,
	path       TEXT NOT NULL DEFAULT '',
	remote     TEXT NOT NULL DEFAULT '',
	width      INTEGER NOT NULL DEFAULT 0,
	height     INTEGER NOT NULL DEFAULT 0,
	widths     TEXT NOT NULL DEFAULT '',
	caption    TEXT NOT NULL DEFAULT '',
	credit     TEXT NOT NULL DEFAULT '',
	alt        TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);

CREATE TABLE articles (
	id             INTEGER PRIMARY KEY,
	uri            TEXT NOT NULL UNIQUE,
	section_id     INTEGER NOT NULL REFERENCES sections(id),
	lang           TEXT NOT NULL,
	headline       TEXT NOT NULL,
	lead           TEXT NOT NULL DEFAULT '',
	place          TEXT NOT NULL DEFAULT '',
	byline         TEXT NOT NULL DEFAULT '',
	status         TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'published', 'withdrawn')),
	published_at   INTEGER,
	updated_at     INTEGER,
	embargo_until  INTEGER,
	withdrawn_at   INTEGER,
	urgency        INTEGER NOT NULL DEFAULT 5,
	breaking       INTEGER NOT NULL DEFAULT 0,
	photo_id       INTEGER REFERENCES photos(id),
	version        INTEGER NOT NULL DEFAULT 1,
	source_version INTEGER NOT NULL DEFAULT 0, -- Unix milliseconds
	created_at     INTEGER NOT NULL,
	modified_at    INTEGER NOT NULL
);
CREATE INDEX articles_feed ON articles (status, published_at DESC, id DESC);
CREATE INDEX articles_section_feed ON articles (section_id, status, published_at DESC, id DESC);
CREATE INDEX articles_due ON articles (embargo_until) WHERE status = 'scheduled';

CREATE TABLE article_pages (
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	page       INTEGER NOT NULL,
	body       TEXT NOT NULL,
	PRIMARY KEY (article_id, page)
) WITHOUT ROWID;

CREATE TABLE topics (
	id   INTEGER PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL
);

CREATE TABLE persons (
	id   INTEGER PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL
);



CREATE TABLE article_topics (
	article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	topic_id     INTEGER NOT NULL REFERENCES topics(id),
	position     INTEGER NOT NULL,
	PRIMARY KEY (article_id, topic_id)
) WITHOUT ROWID;
CREATE INDEX article_topics_topic ON article_topics (topic_id, article_id);

CREATE TABLE article_persons (
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	person_id  INTEGER NOT NULL REFERENCES persons(id),
	position   INTEGER NOT NULL,
	PRIMARY KEY (article_id, person_id)
) WITHOUT ROWID;
CREATE INDEX article_persons_person ON article_persons (person_id, article_id);

-- "Read also" links, by the target's source URI, so that a link may arrive
-- before the story it points to.
CREATE TABLE article_links (
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	target_uri TEXT NOT NULL,
	PRIMARY KEY (article_id, position)
) WITHOUT ROWID;

CREATE TABLE top_stories (
	position   INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE
);

CREATE TABLE galleries (
	id           INTEGER PRIMARY KEY,
	uri          TEXT NOT NULL UNIQUE,
	section_id   INTEGER REFERENCES sections(id),
	title        TEXT NOT NULL,
	lead         TEXT NOT NULL DEFAULT '',
	published_at INTEGER NOT NULL
);
CREATE INDEX galleries_published ON galleries (published_at DESC);

CREATE TABLE gallery_photos (
	gallery_id INTEGER NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	photo_id   INTEGER NOT NULL REFERENCES photos(id),
	PRIMARY KEY (gallery_id, position)
) WITHOUT ROWID;

CREATE TABLE infographics (
	id           INTEGER PRIMARY KEY,
	uri          TEXT NOT NULL UNIQUE,
	section_id   INTEGER REFERENCES sections(id),
	title        TEXT NOT NULL,
	text         TEXT NOT NULL DEFAULT '',
	published_at INTEGER NOT NULL
);
CREATE INDEX infographics_published ON infographics (published_at DESC);

CREATE TABLE infographic_images (
	infographic_id INTEGER NOT NULL REFERENCES infographics(id) ON DELETE CASCADE,
	position       INTEGER NOT NULL,
	photo_id       INTEGER NOT NULL REFERENCES photos(id),
	PRIMARY KEY (infographic_id, position)
) WITHOUT ROWID;

CREATE TABLE tokens (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	scope      TEXT NOT NULL CHECK (scope IN ('read', 'write')),
	hash       BLOB NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);
