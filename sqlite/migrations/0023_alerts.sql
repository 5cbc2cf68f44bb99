-- Follow alerts of the client portal: the items waiting to be emailed to
-- each client user (one row per user and story, kept after sending so a
-- story never reaches a user twice), and the alerts' cursor in the event
-- log, which also serializes the flush across nodes. Times are Unix
-- milliseconds, as push's and the outbox's.
CREATE TABLE alert_items (
	id             INTEGER PRIMARY KEY,
	client_user_id INTEGER NOT NULL REFERENCES client_users(id) ON DELETE CASCADE,
	article_id     INTEGER NOT NULL,
	follows        TEXT NOT NULL,
	status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dropped')),
	created_at     INTEGER NOT NULL,
	sent_at        INTEGER
);
CREATE UNIQUE INDEX alert_items_user_article ON alert_items (client_user_id, article_id);
CREATE INDEX alert_items_status ON alert_items (status, client_user_id);

-- The language of a client user's alert emails: the portal's when they
-- last followed something.
CREATE TABLE alert_langs (
	client_user_id INTEGER PRIMARY KEY REFERENCES client_users(id) ON DELETE CASCADE,
	lang           TEXT NOT NULL CHECK (lang IN ('en', 'ru'))
);

-- One row: the newest event the alerts have read, made by the first
-- worker at the newest event then, so a site does not alert its past.
CREATE TABLE alert_cursor (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	last_event INTEGER NOT NULL
);
