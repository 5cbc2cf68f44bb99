-- Partner feeds (dateline.Partners): outside RSS, Atom and JSON feeds
-- whose newest entries the home page links to, the state of their
-- fetching, and each feed's kept entries. Times are Unix seconds.
CREATE TABLE partner_feeds (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL,
	url           TEXT NOT NULL UNIQUE,
	kind          TEXT NOT NULL CHECK (kind IN ('partner', 'media')),
	created_at    INTEGER NOT NULL,
	fetched_at    INTEGER,
	next_at       INTEGER NOT NULL,
	status        TEXT NOT NULL DEFAULT '',
	error         TEXT NOT NULL DEFAULT '',
	failures      INTEGER NOT NULL DEFAULT 0,
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT ''
);
CREATE INDEX partner_feeds_next ON partner_feeds (next_at);

CREATE TABLE partner_entries (
	id           INTEGER PRIMARY KEY,
	feed_id      INTEGER NOT NULL REFERENCES partner_feeds(id) ON DELETE CASCADE,
	title        TEXT NOT NULL,
	link         TEXT NOT NULL,
	summary      TEXT NOT NULL DEFAULT '',
	published_at INTEGER NOT NULL
);
CREATE INDEX partner_entries_feed ON partner_entries (feed_id);
CREATE INDEX partner_entries_published ON partner_entries (published_at DESC, id);
