-- Push delivery: a client's destinations, the bodies to send (one per
-- event and story), the outbox of deliveries (one per body and
-- destination) and the fan-out's cursor in the event log. Times are Unix
-- milliseconds: retries and leases are shorter than a second in tests.
CREATE TABLE push_destinations (
	id         INTEGER PRIMARY KEY,
	client_id  INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
	url        TEXT NOT NULL,
	secret     TEXT NOT NULL,
	paused     INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);
CREATE INDEX push_destinations_client ON push_destinations (client_id);

CREATE TABLE push_items (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL,
	event      TEXT NOT NULL,
	version    INTEGER NOT NULL,
	body       BLOB NOT NULL,
	created_at INTEGER NOT NULL
);

CREATE TABLE push_deliveries (
	id             INTEGER PRIMARY KEY,
	destination_id INTEGER NOT NULL REFERENCES push_destinations(id) ON DELETE CASCADE,
	item_id        INTEGER NOT NULL REFERENCES push_items(id),
	article_id     INTEGER NOT NULL,
	status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
	attempts       INTEGER NOT NULL DEFAULT 0,
	next_at        INTEGER NOT NULL,
	last_status    INTEGER NOT NULL DEFAULT 0,
	last_error     TEXT NOT NULL DEFAULT '',
	created_at     INTEGER NOT NULL,
	sent_at        INTEGER
);
-- The senders' queue, the order per item, the log and "received before".
CREATE INDEX push_deliveries_due ON push_deliveries (next_at) WHERE status = 'pending';
CREATE INDEX push_deliveries_item ON push_deliveries (destination_id, article_id, id);
CREATE INDEX push_deliveries_article ON push_deliveries (article_id);
CREATE INDEX push_deliveries_item_id ON push_deliveries (item_id);

-- One row: the newest event the fan-out has read, made by the first
-- destination at the newest event then, so a site does not push its past.
CREATE TABLE push_cursor (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	last_event INTEGER NOT NULL
);
