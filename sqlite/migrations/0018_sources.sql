-- Push sources (a Superdesk newsroom and its shared secret), the guids of
-- Superdesk's rewrite chains with the article each chain is published as,
-- and the binaries Superdesk uploaded before the items that use them.
-- Times are Unix milliseconds.
CREATE TABLE sources (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	kind       TEXT NOT NULL,
	secret     TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	disabled   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE superdesk_guids (
	id           INTEGER PRIMARY KEY,
	guid         TEXT NOT NULL UNIQUE,
	uri          TEXT NOT NULL,
	evolved_from TEXT NOT NULL DEFAULT '',
	version      TEXT NOT NULL DEFAULT '',
	killed       INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER NOT NULL
);
CREATE INDEX superdesk_guids_uri ON superdesk_guids (uri);
CREATE INDEX superdesk_guids_evolved ON superdesk_guids (evolved_from) WHERE evolved_from <> '';

CREATE TABLE superdesk_assets (
	id         INTEGER PRIMARY KEY,
	media_id   TEXT NOT NULL UNIQUE,
	path       TEXT NOT NULL,
	size       INTEGER NOT NULL,
	mime_type  TEXT NOT NULL DEFAULT '',
	photo_path TEXT NOT NULL DEFAULT '',
	width      INTEGER NOT NULL DEFAULT 0,
	height     INTEGER NOT NULL DEFAULT 0,
	widths     TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
