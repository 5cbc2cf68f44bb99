-- The addresses of a site moved to dateline (dateline import --from
-- wordpress|ghost): each old path, as redirect.Key writes it, leads to a
-- story by its uri or to a site path (a section's, a topic's). The site
-- answers an old path with a permanent redirect before its 404. Times are
-- Unix milliseconds.
CREATE TABLE old_paths (
	id         INTEGER PRIMARY KEY,
	path       TEXT NOT NULL UNIQUE,
	uri        TEXT NOT NULL DEFAULT '',
	target     TEXT NOT NULL DEFAULT '',
	source     TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX old_paths_uri ON old_paths (uri) WHERE uri <> '';
