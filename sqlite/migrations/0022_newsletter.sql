-- Readers' email subscriptions (issue 21 part 2): breaking alerts of an
-- edition, daily digests, follows of a topic or person. An address is kept
-- as typed (to write to it) and in lower case (to find it), with the
-- language of its messages and its time zone; nothing else about the reader. Times are Unix milliseconds.
CREATE TABLE news_subscribers (
	id           INTEGER PRIMARY KEY,
	address      TEXT NOT NULL,
	address_key  TEXT NOT NULL UNIQUE,
	lang         TEXT NOT NULL DEFAULT 'en',
	zone         TEXT NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL
);

-- One row a list a subscriber asked for: "breaking:en", "digest:ru",
-- "topic:SLUG", "person:SLUG". A digest keeps its sections (space
-- separated, none for the whole edition) and local hour.
CREATE TABLE news_subscriptions (
	id            INTEGER PRIMARY KEY,
	subscriber_id INTEGER NOT NULL REFERENCES news_subscribers (id) ON DELETE CASCADE,
	list_id       TEXT NOT NULL,
	sections      TEXT NOT NULL DEFAULT '',
	hour          INTEGER NOT NULL DEFAULT 8,
	confirmed_at  INTEGER, -- NULL until the confirmation link was used
	created_at    INTEGER NOT NULL,
	UNIQUE (subscriber_id, list_id)
);
CREATE INDEX news_subscriptions_list ON news_subscriptions (list_id);

-- One row: the newest event the alerter has read (as push_cursor).
CREATE TABLE news_cursor (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	last_event INTEGER NOT NULL
);
