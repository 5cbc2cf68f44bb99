-- The client portal at /wire/: client users' sessions (apart from the
-- staff's, so neither guard can take the other's cookie), one-time
-- invitations (their secrets' hashes), bookmarks, follows, and usage per
-- client, product, day and kind.
CREATE TABLE client_sessions (
	id             INTEGER PRIMARY KEY,
	hash           BLOB NOT NULL UNIQUE,
	client_user_id INTEGER NOT NULL REFERENCES client_users(id) ON DELETE CASCADE,
	csrf           TEXT NOT NULL,
	created_at     INTEGER NOT NULL,
	expires_at     INTEGER NOT NULL
);
CREATE INDEX client_sessions_user ON client_sessions (client_user_id);
CREATE INDEX client_sessions_expires ON client_sessions (expires_at);

CREATE TABLE client_invitations (
	id             INTEGER PRIMARY KEY,
	hash           BLOB NOT NULL UNIQUE,
	client_user_id INTEGER NOT NULL REFERENCES client_users(id) ON DELETE CASCADE,
	created_at     INTEGER NOT NULL,
	expires_at     INTEGER NOT NULL
);
CREATE INDEX client_invitations_user ON client_invitations (client_user_id);

CREATE TABLE client_bookmarks (
	client_user_id INTEGER NOT NULL REFERENCES client_users(id) ON DELETE CASCADE,
	article_id     INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	created_at     INTEGER NOT NULL,
	PRIMARY KEY (client_user_id, article_id)
) WITHOUT ROWID;

CREATE TABLE client_follows (
	id             INTEGER PRIMARY KEY,
	client_user_id INTEGER NOT NULL REFERENCES client_users(id) ON DELETE CASCADE,
	kind           TEXT NOT NULL CHECK (kind IN ('topic', 'person', 'search')),
	value          TEXT NOT NULL,
	created_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX client_follows_user ON client_follows (client_user_id, kind, value);
CREATE INDEX client_follows_value ON client_follows (kind, value);

CREATE TABLE client_usage (
	client_id  INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
	product_id INTEGER NOT NULL,
	day        TEXT NOT NULL,
	kind       TEXT NOT NULL,
	count      INTEGER NOT NULL,
	PRIMARY KEY (client_id, day, product_id, kind)
) WITHOUT ROWID;
