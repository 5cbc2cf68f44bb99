-- Email: the outbox of messages to send, the suppression list (who
-- unsubscribed from which list) and the key that signs unsubscribe links.
-- Times are Unix milliseconds, as push's: retries and leases are shorter
-- than a second in tests.
CREATE TABLE mail_outbox (
	id          INTEGER PRIMARY KEY,
	dedupe_key  TEXT NOT NULL UNIQUE,
	list_id     TEXT NOT NULL DEFAULT '',
	lang        TEXT NOT NULL DEFAULT 'en',
	to_addr     TEXT NOT NULL,
	address_key TEXT NOT NULL, -- to_addr in lower case, as suppressions keep it
	subject     TEXT NOT NULL,
	text_body   TEXT NOT NULL,
	html_body   TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'suppressed')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	next_at     INTEGER NOT NULL,
	last_error  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	sent_at     INTEGER
);
-- The senders' queue, and the list of the outbox and its pruning.
CREATE INDEX mail_outbox_due ON mail_outbox (next_at) WHERE status = 'pending';
CREATE INDEX mail_outbox_status ON mail_outbox (status, id);

CREATE TABLE mail_suppressions (
	id         INTEGER PRIMARY KEY,
	address    TEXT NOT NULL, -- lower case
	list_id    TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (address, list_id)
);

-- One row: the HMAC key of unsubscribe links, made on first use.
CREATE TABLE mail_key (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	key TEXT NOT NULL -- hex
);
