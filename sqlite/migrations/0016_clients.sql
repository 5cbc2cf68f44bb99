-- The client wire: customers (clients), products (saved filters over the
-- wire, lists kept as slugs separated by spaces), the products of each
-- client's contract, the client's people, and tokens that belong to a
-- client and read only its products.
CREATE TABLE clients (
	id           INTEGER PRIMARY KEY,
	name         TEXT NOT NULL,
	active_from  INTEGER,
	active_until INTEGER,
	seat_limit   INTEGER NOT NULL DEFAULT 0,
	disabled     INTEGER NOT NULL DEFAULT 0,
	feed_key     BLOB NOT NULL,
	created_at   INTEGER NOT NULL
);

CREATE TABLE products (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	sections    TEXT NOT NULL DEFAULT '',
	langs       TEXT NOT NULL DEFAULT '',
	topics      TEXT NOT NULL DEFAULT '',
	persons     TEXT NOT NULL DEFAULT '',
	max_urgency INTEGER NOT NULL DEFAULT 0,
	kinds       TEXT NOT NULL DEFAULT '',
	embargoed   INTEGER NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX products_name ON products (lower(name));

CREATE TABLE client_products (
	client_id    INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
	product_id   INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
	active_from  INTEGER,
	active_until INTEGER,
	PRIMARY KEY (client_id, product_id)
) WITHOUT ROWID;
CREATE INDEX client_products_product ON client_products (product_id);

CREATE TABLE client_users (
	id            INTEGER PRIMARY KEY,
	client_id     INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
	email         TEXT NOT NULL,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('client-admin', 'member')),
	password_hash TEXT NOT NULL DEFAULT '',
	failures      INTEGER NOT NULL DEFAULT 0,
	locked_until  INTEGER,
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX client_users_email ON client_users (lower(email));
CREATE INDEX client_users_client ON client_users (client_id);

ALTER TABLE tokens ADD COLUMN client_id INTEGER REFERENCES clients(id) ON DELETE CASCADE;
CREATE INDEX tokens_client ON tokens (client_id) WHERE client_id IS NOT NULL;
